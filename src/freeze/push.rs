//! The server's side of a push, as pure functions: who is pushing (only what the
//! server authenticated), whether a break-glass override is asked for, and what to do
//! with a report: accept, refuse, or let an override through.
//!
//! The trust boundary: a pusher controls the pushed objects and the push options;
//! over a local or SSH transport they may also set environment variables such as
//! `USER`. The hosting server's own variables (GitLab's `GL_USERNAME` with `GL_ID`,
//! GitHub Enterprise's `GITHUB_USER_LOGIN`, a web server's `REMOTE_USER`) and the
//! account the hook runs under are what the server authenticated.

use super::Rules;

/// The push option that asks to override a refusal.
pub const OVERRIDE_OPTION: &str = "lancelot-override";

/// Who pushes, and how the server knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pusher {
    /// The name.
    pub name: String,
    /// Where it came from: a variable, or `account` for the hook's own account.
    pub source: &'static str,
}

/// The pusher, from the variables the hosting server sets for an authenticated user,
/// else the account the hook runs under (`account`, as `uid N (name)`).
pub fn pusher(env: &dyn Fn(&str) -> Option<String>, account: String) -> Pusher {
    let set = |name: &str| env(name).filter(|value| !value.trim().is_empty());
    if set("GL_ID").is_some()
        && let Some(name) = set("GL_USERNAME")
    {
        return Pusher {
            name,
            source: "GL_USERNAME",
        };
    }
    for source in ["GITHUB_USER_LOGIN", "REMOTE_USER"] {
        if let Some(name) = set(source) {
            return Pusher { name, source };
        }
    }
    Pusher {
        name: account,
        source: "account",
    }
}

/// The reason given with `git push -o lancelot-override=<reason>`, if the option was
/// given (an empty reason is `Some("")`).
pub fn override_request(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let count: usize = env("GIT_PUSH_OPTION_COUNT")?.trim().parse().ok()?;
    (0..count.min(1000))
        .filter_map(|index| env(&format!("GIT_PUSH_OPTION_{index}")))
        .find_map(|option| {
            option
                .strip_prefix(OVERRIDE_OPTION)
                .and_then(|rest| rest.strip_prefix('='))
                .map(|reason| reason.trim().to_owned())
        })
}

/// What the hook does with a push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Nothing to refuse.
    Accept,
    /// Refused, with why an override asked for does not apply.
    Refuse(Option<OverrideRefused>),
    /// Refused by the rule, let through by an override with this reason (once its
    /// receipt is written).
    Override(String),
}

/// Why an override that was asked for is not granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OverrideRefused {
    /// `-o lancelot-override=` without a reason.
    NoReason,
    /// `[freeze] allow_override = false`.
    Disabled,
    /// The pusher is not in `[freeze] override_allow`.
    NotAllowed,
}

impl OverrideRefused {
    /// The message for the pusher.
    pub fn describe(&self, pusher: &Pusher) -> String {
        match self {
            OverrideRefused::NoReason => {
                format!("an override needs a reason: git push -o {OVERRIDE_OPTION}=\"<why>\"")
            }
            OverrideRefused::Disabled => {
                "overrides are disabled here ([freeze] allow_override = false)".into()
            }
            OverrideRefused::NotAllowed => format!(
                "{} may not override here ([freeze] override_allow)",
                crate::ui::safe(&pusher.name)
            ),
        }
    }
}

/// Decides a push: a clean report is accepted; otherwise an override is granted only
/// with a reason, when overrides are allowed and the pusher may use them.
pub fn decide(clean: bool, rules: &Rules, request: Option<&str>, pusher: &Pusher) -> Decision {
    if clean {
        return Decision::Accept;
    }
    let Some(reason) = request else {
        return Decision::Refuse(None);
    };
    let refused = if reason.is_empty() {
        OverrideRefused::NoReason
    } else if !rules.allow_override {
        OverrideRefused::Disabled
    } else if !rules.override_allow.is_empty() && !rules.override_allow.contains(&pusher.name) {
        OverrideRefused::NotAllowed
    } else {
        return Decision::Override(reason.to_owned());
    };
    Decision::Refuse(Some(refused))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FreezeConfig;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn account() -> String {
        "uid 1000 (git)".into()
    }

    #[test]
    fn the_pusher_is_what_the_server_authenticated() {
        let gitlab = env(&[
            ("GL_ID", "user-7"),
            ("GL_USERNAME", "ada"),
            ("USER", "mallory"),
        ]);
        assert_eq!(pusher(&gitlab, account()).name, "ada");
        let spoofed = env(&[
            ("GL_USERNAME", "ada"),
            ("USER", "mallory"),
            ("LOGNAME", "m"),
        ]);
        let found = pusher(&spoofed, account());
        assert_eq!(
            (found.name.as_str(), found.source),
            ("uid 1000 (git)", "account")
        );
        assert_eq!(
            pusher(&env(&[("GITHUB_USER_LOGIN", "octo")]), account()).name,
            "octo"
        );
        assert_eq!(
            pusher(&env(&[("REMOTE_USER", "web")]), account()).name,
            "web"
        );
    }

    #[test]
    fn override_requests_come_from_push_options() {
        let options = env(&[
            ("GIT_PUSH_OPTION_COUNT", "2"),
            ("GIT_PUSH_OPTION_0", "ci.skip"),
            ("GIT_PUSH_OPTION_1", "lancelot-override= hotfix for INC-42 "),
        ]);
        assert_eq!(
            override_request(&options).as_deref(),
            Some("hotfix for INC-42")
        );
        assert_eq!(override_request(&env(&[])), None);
    }

    #[test]
    fn overrides_need_a_reason_permission_and_a_listed_pusher() {
        let mut config = FreezeConfig::default();
        let ada = Pusher {
            name: "ada".into(),
            source: "GL_USERNAME",
        };
        let rules = |config: &FreezeConfig| Rules::new(config).unwrap();
        assert_eq!(
            decide(true, &rules(&config), Some("x"), &ada),
            Decision::Accept
        );
        assert_eq!(
            decide(false, &rules(&config), None, &ada),
            Decision::Refuse(None)
        );
        assert_eq!(
            decide(false, &rules(&config), Some("x"), &ada),
            Decision::Refuse(Some(OverrideRefused::Disabled))
        );
        config.allow_override = true;
        assert_eq!(
            decide(false, &rules(&config), Some(""), &ada),
            Decision::Refuse(Some(OverrideRefused::NoReason))
        );
        assert_eq!(
            decide(false, &rules(&config), Some("x"), &ada),
            Decision::Override("x".into())
        );
        config.override_allow = vec!["grace".into()];
        assert_eq!(
            decide(false, &rules(&config), Some("x"), &ada),
            Decision::Refuse(Some(OverrideRefused::NotAllowed))
        );
    }
}
