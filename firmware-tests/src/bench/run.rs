//! Building the bench firmware against a libstd and running it: every variant [`RUNS`]
//! times on the crate's worker pool, with the runs required to agree exactly.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use test_harness::{FirmwareBuild, Runner, Toolchain};
use xous_sysroot::Sysroot;

use super::parse::{first_difference, parse_output};
use super::{write_file, BenchError, Record, VariantInfo, VariantRun, RUNS, VARIANT_ORDER};
use crate::emulator::Emulator;

/// The bench firmware crate's manifest.
pub fn bench_manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("firmware/bench/Cargo.toml")
}

/// One built variant binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firmware {
    /// Variant name (`bench-<name>`).
    pub variant: String,
    /// The ELF.
    pub path: PathBuf,
}

/// A fingerprint of an installed libstd's files (names, sizes, modification times): cargo
/// does not notice when the rlibs behind `--sysroot` change, so firmware target
/// directories are emptied when this changes.
pub fn sysroot_fingerprint(sysroot: &Sysroot) -> String {
    use std::hash::{Hash, Hasher};
    let mut files: Vec<(String, u64, u128)> = Vec::new();
    let lib = sysroot.target_dir().join("lib");
    if let Ok(entries) = fs::read_dir(&lib) {
        for e in entries.flatten() {
            if let Ok(m) = e.metadata() {
                let mtime = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                files.push((e.file_name().to_string_lossy().into_owned(), m.len(), mtime));
            }
        }
    }
    files.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    sysroot.path.hash(&mut h);
    sysroot.rustc.hash(&mut h);
    files.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// Empties `dir` unless it was last used with the same libstd; returns it.
pub fn fresh_target_dir(dir: &Path, sysroot: &Sysroot) -> Result<PathBuf, BenchError> {
    let stamp = dir.join("libstd.stamp");
    let key = sysroot_fingerprint(sysroot);
    if fs::read_to_string(&stamp).ok().as_deref() != Some(key.as_str()) {
        if dir.exists() {
            fs::remove_dir_all(dir).map_err(|e| BenchError::io("empty", dir, e))?;
        }
        write_file(&stamp, &key)?;
    }
    Ok(dir.to_path_buf())
}

/// Builds the bench firmware against `sysroot` into `target_dir` (emptied first when the
/// libstd changed): every variant, or with `only_system` just `bench-system`.
pub fn build_firmware(
    toolchain: &Toolchain,
    sysroot: &Sysroot,
    target_dir: &Path,
    only_system: bool,
) -> Result<Vec<Firmware>, BenchError> {
    let dir = fresh_target_dir(target_dir, sysroot)?;
    let mut build = FirmwareBuild::new(bench_manifest(), toolchain, sysroot, &dir);
    if only_system {
        build.arg("--bin").arg("bench-system");
    } else {
        build.arg("--features").arg("all");
    }
    let mut out: Vec<Firmware> = build
        .build()?
        .into_iter()
        .filter_map(|a| {
            Some(Firmware {
                variant: a.name.strip_prefix("bench-")?.to_string(),
                path: a.path,
            })
        })
        .collect();
    if out.is_empty() {
        return Err(BenchError::NoFirmware(dir));
    }
    out.sort_by_key(|f| variant_rank(&f.variant));
    Ok(out)
}

fn variant_rank(name: &str) -> usize {
    VARIANT_ORDER
        .iter()
        .position(|v| *v == name)
        .unwrap_or(VARIANT_ORDER.len())
}

/// A runner for benchmarks on `emulator`: the suite's kernel, a fixed clock, and a time
/// slice longer than any run so that no timer interrupt lands inside a measured loop.
pub fn bench_runner(kernel: &Path, emulator: &Emulator) -> Runner {
    let mut r = Runner::new(kernel);
    emulator.configure(&mut r);
    r.utc_ms(1_700_000_000_000)
        .slice_us(1_000_000_000)
        .timeout(Duration::from_secs(600));
    r
}

/// What [`run_variants`] measured for one libstd.
#[derive(Debug, Clone)]
pub struct Measured {
    /// The variants, in run order.
    pub variants: Vec<VariantInfo>,
    /// Whole-run figures.
    pub runs: Vec<VariantRun>,
    /// The records.
    pub records: Vec<Record>,
}

/// One boot of a variant.
#[derive(Debug, Clone)]
struct OneRun {
    stdout: String,
    instret: Option<u64>,
    wall_ms: u64,
}

fn run_once(
    runner: &Runner,
    firmware: &Firmware,
    libstd: &str,
    run: usize,
    args: &[String],
) -> Result<OneRun, BenchError> {
    let mut r = runner.clone();
    r.args(args.iter().cloned());
    let out = r.run(&firmware.path)?;
    if !out.success() {
        return Err(BenchError::RunFailed {
            variant: firmware.variant.clone(),
            libstd: libstd.to_string(),
            run,
            report: out.report(),
        });
    }
    Ok(OneRun {
        stdout: out.stdout(),
        instret: out.instret,
        wall_ms: out.wall_time.as_millis() as u64,
    })
}

/// Checks that every run printed the same records and retired the same instructions, and
/// parses them.
fn agree(
    firmware: &Firmware,
    libstd: &str,
    runs: &[OneRun],
) -> Result<(VariantInfo, VariantRun, Vec<Record>), BenchError> {
    let first = &runs[0];
    for (i, other) in runs.iter().enumerate().skip(1) {
        let differ = |a: String, b: String| BenchError::NotRepeatable {
            variant: firmware.variant.clone(),
            libstd: libstd.to_string(),
            run: i + 1,
            first: a,
            other: b,
        };
        if let Some((_, a, b)) = first_difference(&first.stdout, &other.stdout) {
            return Err(differ(a, b));
        }
        if first.instret != other.instret {
            return Err(differ(
                format!("whole run: {:?} instructions", first.instret),
                format!("whole run: {:?} instructions", other.instret),
            ));
        }
    }
    let (info, records) = parse_output(&first.stdout, libstd)?;
    Ok((
        info,
        VariantRun {
            variant: firmware.variant.clone(),
            libstd: libstd.to_string(),
            total_instret: first.instret.unwrap_or(0),
            wall_ms: runs.iter().map(|r| r.wall_ms).collect(),
        },
        records,
    ))
}

/// Runs one variant `runs` times, one after the other, and checks that every run printed
/// the same records and retired the same instructions.
pub fn run_variant(
    runner: &Runner,
    firmware: &Firmware,
    libstd: &str,
    runs: usize,
    args: &[String],
) -> Result<(VariantInfo, VariantRun, Vec<Record>), BenchError> {
    let all = (1..=runs.max(1))
        .map(|run| run_once(runner, firmware, libstd, run, args))
        .collect::<Result<Vec<_>, _>>()?;
    agree(firmware, libstd, &all)
}

/// Variants that take far longer than the others (emballoc scans every block on each call):
/// started first so that the other emulators fill the remaining cores meanwhile.
const SLOW_VARIANTS: &[&str] = &["emballoc"];

/// Runs every firmware `runs` times, `jobs` emulators at a time (counts do not depend on
/// host load), checks that each variant's runs agree exactly, and calls `progress` as each
/// variant completes.
pub fn run_variants(
    runner: &Runner,
    firmware: &[Firmware],
    libstd: &str,
    runs: usize,
    args: &[String],
    jobs: usize,
    progress: &(dyn Fn(&VariantRun) + Sync),
) -> Result<Measured, BenchError> {
    let runs = runs.max(1);
    let mut tasks: Vec<(usize, usize)> = (0..firmware.len())
        .flat_map(|v| (0..runs).map(move |r| (v, r)))
        .collect();
    tasks.sort_by_key(|&(v, _)| !SLOW_VARIANTS.contains(&firmware[v].variant.as_str()));
    type Slots = Vec<Vec<Option<Result<OneRun, BenchError>>>>;
    let slots: Mutex<Slots> = Mutex::new(
        firmware
            .iter()
            .map(|_| (0..runs).map(|_| None).collect())
            .collect(),
    );
    crate::pool::run(jobs, tasks, |(v, r), _| {
        let fw = &firmware[v];
        let one = run_once(runner, fw, libstd, r + 1, args);
        let mut slots = slots.lock().unwrap();
        slots[v][r] = Some(one);
        if slots[v].iter().all(Option::is_some) {
            let done: Option<Vec<OneRun>> = slots[v]
                .iter()
                .map(|x| x.as_ref().and_then(|x| x.as_ref().ok()).cloned())
                .collect();
            if let Some(Ok((_, run, _))) = done.map(|d| agree(fw, libstd, &d)) {
                progress(&run);
            }
        }
    });
    let mut m = Measured {
        variants: Vec::new(),
        runs: Vec::new(),
        records: Vec::new(),
    };
    for (fw, runs) in firmware.iter().zip(slots.into_inner().unwrap()) {
        let runs = runs
            .into_iter()
            .map(|r| r.expect("every task ran"))
            .collect::<Result<Vec<_>, _>>()?;
        let (info, run, records) = agree(fw, libstd, &runs)?;
        m.variants.push(info);
        m.runs.push(run);
        m.records.extend(records);
    }
    Ok(m)
}

/// What to measure: the knobs `xous-bench` exposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureOptions {
    /// Only these variants (all when empty).
    pub variants: Vec<String>,
    /// Runs per variant; all must agree exactly.
    pub runs: usize,
    /// Emulators running at a time.
    pub jobs: usize,
    /// A tenth of the operations (not comparable with full runs).
    pub quick: bool,
}

impl Default for MeasureOptions {
    fn default() -> Self {
        MeasureOptions {
            variants: Vec::new(),
            runs: RUNS,
            jobs: 2,
            quick: false,
        }
    }
}

/// Builds the bench firmware against `sysroot` (labelled `label`) into `target_dir` and runs
/// the selected variants on `kernel` under `emulator`, with progress on stderr.
pub fn measure(
    label: &str,
    sysroot: &Sysroot,
    kernel: &Path,
    emulator: &Emulator,
    options: &MeasureOptions,
    target_dir: &Path,
) -> Result<Measured, BenchError> {
    let toolchain = crate::toolchain();
    eprintln!("building the bench firmware against the {label} libstd ...");
    let mut firmware = build_firmware(&toolchain, sysroot, target_dir, false)?;
    if let Some(unknown) = options
        .variants
        .iter()
        .find(|v| !firmware.iter().any(|f| &f.variant == *v))
    {
        return Err(BenchError::UnknownVariant {
            variant: unknown.clone(),
            available: firmware
                .iter()
                .map(|f| f.variant.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    if !options.variants.is_empty() {
        firmware.retain(|f| options.variants.contains(&f.variant));
    }
    let args: Vec<String> = if options.quick {
        vec!["--quick".into()]
    } else {
        Vec::new()
    };
    let started = Instant::now();
    let runner = bench_runner(kernel, emulator);
    let progress = |r: &VariantRun| {
        eprintln!(
            "  {:<9} {} libstd: {} runs agree, {} instructions, {:?} ms each",
            r.variant, r.libstd, options.runs, r.total_instret, r.wall_ms
        );
    };
    let m = run_variants(
        &runner,
        &firmware,
        label,
        options.runs,
        &args,
        options.jobs,
        &progress,
    )?;
    eprintln!(
        "  {} variants x {} runs against the {label} libstd in {:.0} s",
        firmware.len(),
        options.runs,
        started.elapsed().as_secs_f64()
    );
    Ok(m)
}

#[cfg(test)]
mod tests;
