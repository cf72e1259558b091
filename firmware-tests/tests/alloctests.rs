//! Rust's own library tests from the firmware toolchain's `rust-src` — all of
//! `library/alloctests` and the collection tests of `library/coretests` — built as
//! libtest binaries for the target and run on the test kernel on the emulator
//! `firmware_tests::emulator` selects (QEMU unless `XOUS_RUN_BACKEND=renode`).
//!
//! Fails on a test failure that `alloctests-expectations.toml` does not list, on a listed
//! test that passes, and on a listed test that no longer runs. Tests the file marks slow
//! are left out unless `XOUS_ALLOCTESTS_FULL=1`.

use firmware_tests::alloctests::{self, Expectations, RunConfig, SUITES};
use firmware_tests::{firmware_target_dir, runner, sysroot, toolchain};
use std::time::Instant;

#[test]
fn alloctests() {
    let expectations =
        Expectations::load(&alloctests::expectations_path()).unwrap_or_else(|e| panic!("{e}"));
    let toolchain = toolchain();
    let library = alloctests::rust_src_library(&toolchain).unwrap_or_else(|e| panic!("{e}"));

    let started = Instant::now();
    let dir = firmware_target_dir().join("rust-library-tests");
    let binaries = alloctests::build_all(&toolchain, &sysroot(), &library, SUITES, &dir)
        .unwrap_or_else(|e| panic!("{e}"));
    let build_time = started.elapsed();
    eprintln!(
        "alloctests: built {} binaries from {} in {:.1} s",
        binaries.len(),
        library.display(),
        build_time.as_secs_f64()
    );

    let config = RunConfig {
        full: alloctests::full_from_env(),
        ..RunConfig::default()
    };
    let report = alloctests::run(&binaries, &runner(), &expectations, &config)
        .unwrap_or_else(|e| panic!("{e}"));
    let verdict = alloctests::compare(&report, &expectations);
    eprintln!("{}", alloctests::details(&report, 10));
    for r in &verdict.expected_failures {
        let why = expectations
            .failure(&r.binary, &r.name)
            .map(|k| k.reason.as_str())
            .unwrap_or("");
        eprintln!("  expected failure {} {}: {why}", r.binary, r.name);
    }
    eprintln!(
        "alloctests: build {:.1} s, run {:.1} s{}",
        build_time.as_secs_f64(),
        report.wall_time.as_secs_f64(),
        if config.full { " (full)" } else { "" }
    );
    eprintln!("alloctests: {}", verdict.summary());
    assert!(
        verdict.ok(),
        "Rust's library tests on the target:\n{}",
        verdict.problems()
    );
}
