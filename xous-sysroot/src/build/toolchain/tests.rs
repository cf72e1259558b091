use super::*;

#[test]
fn elf_machines() {
    assert_eq!(elf_machine_for("riscv32imac-unknown-xous-elf"), Some(243));
    assert_eq!(elf_machine_for("armv7a-unknown-xous-elf"), Some(40));
    assert_eq!(elf_machine_for("mips-unknown-none"), None);
}

fn identity(sysroot: &str) -> RustcIdentity {
    let vv =
        "rustc 1.96.0 (ac68faa20 2026-05-25)\nhost: x86_64-unknown-linux-gnu\nrelease: 1.96.0\n";
    RustcIdentity {
        path: PathBuf::from("rustc"),
        version: RustcVersion::parse(vv).unwrap(),
        verbose_version: vv.to_owned(),
        host: "x86_64-unknown-linux-gnu".to_owned(),
        sysroot: PathBuf::from(sysroot),
    }
}

#[test]
fn rustup_toolchain_is_the_sysroot_under_toolchains() {
    let rustup = identity("/home/u/.rustup/toolchains/1.96.0-x86_64-unknown-linux-gnu");
    assert_eq!(
        rustup.rustup_toolchain().as_deref(),
        Some("1.96.0-x86_64-unknown-linux-gnu")
    );
    assert_eq!(identity("/usr").rustup_toolchain(), None);
    assert_eq!(identity("/opt/rust/stage1").rustup_toolchain(), None);
}

#[test]
fn missing_rust_src_help_names_the_toolchain() {
    let empty = tempfile::tempdir().unwrap();
    let rustc = identity("/home/u/.rustup/toolchains/nightly-x86_64-unknown-linux-gnu");
    let err = RustSrc::locate(&rustc, Some(empty.path())).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains(
            "\nhelp: rustup component add rust-src --toolchain nightly-x86_64-unknown-linux-gnu"
        ),
        "{msg}"
    );
    assert!(!msg.contains("apt-get"), "{msg}");
}
