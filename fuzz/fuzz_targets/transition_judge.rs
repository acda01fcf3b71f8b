//! The transition judge takes any pair of texts: it never panics, and whatever
//! `set-status` writes from a frozen document is an allowed transition.
#![no_main]

use lancelot::config::FreezeConfig;
use lancelot::freeze::Rules;
use lancelot::freeze::rule::{After, MODE_FILE, Verdict};
use libfuzzer_sys::fuzz_target;

static RULES: std::sync::LazyLock<Option<Rules>> =
    std::sync::LazyLock::new(|| Rules::new(&FreezeConfig::default()).ok());

fuzz_target!(|input: (&[u8], &[u8])| {
    let Some(rules) = RULES.as_ref() else {
        return;
    };
    let (old, new) = input;
    let _ = rules.judge(
        MODE_FILE,
        old,
        After::File {
            mode: MODE_FILE,
            text: new,
        },
    );
    let Ok(text) = std::str::from_utf8(old) else {
        return;
    };
    // A document whose every reading is In Progress: what `set-status done` moves.
    let readings = lancelot::doc::field_values(old, "Status");
    let in_progress = lancelot::doc::Status::new("In Progress");
    if readings.is_empty() || !readings.iter().all(|value| in_progress.matches(value)) {
        return;
    }
    if let Some(done) = lancelot::doc::set_field_value(text, "Status", "Done") {
        if done.as_bytes() != old {
            assert_eq!(
                rules.judge(
                    MODE_FILE,
                    old,
                    After::File {
                        mode: MODE_FILE,
                        text: done.as_bytes()
                    }
                ),
                Verdict::Allowed,
                "set-status wrote a change the freeze refuses:\n{text:?}\n{done:?}"
            );
        }
    }
});
