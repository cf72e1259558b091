//! xous-core's full `renode-image` built with this libstd: every service of the Renode
//! target (not only the four of the `libstd-test` image) builds, boots under Renode and
//! comes up, and none panics, faults or ends: the release gate's "services up, no panic".
//!
//! Runs on the real Xous only (`XOUS_RUN_BACKEND=xous-core`); elsewhere it says so in one
//! line and passes, as the test kernel has no such image.

use firmware_tests::emulator::real_xous;
use firmware_tests::{on_real_xous, sysroot, toolchain};
use std::time::Duration;
use test_harness::xous_core::boot_renode_image;

/// From the kernel's first byte; a warm boot brings every service up in well under a
/// minute, a loaded 2-core machine takes longer.
const TIMEOUT: Duration = Duration::from_secs(300);

/// The services of the `libstd-test` image, which every image has.
const CORE_SERVICES: [&str; 4] = ["xous-ticktimer", "xous-log", "xous-names", "xous-susres"];

#[test]
fn renode_image_builds_and_every_service_comes_up() {
    if !on_real_xous() {
        eprintln!("skipped: xous-core's renode-image is booted only on the real Xous (XOUS_RUN_BACKEND=xous-core)");
        return;
    }
    let real = real_xous();
    let setup = real.setup(toolchain(), sysroot().path);
    let boot = boot_renode_image(&setup, &real.renode, TIMEOUT, false)
        .unwrap_or_else(|e| panic!("xous-core's renode-image: {e}"));
    assert!(
        boot.is_up(),
        "xous-core's renode-image: {}\nthe last kernel and console lines:\n{}\nRenode: {}",
        boot.summary(),
        xous_sysroot::util::tail(&boot.log, 40),
        boot.command
    );
    let names: Vec<&str> = boot.processes.iter().map(|(_, n)| n.as_str()).collect();
    for service in CORE_SERVICES {
        assert!(
            names.contains(&service),
            "{service} is not in the image: {names:?}"
        );
    }
    assert!(
        names.len() > CORE_SERVICES.len(),
        "the renode-image holds only {names:?}: not the full image"
    );
    eprintln!("renode-image: {}", boot.summary());
}
