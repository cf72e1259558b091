//! Everything this crate reads from libtest, in one place: the JSON events a test binary on
//! the target prints with [`JSON_ARGS`] (Rust's alloc tests), and the plain summary lines
//! of a host `cargo test` log (`xous-bench qualify`, which keeps the log readable).
//!
//! The target's libtest is the toolchain's own, so it has the JSON formatter; like
//! `--report-time`, it needs `-Z unstable-options`, which a release libtest accepts only
//! when `RUSTC_BOOTSTRAP=1` is in the *test binary's* environment ([`BOOTSTRAP_ENV`]).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// libtest arguments for one JSON event per line.
pub const JSON_ARGS: [&str; 4] = ["-Z", "unstable-options", "--format", "json"];

/// The environment variable (and value) a release libtest needs for [`JSON_ARGS`].
pub const BOOTSTRAP_ENV: (&str, &str) = ("RUSTC_BOOTSTRAP", "1");

/// How one test ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// `ok`.
    Passed,
    /// `failed`.
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

/// What one libtest run printed, parsed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// Finished tests in order: name, outcome (never `Crashed`), seconds (`--report-time`).
    pub results: Vec<(String, Outcome, Option<f64>)>,
    /// The test that had started and not finished when the output ended.
    pub in_flight: Option<String>,
    /// Whether libtest reported the end of the suite (the run completed).
    pub finished: bool,
    /// The captured output of each failed test.
    pub failures: BTreeMap<String, String>,
}

/// One line of libtest's JSON output; the fields that matter here.
#[derive(Debug, Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    event: Option<String>,
    name: Option<String>,
    exec_time: Option<f64>,
    stdout: Option<String>,
    message: Option<String>,
}

/// The events in `stdout`, in order. A line may carry console output the test wrote
/// uncaptured in front of its event; lines without an event are skipped.
fn events(stdout: &str) -> impl Iterator<Item = Event> + '_ {
    stdout.lines().filter_map(|line| {
        let start = line.find("{ \"type\": ")?;
        serde_json::Deserializer::from_str(&line[start..])
            .into_iter::<Event>()
            .next()?
            .ok()
    })
}

/// Parses the JSON events of one test run.
pub fn parse_events(stdout: &str) -> Parsed {
    let mut p = Parsed::default();
    for e in events(stdout) {
        let name = e.name.clone().unwrap_or_default();
        let outcome = match (e.kind.as_str(), e.event.as_deref()) {
            ("suite", Some("ok" | "failed")) => {
                p.finished = true;
                p.in_flight = None;
                continue;
            }
            ("test", Some("started")) => {
                p.in_flight = Some(name);
                continue;
            }
            ("test", Some("ok")) | ("bench", _) => Outcome::Passed,
            ("test", Some("failed")) => {
                let mut output = e.stdout.unwrap_or_default().trim_end().to_string();
                if let Some(message) = e.message {
                    if !output.is_empty() {
                        output.push('\n');
                    }
                    output.push_str(&format!("note: {message}"));
                }
                p.failures.insert(name.clone(), output);
                Outcome::Failed
            }
            ("test", Some("ignored")) => Outcome::Ignored(e.message.filter(|m| !m.is_empty())),
            _ => continue,
        };
        p.results.push((name, outcome, e.exec_time));
        p.in_flight = None;
    }
    p
}

/// Parses libtest's plain output of one run, as a test binary prints it given no arguments
/// (on the real Xous): the `test <name> ... <status>` lines (`<name> - should panic` for
/// `#[should_panic]` tests), a last `test <name> ... ` with
/// no status (the test in flight), the `---- <name> stdout ----` sections of the failures
/// and the `test result:` line. Times are not printed in this format.
pub fn parse_plain(stdout: &str) -> Parsed {
    let mut p = Parsed::default();
    let mut section: Option<(String, String)> = None;
    let close = |section: &mut Option<(String, String)>, p: &mut Parsed| {
        if let Some((name, text)) = section.take() {
            p.failures.insert(name, text.trim_end().to_string());
        }
    };
    for line in stdout.lines() {
        if line.starts_with("test result: ") {
            p.finished = true;
            p.in_flight = None;
        } else if let Some((name, status)) = line
            .strip_prefix("test ")
            .and_then(|r| r.split_once(" ... "))
        {
            let outcome = match status.trim_end() {
                "ok" => Some(Outcome::Passed),
                "FAILED" => Some(Outcome::Failed),
                "ignored" => Some(Outcome::Ignored(None)),
                s => s
                    .strip_prefix("ignored, ")
                    .map(|why| Outcome::Ignored(Some(why.to_string()))),
            };
            // libtest marks `#[should_panic]` tests in this format only.
            let name = name.strip_suffix(" - should panic").unwrap_or(name);
            match outcome {
                Some(outcome) => {
                    p.results.push((name.to_string(), outcome, None));
                    p.in_flight = None;
                }
                None => p.in_flight = Some(name.to_string()),
            }
        } else if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|r| r.strip_suffix(" stdout ----"))
        {
            close(&mut section, &mut p);
            section = Some((name.to_string(), String::new()));
        } else if line == "failures:" || line == "successes:" {
            close(&mut section, &mut p);
        } else if let Some((_, text)) = &mut section {
            text.push_str(line);
            text.push('\n');
        }
    }
    close(&mut section, &mut p);
    p
}

/// The names libtest's `--list` reports in JSON (tests and benchmarks, which `cargo test`
/// binaries run once as tests).
pub fn parse_list(stdout: &str) -> Vec<String> {
    events(stdout)
        .filter(|e| e.event.as_deref() == Some("discovered"))
        .filter_map(|e| e.name)
        .collect()
}

/// The results of one test binary in a `cargo test` log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinaryResults {
    /// `tests/conformance.rs`, `unittests src/lib.rs`, `doc-tests firmware_tests`, ...
    pub name: String,
    /// Whether libtest reported `ok`.
    pub ok: bool,
    /// Passed tests.
    pub passed: u64,
    /// Failed tests.
    pub failed: u64,
    /// Ignored tests.
    pub ignored: u64,
}

/// Reads a `cargo test` log (stdout and stderr interleaved, libtest's plain format): which
/// binary ran, its libtest summary, and the failed tests.
pub fn parse_test_log(log: &str) -> (Vec<BinaryResults>, Vec<String>) {
    let mut binaries = Vec::new();
    let mut failures = Vec::new();
    let mut current = String::new();
    for line in log.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("Running ") {
            current = rest.split(" (").next().unwrap_or(rest).trim().to_string();
        } else if let Some(rest) = t.strip_prefix("Doc-tests ") {
            current = format!("doc-tests {}", rest.trim());
        } else if let Some(rest) = t.strip_prefix("test result: ") {
            let ok = rest.starts_with("ok");
            let count = |what: &str| -> u64 {
                rest.split(';')
                    .find_map(|part| {
                        let part = part
                            .trim()
                            .trim_start_matches("ok.")
                            .trim_start_matches("FAILED.");
                        part.trim().strip_suffix(what)?.trim().parse().ok()
                    })
                    .unwrap_or(0)
            };
            binaries.push(BinaryResults {
                name: current.clone(),
                ok,
                passed: count("passed"),
                failed: count("failed"),
                ignored: count("ignored"),
            });
        } else if let Some(name) = t
            .strip_prefix("test ")
            .and_then(|r| r.strip_suffix(" ... FAILED"))
        {
            failures.push(name.to_string());
        }
    }
    (binaries, failures)
}

#[cfg(test)]
mod tests;
