//! Finding the changes to frozen documents: the index against HEAD, every commit of a
//! range, or every commit a push adds, each compared with each of its parents.
//!
//! Cost: for each (commit, parent) pair the walk descends only into folders that may
//! hold frozen paths and whose tree ids differ, and compares entries by id. A blob is
//! read only when a covered file changed, and its status is parsed at most once per
//! blob (cached by id). No git process is started.
//!
//! The cost is bounded by what is checked, not by what a pusher can make it: a parent
//! listed twice is judged once, and [`Limits`] caps the parents of one commit, the
//! commit–parent pairs and the tree entries visited by one check. Past a limit the
//! check stops and refuses (fail closed), naming the limit and how to raise it.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use git2::{Commit, ObjectType, Oid, Repository, Sort, Tree, TreeEntry};
use globset::GlobSet;
use unicode_normalization::UnicodeNormalization;

use super::attributes::Attributes;
use super::blobs::Blobs;
use super::input::RefUpdate;
use super::rule::{After, ChangeKind, Rules, Verdict, is_regular_file};
use super::staged::SidesError;
use super::{FreezeError, RefReason, RefRefusal, Report, Violation, ancestors, join};
use crate::repo::Key;

/// How much work one check may do. Set on the server (or any clone) with git config:
/// `lancelot.maxParents`, `lancelot.maxPairs`, `lancelot.maxEntries`,
/// `lancelot.maxBytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Distinct parents of one commit (the largest real octopus merges have ~60).
    pub parents: u64,
    /// Commit–parent pairs compared in one check.
    pub pairs: u64,
    /// Tree entries visited in one check.
    pub entries: u64,
    /// Bytes of documents read in one check.
    pub bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            parents: 100,
            pairs: 200_000,
            entries: 20_000_000,
            bytes: 2 << 30,
        }
    }
}

/// The git config keys of the limits, with what each counts.
const LIMIT_KEYS: [(&str, &str); 4] = [
    ("lancelot.maxParents", "parents of one commit"),
    ("lancelot.maxPairs", "commit-parent pairs"),
    ("lancelot.maxEntries", "tree entries visited"),
    ("lancelot.maxBytes", "bytes of documents read"),
];

/// The largest document the freeze reads. A larger blob is never read: it is not a
/// frozen document, and it cannot be the result of an allowed transition.
pub const DOCUMENT_LIMIT: u64 = crate::fs::TEXT_LIMIT;

impl Limits {
    /// The limits set in the repository's git config, defaults for the others. A
    /// value that is not a positive number is an error: a hook must not guess.
    pub fn from_git_config(repo: &Repository) -> Result<Limits, FreezeError> {
        let mut limits = Limits::default();
        let config = crate::repo::server_settings(repo)
            .map_err(FreezeError::git("cannot read the git config"))?;
        for (key, _) in LIMIT_KEYS {
            let value = match config.get_i64(key) {
                Ok(value) => value,
                Err(error) if error.code() == git2::ErrorCode::NotFound => continue,
                Err(source) => {
                    return Err(FreezeError::Git {
                        context: format!("git config {key} is not a number"),
                        source,
                    });
                }
            };
            let value = u64::try_from(value)
                .ok()
                .filter(|value| *value > 0)
                .ok_or_else(|| FreezeError::Config {
                    key: format!("git config {key}"),
                    problem: "it must be a positive number".into(),
                })?;
            match key {
                "lancelot.maxParents" => limits.parents = value,
                "lancelot.maxPairs" => limits.pairs = value,
                "lancelot.maxEntries" => limits.entries = value,
                _ => limits.bytes = value,
            }
        }
        Ok(limits)
    }
}

/// Work done so far by one check, against its limits; shared by the threads of a
/// parallel walk, so the limits bound the check as a whole.
#[derive(Debug, Default)]
pub(super) struct Spent {
    pairs: AtomicU64,
    entries: AtomicU64,
    bytes: AtomicU64,
}

impl Spent {
    /// Adds `amount` to `counter`, returning the new total.
    fn add(counter: &AtomicU64, amount: u64) -> u64 {
        counter
            .fetch_add(amount, Ordering::Relaxed)
            .saturating_add(amount)
    }
}

/// How a thread of a parallel walk opens its own handle on the repository being
/// checked (a `Repository` is not shared between threads): as the checker's own was
/// opened, so that it sees the same objects (a push's quarantine included).
pub type Opener = Arc<dyn Fn() -> Result<Repository, git2::Error> + Send + Sync>;

/// Told, as a walk goes, how many commits of how many were judged.
pub type Progress = Arc<dyn Fn(usize, usize) + Send + Sync>;

/// A change of one entry: the old blob and mode, the new entry's id and mode.
type Change = (Key, i32, Option<(Key, i32)>);

/// A violation with the change it is about (the old blob, the new entry).
pub(super) type Keyed = (Violation, (Oid, Option<Oid>));

/// Checks commits of one repository against one set of rules.
pub struct Checker<'r> {
    repo: &'r Repository,
    rules: Rules,
    limits: Limits,
    spent: Arc<Spent>,
    /// Threads a long walk may use, how each opens the repository, and whether the
    /// walk first measures that its commits are costly enough to share out.
    parallel: Option<(usize, Opener, bool)>,
    /// Told how many commits were judged, as the walk goes.
    progress: Option<Progress>,
    /// The frozen status of each blob read so far (`None`: not frozen).
    statuses: Arc<Statuses>,
    /// The verdict of each change judged so far: the same change in another commit
    /// (a parent listed again, a branch pushed twice) is not read again.
    verdicts: HashMap<Change, Verdict>,
    /// The root trees of the comparison under way (old, new), for attributes.
    roots: Option<(Oid, Option<Oid>)>,
    /// Commits whose parents were cut off by a shallow clone.
    shallow: HashSet<Key>,
    /// Reads the documents.
    blobs: Blobs,
    /// The document read last: a frozen one is read for its status, then judged.
    last_document: Option<(Oid, Rc<[u8]>)>,
    /// The trees read last. libgit2 keeps no tree over 4 KiB in its cache, and a
    /// commit's trees are read again as the trees of the parent of the commit
    /// before it.
    trees: std::cell::RefCell<std::collections::VecDeque<Tree<'r>>>,
    /// The tree of each commit judged: a parent is mostly judged before its
    /// children, and its commit need not be read again for its tree.
    tree_ids: HashMap<Key, Oid>,
}

/// How many trees [`Checker`] keeps at hand.
const TREES_KEPT: usize = 8;

/// What a thread of a parallel walk needs to judge as the checker it works for: the
/// same rules and limits, and the work it does counted with the others'.
pub(super) struct Template {
    rules: Rules,
    limits: Limits,
    spent: Arc<Spent>,
    statuses: Arc<Statuses>,
    blobs: Blobs,
}

/// The frozen status of each blob read so far (`None`: not frozen), shared by the
/// threads of a walk: a document version is read once, whichever thread meets it.
#[derive(Default)]
struct Statuses(std::sync::Mutex<HashMap<Key, Option<String>>>);

impl Statuses {
    fn get(&self, oid: Oid) -> Option<Option<String>> {
        self.lock().get(&Key(oid)).cloned()
    }

    fn insert(&self, oid: Oid, status: Option<String>) {
        self.lock().insert(Key(oid), status);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Option<String>>> {
        // A thread that panicked holding it left the map whole: entries are inserted
        // in one step.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Template {
    /// A checker of the thread's own handle on the repository.
    pub(super) fn checker<'w>(self, repo: &'w Repository) -> Checker<'w> {
        let mut checker =
            Checker::reading(repo, self.rules.clone(), self.blobs).with_limits(self.limits);
        checker.spent = Arc::clone(&self.spent);
        checker.statuses = Arc::clone(&self.statuses);
        checker
    }
}

/// A change found by the walk, before it is tied to a commit.
struct Found {
    path: String,
    verdict: Verdict,
    status: String,
    /// The blob before and the entry after: the same change in another commit is the
    /// same violation.
    change: (Oid, Option<Oid>),
}

impl<'r> Checker<'r> {
    /// A checker for `repo` with `rules`.
    pub fn new(repo: &'r Repository, rules: Rules) -> Checker<'r> {
        Checker::reading(repo, rules, Blobs::default())
    }

    /// A checker for `repo` with `rules`, reading documents with `blobs`.
    fn reading(repo: &'r Repository, rules: Rules, blobs: Blobs) -> Checker<'r> {
        // libgit2 hashes every object it reads again, to catch a corrupt object
        // database; that was a third of a range check's time. git itself does not:
        // it hashed every object when it wrote or received it (index-pack,
        // unpack-objects), and object ids are what the check compares.
        git2::opts::strict_hash_verification(false);
        let shallow = if repo.is_shallow() {
            read_shallow_list(repo.commondir())
        } else {
            HashSet::new()
        };
        Checker {
            repo,
            rules,
            limits: Limits::default(),
            spent: Arc::default(),
            parallel: None,
            progress: None,
            statuses: Arc::default(),
            verdicts: HashMap::new(),
            roots: None,
            shallow,
            blobs,
            last_document: None,
            trees: std::cell::RefCell::default(),
            tree_ids: HashMap::new(),
        }
    }

    /// A checker for `repo` with `rules` and the limits of the repository's git config.
    pub fn for_repository(repo: &'r Repository, rules: Rules) -> Result<Checker<'r>, FreezeError> {
        Ok(Checker::new(repo, rules).with_limits(Limits::from_git_config(repo)?))
    }

    /// The same checker with other limits.
    pub fn with_limits(mut self, limits: Limits) -> Checker<'r> {
        self.limits = limits;
        self
    }

    /// The same checker, judging a long list of commits on up to `threads` threads,
    /// each opening the repository with `open`. The report is the same as on one
    /// thread: the same violations in the same order.
    pub fn with_threads(mut self, threads: usize, open: Opener) -> Checker<'r> {
        self.parallel = (threads > 1).then_some((threads, open, false));
        self
    }

    /// The same checker, judging long lists of commits on the threads the
    /// repository's git config allows (`lancelot.threads`, else the machine's cores),
    /// each opening the repository with `open`.
    /// Threads are used only when the first commits show that judging each costs
    /// more than starting them saves: a history of light commits stays on one.
    pub fn with_threads_from_git_config(
        mut self,
        open: Opener,
    ) -> Result<Checker<'r>, FreezeError> {
        let threads = super::parallel::threads_from_git_config(self.repo)?;
        self.parallel = (threads > 1).then_some((threads, open, true));
        Ok(self)
    }

    /// The same checker, telling `progress` how many commits were judged as it goes.
    pub fn with_progress(mut self, progress: Progress) -> Checker<'r> {
        self.progress = Some(progress);
        self
    }

    /// What a thread of a parallel walk needs to judge as this checker does.
    pub(super) fn template(&self) -> Template {
        Template {
            rules: self.rules.clone(),
            limits: self.limits,
            spent: Arc::clone(&self.spent),
            statuses: Arc::clone(&self.statuses),
            blobs: self.blobs.for_thread(self.repo),
        }
    }

    /// The progress callback, if any.
    pub(super) fn progress(&self) -> Option<Progress> {
        self.progress.clone()
    }

    /// Counts `pairs` and `entries` more work, refusing past a limit.
    fn spend(&self, pairs: u64, entries: u64) -> Result<(), FreezeError> {
        if Spent::add(&self.spent.pairs, pairs) > self.limits.pairs {
            return Err(limit_error(1, self.limits.pairs, None));
        }
        if Spent::add(&self.spent.entries, entries) > self.limits.entries {
            return Err(limit_error(2, self.limits.entries, None));
        }
        Ok(())
    }

    /// The rules in force.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The rules in force, giving up the checker.
    pub fn into_rules(self) -> Rules {
        self.rules
    }

    /// Checks the index in `index_file` ([`crate::repo::index_file`]) against HEAD
    /// (an unborn HEAD has nothing frozen).
    pub fn check_staged(&mut self, index_file: &Path) -> Result<Report, FreezeError> {
        let repo = self.repo;
        let head = match repo.head() {
            Ok(head) => head
                .peel_to_commit()
                .map_err(FreezeError::git("cannot read HEAD"))?,
            // No commit yet: nothing is frozen, and no commit was checked.
            Err(error) if error.code() == git2::ErrorCode::UnbornBranch => {
                return Ok(Report::default());
            }
            Err(error) => return Err(FreezeError::git("cannot read HEAD")(error)),
        };
        let head_tree = head
            .tree()
            .map_err(FreezeError::git("cannot read HEAD's tree"))?;
        let (old, new) =
            match super::staged::sides(repo, &head_tree, index_file, &self.rules.folders()) {
                Ok(sides) => sides,
                Err(SidesError::Conflicts) => {
                    return Err(FreezeError::git(
                        "cannot read the index as a tree (resolve merge conflicts first)",
                    )(git2::Error::from_str(
                        "the index has conflicts",
                    )));
                }
                Err(SidesError::Git(error)) => {
                    return Err(FreezeError::git("cannot read the index as a tree")(error));
                }
            };
        let (parent_tree, staged) = (self.tree(old)?, self.tree(new)?);
        let mut found = Vec::new();
        self.walk(&parent_tree, Some(&staged), "", &mut found)?;
        let violations = to_violations(found, "index", &head.id().to_string(), "staged changes")
            .into_iter()
            .map(|(violation, _)| violation)
            .collect();
        Ok(Report {
            commits_checked: 1,
            violations,
            ..Report::default()
        })
    }

    /// Checks every commit in `commits` against each of its parents.
    /// A change already reported (the same path, old blob and new entry: a merge
    /// bringing an edit onto another line) is counted on the first report, not
    /// repeated.
    pub fn check_commits(&mut self, commits: &[Oid]) -> Result<Report, FreezeError> {
        let judged = self.judge_all(commits);
        // Done, or stopped by an error: either way the progress is over.
        if let Some(progress) = &self.progress {
            progress(commits.len(), commits.len());
        }
        let judged = judged?;
        let mut report = Report::default();
        let mut reported: HashMap<(String, Key, Option<Key>), usize> = HashMap::new();
        for violations in judged {
            for (violation, (old, new)) in violations {
                let key = (violation.path.clone(), Key(old), new.map(Key));
                match reported.get(&key) {
                    Some(&first) if !old.is_zero() => report.violations[first].carried_by += 1,
                    _ => {
                        reported.insert(key, report.violations.len());
                        report.violations.push(violation);
                    }
                }
            }
            report.commits_checked += 1;
        }
        Ok(report)
    }

    /// The violations of each commit, in their order: on this thread, the rest handed
    /// to several threads when the checker may use them and, if it must measure
    /// first, the first commits took long enough each.
    fn judge_all(&mut self, commits: &[Oid]) -> Result<Vec<Vec<Keyed>>, FreezeError> {
        use super::parallel::{PROBE, SLOW, WORTH_A_THREAD};
        let total = commits.len();
        // The commits of a history differ in cost: each window of PROBE commits is
        // timed, and the first slow one hands the rest to the threads.
        let mut window = std::time::Instant::now();
        let mut judged = Vec::with_capacity(total);
        for (done, &oid) in commits.iter().enumerate() {
            let slow = |window: &mut std::time::Instant| {
                let slow = window.elapsed() >= SLOW * PROBE as u32;
                *window = std::time::Instant::now();
                slow
            };
            if let Some((threads, open, measure)) = self.parallel.clone()
                && total - done >= WORTH_A_THREAD
                && (if measure {
                    done > 0 && done.is_multiple_of(PROBE) && slow(&mut window)
                } else {
                    done == 0
                })
            {
                let rest =
                    super::parallel::judge(self, &commits[done..], threads, &open, done, total)?;
                judged.extend(rest);
                return Ok(judged);
            }
            judged.push(self.judge_commit(oid)?);
            if let Some(progress) = &self.progress {
                progress(done + 1, total);
            }
        }
        Ok(judged)
    }

    /// The violations of one commit, against each of its parents.
    pub(super) fn judge_commit(&mut self, oid: Oid) -> Result<Vec<Keyed>, FreezeError> {
        let commit = self
            .repo
            .find_commit(oid)
            .map_err(FreezeError::git_with(|| {
                format!("cannot read commit {oid}")
            }))?;
        self.check_commit(&commit)
    }

    fn check_commit(&mut self, commit: &Commit<'_>) -> Result<Vec<Keyed>, FreezeError> {
        if self.shallow.contains(&Key(commit.id())) {
            return Err(FreezeError::Shallow {
                commit: commit.id().to_string(),
            });
        }
        let tree = self.tree(commit.tree_id())?;
        self.tree_ids.insert(Key(commit.id()), commit.tree_id());
        let subject = || {
            commit
                .summary_bytes()
                .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
                .unwrap_or_default()
        };
        // A parent listed twice is judged once: the duplicates cost nothing.
        let mut parents: Vec<Oid> = Vec::new();
        for parent_id in parents_as_written(commit)? {
            if !parents.contains(&parent_id) {
                if parents.len() as u64 >= self.limits.parents {
                    return Err(limit_error(
                        0,
                        self.limits.parents,
                        Some(commit.id().to_string()),
                    ));
                }
                parents.push(parent_id);
            }
        }
        let mut violations = Vec::new();
        for parent_id in parents {
            self.spend(1, 0)?;
            let parent_tree_id = match self.tree_ids.get(&Key(parent_id)) {
                Some(&id) => id,
                None => self
                    .repo
                    .find_commit(parent_id)
                    .map_err(FreezeError::git_with(|| {
                        format!("cannot read {parent_id}, a parent of {}", commit.id())
                    }))?
                    .tree_id(),
            };
            let parent_tree = self.tree(parent_tree_id)?;
            let mut found = Vec::new();
            self.walk(&parent_tree, Some(&tree), "", &mut found)?;
            // Most commits change no frozen document: nothing to write down.
            if !found.is_empty() {
                violations.extend(to_violations(
                    found,
                    &commit.id().to_string(),
                    &parent_id.to_string(),
                    &subject(),
                ));
            }
        }
        Ok(violations)
    }

    /// Judges the ref updates of a push as such. A non-fast-forward update of a ref
    /// whose old value is a commit (a force-push, a rewind, a new root) is judged from
    /// the old tip's tree to the new tip's, against the documents frozen at the old
    /// tip, so a rewritten history cannot drop a frozen text unseen. Deleting the
    /// default branch (`default_branch`, what HEAD names) and creating or moving a
    /// `refs/replace/*` ref are refused. Any other ref the push creates or moves (a
    /// branch, a tag, also one deleted and pushed again) must not contradict the
    /// documents frozen on the default branch: where both hold a document frozen on both, the two texts differ
    /// by an allowed transition at most. Commits of `history` (the baseline) and of the
    /// default branch were judged already.
    pub fn check_ref_updates(
        &mut self,
        updates: &[RefUpdate],
        default_branch: Option<&[u8]>,
        history: &[Oid],
    ) -> Result<Report, FreezeError> {
        let mut report = Report::default();
        let default_tip = default_branch
            .and_then(|name| std::str::from_utf8(name).ok())
            .and_then(|name| self.repo.find_reference(name).ok())
            .and_then(|reference| reference.peel_to_commit().ok());
        let mut created: Vec<(&RefUpdate, Vec<String>)> = Vec::new();
        for update in updates {
            let name = update.display_name();
            let is_default = default_branch == Some(update.name.as_slice());
            let refuse = |reason| RefRefusal {
                name: name.clone(),
                reason,
                detail: None,
            };
            if update.is_deletion() {
                if default_branch == Some(update.name.as_slice()) {
                    report
                        .refused_refs
                        .push(refuse(RefReason::DefaultBranchDeleted));
                }
                continue;
            }
            if update.name.starts_with(b"refs/replace/") {
                report.refused_refs.push(refuse(RefReason::ReplaceRef));
                continue;
            }
            // Every ref but the default branch, created or moved, must not contradict
            // the default branch: judged by tip, once for refs at the same tip.
            if !is_default {
                match created.iter_mut().find(|(tip, _)| tip.new == update.new) {
                    Some((_, names)) => names.push(name.clone()),
                    None => created.push((update, vec![name.clone()])),
                }
            }
            if update.is_creation() {
                continue;
            }
            report.violations.extend(self.check_rewrite(update, &name)?);
            report.commits_checked += 1;
        }
        if let Some(base) = &default_tip {
            let tips: Vec<Oid> = created
                .iter()
                .filter_map(|(update, _)| {
                    let object = self.repo.find_object(update.new, None).ok()?;
                    object.peel_to_commit().ok().map(|commit| commit.id())
                })
                .collect();
            let held = self.held_by(&tips, base.id(), history)?;
            for (update, names) in created {
                let names = names.join(", ");
                report
                    .violations
                    .extend(self.check_creation(update, &names, base, &held)?);
            }
        }
        Ok(report)
    }

    /// The violations of a non-fast-forward update, tip against tip; nothing for a
    /// fast-forward or an old value that is not a commit.
    fn check_rewrite(
        &mut self,
        update: &RefUpdate,
        name: &str,
    ) -> Result<Vec<Violation>, FreezeError> {
        let repo = self.repo;
        let Ok(old) = repo
            .find_object(update.old, None)
            .and_then(|o| o.peel_to_commit())
        else {
            return Ok(Vec::new());
        };
        let new = repo
            .find_object(update.new, None)
            .map_err(FreezeError::git_with(|| {
                format!("cannot read pushed object {}", update.new)
            }))?;
        let new_commit = new.peel_to_commit().ok();
        let fast_forward = new_commit.as_ref().is_some_and(|commit| {
            commit.id() == old.id()
                || repo
                    .graph_descendant_of(commit.id(), old.id())
                    .unwrap_or(false)
        });
        if fast_forward {
            return Ok(Vec::new());
        }
        self.spend(1, 0)?;
        let old_tree = old.tree().map_err(FreezeError::git_with(|| {
            format!("cannot read the tree of {}", old.id())
        }))?;
        // A ref moved to something that is not a commit or tree holds no documents.
        let new_tree = new.peel_to_tree().ok();
        let mut found = Vec::new();
        self.walk(&old_tree, new_tree.as_ref(), "", &mut found)?;
        let violations = to_violations(
            found,
            &update.new.to_string(),
            &old.id().to_string(),
            &format!("{name} rewritten"),
        );
        Ok(violations
            .into_iter()
            .map(|(mut violation, _)| {
                violation.rewrite = Some(name.to_owned());
                violation
            })
            .collect())
    }

    /// The commits of `tips` that the default branch (at `base`) or the baseline
    /// (`history`) holds: judged already. One walk for all of them (`rev-list <tips>
    /// --not <base> <history>`), each commit counted as an entry visited, so a push of
    /// many refs costs one walk of what they add, not one walk of the history per ref.
    fn held_by(
        &mut self,
        tips: &[Oid],
        base: Oid,
        history: &[Oid],
    ) -> Result<HashSet<Key>, FreezeError> {
        if tips.is_empty() {
            return Ok(HashSet::new());
        }
        let context = "cannot walk the pushed refs' history";
        let mut walk = self.repo.revwalk().map_err(FreezeError::git(context))?;
        for &tip in tips {
            walk.push(tip).map_err(FreezeError::git(context))?;
        }
        walk.hide(base).map_err(FreezeError::git(context))?;
        for &line in history {
            // A baseline commit this repository lacks holds nothing.
            let _ = walk.hide(line);
        }
        let mut outside = HashSet::new();
        for oid in walk {
            outside.insert(Key(oid.map_err(FreezeError::git(context))?));
            self.spend(0, 1)?;
        }
        Ok(tips
            .iter()
            .filter(|tip| !outside.contains(&Key(**tip)))
            .map(|tip| Key(*tip))
            .collect())
    }

    /// The violations of a new ref whose tip contradicts the default branch (`base`):
    /// a document frozen on both sides whose texts differ by more than an allowed
    /// transition (either way: the new ref may be older or newer). A document absent
    /// or not frozen on the new ref is another line of history, not a change.
    fn check_creation(
        &mut self,
        update: &RefUpdate,
        name: &str,
        base: &Commit<'r>,
        held: &HashSet<Key>,
    ) -> Result<Vec<Violation>, FreezeError> {
        let repo = self.repo;
        let new = repo
            .find_object(update.new, None)
            .map_err(FreezeError::git_with(|| {
                format!("cannot read pushed object {}", update.new)
            }))?;
        if let Ok(commit) = new.peel_to_commit()
            && held.contains(&Key(commit.id()))
        {
            return Ok(Vec::new());
        }
        let Ok(new_tree) = new.peel_to_tree() else {
            return Ok(Vec::new());
        };
        self.spend(1, 0)?;
        let base_tree = base.tree().map_err(FreezeError::git_with(|| {
            format!("cannot read the tree of {}", base.id())
        }))?;
        let mut found = Vec::new();
        self.walk(&base_tree, Some(&new_tree), "", &mut found)?;
        let mut kept = Vec::new();
        for mut item in found {
            let keep = match item.verdict {
                // Gone from its place, or a link or folder there: a checkout of the ref
                // may still show a text at the path, through links on the way.
                Verdict::Violation(ChangeKind::Deleted | ChangeKind::TypeChanged) => {
                    match self.follow_links(&new_tree, &item.path)? {
                        Some(shown) if self.contradicts((item.change.0, Some(shown)))? => {
                            item.verdict = Verdict::Violation(ChangeKind::Modified);
                            item.change.1 = Some(shown);
                            item.status = format!("{}, through a link", item.status);
                            true
                        }
                        _ => false,
                    }
                }
                Verdict::Violation(ChangeKind::Modified) => self.contradicts(item.change)?,
                Verdict::Violation(ChangeKind::Attributes) => {
                    new_tree.get_path(Path::new(&item.path)).is_ok()
                }
                _ => true,
            };
            if keep {
                kept.push(item);
            }
        }
        Ok(to_violations(
            kept,
            &update.new.to_string(),
            &base.id().to_string(),
            &format!("{name} created"),
        )
        .into_iter()
        .map(|(mut violation, _)| {
            violation.rewrite = Some(name.to_owned());
            violation.against_default = true;
            violation
        })
        .collect())
    }

    /// The regular file a checkout of `root` shows at `path`, following the links on
    /// the way as a file system would (relative targets only: an absolute one, or one
    /// leaving the tree, shows nothing of the repository). `None` when nothing or no
    /// regular file is there, or after 40 links.
    fn follow_links(&mut self, root: &Tree<'_>, path: &str) -> Result<Option<Oid>, FreezeError> {
        let mut pending: std::collections::VecDeque<String> =
            path.split('/').map(str::to_owned).collect();
        let mut reached: Vec<String> = Vec::new();
        let mut links = 0;
        while let Some(name) = pending.pop_front() {
            match name.as_str() {
                "" | "." => continue,
                ".." => {
                    if reached.pop().is_none() {
                        return Ok(None);
                    }
                    continue;
                }
                _ => {}
            }
            let here = join(&reached.join("/"), &name);
            let Ok(entry) = root.get_path(Path::new(&here)) else {
                return Ok(None);
            };
            match (entry.kind(), entry.filemode()) {
                (Some(ObjectType::Tree), _) => reached.push(name),
                (Some(ObjectType::Blob), 0o120000) => {
                    links += 1;
                    let Some(target) = self.document(entry.id())?.filter(|_| links <= 40) else {
                        return Ok(None);
                    };
                    let target = String::from_utf8_lossy(&target).into_owned();
                    if target.starts_with('/') {
                        return Ok(None);
                    }
                    for part in target.rsplit('/') {
                        pending.push_front(part.to_owned());
                    }
                }
                (Some(ObjectType::Blob), mode) if is_regular_file(mode) && pending.is_empty() => {
                    return Ok(Some(entry.id()));
                }
                _ => return Ok(None),
            }
        }
        Ok(None)
    }

    /// Whether the text of blob `theirs` (on a new ref) contradicts `ours` (frozen on
    /// the default branch): it is frozen too and the two differ by more than an
    /// allowed transition either way.
    fn contradicts(&mut self, (ours, theirs): (Oid, Option<Oid>)) -> Result<bool, FreezeError> {
        let Some(theirs) = theirs.filter(|theirs| *theirs != ours) else {
            return Ok(false);
        };
        let (Some(ours), Some(theirs)) = (self.document(ours)?, self.document(theirs)?) else {
            return Ok(true);
        };
        if self.rules.frozen_status_of(&theirs).is_none() {
            return Ok(false);
        }
        let (ours, theirs) = (&*ours, &*theirs);
        Ok(!(self.rules.transition_only(ours, theirs) || self.rules.transition_only(theirs, ours)))
    }

    /// Compares the entries of `old` (a parent's tree) with those of `new` at the same
    /// paths, descending only where ids differ and frozen paths may be.
    fn walk(
        &mut self,
        old: &Tree<'_>,
        new: Option<&Tree<'_>>,
        dir: &str,
        found: &mut Vec<Found>,
    ) -> Result<(), FreezeError> {
        self.spend(0, (old.len() + new.map_or(0, Tree::len)) as u64)?;
        if dir.is_empty() {
            self.roots = Some((old.id(), new.map(Tree::id)));
        }
        // The malformed entries of `new` go first; they are looked for only when the
        // side-by-side reading below finds the two trees differently shaped.
        let malformed_at = found.len();
        if let Some(new) = new {
            // A folder the commit adds under the frozen paths holds only new names.
            for entry in new.iter() {
                let added = entry.kind() == Some(ObjectType::Tree)
                    && old
                        .get_name_bytes(entry.name_bytes())
                        .is_none_or(|before| before.kind() != Some(ObjectType::Tree));
                if !added {
                    continue;
                }
                let path = join(dir, &String::from_utf8_lossy(entry.name_bytes()));
                if self.rules.may_cover_folder(&path) {
                    let folder = self.tree(entry.id())?;
                    self.check_new_folder(&folder, &path, found)?;
                }
            }
            let (before, after) = (attributes_file(old), attributes_file(new));
            if before != after {
                self.judge_attributes(old, (before, after), dir, found)?;
            }
        }
        // Both trees are in git's order: they are read side by side, each entry's
        // counterpart found by moving on, not by a search. A name not found so (gone,
        // or a file turned folder, which sorts elsewhere) is looked up.
        let mut news = new.map(Tree::iter).into_iter().flatten().peekable();
        let mut same_shape = new.is_some_and(|new| new.len() == old.len());
        for entry in old.iter() {
            while news
                .peek()
                .is_some_and(|other| crate::repo::git_order(other, &entry).is_lt())
            {
                news.next();
                same_shape = false;
            }
            let counterpart = match news.next_if(|other| other.name_bytes() == entry.name_bytes()) {
                Some(same) => {
                    same_shape &= keeps_shape(&entry, &same);
                    Some(same)
                }
                None => {
                    same_shape = false;
                    new.and_then(|tree| tree.get_name_bytes(entry.name_bytes()))
                }
            };
            if counterpart.as_ref().is_some_and(|other| {
                other.id() == entry.id() && other.filemode_raw() == entry.filemode_raw()
            }) {
                continue;
            }
            let path = join(dir, &String::from_utf8_lossy(entry.name_bytes()));
            match entry.kind() {
                Some(ObjectType::Tree) if self.rules.may_cover_folder(&path) => {
                    let old_folder = self.tree(entry.id())?;
                    let new_folder = match &counterpart {
                        Some(other) if other.kind() == Some(ObjectType::Tree) => {
                            Some(self.tree(other.id())?)
                        }
                        _ => None,
                    };
                    self.walk(&old_folder, new_folder.as_ref(), &path, found)?;
                }
                Some(ObjectType::Blob)
                    if is_regular_file(entry.filemode()) && self.rules.covers(&path) =>
                {
                    self.judge(&entry, counterpart.as_ref(), path, found)?;
                }
                _ => {}
            }
        }
        if let Some(new) = new
            && !same_shape
        {
            let rules = &self.rules;
            let under_freeze = |path: &str| rules.covers(path) || rules.may_cover_folder(path);
            let malformed = malformed_entries(Some(old), new, dir, &under_freeze);
            found.splice(malformed_at..malformed_at, malformed);
        }
        Ok(())
    }

    /// Judges a changed `.gitattributes` file of folder `dir` (blob ids before and
    /// after): every document frozen in `old` below it whose archive- or
    /// checkout-changing attributes differ is a violation.
    fn judge_attributes(
        &mut self,
        old: &Tree<'_>,
        (_, after): (Option<Oid>, Option<Oid>),
        dir: &str,
        found: &mut Vec<Found>,
    ) -> Result<(), FreezeError> {
        let Some((old_root, Some(new_root))) = self.roots else {
            return Ok(());
        };
        let (old_root, new_root) = (self.tree(old_root)?, self.tree(new_root)?);
        let file = join(dir, ".gitattributes");
        let mut documents = Vec::new();
        self.spend(0, old.len() as u64)?;
        let mut open = |oid: Oid, _: &str| {
            let folder = self.tree(oid)?;
            self.spend(0, folder.len() as u64)?;
            Ok(folder)
        };
        covered_files(&self.rules, old, dir, &mut open, &mut documents)?;
        let mut parsed: HashMap<Key, Attributes> = HashMap::new();
        for (path, blob) in documents {
            let was = self.effective_attributes(&old_root, &path, &mut parsed)?;
            let is = self.effective_attributes(&new_root, &path, &mut parsed)?;
            // Only what the change adds counts: taking such attributes away gives
            // readers the blob itself.
            let added: Vec<String> = is
                .iter()
                .filter(|(name, value)| was.get(*name) != Some(*value))
                .map(|(name, value)| format!("{name} {value}"))
                .collect();
            // The status is read only for a document whose attributes change.
            if added.is_empty() {
                continue;
            }
            if let Some(status) = self.frozen_status(blob)? {
                found.push(Found {
                    path,
                    verdict: Verdict::Violation(ChangeKind::Attributes),
                    status: format!("{file} gives it {} (frozen: {status})", added.join(", ")),
                    change: (blob, after),
                });
            }
        }
        Ok(())
    }

    /// The attributes of `path` that change what readers get, resolved from every
    /// `.gitattributes` on its way in the tree `root` (each parsed once).
    fn effective_attributes(
        &mut self,
        root: &Tree<'r>,
        path: &str,
        parsed: &mut HashMap<Key, Attributes>,
    ) -> Result<std::collections::BTreeMap<String, String>, FreezeError> {
        let mut files: Vec<(&str, Key)> = Vec::new();
        for folder in ancestors(path) {
            let entry = self.entry_at(root, &join(folder, ".gitattributes"))?;
            let Some(entry) = entry.filter(|entry| entry.kind() == Some(ObjectType::Blob)) else {
                continue;
            };
            let key = Key(entry.id());
            if let std::collections::hash_map::Entry::Vacant(slot) = parsed.entry(key) {
                let blob = self.document(entry.id())?;
                slot.insert(Attributes::parse(blob.as_deref()));
            }
            files.push((folder, key));
        }
        let chain: Vec<(&str, &Attributes)> = files
            .iter()
            .filter_map(|(folder, key)| parsed.get(key).map(|attributes| (*folder, attributes)))
            .collect();
        Ok(super::attributes::effective(&chain, path))
    }

    /// The malformed entries of a folder that is new in a commit, and of its folders.
    fn check_new_folder(
        &mut self,
        tree: &Tree<'_>,
        dir: &str,
        found: &mut Vec<Found>,
    ) -> Result<(), FreezeError> {
        self.spend(0, tree.len() as u64)?;
        let rules = &self.rules;
        let under_freeze = |path: &str| rules.covers(path) || rules.may_cover_folder(path);
        found.extend(malformed_entries(None, tree, dir, &under_freeze));
        for entry in tree.iter() {
            let path = join(dir, &String::from_utf8_lossy(entry.name_bytes()));
            if entry.kind() == Some(ObjectType::Tree) && self.rules.may_cover_folder(&path) {
                let folder = self.tree(entry.id())?;
                self.check_new_folder(&folder, &path, found)?;
            }
        }
        Ok(())
    }

    fn judge(
        &mut self,
        entry: &TreeEntry<'_>,
        counterpart: Option<&TreeEntry<'_>>,
        path: String,
        found: &mut Vec<Found>,
    ) -> Result<(), FreezeError> {
        let Some(status) = self.frozen_status(entry.id())? else {
            return Ok(());
        };
        let change: Change = (
            Key(entry.id()),
            entry.filemode(),
            counterpart.map(|other| (Key(other.id()), other.filemode())),
        );
        let verdict = match self.verdicts.get(&change) {
            Some(verdict) => verdict.clone(),
            None => {
                let verdict = self.judge_change(entry, counterpart)?;
                self.verdicts.insert(change, verdict.clone());
                verdict
            }
        };
        if verdict != Verdict::Allowed {
            found.push(Found {
                path,
                verdict,
                status,
                change: (entry.id(), counterpart.map(|other| other.id())),
            });
        }
        Ok(())
    }

    /// Reads what a change of a frozen document needs and judges it.
    fn judge_change(
        &mut self,
        entry: &TreeEntry<'_>,
        counterpart: Option<&TreeEntry<'_>>,
    ) -> Result<Verdict, FreezeError> {
        let old_blob = self.document(entry.id())?;
        let new_blob = match counterpart {
            Some(other)
                if other.kind() == Some(ObjectType::Blob) && is_regular_file(other.filemode()) =>
            {
                match self.document(other.id())? {
                    Some(blob) => Some((other.filemode(), blob)),
                    // Too large to be a status change of a document: an edit.
                    None => return Ok(Verdict::Violation(super::ChangeKind::Modified)),
                }
            }
            _ => None,
        };
        let Some(old_blob) = old_blob else {
            return Ok(Verdict::Allowed);
        };
        let after = match (&new_blob, counterpart) {
            (Some((mode, blob)), _) => After::File {
                mode: *mode,
                text: blob,
            },
            (None, None) => After::Absent,
            (None, Some(_)) => After::Other,
        };
        Ok(self.rules.judge(entry.filemode(), &old_blob, after))
    }

    /// The configured frozen status of a blob, read at most once per blob.
    fn frozen_status(&mut self, oid: Oid) -> Result<Option<String>, FreezeError> {
        if let Some(cached) = self.statuses.get(oid) {
            return Ok(cached);
        }
        let status = self
            .document(oid)?
            .and_then(|blob| self.rules.frozen_status_of(&blob).map(str::to_owned));
        self.statuses.insert(oid, status.clone());
        Ok(status)
    }

    /// A blob read as a document, counted against the byte limit; `None` when it is
    /// larger than [`DOCUMENT_LIMIT`] (its size is read without reading it).
    fn document(&mut self, oid: Oid) -> Result<Option<Rc<[u8]>>, FreezeError> {
        if let Some((_, blob)) = self.last_document.as_ref().filter(|(id, _)| *id == oid) {
            return Ok(Some(Rc::clone(blob)));
        }
        let missing = || format!("cannot read blob {oid} (missing object?)");
        let size = self
            .blobs
            .size(self.repo, oid)
            .map_err(FreezeError::git_with(missing))?;
        if size > DOCUMENT_LIMIT {
            return Ok(None);
        }
        if Spent::add(&self.spent.bytes, size) > self.limits.bytes {
            return Err(limit_error(3, self.limits.bytes, None));
        }
        let blob = self
            .blobs
            .read(self.repo, oid)
            .map_err(FreezeError::git_with(missing))?;
        self.last_document = Some((oid, Rc::clone(&blob)));
        Ok(Some(blob))
    }

    fn tree(&self, oid: Oid) -> Result<Tree<'r>, FreezeError> {
        let mut kept = self.trees.borrow_mut();
        if let Some(tree) = kept.iter().find(|tree| tree.id() == oid) {
            return Ok(tree.clone());
        }
        let tree = self.repo.find_tree(oid).map_err(FreezeError::git_with(|| {
            format!("cannot read tree {oid} (missing object?)")
        }))?;
        if kept.len() == TREES_KEPT {
            kept.pop_front();
        }
        kept.push_back(tree.clone());
        Ok(tree)
    }

    /// The entry at `path` (`a/b/c`) in `root`, its folders read through
    /// [`Checker::tree`].
    fn entry_at(
        &self,
        root: &Tree<'r>,
        path: &str,
    ) -> Result<Option<TreeEntry<'static>>, FreezeError> {
        let mut folder = root.clone();
        let mut names = path.split('/').peekable();
        while let Some(name) = names.next() {
            let Some(entry) = folder.get_name(name) else {
                return Ok(None);
            };
            if names.peek().is_none() {
                return Ok(Some(entry.to_owned()));
            }
            if entry.kind() != Some(ObjectType::Tree) {
                return Ok(None);
            }
            let id = entry.id();
            drop(entry);
            folder = self.tree(id)?;
        }
        Ok(None)
    }
}

/// Whether `after`, an entry of the same name as `before`, keeps the tree as it was
/// for the malformed-entry rules: a file turned folder (or back) sorts elsewhere, and
/// a mode git does not write is new unless the entry is unchanged.
fn keeps_shape(before: &TreeEntry<'_>, after: &TreeEntry<'_>) -> bool {
    let folder = |entry: &TreeEntry<'_>| entry.filemode_raw() == 0o040000;
    folder(before) == folder(after)
        && (CANONICAL_MODES.contains(&after.filemode_raw())
            || (before.filemode_raw() == after.filemode_raw() && before.id() == after.id()))
}

/// The entries of a pushed tree (`new`, replacing `old`) that git's fsck rejects or a
/// checkout would confuse, where the freeze reads: empty names, names with `/`, `.`,
/// `..`, a git folder in any spelling, entries out of git's order or listed twice
/// (a lookup by name would see one, a checkout the other), and names equal but for
/// case, Unicode normalisation or invisible characters (one file on macOS and
/// Windows). What the tree it replaces already held is not new: a tree with the same
/// names as `old` is read no further, and only a tree that adds names is compared
/// name against name.
fn malformed_entries(
    old: Option<&Tree<'_>>,
    new: &Tree<'_>,
    dir: &str,
    under_freeze: &dyn Fn(&str) -> bool,
) -> Vec<Found> {
    // The common case: the same names in the same order, each entry's mode one git
    // writes or unchanged with its object. Nothing this tree holds is new to it then.
    if let Some(old) = old
        && old.len() == new.len()
        && old.iter().zip(new.iter()).all(|(before, after)| {
            before.name_bytes() == after.name_bytes() && keeps_shape(&before, &after)
        })
    {
        return Vec::new();
    }
    let mut found = Vec::new();
    let path_of = |name: &[u8]| join(dir, &String::from_utf8_lossy(name));
    let refuse_found = |name: &[u8], reason: String| Found {
        path: path_of(name),
        verdict: Verdict::Violation(ChangeKind::Malformed),
        status: reason,
        change: (Oid::ZERO_SHA1, None),
    };
    let refuse = |found: &mut Vec<Found>, name: &[u8], reason: String| {
        found.push(refuse_found(name, reason));
    };
    let mut previous: Option<TreeEntry<'_>> = None;
    let mut adds_names = false;
    // Both trees are in git's order: walk the old one alongside to see added names.
    let mut olds = old.map(|old| old.iter()).into_iter().flatten().peekable();
    for entry in new.iter() {
        let name = entry.name_bytes();
        if name.is_empty() || name.contains(&b'/') || name == b"." || name == b".." {
            refuse(&mut found, name, "an entry name git's fsck rejects".into());
        } else if crate::fs::is_git_folder_name(&String::from_utf8_lossy(name)) {
            refuse(&mut found, name, "an entry named like a git folder".into());
        }
        // libgit2 reads an unknown mode as a file, git as a submodule (the document
        // vanishes from checkouts and archives): a mode git never writes is refused
        // where it is new.
        let mode = entry.filemode_raw();
        if !CANONICAL_MODES.contains(&mode) && under_freeze(&path_of(name)) {
            let unchanged = old
                .and_then(|old| old.get_name_bytes(name))
                .is_some_and(|before| before.filemode_raw() == mode && before.id() == entry.id());
            if !unchanged {
                refuse(
                    &mut found,
                    name,
                    format!("the file mode {mode:o}, which git never writes"),
                );
            }
        }
        if let Some(before) = &previous {
            match crate::repo::git_order(before, &entry) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => {
                    refuse(&mut found, name, "a second entry of the same name".into());
                }
                std::cmp::Ordering::Greater => {
                    refuse(&mut found, name, "an entry out of git's order".into());
                }
            }
        }
        while olds
            .peek()
            .is_some_and(|earlier| crate::repo::git_order(earlier, &entry).is_lt())
        {
            olds.next();
        }
        adds_names |= olds.peek().is_none_or(|same| same.name_bytes() != name);
        previous = Some(entry);
    }
    if adds_names {
        found.extend(name_collisions(new, &path_of, under_freeze, &refuse_found));
    }
    found
}

/// Names of `new` equal but for case, Unicode form or invisible characters (one file
/// on macOS and Windows), where readers of frozen documents would be misled, and a
/// file and a folder of one name.
fn name_collisions(
    new: &Tree<'_>,
    path_of: &dyn Fn(&[u8]) -> String,
    under_freeze: &dyn Fn(&str) -> bool,
    refused: &dyn Fn(&[u8], String) -> Found,
) -> Vec<Found> {
    let mut found = Vec::new();
    let refuse = |found: &mut Vec<Found>, name: &[u8], reason: String| {
        found.push(refused(name, reason));
    };
    let mut seen: HashMap<String, Vec<u8>> = HashMap::with_capacity(new.len());
    for entry in new.iter() {
        let name = entry.name_bytes();
        let key = collision_key(name);
        match seen.get(&key) {
            // Two files of one name on macOS and Windows: only where readers of
            // frozen documents would be misled.
            Some(earlier)
                if earlier.as_slice() != name
                    && !(under_freeze(&path_of(name)) || under_freeze(&path_of(earlier))) => {}
            Some(earlier) if earlier.as_slice() != name => refuse(
                &mut found,
                name,
                format!(
                    "the same name as {} but for case or Unicode form",
                    crate::ui::safe(&String::from_utf8_lossy(earlier))
                ),
            ),
            // A file and a folder of one name sort apart in git's order.
            Some(_) => refuse(&mut found, name, "a second entry of the same name".into()),
            None => {
                seen.insert(key, name.to_vec());
            }
        }
    }
    found
}

/// What a case-insensitive file system makes of a name: compatibility forms folded
/// (`ſ`, long s, and `s` name one folder on NTFS), invisible characters dropped,
/// lower case.
fn collision_key(name: &[u8]) -> String {
    let visible = |c: &char| !crate::doc::is_invisible(*c);
    if name.is_ascii() {
        // Most names, read without normalising: NFKC leaves ASCII as it is.
        let mut key = String::with_capacity(name.len());
        key.extend(
            name.iter()
                .map(|&byte| char::from(byte))
                .filter(visible)
                .map(|c| c.to_ascii_lowercase()),
        );
        return key;
    }
    folded(&String::from_utf8_lossy(name))
}

/// [`collision_key`] of any text.
fn folded(text: &str) -> String {
    text.nfkc()
        .filter(|c| !crate::doc::is_invisible(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every regular file `rules` cover in `tree` (the folder `dir`, `""` the root), as
/// (path, blob) in git's order, each folder on the way opened by `open`.
pub(super) fn covered_files<'t>(
    rules: &Rules,
    tree: &Tree<'_>,
    dir: &str,
    open: &mut dyn FnMut(Oid, &str) -> Result<Tree<'t>, FreezeError>,
    files: &mut Vec<(String, Oid)>,
) -> Result<(), FreezeError> {
    for entry in tree.iter() {
        let path = join(dir, &String::from_utf8_lossy(entry.name_bytes()));
        match entry.kind() {
            Some(ObjectType::Tree) if rules.may_cover_folder(&path) => {
                let folder = open(entry.id(), &path)?;
                covered_files(rules, &folder, &path, open, files)?;
            }
            Some(ObjectType::Blob) if is_regular_file(entry.filemode()) && rules.covers(&path) => {
                files.push((path, entry.id()));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The blob of a folder's `.gitattributes`, a regular file or a link.
fn attributes_file(tree: &Tree<'_>) -> Option<Oid> {
    // `git archive` reads a link's blob (its target text) as the file: any blob counts.
    tree.get_name(".gitattributes")
        .filter(|entry| entry.kind() == Some(ObjectType::Blob))
        .map(|entry| entry.id())
}

/// The modes git writes in a tree: file, program, link, folder, submodule.
const CANONICAL_MODES: [i32; 5] = [0o100644, 0o100755, 0o120000, 0o040000, 0o160000];

/// The parents a commit object names, as written in it. libgit2 rewrites the parents
/// of commits listed in `info/grafts` when it parses them; the freeze judges what was
/// pushed, not what a graft says.
fn parents_as_written(commit: &Commit<'_>) -> Result<Vec<Oid>, FreezeError> {
    let malformed = || FreezeError::Git {
        context: format!(
            "commit {} names a parent that is not an object id",
            commit.id()
        ),
        source: git2::Error::from_str("malformed parent line"),
    };
    commit
        .raw_header_bytes()
        .split(|&byte| byte == b'\n')
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.strip_prefix(b"parent "))
        .map(|hex| {
            std::str::from_utf8(hex)
                .ok()
                .and_then(|text| crate::repo::parse_oid(text.trim()).ok())
                .ok_or_else(malformed)
        })
        .collect()
}

/// The error of limit `which` (an index of [`LIMIT_KEYS`]), for `commit` when one
/// commit is at fault.
fn limit_error(which: usize, limit: u64, commit: Option<String>) -> FreezeError {
    let (key, what) = LIMIT_KEYS[which];
    FreezeError::Limit {
        what: what.to_owned(),
        limit,
        key: key.to_owned(),
        commit,
    }
}

/// The violations of `found` in `commit` (against `parent`), each with its change.
fn to_violations(found: Vec<Found>, commit: &str, parent: &str, subject: &str) -> Vec<Keyed> {
    found
        .into_iter()
        .filter_map(|change| match change.verdict {
            Verdict::Allowed => None,
            Verdict::Violation(kind) => Some((
                Violation {
                    commit: commit.to_owned(),
                    parent: parent.to_owned(),
                    path: change.path,
                    change: kind,
                    status: change.status,
                    subject: subject.to_owned(),
                    rewrite: None,
                    against_default: false,
                    carried_by: 0,
                },
                change.change,
            )),
        })
        .collect()
}

/// The commits a shallow clone has without their parents.
fn read_shallow_list(common_dir: &Path) -> HashSet<Key> {
    std::fs::read_to_string(common_dir.join("shallow"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| crate::repo::parse_oid(line.trim()).ok())
        .map(Key)
        .collect()
}

/// The commits of a revision range, oldest first, and the range's base (whose
/// configuration is in force). `A..B` and `A...B` are ranges; a single revision
/// means its whole history.
pub fn range_commits(
    repo: &Repository,
    spec: &str,
    hide: &[Oid],
) -> Result<(Vec<Oid>, Option<Oid>), FreezeError> {
    let bad = |source| FreezeError::BadRevision {
        spec: spec.to_owned(),
        source,
    };
    let revspec = repo.revparse(spec).map_err(bad)?;
    let mut walk = repo
        .revwalk()
        .map_err(FreezeError::git("cannot walk the history"))?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)
        .map_err(FreezeError::git("cannot walk the history"))?;
    let peel = |object: &git2::Object<'_>| {
        object
            .peel_to_commit()
            .map(|commit| commit.id())
            .map_err(|source| FreezeError::BadRevision {
                spec: spec.to_owned(),
                source,
            })
    };
    let base = match (revspec.from(), revspec.to()) {
        (Some(from), Some(to)) => {
            let (from, to) = (peel(from)?, peel(to)?);
            let base = if revspec.mode().contains(git2::RevparseMode::MERGE_BASE) {
                walk.push(from).map_err(bad)?;
                repo.merge_base(from, to).map_err(bad)?
            } else {
                from
            };
            walk.push(to).map_err(bad)?;
            walk.hide(base).map_err(bad)?;
            Some(base)
        }
        (Some(single), None) | (None, Some(single)) => {
            walk.push(peel(single)?).map_err(bad)?;
            None
        }
        (None, None) => return Err(bad(git2::Error::from_str("empty revision"))),
    };
    for &oid in hide {
        walk.hide(oid).map_err(bad)?;
    }
    let commits = walk
        .collect::<Result<Vec<_>, _>>()
        .map_err(FreezeError::git_with(|| {
            format!("cannot walk `{spec}` (missing objects?)")
        }))?;
    Ok((commits, base))
}

/// Which refs hold commits the other side already has.
#[derive(Debug, Clone, Copy)]
pub enum KnownRefs<'a> {
    /// The refs whose names match these globs (`[freeze] known_refs`): a server's
    /// view of a push. Refs a forge writes itself are not among them.
    Globs(&'a GlobSet),
    /// The refs matching a glob, e.g. `refs/remotes/origin/*` before a push.
    Matching(&'a str),
    /// No ref: only the ids given as known.
    None,
}

/// The commits that `tips` bring which the other side does not already have, oldest
/// first: `git rev-list <tips> --not <known refs> <known>`. Tips that are not commits
/// (an annotated tag of a tree, say) bring no commits.
pub fn new_commits(
    repo: &Repository,
    tips: &[Oid],
    known_refs: KnownRefs<'_>,
    known: &[Oid],
) -> Result<Vec<Oid>, FreezeError> {
    let mut walk = repo
        .revwalk()
        .map_err(FreezeError::git("cannot walk the history"))?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)
        .map_err(FreezeError::git("cannot walk the history"))?;
    let mut any = false;
    for &tip in tips {
        let object = repo
            .find_object(tip, None)
            .map_err(FreezeError::git_with(|| {
                format!("cannot read pushed object {tip} (missing object?)")
            }))?;
        if let Ok(commit) = object.peel_to_commit() {
            walk.push(commit.id())
                .map_err(FreezeError::git_with(|| format!("cannot walk from {tip}")))?;
            any = true;
        }
    }
    if !any {
        return Ok(Vec::new());
    }
    let references = match known_refs {
        KnownRefs::Globs(_) => Some(repo.references()),
        KnownRefs::Matching(glob) => Some(repo.references_glob(glob)),
        KnownRefs::None => None,
    }
    .transpose()
    .map_err(FreezeError::git("cannot list refs"))?;
    let wanted = |reference: &git2::Reference<'_>| match known_refs {
        KnownRefs::Globs(globs) => {
            std::str::from_utf8(reference.name_bytes()).is_ok_and(|name| globs.is_match(name))
        }
        _ => true,
    };
    for reference in references.into_iter().flatten().flatten().filter(wanted) {
        // A ref that does not lead to a commit hides nothing; skipping it can only
        // make the check look at more commits, never fewer.
        if let Ok(commit) = reference.peel_to_commit() {
            let _ = walk.hide(commit.id());
        }
    }
    for &oid in known {
        if let Ok(commit) = repo.find_commit(oid) {
            let _ = walk.hide(commit.id());
        }
    }
    walk.collect::<Result<Vec<_>, _>>()
        .map_err(FreezeError::git(
            "cannot walk the pushed commits (missing objects?)",
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn ascii_names_fold_as_any_name(name in "[\\x00-\\x7f]{0,40}") {
            proptest::prop_assert_eq!(collision_key(name.as_bytes()), folded(&name));
        }
    }

    #[test]
    fn names_fold_for_case_forms_and_invisibles() {
        assert_eq!(collision_key(b"README.md"), "readme.md");
        assert_eq!(collision_key(b"Spec\x07.md"), "spec.md");
        assert_eq!(collision_key("ſpec\u{200b}.MD".as_bytes()), "spec.md");
    }
}
