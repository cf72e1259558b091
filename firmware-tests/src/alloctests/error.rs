//! The error type of the alloc tests: failures of the build or of the harness, never a
//! test verdict.

use std::path::{Path, PathBuf};
use test_harness::HarnessError;

/// A failure of the build or of the harness (not a test verdict).
#[derive(Debug, thiserror::Error)]
pub enum AllocTestsError {
    /// A file could not be read or written.
    #[error("could not {what} {}: {error}", path.display())]
    Io {
        /// What was tried.
        what: &'static str,
        /// Where.
        path: PathBuf,
        /// Why it failed.
        error: std::io::Error,
    },
    /// `rustc --print sysroot` could not run or failed.
    #[error("could not ask {} for its sysroot: {detail}", rustc.display())]
    RustcSysroot {
        /// The rustc.
        rustc: PathBuf,
        /// Its error or stderr.
        detail: String,
    },
    /// The toolchain's `rust-src` lacks a test crate.
    #[error("the firmware toolchain's rust-src has no {krate} ({} is missing)\nhelp: install the toolchain's rust-src (Debian: rust-web-src)", manifest.display())]
    NoRustSrc {
        /// The crate.
        krate: String,
        /// The manifest that is not there.
        manifest: PathBuf,
    },
    /// Upstream's manifest cannot be wrapped.
    #[error("{krate}'s manifest {reason}")]
    Manifest {
        /// The crate.
        krate: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The expectations file is not valid.
    #[error("{}: {message}", path.display())]
    Expectations {
        /// The file (or `<text>` for text given directly).
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Building or running firmware failed.
    #[error(transparent)]
    Harness(Box<HarnessError>),
    /// cargo built no test binary for a target of a suite.
    #[error("cargo built no test binary for `{target}` of {krate}: {artifacts}")]
    NoTestBinary {
        /// The cargo target.
        target: String,
        /// The crate.
        krate: String,
        /// What cargo built.
        artifacts: String,
    },
    /// A binary's `--list` failed.
    #[error("listing the tests of {binary} failed:\n{report}")]
    ListFailed {
        /// The binary's report name.
        binary: String,
        /// The harness's account of the run.
        report: String,
    },
    /// A build thread panicked.
    #[error("a build thread panicked")]
    BuildPanicked,
}

impl From<HarnessError> for AllocTestsError {
    fn from(e: HarnessError) -> Self {
        AllocTestsError::Harness(Box::new(e))
    }
}

impl AllocTestsError {
    pub(crate) fn io(what: &'static str, path: &Path, source: std::io::Error) -> Self {
        AllocTestsError::Io {
            what,
            path: path.to_path_buf(),
            error: source,
        }
    }
}
