//! The status reader takes any bytes: it never panics, and a document it reads as
//! frozen stays frozen when a comment or a code block is put before it or an
//! invisible character into its status.
#![no_main]

use lancelot::config::FreezeConfig;
use lancelot::freeze::Rules;
use libfuzzer_sys::fuzz_target;

static RULES: std::sync::LazyLock<Option<Rules>> =
    std::sync::LazyLock::new(|| Rules::new(&FreezeConfig::default()).ok());

fuzz_target!(|data: &[u8]| {
    let Some(rules) = RULES.as_ref() else {
        return;
    };
    let frozen = rules.frozen_status_of(data).map(str::to_owned);
    let _ = lancelot::doc::field_values(data, "Status");
    let Some(status) = frozen else {
        return;
    };
    let mut variants = Vec::new();
    // Text put before a front matter would end it; before a body it changes nothing.
    if !data.starts_with(b"---") && !data.starts_with(b"\xef\xbb\xbf") {
        for noise in [
            &b"<!-- Status: Draft -->\n"[..],
            b"```\nStatus: Draft\n```\n",
        ] {
            variants.push([noise, data].concat());
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        variants.push(
            text.replacen("In Progress", "In\u{200b} Progress", 1)
                .into_bytes(),
        );
    }
    for variant in variants {
        assert!(
            rules.frozen_status_of(&variant).is_some(),
            "a document frozen as {status} was unfrozen: {variant:?}"
        );
    }
});
