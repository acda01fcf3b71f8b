//! A long walk on several threads: the commits are handed out in small batches to
//! threads that each open the repository and judge with their own checker, the work
//! counted against the check's one set of limits. The verdicts come back in the
//! commits' order, so the report is the one a single thread writes.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use git2::Oid;

use super::FreezeError;
use super::walk::{Checker, Keyed, Opener};

/// Below this many commits left a walk stays on one thread: opening the repository
/// again costs more than it saves.
pub(super) const WORTH_A_THREAD: usize = 256;

/// How many commits a walk judges at a time on one thread to measure what each
/// costs.
pub(super) const PROBE: usize = 128;

/// What judging a commit must cost on average for threads to pay: light commits
/// (a history whose frozen documents rarely change) go faster on one, as the threads
/// share the reading of one pack file.
pub(super) const SLOW: std::time::Duration = std::time::Duration::from_micros(20);

/// What a thread judged: the verdicts on the commits at these indices.
type Judged = Vec<(usize, Result<Vec<Keyed>, FreezeError>)>;

/// How many commits a thread takes at a time.
const BATCH: usize = 32;

/// The violations of each of `commits` (in their order), judged on up to `threads`
/// threads. The first error in the commits' order is the result, as on one thread.
/// Progress counts from `before` commits judged already, of `total`.
pub(super) fn judge(
    checker: &Checker<'_>,
    commits: &[Oid],
    threads: usize,
    open: &Opener,
    before: usize,
    total: usize,
) -> Result<Vec<Vec<Keyed>>, FreezeError> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let progress = checker.progress();
    let threads = threads.min(commits.len().div_ceil(BATCH)).max(1);
    let mut slots: Vec<Option<Result<Vec<Keyed>, FreezeError>>> =
        (0..commits.len()).map(|_| None).collect();
    // Each thread's repository would keep its own copy of every commit and small
    // tree it reads (libgit2's object cache, up to 256 MiB each); the walk reads
    // most of them once, and keeps the trees it reads again itself.
    git2::opts::enable_caching(false);
    let outcome = std::thread::scope(|scope| -> Result<(), FreezeError> {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let repo = open().map_err(FreezeError::git("cannot open the repository again"));
                let template = checker.template();
                let (next, done, failed, progress) = (&next, &done, &failed, &progress);
                scope.spawn(move || -> Result<Judged, FreezeError> {
                    let repo = repo?;
                    let mut checker = template.checker(&repo);
                    let mut judged = Vec::new();
                    while !failed.load(Ordering::Relaxed) {
                        let start = next.fetch_add(BATCH, Ordering::Relaxed);
                        if start >= commits.len() {
                            break;
                        }
                        for (index, &oid) in commits.iter().enumerate().skip(start).take(BATCH) {
                            let result = checker.judge_commit(oid);
                            let stop = result.is_err();
                            judged.push((index, result));
                            let count = done.fetch_add(1, Ordering::Relaxed) + 1;
                            if let Some(progress) = progress {
                                progress(before + count, total);
                            }
                            if stop {
                                failed.store(true, Ordering::Relaxed);
                                return Ok(judged);
                            }
                        }
                    }
                    Ok(judged)
                })
            })
            .collect();
        for worker in workers {
            let judged = match worker.join() {
                Ok(judged) => judged?,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            for (index, result) in judged {
                slots[index] = Some(result);
            }
        }
        Ok(())
    });
    git2::opts::enable_caching(true);
    outcome?;
    let mut judged = Vec::with_capacity(commits.len());
    for (slot, oid) in slots.into_iter().zip(commits) {
        match slot {
            Some(result) => judged.push(result?),
            // Every commit before the first error is judged: a gap is a fault of
            // this walk, and a check that cannot vouch for a commit refuses.
            None => {
                return Err(FreezeError::Git {
                    context: format!("commit {oid} was not judged"),
                    source: git2::Error::from_str("a thread of the walk stopped early"),
                });
            }
        }
    }
    Ok(judged)
}

/// Most threads a check uses unless told otherwise: past this, reading the objects
/// is the bottleneck, not judging them.
const DEFAULT_THREADS_CAP: usize = 8;

/// The threads a check may use: git config `lancelot.threads` (1 keeps every check
/// on one thread), else the machine's cores, at most 8. A value that is not a
/// positive number is an error: a hook must not guess.
pub(super) fn threads_from_git_config(repo: &git2::Repository) -> Result<usize, FreezeError> {
    let config = crate::repo::server_settings(repo)
        .map_err(FreezeError::git("cannot read the git config"))?;
    match config.get_i64(THREADS_KEY) {
        Ok(value) => usize::try_from(value)
            .ok()
            .filter(|value| *value > 0)
            .ok_or_else(|| FreezeError::Config {
                key: format!("git config {THREADS_KEY}"),
                problem: "it must be a positive number".into(),
            }),
        Err(error) if error.code() == git2::ErrorCode::NotFound => {
            Ok(std::thread::available_parallelism()
                .map_or(1, usize::from)
                .min(DEFAULT_THREADS_CAP))
        }
        Err(source) => Err(FreezeError::Git {
            context: format!("git config {THREADS_KEY} is not a number"),
            source,
        }),
    }
}

/// The git config key of the threads a check may use.
const THREADS_KEY: &str = "lancelot.threads";
