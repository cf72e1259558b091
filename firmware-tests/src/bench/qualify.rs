//! `xous-bench qualify`: a candidate libstd installed into a private sysroot, the test
//! kernel built against it, the test suite (`cargo test -p firmware-tests`) and the
//! benchmarks run with it and held to the baseline, and one [`QualifyReport`].

use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;
use test_harness::Toolchain;

use super::report::row;
use super::{
    compare, measure, write_file, write_outputs, BenchError, Comparison, LibstdInfo,
    MeasureOptions, Report,
};
use crate::emulator::Emulator;
use crate::libtest::{parse_test_log, BinaryResults};

/// A `cargo test` run of the suite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSummary {
    /// The command.
    pub command: String,
    /// cargo's exit status.
    pub status: Option<i32>,
    /// Per test binary.
    pub binaries: Vec<BinaryResults>,
    /// Names of failed tests.
    pub failures: Vec<String>,
    /// The combined log.
    pub log: String,
    /// The last lines of the log when no test result was printed (a build failure).
    pub tail: String,
}

impl TestSummary {
    /// cargo exited 0 and at least one test binary ran.
    pub fn passed(&self) -> bool {
        self.status == Some(0) && !self.binaries.is_empty()
    }

    /// Totals: (passed, failed, ignored).
    pub fn totals(&self) -> (u64, u64, u64) {
        self.binaries.iter().fold((0, 0, 0), |(p, f, i), b| {
            (p + b.passed, f + b.failed, i + b.ignored)
        })
    }
}

/// Runs `cargo test -p firmware-tests --no-fail-fast` in the workspace with its own target
/// directory and `XOUS_SYSROOT_DIST_SERVER=<candidate>`, so that the suite's build script
/// installs the candidate and builds the firmware against it. Stale installs and firmware
/// from an earlier candidate are removed first. The log goes to `log`.
pub fn run_test_suite(
    candidate: &str,
    toolchain: &Toolchain,
    cargo_target: &Path,
    log: &Path,
) -> Result<TestSummary, BenchError> {
    for stale in ["xous-sysroot-cache", "xous-firmware-tests"] {
        let dir = cargo_target.join(stale);
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| BenchError::io("remove", &dir, e))?;
        }
    }
    // The build script must run again even when nothing it watches changed.
    for sub in ["debug/build", "debug/.fingerprint"] {
        if let Ok(entries) = fs::read_dir(cargo_target.join(sub)) {
            for e in entries.flatten() {
                if e.file_name()
                    .to_string_lossy()
                    .starts_with("firmware-tests-")
                {
                    let _ = fs::remove_dir_all(e.path());
                }
            }
        }
    }
    if let Some(dir) = log.parent() {
        fs::create_dir_all(dir).map_err(|e| BenchError::io("create", dir, e))?;
    }
    let file = fs::File::create(log).map_err(|e| BenchError::io("create", log, e))?;
    let err = file
        .try_clone()
        .map_err(|e| BenchError::io("open", log, e))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let args = ["test", "-p", "firmware-tests", "--no-fail-fast"];
    let command = format!(
        "XOUS_SYSROOT_DIST_SERVER={candidate} CARGO_TARGET_DIR={} {} {}",
        cargo_target.display(),
        Path::new(&cargo).display(),
        args.join(" ")
    );
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(workspace_root())
        .env("CARGO_TARGET_DIR", cargo_target)
        .env("XOUS_SYSROOT_DIST_SERVER", candidate)
        .env("XOUS_FIRMWARE_RUSTC", &toolchain.rustc)
        .env("XOUS_FIRMWARE_CARGO", &toolchain.cargo)
        .stdin(Stdio::null())
        .stdout(Stdio::from(file))
        .stderr(Stdio::from(err))
        .status()
        .map_err(|source| BenchError::Spawn {
            command: command.clone(),
            error: source,
        })?;
    let text = fs::read_to_string(log).map_err(|e| BenchError::io("read", log, e))?;
    let (binaries, failures) = parse_test_log(&text);
    let tail = if binaries.is_empty() {
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    } else {
        String::new()
    };
    Ok(TestSummary {
        command,
        status: status.code(),
        binaries,
        failures,
        log: log.display().to_string(),
        tail,
    })
}

/// The outcome of one qualification step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Step name.
    pub name: String,
    /// Whether it passed.
    pub ok: bool,
    /// One line about it.
    pub detail: String,
}

/// The report `xous-bench qualify` writes (`report.json`, and [`QualifyReport::markdown`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualifyReport {
    /// The candidate dist root or URL.
    pub candidate: String,
    /// The firmware rustc's identity.
    pub rustc: String,
    /// The baseline file.
    pub baseline: String,
    /// Each step, in order.
    pub steps: Vec<Step>,
    /// The test suite, when it ran.
    pub tests: Option<TestSummary>,
    /// The benchmarks against the baseline, when they ran.
    pub bench: Option<Comparison>,
    /// Where the candidate's full benchmark report is.
    pub bench_report: Option<String>,
    /// Total wall time in seconds.
    pub seconds: f64,
}

impl QualifyReport {
    /// Every step passed.
    pub fn passed(&self) -> bool {
        !self.steps.is_empty() && self.steps.iter().all(|s| s.ok)
    }

    /// The Markdown report.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(
            md,
            "# Qualification of a libstd for rustc {}\n\nCandidate: `{}`  \nBaseline: `{}`  \nVerdict: **{}** ({:.0} s)\n",
            self.rustc,
            self.candidate,
            self.baseline,
            if self.passed() { "PASS" } else { "FAIL" },
            self.seconds
        );
        md.push_str("| step | result | detail |\n|---|---|---|\n");
        let result = |ok: bool| if ok { "ok" } else { "**FAILED**" }.to_string();
        for s in &self.steps {
            let detail = s.detail.replace('\n', " ").replace('|', "\\|");
            md.push_str(&row([s.name.clone(), result(s.ok), detail]));
        }
        if let Some(t) = &self.tests {
            let _ = writeln!(
                md,
                "\n## Test suite\n\n`{}` (log: `{}`)\n",
                t.command, t.log
            );
            if !t.binaries.is_empty() {
                md.push_str("| test binary | result | passed | failed | ignored |\n|---|---|---:|---:|---:|\n");
                for b in &t.binaries {
                    let counts = [b.passed, b.failed, b.ignored].map(|n| n.to_string());
                    md.push_str(&row([b.name.clone(), result(b.ok)]
                        .into_iter()
                        .chain(counts)));
                }
            }
            if !t.failures.is_empty() {
                md.push_str("\nFailed tests:\n\n");
                for f in &t.failures {
                    let _ = writeln!(md, "- `{f}`");
                }
            }
            if !t.tail.is_empty() {
                let _ = writeln!(md, "\nEnd of the log:\n\n```text\n{}\n```", t.tail);
            }
        }
        if let Some(c) = &self.bench {
            let _ = writeln!(md, "\n## Benchmarks against the baseline\n");
            md.push_str(&c.markdown());
            if let Some(path) = &self.bench_report {
                let _ = writeln!(md, "\nFull benchmark report: `{path}`");
            }
        }
        md
    }
}
/// The workspace root (for `cargo test` in `qualify`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("firmware-tests is inside the workspace")
        .to_path_buf()
}

/// What `xous-bench qualify` was asked for.
#[derive(Debug, Clone)]
pub struct QualifyOptions {
    /// The candidate: a dist root directory or its URL (as `XOUS_SYSROOT_DIST_SERVER` takes).
    pub candidate: String,
    /// The baseline to hold the benchmarks to.
    pub baseline: PathBuf,
    /// Regression threshold in percent.
    pub threshold_pct: f64,
    /// Skip the test suite (benchmarks only).
    pub skip_tests: bool,
    /// The benchmarks' knobs.
    pub measure: MeasureOptions,
    /// Output directory.
    pub out: PathBuf,
}

/// Qualifies a candidate libstd: each step is recorded in the report, which is written to
/// `report.md` and `report.json` in the output directory and returned. A step's failure
/// ends the qualification there but is not an error; errors are failures of the tooling.
pub fn qualify(options: &QualifyOptions, emulator: &Emulator) -> Result<QualifyReport, BenchError> {
    let started = Instant::now();
    let toolchain = crate::toolchain();
    // Absolute: the sysroot path ends up in cargo's --sysroot, read from other directories.
    let qdir = std::path::absolute(&options.out)
        .map_err(|e| BenchError::io("resolve", &options.out, e))?;
    fs::create_dir_all(&qdir).map_err(|e| BenchError::io("create", &qdir, e))?;
    let candidate = match Path::new(&options.candidate).canonicalize() {
        Ok(p) if !options.candidate.contains("://") => p.display().to_string(),
        _ => options.candidate.clone(),
    };
    let baseline_path = options
        .baseline
        .canonicalize()
        .unwrap_or(options.baseline.clone());
    let mut q = QualifyReport {
        candidate: candidate.clone(),
        rustc: toolchain.rustc().version()?.identity(),
        baseline: baseline_path.display().to_string(),
        steps: Vec::new(),
        tests: None,
        bench: None,
        bench_report: None,
        seconds: 0.0,
    };
    let steps = QualifySteps {
        options,
        emulator,
        toolchain: &toolchain,
        qdir: &qdir,
        candidate: &candidate,
        baseline_path: &baseline_path,
    };
    steps.run(&mut q)?;
    q.seconds = started.elapsed().as_secs_f64();
    write_file(&qdir.join("report.md"), &q.markdown())?;
    let json = serde_json::to_string_pretty(&q).expect("a qualify report serializes");
    write_file(&qdir.join("report.json"), &(json + "\n"))?;
    Ok(q)
}

/// The steps of [`qualify`], in order; each returns whether the next may run.
struct QualifySteps<'a> {
    options: &'a QualifyOptions,
    emulator: &'a Emulator,
    toolchain: &'a Toolchain,
    qdir: &'a Path,
    candidate: &'a str,
    baseline_path: &'a Path,
}

fn step(q: &mut QualifyReport, name: &str, ok: bool, detail: impl Into<String>) {
    q.steps.push(Step {
        name: name.into(),
        ok,
        detail: detail.into(),
    });
}

/// Records a failed step, which ends the qualification.
fn failed(q: &mut QualifyReport, name: &str, detail: String) -> Result<(), BenchError> {
    step(q, name, false, detail);
    Ok(())
}

impl QualifySteps<'_> {
    fn run(&self, q: &mut QualifyReport) -> Result<(), BenchError> {
        // 1. Install into a fresh private sysroot (an earlier candidate of the same version
        //    would otherwise count as installed).
        eprintln!("installing {} ...", self.candidate);
        let cache = self.qdir.join("sysroot-cache");
        if cache.exists() {
            fs::remove_dir_all(&cache).map_err(|e| BenchError::io("empty", &cache, e))?;
        }
        let sysroot = match test_harness::install_private(self.toolchain, self.candidate, &cache) {
            Ok(s) => {
                let detail = format!("libstd for {} in {}", s.rustc, s.path.display());
                step(q, "install", true, detail);
                s
            }
            Err(e) => return failed(q, "install", e.to_string()),
        };

        // 2. The kernel against the candidate's core.
        eprintln!("building the test kernel against the candidate ...");
        let kernel_dir = super::fresh_target_dir(&self.qdir.join("xous-firmware"), &sysroot)?;
        let kernel = match test_harness::build_kernel(self.toolchain, &sysroot, &kernel_dir) {
            Ok(k) => {
                let detail = format!("built against the candidate: {}", k.display());
                step(q, "kernel", true, detail);
                k
            }
            Err(e) => return failed(q, "kernel", e.to_string()),
        };

        // 3. The test suite (conformance, Rust's alloc tests, ...) with the candidate.
        if self.options.skip_tests {
            step(q, "test suite", true, "skipped (--skip-tests)");
        } else {
            self.test_suite(q)?;
        }

        // 4. The benchmarks against the baseline.
        self.benchmarks(q, &sysroot, &kernel)
    }

    fn test_suite(&self, q: &mut QualifyReport) -> Result<(), BenchError> {
        let log = self.qdir.join("tests.log");
        eprintln!(
            "running the test suite against the candidate (log: {}) ...",
            log.display()
        );
        let t = run_test_suite(
            self.candidate,
            self.toolchain,
            &self.qdir.join("cargo"),
            &log,
        )?;
        let (p, f, i) = t.totals();
        let detail = if t.binaries.is_empty() {
            format!(
                "no test ran (cargo exit status {:?}); see the log",
                t.status
            )
        } else {
            format!(
                "{p} passed, {f} failed, {i} ignored in {} test binaries",
                t.binaries.len()
            )
        };
        step(q, "test suite", t.passed(), detail);
        q.tests = Some(t);
        Ok(())
    }

    fn benchmarks(
        &self,
        q: &mut QualifyReport,
        sysroot: &xous_sysroot::Sysroot,
        kernel: &Path,
    ) -> Result<(), BenchError> {
        let mut baseline = match Report::read(self.baseline_path) {
            Ok(b) => b,
            Err(e) => return failed(q, "benchmarks", e.to_string()),
        };
        let options = &self.options.measure;
        let measured = measure(
            "candidate",
            sysroot,
            kernel,
            self.emulator,
            options,
            &self.qdir.join("xous-bench"),
        );
        let m = match measured {
            Ok(m) => m,
            Err(e) => return failed(q, "benchmarks", e.to_string()),
        };
        let rustc = self.toolchain.rustc().version()?.identity();
        let mut report = Report::new(rustc, self.emulator, options);
        report.add(LibstdInfo::of("candidate", sysroot, self.candidate), m);
        let out = self.qdir.join("bench");
        write_outputs(&report, &out)?;
        if !options.variants.is_empty() {
            baseline
                .records
                .retain(|r| options.variants.contains(&r.variant));
        }
        let c = compare(&baseline, &report, "candidate", self.options.threshold_pct)?;
        step(q, "benchmarks", c.passed(), c.summary());
        q.bench = Some(c);
        q.bench_report = Some(out.join("bench.md").display().to_string());
        Ok(())
    }
}

#[cfg(test)]
mod tests;
