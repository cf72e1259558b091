//! The release qualification suite of a libstd for `riscv32imac-unknown-xous-elf`.
//!
//! `build.rs` installs the libstd for the firmware toolchain and builds the firmware in
//! `firmware/`; this library gives the tests what it built: the kernel, the firmware
//! ELFs, the sysroot and the toolchain, plus a [`runner`] with the suite's defaults on the
//! emulator the environment selects ([`emulator`]).
//!
//! Modules: [`alloctests`] (Rust's own library tests on the target), [`bench`] (benchmarks,
//! gate, qualification), [`emulator`] (QEMU or Renode), [`libtest`] (what libtest prints),
//! [`pool`] (emulator boots in parallel).

pub mod alloctests;
pub mod bench;
pub mod emulator;
pub mod libtest;
pub mod pool;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;
use test_harness::{Exit, RunOutput, Runner, Toolchain};
use xous_sysroot::Sysroot;

/// The test kernel built by `build.rs`.
pub fn kernel() -> &'static Path {
    Path::new(env!("XOUS_TEST_KERNEL"))
}

/// The firmware toolchain the libstd was installed for (and everything was built with).
pub fn toolchain() -> Toolchain {
    Toolchain::new(
        env!("XOUS_FIRMWARE_RUSTC_PATH"),
        env!("XOUS_FIRMWARE_CARGO_PATH"),
    )
}

/// The installed libstd (private mode).
pub fn sysroot() -> Sysroot {
    test_harness::private_sysroot(env!("XOUS_SYSROOT_PATH"), env!("XOUS_SYSROOT_RUSTC"))
}

/// The cargo target directory the build script ran in (`target/`), as
/// [`test_harness::cargo_target_dir`] found it.
pub fn cargo_target_dir() -> &'static Path {
    Path::new(env!("XOUS_CARGO_TARGET_DIR"))
}

/// The target directory for further firmware builds (kept apart from the host's).
pub fn firmware_target_dir() -> &'static Path {
    Path::new(env!("XOUS_FIRMWARE_TARGET_DIR"))
}

/// The conformance firmware.
pub fn conformance_firmware() -> &'static Path {
    Path::new(env!("XOUS_FIRMWARE_CONFORMANCE"))
}

/// The Xous API conformance firmware (`firmware/xous-api`, built from xous-core's
/// crates.io API crates).
pub fn xous_api_firmware() -> &'static Path {
    Path::new(env!("XOUS_FIRMWARE_XOUS_API"))
}

/// The emulator `XOUS_RUN_BACKEND` and `XOUS_RUN_EMULATOR` select (QEMU by default), for
/// every firmware run of the suite.
///
/// # Panics
///
/// When `XOUS_RUN_BACKEND` names no backend (the message says what to set).
pub fn emulator() -> emulator::Emulator {
    emulator::Emulator::from_env().unwrap_or_else(|e| panic!("{e}"))
}

/// A runner on the test kernel with the suite's defaults: the [`emulator`], a fixed clock
/// (so runs repeat exactly) and a generous timeout.
pub fn runner() -> Runner {
    runner_on(&emulator())
}

/// A runner with the suite's defaults on `emulator` (see [`runner`]).
pub fn runner_on(emulator: &emulator::Emulator) -> Runner {
    let mut r = Runner::new(kernel());
    emulator.configure(&mut r);
    r.utc_ms(1_700_000_000_000)
        .timeout(Duration::from_secs(120));
    r
}

/// Whether the suites run on the real Xous (`XOUS_RUN_BACKEND=xous-core`).
pub fn on_real_xous() -> bool {
    emulator().backend == test_harness::Backend::XousCore
}

/// On the real Xous, which passes a program no arguments: the one boot of `firmware` that
/// runs all its cases in one process (each suite's firmware does so when given no case),
/// shared by every test of the suite.
pub fn all_cases_run(firmware: &'static Path) -> &'static RunOutput {
    type Runs = HashMap<&'static Path, &'static RunOutput>;
    static RUNS: Mutex<Option<Runs>> = Mutex::new(None);
    let mut runs = RUNS.lock().unwrap_or_else(|e| e.into_inner());
    let runs = runs.get_or_insert_with(HashMap::new);
    runs.entry(firmware).or_insert_with(|| {
        let mut r = runner();
        r.timeout(Duration::from_secs(180));
        let out = r
            .run(firmware)
            .unwrap_or_else(|e| panic!("running {}: {e}", firmware.display()));
        Box::leak(Box::new(out))
    })
}

/// What a program wrote to stderr: on the real Xous, whose console does not tell the two
/// streams apart, the program's whole console output.
pub fn stderr_of(out: &RunOutput) -> String {
    if on_real_xous() {
        out.stdout()
    } else {
        out.stderr()
    }
}

/// Asserts that a suite's case passed: exit 0 after printing `ok <case>` as its last line,
/// with no kernel report; the failure message shows the whole run. On the real Xous (all
/// cases in one run, with the kernel's and services' messages beside them): the run
/// printed the line `ok <case>`.
pub fn assert_case_passed(case: &str, out: &RunOutput) {
    if on_real_xous() {
        let ok = format!("ok {case}");
        assert!(
            out.stdout().lines().any(|l| l == ok),
            "case {case} did not pass in the run of all cases:\n{}",
            out.report()
        );
        return;
    }
    assert_eq!(out.exit, Exit::Exited(0), "case {case}:\n{}", out.report());
    assert!(
        out.stdout().ends_with(&format!("ok {case}\n")),
        "case {case}:\n{}",
        out.report()
    );
    assert!(
        out.kernel_log().is_empty(),
        "case {case}:\n{}",
        out.report()
    );
}

/// One `#[test]` per case name, each calling `$run` with the name as a string: the suites'
/// lists of cases (`suite_cases!(passes; case_a, case_b)`).
#[macro_export]
macro_rules! suite_cases {
    ($run:ident; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $run(stringify!($name));
            }
        )*
    };
}

#[cfg(test)]
mod tests;
