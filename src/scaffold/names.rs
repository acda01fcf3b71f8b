//! The names a feature gives the generated code, checked against its language.
//!
//! A [`FeatureName`] is already an ASCII identifier; what it may not be depends on the
//! module language: `None` is no Python class name, `type` no Rust module, and a Go file
//! named `load_test.go` is a test file. Names the built-in templates already declare
//! (`Health`, `Receipt`, …) or rely on (`Set`, `Option`, …) are refused only while
//! those templates are in use; a repository's own templates are its own business.

use crate::feature::FeatureName;

/// Why a feature's name cannot be used in the generated code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the feature name `{input}` becomes the {language} {role} `{name}`, {why}")]
pub struct NameClash {
    /// The name as given.
    pub input: String,
    /// The module language.
    pub language: &'static str,
    /// What the name becomes: `class`, `module`, `file`, …
    pub role: &'static str,
    /// The identifier or file name.
    pub name: String,
    /// Why it cannot be.
    pub why: Why,
}

/// The reason a name cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Why {
    /// A reserved word of the language.
    #[error("a reserved word")]
    Keyword,
    /// The built-in templates declare or use it already.
    #[error("which the built-in templates already declare or use")]
    Taken,
    /// The build tool reads the file name as a build constraint or test file.
    #[error("which the Go tools read as a test file or a build constraint")]
    GoFileSuffix,
    /// Cargo reads the file as a crate root.
    #[error("which Cargo reads as a crate root")]
    CrateRoot,
}

/// The identifier the snake form becomes.
#[derive(Clone, Copy)]
struct Module {
    /// `module` or `package`.
    role: &'static str,
    /// Whether the words are joined without underscores (Go packages).
    joined: bool,
}

impl Module {
    const SNAKE: Module = Module {
        role: "module",
        joined: false,
    };

    fn spell(self, snake: &str) -> String {
        if self.joined {
            snake.replace('_', "")
        } else {
            snake.to_owned()
        }
    }
}

/// What a language forbids.
struct Language {
    name: &'static str,
    /// What the snake form becomes (`None`: no identifier, only file names).
    module: Option<Module>,
    /// Words the module identifier cannot be.
    module_keywords: &'static [&'static str],
    /// Module identifiers the built-in templates rely on.
    module_taken: &'static [&'static str],
    /// What the Pascal form becomes.
    type_role: &'static str,
    /// Words the Pascal form cannot be.
    type_keywords: &'static [&'static str],
    /// Type-level names the built-in templates declare or use.
    type_taken: &'static [&'static str],
}

const PYTHON: Language = Language {
    name: "Python",
    module: Some(Module::SNAKE),
    module_keywords: &[
        "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
        "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
        "yield",
    ],
    module_taken: &[],
    type_role: "class",
    type_keywords: &["None", "True", "False"],
    type_taken: &[
        "Any", "Callable", "Dict", "Health", "List", "Mapping", "Optional", "Receipt",
    ],
};

const RUST: Language = Language {
    name: "Rust",
    module: Some(Module::SNAKE),
    module_keywords: &[
        "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
        "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
        "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
        "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type",
        "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
    ],
    module_taken: &["std"],
    type_role: "struct",
    type_keywords: &["Self"],
    type_taken: &[
        "BTreeMap",
        "Box",
        "Clone",
        "Copy",
        "Debug",
        "Eq",
        "Fn",
        "Health",
        "None",
        "Option",
        "PartialEq",
        "Receipt",
        "Some",
        "Status",
        "String",
        "Vec",
    ],
};

const GO: Language = Language {
    name: "Go",
    module: Some(Module {
        role: "package",
        joined: true,
    }),
    module_keywords: &[
        "break",
        "case",
        "chan",
        "const",
        "continue",
        "default",
        "defer",
        "else",
        "fallthrough",
        "for",
        "func",
        "go",
        "goto",
        "if",
        "import",
        "interface",
        "map",
        "package",
        "range",
        "return",
        "select",
        "struct",
        "switch",
        "type",
        "var",
    ],
    module_taken: &[],
    type_role: "type",
    type_keywords: &[],
    type_taken: &[
        "Degraded",
        "Flag",
        "Health",
        "IsEnabled",
        "New",
        "Receipt",
        "ReceiptFailed",
        "ReceiptSkipped",
        "ReceiptStarted",
        "ReceiptStopped",
        "Running",
        "Status",
        "Stopped",
        "TestDisabledStartIsSkippedWithAReason",
        "TestEnabledStartRunsAndIsReady",
        "TestFailureDegradesUntilRestart",
        "TestFlagIsOffByDefault",
        "TestStartsAgainstTheRealService",
    ],
};

const JAVASCRIPT: Language = Language {
    name: "JavaScript",
    module: None,
    module_keywords: &[],
    module_taken: &[],
    type_role: "class",
    type_keywords: &[],
    type_taken: &["Date", "RegExp", "Set", "String"],
};

const TYPESCRIPT: Language = Language {
    name: "TypeScript",
    module: None,
    module_keywords: &[],
    module_taken: &[],
    type_role: "class",
    type_keywords: &[],
    type_taken: &[
        "Date", "Health", "Readonly", "Receipt", "Record", "RegExp", "Set", "Status",
    ],
};

/// Operating systems and architectures a Go file name can end in (`_linux.go`).
const GO_TARGETS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

/// Checks the names `feature` gives code written in files ending in `ext`. With
/// `builtin_templates`, names the built-in templates declare or use are refused too.
/// A language lancelot has no templates for is not checked.
pub fn check(feature: &FeatureName, ext: &str, builtin_templates: bool) -> Result<(), NameClash> {
    let language = match ext {
        "py" => PYTHON,
        "rs" => RUST,
        "go" => GO,
        "js" => JAVASCRIPT,
        "ts" => TYPESCRIPT,
        _ => return Ok(()),
    };
    let clash = |role: &'static str, name: String, why: Why| NameClash {
        input: feature.input().to_owned(),
        language: language.name,
        role,
        name,
        why,
    };
    if let Some(module) = language.module {
        let name = module.spell(feature.snake());
        if language.module_keywords.contains(&name.as_str()) {
            return Err(clash(module.role, name, Why::Keyword));
        }
        if builtin_templates && language.module_taken.contains(&name.as_str()) {
            return Err(clash(module.role, name, Why::Taken));
        }
    }
    let pascal = feature.pascal();
    if language.type_keywords.contains(&pascal.as_str()) {
        return Err(clash(language.type_role, pascal, Why::Keyword));
    }
    if builtin_templates && language.type_taken.contains(&pascal.as_str()) {
        return Err(clash(language.type_role, pascal, Why::Taken));
    }
    file_name(feature.snake(), ext).map_or(Ok(()), |why| {
        Err(clash("file", format!("{}.{ext}", feature.snake()), why))
    })
}

/// Whether the build tool gives a module file named `<snake>.<ext>` a meaning of its own.
fn file_name(snake: &str, ext: &str) -> Option<Why> {
    match ext {
        "go" => {
            let last = snake.rsplit_once('_').map(|(_, last)| last)?;
            (last == "test" || GO_TARGETS.contains(&last)).then_some(Why::GoFileSuffix)
        }
        "rs" => matches!(snake, "lib" | "main").then_some(Why::CrateRoot),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clash(name: &str, ext: &str) -> Option<Why> {
        let feature = FeatureName::parse(name).unwrap();
        check(&feature, ext, true).err().map(|clash| clash.why)
    }

    #[test]
    fn keywords_of_each_language() {
        for name in ["None", "True", "false", "class", "lambda"] {
            assert_eq!(clash(name, "py"), Some(Why::Keyword), "{name}");
        }
        for name in ["self", "type", "match", "async"] {
            assert_eq!(clash(name, "rs"), Some(Why::Keyword), "{name}");
        }
        // `Fall Through` is the Go package `fallthrough`.
        for name in ["type", "Fall Through", "go", "chan"] {
            assert_eq!(clash(name, "go"), Some(Why::Keyword), "{name}");
        }
        // Keywords of one language are names in another.
        for (name, ext) in [
            ("None", "js"),
            ("type", "py"),
            ("class", "rs"),
            ("class", "ts"),
        ] {
            assert_eq!(clash(name, ext), None, "{name} in {ext}");
        }
    }

    #[test]
    fn names_of_the_built_in_templates_only_while_they_are_used() {
        for (name, ext) in [
            ("Health", "py"),
            ("Option", "rs"),
            ("std", "rs"),
            ("New", "go"),
            ("Set", "js"),
            ("Record", "ts"),
        ] {
            assert_eq!(clash(name, ext), Some(Why::Taken), "{name} in {ext}");
            let feature = FeatureName::parse(name).unwrap();
            assert_eq!(check(&feature, ext, false), Ok(()), "{name} in {ext}");
        }
    }

    #[test]
    fn file_names_the_build_tools_read() {
        for name in ["Load Test", "Support Windows", "Tuning amd64"] {
            assert_eq!(clash(name, "go"), Some(Why::GoFileSuffix), "{name}");
        }
        for name in ["Windows", "Test Bed", "Linux Support"] {
            assert_eq!(clash(name, "go"), None, "{name}");
        }
        for name in ["lib", "Main"] {
            assert_eq!(clash(name, "rs"), Some(Why::CrateRoot), "{name}");
        }
        assert_eq!(clash("Main", "py"), None);
    }

    #[test]
    fn the_message_names_the_identifier_and_why() {
        let feature = FeatureName::parse("none").unwrap();
        let error = check(&feature, "py", true).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the feature name `none` becomes the Python class `None`, a reserved word"
        );
    }
}
