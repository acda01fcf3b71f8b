//! The freeze check side by side with git's own C code doing the comparable work, on
//! the same repositories, in one run. Run with `make bench`.
//!
//! - A synthetic repository: 50,000 source files in 500 folders, 400 specs, 20,000
//!   commits (a spec edited every 50th, side branches merged every 200th), generated
//!   by `git fast-import` from `tests/common/history.rs`: `check --range base..main`
//!   against `git log -m --raw --no-renames base..main -- <frozen globs>`.
//! - The same repository with one change staged outside the frozen folders (a 50,000
//!   entry index): `check --staged` against `git diff --cached --raw -- <globs>`.
//! - A history shaped like python/peps (700 reStructuredText documents of 5–60 KB, an
//!   RFC 822 `Status:` header, Active and Final frozen, 12,000 commits that nearly all
//!   edit one): the whole history against the same `git log`, the status read
//!   anywhere and in the header only (`status_in`).
//! - When `LANCELOT_BENCH_PEPS` names a local clone of python/peps, its whole history
//!   with the rules of `docs/freeze.md` (Cost), both ways.
//!
//! Each command runs `LANCELOT_BENCH_RUNS` times (default 5), lancelot and git
//! alternating; the table shows the median wall time, the ratio, and each command's
//! peak memory (its maximum resident set, measured by a small wrapper process). The
//! generated repositories are kept in `LANCELOT_BENCH_DIR` (default: a
//! `lancelot-bench` folder in the system's temporary folder) and rebuilt only when
//! their shape changes.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../tests/common/history.rs"]
mod history;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use history::{Build, Shape, Style};

/// Bump when the shapes or how they are built change: the cached repositories are
/// rebuilt.
const VERSION: &str = "1";

const SYNTHETIC: Shape = Shape {
    style: Style::Specs,
    folders: 500,
    files_per_folder: 100,
    documents: 400,
    min_bytes: 1_000,
    max_bytes: 4_000,
    commits: 20_000,
    document_every: 50,
    violation_every: 2_500,
    merge_every: 200,
};

const PEPS_LIKE: Shape = Shape {
    style: Style::Peps,
    folders: 10,
    files_per_folder: 20,
    documents: 700,
    min_bytes: 5_000,
    max_bytes: 60_000,
    commits: 12_000,
    document_every: 1,
    violation_every: 500,
    merge_every: 400,
};

/// The rules of the real python/peps history (as in docs/freeze.md, Cost); the
/// `status_in` line is filled in per row.
const PEPS_RULES: &str = r#"[freeze]
status_in = "{status_in}"
paths = ["pep-*.rst", "peps/pep-*.rst"]
status_field = "Status"
frozen = ["Active", "Final"]
transitions = [["Active", "Final"], ["Final", "Superseded"], ["Active", "Superseded"]]
mutable_fields = ["Status", "Superseded-By", "Resolution", "Post-History"]
"#;

/// Wall time and peak memory of one run.
#[derive(Clone, Copy)]
struct Run {
    time: Duration,
    peak_kib: u64,
}

fn main() {
    // The wrapper: runs the command it is given and reports its wall time and peak
    // memory (the only child it waits for, so `RUSAGE_CHILDREN` is that command's).
    if std::env::var_os("LANCELOT_BENCH_WRAP").is_some() {
        wrap();
        return;
    }
    let runs: usize = std::env::var("LANCELOT_BENCH_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(5);
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "lancelot against git {}, {cores} cores, median of {runs} runs\n",
        git_version()
    );
    let mut rows = Vec::new();

    let synthetic = generated("synthetic", &SYNTHETIC, true);
    let (bare, clone) = (synthetic.join("repo.git"), synthetic.join("clone"));
    rows.push(compare(
        "`check --range base..main`, synthetic (50k files, 20k commits, 400 specs)",
        runs,
        lancelot(&bare, &["check", "--range", "base..main"], None),
        git_log(&bare, "base..main", history::globs(Style::Specs)),
    ));
    rows.push(compare(
        "`check --staged`, one change outside the frozen folders, 50k-file index",
        runs,
        lancelot(&clone, &["check", "--staged"], None),
        git_diff_cached(&clone, history::globs(Style::Specs)),
    ));

    // A history shaped like python/peps, its status read anywhere (the default) and
    // in the header only (`status_in = "header"`, what such documents call for).
    let peps_like = generated("peps-like", &PEPS_LIKE, false).join("repo.git");
    for status_in in ["document", "header"] {
        let rules = rules_file(
            &format!("peps-like-{status_in}"),
            &history::config(Style::Peps).replacen(
                "[freeze]\n",
                &format!("[freeze]\nstatus_in = \"{status_in}\"\n"),
                1,
            ),
        );
        rows.push(compare(
            &format!(
                "`check --range base..main`, peps-like (700 documents, 12k commits), `status_in = \"{status_in}\"`"
            ),
            runs,
            lancelot(&peps_like, &["check", "--range", "base..main"], Some(&rules)),
            git_log(&peps_like, "base..main", history::globs(Style::Peps)),
        ));
    }

    if let Some(peps) = std::env::var_os("LANCELOT_BENCH_PEPS").map(PathBuf::from) {
        for status_in in ["document", "header"] {
            let rules = rules_file(
                &format!("peps-{status_in}"),
                &PEPS_RULES.replace("{status_in}", status_in),
            );
            rows.push(compare(
                &format!(
                    "`check --range HEAD`, python/peps (its whole history), `status_in = \"{status_in}\"`"
                ),
                runs,
                lancelot(&peps, &["check", "--range", "HEAD"], Some(&rules)),
                git_log(&peps, "HEAD", &["pep-*.rst", "peps/pep-*.rst"]),
            ));
        }
    } else {
        println!("(set LANCELOT_BENCH_PEPS to a clone of python/peps to measure it too)\n");
    }

    println!("| Work | lancelot | git | ratio |");
    println!("|---|---|---|---|");
    for row in rows {
        println!("{row}");
    }
}

/// Where the generated repositories are kept: outside the project's files, as
/// lancelot refuses a git folder planted among a repository's files (and the target
/// folder is among them).
fn bench_root() -> PathBuf {
    std::env::var_os("LANCELOT_BENCH_DIR").map_or_else(
        || std::env::temp_dir().join("lancelot-bench"),
        PathBuf::from,
    )
}

/// A rules file for `--config`, written next to the generated repositories.
fn rules_file(name: &str, text: &str) -> PathBuf {
    let root = bench_root();
    std::fs::create_dir_all(&root).unwrap();
    let path = root.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// A generated repository, built once and kept (with a marker naming its shape).
fn generated(name: &str, shape: &Shape, staged: bool) -> PathBuf {
    let dir = bench_root().join(name);
    let marker = dir.join(".lancelot-bench");
    let wanted = format!("{VERSION} {shape:?} staged={staged}");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str()) {
        return dir;
    }
    println!(
        "building the {name} repository (once; kept in {})",
        dir.display()
    );
    let _ = std::fs::remove_dir_all(&dir);
    let how = Build {
        bare: true,
        repack: true,
        sha256: false,
    };
    history::build(&dir.join("repo.git"), shape, how);
    // A clone's git folder without its files: the index is HEAD's tree, one new
    // file staged outside the frozen folders (no work tree is needed to compare the
    // index with HEAD).
    if staged {
        let clone = dir.join("clone");
        std::fs::create_dir_all(&clone).unwrap();
        git(&clone, &["init", "-q", "-b", "main"]);
        let source = dir.join("repo.git");
        git(
            &clone,
            &[
                "fetch",
                "-q",
                "--update-head-ok",
                source.to_str().unwrap(),
                "+refs/*:refs/*",
            ],
        );
        git(&clone, &["read-tree", "HEAD"]);
        let blob = git_output(&clone, &["hash-object", "-w", "--stdin"], b"VALUE = 1\n");
        let entry = format!("100644,{},src/pkg7/staged.py", blob.trim());
        git(&clone, &["update-index", "--add", "--cacheinfo", &entry]);
    }
    std::fs::write(&marker, wanted).unwrap();
    dir
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

fn git_output(dir: &Path, args: &[&str], input: &[u8]) -> String {
    use std::io::Write as _;
    let mut child = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "git {args:?}");
    String::from_utf8(output.stdout).unwrap()
}

fn git_version() -> String {
    let output = Command::new("git").arg("--version").output().unwrap();
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .trim_start_matches("git version ")
        .to_owned()
}

/// A command to measure: program, arguments, folder.
struct Measured {
    program: PathBuf,
    args: Vec<String>,
    dir: PathBuf,
    /// The exit codes that mean it ran as intended.
    ok: &'static [i32],
}

fn lancelot(dir: &Path, args: &[&str], config: Option<&Path>) -> Measured {
    let mut all: Vec<String> = Vec::new();
    if let Some(config) = config {
        all.extend(["--config".to_owned(), config.display().to_string()]);
    }
    all.extend(args.iter().map(|arg| (*arg).to_owned()));
    Measured {
        program: PathBuf::from(env!("CARGO_BIN_EXE_lancelot")),
        args: all,
        dir: dir.to_owned(),
        // 1: the generated histories hold violations on purpose.
        ok: &[0, 1],
    }
}

fn git_log(dir: &Path, range: &str, globs: &[&str]) -> Measured {
    let args = ["log", "-m", "--raw", "--no-renames", "--format=%H", range];
    git_over_globs(dir, &args, globs)
}

fn git_diff_cached(dir: &Path, globs: &[&str]) -> Measured {
    git_over_globs(dir, &["diff", "--cached", "--raw"], globs)
}

/// `git <args> -- <globs>` in `dir`.
fn git_over_globs(dir: &Path, args: &[&str], globs: &[&str]) -> Measured {
    let args = args
        .iter()
        .chain(&["--"])
        .chain(globs)
        .map(|arg| (*arg).to_owned())
        .collect();
    Measured {
        program: PathBuf::from("git"),
        args,
        dir: dir.to_owned(),
        ok: &[0],
    }
}

/// Runs both `runs` times, alternating, and formats a row of the table.
fn compare(work: &str, runs: usize, ours: Measured, theirs: Measured) -> String {
    let (mut mine, mut git) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        mine.push(measure(&ours));
        git.push(measure(&theirs));
    }
    let (mine, git) = (median(&mine), median(&git));
    let ratio = mine.time.as_secs_f64() / git.time.as_secs_f64().max(1e-9);
    let row = format!(
        "| {work} | {}, {} | {}, {} | {ratio:.2}× |",
        duration(mine.time),
        memory(mine.peak_kib),
        duration(git.time),
        memory(git.peak_kib)
    );
    println!("{row}");
    row
}

fn median(runs: &[Run]) -> Run {
    let mut times: Vec<Duration> = runs.iter().map(|run| run.time).collect();
    times.sort();
    let mut peaks: Vec<u64> = runs.iter().map(|run| run.peak_kib).collect();
    peaks.sort_unstable();
    Run {
        time: times[times.len() / 2],
        peak_kib: peaks[peaks.len() / 2],
    }
}

fn duration(time: Duration) -> String {
    if time >= Duration::from_secs(1) {
        format!("{:.2} s", time.as_secs_f64())
    } else {
        format!("{:.0} ms", time.as_secs_f64() * 1000.0)
    }
}

fn memory(kib: u64) -> String {
    format!("{} MB", kib.div_ceil(1024))
}

/// One run of `command`, through the wrapper.
fn measure(command: &Measured) -> Run {
    let output = Command::new(std::env::current_exe().unwrap())
        .env("LANCELOT_BENCH_WRAP", "1")
        .arg(&command.program)
        .args(&command.args)
        .current_dir(&command.dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    let mut fields = report.split_whitespace();
    let code: i32 = fields.next().unwrap().parse().unwrap();
    assert!(
        command.ok.contains(&code),
        "{} {:?} exited with {code}: {}",
        command.program.display(),
        command.args,
        String::from_utf8_lossy(&output.stderr)
    );
    let nanos: u64 = fields.next().unwrap().parse().unwrap();
    let peak_kib: u64 = fields.next().unwrap().parse().unwrap();
    Run {
        time: Duration::from_nanos(nanos),
        peak_kib,
    }
}

/// The wrapper's side: runs its arguments, output discarded, and prints the exit
/// code, the wall time in nanoseconds and the peak memory in KiB.
fn wrap() {
    let mut args = std::env::args_os().skip(1);
    let program = args.next().unwrap();
    let start = Instant::now();
    let status = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    let elapsed = start.elapsed();
    let usage =
        nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN).unwrap();
    println!(
        "{} {} {}",
        status.code().unwrap_or(-1),
        elapsed.as_nanos(),
        usage.max_rss()
    );
}
