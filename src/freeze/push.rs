//! The server's side of a push, as pure functions: who is pushing (only what the
//! server authenticated), whether a break-glass override is asked for, and what to do
//! with a report: accept, refuse, or let an override through.
//!
//! The trust boundary: a pusher controls the pushed objects and the push options;
//! over a local or SSH transport they may also set any environment variable (`USER`,
//! and `GL_USERNAME` or `REMOTE_USER` just as well). Which variable the hosting server
//! sets for the user it authenticated is therefore the administrator's statement, in
//! the server repository's git config `lancelot.pusher` (which no push can change):
//! `GL_USERNAME` on GitLab, `GITHUB_USER_LOGIN` on GitHub Enterprise, `REMOTE_USER`
//! behind a web server. Without it, the pusher is the account the hook runs under.

use super::Rules;

/// The push option that asks to override a refusal.
pub const OVERRIDE_OPTION: &str = "lancelot-override";

/// Who pushes, and how the server knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pusher {
    /// The name the server knows the pusher by.
    pub name: String,
    /// Where it came from: a variable, or `account` for the hook's own account.
    pub source: String,
}

/// The git config key naming the variable that holds the authenticated pusher.
pub const PUSHER_KEY: &str = "lancelot.pusher";

/// The pusher: the variable `trusted` names (from [`PUSHER_KEY`]) when the server set
/// it, else the account the hook runs under (`account`, as `uid N (name)`).
pub fn pusher(
    env: &dyn Fn(&str) -> Option<String>,
    trusted: Option<&str>,
    account: String,
) -> Pusher {
    let from_variable = trusted
        .map(str::trim)
        .filter(|name| !name.is_empty() && *name != "account")
        .and_then(|name| {
            let value = env(name).filter(|value| !value.trim().is_empty())?;
            Some((name.to_owned(), value))
        });
    match from_variable {
        Some((source, name)) => Pusher { name, source },
        None => Pusher {
            name: account,
            source: "account".to_owned(),
        },
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

/// The override a `git push` asks for, as a client-side hook can see it: git gives
/// pre-push hooks no push options, so they are read from the `git push` command line
/// (`args`, after the program name: `-o <option>`, `-o<option>`,
/// `--push-option=<option>`, `--push-option <option>`) and from the `push.pushOption`
/// values of the configuration (`config`).
pub fn client_override_request(args: &[String], config: &[String]) -> Option<String> {
    let mut options: Vec<&str> = Vec::new();
    let mut words = args.iter().map(String::as_str);
    // Global options (`-C dir`, `-c key=value`) come before the `push` command.
    let mut pushing = false;
    while let Some(word) = words.next() {
        if !pushing {
            pushing = word == "push";
            continue;
        }
        if word == "--" {
            break;
        }
        if word == "-o" || word == "--push-option" {
            options.extend(words.next());
        } else if let Some(option) = word.strip_prefix("--push-option=") {
            options.push(option);
        } else if let Some(option) = word.strip_prefix("-o") {
            options.push(option);
        }
    }
    options
        .into_iter()
        .chain(config.iter().map(String::as_str))
        .find_map(|option| {
            option
                .strip_prefix(OVERRIDE_OPTION)
                .and_then(|rest| rest.strip_prefix('='))
                .map(|reason| reason.trim().to_owned())
        })
}

/// The values of `key` in `GIT_CONFIG_PARAMETERS`, where git passes `git -c key=value`
/// settings to the programs it runs (shell-quoted words: `'key'='value'` or
/// `'key=value'`). Keys compare without case.
pub fn config_parameters(parameters: &str, key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut chars = parameters.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => quoted = !quoted,
            '\\' if !quoted => word.extend(chars.next()),
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
        .into_iter()
        .filter_map(|word| {
            let (name, value) = word.split_once('=')?;
            name.eq_ignore_ascii_case(key).then(|| value.to_owned())
        })
        .collect()
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
    #[test]
    fn a_client_sees_the_override_on_the_push_command_line_or_in_config() {
        let args = |line: &str| -> Vec<String> { line.split(' ').map(String::from).collect() };
        for line in [
            "push -o lancelot-override=INC-42 origin main",
            "push origin main -olancelot-override=INC-42",
            "-C repo push --push-option=lancelot-override=INC-42",
            "push --push-option lancelot-override=INC-42",
            "push -o ci.skip -o lancelot-override=INC-42",
        ] {
            assert_eq!(
                client_override_request(&args(line), &[]),
                Some("INC-42".into()),
                "{line}"
            );
        }
        for line in [
            "push origin main",
            "push -- -o lancelot-override=x",
            "-o lancelot-override=x fetch",
            "push -o lancelot-overrides=x",
        ] {
            assert_eq!(client_override_request(&args(line), &[]), None, "{line}");
        }
        assert_eq!(
            client_override_request(&args("push"), &["lancelot-override=".into()]),
            Some(String::new())
        );
        assert_eq!(
            config_parameters(
                "'core.editor'='vi' 'push.pushoption'='lancelot-override=it'\\''s down' 'push.pushOption=x'",
                "push.pushOption"
            ),
            ["lancelot-override=it's down", "x"]
        );
    }

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
    fn the_pusher_is_the_variable_the_administrator_names() {
        let gitlab = env(&[
            ("GL_ID", "user-7"),
            ("GL_USERNAME", "ada"),
            ("USER", "mallory"),
        ]);
        assert_eq!(pusher(&gitlab, Some("GL_USERNAME"), account()).name, "ada");
        // Unnamed variables are the pusher's to set: the account counts.
        for spoofed in [
            env(&[("GL_ID", "1"), ("GL_USERNAME", "ada"), ("USER", "m")]),
            env(&[("REMOTE_USER", "grace"), ("GITHUB_USER_LOGIN", "grace")]),
        ] {
            let found = pusher(&spoofed, None, account());
            assert_eq!(
                (found.name.as_str(), found.source.as_str()),
                ("uid 1000 (git)", "account")
            );
        }
        let named = pusher(
            &env(&[("GITHUB_USER_LOGIN", "octo")]),
            Some("GITHUB_USER_LOGIN"),
            account(),
        );
        assert_eq!(
            (named.name.as_str(), named.source.as_str()),
            ("octo", "GITHUB_USER_LOGIN")
        );
        assert_eq!(
            pusher(&env(&[]), Some("REMOTE_USER"), account()).source,
            "account",
            "a named variable the server did not set"
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
            source: "GL_USERNAME".into(),
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
