//! `xous-bench`: the allocator and collection benchmarks of a libstd on the test kernel,
//! the release gate against the committed baseline, and the qualification of a candidate
//! libstd (install, test suite, benchmarks, one report).
//!
//! ```text
//! cargo run -p firmware-tests --bin xous-bench -- run
//! cargo run -p firmware-tests --bin xous-bench -- gate [--threshold 1] [--update-baseline]
//! cargo run -p firmware-tests --bin xous-bench -- qualify <dist root or URL> --baseline firmware-tests/baselines/1.96.0.json
//! ```

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use firmware_tests::bench::{self, LibstdInfo, MeasureOptions, QualifyOptions, Report};
use firmware_tests::emulator::Emulator;
use std::path::PathBuf;
use std::time::Instant;
use test_harness::Toolchain;
use xous_sysroot::Sysroot;
use xous_sysroot_build::local_dist::LocalDist;
use xous_sysroot_build::Profile;

#[derive(Parser)]
#[command(
    name = "xous-bench",
    version,
    about = "Benchmarks a libstd for riscv32imac-unknown-xous-elf on the test kernel (instructions retired per operation, exact under QEMU -icount; Renode counts with XOUS_RUN_BACKEND=renode), gates a run against the committed baseline, and qualifies a candidate libstd."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every allocator variant against the official and debug-assertions libstd and write
    /// bench.json, bench.md and bench.svg (default under target/bench).
    Run(RunArgs),
    /// Run the benchmarks against the suite's libstd (or read a report) and compare them
    /// with the baseline; exit 1 on a regression beyond the threshold.
    Gate(GateArgs),
    /// Install a candidate libstd into a private sysroot, run the test suite and the
    /// benchmarks against it, compare with the baseline, and write one report; exit 1 on any
    /// failure.
    Qualify(QualifyArgs),
}

#[derive(Args, Clone)]
struct Common {
    /// Only these variants (comma-separated names: system, dlmalloc, talc, rlsf, etlsf, lla,
    /// llff, buddy, emballoc, bump).
    #[arg(long, value_delimiter = ',')]
    variants: Vec<String>,
    /// Runs per variant; all must agree exactly.
    #[arg(long, default_value_t = bench::RUNS, value_parser = at_least_one)]
    runs: usize,
    /// Emulators running at a time (counts do not depend on host load).
    #[arg(long, default_value_t = 2, value_parser = at_least_one)]
    jobs: usize,
    /// A tenth of the operations, to try things out (not comparable with full runs).
    #[arg(long)]
    quick: bool,
}

#[derive(Args)]
struct RunArgs {
    #[command(flatten)]
    common: Common,
    /// libstd builds to run against: `official` (the suite's install: the fork's current
    /// release job) and/or `debug-assertions` (the same with libstd's debug assertions on,
    /// built locally on first use).
    #[arg(long, value_delimiter = ',', default_values_t = Profile::ALL.map(|p| p.name().to_string()))]
    profiles: Vec<String>,
    /// Output directory.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct GateArgs {
    #[command(flatten)]
    common: Common,
    /// The baseline (default: `firmware-tests/baselines/<rustc release>.json`).
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Fail when a case retires more than this many percent more instructions per operation.
    #[arg(long, default_value_t = bench::DEFAULT_THRESHOLD_PCT, value_parser = percent,
          allow_hyphen_values = true)]
    threshold: f64,
    /// Write this run as the new baseline (deliberately) instead of failing.
    #[arg(long)]
    update_baseline: bool,
    /// Compare this report (from `xous-bench run`) instead of running.
    #[arg(long)]
    from: Option<PathBuf>,
    /// Output directory for gate.md and gate.json.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct QualifyArgs {
    /// The candidate: a dist root directory or its URL (as XOUS_SYSROOT_DIST_SERVER takes).
    candidate: String,
    /// The baseline to hold the benchmarks to.
    #[arg(long)]
    baseline: PathBuf,
    /// Regression threshold in percent.
    #[arg(long, default_value_t = bench::DEFAULT_THRESHOLD_PCT, value_parser = percent,
          allow_hyphen_values = true)]
    threshold: f64,
    /// Skip the test suite (benchmarks only).
    #[arg(long)]
    skip_tests: bool,
    #[command(flatten)]
    common: Common,
    /// Output directory (default target/qualify).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// A count of runs or emulators: a whole number of at least 1.
fn at_least_one(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("expected a whole number of at least 1".into()),
    }
}

/// A threshold in percent: a finite number of at least 0 (NaN would pass every comparison).
fn percent(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if p.is_finite() && p >= 0.0 => Ok(p),
        _ => Err("expected a percentage of at least 0, such as 1 or 0.5".into()),
    }
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => run(a),
        Command::Gate(a) => gate(a),
        Command::Qualify(a) => qualify(a),
    };
    match result {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(2);
        }
    }
}

impl Common {
    fn options(&self) -> MeasureOptions {
        MeasureOptions {
            variants: self.variants.clone(),
            runs: self.runs,
            jobs: self.jobs,
            quick: self.quick,
        }
    }
}

fn new_report(toolchain: &Toolchain, emulator: &Emulator, common: &Common) -> Result<Report> {
    let rustc = toolchain.rustc().version()?.identity();
    Ok(Report::new(rustc, emulator, &common.options()))
}

/// The suite's libstd, as `official`.
fn official() -> (Sysroot, String) {
    (
        firmware_tests::sysroot(),
        "the firmware-tests build script's install (a local build with the official profile unless XOUS_SYSROOT_DIST_SERVER was set)".into(),
    )
}

fn run(a: RunArgs) -> Result<bool> {
    let started = Instant::now();
    let toolchain = firmware_tests::toolchain();
    let emulator = Emulator::from_env()?;
    let target = firmware_tests::cargo_target_dir();
    let out = a.out.unwrap_or_else(|| target.join("bench"));
    let mut report = new_report(&toolchain, &emulator, &a.common)?;
    for name in &a.profiles {
        let profile: Profile = name.parse()?;
        let (sysroot, source) = match profile {
            Profile::Official => official(),
            other => {
                eprintln!(
                    "installing the {other}-profile libstd (built once, a minute or two) ..."
                );
                let s = test_harness::profile_sysroot(&toolchain, target, other).with_context(
                    || format!("building or installing the {other}-profile libstd"),
                )?;
                let source = format!(
                    "{} (xous-sysroot-build, {other} profile)",
                    LocalDist::new(target)
                        .profile(other)
                        .dir()
                        .join("dist")
                        .display()
                );
                (s, source)
            }
        };
        let profile = profile.name();
        let m = bench::measure(
            profile,
            &sysroot,
            firmware_tests::kernel(),
            &emulator,
            &a.common.options(),
            &target.join("xous-bench").join(profile),
        )
        .with_context(|| format!("benchmarking the {profile} libstd"))?;
        report.add(LibstdInfo::of(profile, &sysroot, &source), m);
    }
    bench::write_outputs(&report, &out)?;
    let md = bench::markdown(&report);
    let summary = md
        .split("\n## Instructions per operation")
        .next()
        .unwrap_or(&md);
    println!("{summary}");
    println!(
        "wrote {0}/bench.json, {0}/bench.md and {0}/bench.svg ({1} records) in {2:.0} s",
        out.display(),
        report.records.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(true)
}

fn gate(a: GateArgs) -> Result<bool> {
    let toolchain = firmware_tests::toolchain();
    let emulator = Emulator::from_env()?;
    let target = firmware_tests::cargo_target_dir();
    let out = a.out.unwrap_or_else(|| target.join("bench"));
    let release = toolchain.rustc().version()?.release;
    let baseline_path = a.baseline.unwrap_or_else(|| bench::baseline_path(&release));
    let current = match &a.from {
        Some(path) => Report::read(path)?,
        None => {
            let mut report = new_report(&toolchain, &emulator, &a.common)?;
            let (sysroot, source) = official();
            let m = bench::measure(
                "official",
                &sysroot,
                firmware_tests::kernel(),
                &emulator,
                &a.common.options(),
                &target.join("xous-bench/official"),
            )
            .context("benchmarking the official libstd")?;
            report.add(LibstdInfo::of("official", &sysroot, &source), m);
            report
        }
    };
    let label = current
        .primary_libstd()
        .context("the report names no libstd")?
        .to_string();
    let mut current_one = current.only_libstd(&label);
    // Wall times differ from run to run: keep them out of the committed file.
    for r in &mut current_one.runs_detail {
        r.wall_ms.clear();
    }
    let previous = baseline_path
        .exists()
        .then(|| Report::read(&baseline_path))
        .transpose()?;
    if a.update_baseline {
        if current.quick {
            bail!("a --quick run cannot become the baseline");
        }
        if let Some(previous) = &previous {
            // Refused across emulators or profiles: such a run needs a baseline of its own.
            let c = bench::compare(previous, &current_one, &label, a.threshold)
                .with_context(|| format!("replacing the baseline {}", baseline_path.display()))?;
            println!("{}", c.markdown());
        }
        current_one.write(&baseline_path)?;
        println!(
            "wrote the baseline {} ({} records)",
            baseline_path.display(),
            current_one.records.len()
        );
        return Ok(true);
    }
    let Some(mut baseline) = previous else {
        bail!(
            "no baseline at {}\nhelp: run `xous-bench gate --update-baseline` to record one, and commit it",
            baseline_path.display()
        );
    };
    if !a.common.variants.is_empty() && a.from.is_none() {
        baseline
            .records
            .retain(|r| a.common.variants.contains(&r.variant));
    }
    let c = bench::compare(&baseline, &current_one, &label, a.threshold)?;
    let md = format!(
        "# Gate: {} against {}\n\n{}",
        current.rustc,
        baseline_path.display(),
        c.markdown()
    );
    bench::write_file(&out.join("gate.md"), &md)?;
    bench::write_file(
        &out.join("gate.json"),
        &(serde_json::to_string_pretty(&c)? + "\n"),
    )?;
    println!("{md}");
    if !c.passed() {
        eprintln!(
            "error: the gate failed; if the change is deliberate, record it with `xous-bench gate --update-baseline` and commit {}",
            baseline_path.display()
        );
    }
    Ok(c.passed())
}

fn qualify(a: QualifyArgs) -> Result<bool> {
    let emulator = Emulator::from_env()?;
    let options = QualifyOptions {
        candidate: a.candidate,
        baseline: a.baseline,
        threshold_pct: a.threshold,
        skip_tests: a.skip_tests,
        measure: a.common.options(),
        out: a
            .out
            .unwrap_or_else(|| firmware_tests::cargo_target_dir().join("qualify")),
    };
    let q = bench::qualify(&options, &emulator)?;
    println!("{}", q.markdown());
    println!(
        "wrote {0}/report.md and {0}/report.json",
        std::path::absolute(&options.out)?.display()
    );
    Ok(q.passed())
}
