//! Allocator and collection benchmarks of a libstd on the test kernel, and the release gate.
//!
//! - [`build_firmware`] builds `firmware/bench` (one `bench-<variant>` binary per global
//!   allocator) against a libstd; [`run_variants`] boots each binary [`RUNS`] times and
//!   insists that the runs agree exactly (instruction counts under QEMU `-icount` are exact);
//!   the result is a [`Report`]: one [`Record`] per case, variant and libstd.
//! - [`markdown`] and [`svg_chart`] render a report; [`Report`] itself is the JSON.
//! - [`compare`] is the gate: a run against a committed baseline, failing when any case
//!   retires more than a threshold (default [`DEFAULT_THRESHOLD_PCT`]) more instructions per
//!   operation.
//! - [`run_test_suite`] and [`QualifyReport`] are the pieces of `xous-bench qualify`.
//!
//! The metric is instructions retired per operation, net of an empty loop of the same length;
//! emulated wall time is recorded but never compared.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;
use test_harness::{FirmwareBuild, HarnessError, Runner, Toolchain};
use xous_sysroot::{Installer, Mode, Source, Sysroot};
use xous_sysroot_build::local_dist::LocalDist;
use xous_sysroot_build::Profile;

/// How many times each variant runs; all runs must print exactly the same records.
pub const RUNS: usize = 3;

/// The gate's default threshold in percent of instructions per operation.
pub const DEFAULT_THRESHOLD_PCT: f64 = 1.0;

/// Version of the JSON layout of [`Report`].
pub const SCHEMA: u32 = 1;

/// The variants in the order the tables show them: libstd's allocator, the same algorithm
/// over an arena, the peers, and the lower bound last.
pub const VARIANT_ORDER: &[&str] = &[
    "system", "dlmalloc", "talc", "rlsf", "etlsf", "lla", "llff", "buddy", "emballoc", "bump",
];

/// The variant every ratio is taken against.
pub const REFERENCE_VARIANT: &str = "system";

/// The variant that gives the lower bound.
pub const LOWER_BOUND_VARIANT: &str = "bump";

/// Failures of the benchmark tooling.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// Building or running firmware failed.
    #[error(transparent)]
    Harness(Box<HarnessError>),
    /// Installing a libstd failed.
    #[error(transparent)]
    Install(Box<xous_sysroot::Error>),
    /// Building a libstd failed.
    #[error(transparent)]
    Build(Box<xous_sysroot_build::BuildError>),
    /// A file could not be read or written.
    #[error("could not {what} '{path}': {source}")]
    Io {
        /// What was tried.
        what: &'static str,
        /// Where.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// A JSON file is not a benchmark report.
    #[error("'{path}' is not a benchmark report: {source}\nhelp: write it with `xous-bench run` or `xous-bench gate --update-baseline`")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parse error.
        source: serde_json::Error,
    },
    /// A run did not exit 0.
    #[error("the {variant} benchmarks ({libstd} libstd) failed in run {run}: {report}")]
    RunFailed {
        /// The variant.
        variant: String,
        /// The libstd label.
        libstd: String,
        /// Which run (1-based).
        run: usize,
        /// The harness's account of the run.
        report: String,
    },
    /// Two runs of the same firmware printed different figures.
    #[error("the {variant} benchmarks ({libstd} libstd) are not repeatable: run 1 and run {run} differ\n  run 1:   {first}\n  run {run}: {other}\nhelp: every run must retire exactly the same instructions; look for reads of time or addresses that differ between boots")]
    NotRepeatable {
        /// The variant.
        variant: String,
        /// The libstd label.
        libstd: String,
        /// The run that differs from the first.
        run: usize,
        /// The first differing line of run 1.
        first: String,
        /// The same line of the other run.
        other: String,
    },
    /// The firmware printed something that is not a record.
    #[error("unexpected benchmark output line {line:?}: {reason}")]
    Parse {
        /// The line.
        line: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The firmware build produced no `bench-*` binary.
    #[error("the bench firmware build produced no bench-* binary in {0}")]
    NoFirmware(PathBuf),
    /// The test suite could not be started.
    #[error("could not run `{command}`: {source}")]
    Spawn {
        /// The command.
        command: String,
        /// Why.
        source: std::io::Error,
    },
}

impl From<HarnessError> for BenchError {
    fn from(e: HarnessError) -> Self {
        BenchError::Harness(Box::new(e))
    }
}

impl From<xous_sysroot::Error> for BenchError {
    fn from(e: xous_sysroot::Error) -> Self {
        BenchError::Install(Box::new(e))
    }
}

impl From<xous_sysroot_build::BuildError> for BenchError {
    fn from(e: xous_sysroot_build::BuildError) -> Self {
        BenchError::Build(Box::new(e))
    }
}

impl BenchError {
    fn io(what: &'static str, path: &Path, source: std::io::Error) -> BenchError {
        BenchError::Io {
            what,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// What the firmware says about one allocator variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantInfo {
    /// Short name (`system`, `talc`, ...).
    pub name: String,
    /// Allocator crate and version.
    pub allocator: String,
    /// The lock that guards it.
    pub lock: String,
    /// `own` when it reallocates by itself, `default` for `GlobalAlloc`'s allocate-copy-free.
    pub realloc: String,
    /// `heap` (grown with the `IncreaseHeap` syscall) or `arena` (a static array).
    pub memory: String,
    /// Arena bytes (0 for `heap`).
    pub arena: u64,
}

/// One case of one variant against one libstd.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Case name.
    pub case: String,
    /// `alloc` or `collections`.
    pub group: String,
    /// Allocator variant.
    pub variant: String,
    /// Which libstd (`official`, `release`, `candidate`, ...).
    pub libstd: String,
    /// Operations in the measured loop.
    pub ops: u64,
    /// Instructions retired by the measured loop.
    pub loop_instret: u64,
    /// Instructions retired by an empty loop of `ops` iterations.
    pub empty_instret: u64,
    /// `loop_instret - empty_instret`.
    pub instret: u64,
    /// `instret / ops`.
    pub instret_per_op: f64,
    /// Peak of requested heap bytes in use during the case, above what was in use before it.
    pub peak_heap: u64,
    /// Address range the case's allocations covered (the allocator's footprint).
    pub span: u64,
    /// Allocations during the loop.
    pub allocs: u64,
    /// Frees during the loop.
    pub frees: u64,
    /// Reallocations during the loop.
    pub reallocs: u64,
}

/// A libstd that the benchmarks ran against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibstdInfo {
    /// Label used in records.
    pub label: String,
    /// The rustc identity it is for.
    pub rustc: String,
    /// The sysroot it was installed into.
    pub sysroot: String,
    /// Where it came from (a dist root or URL), when known.
    pub source: String,
}

/// Whole-run figures of one variant against one libstd.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantRun {
    /// Allocator variant.
    pub variant: String,
    /// libstd label.
    pub libstd: String,
    /// Instructions retired from reset to exit (identical in every run).
    pub total_instret: u64,
    /// Host wall time of each run in ms (emulated time; secondary, never compared).
    pub wall_ms: Vec<u64>,
}

/// A benchmark run: the JSON written by `xous-bench run`, and the baseline format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`SCHEMA`].
    pub schema: u32,
    /// The firmware rustc's identity.
    pub rustc: String,
    /// Runs per variant that agreed exactly.
    pub runs: usize,
    /// Whether the cases ran with a tenth of their operations.
    pub quick: bool,
    /// The libstds, the first being the one the gate compares.
    pub libstds: Vec<LibstdInfo>,
    /// The variants, in [`VARIANT_ORDER`].
    pub variants: Vec<VariantInfo>,
    /// Whole-run figures.
    pub runs_detail: Vec<VariantRun>,
    /// One record per case, variant and libstd.
    pub records: Vec<Record>,
}

impl Report {
    /// Reads a report (or baseline) from JSON.
    pub fn read(path: &Path) -> Result<Report, BenchError> {
        let text = fs::read_to_string(path).map_err(|e| BenchError::io("read", path, e))?;
        serde_json::from_str(&text).map_err(|source| BenchError::Json {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Writes it as pretty JSON (creating the parent directory).
    pub fn write(&self, path: &Path) -> Result<(), BenchError> {
        let json = serde_json::to_string_pretty(self).expect("a report serializes");
        write_file(path, &(json + "\n"))
    }

    /// The same report restricted to one libstd (how baselines are written), without the
    /// machine-specific sysroot path.
    pub fn only_libstd(&self, label: &str) -> Report {
        let mut r = self.clone();
        r.libstds.retain(|l| l.label == label);
        for l in &mut r.libstds {
            l.sysroot.clear();
        }
        r.records.retain(|x| x.libstd == label);
        r.runs_detail.retain(|x| x.libstd == label);
        r
    }

    /// The first libstd's label.
    pub fn primary_libstd(&self) -> Option<&str> {
        self.libstds.first().map(|l| l.label.as_str())
    }

    /// Case names in run order.
    pub fn cases(&self) -> Vec<(String, String)> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for r in &self.records {
            if seen.insert(r.case.clone()) {
                out.push((r.case.clone(), r.group.clone()));
            }
        }
        out
    }

    /// The record of a case, variant and libstd.
    pub fn get(&self, case: &str, variant: &str, libstd: &str) -> Option<&Record> {
        self.records
            .iter()
            .find(|r| r.case == case && r.variant == variant && r.libstd == libstd)
    }

    fn variant_names(&self) -> Vec<String> {
        self.variants.iter().map(|v| v.name.clone()).collect()
    }
}

/// Writes `text` to `path`, creating the parent directory.
pub fn write_file(path: &Path, text: &str) -> Result<(), BenchError> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| BenchError::io("create", dir, e))?;
    }
    fs::write(path, text).map_err(|e| BenchError::io("write", path, e))
}

// ---------------------------------------------------------------------------------------
// The firmware's output

/// Parses one run's stdout: the `variant` record and one [`Record`] per `case=` line.
pub fn parse_output(stdout: &str, libstd: &str) -> Result<(VariantInfo, Vec<Record>), BenchError> {
    let mut info = None;
    let mut records = Vec::new();
    let mut done = None;
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        let fields: HashMap<&str, &str> = line
            .split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .collect();
        let bad = |reason: &str| BenchError::Parse {
            line: line.to_string(),
            reason: reason.to_string(),
        };
        let text = |k: &str| -> Result<String, BenchError> {
            fields
                .get(k)
                .map(|v| v.to_string())
                .ok_or_else(|| bad(&format!("no `{k}=`")))
        };
        let num = |k: &str| -> Result<u64, BenchError> {
            fields
                .get(k)
                .ok_or_else(|| bad(&format!("no `{k}=`")))?
                .parse()
                .map_err(|_| bad(&format!("`{k}` is not a number")))
        };
        if line.starts_with("variant ") {
            info = Some(VariantInfo {
                name: text("name")?,
                allocator: text("allocator")?,
                lock: text("lock")?,
                realloc: text("realloc")?,
                memory: text("memory")?,
                arena: num("arena")?,
            });
        } else if line.starts_with("case=") {
            let variant = info
                .as_ref()
                .ok_or_else(|| bad("a case before the variant record"))?
                .name
                .clone();
            let ops = num("ops")?;
            let loop_instret = num("loop")?;
            let empty_instret = num("empty")?;
            let instret = loop_instret.saturating_sub(empty_instret);
            records.push(Record {
                case: text("case")?,
                group: text("group")?,
                variant,
                libstd: libstd.to_string(),
                ops,
                loop_instret,
                empty_instret,
                instret,
                instret_per_op: instret as f64 / ops.max(1) as f64,
                peak_heap: num("peak_heap")?,
                span: num("span")?,
                allocs: num("allocs")?,
                frees: num("frees")?,
                reallocs: num("reallocs")?,
            });
        } else if line.starts_with("done ") {
            done = Some(num("cases")?);
        }
    }
    let info = info.ok_or_else(|| BenchError::Parse {
        line: String::new(),
        reason: "no `variant` record".into(),
    })?;
    if done != Some(records.len() as u64) {
        return Err(BenchError::Parse {
            line: String::new(),
            reason: format!(
                "the run ended without `done cases={}` (truncated output?)",
                records.len()
            ),
        });
    }
    Ok((info, records))
}

/// The first line where two outputs differ (1-based number, and both lines).
fn first_difference(a: &str, b: &str) -> Option<(usize, String, String)> {
    let (mut la, mut lb) = (a.lines(), b.lines());
    for n in 1.. {
        match (la.next(), lb.next()) {
            (None, None) => return None,
            (x, y) if x == y => continue,
            (x, y) => {
                return Some((
                    n,
                    x.unwrap_or("<end>").to_string(),
                    y.unwrap_or("<end>").to_string(),
                ))
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// Building and running

/// The bench firmware crate's manifest.
pub fn bench_manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("firmware/bench/Cargo.toml")
}

/// The workspace root (for `cargo test` in `qualify`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("firmware-tests is inside the workspace")
        .to_path_buf()
}

/// The cargo target directory the suite's build script used (`target/`).
pub fn cargo_target_dir() -> PathBuf {
    crate::firmware_target_dir()
        .parent()
        .expect("the firmware target dir is inside the cargo target dir")
        .to_path_buf()
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

/// A runner for benchmarks: the suite's kernel, a fixed clock, and a time slice longer than
/// any run so that no timer interrupt lands inside a measured loop.
pub fn bench_runner(kernel: &Path) -> Runner {
    let mut r = Runner::new(kernel);
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
    let next = Mutex::new(0usize);
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, tasks.len().max(1)) {
            s.spawn(|| loop {
                let task = {
                    let mut n = next.lock().unwrap();
                    *n += 1;
                    tasks.get(*n - 1).copied()
                };
                let Some((v, r)) = task else { break };
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

/// Installs the libstd built with the producer's `release` profile (building it first, a
/// minute or two, when `target_dir/xous-libstd/release` is not current) into its own private
/// cache, `target_dir/xous-sysroot-cache-release`.
pub fn release_sysroot(toolchain: &Toolchain, target_dir: &Path) -> Result<Sysroot, BenchError> {
    let dist = LocalDist::new(target_dir)
        .profile(Profile::Release)
        .rustc(&toolchain.rustc)
        .cargo(&toolchain.cargo)
        .ensure()?;
    let cache = target_dir.join("xous-sysroot-cache-release");
    if dist.packaged_now && cache.exists() {
        // Same version, new build: the installer would keep the old one.
        fs::remove_dir_all(&cache).map_err(|e| BenchError::io("empty", &cache, e))?;
    }
    Ok(install_private(
        toolchain,
        &dist.dist_root.display().to_string(),
        &cache,
    )?)
}

/// Installs the libstd for `toolchain` from `dist_server` (a dist root path or URL) and from
/// nowhere else (no cache, no GitHub fallback: what is installed is that libstd or nothing)
/// into a private sysroot under `cache_dir`.
pub fn install_private(
    toolchain: &Toolchain,
    dist_server: &str,
    cache_dir: &Path,
) -> Result<Sysroot, xous_sysroot::Error> {
    let mut installer = Installer::new();
    installer
        .rustc(toolchain.rustc())
        .mode(Mode::Private)
        .cache_dir(cache_dir)
        .sources(vec![Source::DistServer(dist_server.to_string())]);
    installer.install()
}

// ---------------------------------------------------------------------------------------
// Rendering

fn fmt_per_op(x: f64) -> String {
    if x >= 1000.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn fmt_ratio(x: f64) -> String {
    format!("{x:.2}×")
}

fn fmt_kib(bytes: u64) -> String {
    if bytes >= 10 << 20 {
        format!("{:.1} MiB", bytes as f64 / (1 << 20) as f64)
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

/// Geometric mean (1.0 for an empty list).
pub fn geomean(xs: &[f64]) -> f64 {
    let xs: Vec<f64> = xs.iter().copied().filter(|x| *x > 0.0).collect();
    if xs.is_empty() {
        return 1.0;
    }
    (xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64).exp()
}

/// Ratios `variant / reference` per case of `group` (all groups with `None`).
fn ratios(
    report: &Report,
    variant: &str,
    libstd: &str,
    reference: (&str, &str),
    group: Option<&str>,
) -> Vec<f64> {
    report
        .cases()
        .iter()
        .filter(|(_, g)| group.is_none_or(|want| g == want))
        .filter_map(|(case, _)| {
            let v = report.get(case, variant, libstd)?;
            let r = report.get(case, reference.0, reference.1)?;
            (r.instret_per_op > 0.0).then(|| v.instret_per_op / r.instret_per_op)
        })
        .collect()
}

/// The Markdown report of a run: summary per variant, instructions per operation per case
/// and variant, the libstd profiles side by side, heap use, and how each variant is built.
pub fn markdown(report: &Report) -> String {
    let mut md = String::new();
    let primary = report.primary_libstd().unwrap_or("official").to_string();
    let variants = report.variant_names();
    let _ = writeln!(md, "# Benchmarks: libstd for rustc {}\n", report.rustc);
    let _ = writeln!(
        md,
        "Instructions retired per operation, net of an empty loop of the same length, on the \
         test kernel under QEMU `-icount shift=0` (exact counts). Every variant ran {} times \
         and the runs agreed exactly{}. Lower is better. Figures are for the `{primary}` \
         libstd unless a column says otherwise.\n",
        report.runs,
        if report.quick {
            " (quick mode: a tenth of the operations)"
        } else {
            ""
        }
    );
    for l in &report.libstds {
        let _ = writeln!(
            md,
            "- libstd `{}`: {} (sysroot `{}`{})",
            l.label,
            l.rustc,
            l.sysroot,
            if l.source.is_empty() {
                String::new()
            } else {
                format!(", from `{}`", l.source)
            }
        );
    }
    md.push('\n');

    // Summary.
    let _ = writeln!(
        md,
        "## Summary: cost relative to libstd's allocator (`system`)\n\n\
         Geometric mean over the cases of each variant's instructions per operation divided by \
         `system`'s. `bump` is the lower bound: a bump pointer behind the same lock and the \
         same counting wrapper.\n"
    );
    md.push_str("| variant | allocator | lock | realloc | memory | alloc cases | collection cases | all cases | whole run (instructions) |\n|---|---|---|---|---|---:|---:|---:|---:|\n");
    for v in &report.variants {
        let r = |g| {
            geomean(&ratios(
                report,
                &v.name,
                &primary,
                (REFERENCE_VARIANT, &primary),
                g,
            ))
        };
        let total = report
            .runs_detail
            .iter()
            .find(|x| x.variant == v.name && x.libstd == primary)
            .map_or(0, |x| x.total_instret);
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            v.name,
            v.allocator,
            v.lock,
            v.realloc,
            if v.memory == "arena" {
                format!("arena {}", fmt_kib(v.arena))
            } else {
                "heap (IncreaseHeap)".to_string()
            },
            fmt_ratio(r(Some("alloc"))),
            fmt_ratio(r(Some("collections"))),
            fmt_ratio(r(None)),
            total
        );
    }
    md.push('\n');

    // Per case.
    let _ = writeln!(
        md,
        "## Instructions per operation (`{primary}` libstd)\n\nThe cheapest allocator other \
         than the lower bound is in bold (unless all tie); the last column is what `system` \
         costs over the lower bound.\n"
    );
    let _ = write!(md, "| case | ops |");
    for v in &variants {
        let _ = write!(md, " {v} |");
    }
    md.push_str(" system ÷ bump |\n|---|---:|");
    for _ in &variants {
        md.push_str("---:|");
    }
    md.push_str("---:|\n");
    for (case, _) in report.cases() {
        let ops = report
            .records
            .iter()
            .find(|r| r.case == case)
            .map_or(0, |r| r.ops);
        let _ = write!(md, "| {case} | {ops} |");
        let best = variants
            .iter()
            .filter(|v| *v != LOWER_BOUND_VARIANT)
            .filter_map(|v| report.get(&case, v, &primary))
            .map(|r| r.instret_per_op)
            .fold(f64::INFINITY, f64::min);
        let all_tied = variants
            .iter()
            .filter(|v| *v != LOWER_BOUND_VARIANT)
            .filter_map(|v| report.get(&case, v, &primary))
            .all(|r| r.instret_per_op == best);
        for v in &variants {
            match report.get(&case, v, &primary) {
                Some(r) if r.instret_per_op == best && v != LOWER_BOUND_VARIANT && !all_tied => {
                    let _ = write!(md, " **{}** |", fmt_per_op(r.instret_per_op));
                }
                Some(r) => {
                    let _ = write!(md, " {} |", fmt_per_op(r.instret_per_op));
                }
                None => md.push_str(" – |"),
            }
        }
        match (
            report.get(&case, REFERENCE_VARIANT, &primary),
            report.get(&case, LOWER_BOUND_VARIANT, &primary),
        ) {
            (Some(s), Some(b)) if b.instret_per_op > 0.0 => {
                let _ = writeln!(md, " {} |", fmt_ratio(s.instret_per_op / b.instret_per_op));
            }
            _ => md.push_str(" – |\n"),
        }
    }
    md.push('\n');

    // Profiles.
    let others: Vec<&LibstdInfo> = report.libstds.iter().skip(1).collect();
    for other in others {
        let o = other.label.as_str();
        let _ = writeln!(
            md,
            "## libstd `{o}` against `{primary}`\n\nThe same firmware built against each \
             libstd. `{primary}` reproduces the Xous project's release job (debug assertions \
             on); a ratio below 1 is what `{o}` saves.\n"
        );
        let _ = write!(
            md,
            "| case | system `{primary}` | system `{o}` | ratio | bump `{primary}` | bump `{o}` | ratio |\n|---|---:|---:|---:|---:|---:|---:|\n"
        );
        for (case, _) in report.cases() {
            let cell = |v: &str, l: &str| report.get(&case, v, l).map(|r| r.instret_per_op);
            let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) if a > 0.0 => fmt_ratio(b / a),
                _ => "–".into(),
            };
            let show = |x: Option<f64>| x.map_or("–".into(), fmt_per_op);
            let (sp, so) = (cell("system", &primary), cell("system", o));
            let (bp, bo) = (cell("bump", &primary), cell("bump", o));
            let _ = writeln!(
                md,
                "| {case} | {} | {} | {} | {} | {} | {} |",
                show(sp),
                show(so),
                ratio(sp, so),
                show(bp),
                show(bo),
                ratio(bp, bo)
            );
        }
        md.push_str("\nGeometric mean of the ratio per variant:\n\n| variant | alloc cases | collection cases | all cases |\n|---|---:|---:|---:|\n");
        for v in &variants {
            let g = |group| {
                let xs = ratios(report, v, o, (v, &primary), group);
                if xs.is_empty() {
                    "–".to_string()
                } else {
                    fmt_ratio(geomean(&xs))
                }
            };
            let _ = writeln!(
                md,
                "| {v} | {} | {} | {} |",
                g(Some("alloc")),
                g(Some("collections")),
                g(None)
            );
        }
        md.push('\n');
    }

    // Heap.
    let _ = writeln!(
        md,
        "## Heap\n\n`peak heap`: the most requested bytes in use at once during the case (the \
         same for every allocator). The other columns: the address range the case's \
         allocations covered, i.e. the allocator's footprint with its headers, alignment and \
         fragmentation (`bump` never reuses memory within a pass).\n"
    );
    let _ = write!(md, "| case | peak heap |");
    for v in &variants {
        let _ = write!(md, " {v} |");
    }
    md.push_str("\n|---|---:|");
    for _ in &variants {
        md.push_str("---:|");
    }
    md.push('\n');
    for (case, _) in report.cases() {
        let peak = report
            .get(&case, REFERENCE_VARIANT, &primary)
            .or_else(|| report.records.iter().find(|r| r.case == case))
            .map_or(0, |r| r.peak_heap);
        let _ = write!(md, "| {case} | {} |", fmt_kib(peak));
        for v in &variants {
            match report.get(&case, v, &primary) {
                Some(r) => {
                    let _ = write!(md, " {} |", fmt_kib(r.span));
                }
                None => md.push_str(" – |"),
            }
        }
        md.push('\n');
    }
    md
}

const PALETTE: &[&str] = &[
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#637939",
];

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An SVG chart of instructions per operation: one group of horizontal bars per case, one
/// bar per variant of the primary libstd plus `system` against every other libstd, on a
/// logarithmic axis. Hovering a bar shows its exact value.
pub fn svg_chart(report: &Report) -> String {
    let primary = report.primary_libstd().unwrap_or("official").to_string();
    let mut series: Vec<(String, String)> = report
        .variant_names()
        .into_iter()
        .map(|v| (v, primary.clone()))
        .collect();
    for l in report.libstds.iter().skip(1) {
        series.push((REFERENCE_VARIANT.to_string(), l.label.clone()));
    }
    let cases = report.cases();
    let values: Vec<f64> = report
        .records
        .iter()
        .map(|r| r.instret_per_op)
        .filter(|x| *x > 0.0)
        .collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    let (d0, d1) = if values.is_empty() {
        (0, 1)
    } else {
        (
            lo.log10().floor() as i32,
            (hi.log10().ceil() as i32).max(lo.log10().floor() as i32 + 1),
        )
    };
    let (left, plot_w, right) = (230.0, 640.0, 30.0);
    let bar_h = 4.0;
    let group_gap = 8.0;
    let legend_rows = series.len().div_ceil(4);
    let top = 56.0 + 18.0 * legend_rows as f64 + 20.0;
    let group_h = bar_h * series.len() as f64 + group_gap;
    let height = top + group_h * cases.len() as f64 + 30.0;
    let width = left + plot_w + right;
    let x = |v: f64| left + plot_w * ((v.log10() - d0 as f64) / (d1 - d0) as f64).clamp(0.0, 1.0);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{left}" y="20" font-size="14" font-weight="bold">Instructions retired per operation (log scale, lower is better)</text>"#
    );
    let _ = writeln!(
        s,
        r#"<text x="{left}" y="38">rustc {} · libstd `{}` unless marked · exact counts under QEMU -icount</text>"#,
        xml_escape(&report.rustc),
        xml_escape(&primary)
    );
    for (i, (v, l)) in series.iter().enumerate() {
        let (col, row) = (i % 4, i / 4);
        let lx = left + col as f64 * 160.0;
        let ly = 52.0 + row as f64 * 18.0;
        let label = if *l == primary {
            v.clone()
        } else {
            format!("{v} ({l} libstd)")
        };
        let _ = writeln!(
            s,
            r#"<rect x="{lx}" y="{ly}" width="12" height="10" fill="{}"/><text x="{}" y="{}">{}</text>"#,
            PALETTE[i % PALETTE.len()],
            lx + 16.0,
            ly + 9.0,
            xml_escape(&label)
        );
    }
    // Decades.
    for d in d0..=d1 {
        let gx = x(10f64.powi(d));
        let _ = writeln!(
            s,
            r##"<line x1="{gx:.1}" y1="{:.1}" x2="{gx:.1}" y2="{:.1}" stroke="#ddd"/><text x="{gx:.1}" y="{:.1}" text-anchor="middle" fill="#555">{}</text><text x="{gx:.1}" y="{:.1}" text-anchor="middle" fill="#555">{}</text>"##,
            top - 6.0,
            height - 24.0,
            top - 9.0,
            10f64.powi(d),
            height - 10.0,
            10f64.powi(d)
        );
    }
    for (ci, (case, _)) in cases.iter().enumerate() {
        let gy = top + ci as f64 * group_h;
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 6.0,
            gy + (group_h - group_gap) / 2.0 + 4.0,
            xml_escape(case)
        );
        for (si, (v, l)) in series.iter().enumerate() {
            if let Some(r) = report.get(case, v, l) {
                if r.instret_per_op <= 0.0 {
                    continue;
                }
                let by = gy + si as f64 * bar_h;
                let _ = writeln!(
                    s,
                    r#"<rect x="{left}" y="{by:.1}" width="{:.1}" height="{bar_h}" fill="{}"><title>{} · {v} ({l} libstd): {} instructions/op</title></rect>"#,
                    (x(r.instret_per_op) - left).max(0.5),
                    PALETTE[si % PALETTE.len()],
                    xml_escape(case),
                    fmt_per_op(r.instret_per_op)
                );
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

// ---------------------------------------------------------------------------------------
// The gate

/// How a case changed against the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// More than the threshold worse: fails the gate.
    Regressed,
    /// More than the threshold better.
    Improved,
    /// Within the threshold.
    Unchanged,
    /// In the run but not in the baseline.
    New,
    /// In the baseline but not in the run: fails the gate.
    Missing,
}

/// One case and variant against the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Case name.
    pub case: String,
    /// Variant.
    pub variant: String,
    /// Baseline instructions per operation.
    pub baseline: Option<f64>,
    /// This run's.
    pub current: Option<f64>,
    /// Change in percent of the baseline.
    pub change_pct: Option<f64>,
    /// Baseline peak heap bytes.
    pub baseline_peak_heap: Option<u64>,
    /// This run's.
    pub current_peak_heap: Option<u64>,
    /// The verdict.
    pub verdict: Verdict,
}

/// A run against a baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Threshold in percent.
    pub threshold_pct: f64,
    /// The baseline's rustc.
    pub baseline_rustc: String,
    /// The run's rustc.
    pub current_rustc: String,
    /// Every case and variant in either.
    pub rows: Vec<Row>,
}

impl Comparison {
    /// Rows with this verdict.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.rows.iter().filter(|r| r.verdict == verdict).count()
    }

    /// No regression and nothing missing.
    pub fn passed(&self) -> bool {
        self.count(Verdict::Regressed) == 0 && self.count(Verdict::Missing) == 0
    }

    /// One line: the counts and the verdict.
    pub fn summary(&self) -> String {
        format!(
            "{}: {} regressed, {} improved, {} unchanged (threshold {}%), {} new, {} missing",
            if self.passed() { "PASS" } else { "FAIL" },
            self.count(Verdict::Regressed),
            self.count(Verdict::Improved),
            self.count(Verdict::Unchanged),
            self.threshold_pct,
            self.count(Verdict::New),
            self.count(Verdict::Missing)
        )
    }

    /// The diff table in Markdown: every row whose count or peak heap changed at all,
    /// regressions first.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(
            md,
            "Baseline: rustc {} · this run: rustc {}\n\n**{}**\n",
            self.baseline_rustc,
            self.current_rustc,
            self.summary()
        );
        let mut rows: Vec<&Row> = self
            .rows
            .iter()
            .filter(|r| {
                r.verdict != Verdict::Unchanged
                    || r.change_pct != Some(0.0)
                    || r.baseline_peak_heap != r.current_peak_heap
            })
            .collect();
        if rows.is_empty() {
            md.push_str("Every case retired exactly the baseline's instructions.\n");
            return md;
        }
        let rank = |v: Verdict| match v {
            Verdict::Regressed => 0,
            Verdict::Missing => 1,
            Verdict::Improved => 2,
            Verdict::New => 3,
            Verdict::Unchanged => 4,
        };
        rows.sort_by(|a, b| {
            rank(a.verdict).cmp(&rank(b.verdict)).then(
                b.change_pct
                    .unwrap_or(0.0)
                    .abs()
                    .total_cmp(&a.change_pct.unwrap_or(0.0).abs()),
            )
        });
        md.push_str("| case | variant | baseline/op | current/op | change | peak heap (baseline → current) | verdict |\n|---|---|---:|---:|---:|---:|---|\n");
        for r in rows {
            let heap = match (r.baseline_peak_heap, r.current_peak_heap) {
                (Some(a), Some(b)) if a == b => "=".to_string(),
                (Some(a), Some(b)) => format!("{a} → {b}"),
                _ => "–".to_string(),
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} |",
                r.case,
                r.variant,
                r.baseline.map_or("–".into(), fmt_per_op),
                r.current.map_or("–".into(), fmt_per_op),
                r.change_pct.map_or("–".into(), |c| format!("{c:+.2}%")),
                heap,
                match r.verdict {
                    Verdict::Regressed => "**regressed**",
                    Verdict::Improved => "improved",
                    Verdict::Unchanged => "within threshold",
                    Verdict::New => "new",
                    Verdict::Missing => "**missing**",
                }
            );
        }
        md
    }
}

/// Compares the `libstd` records of `current` with every record of `baseline` (a baseline
/// holds one libstd), case by case and variant by variant.
pub fn compare(
    baseline: &Report,
    current: &Report,
    libstd: &str,
    threshold_pct: f64,
) -> Comparison {
    let base_label = baseline.primary_libstd().unwrap_or_default().to_string();
    let key = |r: &Record| (r.case.clone(), r.variant.clone());
    let base: BTreeMap<_, &Record> = baseline
        .records
        .iter()
        .filter(|r| r.libstd == base_label)
        .map(|r| (key(r), r))
        .collect();
    let cur: BTreeMap<_, &Record> = current
        .records
        .iter()
        .filter(|r| r.libstd == libstd)
        .map(|r| (key(r), r))
        .collect();
    // Run order: the baseline's, then what is new.
    let mut order: Vec<(String, String)> = Vec::new();
    let mut seen = BTreeSet::new();
    for r in baseline.records.iter().chain(current.records.iter()) {
        let k = key(r);
        if (base.contains_key(&k) || cur.contains_key(&k)) && seen.insert(k.clone()) {
            order.push(k);
        }
    }
    let rows = order
        .into_iter()
        .map(|k| {
            let (b, c) = (base.get(&k), cur.get(&k));
            let change_pct = match (b, c) {
                (Some(b), Some(c)) if b.instret_per_op > 0.0 => {
                    // Rounded to 1e-6 %, so that a change of exactly the threshold is not
                    // pushed over it by floating-point error.
                    let pct = (c.instret_per_op / b.instret_per_op - 1.0) * 100.0;
                    Some((pct * 1e6).round() / 1e6)
                }
                (Some(b), Some(c)) if b.instret_per_op == c.instret_per_op => Some(0.0),
                _ => None,
            };
            let verdict = match (b, c, change_pct) {
                (None, _, _) => Verdict::New,
                (_, None, _) => Verdict::Missing,
                (_, _, Some(p)) if p > threshold_pct => Verdict::Regressed,
                (_, _, Some(p)) if p < -threshold_pct => Verdict::Improved,
                (_, _, Some(_)) => Verdict::Unchanged,
                // A zero baseline that is no longer zero.
                (_, _, None) => Verdict::Regressed,
            };
            Row {
                case: k.0,
                variant: k.1,
                baseline: b.map(|r| r.instret_per_op),
                current: c.map(|r| r.instret_per_op),
                change_pct,
                baseline_peak_heap: b.map(|r| r.peak_heap),
                current_peak_heap: c.map(|r| r.peak_heap),
                verdict,
            }
        })
        .collect();
    Comparison {
        threshold_pct,
        baseline_rustc: baseline.rustc.clone(),
        current_rustc: current.rustc.clone(),
        rows,
    }
}

/// The committed baseline for a rustc release: `firmware-tests/baselines/<release>.json`.
pub fn baseline_path(release: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("baselines")
        .join(format!("{release}.json"))
}

// ---------------------------------------------------------------------------------------
// Qualification

/// The results of one test binary in a `cargo test` log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestBinary {
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

/// A `cargo test` run of the suite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSummary {
    /// The command.
    pub command: String,
    /// cargo's exit status.
    pub status: Option<i32>,
    /// Per test binary.
    pub binaries: Vec<TestBinary>,
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

/// Reads a `cargo test` log (stdout and stderr interleaved): which binary ran, its libtest
/// summary, and the failed tests.
pub fn parse_test_log(log: &str) -> (Vec<TestBinary>, Vec<String>) {
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
            binaries.push(TestBinary {
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
            source,
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
        for s in &self.steps {
            let _ = writeln!(
                md,
                "| {} | {} | {} |",
                s.name,
                if s.ok { "ok" } else { "**FAILED**" },
                s.detail.replace('\n', " ").replace('|', "\\|")
            );
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
                    let _ = writeln!(
                        md,
                        "| {} | {} | {} | {} | {} |",
                        b.name,
                        if b.ok { "ok" } else { "**FAILED**" },
                        b.passed,
                        b.failed,
                        b.ignored
                    );
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

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "\
variant name=talc allocator=talc-5.1.1 lock=xous-swap realloc=own memory=arena arena=33554432
case=alloc_lifo group=alloc ops=100 loop=10400 empty=400 peak_heap=8192 span=9000 allocs=100 frees=100 reallocs=0
case=sort group=collections ops=10 loop=1000 empty=40 peak_heap=0 span=0 allocs=0 frees=0 reallocs=0
done cases=2
";

    fn report_of(records: Vec<Record>, libstds: &[&str]) -> Report {
        let mut variants: Vec<VariantInfo> = Vec::new();
        for r in &records {
            if !variants.iter().any(|v| v.name == r.variant) {
                variants.push(VariantInfo {
                    name: r.variant.clone(),
                    allocator: format!("{}-1.0", r.variant),
                    lock: "xous-swap".into(),
                    realloc: "own".into(),
                    memory: "arena".into(),
                    arena: 1 << 20,
                });
            }
        }
        Report {
            schema: SCHEMA,
            rustc: "1.96.0 (ac68faa 2026-05-25)".into(),
            runs: RUNS,
            quick: false,
            libstds: libstds
                .iter()
                .map(|l| LibstdInfo {
                    label: l.to_string(),
                    rustc: "1.96.0".into(),
                    sysroot: "/s".into(),
                    source: String::new(),
                })
                .collect(),
            variants,
            runs_detail: Vec::new(),
            records,
        }
    }

    fn rec(case: &str, variant: &str, libstd: &str, per_op: u64) -> Record {
        Record {
            case: case.into(),
            group: if case.starts_with("alloc") {
                "alloc"
            } else {
                "collections"
            }
            .into(),
            variant: variant.into(),
            libstd: libstd.into(),
            ops: 100,
            loop_instret: per_op * 100 + 400,
            empty_instret: 400,
            instret: per_op * 100,
            instret_per_op: per_op as f64,
            peak_heap: 4096,
            span: 5000,
            allocs: 100,
            frees: 100,
            reallocs: 0,
        }
    }

    #[test]
    fn firmware_output_becomes_records_net_of_the_empty_loop() {
        let (info, records) = parse_output(OUTPUT, "official").unwrap();
        assert_eq!(info.name, "talc");
        assert_eq!(info.arena, 32 << 20);
        assert_eq!(records.len(), 2);
        let r = &records[0];
        assert_eq!(
            (r.variant.as_str(), r.libstd.as_str()),
            ("talc", "official")
        );
        assert_eq!(r.instret, 10_000);
        assert_eq!(r.instret_per_op, 100.0);
        assert_eq!((r.peak_heap, r.span, r.allocs), (8192, 9000, 100));
    }

    #[test]
    fn truncated_or_malformed_output_is_refused() {
        let truncated = OUTPUT.replace("done cases=2\n", "");
        let err = parse_output(&truncated, "official").unwrap_err();
        assert!(err.to_string().contains("done cases=2"), "{err}");
        let bad = OUTPUT.replace("loop=1000 ", "loop=many ");
        let err = parse_output(&bad, "official").unwrap_err();
        assert!(err.to_string().contains("`loop` is not a number"), "{err}");
        let err = parse_output("case=x ops=1\n", "official").unwrap_err();
        assert!(err.to_string().contains("before the variant"), "{err}");
    }

    #[test]
    fn runs_that_differ_are_located_by_line() {
        assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
        assert_eq!(
            first_difference("a\nb\nc\n", "a\nB\nc\n"),
            Some((2, "b".into(), "B".into()))
        );
        assert_eq!(
            first_difference("a\n", "a\nb\n"),
            Some((2, "<end>".into(), "b".into()))
        );
    }

    #[test]
    fn the_gate_fails_on_a_regression_beyond_the_threshold_and_reports_improvements() {
        let baseline = report_of(
            vec![
                rec("alloc_a", "system", "official", 1000),
                rec("alloc_b", "system", "official", 1000),
                rec("alloc_c", "system", "official", 1000),
                rec("alloc_d", "system", "official", 1000),
                rec("gone", "system", "official", 10),
            ],
            &["official"],
        );
        let current = report_of(
            vec![
                rec("alloc_a", "system", "official", 1000),
                rec("alloc_b", "system", "official", 1011),
                rec("alloc_c", "system", "official", 980),
                rec("alloc_d", "system", "official", 1010),
                rec("new_case", "system", "official", 5),
                // Other libstds in the run are not compared.
                rec("alloc_a", "system", "release", 1),
            ],
            &["official", "release"],
        );
        let c = compare(&baseline, &current, "official", DEFAULT_THRESHOLD_PCT);
        let verdict = |case: &str| c.rows.iter().find(|r| r.case == case).unwrap().verdict;
        assert_eq!(verdict("alloc_a"), Verdict::Unchanged);
        assert_eq!(verdict("alloc_b"), Verdict::Regressed);
        assert_eq!(verdict("alloc_c"), Verdict::Improved);
        // Exactly at the threshold is not a regression.
        assert_eq!(verdict("alloc_d"), Verdict::Unchanged);
        assert_eq!(verdict("gone"), Verdict::Missing);
        assert_eq!(verdict("new_case"), Verdict::New);
        assert_eq!(c.rows.len(), 6);
        assert!(!c.passed());
        let b = c.rows.iter().find(|r| r.case == "alloc_b").unwrap();
        assert!((b.change_pct.unwrap() - 1.1).abs() < 1e-9);

        // A looser threshold lets 1.1% through; the missing case still fails.
        let loose = compare(&baseline, &current, "official", 2.0);
        assert_eq!(loose.count(Verdict::Regressed), 0);
        assert_eq!(loose.count(Verdict::Improved), 0);
        assert!(!loose.passed());

        // Against itself the gate passes with everything unchanged.
        let same = compare(&baseline, &baseline, "official", DEFAULT_THRESHOLD_PCT);
        assert!(same.passed());
        assert_eq!(same.count(Verdict::Unchanged), 5);
        assert!(same.markdown().contains("exactly the baseline"));
    }

    #[test]
    fn the_diff_table_lists_regressions_first_and_omits_identical_rows() {
        let baseline = report_of(
            vec![
                rec("alloc_a", "talc", "official", 100),
                rec("alloc_b", "talc", "official", 100),
                rec("alloc_c", "talc", "official", 100),
            ],
            &["official"],
        );
        let current = report_of(
            vec![
                rec("alloc_a", "talc", "official", 90),
                rec("alloc_b", "talc", "official", 100),
                rec("alloc_c", "talc", "official", 150),
            ],
            &["official"],
        );
        let md = compare(&baseline, &current, "official", 1.0).markdown();
        assert!(
            md.contains("FAIL: 1 regressed, 1 improved, 1 unchanged"),
            "{md}"
        );
        let regressed = md
            .find("| alloc_c | talc | 100.0 | 150.0 | +50.00% |")
            .unwrap();
        let improved = md
            .find("| alloc_a | talc | 100.0 | 90.0 | -10.00% |")
            .unwrap();
        assert!(regressed < improved, "{md}");
        assert!(!md.contains("| alloc_b |"), "{md}");
    }

    #[test]
    fn markdown_shows_every_variant_the_lower_bound_and_the_profiles() {
        let mut records = Vec::new();
        for (v, x) in [("system", 200), ("talc", 100), ("bump", 50)] {
            records.push(rec("alloc_lifo", v, "official", x));
            records.push(rec("sort", v, "official", x * 2));
        }
        records.push(rec("alloc_lifo", "system", "release", 150));
        records.push(rec("sort", "system", "release", 400));
        records.push(rec("alloc_lifo", "bump", "release", 50));
        let report = report_of(records, &["official", "release"]);
        let md = markdown(&report);
        assert!(
            md.contains("| case | ops | system | talc | bump | system ÷ bump |"),
            "{md}"
        );
        // talc is the cheapest real allocator; bump is never bolded; system is 4x the bound.
        assert!(
            md.contains("| alloc_lifo | 100 | 200.0 | **100.0** | 50.0 | 4.00× |"),
            "{md}"
        );
        assert!(
            md.contains("| alloc_lifo | 200.0 | 150.0 | 0.75× | 50.0 | 50.0 | 1.00× |"),
            "{md}"
        );
        // Summary: talc costs half of system in both groups.
        assert!(
            md.contains(
                "| talc | talc-1.0 | xous-swap | own | arena 1024.0 KiB | 0.50× | 0.50× | 0.50× |"
            ),
            "{md}"
        );
        assert!(md.contains("## Heap"), "{md}");
    }

    #[test]
    fn the_chart_has_a_bar_per_case_and_series() {
        let mut records = Vec::new();
        for v in ["system", "talc", "bump"] {
            records.push(rec("alloc_lifo", v, "official", 120));
            records.push(rec("sort", v, "official", 7));
        }
        records.push(rec("sort", "system", "release", 6));
        let report = report_of(records, &["official", "release"]);
        let svg = svg_chart(&report);
        assert!(svg.starts_with("<svg "));
        assert!(svg.trim_end().ends_with("</svg>"));
        // 2 cases x 3 variants + 1 release bar.
        assert_eq!(svg.matches("<title>").count(), 7);
        assert!(svg.contains("sort · system (release libstd): 6.0 instructions/op"));
        assert!(svg.contains("system (release libstd)</text>"));
    }

    #[test]
    fn reports_round_trip_through_json_and_baselines_keep_one_libstd() {
        let report = report_of(
            vec![
                rec("alloc_a", "system", "official", 3),
                rec("alloc_a", "system", "release", 2),
            ],
            &["official", "release"],
        );
        let dir = std::env::temp_dir().join(format!("xous-bench-json-{}", std::process::id()));
        let path = dir.join("sub/report.json");
        report.write(&path).unwrap();
        assert_eq!(Report::read(&path).unwrap(), report);
        let base = report.only_libstd("official");
        assert_eq!(base.records.len(), 1);
        assert_eq!(base.libstds.len(), 1);
        fs::write(&path, "{}").unwrap();
        let err = Report::read(&path).unwrap_err();
        assert!(
            err.to_string().contains("is not a benchmark report"),
            "{err}"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn geometric_mean() {
        assert!((geomean(&[2.0, 8.0]) - 4.0).abs() < 1e-12);
        assert_eq!(geomean(&[]), 1.0);
    }

    #[test]
    fn cargo_test_logs_give_results_per_binary_and_failures() {
        let log = "   Compiling firmware-tests v0.1.0
     Running unittests src/lib.rs (target/debug/deps/firmware_tests-1)

running 2 tests
test bench::tests::a ... ok
test bench::tests::b ... ok

test result: ok. 2 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s

     Running tests/conformance.rs (target/debug/deps/conformance-2)

running 3 tests
test alloc_x ... ok
test text_utf8 ... FAILED
test runtime_sleep ... ok

failures:

---- text_utf8 stdout ----
boom

test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 3.2s

   Doc-tests firmware_tests

running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
";
        let (binaries, failures) = parse_test_log(log);
        assert_eq!(
            binaries,
            vec![
                TestBinary {
                    name: "unittests src/lib.rs".into(),
                    ok: true,
                    passed: 2,
                    failed: 0,
                    ignored: 1
                },
                TestBinary {
                    name: "tests/conformance.rs".into(),
                    ok: false,
                    passed: 2,
                    failed: 1,
                    ignored: 0
                },
                TestBinary {
                    name: "doc-tests firmware_tests".into(),
                    ok: true,
                    passed: 0,
                    failed: 0,
                    ignored: 0
                },
            ]
        );
        assert_eq!(failures, vec!["text_utf8".to_string()]);
    }

    #[test]
    fn the_qualify_report_names_the_failed_step() {
        let mut q = QualifyReport {
            candidate: "target/dist".into(),
            rustc: "1.96.0".into(),
            baseline: "baselines/1.96.0.json".into(),
            steps: vec![
                Step {
                    name: "install".into(),
                    ok: true,
                    detail: "private sysroot".into(),
                },
                Step {
                    name: "test suite".into(),
                    ok: false,
                    detail: "1 failed".into(),
                },
            ],
            tests: None,
            bench: None,
            bench_report: None,
            seconds: 1.0,
        };
        assert!(!q.passed());
        let md = q.markdown();
        assert!(md.contains("Verdict: **FAIL**"), "{md}");
        assert!(
            md.contains("| test suite | **FAILED** | 1 failed |"),
            "{md}"
        );
        q.steps[1].ok = true;
        assert!(q.passed());
        let json = serde_json::to_string(&q).unwrap();
        assert_eq!(serde_json::from_str::<QualifyReport>(&json).unwrap(), q);
    }

    /// Builds `bench-system` and runs it in quick mode three times: the records must agree
    /// exactly, and every case must be there (the full runs are `xous-bench`'s job).
    #[test]
    fn the_system_variant_repeats_exactly_in_quick_mode() {
        let dir = cargo_target_dir().join("xous-bench/unit-test");
        let fw = build_firmware(&crate::toolchain(), &crate::sysroot(), &dir, true).unwrap();
        assert_eq!(fw.len(), 1);
        let runner = bench_runner(crate::kernel());
        let (info, run, records) =
            run_variant(&runner, &fw[0], "official", RUNS, &["--quick".to_string()]).unwrap();
        assert_eq!(info.name, "system");
        assert_eq!(info.memory, "heap");
        assert_eq!(run.wall_ms.len(), RUNS);
        assert!(records.len() >= 40, "{records:?}");
        for r in &records {
            assert!(r.instret_per_op > 0.0, "{r:?}");
        }
    }
}
