//! `lancelot init`: creates what is missing, never overwrites, reports both.

use crate::support::TestRepo;

#[test]
fn sets_up_a_repository_and_is_idempotent() {
    let repo = TestRepo::new();
    let first = repo.lancelot(["init"]).run().success();
    for path in ["lancelot.toml", "docs/CHANGELOG.md", ".env.example"] {
        assert!(repo.exists(path), "{path} missing");
        assert!(first.stdout.contains(path), "{path} not reported");
    }
    for folder in [
        "docs/specs",
        "docs/blueprints",
        "docs/architecture",
        "docs/operations/runbooks",
    ] {
        assert!(repo.path().join(folder).is_dir(), "{folder} missing");
    }
    assert!(repo.read("docs/CHANGELOG.md").contains("## [Unreleased]"));
    assert!(
        repo.read("lancelot.toml")
            .contains("generation = \"vNext2\"")
    );

    let before = repo.snapshot();
    let second = repo.lancelot(["init"]).run().success();
    assert_eq!(repo.snapshot(), before);
    assert!(
        second.stdout.contains("already set up"),
        "{}",
        second.stdout
    );
    assert!(second.stdout.contains("exists  docs/CHANGELOG.md"));
}

#[test]
fn never_overwrites_existing_files() {
    let repo = TestRepo::new();
    repo.file("docs/CHANGELOG.md", "# Ours\n")
        .file(".env.example", "A=1\n");
    let json = repo
        .lancelot(["init", "--format", "json"])
        .run()
        .success()
        .json();
    assert_eq!(repo.read("docs/CHANGELOG.md"), "# Ours\n");
    assert_eq!(repo.read(".env.example"), "A=1\n");
    let existing: Vec<&str> = json["existing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(existing, ["docs/CHANGELOG.md", ".env.example"]);
    let created: Vec<&str> = json["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["path"].as_str().unwrap())
        .collect();
    assert!(created.contains(&"lancelot.toml"));
}

#[test]
fn dry_run_writes_nothing() {
    let repo = TestRepo::new();
    repo.lancelot(["init", "--dry-run"])
        .run()
        .success()
        .stdout_has("Would create");
    assert!(repo.snapshot().is_empty());
}

#[test]
fn the_written_config_is_used_by_new_slice() {
    let repo = TestRepo::new();
    repo.lancelot(["init"]).run().success();
    let config = repo
        .read("lancelot.toml")
        .replace("modules = \"src/core\"", "modules = \"lib\"");
    repo.file("lancelot.toml", &config);
    repo.lancelot(["new-slice", "Alpha", "--summary", "x", "--yes"])
        .run()
        .success();
    assert!(repo.exists("lib/alpha.py"));
}

#[test]
fn config_show_says_where_each_value_comes_from() {
    let repo = TestRepo::new();
    repo.file(
        "lancelot.toml",
        "[freeze]\nstatus_field = \"State\"\n[release]\ntag_prefix = \"release-\"\n",
    );
    let text = repo.lancelot(["config", "show"]).run().success().stdout;
    assert!(text.contains("status_field = \"State\"  # file"), "{text}");
    assert!(
        text.contains("status_in = \"document\"  # default"),
        "{text}"
    );
    assert!(
        text.contains("lancelot.maxParents = 100  # default"),
        "{text}"
    );
    repo.git(["config", "lancelot.maxParents", "7"]);
    let json = repo
        .lancelot(["config", "show", "--format", "json"])
        .run()
        .success()
        .json();
    assert_eq!(json["values"]["release"]["tag_prefix"]["value"], "release-");
    assert_eq!(json["values"]["release"]["tag_prefix"]["from"], "file");
    assert_eq!(json["values"]["freeze"]["frozen"]["from"], "default");
    assert_eq!(json["git_config"]["lancelot.maxParents"]["value"], 7);
    assert_eq!(
        json["git_config"]["lancelot.maxParents"]["from"],
        "git config"
    );
    assert!(json["file"].as_str().unwrap().ends_with("lancelot.toml"));
}

#[test]
fn config_schema_describes_every_key_of_the_written_config() {
    let repo = TestRepo::new();
    let schema = repo.lancelot(["config", "schema"]).run().success().json();
    let definitions = &schema["$defs"];
    let section_schema = |section: &str| {
        let reference = schema["properties"][section]["$ref"]
            .as_str()
            .unwrap_or_else(|| panic!("{section}: {schema}"));
        definitions[reference.rsplit('/').next().unwrap()].clone()
    };
    // Every key the template of `init` writes (comments too: every documented key) is
    // in the schema, and nothing else is allowed.
    let template = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/lancelot.toml"),
    )
    .unwrap();
    let mut section = String::new();
    let mut checked = 0;
    for line in template.lines() {
        let line = line.trim_start_matches("# ").trim();
        if let Some(name) = line
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            section = name.trim_matches(['[', ']']).to_owned();
            continue;
        }
        let Some((key, _)) = line.split_once(" = ") else {
            continue;
        };
        if section.is_empty() || key.contains(' ') || section.contains('.') {
            continue;
        }
        let properties = &section_schema(&section)["properties"];
        assert!(!properties[key].is_null(), "[{section}] {key}");
        checked += 1;
    }
    assert!(checked >= 10, "{checked} keys checked");
    assert_eq!(section_schema("freeze")["additionalProperties"], false);
}
