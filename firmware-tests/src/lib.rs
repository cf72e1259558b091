//! The release qualification suite of a libstd for `riscv32imac-unknown-xous-elf`.
//!
//! `build.rs` installs the libstd for the firmware toolchain and builds the firmware in
//! `firmware/`; this library gives the tests what it built: the kernel, the firmware
//! ELFs, the sysroot and the toolchain, plus a [`runner`] with the suite's defaults.

pub mod alloctests;
pub mod bench;

use std::path::Path;
use std::time::Duration;
use test_harness::{Runner, Toolchain};
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

/// The target directory for further firmware builds (kept apart from the host's).
pub fn firmware_target_dir() -> &'static Path {
    Path::new(env!("XOUS_FIRMWARE_TARGET_DIR"))
}

/// The conformance firmware.
pub fn conformance_firmware() -> &'static Path {
    Path::new(env!("XOUS_FIRMWARE_CONFORMANCE"))
}

/// A runner on the test kernel with the suite's defaults: a fixed clock (so runs
/// repeat exactly) and a generous timeout.
pub fn runner() -> Runner {
    let mut r = Runner::new(kernel());
    r.utc_ms(1_700_000_000_000)
        .timeout(Duration::from_secs(120));
    r
}
