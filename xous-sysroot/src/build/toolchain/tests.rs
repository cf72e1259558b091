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

/// A rust-src under `root` with `library/sysroot/Cargo.toml`, `library/vendor`, and
/// `library/.cargo/config.toml` holding `config` when given.
fn rust_src_with(root: &Path, config: Option<&str>) -> RustSrc {
    fs::create_dir_all(root.join("library/sysroot")).unwrap();
    fs::write(root.join("library/sysroot/Cargo.toml"), "").unwrap();
    fs::create_dir_all(root.join("library/vendor")).unwrap();
    if let Some(config) = config {
        fs::create_dir_all(root.join("library/.cargo")).unwrap();
        fs::write(root.join("library/.cargo/config.toml"), config).unwrap();
    }
    RustSrc::locate(&identity("/usr"), Some(root)).unwrap()
}

#[test]
fn the_rust_src_own_definition_of_its_vendor_directory_is_found_by_name() {
    let dir = tempfile::tempdir().unwrap();
    // As rustup's nightly and beta rust-src ship it.
    let rustup = rust_src_with(
        &dir.path().join("nightly"),
        Some(
            "[source.crates-io]\nreplace-with = \"vendored-sources\"\n\n\
             [source.vendored-sources]\ndirectory = \"vendor\"\n",
        ),
    );
    let vendor = rustup.library.join("vendor");
    assert_eq!(
        rustup.own_vendor_source(&vendor).as_deref(),
        Some("vendored-sources")
    );
    // A source over another directory is not ours to reuse; Debian's rust-src has no config.
    let other = rust_src_with(
        &dir.path().join("other"),
        Some("[source.elsewhere]\ndirectory = \"../../elsewhere\"\n"),
    );
    assert_eq!(other.own_vendor_source(&other.library.join("vendor")), None);
    let debian = rust_src_with(&dir.path().join("debian"), None);
    assert_eq!(
        debian.own_vendor_source(&debian.library.join("vendor")),
        None
    );
    // An unreadable config is no definition (cargo itself will report it).
    let broken = rust_src_with(&dir.path().join("broken"), Some("[source\n"));
    assert_eq!(
        broken.own_vendor_source(&broken.library.join("vendor")),
        None
    );
}
