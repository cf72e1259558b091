//! Rust's own library tests, built from the firmware toolchain's `rust-src` as libtest
//! binaries for the target and run on the test kernel: all of `library/alloctests`, and
//! the collection tests (`array::`, `iter::`, `slice::`) of `library/coretests`.
//!
//! The steps, each usable on its own:
//! - [`rust_src_library`] finds `library/` in the toolchain's `rust-src`.
//! - [`write_wrapper`] generates a one-package cargo workspace under the firmware target
//!   directory whose manifest is upstream's (`alloctests/Cargo.toml`, ...) with every
//!   target path made absolute, so that rustc reads the sources (and their
//!   `#[path = "../alloc/..."]` modules) where they are: nothing of Rust's source is
//!   copied. The lock file is upstream's (`library/Cargo.lock`), so `rand` and
//!   `rand_xorshift` keep the versions Rust's CI uses (they are not in `library/vendor`:
//!   cargo fetches them once from the registry).
//! - [`build`] runs `cargo test --no-run --release` for the target against the installed
//!   sysroot with `RUSTC_BOOTSTRAP=1` and returns the libtest binaries; [`build_all`]
//!   builds several [`Suite`]s at once, each in its own target directory.
//! - [`run`] lists each binary's tests, keeps the suite's selection, leaves out the
//!   tests the expectations file marks slow (unless asked for everything), shards the
//!   rest over parallel boots of the test kernel and parses libtest's plain output. A
//!   test that takes its whole boot down (fault, abort, hang) is recorded as crashed and
//!   the boot is restarted with the tests that did not run yet.
//! - [`Expectations`] (the `alloctests-expectations.toml` file) lists the tests known to
//!   fail on this target, and [`compare`] turns results and expectations into a
//!   [`Verdict`]: a failure not listed, or a listed test that passes, fails the suite.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use test_harness::{Exit, FirmwareBuild, RunOutput, Runner, Toolchain};
use xous_sysroot::Sysroot;

/// Which cargo target of the upstream crate a binary is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The library's unit tests (`cargo test --lib`).
    Lib,
    /// An integration test (`cargo test --test NAME`).
    Test(&'static str),
}

/// One libtest binary of a [`Suite`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binary {
    /// The name in reports and in the expectations file (unique over [`SUITES`]).
    pub name: &'static str,
    /// The cargo target it is built from.
    pub target: Target,
}

/// An upstream test crate under `library/` and the part of it that runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suite {
    /// The crate's directory under `library/` (also its package name).
    pub krate: &'static str,
    /// Its binaries.
    pub binaries: &'static [Binary],
    /// Name prefixes of the tests that run; empty for all.
    pub select: &'static [&'static str],
}

/// `library/alloctests`: its unit tests (`lib.rs`, which compiles alloc's collections,
/// raw_vec and wtf8 modules with their tests) and its integration tests.
pub const ALLOCTESTS: Suite = Suite {
    krate: "alloctests",
    binaries: &[
        Binary {
            name: "alloctests-lib",
            target: Target::Lib,
        },
        Binary {
            name: "alloctests",
            target: Target::Test("alloctests"),
        },
        Binary {
            name: "vec_deque_alloc_error",
            target: Target::Test("vec_deque_alloc_error"),
        },
    ],
    select: &[],
};

/// The collection tests of `library/coretests` (arrays, iterators, slices): the rest of
/// the crate (mostly `num::`, with tests that run for minutes here) is left out.
pub const CORETESTS_COLLECTIONS: Suite = Suite {
    krate: "coretests",
    binaries: &[Binary {
        name: "coretests",
        target: Target::Test("coretests"),
    }],
    select: &["array::", "iter::", "slice::"],
};

/// Every suite this module knows.
pub const SUITES: &[Suite] = &[ALLOCTESTS, CORETESTS_COLLECTIONS];

/// Set to `1` to run the tests the expectations file marks slow as well.
pub const FULL_ENV: &str = "XOUS_ALLOCTESTS_FULL";

/// The path of the expectations file shipped with this crate.
pub fn expectations_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("alloctests-expectations.toml")
}

/// Whether [`FULL_ENV`] asks for the slow tests too.
pub fn full_from_env() -> bool {
    std::env::var(FULL_ENV).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The report names of every binary of [`SUITES`], in order.
pub fn binary_names() -> Vec<&'static str> {
    SUITES
        .iter()
        .flat_map(|s| s.binaries.iter().map(|b| b.name))
        .collect()
}

/// A failure of the build or of the harness (not a test verdict).
#[derive(Debug)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<test_harness::HarnessError> for Error {
    fn from(e: test_harness::HarnessError) -> Self {
        Error(e.to_string())
    }
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error(format!("could not {what} {}: {e}", path.display()))
}

/// `library/` of the toolchain's `rust-src` (`<rustc --print sysroot>/lib/rustlib/src/rust/library`).
pub fn rust_src_library(toolchain: &Toolchain) -> Result<PathBuf, Error> {
    let out = Command::new(&toolchain.rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| Error(format!("could not run {}: {e}", toolchain.rustc.display())))?;
    if !out.status.success() {
        return Err(Error(format!(
            "`{} --print sysroot` failed: {}",
            toolchain.rustc.display(),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let library = sysroot.join("lib/rustlib/src/rust/library");
    for suite in SUITES {
        let manifest = library.join(suite.krate).join("Cargo.toml");
        if !manifest.is_file() {
            return Err(Error(format!(
                "the firmware toolchain's rust-src has no {} ({} is missing)\nhelp: install the toolchain's rust-src (Debian: rust-web-src)",
                suite.krate,
                manifest.display()
            )));
        }
    }
    Ok(library)
}

/// The cargo name given to a suite's lib target in the wrapper, so that its test binary
/// can be told from an integration test of the same name (`alloctests` has both).
fn lib_target(krate: &str) -> String {
    format!("{krate}_lib")
}

/// Upstream's manifest of `krate` rewritten for the wrapper: target paths made absolute
/// (relative to `crate_dir`), the lib target renamed (see `lib_target`), and the package
/// made a workspace of its own (the wrapper lives inside other workspaces' target
/// directories).
pub fn wrapper_manifest(upstream: &str, krate: &str, crate_dir: &Path) -> Result<String, Error> {
    let mut out = String::new();
    let mut section = String::new();
    let mut renamed = false;
    for line in upstream.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = trimmed.to_string();
        }
        if section == "[workspace]" {
            return Err(Error(format!(
                "{krate}'s manifest declares a workspace: not supported"
            )));
        }
        if let Some(rel) = trimmed
            .strip_prefix("path")
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix('='))
            .map(str::trim)
            .and_then(|r| r.strip_prefix('"'))
            .and_then(|r| r.strip_suffix('"'))
        {
            if section.starts_with("[[") || section == "[lib]" {
                let abs = crate_dir.join(rel);
                let _ = writeln!(out, "path = {}", toml_string(&abs.to_string_lossy()));
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
        if trimmed == "[lib]" {
            let _ = writeln!(out, "name = \"{}\"", lib_target(krate));
            renamed = true;
        }
    }
    if !renamed {
        return Err(Error(format!("{krate}'s manifest has no [lib] section")));
    }
    out.push_str("\n# Generated by firmware-tests: a workspace of its own.\n[workspace]\n");
    Ok(out)
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Writes the wrapper package for `library/<suite.krate>` into `dir` and returns its
/// manifest path. Files are only rewritten when their content changes, so that cargo's
/// fingerprints stay fresh.
pub fn write_wrapper(library: &Path, suite: &Suite, dir: &Path) -> Result<PathBuf, Error> {
    let crate_dir = library.join(suite.krate);
    let upstream_manifest = crate_dir.join("Cargo.toml");
    let upstream = std::fs::read_to_string(&upstream_manifest)
        .map_err(|e| io_error("read", &upstream_manifest, e))?;
    std::fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
    let manifest = dir.join("Cargo.toml");
    write_if_changed(
        &manifest,
        &wrapper_manifest(&upstream, suite.krate, &crate_dir)?,
    )?;
    // Upstream's lock pins the dev-dependencies; cargo prunes it to this package's graph
    // on the first build. Keep a copy to notice when upstream's changes.
    let lock_src = library.join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_src).map_err(|e| io_error("read", &lock_src, e))?;
    let copy = dir.join("Cargo.lock.upstream");
    if std::fs::read_to_string(&copy).ok().as_deref() != Some(lock.as_str())
        || !dir.join("Cargo.lock").is_file()
    {
        std::fs::write(dir.join("Cargo.lock"), &lock).map_err(|e| io_error("write", dir, e))?;
        std::fs::write(&copy, &lock).map_err(|e| io_error("write", &copy, e))?;
    }
    Ok(manifest)
}

fn write_if_changed(path: &Path, text: &str) -> Result<(), Error> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).map_err(|e| io_error("write", path, e))?;
    }
    Ok(())
}

/// One built libtest binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestBinary {
    /// The report name ([`Binary::name`]).
    pub name: String,
    /// The ELF.
    pub path: PathBuf,
    /// Name prefixes of the tests to run ([`Suite::select`]); empty for all.
    pub select: Vec<String>,
}

/// Generates the wrapper of `suite` under `dir` (`<dir>/wrapper`) and builds its test
/// binaries in release mode into `<dir>/target`, returning them in the suite's order.
pub fn build(
    toolchain: &Toolchain,
    sysroot: &Sysroot,
    library: &Path,
    suite: &Suite,
    dir: &Path,
) -> Result<Vec<TestBinary>, Error> {
    let manifest = write_wrapper(library, suite, &dir.join("wrapper"))?;
    let mut b = FirmwareBuild::new(manifest, toolchain, sysroot, dir.join("target"));
    b.tests(true).env("RUSTC_BOOTSTRAP", "1");
    for bin in suite.binaries {
        match bin.target {
            Target::Lib => b.arg("--lib"),
            Target::Test(name) => b.arg("--test").arg(name),
        };
    }
    let artifacts = b.build()?;
    let mut binaries = Vec::new();
    for bin in suite.binaries {
        let target = match bin.target {
            Target::Lib => lib_target(suite.krate),
            Target::Test(name) => name.to_string(),
        };
        let artifact = artifacts
            .iter()
            .find(|a| a.test && a.name == target)
            .ok_or_else(|| {
                Error(format!(
                    "cargo built no test binary for `{target}` of {}: {artifacts:?}",
                    suite.krate
                ))
            })?;
        binaries.push(TestBinary {
            name: bin.name.to_string(),
            path: artifact.path.clone(),
            select: suite.select.iter().map(|s| s.to_string()).collect(),
        });
    }
    Ok(binaries)
}

/// Builds every suite of `suites` at once (each with its own wrapper and target directory
/// `<dir>/<krate>`, so that the cargo runs overlap) and returns all their binaries in
/// order.
pub fn build_all(
    toolchain: &Toolchain,
    sysroot: &Sysroot,
    library: &Path,
    suites: &[Suite],
    dir: &Path,
) -> Result<Vec<TestBinary>, Error> {
    let built: Vec<Result<Vec<TestBinary>, Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> = suites
            .iter()
            .map(|suite| {
                let dir = dir.join(suite.krate);
                scope.spawn(move || build(toolchain, sysroot, library, suite, &dir))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error("a build thread panicked".into())))
            })
            .collect()
    });
    let mut all = Vec::new();
    for b in built {
        all.extend(b?);
    }
    Ok(all)
}

/// How one test ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// `ok`.
    Passed,
    /// `FAILED`.
    Failed,
    /// `ignored` (with libtest's reason, if any).
    Ignored(Option<String>),
    /// The test took its boot down: the run ended (as described) while it was running.
    Crashed(String),
}

impl Outcome {
    /// Failed or crashed.
    pub fn is_failure(&self) -> bool {
        matches!(self, Outcome::Failed | Outcome::Crashed(_))
    }
}

/// One test's result.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResult {
    /// The binary's report name.
    pub binary: String,
    /// The libtest name (`collections::binary_heap::panic_safe`).
    pub name: String,
    /// How it ended.
    pub outcome: Outcome,
    /// libtest's `--report-time` measure (emulated time), when printed.
    pub seconds: Option<f64>,
    /// The captured output of a failure, or the kernel's report of a crash.
    pub output: String,
}

/// What one libtest run printed, parsed (plain format, `--report-time` optional).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// Finished tests in order: name, outcome (never `Crashed`), seconds.
    pub results: Vec<(String, Outcome, Option<f64>)>,
    /// The test that had started and not finished when the output ended.
    pub in_flight: Option<String>,
    /// Whether libtest printed its `test result:` summary (the run completed).
    pub finished: bool,
    /// The captured output of each failed test (`---- name stdout ----` sections).
    pub failures: BTreeMap<String, String>,
}

/// Parses libtest's plain output.
pub fn parse_libtest(stdout: &str) -> Parsed {
    let mut p = Parsed::default();
    let mut section: Option<(String, String)> = None;
    for line in stdout.lines() {
        if let Some((name, text)) = &mut section {
            if let Some(next) = failure_header(line) {
                let done = std::mem::replace(name, next);
                p.failures.insert(done, std::mem::take(text));
                continue;
            }
            if line == "failures:" || line.starts_with("test result: ") {
                let (name, text) = section.take().expect("checked");
                p.failures.insert(name, text.trim_end().to_string());
            } else {
                text.push_str(line);
                text.push('\n');
                continue;
            }
        }
        if let Some(name) = failure_header(line) {
            section = Some((name, String::new()));
            continue;
        }
        if line.starts_with("test result: ") {
            p.finished = true;
            p.in_flight = None;
            continue;
        }
        if let Some(rest) = line.strip_prefix("test ") {
            if let Some((name, result)) = rest.split_once(" ... ") {
                let name = name
                    .strip_suffix(" - should panic")
                    .unwrap_or(name)
                    .to_string();
                match parse_result(result) {
                    Some((outcome, secs)) => {
                        p.results.push((name, outcome, secs));
                        p.in_flight = None;
                    }
                    None => p.in_flight = Some(name),
                }
                continue;
            }
            if let Some(name) = rest.strip_suffix(" ...") {
                // Output ended (or the test wrote uncaptured output) right after the name.
                let name = name.strip_suffix(" - should panic").unwrap_or(name);
                p.in_flight = Some(name.to_string());
                continue;
            }
        }
        // A result on a line of its own: the test wrote to the console after its name.
        if let Some(name) = p.in_flight.clone() {
            if let Some((outcome, secs)) = parse_result(line.trim()) {
                p.results.push((name, outcome, secs));
                p.in_flight = None;
            } else if let Some((_, tail)) = line.rsplit_once(' ') {
                if let Some((outcome, secs)) =
                    parse_result(tail).filter(|(o, _)| *o != Outcome::Ignored(None))
                {
                    p.results.push((name, outcome, secs));
                    p.in_flight = None;
                }
            }
        }
    }
    if let Some((name, text)) = section {
        p.failures.insert(name, text.trim_end().to_string());
    }
    p
}

fn failure_header(line: &str) -> Option<String> {
    let inner = line.strip_prefix("---- ")?.strip_suffix(" ----")?;
    let name = inner
        .strip_suffix(" stdout")
        .or_else(|| inner.strip_suffix(" stderr"))?;
    Some(
        name.strip_suffix(" - should panic")
            .unwrap_or(name)
            .to_string(),
    )
}

/// `ok`, `ok <0.12s>`, `FAILED`, `ignored`, `ignored, reason`.
fn parse_result(text: &str) -> Option<(Outcome, Option<f64>)> {
    let (word, rest) = match text.split_once([' ', ',']) {
        Some((w, r)) => (w, r),
        None => (text, ""),
    };
    let secs = rest
        .trim()
        .strip_prefix('<')
        .and_then(|r| r.split_once("s>"))
        .and_then(|(n, _)| n.parse::<f64>().ok());
    let outcome = match word {
        "ok" => Outcome::Passed,
        "FAILED" => Outcome::Failed,
        "ignored" => {
            let reason = text
                .strip_prefix("ignored")
                .unwrap_or("")
                .trim_start_matches(',')
                .trim();
            Outcome::Ignored((!reason.is_empty()).then(|| reason.to_string()))
        }
        _ => return None,
    };
    Some((outcome, secs))
}

/// The names in libtest's `--list` output (tests and benchmarks, which `cargo test`
/// binaries run once as tests).
pub fn parse_list(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| {
            l.strip_suffix(": test")
                .or_else(|| l.strip_suffix(": benchmark"))
        })
        .map(str::to_string)
        .collect()
}

/// A test known to fail on this target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownFailure {
    /// The binary's report name (one of [`binary_names`]).
    pub binary: String,
    /// The exact libtest name.
    pub test: String,
    /// Why it fails here (an investigated cause).
    pub reason: String,
}

/// Tests left out of the default run to fit the time budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlowTests {
    /// The binary's report name.
    pub binary: String,
    /// A libtest `--skip` filter: every test whose name contains it.
    pub filter: String,
    /// What makes them slow here.
    pub reason: String,
}

/// The expectations file: `[[failure]]` entries (binary, test, reason) and `[[slow]]`
/// entries (binary, filter, reason). It is a small TOML subset: array-of-tables headers,
/// `key = "string"` pairs on one line, comments and blank lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectations {
    /// Tests known to fail.
    pub failures: Vec<KnownFailure>,
    /// Tests run only when everything is asked for ([`FULL_ENV`]).
    pub slow: Vec<SlowTests>,
}

impl Expectations {
    /// Reads and checks the file at `path`.
    pub fn load(path: &Path) -> Result<Expectations, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| io_error("read", path, e))?;
        Expectations::parse(&text).map_err(|e| Error(format!("{}: {e}", path.display())))
    }

    /// Parses and checks the file's text.
    pub fn parse(text: &str) -> Result<Expectations, Error> {
        let mut tables: Vec<(String, usize, BTreeMap<String, String>)> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let line = strip_comment(raw).trim();
            if line.is_empty() {
                continue;
            }
            if let Some(name) = line.strip_prefix("[[").and_then(|l| l.strip_suffix("]]")) {
                tables.push((name.trim().to_string(), n, BTreeMap::new()));
                continue;
            }
            let (key, value) = line.split_once('=').ok_or_else(|| {
                Error(format!(
                    "line {n}: expected `[[failure]]`, `[[slow]]` or `key = \"value\"`"
                ))
            })?;
            let key = key.trim();
            let value = parse_toml_string(value.trim()).ok_or_else(|| {
                Error(format!(
                    "line {n}: the value of `{key}` must be a one-line string"
                ))
            })?;
            let (_, _, table) = tables.last_mut().ok_or_else(|| {
                Error(format!(
                    "line {n}: `{key}` before any [[failure]] or [[slow]]"
                ))
            })?;
            if table.insert(key.to_string(), value).is_some() {
                return Err(Error(format!("line {n}: `{key}` given twice")));
            }
        }
        let mut e = Expectations::default();
        let mut seen = BTreeSet::new();
        for (kind, n, mut t) in tables {
            let mut take = |key: &str| -> Result<String, Error> {
                let v = t
                    .remove(key)
                    .ok_or_else(|| Error(format!("[[{kind}]] at line {n}: missing `{key}`")))?;
                if v.trim().is_empty() {
                    return Err(Error(format!("[[{kind}]] at line {n}: `{key}` is empty")));
                }
                Ok(v)
            };
            let binary = take("binary")?;
            if !binary_names().contains(&binary.as_str()) {
                return Err(Error(format!(
                    "[[{kind}]] at line {n}: unknown binary `{binary}` (one of {:?})",
                    binary_names()
                )));
            }
            let reason = take("reason")?;
            match kind.as_str() {
                "failure" => {
                    let test = take("test")?;
                    if !seen.insert((binary.clone(), test.clone())) {
                        return Err(Error(format!(
                            "[[failure]] at line {n}: {binary} {test} listed twice"
                        )));
                    }
                    e.failures.push(KnownFailure {
                        binary,
                        test,
                        reason,
                    });
                }
                "slow" => {
                    let filter = take("filter")?;
                    e.slow.push(SlowTests {
                        binary,
                        filter,
                        reason,
                    });
                }
                other => return Err(Error(format!("line {n}: unknown table [[{other}]]"))),
            }
            if let Some(extra) = t.keys().next() {
                return Err(Error(format!(
                    "[[{kind}]] at line {n}: unknown key `{extra}`"
                )));
            }
        }
        Ok(e)
    }

    /// The known failure for `binary`'s `test`.
    pub fn failure(&self, binary: &str, test: &str) -> Option<&KnownFailure> {
        self.failures
            .iter()
            .find(|f| f.binary == binary && f.test == test)
    }

    /// The slow entry that leaves `binary`'s `test` out of the default run.
    pub fn slow(&self, binary: &str, test: &str) -> Option<&SlowTests> {
        self.slow
            .iter()
            .find(|s| s.binary == binary && test.contains(&s.filter))
    }
}

fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..i],
            _ => {}
        }
    }
    line
}

/// A TOML basic (`"..."`) or literal (`'...'`) string on one line.
fn parse_toml_string(v: &str) -> Option<String> {
    if let Some(lit) = v.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        return (!lit.contains('\'')).then(|| lit.to_string());
    }
    let body = v.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(match chars.next()? {
                'n' => '\n',
                't' => '\t',
                '"' => '"',
                '\\' => '\\',
                _ => return None,
            }),
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// How to run the binaries.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Boots at once (each QEMU takes one core).
    pub jobs: usize,
    /// Run the tests marked slow as well.
    pub full: bool,
    /// Wall-time limit of one boot; a test still running then is recorded as crashed.
    pub boot_timeout: Duration,
    /// Restarts after crashes, at most, per shard (a guard against crash loops).
    pub max_restarts: usize,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            jobs: 2,
            full: false,
            boot_timeout: Duration::from_secs(300),
            max_restarts: 20,
        }
    }
}

/// One boot of the test kernel.
#[derive(Debug, Clone)]
pub struct Boot {
    /// The binary's report name.
    pub binary: String,
    /// Tests asked for.
    pub tests: usize,
    /// Wall time.
    pub wall_time: Duration,
    /// Instructions retired.
    pub instret: Option<u64>,
    /// How it ended.
    pub exit: Exit,
}

/// Everything [`run`] found.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    /// Per-test results, sorted by binary then name.
    pub results: Vec<TestResult>,
    /// Tests left out as slow, per binary.
    pub skipped_slow: BTreeMap<String, usize>,
    /// Tests outside the suite's selection ([`Suite::select`]), per binary.
    pub not_selected: BTreeMap<String, usize>,
    /// Every boot, in completion order.
    pub boots: Vec<Boot>,
    /// Harness-level problems: a boot that died outside any test, tests that never ran.
    pub errors: Vec<String>,
    /// Wall time of the whole run.
    pub wall_time: Duration,
}

/// The tests of `bin` to run out of `all` (its `--list`): those in its selection and, unless
/// `full`, not marked slow. Returns them, the number left out as slow and the number not
/// selected.
pub fn select_tests(
    bin: &TestBinary,
    all: Vec<String>,
    expectations: &Expectations,
    full: bool,
) -> (Vec<String>, usize, usize) {
    let listed = all.len();
    let selected: Vec<String> = all
        .into_iter()
        .filter(|t| bin.select.is_empty() || bin.select.iter().any(|p| t.starts_with(p)))
        .collect();
    let not_selected = listed - selected.len();
    let (slow, tests): (Vec<String>, Vec<String>) = selected
        .into_iter()
        .partition(|t| !full && expectations.slow(&bin.name, t).is_some());
    (tests, slow.len(), not_selected)
}

/// Work for one boot.
struct Job {
    binary: usize,
    tests: Vec<String>,
    restarts: usize,
}

/// Runs `binaries` on the test kernel with `runner` (its arguments and environment are
/// added to), leaving out the slow tests unless `config.full`.
pub fn run(
    binaries: &[TestBinary],
    runner: &Runner,
    expectations: &Expectations,
    config: &RunConfig,
) -> Result<RunReport, Error> {
    let started = Instant::now();
    let mut report = RunReport::default();
    let mut queue = VecDeque::new();
    let jobs = config.jobs.max(1);
    for (i, bin) in binaries.iter().enumerate() {
        let mut r = runner.clone();
        r.timeout(config.boot_timeout)
            .args(["--list", "--color", "never"]);
        let out = r.run(&bin.path)?;
        let all = parse_list(&out.stdout());
        if !out.success() || all.is_empty() {
            return Err(Error(format!(
                "listing the tests of {} failed:\n{}",
                bin.name,
                out.report()
            )));
        }
        let (tests, slow, not_selected) = select_tests(bin, all, expectations, config.full);
        report.not_selected.insert(bin.name.clone(), not_selected);
        report.skipped_slow.insert(bin.name.clone(), slow);
        // Big binaries are spread over the boots round-robin: neighbouring tests (one
        // family, one cost) land in different shards.
        let shards = if tests.len() >= 100 { jobs } else { 1 };
        for s in 0..shards {
            let part: Vec<String> = tests.iter().skip(s).step_by(shards).cloned().collect();
            if !part.is_empty() {
                queue.push_back(Job {
                    binary: i,
                    tests: part,
                    restarts: 0,
                });
            }
        }
    }
    // Longest first, so that the short binaries fill the gaps.
    queue
        .make_contiguous()
        .sort_by_key(|j| std::cmp::Reverse(j.tests.len()));
    let queue = Mutex::new(queue);
    let shared = Mutex::new(report);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let Some(job) = queue.lock().unwrap().pop_front() else {
                    break;
                };
                let bin = &binaries[job.binary];
                match run_job(bin, &job, runner, config) {
                    Ok((results, boot, retry, error)) => {
                        let mut rep = shared.lock().unwrap();
                        rep.results.extend(results);
                        rep.boots.push(boot);
                        rep.errors.extend(error);
                        if let Some(tests) = retry {
                            if job.restarts >= config.max_restarts {
                                rep.errors.push(format!(
                                    "{}: gave up after {} restarts; {} tests never ran",
                                    bin.name,
                                    job.restarts,
                                    tests.len()
                                ));
                            } else {
                                queue.lock().unwrap().push_back(Job {
                                    binary: job.binary,
                                    tests,
                                    restarts: job.restarts + 1,
                                });
                            }
                        }
                    }
                    Err(e) => shared
                        .lock()
                        .unwrap()
                        .errors
                        .push(format!("{}: {e}", bin.name)),
                }
            });
        }
    });
    let mut report = shared.into_inner().unwrap();
    report.results.sort_by(|a, b| {
        let names = binary_names();
        let ka = (names.iter().position(|n| *n == a.binary), &a.name);
        let kb = (names.iter().position(|n| *n == b.binary), &b.name);
        ka.cmp(&kb)
    });
    report.wall_time = started.elapsed();
    Ok(report)
}

type JobOutcome = (Vec<TestResult>, Boot, Option<Vec<String>>, Option<String>);

/// One boot: the job's tests by exact name. Returns the results, the boot, the tests
/// still to run after a crash, and a harness-level error.
fn run_job(
    bin: &TestBinary,
    job: &Job,
    runner: &Runner,
    config: &RunConfig,
) -> Result<JobOutcome, Error> {
    let mut r = runner.clone();
    r.timeout(config.boot_timeout)
        .env("RUSTC_BOOTSTRAP", "1")
        .args([
            "--test-threads=1",
            "--color",
            "never",
            "-Z",
            "unstable-options",
            "--report-time",
            "--exact",
        ])
        .args(job.tests.iter().cloned());
    let out = r.run(&bin.path)?;
    let boot = Boot {
        binary: bin.name.clone(),
        tests: job.tests.len(),
        wall_time: out.wall_time,
        instret: out.instret,
        exit: out.exit.clone(),
    };
    let (results, retry, error) = interpret(bin, &job.tests, &out);
    Ok((results, boot, retry, error))
}

/// Turns one boot's output into results; see [`run_job`].
fn interpret(
    bin: &TestBinary,
    asked: &[String],
    out: &RunOutput,
) -> (Vec<TestResult>, Option<Vec<String>>, Option<String>) {
    let parsed = parse_libtest(&out.stdout());
    let mut results: Vec<TestResult> = parsed
        .results
        .iter()
        .map(|(name, outcome, seconds)| TestResult {
            binary: bin.name.clone(),
            name: name.clone(),
            outcome: outcome.clone(),
            seconds: *seconds,
            output: parsed.failures.get(name).cloned().unwrap_or_default(),
        })
        .collect();
    let done: BTreeSet<&str> = results.iter().map(|r| r.name.as_str()).collect();
    let mut retry = None;
    let mut error = None;
    if parsed.finished {
        // libtest exits 0, or 101 when a test failed; anything else happened after the
        // tests (exit-time destructors, the runtime's shutdown).
        let any_failed = results.iter().any(|r| r.outcome.is_failure());
        let expected = if any_failed {
            Exit::Exited(101)
        } else {
            Exit::Exited(0)
        };
        let missing: Vec<&String> = asked
            .iter()
            .filter(|t| !done.contains(t.as_str()))
            .collect();
        if out.exit != expected {
            error = Some(format!(
                "{}: the binary ended badly after its tests\n{}",
                bin.name,
                out.report()
            ));
        } else if !missing.is_empty() {
            error = Some(format!(
                "{}: {} tests asked for but not reported, e.g. {}",
                bin.name,
                missing.len(),
                missing[0]
            ));
        }
    } else if let Some(name) = parsed.in_flight.clone() {
        let how = match &out.exit {
            Exit::Exited(c) => format!("the binary exited with code {c} during the test"),
            Exit::Fault => "the binary faulted during the test".to_string(),
            Exit::KernelFailure => "the test kernel failed during the test".to_string(),
            Exit::Timeout(t) => format!(
                "did not finish: the boot was killed at its {:.0} s timeout",
                t.as_secs_f64()
            ),
            Exit::NoExitRecord => "the emulator stopped during the test".to_string(),
        };
        let rest: Vec<String> = asked
            .iter()
            .filter(|t| !done.contains(t.as_str()) && **t != name)
            .cloned()
            .collect();
        results.push(TestResult {
            binary: bin.name.clone(),
            name,
            outcome: Outcome::Crashed(how),
            seconds: None,
            output: out.report(),
        });
        retry = (!rest.is_empty()).then_some(rest);
    } else {
        error = Some(format!(
            "{}: the boot ended outside any test ({} results parsed)\n{}",
            bin.name,
            results.len(),
            out.report()
        ));
    }
    (results, retry, error)
}

/// The suite's verdict.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed or crashed (expected or not).
    pub failed: usize,
    /// Tests libtest ignored.
    pub ignored: usize,
    /// Tests left out as slow.
    pub skipped_slow: usize,
    /// Failures the expectations file lists (still failing, as expected).
    pub expected_failures: Vec<TestResult>,
    /// Failures the file does not list.
    pub unexpected_failures: Vec<TestResult>,
    /// Listed tests that passed.
    pub unexpected_passes: Vec<(KnownFailure, TestResult)>,
    /// Listed tests that did not run (renamed or removed upstream, or ignored).
    pub stale: Vec<KnownFailure>,
    /// Harness-level problems.
    pub errors: Vec<String>,
}

impl Verdict {
    /// No unexpected failure or pass, no stale entry, no harness error.
    pub fn ok(&self) -> bool {
        self.unexpected_failures.is_empty()
            && self.unexpected_passes.is_empty()
            && self.stale.is_empty()
            && self.errors.is_empty()
    }

    /// The closing line: `alloctests: N passed, N failed, N ignored, N skipped (slow)`.
    pub fn summary(&self) -> String {
        format!(
            "{} passed, {} failed, {} ignored, {} skipped (slow)",
            self.passed, self.failed, self.ignored, self.skipped_slow
        )
    }

    /// A readable account of everything that makes the suite fail.
    pub fn problems(&self) -> String {
        let mut s = String::new();
        for r in &self.unexpected_failures {
            let _ = writeln!(
                s,
                "UNEXPECTED FAILURE {} {}: {:?}\n{}\n",
                r.binary,
                r.name,
                r.outcome,
                indent(&r.output)
            );
        }
        for (k, r) in &self.unexpected_passes {
            let _ = writeln!(
                s,
                "UNEXPECTED PASS {} {} (listed as failing: {}): remove it from the expectations file\n",
                r.binary, r.name, k.reason
            );
        }
        for k in &self.stale {
            let _ = writeln!(
                s,
                "STALE EXPECTATION {} {}: the test did not run (renamed, removed or ignored upstream?)\n",
                k.binary, k.test
            );
        }
        for e in &self.errors {
            let _ = writeln!(s, "ERROR {e}\n");
        }
        s
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Compares results with the expectations. Known failures of tests that were left out as
/// slow are not stale.
pub fn compare(report: &RunReport, expectations: &Expectations) -> Verdict {
    let mut v = Verdict {
        errors: report.errors.clone(),
        ..Verdict::default()
    };
    v.skipped_slow = report.skipped_slow.values().sum();
    let mut ran = BTreeSet::new();
    for r in &report.results {
        let known = expectations.failure(&r.binary, &r.name);
        match &r.outcome {
            Outcome::Passed => {
                v.passed += 1;
                if let Some(k) = known {
                    v.unexpected_passes.push((k.clone(), r.clone()));
                }
            }
            Outcome::Ignored(_) => v.ignored += 1,
            Outcome::Failed | Outcome::Crashed(_) => {
                v.failed += 1;
                if known.is_some() {
                    v.expected_failures.push(r.clone());
                } else {
                    v.unexpected_failures.push(r.clone());
                }
            }
        }
        if !matches!(r.outcome, Outcome::Ignored(_)) {
            ran.insert((r.binary.as_str(), r.name.as_str()));
        }
    }
    let binaries_run: BTreeSet<&str> = report.skipped_slow.keys().map(String::as_str).collect();
    for k in &expectations.failures {
        if ran.contains(&(k.binary.as_str(), k.test.as_str())) {
            continue;
        }
        let left_out = report.skipped_slow.get(&k.binary).is_some_and(|n| *n > 0)
            && expectations.slow(&k.binary, &k.test).is_some();
        if !left_out && binaries_run.contains(k.binary.as_str()) {
            v.stale.push(k.clone());
        }
    }
    v
}

/// Per-binary counts and the slowest tests, for the log.
pub fn details(report: &RunReport, slowest: usize) -> String {
    let mut s = String::new();
    let mut per: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for r in &report.results {
        let e = per.entry(&r.binary).or_default();
        match r.outcome {
            Outcome::Passed => e[0] += 1,
            Outcome::Failed | Outcome::Crashed(_) => e[1] += 1,
            Outcome::Ignored(_) => e[2] += 1,
        }
    }
    for name in binary_names() {
        if let Some(c) = per.get(name) {
            let skipped = report.skipped_slow.get(name).copied().unwrap_or(0);
            let _ = write!(
                s,
                "  {name}: {} passed, {} failed, {} ignored, {skipped} skipped (slow)",
                c[0], c[1], c[2]
            );
            match report.not_selected.get(name) {
                Some(n) if *n > 0 => {
                    let _ = writeln!(s, ", {n} not selected");
                }
                _ => s.push('\n'),
            }
        }
    }
    for b in &report.boots {
        let _ = writeln!(
            s,
            "  boot {}: {} tests, {:.1} s wall, instret {}, {:?}",
            b.binary,
            b.tests,
            b.wall_time.as_secs_f64(),
            b.instret.map_or("?".to_string(), |i| i.to_string()),
            b.exit
        );
    }
    let mut timed: Vec<&TestResult> = report
        .results
        .iter()
        .filter(|r| r.seconds.is_some())
        .collect();
    timed.sort_by(|a, b| {
        b.seconds
            .partial_cmp(&a.seconds)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    if !timed.is_empty() {
        let _ = writeln!(s, "  slowest (emulated seconds):");
        for r in timed.iter().take(slowest) {
            let _ = writeln!(
                s,
                "    {:8.3} {} {}",
                r.seconds.unwrap_or(0.0),
                r.binary,
                r.name
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &str = "
running 6 tests
test a::passes ... ok <0.010s>
test a::panics - should panic ... ok
test b::ignored ... ignored
test b::ignored_why ... ignored, needs a file system
test c::fails ... FAILED <1.500s>
test d::noisy ... direct output
ok

failures:

---- c::fails stdout ----

thread 'c::fails' panicked at tests/c.rs:3:5:
assertion failed
---- d::other stdout ----
x

failures:
    c::fails

test result: FAILED. 3 passed; 1 failed; 2 ignored; 0 measured; 0 filtered out; finished in 1.51s
";

    #[test]
    fn plain_output_parses() {
        let p = parse_libtest(RUN);
        assert!(p.finished);
        assert_eq!(p.in_flight, None);
        let names: Vec<&str> = p.results.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "a::passes",
                "a::panics",
                "b::ignored",
                "b::ignored_why",
                "c::fails",
                "d::noisy"
            ]
        );
        assert_eq!(p.results[0].1, Outcome::Passed);
        assert_eq!(p.results[0].2, Some(0.01));
        assert_eq!(p.results[2].1, Outcome::Ignored(None));
        assert_eq!(
            p.results[3].1,
            Outcome::Ignored(Some("needs a file system".into()))
        );
        assert_eq!(
            p.results[4],
            ("c::fails".into(), Outcome::Failed, Some(1.5))
        );
        assert_eq!(p.results[5].1, Outcome::Passed);
        assert!(
            p.failures["c::fails"].contains("assertion failed"),
            "{:?}",
            p.failures
        );
        assert_eq!(p.failures["d::other"], "x");
    }

    #[test]
    fn a_crash_leaves_the_test_in_flight() {
        let p = parse_libtest("\nrunning 3 tests\ntest a ... ok\ntest b ... ");
        assert!(!p.finished);
        assert_eq!(p.in_flight.as_deref(), Some("b"));
        assert_eq!(p.results.len(), 1);
    }

    #[test]
    fn lists_parse() {
        let list = "a::x: test\nb::y: benchmark\n\n1 test, 1 benchmark\n";
        assert_eq!(parse_list(list), ["a::x", "b::y"]);
    }

    fn output(stdout: &str, exit: Exit) -> RunOutput {
        RunOutput {
            console: test_harness::console::Console {
                stdout: stdout.as_bytes().to_vec(),
                ..Default::default()
            },
            exit,
            instret: None,
            wall_time: Duration::ZERO,
            command: "qemu".into(),
        }
    }

    #[test]
    fn crashes_are_recorded_and_the_rest_retried() {
        let bin = TestBinary {
            name: "alloctests".into(),
            path: "x".into(),
            select: Vec::new(),
        };
        let asked: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let (results, retry, error) = interpret(
            &bin,
            &asked,
            &output("test a ... ok\ntest b ... ", Exit::Fault),
        );
        assert_eq!(error, None);
        assert_eq!(results.len(), 2);
        assert!(matches!(&results[1].outcome, Outcome::Crashed(how) if how.contains("faulted")));
        assert_eq!(retry, Some(vec!["c".to_string(), "d".to_string()]));

        let done = "test c ... ok\ntest d ... ok\ntest result: ok. 2 passed\n";
        let (results, retry, error) = interpret(&bin, &asked[2..], &output(done, Exit::Exited(0)));
        assert_eq!((results.len(), retry, error), (2, None, None));

        let (_, retry, error) = interpret(&bin, &asked, &output("", Exit::Fault));
        assert_eq!(retry, None);
        assert!(error.is_some());
    }

    const EXPECTATIONS: &str = r#"
# comment
[[failure]]
binary = "alloctests"
test = "x::fails" # trailing comment
reason = "needs a file system: \"fs\" # is unsupported"

[[failure]]
binary = "alloctests-lib"
test = "y::fixed"
reason = 'test kernel: bug'

[[failure]]
binary = "alloctests"
test = "slow::fails"
reason = "r"

[[failure]]
binary = "alloctests"
test = "gone"
reason = "r"

[[slow]]
binary = "alloctests"
filter = "slow::"
reason = "seconds each"
"#;

    #[test]
    fn expectations_parse() {
        let e = Expectations::parse(EXPECTATIONS).unwrap();
        assert_eq!(e.failures.len(), 4);
        assert_eq!(
            e.failures[0].reason,
            "needs a file system: \"fs\" # is unsupported"
        );
        assert_eq!(e.failures[1].reason, "test kernel: bug");
        assert!(e.slow("alloctests", "slow::a").is_some());
        assert!(e.slow("alloctests-lib", "slow::a").is_none());
    }

    #[test]
    fn bad_expectations_are_refused() {
        for bad in [
            "binary = \"alloctests-lib\"",
            "[[failure]]\nbinary = \"alloctests-lib\"\ntest = \"t\"",
            "[[failure]]\nbinary = \"nope\"\ntest = \"t\"\nreason = \"r\"",
            "[[failure]]\nbinary = \"alloctests-lib\"\ntest = \"t\"\nreason = \"\"",
            "[[failure]]\nbinary = \"alloctests-lib\"\ntest = \"t\"\nreason = \"r\"\nextra = \"x\"",
            "[[failure]]\nbinary = \"alloctests-lib\"\ntest = \"t\"\nreason = r",
            "[[other]]\nbinary = \"alloctests-lib\"\nreason = \"r\"",
            "[[failure]]\nbinary = \"alloctests-lib\"\ntest = \"t\"\nreason = \"r\"\n[[failure]]\nbinary = \"alloctests-lib\"\ntest = \"t\"\nreason = \"r\"",
        ] {
            assert!(Expectations::parse(bad).is_err(), "accepted: {bad}");
        }
    }

    fn result(binary: &str, name: &str, outcome: Outcome) -> TestResult {
        TestResult {
            binary: binary.into(),
            name: name.into(),
            outcome,
            seconds: None,
            output: String::new(),
        }
    }

    #[test]
    fn comparison_finds_every_kind_of_surprise() {
        let e = Expectations::parse(EXPECTATIONS).unwrap();
        let mut report = RunReport::default();
        report.skipped_slow.insert("alloctests".into(), 3);
        report.skipped_slow.insert("alloctests-lib".into(), 0);
        report.results = vec![
            result("alloctests", "x::fails", Outcome::Failed),
            result(
                "alloctests",
                "new::fails",
                Outcome::Crashed("faulted".into()),
            ),
            result("alloctests", "ok", Outcome::Passed),
            result("alloctests", "skip", Outcome::Ignored(None)),
            result("alloctests-lib", "y::fixed", Outcome::Passed),
        ];
        let v = compare(&report, &e);
        assert_eq!(
            (v.passed, v.failed, v.ignored, v.skipped_slow),
            (2, 2, 1, 3)
        );
        assert_eq!(v.expected_failures.len(), 1);
        assert_eq!(v.unexpected_failures[0].name, "new::fails");
        assert_eq!(v.unexpected_passes[0].1.name, "y::fixed");
        // `slow::fails` was left out as slow; `gone` is stale.
        assert_eq!(
            v.stale.iter().map(|k| k.test.as_str()).collect::<Vec<_>>(),
            ["gone"]
        );
        assert!(!v.ok());
        let problems = v.problems();
        assert!(
            problems.contains("UNEXPECTED FAILURE alloctests new::fails"),
            "{problems}"
        );
        assert!(
            problems.contains("UNEXPECTED PASS alloctests-lib y::fixed"),
            "{problems}"
        );
        assert!(
            problems.contains("STALE EXPECTATION alloctests gone"),
            "{problems}"
        );

        report
            .results
            .retain(|r| r.name == "x::fails" || r.name == "ok");
        let e = Expectations {
            failures: e
                .failures
                .into_iter()
                .filter(|f| f.test == "x::fails" || f.test == "slow::fails")
                .collect(),
            slow: e.slow,
        };
        let v = compare(&report, &e);
        assert!(v.ok(), "{}", v.problems());
        assert_eq!(
            v.summary(),
            "1 passed, 1 failed, 0 ignored, 3 skipped (slow)"
        );
    }

    #[test]
    fn selection_and_slow_tests_are_left_out() {
        let e = Expectations::parse(EXPECTATIONS).unwrap();
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let all = names(&["a::x", "slice::x", "slow::y", "slice::slow::z"]);
        let mut bin = TestBinary {
            name: "alloctests".into(),
            path: "x".into(),
            select: Vec::new(),
        };
        let picked = select_tests(&bin, all.clone(), &e, false);
        assert_eq!(picked, (names(&["a::x", "slice::x"]), 2, 0));
        assert_eq!(
            select_tests(&bin, all.clone(), &e, true),
            (all.clone(), 0, 0)
        );
        bin.select = names(&["slice::", "slow::"]);
        let picked = select_tests(&bin, all.clone(), &e, false);
        assert_eq!(picked, (names(&["slice::x"]), 2, 1));
    }

    #[test]
    fn suites_are_consistent() {
        let names = binary_names();
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        for suite in SUITES {
            let libs = suite
                .binaries
                .iter()
                .filter(|b| b.target == Target::Lib)
                .count();
            assert!(libs <= 1, "{suite:?}");
        }
    }

    #[test]
    fn the_wrapper_manifest_points_at_the_sources() {
        let upstream = r#"[package]
name = "alloctests"
edition = "2024"

[lib]
path = "lib.rs"
test = true

[dev-dependencies]
rand = { version = "0.9.0", default-features = false, features = ["alloc"] }

[[test]]
name = "alloctests"
path = "tests/lib.rs"
"#;
        let m =
            wrapper_manifest(upstream, "alloctests", Path::new("/src/library/alloctests")).unwrap();
        assert!(
            m.contains(
                "[lib]\nname = \"alloctests_lib\"\npath = \"/src/library/alloctests/lib.rs\"\n"
            ),
            "{m}"
        );
        assert!(
            m.contains("path = \"/src/library/alloctests/tests/lib.rs\""),
            "{m}"
        );
        assert!(m.contains(
            "rand = { version = \"0.9.0\", default-features = false, features = [\"alloc\"] }"
        ));
        assert!(m.trim_end().ends_with("[workspace]"), "{m}");
        assert!(wrapper_manifest("[package]\nname = \"x\"\n", "x", Path::new("/")).is_err());
    }
}
