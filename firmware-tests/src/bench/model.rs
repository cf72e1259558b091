//! The data of a benchmark run: one [`Record`] per case, variant and libstd, gathered in a
//! [`Report`], which is also the baseline format (JSON, see [`super::SCHEMA`]).

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use xous_sysroot::Sysroot;

use super::{write_file, BenchError, MeasureOptions, Measured, SCHEMA};
use crate::emulator::Emulator;

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
    /// Which libstd (`official`, `debug-assertions`, `candidate`, ...).
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
    /// The build profile its build record names (`official`, `debug-assertions`), or
    /// [`UNKNOWN_PROFILE`] when it has none. Reports older than schema 2 did not record it:
    /// they are all of the official profile.
    #[serde(default = "official_profile")]
    pub profile: String,
    /// The profile's revision its build record names (0 without a record). Reports older
    /// than schema 3 did not record it: they are all of revision 1, when `official` had debug
    /// assertions on.
    #[serde(default = "first_revision")]
    pub profile_revision: u32,
}

impl LibstdInfo {
    /// The profile and its revision, as people read them: `official (revision 2)`.
    pub fn profile_identity(&self) -> String {
        format!("{} (revision {})", self.profile, self.profile_revision)
    }
}

/// [`LibstdInfo::profile`] of a libstd without a build record.
pub const UNKNOWN_PROFILE: &str = "unknown";

fn official_profile() -> String {
    xous_sysroot_build::Profile::Official.name().to_string()
}

fn first_revision() -> u32 {
    1
}

fn qemu() -> String {
    "qemu".to_string()
}

impl LibstdInfo {
    /// The description of `sysroot` under `label`, with its profile read from the build
    /// record installed with it.
    pub fn of(label: &str, sysroot: &Sysroot, source: &str) -> LibstdInfo {
        let (profile, profile_revision) =
            xous_sysroot_build::BuildInfo::read(&sysroot.target_dir()).map_or_else(
                |_| (UNKNOWN_PROFILE.to_string(), 0),
                |i| (i.profile.name().to_string(), i.profile_revision),
            );
        LibstdInfo {
            label: label.into(),
            rustc: sysroot.rustc.clone(),
            sysroot: sysroot.path.display().to_string(),
            source: source.into(),
            profile,
            profile_revision,
        }
    }
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
    /// The emulator that produced the counts (`qemu` or `renode`, [`Emulator::name`]);
    /// `qemu` in reports older than schema 2.
    #[serde(default = "qemu")]
    pub emulator: String,
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
    /// An empty report of a run with `options` on `emulator`, for the firmware rustc `rustc`.
    pub fn new(rustc: String, emulator: &Emulator, options: &MeasureOptions) -> Report {
        Report {
            schema: SCHEMA,
            rustc,
            emulator: emulator.name().to_string(),
            runs: options.runs,
            quick: options.quick,
            libstds: Vec::new(),
            variants: Vec::new(),
            runs_detail: Vec::new(),
            records: Vec::new(),
        }
    }

    /// Adds what was measured against one libstd.
    pub fn add(&mut self, libstd: LibstdInfo, measured: Measured) {
        self.libstds.push(libstd);
        for v in measured.variants {
            if !self.variants.iter().any(|x| x.name == v.name) {
                self.variants.push(v);
            }
        }
        self.runs_detail.extend(measured.runs);
        self.records.extend(measured.records);
    }

    /// Whether the counts come from Renode rather than QEMU.
    pub fn is_renode(&self) -> bool {
        self.emulator == "renode"
    }

    /// The libstd labelled `label`.
    pub fn libstd(&self, label: &str) -> Option<&LibstdInfo> {
        self.libstds.iter().find(|l| l.label == label)
    }

    /// Reads a report (or baseline) from JSON.
    pub fn read(path: &Path) -> Result<Report, BenchError> {
        let text = fs::read_to_string(path).map_err(|e| BenchError::io("read", path, e))?;
        serde_json::from_str(&text).map_err(|source| BenchError::Json {
            path: path.to_path_buf(),
            error: source,
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

    pub(crate) fn variant_names(&self) -> Vec<String> {
        self.variants.iter().map(|v| v.name.clone()).collect()
    }
}

#[cfg(test)]
mod tests;
