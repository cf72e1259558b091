//! Builds libstd for the Xous target with Debian's matched toolchain (`rustc-web`,
//! `cargo-web`, `rust-web-src`, `rust-lld`; see scripts/install-debian-toolchain.sh)
//! into the target dir, then compiles and links real programs against it.
//!
//! `XOUS_SYSROOT_BUILD_RUSTC` / `XOUS_SYSROOT_BUILD_CARGO` override the toolchain.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use anyhow::{bail, ensure, Context, Result};
use xous_sysroot_build::{
    verify_sysroot, BuildError, BuildStatus, LibstdBuild, LibstdBuilder, Profile, DEFAULT_TARGET,
    STAMP_FILE_NAME,
};

fn rustc() -> PathBuf {
    std::env::var_os("XOUS_SYSROOT_BUILD_RUSTC")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/rustc"))
}

fn cargo() -> PathBuf {
    std::env::var_os("XOUS_SYSROOT_BUILD_CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/cargo"))
}

fn scratch_root() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("xous-sysroot-build-tests")
}

/// Builds (or finds already built) the official-profile libstd once per test process.
fn built() -> &'static LibstdBuild {
    static BUILT: OnceLock<LibstdBuild> = OnceLock::new();
    BUILT.get_or_init(|| {
        assert!(
            rustc().is_file() && cargo().is_file(),
            "{} / {} missing: run scripts/install-debian-toolchain.sh",
            rustc().display(),
            cargo().display()
        );
        let out = scratch_root().join("sysroot-official");
        let mut starts = 0;
        let started = Instant::now();
        let mut builder = LibstdBuilder::new(&out, DEFAULT_TARGET);
        builder
            .rustc(rustc())
            .cargo(cargo())
            .profile(Profile::Official)
            .on_build_start(|planned| {
                starts += 1;
                eprintln!(
                    "building libstd for {} with rustc {} (compiler-builtins-c: {})",
                    planned.target, planned.rustc.release, planned.compiler_builtins_c
                );
            });
        let status = builder
            .build()
            .unwrap_or_else(|e| panic!("libstd build: {e}"));
        drop(builder);
        eprintln!(
            "libstd {} in {:.1?}",
            if status.was_built() {
                "built"
            } else {
                "already built"
            },
            started.elapsed()
        );
        assert_eq!(starts, usize::from(status.was_built()));
        status.into_output()
    })
}

#[test]
fn official_build_has_the_expected_rlibs_and_stamp() -> Result<()> {
    let b = built();
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
        .contains(&format!("release: {}", b.rustc.release)));
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
    let b = built();
    verify_sysroot(&rustc(), &b.sysroot, DEFAULT_TARGET)?;
    // And rejects a sysroot without it, with the error naming the sysroot.
    let empty = tempfile::tempdir()?;
    match verify_sysroot(&rustc(), empty.path(), DEFAULT_TARGET) {
        Err(e @ BuildError::SysrootRejected { .. }) => {
            ensure!(e.to_string().contains(&empty.path().display().to_string()))
        }
        other => bail!("expected SysrootRejected, got {other:?}"),
    }
    Ok(())
}

const APP_MAIN: &str = r#"
use std::collections::HashMap;

fn main() {
    let mut words: Vec<String> = "the quick brown fox jumps over the lazy dog"
        .split(' ')
        .map(String::from)
        .collect();
    words.sort();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for w in &words {
        *counts.entry(w.as_str()).or_default() += 1;
    }
    let summary = format!("{} words, {} distinct", words.len(), counts.len());
    let worker = std::thread::spawn(move || summary.len());
    println!("{}", worker.join().unwrap());
}
"#;

/// Checks that `path` is a 32-bit little-endian RISC-V ELF executable.
fn assert_riscv32_executable(path: &Path) -> Result<()> {
    let elf = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    ensure!(
        elf.len() > 64 && &elf[..4] == b"\x7fELF",
        "not an ELF: {}",
        path.display()
    );
    ensure!(elf[4] == 1 && elf[5] == 1, "not ELF32 little-endian");
    ensure!(u16::from_le_bytes([elf[16], elf[17]]) == 2, "not ET_EXEC");
    ensure!(u16::from_le_bytes([elf[18], elf[19]]) == 243, "not RISC-V");
    Ok(())
}

/// A cargo command for a firmware crate: the test toolchain, our sysroot for the target
/// only, and nothing inherited from the `cargo test` that runs us.
fn firmware_cargo(sysroot: &Path, target_dir: &Path) -> Command {
    let mut cmd = Command::new(cargo());
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        if (k.starts_with("CARGO_") && k != "CARGO_HOME") || k.starts_with("RUST") || k == "CARGO" {
            cmd.env_remove(&key);
        }
    }
    let var = format!(
        "CARGO_TARGET_{}_RUSTFLAGS",
        DEFAULT_TARGET.to_uppercase().replace('-', "_")
    );
    cmd.env("RUSTC", rustc())
        .env(var, format!("--sysroot {}", sysroot.display()))
        .env("CARGO_TARGET_DIR", target_dir);
    cmd
}

#[test]
fn std_program_links_with_cargo() -> Result<()> {
    let b = built();
    let dir = scratch_root().join("app");
    fs::create_dir_all(dir.join("src"))?;
    fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )?;
    fs::write(dir.join("src/main.rs"), APP_MAIN)?;
    let target_dir = dir.join("target");
    for profile in ["release", "dev"] {
        let out = firmware_cargo(&b.sysroot, &target_dir)
            .current_dir(&dir)
            .args(["build", "--profile", profile, "--target", DEFAULT_TARGET])
            .output()?;
        ensure!(
            out.status.success(),
            "cargo build --profile {profile} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let sub = if profile == "dev" { "debug" } else { profile };
        assert_riscv32_executable(&target_dir.join(DEFAULT_TARGET).join(sub).join("app"))?;
    }
    Ok(())
}

/// rustc runs the target's linker (`rust-lld`) with `PATH` prefixed by
/// `<--sysroot>/lib/rustlib/<host>/bin` and then its own sysroot's. Debian's rust-lld
/// is /usr/bin/rust-lld, so without it on `PATH` linking fails; a `rust-lld` link in
/// the private sysroot's host bin dir (or `-Clinker=`) is enough.
#[test]
fn rust_lld_is_found_through_path_or_sysroot_bin() -> Result<()> {
    let b = built();
    let dir = scratch_root().join("lld-lookup");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir)?;
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
        Err(e @ BuildError::VersionMismatch { .. }) => {
            let msg = e.to_string();
            ensure!(msg.contains("Rust 1.0.0"), "{msg}");
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
        Err(e @ BuildError::RustSrcMissing { .. }) => {
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
        Err(e @ BuildError::CargoNotFound { .. }) => {
            ensure!(e.to_string().contains("cargo-web"), "{e}")
        }
        other => bail!("expected CargoNotFound, got {other:?}"),
    }
    let mut builder = LibstdBuilder::new(out.path(), "riscv32imac-unknown-nowhere-elf");
    builder.rustc(rustc()).cargo(cargo());
    match builder.build() {
        Err(BuildError::TargetUnsupported { target, .. }) => {
            ensure!(target == "riscv32imac-unknown-nowhere-elf")
        }
        other => bail!("expected TargetUnsupported, got {other:?}"),
    }
    Ok(())
}

/// The consumer side on the real library: publish the built libstd as a dist root, install it
/// with `xous-sysroot` in private mode (the smoke compile runs with the same Debian rustc and
/// must accept it), then link a std program through the installed sysroot.
#[test]
fn published_libstd_installs_with_xous_sysroot_and_links() -> Result<()> {
    use xous_sysroot::dist::{DistRoot, RustStd};
    let b = built();
    let scratch = scratch_root().join("e2e");
    let _ = fs::remove_dir_all(&scratch);
    let files = scratch.join("files");
    fs::create_dir_all(&files)?;
    let copied = files.join("lib");
    fs::create_dir_all(&copied)?;
    for rlib in &b.rlibs {
        fs::copy(rlib, copied.join(rlib.file_name().unwrap()))?;
    }
    let compiler = xous_sysroot::Rustc::new(rustc());
    let identity = compiler.version()?;
    let root = DistRoot::new(scratch.join("dist-root"));
    root.add_rust_std(&RustStd {
        release: &identity.release,
        rustc: &identity.identity(),
        commit_hash: identity.commit_hash.as_deref(),
        date: identity.commit_date.as_deref().unwrap_or("2026-01-01"),
        target: DEFAULT_TARGET,
        files: &files,
        gz: false,
    })?;
    let mut installer = xous_sysroot::Installer::new();
    installer
        .rustc(compiler)
        .cache_dir(scratch.join("cache"))
        .sources(vec![xous_sysroot::Source::DistServer(
            root.path().display().to_string(),
        )]);
    let sysroot = installer.install()?;
    ensure!(sysroot.status == xous_sysroot::InstallStatus::Installed);
    ensure!(installer.install()?.status == xous_sysroot::InstallStatus::AlreadyInstalled);

    let dir = scratch.join("app");
    fs::create_dir_all(dir.join("src"))?;
    fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )?;
    fs::write(dir.join("src/main.rs"), APP_MAIN)?;
    let target_dir = dir.join("target");
    let out = firmware_cargo(&sysroot.path, &target_dir)
        .current_dir(&dir)
        .args(["build", "--release", "--target", DEFAULT_TARGET])
        .output()?;
    ensure!(
        out.status.success(),
        "cargo build through the installed sysroot failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_riscv32_executable(&target_dir.join(DEFAULT_TARGET).join("release").join("app"))
}
