//! The env file (`.env.example` by default) that declares every feature flag.
//!
//! Only `NAME=value` lines matter here; comments and other lines are kept as they are.

/// A `FEATURE_*` flag declared in the env file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredFlag {
    /// The flag name.
    pub name: String,
    /// Its value as written.
    pub value: String,
}

/// The `FEATURE_*` assignments of an env file, in file order.
pub fn feature_flags(text: &str) -> Vec<DeclaredFlag> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line.strip_prefix("export ").unwrap_or(line);
            let (name, value) = line.split_once('=')?;
            let name = name.trim();
            name.starts_with("FEATURE_").then(|| DeclaredFlag {
                name: name.to_owned(),
                value: value.trim().to_owned(),
            })
        })
        .collect()
}

/// `text` with a commented flag assignment appended on lines of its own.
pub fn with_flag(text: &str, comment: &str, flag: &str, value: bool) -> String {
    let mut out = text.to_owned();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.trim().is_empty() && !out.ends_with("\n\n") {
        out.push('\n');
    }
    for line in comment.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&format!("{flag}={value}\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_feature_flags_only() {
        let text = "# comment\nDATABASE_URL=x\nFEATURE_A=true\nexport FEATURE_B = false\n#FEATURE_C=true\n";
        let names: Vec<_> = feature_flags(text).into_iter().map(|f| f.name).collect();
        assert_eq!(names, ["FEATURE_A", "FEATURE_B"]);
    }

    #[test]
    fn appends_after_a_blank_line() {
        assert_eq!(
            with_flag("", "see spec", "FEATURE_X", false),
            "# see spec\nFEATURE_X=false\n"
        );
        assert_eq!(
            with_flag("A=1", "see spec", "FEATURE_X", false),
            "A=1\n\n# see spec\nFEATURE_X=false\n"
        );
    }
}
