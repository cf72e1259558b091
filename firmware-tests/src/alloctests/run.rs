//! Running the built binaries on the test kernel: list, select, shard over the crate's
//! worker pool, and turn each boot's libtest events into results, restarting a boot that a
//! test took down with the tests it did not reach.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use test_harness::{Exit, RunOutput, Runner};

use super::{binary_names, AllocTestsError, Expectations, TestBinary};
use crate::libtest::{
    parse_events, parse_list, parse_plain, Outcome, Parsed, BOOTSTRAP_ENV, JSON_ARGS,
};

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
) -> Result<RunReport, AllocTestsError> {
    let started = Instant::now();
    let mut report = RunReport::default();
    let mut queue = Vec::new();
    let jobs = config.jobs.max(1);
    for (i, bin) in binaries.iter().enumerate() {
        let all = list(bin, runner, config)?;
        let (tests, slow, not_selected) = select_tests(bin, all, expectations, config.full);
        report.not_selected.insert(bin.name.clone(), not_selected);
        report.skipped_slow.insert(bin.name.clone(), slow);
        // Big binaries are spread over the boots round-robin: neighbouring tests (one
        // family, one cost) land in different shards.
        let shards = if tests.len() >= 100 { jobs } else { 1 };
        for s in 0..shards {
            let part: Vec<String> = tests.iter().skip(s).step_by(shards).cloned().collect();
            if !part.is_empty() {
                queue.push(Job {
                    binary: i,
                    tests: part,
                    restarts: 0,
                });
            }
        }
    }
    // Longest first, so that the short binaries fill the gaps.
    queue.sort_by_key(|j| std::cmp::Reverse(j.tests.len()));
    let shared = Mutex::new(report);
    crate::pool::run(jobs, queue, |job, queue| {
        let bin = &binaries[job.binary];
        let (results, boot, retry, error) = match run_job(bin, &job, runner, config) {
            Ok(outcome) => outcome,
            Err(e) => {
                shared
                    .lock()
                    .unwrap()
                    .errors
                    .push(format!("{}: {e}", bin.name));
                return;
            }
        };
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
                queue.push(Job {
                    binary: job.binary,
                    tests,
                    restarts: job.restarts + 1,
                });
            }
        }
    });
    let mut report = shared.into_inner().unwrap();
    let names = binary_names();
    report.results.sort_by(|a, b| {
        let ka = (names.iter().position(|n| *n == a.binary), &a.name);
        let kb = (names.iter().position(|n| *n == b.binary), &b.name);
        ka.cmp(&kb)
    });
    report.wall_time = started.elapsed();
    Ok(report)
}

/// On the real Xous, which passes a program no arguments (so no test filter and no JSON):
/// runs `bin` whole in one boot, with libtest's plain output, and checks that every test of
/// `listed` (its `--list` on the test kernel) was reported. Returns the results, the boot
/// and a harness-level error (a crash ends the boot: the tests after it never run).
pub fn run_whole(
    bin: &TestBinary,
    listed: &[String],
    runner: &Runner,
    timeout: Duration,
) -> Result<(Vec<TestResult>, Boot, Option<String>), AllocTestsError> {
    let mut r = runner.clone();
    r.timeout(timeout);
    let out = r.run(&bin.path)?;
    let boot = Boot {
        binary: bin.name.clone(),
        tests: listed.len(),
        wall_time: out.wall_time,
        instret: out.instret,
        exit: out.exit.clone(),
    };
    let (results, never_ran, error) =
        interpret_parsed(bin, listed, &out, parse_plain(&out.stdout()));
    let error = error.or_else(|| {
        never_ran.map(|rest| {
            format!(
                "{}: {} tests never ran after the crash, e.g. {}",
                bin.name,
                rest.len(),
                rest[0]
            )
        })
    });
    Ok((results, boot, error))
}

/// The tests `bin` has (its `--list`, in libtest's JSON).
pub fn list(
    bin: &TestBinary,
    runner: &Runner,
    config: &RunConfig,
) -> Result<Vec<String>, AllocTestsError> {
    let mut r = runner.clone();
    r.timeout(config.boot_timeout)
        .env(BOOTSTRAP_ENV.0, BOOTSTRAP_ENV.1)
        .args(["--list"])
        .args(JSON_ARGS);
    let out = r.run(&bin.path)?;
    let all = parse_list(&out.stdout());
    if !out.success() || all.is_empty() {
        return Err(AllocTestsError::ListFailed {
            binary: bin.name.clone(),
            report: out.report(),
        });
    }
    Ok(all)
}

type JobOutcome = (Vec<TestResult>, Boot, Option<Vec<String>>, Option<String>);

/// One boot: the job's tests by exact name. Returns the results, the boot, the tests
/// still to run after a crash, and a harness-level error.
fn run_job(
    bin: &TestBinary,
    job: &Job,
    runner: &Runner,
    config: &RunConfig,
) -> Result<JobOutcome, AllocTestsError> {
    let mut r = runner.clone();
    r.timeout(config.boot_timeout)
        .env(BOOTSTRAP_ENV.0, BOOTSTRAP_ENV.1)
        .args(JSON_ARGS)
        .args(["--test-threads=1", "--report-time", "--exact"])
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
pub(crate) fn interpret(
    bin: &TestBinary,
    asked: &[String],
    out: &RunOutput,
) -> (Vec<TestResult>, Option<Vec<String>>, Option<String>) {
    interpret_parsed(bin, asked, out, parse_events(&out.stdout()))
}

/// [`interpret`] of output already parsed (JSON events or plain lines).
fn interpret_parsed(
    bin: &TestBinary,
    asked: &[String],
    out: &RunOutput,
    parsed: Parsed,
) -> (Vec<TestResult>, Option<Vec<String>>, Option<String>) {
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
            other @ (Exit::NoExitCode | Exit::NoExitSymbol) => {
                format!("during the test, {other}")
            }
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

#[cfg(test)]
mod tests;
