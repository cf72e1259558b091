//! The `xous-core` backend on the real Xous: xous-core's kernel, loader and services built
//! from a checkout with its own xtask, booted under Renode.
//!
//! The checkout and Renode come from `XOUS_CORE_DIR` (and `XOUS_CORE_GIT_DESCRIBE`,
//! `XOUS_RUN_EMULATOR`) or from what `scripts/install-real-xous` installed; without
//! either, every test prints one line saying why and passes without running anything.
//! libstd is `test_harness::local_sysroot` (shared with the other tests) and the programs
//! are `tests/firmware`'s, built once.

#[path = "firmware/src/checksum.rs"]
mod checksum;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;
use test_harness::xous_core::{RealXous, KERNEL_TAG};
use test_harness::{local_sysroot, Exit, FirmwareBuild, RunOutput, Runner, Toolchain, XousCore};

struct Setup {
    xous_core: XousCore,
    sysroot: xous_sysroot::Sysroot,
    renode: PathBuf,
    firmware: HashMap<String, PathBuf>,
    build: FirmwareBuild,
}

/// The real Xous and the programs, or `None` (after one line saying why) without one.
fn setup() -> Option<&'static Setup> {
    static SETUP: OnceLock<Option<Setup>> = OnceLock::new();
    SETUP
        .get_or_init(|| {
            let target_dir = test_harness::cargo_target_dir().expect("inside a cargo target dir");
            let real = match RealXous::find(&target_dir) {
                Ok(real) => real,
                Err(why) => {
                    eprintln!("skipped: {why}");
                    return None;
                }
            };
            let toolchain = Toolchain::from_env().unwrap();
            let sysroot = local_sysroot(&toolchain, &target_dir).unwrap();
            let xous_dir = target_dir.join("xous-firmware");
            let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/firmware/Cargo.toml");
            let build = FirmwareBuild::new(manifest, &toolchain, &sysroot, &xous_dir);
            let firmware = build
                .build()
                .unwrap()
                .into_iter()
                .map(|a| (a.name, a.path))
                .collect();
            Some(Setup {
                xous_core: real.setup(toolchain, &sysroot.path),
                sysroot,
                renode: real.renode,
                firmware,
                build,
            })
        })
        .as_ref()
}

fn run(setup: &Setup, firmware: &Path) -> RunOutput {
    let mut r = Runner::new(PathBuf::new());
    r.xous_core(setup.xous_core.clone())
        .program(&setup.renode)
        .timeout(Duration::from_secs(120));
    r.run(firmware).unwrap()
}

#[test]
fn a_std_program_prints_the_host_checksum_and_exits_7() {
    let Some(setup) = setup() else { return };
    let out = run(setup, &setup.firmware["real_xous_std"]);
    assert_eq!(out.exit, Exit::Exited(7), "{}", out.report());
    let expected = format!(
        "real xous std: start\nchecksum {:016x}\nslept at least 50 ms: true\n",
        checksum::checksum()
    );
    let stdout = out.stdout();
    assert!(stdout.starts_with(&expected), "{}", out.report());
    // The caught panic's message is the program's too, between its lines.
    assert!(stdout.contains("caught on purpose"), "{}", out.report());
    assert!(
        stdout.ends_with("caught a panic: true\nreal xous std: exit(7)\n"),
        "{}",
        out.report()
    );
    // Boot messages are kept apart: the kernel's and the services' are tagged, not stdout.
    let log = out.kernel_log();
    assert!(log.contains(&format!("{KERNEL_TAG}KMAIN")), "{log}");
    assert!(log.contains("Welcome to Xous"), "{log}");
    assert!(
        !stdout.contains("xous_ticktimer") && !stdout.contains("KMAIN"),
        "{stdout}"
    );
}

#[test]
fn a_panic_exits_101_with_its_message() {
    let Some(setup) = setup() else { return };
    let out = run(setup, &setup.firmware["panic"]);
    assert_eq!(out.exit, Exit::Exited(101), "{}", out.report());
    assert!(
        out.stdout().contains("the firmware gave up: 0 values"),
        "{}",
        out.report()
    );
}

#[test]
fn a_null_read_is_a_fault() {
    let Some(setup) = setup() else { return };
    let out = run(setup, &setup.firmware["fault"]);
    assert_eq!(out.exit, Exit::Fault, "{}", out.report());
    assert!(
        out.kernel_log().contains("PROGRAM HALT"),
        "{}",
        out.report()
    );
    assert_eq!(out.status(), test_harness::FAULT_STATUS);
}

/// `examples/xous-service`, written against xous-core's API crates from crates.io (names,
/// a server thread, log, ticktimer): its results and its own `log` records on stdout.
#[test]
fn the_xous_service_example_runs_on_real_xous() {
    let Some(setup) = setup() else { return };
    let target_dir = test_harness::cargo_target_dir().unwrap();
    let manifest =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/xous-service/Cargo.toml");
    let toolchain = &setup.xous_core.toolchain;
    let examples = target_dir.join("xous-examples");
    let built = FirmwareBuild::new(manifest, toolchain, &setup.sysroot, &examples)
        .build()
        .unwrap();
    let out = run(setup, &built[0].path);
    assert_eq!(out.exit, Exit::Exited(0), "{}", out.report());
    let stdout = out.stdout();
    for line in [
        "INFO:xous_service: registered as _Xous Service Example_ (src/main.rs:13)",
        "2 + 3 = 5",
        "uppercase: HELLO, XOUS",
        "the server handled 8 messages",
    ] {
        assert!(
            stdout.lines().any(|l| l == line),
            "{line:?} missing:\n{}",
            out.report()
        );
    }
}

/// `cargo test` with `xous-run` as the runner: libtest's own output and result.
#[test]
fn cargo_test_reports_the_failing_test_by_name() {
    let Some(setup) = setup() else { return };
    let mut lib = setup.build.clone();
    lib.arg("--lib");
    for (key, value) in xous_run_env(setup) {
        lib.env(key, value);
    }
    let runner = [env!("CARGO_BIN_EXE_xous-run").to_string()];
    let out = lib.run_tests(&runner, &[]).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(stdout.contains("test tests::adds ... ok"), "{stdout}");
    assert!(
        stdout.contains("test tests::deliberately_fails ... FAILED"),
        "{stdout}"
    );
    assert!(stdout.contains("this one fails on purpose"), "{stdout}");
    assert!(
        stdout.contains("test result: FAILED. 2 passed; 1 failed"),
        "{stdout}"
    );
}

/// `xous-run` itself: a program that never ends is killed at `--timeout` with status 124,
/// and the last console lines are shown.
#[test]
fn xous_run_kills_a_program_that_never_ends() {
    let Some(setup) = setup() else { return };
    let out = xous_run(setup)
        .args(["--timeout", "8"])
        .arg(&setup.firmware["sleeper"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(124), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "sleeping forever\n",
        "{stderr}"
    );
    assert!(
        stderr.contains("killed after the 8.0 s timeout"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the last kernel and console lines"),
        "{stderr}"
    );
}

/// `xous-run` with arguments says in one line that real Xous cannot pass them, and runs.
#[test]
fn xous_run_says_that_arguments_do_not_reach_real_xous() {
    let Some(setup) = setup() else { return };
    let out = xous_run(setup)
        .arg(&setup.firmware["real_xous_std"])
        .args(["a", "b"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert_eq!(
        stderr
            .matches("no arguments and no environment: 2 argument(s)")
            .count(),
        1,
        "{stderr}"
    );
}

/// Bad input: a directory that is not a checkout, and a Renode that is not there, each
/// stop with one error before anything is built.
#[test]
fn xous_run_refuses_a_wrong_checkout_and_a_missing_renode() {
    let Some(setup) = setup() else { return };
    let empty = tempfile::tempdir().unwrap();
    let out = xous_run(setup)
        .env("XOUS_CORE_DIR", empty.path())
        .arg(&setup.firmware["hello"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not a xous-core checkout"), "{stderr}");
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);
    let out = xous_run(setup)
        .env("XOUS_RUN_EMULATOR", empty.path().join("no-renode"))
        .arg(&setup.firmware["hello"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("could not start renode"), "{stderr}");
    assert!(!stderr.contains("Compiling"), "{stderr}");
}

/// The variables that point `xous-run` at the real Xous of `setup`.
fn xous_run_env(setup: &Setup) -> Vec<(String, String)> {
    let x = &setup.xous_core;
    let text = |p: &Path| p.display().to_string();
    let mut env = vec![
        ("XOUS_RUN_BACKEND".to_string(), "xous-core".to_string()),
        ("XOUS_CORE_DIR".to_string(), text(&x.checkout)),
        ("XOUS_RUN_EMULATOR".to_string(), text(&setup.renode)),
        ("XOUS_FIRMWARE_RUSTC".to_string(), text(&x.toolchain.rustc)),
        ("XOUS_FIRMWARE_CARGO".to_string(), text(&x.toolchain.cargo)),
        ("XOUS_RUN_SYSROOT".to_string(), text(&x.sysroot)),
    ];
    if let Some(d) = &x.git_describe {
        env.push(("XOUS_CORE_GIT_DESCRIBE".to_string(), d.clone()));
    }
    env
}

/// The `xous-run` binary on the real Xous of `setup`.
fn xous_run(setup: &Setup) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xous-run"));
    cmd.envs(xous_run_env(setup));
    cmd
}
