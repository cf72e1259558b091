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
use firmware_tests::bench::{self, Firmware, LibstdInfo, Report, Step, VariantRun};
use std::path::{Path, PathBuf};
use std::time::Instant;
use test_harness::Toolchain;
use xous_sysroot::Sysroot;

#[derive(Parser)]
#[command(
    name = "xous-bench",
    version,
    about = "Benchmarks a libstd for riscv32imac-unknown-xous-elf on the test kernel (instructions retired per operation, exact under QEMU -icount), gates a run against the committed baseline, and qualifies a candidate libstd."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every allocator variant against the official and release libstd and write
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
    #[arg(long, default_value_t = bench::RUNS)]
    runs: usize,
    /// Emulators running at a time (counts do not depend on host load).
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    /// A tenth of the operations, to try things out (not comparable with full runs).
    #[arg(long)]
    quick: bool,
}

#[derive(Args)]
struct RunArgs {
    #[command(flatten)]
    common: Common,
    /// libstd builds to run against: `official` (the suite's install) and/or `release`
    /// (built locally with the producer's release profile on first use).
    #[arg(long, value_delimiter = ',', default_values_t = ["official".to_string(), "release".to_string()])]
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
    #[arg(long, default_value_t = bench::DEFAULT_THRESHOLD_PCT)]
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
    #[arg(long, default_value_t = bench::DEFAULT_THRESHOLD_PCT)]
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

/// Builds the bench firmware against `sysroot` and runs the selected variants.
fn measure(
    label: &str,
    sysroot: &Sysroot,
    kernel: &Path,
    common: &Common,
    target_dir: &Path,
) -> Result<bench::Measured> {
    let toolchain = firmware_tests::toolchain();
    eprintln!("building the bench firmware against the {label} libstd ...");
    let mut firmware: Vec<Firmware> = bench::build_firmware(&toolchain, sysroot, target_dir, false)
        .with_context(|| format!("building the bench firmware against the {label} libstd"))?;
    if !common.variants.is_empty() {
        for v in &common.variants {
            if !firmware.iter().any(|f| &f.variant == v) {
                bail!(
                    "unknown variant `{v}`; the firmware has: {}",
                    firmware
                        .iter()
                        .map(|f| f.variant.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        firmware.retain(|f| common.variants.contains(&f.variant));
    }
    let args: Vec<String> = if common.quick {
        vec!["--quick".into()]
    } else {
        Vec::new()
    };
    let started = Instant::now();
    let runner = bench::bench_runner(kernel);
    let progress = |r: &VariantRun| {
        eprintln!(
            "  {:<9} {} libstd: {} runs agree, {} instructions, {:?} ms each",
            r.variant, r.libstd, common.runs, r.total_instret, r.wall_ms
        );
    };
    let m = bench::run_variants(
        &runner,
        &firmware,
        label,
        common.runs,
        &args,
        common.jobs,
        &progress,
    )?;
    eprintln!(
        "  {} variants x {} runs against the {label} libstd in {:.0} s",
        firmware.len(),
        common.runs,
        started.elapsed().as_secs_f64()
    );
    Ok(m)
}

fn new_report(toolchain: &Toolchain, common: &Common) -> Result<Report> {
    Ok(Report {
        schema: bench::SCHEMA,
        rustc: toolchain.rustc().version()?.identity(),
        runs: common.runs,
        quick: common.quick,
        libstds: Vec::new(),
        variants: Vec::new(),
        runs_detail: Vec::new(),
        records: Vec::new(),
    })
}

fn add(report: &mut Report, info: LibstdInfo, m: bench::Measured) {
    report.libstds.push(info);
    for v in m.variants {
        if !report.variants.iter().any(|x| x.name == v.name) {
            report.variants.push(v);
        }
    }
    report.runs_detail.extend(m.runs);
    report.records.extend(m.records);
}

fn libstd_info(label: &str, sysroot: &Sysroot, source: &str) -> LibstdInfo {
    LibstdInfo {
        label: label.into(),
        rustc: sysroot.rustc.clone(),
        sysroot: sysroot.path.display().to_string(),
        source: source.into(),
    }
}

/// The suite's libstd, as `official`.
fn official() -> (Sysroot, String) {
    (
        firmware_tests::sysroot(),
        "the firmware-tests build script's install (a local build with the official profile unless XOUS_SYSROOT_DIST_SERVER was set)".into(),
    )
}

fn write_outputs(report: &Report, out: &Path) -> Result<()> {
    report.write(&out.join("bench.json"))?;
    bench::write_file(&out.join("bench.md"), &bench::markdown(report))?;
    bench::write_file(&out.join("bench.svg"), &bench::svg_chart(report))?;
    Ok(())
}

fn run(a: RunArgs) -> Result<bool> {
    let started = Instant::now();
    let toolchain = firmware_tests::toolchain();
    let target = bench::cargo_target_dir();
    let out = a.out.unwrap_or_else(|| target.join("bench"));
    let mut report = new_report(&toolchain, &a.common)?;
    for profile in &a.profiles {
        let (sysroot, source) = match profile.as_str() {
            "official" => official(),
            "release" => {
                eprintln!(
                    "installing the release-profile libstd (built once, a minute or two) ..."
                );
                let s = bench::release_sysroot(&toolchain, &target)
                    .context("building or installing the release-profile libstd")?;
                let source = format!(
                    "{} (xous-sysroot-build, release profile)",
                    target.join("xous-libstd/release/dist").display()
                );
                (s, source)
            }
            other => bail!("unknown profile `{other}`: expected `official` or `release`"),
        };
        let m = measure(
            profile,
            &sysroot,
            firmware_tests::kernel(),
            &a.common,
            &target.join("xous-bench").join(profile),
        )?;
        add(&mut report, libstd_info(profile, &sysroot, &source), m);
    }
    write_outputs(&report, &out)?;
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
    let target = bench::cargo_target_dir();
    let out = a.out.unwrap_or_else(|| target.join("bench"));
    let release = toolchain.rustc().version()?.release;
    let baseline_path = a.baseline.unwrap_or_else(|| bench::baseline_path(&release));
    let current = match &a.from {
        Some(path) => Report::read(path)?,
        None => {
            let mut report = new_report(&toolchain, &a.common)?;
            let (sysroot, source) = official();
            let m = measure(
                "official",
                &sysroot,
                firmware_tests::kernel(),
                &a.common,
                &target.join("xous-bench/official"),
            )?;
            add(&mut report, libstd_info("official", &sysroot, &source), m);
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
            let c = bench::compare(previous, &current_one, &label, a.threshold);
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
    if baseline.quick != current.quick {
        bail!("the baseline and this run differ in --quick; they cannot be compared");
    }
    if !a.common.variants.is_empty() && a.from.is_none() {
        baseline
            .records
            .retain(|r| a.common.variants.contains(&r.variant));
    }
    let c = bench::compare(&baseline, &current_one, &label, a.threshold);
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
    let started = Instant::now();
    let toolchain = firmware_tests::toolchain();
    let target = bench::cargo_target_dir();
    // Absolute: the sysroot path ends up in cargo's --sysroot, read from other directories.
    let qdir = std::path::absolute(a.out.clone().unwrap_or_else(|| target.join("qualify")))?;
    std::fs::create_dir_all(&qdir)?;
    let candidate = match Path::new(&a.candidate).canonicalize() {
        Ok(p) if !a.candidate.contains("://") => p.display().to_string(),
        _ => a.candidate.clone(),
    };
    let baseline_path = a.baseline.canonicalize().unwrap_or(a.baseline.clone());
    let mut q = bench::QualifyReport {
        candidate: candidate.clone(),
        rustc: toolchain.rustc().version()?.identity(),
        baseline: baseline_path.display().to_string(),
        steps: Vec::new(),
        tests: None,
        bench: None,
        bench_report: None,
        seconds: 0.0,
    };
    let finish = |mut q: bench::QualifyReport| -> Result<bool> {
        q.seconds = started.elapsed().as_secs_f64();
        let md = q.markdown();
        bench::write_file(&qdir.join("report.md"), &md)?;
        bench::write_file(
            &qdir.join("report.json"),
            &(serde_json::to_string_pretty(&q)? + "\n"),
        )?;
        println!("{md}");
        println!("wrote {0}/report.md and {0}/report.json", qdir.display());
        Ok(q.passed())
    };

    // 1. Install into a fresh private sysroot (an earlier candidate of the same version
    //    would otherwise count as installed).
    eprintln!("installing {candidate} ...");
    let cache = qdir.join("sysroot-cache");
    if cache.exists() {
        std::fs::remove_dir_all(&cache)?;
    }
    let sysroot = match bench::install_private(&toolchain, &candidate, &cache) {
        Ok(s) => {
            q.steps.push(Step {
                name: "install".into(),
                ok: true,
                detail: format!("libstd for {} in {}", s.rustc, s.path.display()),
            });
            s
        }
        Err(e) => {
            q.steps.push(Step {
                name: "install".into(),
                ok: false,
                detail: e.to_string(),
            });
            return finish(q);
        }
    };

    // 2. The kernel against the candidate's core.
    eprintln!("building the test kernel against the candidate ...");
    let kernel_dir = bench::fresh_target_dir(&qdir.join("xous-firmware"), &sysroot)?;
    let kernel = match test_harness::build_kernel(&toolchain, &sysroot, &kernel_dir) {
        Ok(k) => {
            q.steps.push(Step {
                name: "kernel".into(),
                ok: true,
                detail: format!("built against the candidate: {}", k.display()),
            });
            k
        }
        Err(e) => {
            q.steps.push(Step {
                name: "kernel".into(),
                ok: false,
                detail: e.to_string(),
            });
            return finish(q);
        }
    };

    // 3. The test suite (conformance, Rust's alloc tests, ...) with the candidate.
    if a.skip_tests {
        q.steps.push(Step {
            name: "test suite".into(),
            ok: true,
            detail: "skipped (--skip-tests)".into(),
        });
    } else {
        eprintln!(
            "running the test suite against the candidate (log: {}) ...",
            qdir.join("tests.log").display()
        );
        let t = bench::run_test_suite(
            &candidate,
            &toolchain,
            &qdir.join("cargo"),
            &qdir.join("tests.log"),
        )?;
        let (p, f, i) = t.totals();
        q.steps.push(Step {
            name: "test suite".into(),
            ok: t.passed(),
            detail: if t.binaries.is_empty() {
                format!(
                    "no test ran (cargo exit status {:?}); see the log",
                    t.status
                )
            } else {
                format!(
                    "{p} passed, {f} failed, {i} ignored in {} test binaries",
                    t.binaries.len()
                )
            },
        });
        q.tests = Some(t);
    }

    // 4. The benchmarks against the baseline.
    let baseline = match Report::read(&baseline_path) {
        Ok(b) => b,
        Err(e) => {
            q.steps.push(Step {
                name: "benchmarks".into(),
                ok: false,
                detail: e.to_string(),
            });
            return finish(q);
        }
    };
    let measured = measure(
        "candidate",
        &sysroot,
        &kernel,
        &a.common,
        &qdir.join("xous-bench"),
    );
    match measured {
        Ok(m) => {
            let mut report = new_report(&toolchain, &a.common)?;
            add(
                &mut report,
                libstd_info("candidate", &sysroot, &candidate),
                m,
            );
            let out = qdir.join("bench");
            write_outputs(&report, &out)?;
            let mut baseline = baseline;
            if !a.common.variants.is_empty() {
                baseline
                    .records
                    .retain(|r| a.common.variants.contains(&r.variant));
            }
            if baseline.quick != report.quick {
                bail!("the baseline and this run differ in --quick; they cannot be compared");
            }
            let c = bench::compare(&baseline, &report, "candidate", a.threshold);
            q.steps.push(Step {
                name: "benchmarks".into(),
                ok: c.passed(),
                detail: c.summary(),
            });
            q.bench = Some(c);
            q.bench_report = Some(out.join("bench.md").display().to_string());
        }
        Err(e) => q.steps.push(Step {
            name: "benchmarks".into(),
            ok: false,
            detail: format!("{e:#}"),
        }),
    }
    finish(q)
}
