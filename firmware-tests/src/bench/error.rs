//! The error type of the benchmark tooling.

use std::path::{Path, PathBuf};
use test_harness::HarnessError;

use super::gate::Incomparable;

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
    #[error("could not {what} '{path}': {error}")]
    Io {
        /// What was tried.
        what: &'static str,
        /// Where.
        path: PathBuf,
        /// Why it failed.
        error: std::io::Error,
    },
    /// A JSON file is not a benchmark report.
    #[error("'{path}' is not a benchmark report: {error}\nhelp: write it with `xous-bench run` or `xous-bench gate --update-baseline`")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parse error.
        error: serde_json::Error,
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
    /// `--variants` named a variant the firmware does not have.
    #[error("unknown variant `{variant}`; the firmware has: {available}")]
    UnknownVariant {
        /// The name asked for.
        variant: String,
        /// The variants built, comma-separated.
        available: String,
    },
    /// The run and the baseline cannot be compared.
    #[error(transparent)]
    Incomparable(#[from] Incomparable),
    /// The test suite could not be started.
    #[error("could not run `{command}`: {error}")]
    Spawn {
        /// The command.
        command: String,
        /// Why.
        error: std::io::Error,
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
    pub(crate) fn io(what: &'static str, path: &Path, source: std::io::Error) -> BenchError {
        BenchError::Io {
            what,
            path: path.to_path_buf(),
            error: source,
        }
    }
}
