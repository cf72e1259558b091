//! What the tests and the benchmark share: the example project, Debian's toolchain (its
//! `rust-src` builds libstd offline, from its vendor directory) and an
//! environment with no dist server, no release zips and no stray cargo settings.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Debian's rustc (`rustc-web`).
pub const RUSTC: &str = "/usr/bin/rustc";
/// Debian's cargo (`cargo-web`).
pub const CARGO: &str = "/usr/bin/cargo";

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A copy of examples/hello-xous in `dir`.
pub fn copy_example(dir: &Path) -> PathBuf {
    let src = workspace().join("examples/hello-xous");
    let dst = dir.join("hello-xous");
    std::fs::create_dir_all(dst.join("src")).unwrap();
    for file in ["Cargo.toml", "src/lib.rs", "src/main.rs"] {
        std::fs::copy(src.join(file), dst.join(file)).unwrap();
    }
    dst
}

/// Debian's toolchain for `cmd`, `cache` as the xous-sysroot cache, no dist server, no release
/// zips, no inherited flags or target settings.
pub fn debian<'a>(cmd: &'a mut Command, cache: &Path) -> &'a mut Command {
    cmd.env("RUSTC", RUSTC)
        .env("RUSTDOC", "/usr/bin/rustdoc")
        .env("CARGO", CARGO)
        .env("XOUS_SYSROOT_CACHE_DIR", cache)
        .env("XOUS_SYSROOT_GITHUB_REPO", "none")
        .env_remove("XOUS_SYSROOT_DIST_SERVER")
        .env_remove("XOUS_SYSROOT_OFFLINE")
        .env_remove("XOUS_SYSROOT_MODE")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("RUSTUP_TOOLCHAIN")
}

/// `cargo xous <args>` in `project` (the binary under test, as cargo passes `xous` first).
pub fn cargo_xous(project: &Path, cache: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-xous"));
    cmd.arg("xous").args(args).current_dir(project);
    debian(&mut cmd, cache);
    cmd
}

/// The name of the private sysroot for Debian's rustc, e.g. `1.96.0-ac68faa20`.
#[allow(dead_code)] // not every test crate that includes this module asks for it
pub fn rustc_dir_name() -> String {
    xous_sysroot::Rustc::new(RUSTC)
        .version()
        .unwrap()
        .dir_name()
}

/// A finished command's status, stdout and stderr, for assertion messages.
#[allow(dead_code)] // the benchmark includes this module too and prints no outputs
pub fn text(out: &Output) -> String {
    format!(
        "status: {}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
