//! The libstd build itself, on Debian's matched toolchain (`rustc-web`, `cargo-web`,
//! `rust-web-src`, `rust-lld`; see scripts/install-debian-toolchain.sh): the rlibs, the stamp,
//! the build record, rustc accepting the result, linking with it, and the errors that stop a
//! build before it starts.
//!
//! `XOUS_SYSROOT_BUILD_RUSTC` / `XOUS_SYSROOT_BUILD_CARGO` override the toolchain.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, ensure, Context, Result};
use xous_sysroot_build::{
    verify_sysroot, BuildInfo, BuildStatus, LibstdBuilder, LibstdError, Profile,
    BUILD_INFO_FILE_NAME, DEFAULT_TARGET, STAMP_FILE_NAME,
};

use crate::support::{
    assert_riscv32_executable, build_app, cargo, local_dist, rustc, scratch, write_app, APP_MAIN,
};

#[test]
fn official_build_has_the_expected_rlibs_stamp_and_record() -> Result<()> {
    let b = &local_dist().build;
    let names: Vec<String> = b
        .rlibs
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for krate in [
        "std",
        "core",
        "alloc",
        "test",
        "panic_unwind",
        "panic_abort",
        "compiler_builtins",
        "unwind",
        "hashbrown",
        "dlmalloc",
        "proc_macro",
    ] {
        let prefix = format!("lib{krate}-");
        ensure!(
            names.iter().any(|n| n.starts_with(&prefix)),
            "no {krate} rlib in {names:?}"
        );
    }
    ensure!(
        !names.iter().any(|n| n.starts_with("libsysroot-")),
        "the dummy sysroot crate was installed: {names:?}"
    );
    ensure!(
        b.target_libdir
            == b.sysroot
                .join("lib/rustlib")
                .join(DEFAULT_TARGET)
                .join("lib")
    );
    ensure!(b
        .rlibs
        .iter()
        .all(|r| r.parent() == Some(b.target_libdir.as_path())));
    ensure!(b
        .rustc
        .verbose_version
        .contains(&format!("release: {}", b.rustc.release())));
    ensure!(b.features.iter().any(|f| f == "panic-unwind"));
    ensure!(b.features.iter().any(|f| f == "compiler-builtins-mem"));
    ensure!(b.compiler_builtins_c == b.features.iter().any(|f| f == "compiler-builtins-c"));
    ensure!(b.compiler_builtins_c || b.compiler_builtins_c_note.is_some());
    let stamp = fs::read_to_string(b.target_libdir.parent().unwrap().join(STAMP_FILE_NAME))?;
    ensure!(
        stamp.starts_with(&format!("hash {}\n", b.stamp_hash)),
        "{stamp}"
    );
    ensure!(stamp.contains("profile official"));
    ensure!(stamp.contains("-Zforce-unstable-if-unmarked"));

    // The build record, shipped in the package, says how it was built.
    let record = BuildInfo::read(b.target_libdir.parent().unwrap())?;
    ensure!(record == BuildInfo::of(b), "{record:#?}");
    ensure!(record.profile == Profile::Official && !record.debug_assertions);
    ensure!(record.profile_revision == Profile::Official.revision());
    let recipe = record.recipe.as_ref().context("a recipe in the record")?;
    ensure!(recipe.env["CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS"] == "false");
    ensure!(recipe.env["CARGO_PROFILE_RELEASE_OPT_LEVEL"] == "3");
    ensure!(recipe.args.contains(&b.features.join(" ")), "{recipe:?}");
    ensure!(record.compiler_builtins_c == b.compiler_builtins_c);
    ensure!(record.compiler_builtins_c || record.compiler_builtins_c_note.is_some());
    ensure!(record.rustc == b.rustc.version.identity());
    let record_text =
        fs::read_to_string(b.target_libdir.parent().unwrap().join(BUILD_INFO_FILE_NAME))?;
    ensure!(
        !record_text.contains(&b.sysroot.display().to_string()),
        "the record names the output directory: {record_text}"
    );

    // A second build with the same inputs is answered from the stamp.
    let started = Instant::now();
    let mut again = LibstdBuilder::new(&b.sysroot, DEFAULT_TARGET);
    again
        .rustc(rustc())
        .cargo(cargo())
        .on_build_start(|_| panic!("rebuilt although nothing changed"));
    let status = again.build()?;
    ensure!(matches!(status, BuildStatus::AlreadyBuilt(_)));
    ensure!(status.output() == b, "{:#?} != {b:#?}", status.output());
    eprintln!("stamp check took {:.1?}", started.elapsed());
    Ok(())
}

#[test]
fn rustc_accepts_the_sysroot() -> Result<()> {
    let b = &local_dist().build;
    verify_sysroot(&rustc(), &b.sysroot, DEFAULT_TARGET)?;
    // And rejects a sysroot without it, with the error naming the sysroot.
    let empty = tempfile::tempdir()?;
    match verify_sysroot(&rustc(), empty.path(), DEFAULT_TARGET) {
        Err(e @ LibstdError::SysrootRejected { .. }) => {
            ensure!(e.to_string().contains(&empty.path().display().to_string()))
        }
        other => bail!("expected SysrootRejected, got {other:?}"),
    }
    Ok(())
}

/// The built sysroot as it is, given to cargo with `--sysroot` for the target only, links the
/// std program in both profiles.
#[test]
fn std_program_links_with_cargo() -> Result<()> {
    let b = &local_dist().build;
    let dir = write_app(&scratch("app"))?;
    let flags = format!(
        "target.{DEFAULT_TARGET}.rustflags=[\"--sysroot\", \"{}\"]",
        b.sysroot.display()
    );
    build_app(
        &dir,
        &rustc(),
        &["--config".into(), flags.clone()],
        &dir.join("target"),
    )?;
    let out = crate::support::firmware_cargo(&rustc(), &dir.join("target"))
        .current_dir(&dir)
        .args(["build", "--target", DEFAULT_TARGET, "--config", &flags])
        .output()?;
    ensure!(
        out.status.success(),
        "dev build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_riscv32_executable(&dir.join("target").join(DEFAULT_TARGET).join("debug/app"))
}

/// rustc runs the target's linker (`rust-lld`) with `PATH` prefixed by
/// `<--sysroot>/lib/rustlib/<host>/bin` and then its own sysroot's. Debian's rust-lld
/// is /usr/bin/rust-lld, so without it on `PATH` linking fails; a `rust-lld` link in
/// the private sysroot's host bin dir (or `-Clinker=`) is enough.
#[test]
fn rust_lld_is_found_through_path_or_sysroot_bin() -> Result<()> {
    let b = &local_dist().build;
    let dir = scratch("lld-lookup");
    let main = dir.join("main.rs");
    fs::write(&main, APP_MAIN)?;
    let link = |sysroot: &Path, path_env: &str, extra: &[&str], exe: &str| {
        Command::new(rustc())
            .env_clear()
            .env("PATH", path_env)
            .args([
                "--edition=2021",
                "-O",
                "--target",
                DEFAULT_TARGET,
                "--sysroot",
            ])
            .arg(sysroot)
            .args(extra)
            .arg("-o")
            .arg(dir.join(exe))
            .arg(&main)
            .output()
    };
    let lld = b
        .linker
        .clone()
        .context("the linker check found no rust-lld")?;
    let lld = fs::canonicalize(&lld).unwrap_or(lld);

    // Normal PATH: works (this is what the cargo test above relies on).
    let ok = link(&b.sysroot, &std::env::var("PATH")?, &[], "normal")?;
    ensure!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_riscv32_executable(&dir.join("normal"))?;

    // No PATH: unless rustc's own sysroot ships rust-lld (rustup does), linking fails.
    let host = &b.rustc.host;
    let own_lld = b
        .rustc
        .sysroot
        .join("lib/rustlib")
        .join(host)
        .join("bin/rust-lld");
    let bare = link(&b.sysroot, "/nonexistent", &[], "bare")?;
    ensure!(bare.status.success() == own_lld.exists());

    // A private sysroot holding the target libs plus lib/rustlib/<host>/bin/rust-lld.
    let private = dir.join("sysroot");
    let target_link = private.join("lib/rustlib").join(DEFAULT_TARGET);
    let bin = private.join("lib/rustlib").join(host).join("bin");
    fs::create_dir_all(&bin)?;
    std::os::unix::fs::symlink(b.target_libdir.parent().unwrap(), &target_link)?;
    std::os::unix::fs::symlink(&lld, bin.join("rust-lld"))?;
    let with_bin = link(&private, "/nonexistent", &[], "with-bin")?;
    ensure!(
        with_bin.status.success(),
        "{}",
        String::from_utf8_lossy(&with_bin.stderr)
    );
    assert_riscv32_executable(&dir.join("with-bin"))?;

    // Or name the linker explicitly.
    let flag = format!("-Clinker={}", lld.display());
    let explicit = link(&b.sysroot, "/nonexistent", &[&flag], "explicit")?;
    ensure!(
        explicit.status.success(),
        "{}",
        String::from_utf8_lossy(&explicit.stderr)
    );
    assert_riscv32_executable(&dir.join("explicit"))?;
    Ok(())
}

/// Writes a fake source tree holding `library/sysroot/Cargo.toml` and a version file.
fn fake_rust_src(root: &Path, version: &str) -> Result<()> {
    fs::create_dir_all(root.join("library/sysroot"))?;
    fs::write(root.join("library/sysroot/Cargo.toml"), "[package]\n")?;
    fs::write(root.join("version"), format!("{version}\n"))?;
    Ok(())
}

#[test]
fn mismatched_rust_src_is_refused_before_building() -> Result<()> {
    let src = tempfile::tempdir()?;
    fake_rust_src(src.path(), "1.0.0")?;
    let out = tempfile::tempdir()?;
    let mut builder = LibstdBuilder::new(out.path(), DEFAULT_TARGET);
    builder
        .rustc(rustc())
        .cargo(cargo())
        .rust_src(src.path())
        .on_build_start(|_| panic!("must not start"));
    match builder.build() {
        Err(e @ LibstdError::VersionMismatch { .. }) => {
            let msg = e.to_string();
            let release = xous_sysroot_build::RustcIdentity::probe(&rustc())?
                .release()
                .to_owned();
            ensure!(msg.contains("Rust 1.0.0"), "{msg}");
            ensure!(msg.contains(&format!("is {release}")), "{msg}");
            ensure!(msg.contains("rust-web-src"), "{msg}");
        }
        other => bail!("expected VersionMismatch, got {other:?}"),
    }
    Ok(())
}

#[test]
fn missing_rust_src_names_the_packages_that_install_it() -> Result<()> {
    let empty = tempfile::tempdir()?;
    let out = tempfile::tempdir()?;
    let mut builder = LibstdBuilder::new(out.path(), DEFAULT_TARGET);
    builder.rustc(rustc()).cargo(cargo()).rust_src(empty.path());
    match builder.build() {
        Err(e @ LibstdError::RustSrcMissing { .. }) => {
            let msg = e.to_string();
            ensure!(msg.contains("rustup component add rust-src"), "{msg}");
            ensure!(msg.contains("apt-get install rust-web-src"), "{msg}");
        }
        other => bail!("expected RustSrcMissing, got {other:?}"),
    }
    Ok(())
}

#[test]
fn missing_cargo_and_unknown_target_are_reported() -> Result<()> {
    let out = tempfile::tempdir()?;
    let mut builder = LibstdBuilder::new(out.path(), DEFAULT_TARGET);
    builder
        .rustc(rustc())
        .cargo(out.path().join("no-such-cargo"));
    match builder.build() {
        Err(e @ LibstdError::CargoNotFound { .. }) => {
            ensure!(e.to_string().contains("cargo-web"), "{e}")
        }
        other => bail!("expected CargoNotFound, got {other:?}"),
    }
    let mut builder = LibstdBuilder::new(out.path(), "riscv32imac-unknown-nowhere-elf");
    builder.rustc(rustc()).cargo(cargo());
    match builder.build() {
        Err(LibstdError::TargetUnsupported { target, .. }) => {
            ensure!(target == "riscv32imac-unknown-nowhere-elf")
        }
        other => bail!("expected TargetUnsupported, got {other:?}"),
    }
    Ok(())
}
