//! Rust's own library tests, built from the firmware toolchain's `rust-src` as libtest
//! binaries for the target and run on the test kernel: all of `library/alloctests`, and
//! the collection tests (`array::`, `iter::`, `slice::`) of `library/coretests`.
//!
//! The steps, each usable on its own, one file each:
//! - [`suites`]: which upstream crates and binaries run ([`SUITES`]).
//! - [`wrapper`]: [`rust_src_library`] finds `library/` in the toolchain's `rust-src`;
//!   [`write_wrapper`] generates a one-package cargo workspace under the firmware target
//!   directory whose manifest is upstream's (`alloctests/Cargo.toml`, ...) with every
//!   target path made absolute, so that rustc reads the sources (and their
//!   `#[path = "../alloc/..."]` modules) where they are: nothing of Rust's source is
//!   copied. The lock file is upstream's (`library/Cargo.lock`), so `rand` and
//!   `rand_xorshift` keep the versions Rust's CI uses (they are not in `library/vendor`:
//!   cargo fetches them once from the registry). [`build`] runs `cargo test --no-run
//!   --release` for the target against the installed sysroot with `RUSTC_BOOTSTRAP=1`
//!   and returns the libtest binaries; [`build_all`] builds several [`Suite`]s at once,
//!   each in its own target directory.
//! - [`expectations`]: the `alloctests-expectations.toml` file: the tests known to fail on
//!   this target and the ones left out as slow.
//! - [`run`]: lists each binary's tests, keeps the suite's selection, leaves out the
//!   tests the expectations file marks slow (unless asked for everything), shards the
//!   rest over parallel boots of the test kernel (the crate's [`crate::pool`]) and reads
//!   libtest's JSON events ([`crate::libtest`]). A test that takes its whole boot down
//!   (fault, abort, hang) is recorded as crashed and the boot is restarted with the tests
//!   that did not run yet.
//! - [`verdict`]: [`compare`] turns results and expectations into a [`Verdict`]: a failure
//!   not listed, or a listed test that passes, fails the suite.

mod error;
pub mod expectations;
pub mod run;
pub mod suites;
pub mod verdict;
pub mod wrapper;

pub use crate::libtest::Outcome;
pub use error::AllocTestsError;
pub use expectations::{expectations_path, Expectations, KnownFailure, SlowTests};
pub use run::{list, run, run_whole, select_tests, Boot, RunConfig, RunReport, TestResult};
pub use suites::{
    binary_names, full_from_env, Binary, Suite, Target, ALLOCTESTS, CORETESTS_COLLECTIONS,
    FULL_ENV, SUITES,
};
pub use verdict::{compare, details, Verdict};
pub use wrapper::{
    build, build_all, rust_src_library, wrapper_manifest, write_wrapper, TestBinary,
};

#[cfg(test)]
mod test_support;
