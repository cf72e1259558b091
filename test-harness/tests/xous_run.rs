//! The real `xous-run` binary outside `cargo xous`: given a `--sysroot` whose libstd was built
//! by another rustc than the firmware rustc, it stops before building the test kernel, with
//! exit status 2 and one error naming both compilers.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn a_sysroot_for_another_rustc_stops_before_the_kernel_build() {
    let rustc = std::env::var_os("XOUS_FIRMWARE_RUSTC")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from("rustc"), PathBuf::from);
    let sysroot = tempfile::tempdir().unwrap();
    let target = xous_sysroot::DEFAULT_TARGET;
    let target_dir = sysroot.path().join("lib/rustlib").join(target);
    std::fs::create_dir_all(&target_dir).unwrap();
    // A release no toolchain on a test machine is.
    let built_by = "1.80.0 (051478957 2024-07-21)";
    xous_sysroot::Stamp::new(target, built_by, "test", &"0".repeat(64), Vec::new())
        .write(&target_dir)
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xous-run"))
        .arg("--sysroot")
        .arg(sysroot.path())
        .arg(sysroot.path().join("no-such-firmware.elf"))
        .env("XOUS_FIRMWARE_RUSTC", &rustc)
        .env_remove("XOUS_FIRMWARE_CARGO")
        .env_remove("XOUS_RUN_KERNEL")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.contains("error")).count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains(built_by), "{stderr}");
    assert!(stderr.contains("XOUS_FIRMWARE_RUSTC"), "{stderr}");
    assert!(stderr.contains(&rustc.display().to_string()), "{stderr}");
    assert!(!stderr.contains("Compiling"), "{stderr}");
}

mod command_line;
