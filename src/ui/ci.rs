//! Findings as a CI system shows them: GitHub's workflow commands, one annotation per
//! finding on the file it concerns, and a Markdown table in the job's summary;
//! GitLab's Code Quality report, shown in the merge request.

use std::io::Write as _;

use crate::Error;

/// One finding on a file, as a CI system annotates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    /// The file, relative to the repository's root.
    pub file: String,
    /// The line, when the finding has one.
    pub line: Option<usize>,
    /// A short title.
    pub title: String,
    /// What is wrong and what to do.
    pub message: String,
    /// Reported without failing (a lint rule at `warn`).
    pub warning: bool,
}

/// A workflow command's message, escaped as GitHub reads it.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value (`file=`, `title=`), escaped as GitHub reads it.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The `::error …::…` lines of `annotations`.
pub fn github_commands(annotations: &[Annotation]) -> String {
    let mut text = String::new();
    for annotation in annotations {
        let line = annotation
            .line
            .map(|line| format!(",line={line}"))
            .unwrap_or_default();
        text.push_str(&format!(
            "::{} file={}{line},title={}::{}\n",
            if annotation.warning {
                "warning"
            } else {
                "error"
            },
            property(&annotation.file),
            property(&annotation.title),
            data(&annotation.message)
        ));
    }
    text
}

/// The job summary of `annotations`: a heading and a Markdown table.
pub fn github_summary(heading: &str, annotations: &[Annotation]) -> String {
    let mut text = format!("### {heading}\n\n");
    if annotations.is_empty() {
        text.push_str("No findings.\n\n");
        return text;
    }
    text.push_str("| File | Finding |\n| --- | --- |\n");
    for annotation in annotations {
        text.push_str(&format!(
            "| {} | {} |\n",
            super::md_code_cell(&annotation.file),
            super::md_cell(&annotation.message)
        ));
    }
    text.push('\n');
    text
}

/// Prints `annotations` as GitHub workflow commands, a last line saying how many,
/// and appends their summary (under `heading`) to the file `$GITHUB_STEP_SUMMARY`
/// names, when it is set. A summary that cannot be written is a warning: the
/// annotations are what the job is judged by.
pub fn github(heading: &str, annotations: &[Annotation]) -> Result<(), Error> {
    let count = annotations.len();
    super::out(&format!(
        "{}lancelot: {}\n",
        github_commands(annotations),
        if count == 0 {
            "no findings".to_owned()
        } else {
            super::plural(count, "finding")
        }
    ))?;
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|path| !path.is_empty()) {
        let written = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .and_then(|mut file| file.write_all(github_summary(heading, annotations).as_bytes()));
        if let Err(error) = written {
            super::warn(&format!(
                "cannot write the job summary to $GITHUB_STEP_SUMMARY: {error}"
            ));
        }
    }
    Ok(())
}

/// `annotations` as GitLab's Code Quality report: a JSON array of issues, each with
/// a description, a check name, a fingerprint that stays the same from run to run
/// for the same finding, a severity and its location.
pub fn codequality_report(annotations: &[Annotation]) -> serde_json::Value {
    let issues: Vec<serde_json::Value> = annotations
        .iter()
        .map(|annotation| {
            let fingerprint = git2::Oid::hash_object(
                git2::ObjectType::Blob,
                format!(
                    "{}\0{}\0{}",
                    annotation.title, annotation.file, annotation.message
                )
                .as_bytes(),
            )
            .map(|oid| oid.to_string())
            .unwrap_or_default();
            serde_json::json!({
                "description": annotation.message,
                "check_name": annotation.title,
                "fingerprint": fingerprint,
                "severity": if annotation.warning { "minor" } else { "major" },
                "location": {
                    "path": annotation.file,
                    "lines": { "begin": annotation.line.unwrap_or(1) },
                },
            })
        })
        .collect();
    serde_json::Value::Array(issues)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_properties_are_escaped_as_github_reads_them() {
        let annotation = Annotation {
            file: "docs/specs/a,b:c%.md".into(),
            line: Some(3),
            title: "frozen: modified".into(),
            message: "50% done\r\nnext line".into(),
            warning: false,
        };
        assert_eq!(
            github_commands(&[annotation]),
            "::error file=docs/specs/a%2Cb%3Ac%25.md,line=3,title=frozen%3A modified::50%25 done%0D%0Anext line\n"
        );
    }

    #[test]
    fn the_code_quality_report_has_what_gitlab_reads() {
        let annotation = Annotation {
            file: "docs/specs/A.md".into(),
            line: None,
            title: "Frozen document changed".into(),
            message: "docs/specs/A.md: modified".into(),
            warning: false,
        };
        let report = codequality_report(std::slice::from_ref(&annotation));
        let issue = &report[0];
        assert_eq!(issue["check_name"], "Frozen document changed");
        assert_eq!(issue["location"]["path"], "docs/specs/A.md");
        assert_eq!(issue["location"]["lines"]["begin"], 1);
        assert_eq!(issue["severity"], "major");
        let fingerprint = issue["fingerprint"].as_str().unwrap();
        assert_eq!(fingerprint.len(), 40);
        assert_eq!(
            codequality_report(std::slice::from_ref(&annotation))[0]["fingerprint"],
            fingerprint
        );
        // A finding that only warns is a warning to GitHub and minor to GitLab.
        let warning = Annotation {
            warning: true,
            ..annotation
        };
        assert_eq!(
            codequality_report(std::slice::from_ref(&warning))[0]["severity"],
            "minor"
        );
        assert!(github_commands(&[warning]).starts_with("::warning file="));
    }

    #[test]
    fn the_summary_is_a_markdown_table() {
        let annotation = Annotation {
            file: "docs/specs/A.md".into(),
            line: None,
            title: "t".into(),
            message: "a | b".into(),
            warning: false,
        };
        let summary = github_summary("lancelot check", &[annotation]);
        assert!(summary.starts_with("### lancelot check\n\n| File | Finding |\n| --- | --- |\n"));
        assert!(summary.contains("a \\| b"), "{summary}");
        assert!(github_summary("x", &[]).contains("No findings."));
    }
}
