//! `examples/xous-service`, a Xous service written as xous-core lays one out, on the
//! test kernel: its libtest binaries (what `cargo xous test` runs) pass on the target,
//! and the program prints its results and its `log::info!` lines (`cargo xous run`).

use firmware_tests::{firmware_target_dir, runner, sysroot, toolchain};
use std::path::{Path, PathBuf};
use test_harness::{Artifact, Exit, FirmwareBuild};

fn manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/xous-service/Cargo.toml")
}

/// The example built for the target in the dev profile, as `cargo xous` builds it.
fn build(tests: bool) -> Vec<Artifact> {
    FirmwareBuild::new(manifest(), &toolchain(), &sysroot(), firmware_target_dir())
        .release(false)
        .tests(tests)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn its_tests_pass_on_the_target() {
    let binaries: Vec<Artifact> = build(true).into_iter().filter(|a| a.test).collect();
    assert_eq!(binaries.len(), 2, "the library's and the server's tests");
    let mut passed = 0;
    for bin in &binaries {
        let out = runner().run(&bin.path).unwrap();
        assert_eq!(out.exit, Exit::Exited(0), "{}", out.report());
        let stdout = out.stdout();
        let summary = stdout
            .lines()
            .find(|l| l.starts_with("test result: ok."))
            .unwrap_or_else(|| panic!("no summary:\n{}", out.report()));
        let n: usize = summary["test result: ok. ".len()..]
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap();
        passed += n;
        assert!(out.kernel_log().is_empty(), "{}", out.report());
    }
    assert_eq!(passed, 6, "2 library tests and 4 server tests");
}

#[test]
fn it_prints_its_results_and_its_log_lines() {
    let elf = build(false)
        .into_iter()
        .find(|a| a.name == "xous-service")
        .expect("the xous-service executable");
    let out = runner().run(&elf.path).unwrap();
    assert_eq!(out.exit, Exit::Exited(0), "{}", out.report());
    assert_eq!(
        out.stdout(),
        "2 + 3 = 5\nuppercase: HELLO, XOUS\ntally 10 after 7 messages\nthe server handled 8 messages\n"
    );
    let stderr = out.stderr();
    for line in [
        "INFO:xous_service: my PID is 2 (src/main.rs:",
        "INFO:xous_service: registered as _Xous Service Example_ (src/main.rs:",
        "INFO:xous_service: stopped after 8 messages (src/main.rs:",
        "INFO:xous_service: done in ",
    ] {
        assert!(stderr.contains(line), "missing `{line}`:\n{}", out.report());
    }
}
