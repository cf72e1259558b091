//! The suite's verdict: results against the expectations file, and the log lines.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::{binary_names, Expectations, KnownFailure, Outcome, RunReport, TestResult};

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
mod tests;
