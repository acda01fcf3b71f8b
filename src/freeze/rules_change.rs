//! The rules protect themselves. Where the server has no rules file of its own, the
//! rules in force are the `lancelot.toml` of its default branch, which a push can
//! change; so a change of the `[freeze]` table that reaches the default branch is
//! judged: tightening is accepted, any weakening is refused (an override can let it
//! through, recorded).

use std::collections::BTreeSet;

use crate::config::FreezeConfig;
use crate::doc::Status;

/// How `new` weakens `old`, each as a sentence; empty when `new` is as strict or
/// stricter. Globs are compared as written: a rewritten glob counts as dropped.
pub fn weakenings(old: &FreezeConfig, new: &FreezeConfig) -> Vec<String> {
    let mut found = Vec::new();
    for path in &old.paths {
        if !new.paths.contains(path) {
            found.push(format!("stops freezing `{path}`"));
        }
    }
    if !old
        .status_field
        .trim()
        .eq_ignore_ascii_case(new.status_field.trim())
    {
        found.push(format!(
            "reads the status from `{}` instead of `{}`",
            new.status_field, old.status_field
        ));
    }
    if old.status_in == crate::config::StatusIn::Document
        && new.status_in == crate::config::StatusIn::Header
    {
        found.push("reads the status from the header only".into());
    }
    let statuses = |list: &[String]| -> BTreeSet<String> {
        list.iter()
            .map(|name| Status::new(name).as_str().to_owned())
            .collect()
    };
    let frozen = statuses(&new.frozen);
    for name in &old.frozen {
        if !frozen.contains(Status::new(name).as_str()) {
            found.push(format!("no longer freezes `{name}`"));
        }
    }
    let pair = |t: &crate::config::Transition| {
        (
            Status::new(&t.from).as_str().to_owned(),
            Status::new(&t.to).as_str().to_owned(),
        )
    };
    let allowed: BTreeSet<(String, String)> = old.transitions.iter().map(pair).collect();
    for transition in &new.transitions {
        if !allowed.contains(&pair(transition)) {
            found.push(format!("allows `{} -> {}`", transition.from, transition.to));
        }
    }
    let mutable: BTreeSet<String> = old
        .mutable_fields
        .iter()
        .map(|f| f.to_lowercase())
        .collect();
    for field in &new.mutable_fields {
        if !mutable.contains(&field.to_lowercase()) {
            found.push(format!("lets a transition change `{field}`"));
        }
    }
    if new.allow_override && !old.allow_override {
        found.push("turns overrides on".into());
    }
    if old.allow_override && new.allow_override {
        let wider = !old.override_allow.is_empty()
            && (new.override_allow.is_empty()
                || new
                    .override_allow
                    .iter()
                    .any(|name| !old.override_allow.contains(name)));
        if wider {
            found.push("lets more pushers override".into());
        }
    }
    if new.baseline.is_some() && new.baseline != old.baseline {
        found.push(format!(
            "moves the baseline to `{}` (the history it reaches is no longer judged)",
            new.baseline.as_deref().unwrap_or_default()
        ));
    }
    for known in &new.known_refs {
        if !old.known_refs.contains(known) {
            found.push(format!("trusts the commits of `{known}` as judged"));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Transition;

    fn base() -> FreezeConfig {
        FreezeConfig::default()
    }

    #[test]
    fn tightening_is_no_weakening() {
        let mut stricter = base();
        stricter.paths.push("docs/adr/**".into());
        stricter.frozen.push("Approved".into());
        stricter.frozen[0] = "in-progress".into();
        stricter.transitions.pop();
        stricter.mutable_fields.pop();
        stricter.known_refs.pop();
        assert_eq!(weakenings(&base(), &stricter), Vec::<String>::new());
        let mut with_baseline = base();
        with_baseline.baseline = Some("v1.0.0".into());
        assert_eq!(
            weakenings(&with_baseline, &base()),
            Vec::<String>::new(),
            "dropping it tightens"
        );
        assert_eq!(
            weakenings(&base(), &with_baseline),
            ["moves the baseline to `v1.0.0` (the history it reaches is no longer judged)"]
        );
        assert_eq!(weakenings(&base(), &base()), Vec::<String>::new());
    }

    #[test]
    fn every_weakening_is_named() {
        let mut weaker = base();
        weaker.paths = vec!["docs/specs/**".into()];
        weaker.frozen.retain(|status| status != "Done");
        weaker.transitions.push(Transition {
            from: "In Progress".into(),
            to: "Draft".into(),
        });
        weaker.mutable_fields.push("Title".into());
        weaker.allow_override = true;
        weaker.known_refs.push("refs/pull/*".into());
        weaker.status_field = "State".into();
        weaker.status_in = crate::config::StatusIn::Header;
        let found = weakenings(&base(), &weaker);
        for expected in [
            "stops freezing `docs/blueprints/**`",
            "no longer freezes `Done`",
            "allows `In Progress -> Draft`",
            "lets a transition change `Title`",
            "turns overrides on",
            "trusts the commits of `refs/pull/*` as judged",
            "reads the status from `State` instead of `Status`",
            "reads the status from the header only",
        ] {
            assert!(found.iter().any(|f| f == expected), "{expected}: {found:?}");
        }
    }

    #[test]
    fn widening_who_may_override_is_a_weakening() {
        let mut old = base();
        old.allow_override = true;
        old.override_allow = vec!["grace".into()];
        let mut new = old.clone();
        new.override_allow = Vec::new();
        assert_eq!(weakenings(&old, &new), ["lets more pushers override"]);
        new.override_allow = vec!["grace".into(), "mallory".into()];
        assert_eq!(weakenings(&old, &new), ["lets more pushers override"]);
        new.override_allow = Vec::new();
        new.allow_override = false;
        assert_eq!(
            weakenings(&old, &new),
            Vec::<String>::new(),
            "turning overrides off tightens"
        );
    }
}
