//! Rust's own library tests from the firmware toolchain's `rust-src` — all of
//! `library/alloctests` and the collection tests of `library/coretests` — built as
//! libtest binaries for the target and run on the test kernel on the emulator
//! `firmware_tests::emulator` selects (QEMU unless `XOUS_RUN_BACKEND=renode`).
//!
//! Fails on a test failure that `alloctests-expectations.toml` does not list, on a listed
//! test that passes, and on a listed test that no longer runs. Tests the file marks slow
//! are left out unless `XOUS_ALLOCTESTS_FULL=1`.
//!
//! On the real Xous (`XOUS_RUN_BACKEND=xous-core`), which passes a program no arguments and
//! so no test filter, each binary none of whose tests is left out runs whole in one boot,
//! with xous-core's kernel built with its `big-heap` feature (the default 512 KiB heap cap
//! is too small for these tests); the others are not run there, and say why.

use firmware_tests::alloctests::{self, Expectations, RunConfig, RunReport, TestBinary, SUITES};
use firmware_tests::emulator::Emulator;
use firmware_tests::{firmware_target_dir, on_real_xous, runner, runner_on, sysroot, toolchain};
use std::time::{Duration, Instant};

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
    let report = if on_real_xous() {
        run_on_real_xous(&binaries, &expectations, &config)
    } else {
        alloctests::run(&binaries, &runner(), &expectations, &config)
            .unwrap_or_else(|e| panic!("{e}"))
    };
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

/// The whole-binary runs on the real Xous (see the module's docs): each binary's tests are
/// listed on the test kernel under QEMU, and must all be reported by the one boot.
fn run_on_real_xous(
    binaries: &[TestBinary],
    expectations: &Expectations,
    config: &RunConfig,
) -> RunReport {
    let started = Instant::now();
    let lister = runner_on(&Emulator::default());
    let mut real = runner();
    real.xous_core_kernel_feature("big-heap");
    let mut report = RunReport::default();
    for bin in binaries {
        let all = alloctests::list(bin, &lister, config).unwrap_or_else(|e| panic!("{e}"));
        let listed = all.len();
        let (tests, slow, not_selected) =
            alloctests::select_tests(bin, all, expectations, config.full);
        if tests.len() != listed {
            eprintln!(
                "alloctests: {}: not run on real Xous: {slow} of its tests are marked slow and {not_selected} are outside its selection, and real Xous passes no test filter",
                bin.name
            );
            continue;
        }
        let (results, boot, error) =
            alloctests::run_whole(bin, &tests, &real, Duration::from_secs(900))
                .unwrap_or_else(|e| panic!("{e}"));
        eprintln!(
            "alloctests: {} on real Xous: {} tests in {:.1} s, {}",
            bin.name,
            results.len(),
            boot.wall_time.as_secs_f64(),
            boot.exit
        );
        report.skipped_slow.insert(bin.name.clone(), 0);
        report.not_selected.insert(bin.name.clone(), 0);
        report.results.extend(results);
        report.boots.push(boot);
        report.errors.extend(error);
    }
    assert!(!report.boots.is_empty(), "no binary ran whole on real Xous");
    report.wall_time = started.elapsed();
    report
}
