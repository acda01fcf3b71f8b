//! The War Room: the status board (text, JSON rows, Markdown) and the dependency graph
//! (Graphviz DOT, Mermaid), coloured by status.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::repo::Key;

use git2::{ObjectType, Oid, Repository, Tree, TreeEntry};
use serde::Serialize;

use super::gate::has_changelog_entry;
use super::{Project, Slice, Stage};
use crate::fs::RelPath;
use crate::ui::{dot_text, md_cell, md_code_cell, mermaid_text, safe};

/// How many commits back the board looks for each slice's last change.
const HISTORY_LIMIT: usize = 5000;

/// One row of the board.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The slice's name as in its file names.
    pub feature: String,
    /// Its status as written.
    pub status: Option<String>,
    /// Its flag.
    pub flag: String,
    /// Its declared version bump.
    pub bump: Option<String>,
    /// Its owning module.
    pub module: String,
    /// Which artifacts exist.
    pub artifacts: Artifacts,
    /// The slices it depends on.
    pub depends_on: Vec<String>,
    /// The last commit that touched one of its files.
    pub last_commit: Option<LastCommit>,
    /// The version whose CHANGELOG section holds its entry.
    pub shipped: Option<String>,
}

/// Which of a slice's artifacts exist.
#[derive(Debug, Clone, Serialize)]
pub struct Artifacts {
    /// The spec.
    pub spec: bool,
    /// The blueprint.
    pub blueprint: bool,
    /// The architecture note.
    pub architecture: bool,
    /// The runbook.
    pub runbook: bool,
    /// A CHANGELOG entry linking spec and blueprint.
    pub changelog: bool,
    /// The flag in the env file.
    pub flag: bool,
    /// The owning module.
    pub module: bool,
}

/// A commit, as the board shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LastCommit {
    /// Its id.
    pub id: String,
    /// Its date, `YYYY-MM-DD`.
    pub date: String,
    /// Its author's name.
    pub author: String,
}

/// The board's rows; the last commits come from `repo`'s history from HEAD.
pub fn rows(project: &Project, repo: &Repository, only: Option<&Slice>) -> Vec<Row> {
    let slices: Vec<&Slice> = match only {
        Some(slice) => vec![slice],
        None => project.slices.iter().collect(),
    };
    let mut last = last_commits(repo, &slices);
    let releases = super::drift::Releases::read(project);
    slices
        .iter()
        .map(|slice| {
            let layout = &slice.layout;
            Row {
                feature: slice.feature.pascal(),
                status: slice.status.clone(),
                flag: slice.flag.as_str().to_owned(),
                bump: slice.bump.map(|bump| bump.as_str().to_owned()),
                module: layout.module.to_string(),
                artifacts: Artifacts {
                    spec: true,
                    blueprint: slice.blueprint.is_some(),
                    architecture: project.exists(&layout.architecture),
                    runbook: project.exists(&layout.runbook),
                    changelog: has_changelog_entry(project, slice),
                    flag: project.declares(&slice.flag),
                    module: project.exists(&layout.module),
                },
                depends_on: project
                    .dependencies(slice)
                    .0
                    .iter()
                    .map(|s| s.feature.pascal())
                    .collect(),
                last_commit: last.remove(&slice.feature.pascal()),
                shipped: releases
                    .shipped(slice)
                    .map(|shipped| shipped.version.clone()),
            }
        })
        .collect()
}

fn paths_of(slice: &Slice) -> [&RelPath; 7] {
    let layout = &slice.layout;
    [
        &layout.spec,
        &layout.blueprint,
        &layout.architecture,
        &layout.runbook,
        &layout.module,
        &layout.unit_test,
        &layout.integration_test,
    ]
}

/// The files of every slice as a tree of names: which slices each file belongs to,
/// and which folders to look into.
#[derive(Default)]
struct Watch {
    files: HashMap<Box<[u8]>, Vec<usize>>,
    folders: HashMap<Box<[u8]>, Watch>,
}

impl Watch {
    fn new(slices: &[&Slice]) -> Watch {
        let mut root = Watch::default();
        for (index, slice) in slices.iter().enumerate() {
            for path in paths_of(slice) {
                let mut node = &mut root;
                let mut parts = path.components().peekable();
                while let Some(part) = parts.next() {
                    let key: Box<[u8]> = part.as_bytes().into();
                    if parts.peek().is_none() {
                        node.files.entry(key).or_default().push(index);
                    } else {
                        node = node.folders.entry(key).or_default();
                    }
                }
            }
        }
        root
    }

    /// Adds to `touched` the slices with a file that differs between `old` and `new`.
    /// Both trees are walked together in git's order; only watched folders whose ids
    /// differ are entered.
    fn changed<'r>(
        &self,
        trees: &mut TreeCache<'r>,
        old: Option<&Tree<'r>>,
        new: Option<&Tree<'r>>,
        touched: &mut Vec<usize>,
    ) {
        let mut before = old.into_iter().flat_map(Tree::iter).peekable();
        let mut after = new.into_iter().flat_map(Tree::iter).peekable();
        loop {
            let order = match (before.peek(), after.peek()) {
                (None, None) => return,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(a), Some(b)) => crate::repo::git_order(a, b),
            };
            let (gone, came) = match order {
                Ordering::Less => (before.next(), None),
                Ordering::Greater => (None, after.next()),
                Ordering::Equal => (before.next(), after.next()),
            };
            let same = matches!((&gone, &came), (Some(a), Some(b)) if a.id() == b.id() && a.filemode() == b.filemode());
            let Some(name) = came
                .as_ref()
                .or(gone.as_ref())
                .map(|entry| entry.name_bytes().to_vec())
            else {
                continue;
            };
            if same {
                continue;
            }
            if let Some(slices) = self.files.get(name.as_slice()) {
                touched.extend(slices);
            }
            if let Some(watch) = self.folders.get(name.as_slice()) {
                let mut subtree = |entry: Option<TreeEntry<'_>>| {
                    entry
                        .filter(|entry| entry.kind() == Some(ObjectType::Tree))
                        .and_then(|entry| trees.get(entry.id()))
                };
                let (old_tree, new_tree) = (subtree(gone), subtree(came));
                watch.changed(trees, old_tree.as_ref(), new_tree.as_ref(), touched);
            }
        }
    }
}

/// The trees read for the last commit compared, kept for the next: walking back, a
/// commit's parent is the next commit, so each folder is read once, not twice
/// (libgit2 does not cache large trees).
struct TreeCache<'r> {
    repo: &'r Repository,
    previous: HashMap<Key, Tree<'r>>,
    current: HashMap<Key, Tree<'r>>,
}

impl<'r> TreeCache<'r> {
    fn new(repo: &'r Repository) -> TreeCache<'r> {
        TreeCache {
            repo,
            previous: HashMap::new(),
            current: HashMap::new(),
        }
    }

    fn get(&mut self, id: Oid) -> Option<Tree<'r>> {
        let tree = match self.current.get(&Key(id)) {
            Some(tree) => tree.clone(),
            None => match self.previous.remove(&Key(id)) {
                Some(tree) => tree,
                None => self.repo.find_tree(id).ok()?,
            },
        };
        self.current.insert(Key(id), tree.clone());
        Some(tree)
    }

    /// Starts the next commit: what this one read becomes what the last one read.
    fn next_commit(&mut self) {
        self.previous = std::mem::take(&mut self.current);
    }
}

/// The date (`YYYY-MM-DD`) of each slice's last change, keyed by Pascal name.
pub fn last_change_dates(repo: &Repository, project: &Project) -> HashMap<String, String> {
    let slices: Vec<&Slice> = project.slices.iter().collect();
    last_commits(repo, &slices)
        .into_iter()
        .map(|(name, commit)| (name, commit.date))
        .collect()
}

/// For each slice, the newest commit (first-parent history from HEAD) that changed
/// one of its files. One walk for all slices, comparing each commit with its first
/// parent only inside the folders that hold slice files and whose trees differ.
fn last_commits(repo: &Repository, slices: &[&Slice]) -> HashMap<String, LastCommit> {
    let mut found = HashMap::new();
    let Ok(mut walk) = repo.revwalk() else {
        return found;
    };
    if walk.push_head().is_err() {
        return found;
    }
    let _ = walk.simplify_first_parent();
    let watch = Watch::new(slices);
    let mut trees = TreeCache::new(repo);
    let mut touched = Vec::new();
    for oid in walk.flatten().take(HISTORY_LIMIT) {
        if found.len() == slices.len() {
            break;
        }
        let Ok(commit) = repo.find_commit(oid) else {
            continue;
        };
        let Some(tree) = trees.get(commit.tree_id()) else {
            continue;
        };
        let parent_tree = commit
            .parent(0)
            .ok()
            .and_then(|parent| trees.get(parent.tree_id()));
        touched.clear();
        watch.changed(&mut trees, parent_tree.as_ref(), Some(&tree), &mut touched);
        trees.next_commit();
        for &index in &touched {
            found
                .entry(slices[index].feature.pascal())
                .or_insert_with(|| last_commit(&commit));
        }
    }
    found
}

fn last_commit(commit: &git2::Commit<'_>) -> LastCommit {
    let date = jiff::Timestamp::from_second(commit.time().seconds())
        .map(|t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .date()
                .to_string()
        })
        .unwrap_or_default();
    LastCommit {
        id: commit.id().to_string(),
        date,
        author: String::from_utf8_lossy(commit.author().name_bytes()).into_owned(),
    }
}

fn mark(present: bool) -> &'static str {
    if present { "yes" } else { "NO" }
}

/// The board as a text table: narrow enough for an 80-column terminal (the slice, its
/// status and bump, what it misses, the day of its last change), or `wide`, every
/// column.
pub fn text(rows: &[Row], wide: bool) -> String {
    if rows.is_empty() {
        return "No slices yet: create one with `lancelot new-slice <Feature>`.\n".into();
    }
    if !wide {
        let mut table = vec![
            [
                "FEATURE",
                "STATUS",
                "BUMP",
                "SHIPPED",
                "MISSING",
                "LAST CHANGE",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for row in rows {
            let a = &row.artifacts;
            let missing: Vec<&str> = [
                (a.blueprint, "blueprint"),
                (a.architecture, "arch"),
                (a.runbook, "runbook"),
                (a.changelog, "changelog"),
                (a.flag, "flag"),
                (a.module, "module"),
            ]
            .iter()
            .filter(|(present, _)| !present)
            .map(|(_, name)| *name)
            .collect();
            table.push(vec![
                safe(&row.feature).to_string(),
                safe(row.status.as_deref().unwrap_or("?")).to_string(),
                safe(row.bump.as_deref().unwrap_or("-")).to_string(),
                row.shipped.clone().unwrap_or_else(|| "-".into()),
                if missing.is_empty() {
                    "-".into()
                } else {
                    missing.join(",")
                },
                row.last_commit
                    .as_ref()
                    .map_or("uncommitted".into(), |commit| commit.date.clone()),
            ]);
        }
        return aligned(&table);
    }
    let mut table = vec![
        [
            "FEATURE",
            "STATUS",
            "FLAG",
            "BUMP",
            "SHIPPED",
            "MODULE",
            "BLUEPRINT",
            "ARCH",
            "RUNBOOK",
            "CHANGELOG",
            "FLAG?",
            "MODULE?",
            "LAST CHANGE",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for row in rows {
        let a = &row.artifacts;
        let shown = |text: &str| safe(text).to_string();
        table.push(vec![
            shown(&row.feature),
            shown(row.status.as_deref().unwrap_or("?")),
            shown(&row.flag),
            shown(row.bump.as_deref().unwrap_or("-")),
            row.shipped.clone().unwrap_or_else(|| "-".into()),
            shown(&row.module),
            mark(a.blueprint).into(),
            mark(a.architecture).into(),
            mark(a.runbook).into(),
            mark(a.changelog).into(),
            mark(a.flag).into(),
            mark(a.module).into(),
            row.last_commit.as_ref().map_or("uncommitted".into(), |c| {
                format!("{} {}", c.date, safe(&c.author))
            }),
        ]);
    }
    aligned(&table)
}

/// The rows of `table` in columns, two spaces apart.
fn aligned(table: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..table[0].len())
        .map(|column| {
            table
                .iter()
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in table {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The board as Markdown: a table and the Mermaid dependency graph.
pub fn markdown(project: &Project, rows: &[Row]) -> String {
    let mut out = String::from("# War Room\n\n");
    out.push_str("| Feature | Status | Flag | Bump | Shipped in | Module | Blueprint | Architecture | Runbook | CHANGELOG | Flag declared | Module exists | Last change |\n");
    out.push_str(
        "| --- | --- | --- | --- | --- | --- | :-: | :-: | :-: | :-: | :-: | :-: | --- |\n",
    );
    let tick = |present: bool| if present { "✅" } else { "❌" };
    for row in rows {
        let a = &row.artifacts;
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            md_cell(&row.feature),
            md_cell(row.status.as_deref().unwrap_or("?")),
            md_code_cell(&row.flag),
            md_cell(row.bump.as_deref().unwrap_or("-")),
            md_cell(row.shipped.as_deref().unwrap_or("-")),
            md_code_cell(&row.module),
            tick(a.blueprint),
            tick(a.architecture),
            tick(a.runbook),
            tick(a.changelog),
            tick(a.flag),
            tick(a.module),
            row.last_commit
                .as_ref()
                .map_or("uncommitted".into(), |c| format!(
                    "{} ({})",
                    c.date,
                    md_cell(&c.author)
                )),
        ));
    }
    out.push_str("\n## Dependencies\n\n```mermaid\n");
    out.push_str(&mermaid(project));
    out.push_str("```\n");
    out
}

/// The Mermaid class and fill colour of each status (`None`: a status lancelot does
/// not know).
const STATUS_STYLES: [(Option<Stage>, &str, &str); 6] = [
    (Some(Stage::Draft), "draft", "#e5e7eb"),
    (Some(Stage::Approved), "approved", "#bfdbfe"),
    (Some(Stage::InProgress), "inprogress", "#fde68a"),
    (Some(Stage::Done), "done", "#bbf7d0"),
    (Some(Stage::Superseded), "superseded", "#d6d3d1"),
    (None, "unknown", "#fecaca"),
];

/// The class name and fill colour of a slice's status.
fn style(slice: &Slice) -> (&'static str, &'static str) {
    let stage = slice.stage();
    STATUS_STYLES
        .iter()
        .find(|(styled, _, _)| *styled == stage)
        .map_or(("unknown", "#fecaca"), |(_, class, colour)| {
            (*class, *colour)
        })
}

/// A slice's name and status as written, for a graph label.
fn label(slice: &Slice) -> (String, &str) {
    (
        slice.feature.pascal(),
        slice.status.as_deref().unwrap_or("no status"),
    )
}

/// The dependency graph as data, for scripts: every slice (name, status, flag) and
/// every dependency as an edge from a slice to the slice it depends on.
pub fn graph_json(project: &Project) -> serde_json::Value {
    let nodes: Vec<serde_json::Value> = project
        .slices
        .iter()
        .map(|slice| {
            serde_json::json!({
                "feature": slice.feature.pascal(),
                "status": slice.status,
                "flag": slice.flag.as_str(),
            })
        })
        .collect();
    let mut edges = Vec::new();
    for slice in &project.slices {
        for dependency in project.dependencies(slice).0 {
            edges.push(serde_json::json!({
                "from": slice.feature.pascal(),
                "to": dependency.feature.pascal(),
            }));
        }
    }
    serde_json::json!({ "slices": nodes, "depends_on": edges })
}

/// The dependency graph in Mermaid (renders on GitHub and GitLab). An arrow goes from
/// a slice to each slice it depends on.
pub fn mermaid(project: &Project) -> String {
    let mut out = String::from("graph LR\n");
    for slice in &project.slices {
        let (class, _) = style(slice);
        let (name, status) = label(slice);
        out.push_str(&format!(
            "  {}[\"{}<br/>{}\"]:::{class}\n",
            slice.feature.pascal(),
            mermaid_text(&name),
            mermaid_text(status)
        ));
    }
    for slice in &project.slices {
        for dependency in project.dependencies(slice).0 {
            out.push_str(&format!(
                "  {} -->|depends on| {}\n",
                slice.feature.pascal(),
                dependency.feature.pascal()
            ));
        }
    }
    for (_, class, colour) in STATUS_STYLES {
        out.push_str(&format!(
            "  classDef {class} fill:{colour},stroke:#374151,color:#111827\n"
        ));
    }
    out
}

/// The dependency graph in Graphviz DOT.
pub fn dot(project: &Project) -> String {
    let mut out = String::from(
        "digraph slices {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n",
    );
    for slice in &project.slices {
        let (_, colour) = style(slice);
        let (name, status) = label(slice);
        out.push_str(&format!(
            "  \"{}\" [label=\"{}\\n{}\", fillcolor=\"{colour}\"];\n",
            slice.feature.pascal(),
            dot_text(&name),
            dot_text(status)
        ));
    }
    for slice in &project.slices {
        for dependency in project.dependencies(slice).0 {
            out.push_str(&format!(
                "  \"{}\" -> \"{}\" [label=\"depends on\"];\n",
                slice.feature.pascal(),
                dependency.feature.pascal()
            ));
        }
    }
    out.push_str("}\n");
    out
}
