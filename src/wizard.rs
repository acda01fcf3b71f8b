//! The `new-slice` questions, answered by flags or, on a terminal, by the user.
//!
//! Every answer goes through the same validator whether it came from a flag or a
//! prompt. Prompts go through the [`Prompter`] trait: dialoguer in production, a
//! scripted prompter in tests. Without a terminal a missing required answer fails at
//! once, naming the flag to pass; lancelot never waits for input that cannot come.

use crate::feature::FeatureName;
use crate::scaffold::{ScaffoldError, Scaffolder, SliceRequest, one_line};
use crate::slice::{Bump, ExistingSlice, Flag, Kind, SliceLayout};

/// Why asking failed.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// The user pressed Ctrl-C or Esc.
    #[error("interrupted; nothing was written")]
    Interrupted,
    /// A required answer is missing and there is no terminal to ask on.
    #[error("missing {option}: {what} is required and there is no terminal to ask on")]
    Missing {
        /// The flag or argument that gives it.
        option: &'static str,
        /// What it is.
        what: &'static str,
    },
    /// The user declined the plan.
    #[error("cancelled; nothing was written")]
    Declined,
    /// The terminal failed.
    #[error("cannot talk to the terminal")]
    Terminal(#[source] std::io::Error),
}

impl PromptError {
    /// What to do about the error.
    pub fn hint(&self) -> Option<String> {
        match self {
            PromptError::Missing { option, .. } => Some(format!(
                "pass {option} (see `lancelot new-slice --help`), or run in a terminal to be asked"
            )),
            _ => None,
        }
    }
}

/// Asks the user questions.
pub trait Prompter {
    /// Asks for a line of text. `default` is offered and returned on an empty answer;
    /// `validate` rejects answers (the message is shown and the question asked again)
    /// or says how the accepted answer is shown (`jobs` is the flag `FEATURE_JOBS`).
    fn text(
        &mut self,
        prompt: &str,
        default: Option<&str>,
        validate: &dyn Fn(&str) -> Result<String, String>,
    ) -> Result<String, PromptError>;

    /// Asks to pick any number of `items`; returns their indexes.
    fn choose_many(&mut self, prompt: &str, items: &[String]) -> Result<Vec<usize>, PromptError>;

    /// Asks to pick one of `items`; returns its index.
    fn choose_one(
        &mut self,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> Result<usize, PromptError>;

    /// Asks a yes/no question.
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, PromptError>;
}

/// The answers given as flags; `None` or empty means "not given".
#[derive(Debug, Clone, Default)]
pub struct Answers {
    /// `<FEATURE>`.
    pub feature: Option<String>,
    /// `--summary`.
    pub summary: Option<String>,
    /// `--depends-on`.
    pub depends_on: Vec<String>,
    /// `--include`.
    pub include: Vec<String>,
    /// `--exclude`.
    pub exclude: Vec<String>,
    /// `--kind`.
    pub kinds: Vec<Kind>,
    /// `--module`.
    pub module: Option<String>,
    /// `--flag`.
    pub flag: Option<String>,
    /// `--bump`.
    pub bump: Option<Bump>,
}

/// Turns flag answers into a request, asking `prompter` (when there is one) for what
/// the flags did not give.
pub fn resolve(
    scaffolder: &Scaffolder,
    answers: &Answers,
    mut prompter: Option<&mut dyn Prompter>,
) -> Result<SliceRequest, crate::Error> {
    check_given(scaffolder, answers)?;
    let feature = answer(
        answers.feature.as_deref(),
        prompter.as_deref_mut(),
        ("Feature name (e.g. Health Monitor)", None),
        &|text| scaffolder.new_feature(text),
        &|feature: &FeatureName| feature.pascal(),
        || Err(missing("<FEATURE>", "the feature name")),
    )?;
    let summary = answer(
        answers.summary.as_deref(),
        prompter.as_deref_mut(),
        ("One-line summary", None),
        &|text| one_line("--summary", text),
        &String::clone,
        || Err(missing("--summary", "a one-line summary")),
    )?;

    let kinds = kinds(answers, prompter.as_deref_mut())?;
    let depends_on = dependencies(scaffolder, &feature, answers, prompter.as_deref_mut())?;

    let included = scope_items(
        "--include",
        &answers.include,
        prompter.as_deref_mut(),
        "Included in scope (separate items with ;, or leave empty to write them later)",
    )?;
    let excluded = scope_items(
        "--exclude",
        &answers.exclude,
        prompter.as_deref_mut(),
        "Excluded from scope (separate items with ;, or leave empty to write them later)",
    )?;

    let bump = bump(answers, prompter.as_deref_mut())?;

    // The conventional module is no choice: the layout gives it anyway.
    let conventional = SliceLayout::new(scaffolder.config(), &feature, None).module;
    let module = answer(
        answers.module.as_deref(),
        prompter.as_deref_mut(),
        ("Owning module", Some(conventional.as_str())),
        &|text| scaffolder.module_path(text).map(Some),
        &|path: &Option<crate::fs::RelPath>| {
            path.as_ref().map(ToString::to_string).unwrap_or_default()
        },
        || Ok(None),
    )?
    .filter(|path| *path != conventional);
    let flag = answer(
        answers.flag.as_deref(),
        prompter,
        ("Feature flag", Some(&feature.flag())),
        &parse_flag,
        &|flag: &Flag| flag.as_str().to_owned(),
        || Ok(Flag::for_feature(&feature)),
    )?;

    Ok(SliceRequest {
        feature,
        summary,
        depends_on,
        included,
        excluded,
        kinds,
        module,
        flag,
        bump,
    })
}

fn parse_flag(text: &str) -> Result<Flag, ScaffoldError> {
    text.parse::<Flag>()
        .map_err(|message| ScaffoldError::InvalidAnswer {
            option: "--flag",
            message,
        })
}

/// Checks every option given on the command line before anything is asked: a wrong
/// one is refused at once, not after the questions. (Whether a dependency is the
/// feature itself is checked once the feature is known.)
fn check_given(scaffolder: &Scaffolder, answers: &Answers) -> Result<(), crate::Error> {
    let feature = answers
        .feature
        .as_deref()
        .map(|feature| scaffolder.new_feature(feature))
        .transpose()?;
    if let Some(summary) = &answers.summary {
        one_line("--summary", summary)?;
    }
    for name in &answers.depends_on {
        match &feature {
            Some(feature) => scaffolder.dependency(feature, name)?,
            None => scaffolder.known_slice(name)?,
        };
    }
    for item in &answers.include {
        one_line("--include", item)?;
    }
    for item in &answers.exclude {
        one_line("--exclude", item)?;
    }
    if let Some(module) = &answers.module {
        scaffolder.module_path(module)?;
    }
    if let Some(flag) = &answers.flag {
        parse_flag(flag)?;
    }
    Ok(())
}

/// Why the feature is a new slice (SOP 2.2): `--kind`, else asked.
fn kinds<P: Prompter + ?Sized>(
    answers: &Answers,
    prompter: Option<&mut P>,
) -> Result<Vec<Kind>, crate::Error> {
    match prompter {
        Some(prompter) if answers.kinds.is_empty() => {
            let labels: Vec<String> = Kind::ALL
                .iter()
                .map(|kind| kind.label().to_owned())
                .collect();
            let chosen = prompter.choose_many(
                "Why is this a new slice? (SOP 2.2; space to select)",
                &labels,
            )?;
            Ok(chosen
                .into_iter()
                .filter_map(|index| Kind::ALL.get(index).copied())
                .collect())
        }
        _ => Ok(dedup(answers.kinds.clone())),
    }
}

/// The slices this one depends on: `--depends-on`, else chosen among the existing.
fn dependencies<P: Prompter + ?Sized>(
    scaffolder: &Scaffolder,
    feature: &FeatureName,
    answers: &Answers,
    prompter: Option<&mut P>,
) -> Result<Vec<ExistingSlice>, crate::Error> {
    let existing = scaffolder.existing();
    match prompter {
        Some(prompter) if answers.depends_on.is_empty() && !existing.is_empty() => {
            let names: Vec<String> = existing
                .iter()
                .map(|slice| match scaffolder.status(slice) {
                    Some(status) => {
                        format!("{} ({})", slice.feature.pascal(), crate::ui::safe(&status))
                    }
                    None => slice.feature.pascal(),
                })
                .collect();
            let chosen =
                prompter.choose_many("Depends on (space to select, enter when done)", &names)?;
            Ok(chosen
                .into_iter()
                .filter_map(|index| existing.get(index).cloned())
                .collect())
        }
        _ => {
            let mut slices = Vec::new();
            for name in &answers.depends_on {
                let slice = scaffolder.dependency(feature, name)?;
                if !slices.contains(&slice) {
                    slices.push(slice);
                }
            }
            Ok(slices)
        }
    }
}

/// The version bump the slice declares: `--bump`, else asked, else minor.
fn bump<P: Prompter + ?Sized>(
    answers: &Answers,
    prompter: Option<&mut P>,
) -> Result<Bump, crate::Error> {
    let Some(prompter) = prompter.filter(|_| answers.bump.is_none()) else {
        return Ok(answers.bump.unwrap_or(Bump::Minor));
    };
    let choices = [Bump::Minor, Bump::Patch, Bump::Major];
    let labels: Vec<String> = [
        "minor (new, compatible behaviour)",
        "patch (fixes only)",
        "major (breaking)",
    ]
    .map(String::from)
    .to_vec();
    let index = prompter.choose_one("Version bump this slice declares", &labels, 0)?;
    Ok(choices.get(index).copied().unwrap_or(Bump::Minor))
}

/// One text answer: the flag's value when given, else asked on the terminal
/// (`question` with its default, each try checked by `parse`), else `otherwise`.
fn answer<T, P: Prompter + ?Sized>(
    given: Option<&str>,
    prompter: Option<&mut P>,
    (question, default): (&str, Option<&str>),
    parse: &dyn Fn(&str) -> Result<T, ScaffoldError>,
    show: &dyn Fn(&T) -> String,
    otherwise: impl FnOnce() -> Result<T, crate::Error>,
) -> Result<T, crate::Error> {
    match (given, prompter) {
        (Some(text), _) => Ok(parse(text)?),
        (None, Some(prompter)) => {
            let text = prompter.text(question, default, &|text| {
                parse(text).map(|value| show(&value)).map_err(for_prompt)
            })?;
            Ok(parse(&text)?)
        }
        (None, None) => otherwise(),
    }
}

fn missing(option: &'static str, what: &'static str) -> crate::Error {
    PromptError::Missing { option, what }.into()
}

/// The message a refused answer shows under its question: without the flag's name
/// (`--summary: it is empty` is `It is empty`), since nobody typed a flag.
fn for_prompt(error: ScaffoldError) -> String {
    match error {
        ScaffoldError::InvalidAnswer { message, .. } => {
            let mut chars = message.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or(message)
        }
        error => error.to_string(),
    }
}

fn dedup<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut unique = Vec::new();
    for item in items {
        if !unique.contains(&item) {
            unique.push(item);
        }
    }
    unique
}

/// Scope items from flags, or from one `;`-separated answer.
fn scope_items<P: Prompter + ?Sized>(
    option: &'static str,
    given: &[String],
    prompter: Option<&mut P>,
    prompt: &str,
) -> Result<Vec<String>, crate::Error> {
    let validate_all = |items: &[&str]| -> Result<Vec<String>, ScaffoldError> {
        items.iter().map(|item| one_line(option, item)).collect()
    };
    match prompter {
        Some(prompter) if given.is_empty() => {
            let split = |text: &str| -> Vec<String> {
                text.split(';')
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .map(String::from)
                    .collect()
            };
            let text = prompter.text(prompt, Some(""), &|text| {
                let items = split(text);
                validate_all(&items.iter().map(String::as_str).collect::<Vec<_>>())
                    .map(|items| items.join("; "))
                    .map_err(for_prompt)
            })?;
            let items = split(&text);
            Ok(validate_all(
                &items.iter().map(String::as_str).collect::<Vec<_>>(),
            )?)
        }
        _ => Ok(validate_all(
            &given.iter().map(String::as_str).collect::<Vec<_>>(),
        )?),
    }
}

/// The production prompter: dialoguer on stderr.
pub struct TerminalPrompter {
    theme: dialoguer::theme::ColorfulTheme,
}

impl TerminalPrompter {
    /// A prompter on the process's terminal.
    pub fn new() -> TerminalPrompter {
        TerminalPrompter {
            theme: dialoguer::theme::ColorfulTheme::default(),
        }
    }
}

impl Default for TerminalPrompter {
    fn default() -> Self {
        TerminalPrompter::new()
    }
}

/// Whether the interruption has been reported; held while it is being reported.
static INTERRUPT_REPORTED: std::sync::Mutex<bool> = std::sync::Mutex::new(false);

/// Says once, on a line of its own, that the wizard was interrupted. Ctrl-C at a
/// prompt reaches both the prompt (as an error) and the interrupt handler (console
/// raises SIGINT), so both call this: the first prints, and the other waits until it
/// has (the handler exits the process right after).
fn report_interrupt() {
    let mut reported = INTERRUPT_REPORTED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if *reported {
        return;
    }
    let terminal = console::Term::stderr();
    let _ = terminal.show_cursor();
    let _ = terminal.write_line("");
    let _ = terminal.write_str(&crate::ui::error_line(
        &PromptError::Interrupted.to_string(),
    ));
    *reported = true;
}

/// Whether the interruption was already reported (the error needs no second line).
pub fn interrupt_reported() -> bool {
    *INTERRUPT_REPORTED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn terminal_error(error: dialoguer::Error) -> PromptError {
    let dialoguer::Error::IO(error) = error;
    if error.kind() == std::io::ErrorKind::Interrupted {
        report_interrupt();
        PromptError::Interrupted
    } else {
        PromptError::Terminal(error)
    }
}

impl Prompter for TerminalPrompter {
    fn text(
        &mut self,
        prompt: &str,
        default: Option<&str>,
        validate: &dyn Fn(&str) -> Result<String, String>,
    ) -> Result<String, PromptError> {
        // An empty answer goes to the validator too, which says why it is refused
        // (dialoguer would ask again without a word). The answer is reported as it
        // was understood: `jobs` as `FEATURE_JOBS`.
        let mut input = dialoguer::Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
            .allow_empty(true)
            .report(false)
            .validate_with(|text: &String| validate(text).map(|_| ()));
        if let Some(default) = default {
            input = input
                .default(default.to_owned())
                .show_default(!default.is_empty());
        }
        let text = input.interact_text().map_err(terminal_error)?;
        let shown = validate(&text).unwrap_or_else(|_| text.clone());
        let mut line = String::new();
        let _ = dialoguer::theme::Theme::format_input_prompt_selection(
            &self.theme,
            &mut line,
            prompt,
            &shown,
        );
        console::Term::stderr()
            .write_line(&line)
            .map_err(PromptError::Terminal)?;
        Ok(text)
    }

    fn choose_many(&mut self, prompt: &str, items: &[String]) -> Result<Vec<usize>, PromptError> {
        dialoguer::MultiSelect::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(items)
            .interact()
            .map_err(terminal_error)
    }

    fn choose_one(
        &mut self,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> Result<usize, PromptError> {
        dialoguer::Select::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(items)
            .default(default)
            .interact()
            .map_err(terminal_error)
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, PromptError> {
        dialoguer::Confirm::with_theme(&self.theme)
            .with_prompt(prompt)
            .default(default)
            .interact()
            .map_err(terminal_error)
    }
}

/// Makes Ctrl-C during the wizard restore the cursor and exit 130. While a plan is
/// being applied the interrupt is ignored, so the all-or-nothing write completes.
pub fn install_interrupt_handler() {
    let result = ctrlc::set_handler(|| {
        if crate::apply::APPLYING.load(std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        report_interrupt();
        std::process::exit(130);
    });
    // A handler can only be installed once per process; a second install is harmless.
    let _ = result;
}

/// Test support: a prompter that replays answers (not part of the library's API).
#[cfg(test)]
mod scripted {
    use std::collections::VecDeque;

    use super::{PromptError, Prompter};

    /// A prompter that replays scripted answers, for tests.
    #[derive(Debug, Default)]
    pub(super) struct ScriptedPrompter {
        answers: VecDeque<Scripted>,
        /// The prompts asked, in order.
        pub asked: Vec<String>,
    }

    /// One scripted answer.
    #[derive(Debug, Clone)]
    pub(super) enum Scripted {
        /// A line of text (empty takes the default).
        Text(String),
        /// Indexes picked in a multi-select or a select.
        Pick(Vec<usize>),
    }

    impl ScriptedPrompter {
        /// A prompter that gives `answers` in order.
        pub(super) fn new(answers: impl IntoIterator<Item = Scripted>) -> ScriptedPrompter {
            ScriptedPrompter {
                answers: answers.into_iter().collect(),
                asked: Vec::new(),
            }
        }

        fn next(&mut self, prompt: &str) -> Result<Scripted, PromptError> {
            self.asked.push(prompt.to_owned());
            self.answers.pop_front().ok_or(PromptError::Interrupted)
        }
    }

    impl Prompter for ScriptedPrompter {
        fn text(
            &mut self,
            prompt: &str,
            default: Option<&str>,
            validate: &dyn Fn(&str) -> Result<String, String>,
        ) -> Result<String, PromptError> {
            loop {
                let Scripted::Text(text) = self.next(prompt)? else {
                    return Err(PromptError::Interrupted);
                };
                let text = match default {
                    Some(default) if text.is_empty() => default.to_owned(),
                    _ => text,
                };
                if validate(&text).is_ok() {
                    return Ok(text);
                }
            }
        }

        fn choose_many(
            &mut self,
            prompt: &str,
            _items: &[String],
        ) -> Result<Vec<usize>, PromptError> {
            match self.next(prompt)? {
                Scripted::Pick(indexes) => Ok(indexes),
                _ => Err(PromptError::Interrupted),
            }
        }

        fn choose_one(
            &mut self,
            prompt: &str,
            _items: &[String],
            default: usize,
        ) -> Result<usize, PromptError> {
            match self.next(prompt)? {
                Scripted::Pick(indexes) => Ok(indexes.first().copied().unwrap_or(default)),
                _ => Err(PromptError::Interrupted),
            }
        }

        fn confirm(&mut self, prompt: &str, _default: bool) -> Result<bool, PromptError> {
            // A scripted pick of 1 is yes, of 0 no.
            match self.next(prompt)? {
                Scripted::Pick(indexes) => Ok(indexes.first() == Some(&1)),
                _ => Err(PromptError::Interrupted),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::scripted::{Scripted, ScriptedPrompter};
    use super::*;
    use crate::config::Config;
    use crate::fs::Root;

    /// A work tree with a spec for each of `slices`.
    fn tree_with(slices: &[&str]) -> (tempfile::TempDir, Root) {
        let dir = tempfile::tempdir().unwrap();
        let specs = dir.path().join("docs/specs");
        std::fs::create_dir_all(&specs).unwrap();
        for slice in slices {
            std::fs::write(specs.join(format!("Lancelot_vNext2_Spec_{slice}.md")), "x").unwrap();
        }
        let root = Root::work_tree(dir.path(), &dir.path().join(".git")).unwrap();
        (dir, root)
    }

    fn scaffolder(files: &Root) -> Scaffolder<'_> {
        Scaffolder::new(files, Config::default()).unwrap()
    }

    fn text(answer: &str) -> Scripted {
        Scripted::Text(answer.into())
    }

    #[test]
    fn flags_alone_make_a_request_with_defaults() {
        let (_dir, files) = tree_with(&[]);
        let scaffolder = scaffolder(&files);
        let answers = Answers {
            feature: Some("health-monitor".into()),
            summary: Some("  Watch health ".into()),
            ..Answers::default()
        };
        let request = resolve(&scaffolder, &answers, None).unwrap();
        assert_eq!(request.feature.pascal(), "HealthMonitor");
        assert_eq!(request.summary, "Watch health");
        assert_eq!(request.flag.as_str(), "FEATURE_HEALTH_MONITOR");
        assert_eq!(request.bump, Bump::Minor);
        assert!(
            request.module.is_none() && request.kinds.is_empty() && request.included.is_empty()
        );
    }

    #[test]
    fn without_a_prompter_the_summary_is_required() {
        let (_dir, files) = tree_with(&[]);
        let scaffolder = scaffolder(&files);
        let answers = Answers {
            feature: Some("x".into()),
            ..Answers::default()
        };
        let error = resolve(&scaffolder, &answers, None).unwrap_err();
        assert!(error.to_string().contains("missing --summary"), "{error}");
    }

    #[test]
    fn the_wizard_asks_only_what_flags_did_not_give_and_re_asks_invalid_answers() {
        let (_dir, files) = tree_with(&["Alpha", "Beta"]);
        let scaffolder = scaffolder(&files);
        let mut prompter = ScriptedPrompter::new([
            text("alpha"),            // refused: exists
            text("Health Monitor"),   // feature
            text(""),                 // refused: empty summary
            text("Watch health"),     // summary
            Scripted::Pick(vec![1]),  // depends on Beta
            text("probes; ; ready "), // included
            text(""),                 // excluded: none
            Scripted::Pick(vec![2]),  // major
            text("src/core/hm/"),     // module package
            text(""),                 // default flag
        ]);
        let answers = Answers {
            kinds: vec![Kind::Subsystem, Kind::Subsystem],
            ..Answers::default()
        };
        let request = resolve(&scaffolder, &answers, Some(&mut prompter)).unwrap();
        assert_eq!(request.feature.pascal(), "HealthMonitor");
        assert_eq!(request.summary, "Watch health");
        assert_eq!(request.kinds, [Kind::Subsystem]);
        assert_eq!(request.depends_on.len(), 1);
        assert_eq!(request.depends_on[0].feature.pascal(), "Beta");
        assert_eq!(request.included, ["probes", "ready"]);
        assert!(request.excluded.is_empty());
        assert_eq!(request.bump, Bump::Major);
        assert_eq!(request.module.unwrap().as_str(), "src/core/hm/__init__.py");
        assert_eq!(request.flag.as_str(), "FEATURE_HEALTH_MONITOR");
        assert!(
            !prompter
                .asked
                .iter()
                .any(|prompt| prompt.contains("Why is this")),
            "kinds came from flags"
        );
    }

    #[test]
    fn the_conventional_module_is_not_recorded_as_an_override() {
        let (_dir, files) = tree_with(&[]);
        let scaffolder = scaffolder(&files);
        let mut prompter = ScriptedPrompter::new([
            Scripted::Pick(vec![]),
            text(""),
            text(""),
            Scripted::Pick(vec![0]),
            text(""),
            text("feature_hm"),
        ]);
        let answers = Answers {
            feature: Some("hm".into()),
            summary: Some("s".into()),
            ..Answers::default()
        };
        let request = resolve(&scaffolder, &answers, Some(&mut prompter)).unwrap();
        assert!(request.module.is_none());
        assert_eq!(request.flag.as_str(), "FEATURE_HM");
        assert_eq!(request.bump, Bump::Minor);
    }
}
