//! The reference build-script integration: install the libstd that matches the firmware
//! toolchain, then build the firmware crates for the target and hand their paths to the
//! tests. Downstream crates follow the same three steps (docs/firmware.md, "The build-script
//! integration").

use std::path::PathBuf;
use test_harness::{build_kernel, cargo_target_dir, local_sysroot, FirmwareBuild, Toolchain};

/// Firmware crates under `firmware/`, each built in release mode for the target.
const FIRMWARE: &[&str] = &["conformance", "xous-api"];

fn main() {
    if let Err(e) = run() {
        // Cargo shows build-script output only on failure: make it the whole story.
        println!("cargo::error={e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    // Without the first two, the active toolchain (RUSTUP_TOOLCHAIN) is the firmware's.
    for var in [
        test_harness::FIRMWARE_RUSTC_ENV,
        test_harness::FIRMWARE_CARGO_ENV,
        "RUSTUP_TOOLCHAIN",
        test_harness::DIST_SERVER_ENV,
    ] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    println!("cargo::rerun-if-changed=firmware");
    println!(
        "cargo::rerun-if-changed={}",
        test_harness::kernel_source().display()
    );

    // 1. The firmware toolchain, chosen explicitly, and the libstd installed for it.
    let toolchain = Toolchain::from_env()?;
    let target_dir =
        cargo_target_dir().ok_or("cannot find the cargo target directory above OUT_DIR")?;
    let sysroot = local_sysroot(&toolchain, &target_dir)?;
    let version = toolchain.rustc().version()?;
    if sysroot.rustc != version.identity() {
        return Err(format!(
            "refusing to mix toolchains: the firmware rustc is {} but the installed libstd is for {}\nhelp: set XOUS_FIRMWARE_RUSTC/XOUS_FIRMWARE_CARGO to one toolchain and reinstall",
            version.identity(),
            sysroot.rustc
        )
        .into());
    }

    // 2. The kernel and the firmware, in their own target directory (no lock contention
    //    with the cargo running this script).
    let xous_dir = target_dir.join("xous-firmware-tests");
    let kernel = build_kernel(&toolchain, &sysroot, &xous_dir)?;
    for name in FIRMWARE {
        let manifest = manifest_dir.join("firmware").join(name).join("Cargo.toml");
        for artifact in FirmwareBuild::new(manifest, &toolchain, &sysroot, &xous_dir).build()? {
            let var = format!(
                "XOUS_FIRMWARE_{}",
                artifact.name.to_ascii_uppercase().replace('-', "_")
            );
            println!("cargo::rustc-env={var}={}", artifact.path.display());
        }
    }

    // 3. Everything the tests need, as compile-time environment.
    println!("cargo::rustc-env=XOUS_TEST_KERNEL={}", kernel.display());
    println!(
        "cargo::rustc-env=XOUS_CARGO_TARGET_DIR={}",
        target_dir.display()
    );
    println!(
        "cargo::rustc-env=XOUS_SYSROOT_PATH={}",
        sysroot.path.display()
    );
    println!("cargo::rustc-env=XOUS_SYSROOT_RUSTC={}", sysroot.rustc);
    println!(
        "cargo::rustc-env=XOUS_FIRMWARE_RUSTC_PATH={}",
        toolchain.rustc.display()
    );
    println!(
        "cargo::rustc-env=XOUS_FIRMWARE_CARGO_PATH={}",
        toolchain.cargo.display()
    );
    println!(
        "cargo::rustc-env=XOUS_FIRMWARE_TARGET_DIR={}",
        xous_dir.display()
    );
    Ok(())
}
