use super::*;

fn never() -> Result<Active, String> {
    panic!("the active toolchain must not be probed when a variable is set")
}

/// A sysroot directory with `bin/rustc` and `bin/cargo` (empty files: only paths are chosen).
fn sysroot_with_bins() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("bin")).unwrap();
    for name in ["rustc", "cargo"] {
        std::fs::write(dir.path().join("bin").join(exe(name)), "").unwrap();
    }
    dir
}

#[test]
fn variables_win_without_probing() {
    let dir = sysroot_with_bins();
    let (rustc, cargo) = (dir.path().join("bin/rustc"), dir.path().join("bin/cargo"));
    let t = select(Some(rustc.clone()), Some(cargo.clone()), never).unwrap();
    assert_eq!(t, Toolchain::new(&rustc, &cargo));
    // One alone: the other binary beside it.
    assert_eq!(
        select(Some(rustc.clone()), None, never).unwrap(),
        Toolchain::new(&rustc, &cargo)
    );
    assert_eq!(
        select(None, Some(cargo.clone()), never).unwrap(),
        Toolchain::new(&rustc, &cargo)
    );
    let missing = dir.path().join("nowhere/rustc");
    let err = select(Some(missing), Some(cargo), never)
        .unwrap_err()
        .to_string();
    assert!(err.contains("does not exist"), "{err}");
    assert!(err.contains(FIRMWARE_RUSTC_ENV), "{err}");
}

#[test]
fn active_toolchain_with_rust_src_is_taken_from_its_sysroot() {
    let dir = sysroot_with_bins();
    let active = Active {
        sysroot: dir.path().to_owned(),
        identity: "1.96.0 (ac68faa20 2026-05-25)".into(),
        rust_src: Some(dir.path().join("lib/rustlib/src/rust")),
    };
    let t = select(None, None, || Ok(active)).unwrap();
    assert_eq!(
        t,
        Toolchain::new(dir.path().join("bin/rustc"), dir.path().join("bin/cargo"))
    );
}

#[test]
fn without_variables_or_rust_src_the_error_names_both_options() {
    let dir = sysroot_with_bins();
    let active = Active {
        sysroot: dir.path().to_owned(),
        identity: "1.95.0 (59807616e 2026-04-14)".into(),
        rust_src: None,
    };
    let err = select(None, None, || Ok(active)).unwrap_err().to_string();
    for needle in [
        "no firmware toolchain",
        "has no rust-src",
        "1.95.0 (59807616e 2026-04-14)",
        "XOUS_FIRMWARE_RUSTC and XOUS_FIRMWARE_CARGO",
        "rustup component add rust-src",
    ] {
        assert!(err.contains(needle), "no `{needle}` in: {err}");
    }
    // No rustc at all: the same two options.
    let err = select(None, None, || probe(&dir.path().join("no-rustc")))
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot be asked"), "{err}");
    assert!(err.contains("rustup component add rust-src"), "{err}");
}

/// The probe of a real rustc with rust-src (Debian's, as this project's CI has it) finds
/// its sysroot and rust-src, and the chosen binaries are the sysroot's own.
#[test]
fn probing_a_real_rustc_with_rust_src() {
    let rustc = std::env::var_os(FIRMWARE_RUSTC_ENV)
        .map_or_else(|| PathBuf::from("/usr/bin/rustc"), PathBuf::from);
    let active =
        probe(&rustc).expect("a rustc with rust-src (scripts/install-debian-toolchain.sh)");
    assert!(
        active
            .rust_src
            .as_ref()
            .is_some_and(|s| s.join("library").is_dir()),
        "{active:?}"
    );
    let sysroot = active.sysroot.clone();
    let t = select(None, None, || Ok(active)).unwrap();
    assert_eq!(t.rustc, sysroot.join("bin").join(exe("rustc")));
    let again = probe(&t.rustc).unwrap();
    assert_eq!(again.sysroot, sysroot);
}

/// Building against an installed libstd takes the active toolchain without rust-src; the
/// full choice still refuses it.
#[test]
fn an_installed_libstd_needs_no_rust_src() {
    let dir = sysroot_with_bins();
    let active = || {
        Ok(Active {
            sysroot: dir.path().to_owned(),
            identity: "1.95.0 (59807616e 2026-04-14)".into(),
            rust_src: None,
        })
    };
    let t = choose(None, None, active, false).unwrap();
    assert_eq!(
        t,
        Toolchain::new(dir.path().join("bin/rustc"), dir.path().join("bin/cargo"))
    );
    assert!(choose(None, None, active, true).is_err());
}

/// A sysroot whose stamp names another rustc is refused before anything is compiled, with
/// both compilers and the variable that chooses the firmware rustc.
#[test]
fn a_sysroot_of_another_rustc_is_refused_naming_both() {
    let sysroot = tempfile::tempdir().unwrap();
    let target = xous_sysroot::DEFAULT_TARGET;
    let target_dir = sysroot.path().join("lib/rustlib").join(target);
    std::fs::create_dir_all(&target_dir).unwrap();
    let built_by = "1.96.0 (ac68faa20 2026-05-25)";
    xous_sysroot::Stamp::new(target, built_by, "test", &"0".repeat(64), Vec::new())
        .write(&target_dir)
        .unwrap();
    let t = Toolchain::new("/opt/rust-1.95/bin/rustc", "/opt/rust-1.95/bin/cargo");
    let other = xous_sysroot::RustcVersion::parse("1.95.0 (59807616e 2026-04-14)").unwrap();
    let err = t
        .check_sysroot(&other, sysroot.path(), target)
        .unwrap_err()
        .to_string();
    for needle in [
        built_by,
        "1.95.0 (59807616e 2026-04-14)",
        "/opt/rust-1.95/bin/rustc",
        FIRMWARE_RUSTC_ENV,
        "nothing was built",
    ] {
        assert!(err.contains(needle), "no `{needle}` in: {err}");
    }
    let same = xous_sysroot::RustcVersion::parse(built_by).unwrap();
    t.check_sysroot(&same, sysroot.path(), target).unwrap();
    // Without a stamp, the RUST_VERSION file the release zips carry decides.
    std::fs::remove_dir_all(&target_dir).unwrap();
    std::fs::create_dir_all(&target_dir).unwrap();
    std::fs::write(target_dir.join("RUST_VERSION"), "1.96.0\n").unwrap();
    t.check_sysroot(&same, sysroot.path(), target).unwrap();
    assert!(t.check_sysroot(&other, sysroot.path(), target).is_err());
}
