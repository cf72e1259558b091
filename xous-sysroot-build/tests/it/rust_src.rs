//! What the builder does with the rust-src and the network it is given, on Debian's toolchain:
//! a rustup toolchain without rust-src is named in the error, offline without a vendor
//! directory stops before anything starts, `RUSTC_BOOTSTRAP=1` reaches the one cargo process
//! and never this one, and a build killed with `kill -9` leaves the output as it was.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, ensure, Context, Result};
use xous_sysroot_build::{LibstdBuilder, LibstdError, RustcIdentity, DEFAULT_TARGET};

use crate::support::{cargo, rustc, scratch};

/// Debian's rust-src as the builder sees it by default.
fn debian_rust_src() -> Result<PathBuf> {
    let identity = RustcIdentity::probe(&rustc())?;
    Ok(fs::canonicalize(
        identity.sysroot.join("lib/rustlib/src/rust"),
    )?)
}

/// A rust-src like rustup's: Debian's `library/` (linked entry by entry) without `vendor/`.
fn rust_src_without_vendor(dir: &Path) -> Result<PathBuf> {
    let real = debian_rust_src()?;
    let root = dir.join("rust-src");
    fs::create_dir_all(root.join("library"))?;
    for entry in fs::read_dir(real.join("library"))? {
        let entry = entry?;
        if entry.file_name() != "vendor" {
            std::os::unix::fs::symlink(entry.path(), root.join("library").join(entry.file_name()))?;
        }
    }
    Ok(root)
}

/// A stand-in toolchain directory `<dir>/toolchains/<name>` whose `bin/rustc` is Debian's rustc
/// with that directory as its sysroot (as rustup lays a toolchain out), without rust-src.
fn toolchain_without_rust_src(dir: &Path, name: &str) -> Result<PathBuf> {
    let bin = dir.join("toolchains").join(name).join("bin");
    fs::create_dir_all(&bin)?;
    let rustc_path = bin.join("rustc");
    fs::write(
        &rustc_path,
        format!(
            "#!/bin/sh\nexec '{}' --sysroot \"$(dirname \"$0\")/..\" \"$@\"\n",
            rustc().display()
        ),
    )?;
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&rustc_path, fs::Permissions::from_mode(0o755))?;
    Ok(rustc_path)
}

#[test]
fn missing_rust_src_of_a_rustup_toolchain_says_which_component_to_add() -> Result<()> {
    let dir = scratch("rustup-no-src");
    let rustc_path = toolchain_without_rust_src(&dir, "1.96.0-x86_64-unknown-linux-gnu")?;
    let mut builder = LibstdBuilder::new(dir.join("out"), DEFAULT_TARGET);
    builder
        .rustc(&rustc_path)
        .cargo(cargo())
        .on_build_start(|_| panic!("must not start"));
    match builder.build() {
        Err(e @ LibstdError::RustSrcMissing { .. }) => {
            let msg = e.to_string();
            ensure!(
                msg.contains(
                    "help: rustup component add rust-src --toolchain 1.96.0-x86_64-unknown-linux-gnu"
                ),
                "{msg}"
            );
        }
        other => bail!("expected RustSrcMissing, got {other:?}"),
    }
    ensure!(!dir.join("out").exists(), "nothing is created");
    Ok(())
}

#[test]
fn offline_without_a_vendor_directory_says_what_is_missing() -> Result<()> {
    let dir = scratch("offline-no-vendor");
    let src = rust_src_without_vendor(&dir)?;
    let out = dir.join("out");
    let mut builder = LibstdBuilder::new(&out, DEFAULT_TARGET);
    builder
        .rustc(rustc())
        .cargo(cargo())
        .rust_src(&src)
        .offline(true)
        .on_build_start(|_| panic!("must not start"));
    match builder.build() {
        Err(e @ LibstdError::OfflineWithoutVendor { .. }) => {
            let msg = e.to_string();
            let vendor = src.join("library/vendor");
            ensure!(
                msg.contains(&format!("no vendor directory at '{}'", vendor.display())),
                "{msg}"
            );
            ensure!(msg.contains("network use is off"), "{msg}");
            ensure!(msg.contains("offline(true)"), "{msg}");
        }
        other => bail!("expected OfflineWithoutVendor, got {other:?}"),
    }
    ensure!(!out.exists(), "nothing is created");
    Ok(())
}

#[cfg(feature = "cli")]
#[test]
fn cargo_net_offline_counts_as_offline() -> Result<()> {
    let dir = scratch("cargo-net-offline");
    let src = rust_src_without_vendor(&dir)?;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xous-sysroot-build"))
        .args(["build", "--rust-src"])
        .arg(&src)
        .arg("--rustc")
        .arg(rustc())
        .arg("--cargo")
        .arg(cargo())
        .arg("--out")
        .arg(dir.join("out"))
        .env("CARGO_NET_OFFLINE", "true")
        .output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(!out.status.success(), "{stderr}");
    ensure!(
        stderr.contains("network use is off (CARGO_NET_OFFLINE is set)"),
        "{stderr}"
    );
    ensure!(!stderr.contains("building libstd for"), "{stderr}");
    ensure!(!dir.join("out").exists(), "nothing is created");
    Ok(())
}

/// A `library/` whose `sysroot` crate is `#![no_core]` and needs `#![feature]`: it compiles for
/// the target without any std, but on a stable rustc only under `RUSTC_BOOTSTRAP=1`.
fn unstable_library(dir: &Path, release: &str) -> Result<PathBuf> {
    let root = dir.join("unstable-src");
    let krate = root.join("library/sysroot");
    fs::create_dir_all(krate.join("src"))?;
    fs::write(root.join("version"), format!("{release}\n"))?;
    fs::write(
        krate.join("Cargo.toml"),
        "[workspace]\n\n[package]\nname = \"sysroot\"\nversion = \"0.0.0\"\n\
         edition = \"2021\"\n\n[features]\npanic-unwind = []\ncompiler-builtins-mem = []\ncompiler-builtins-c = []\n",
    )?;
    fs::write(
        krate.join("Cargo.lock"),
        "version = 4\n\n[[package]]\nname = \"sysroot\"\nversion = \"0.0.0\"\n",
    )?;
    fs::write(
        krate.join("src/lib.rs"),
        "#![feature(no_core)]\n#![no_core]\n",
    )?;
    Ok(root)
}

/// Runs a build of [`unstable_library`] into `out`; cargo succeeds only if it got
/// `RUSTC_BOOTSTRAP=1`, and then the builder finds no `core` rlib.
fn build_unstable_library(dir: &Path, out: &Path) -> Result<()> {
    let release = RustcIdentity::probe(&rustc())?.release().to_owned();
    let src = unstable_library(dir, &release)?;
    let mut started = false;
    let mut builder = LibstdBuilder::new(out, DEFAULT_TARGET);
    builder
        .rustc(rustc())
        .cargo(cargo())
        .rust_src(&src)
        .offline(false)
        .on_build_start(|_| started = true);
    let result = builder.build();
    drop(builder);
    ensure!(started, "the hook runs before cargo does");
    match result {
        Err(LibstdError::MissingArtifact { missing, found, .. }) => {
            ensure!(missing == "core", "{missing}");
            ensure!(found == "sysroot", "{found}");
        }
        other => bail!("expected MissingArtifact after cargo succeeded, got {other:?}"),
    }
    Ok(())
}

/// The Debian rustc is a stable release: without `RUSTC_BOOTSTRAP=1` on the cargo process,
/// `-Zbinary-dep-depinfo`, `-Zforce-unstable-if-unmarked` and `#![feature]` are refused.
#[test]
fn bootstrap_flag_reaches_cargo_and_never_this_process() -> Result<()> {
    ensure!(
        std::env::var_os("RUSTC_BOOTSTRAP").is_none(),
        "run the tests without RUSTC_BOOTSTRAP in the environment"
    );
    let dir = scratch("bootstrap");
    let out = dir.join("out");
    build_unstable_library(&dir, &out)?;
    ensure!(std::env::var_os("RUSTC_BOOTSTRAP").is_none(), "leaked");
    ensure!(
        !out.join("lib/rustlib").join(DEFAULT_TARGET).exists(),
        "a failed build installs nothing"
    );
    Ok(())
}

/// A rebuild killed with SIGKILL while cargo compiles leaves the previous build untouched at
/// the output path; the next build clears the staging directory it left.
#[cfg(feature = "cli")]
#[test]
fn killed_build_leaves_the_previous_output_as_it_was() -> Result<()> {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let shared = crate::support::local_dist();
    let dir = scratch("killed");
    let sysroot = dir.join("sysroot");
    let rustlib = sysroot.join("lib/rustlib");
    let target_root = rustlib.join(DEFAULT_TARGET);
    let from = shared.build.target_libdir.parent().context("target root")?;
    for rel in xous_sysroot::producer::list_files(from)? {
        fs::create_dir_all(target_root.join(&rel).parent().unwrap())?;
        fs::copy(from.join(&rel), target_root.join(&rel))?;
    }
    let before = crate::support::tree(&target_root);

    // Another profile: the stamp does not match, so a real build starts.
    let mut child = Command::new(env!("CARGO_BIN_EXE_xous-sysroot-build"))
        .args(["build", "--profile", "debug-assertions", "--rustc"])
        .arg(rustc())
        .arg("--cargo")
        .arg(cargo())
        .arg("--out")
        .arg(&sysroot)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()?;
    let pid = child.id();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("building libstd for") {
        line.clear();
        if stderr.read_line(&mut line)? == 0 {
            bail!("the build ended before announcing itself");
        }
    }
    // Wait until cargo has written rlibs into the staging directory.
    let staging_rlibs = |rustlib: &Path| -> Vec<PathBuf> {
        let mut found = Vec::new();
        for entry in fs::read_dir(rustlib).into_iter().flatten().flatten() {
            let deps = entry
                .path()
                .join("cargo-target")
                .join(DEFAULT_TARGET)
                .join("release/deps");
            if entry.file_name().to_string_lossy().starts_with('.') && deps.is_dir() {
                found.push(entry.path());
            }
        }
        found
    };
    let started = Instant::now();
    loop {
        let compiling = staging_rlibs(&rustlib).iter().any(|s| {
            let deps = s
                .join("cargo-target")
                .join(DEFAULT_TARGET)
                .join("release/deps");
            fs::read_dir(deps)
                .into_iter()
                .flatten()
                .flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "rlib"))
        });
        if compiling {
            break;
        }
        ensure!(
            started.elapsed() < Duration::from_secs(300),
            "cargo wrote no rlib in 5 minutes"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let killed = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{pid}")])
        .status()?;
    ensure!(killed.success(), "kill failed");
    let status = child.wait()?;
    ensure!(!status.success(), "the build was not killed: {status}");

    ensure!(
        crate::support::tree(&target_root) == before,
        "the previous build changed"
    );
    ensure!(
        !staging_rlibs(&rustlib).is_empty(),
        "the killed build left no staging directory: was it killed mid-build?"
    );

    // The next build of this output (here one that stops after cargo) clears what was left.
    build_unstable_library(&dir, &sysroot)?;
    let left: Vec<_> = fs::read_dir(&rustlib)?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with(".xous-sysroot-staging-") || n.starts_with(".xous-sysroot-trash-")
        })
        .collect();
    ensure!(left.is_empty(), "left over: {left:?}");
    ensure!(
        crate::support::tree(&target_root) == before,
        "a failed build changed the previous one"
    );
    Ok(())
}
