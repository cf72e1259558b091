//! Allocator and collection benchmarks of a libstd on the test kernel, and the release gate.
//!
//! Reading order, one job per file:
//! - [`model`]: the data of a run ([`Record`], [`Report`]): the JSON `xous-bench run`
//!   writes, and the baseline format.
//! - [`parse`]: the firmware's output lines → [`Record`]s.
//! - [`run`]: [`build_firmware`] builds `firmware/bench` (one `bench-<variant>` binary per
//!   global allocator) against a libstd; [`run_variants`] boots each binary [`RUNS`] times
//!   and insists that the runs agree exactly (instruction counts under QEMU `-icount` are
//!   exact); [`measure`] does both for one libstd.
//! - [`report`]: [`markdown`] and [`svg_chart`] render a report.
//! - [`gate`]: [`compare`] holds a run to a committed baseline, failing when any case
//!   retires more than a threshold (default [`DEFAULT_THRESHOLD_PCT`]) more instructions
//!   per operation; it refuses to compare counts of different emulators, libstd profiles
//!   or run lengths.
//! - [`qualify`]: `xous-bench qualify`: install a candidate, run the test suite and the
//!   benchmarks, one [`QualifyReport`].
//!
//! The metric is instructions retired per operation, net of an empty loop of the same length;
//! emulated wall time is recorded but never compared.

mod error;
pub mod gate;
pub mod model;
pub mod parse;
pub mod qualify;
pub mod report;
pub mod run;

pub use error::BenchError;
pub use gate::{baseline_path, compare, Comparison, Incomparable, Row, Verdict};
pub use model::{LibstdInfo, Record, Report, VariantInfo, VariantRun};
pub use parse::parse_output;
pub use qualify::{qualify, run_test_suite, QualifyOptions, QualifyReport, Step, TestSummary};
pub use report::{geomean, markdown, svg_chart, write_outputs};
pub use run::{
    bench_manifest, bench_runner, build_firmware, fresh_target_dir, measure, run_variant,
    run_variants, sysroot_fingerprint, Firmware, MeasureOptions, Measured,
};

use std::fs;
use std::path::Path;

/// How many times each variant runs; all runs must print exactly the same records.
pub const RUNS: usize = 3;

/// The gate's default threshold in percent of instructions per operation.
pub const DEFAULT_THRESHOLD_PCT: f64 = 1.0;

/// Version of the JSON layout of [`Report`]. Version 2 added [`Report::emulator`] and
/// [`LibstdInfo::profile`]; files of version 1 are read as QEMU counts of the official
/// profile, which is what they are. Version 3 added [`LibstdInfo::profile_revision`]; older
/// files are read as revision 1 (`official` with debug assertions on), which is what they are.
pub const SCHEMA: u32 = 3;

/// The variants in the order the tables show them: libstd's allocator, the same algorithm
/// over an arena, the peers, and the lower bound last.
pub const VARIANT_ORDER: &[&str] = &[
    "system", "dlmalloc", "talc", "rlsf", "etlsf", "lla", "llff", "buddy", "emballoc", "bump",
];

/// The variant every ratio is taken against.
pub const REFERENCE_VARIANT: &str = "system";

/// The variant that gives the lower bound.
pub const LOWER_BOUND_VARIANT: &str = "bump";

/// Writes `text` to `path`, creating the parent directory.
pub fn write_file(path: &Path, text: &str) -> Result<(), BenchError> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| BenchError::io("create", dir, e))?;
    }
    fs::write(path, text).map_err(|e| BenchError::io("write", path, e))
}

#[cfg(test)]
mod test_support;
