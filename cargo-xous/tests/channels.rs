//! `cargo xous run` with the toolchains a Xous developer has besides Debian's: rustup's nightly
//! and beta, whose rust-src ships `library/vendor` with its own `library/.cargo/config.toml`,
//! and a toolchain whose rust-src has no vendor directory (rustup's stable), built from
//! crates.io. CI has Debian's toolchain only, so each is a stand-in made from it: a rustc
//! wrapper that reports the channel's identity with its own commit hash, in a toolchain
//! directory whose `lib/rustlib/src/rust/library` is a copy of Debian's arranged in that layout.
//!
//! One cache holds them all, so the test shows that two nightlies and a beta live side by side.
//! Three libstd builds in all (the expensive part), hence one test function.

use std::path::{Path, PathBuf};
use std::process::Command;

mod support;

use support::{cargo_xous as base_cargo_xous, copy_example, text, workspace, CARGO, RUSTC};

const BUILD_NOTICE: &str = "building it from rust-src";

/// Where Debian's toolchain keeps its sources and host libraries.
const DEBIAN_RUSTLIB: &str = "/usr/lib/rustlib";

/// How a stand-in's rust-src gets std's crates.io dependencies.
#[derive(Clone, Copy)]
enum Layout {
    /// `library/vendor` and a `library/.cargo/config.toml` defining it (rustup nightly, beta).
    VendorWithConfig,
    /// No vendor directory (rustup stable): crates.io, here a mirror in `CARGO_HOME`.
    Registry,
}

/// A stand-in toolchain in `dir`: `bin/rustc` reports `release` with commit `hash` and runs
/// Debian's rustc; `bin/cargo` is Debian's; rust-src is a copy of Debian's in `layout`.
fn stand_in(dir: &Path, release: &str, hash: &str, date: &str, layout: Layout) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let real = Command::new(RUSTC).arg("-vV").output().unwrap();
    let mut identity = String::new();
    for line in String::from_utf8_lossy(&real.stdout).lines() {
        let line = match line.split_once(':').map(|(k, _)| k) {
            _ if line.starts_with("rustc ") => format!("rustc {release} ({} {date})", &hash[..9]),
            Some("commit-hash") => format!("commit-hash: {hash}"),
            Some("commit-date") => format!("commit-date: {date}"),
            Some("release") => format!("release: {release}"),
            _ => line.to_owned(),
        };
        identity.push_str(&line);
        identity.push('\n');
    }
    std::fs::write(bin.join("identity-vV.txt"), identity).unwrap();
    let rustc = bin.join("rustc");
    std::fs::write(
        &rustc,
        format!(
            "#!/bin/sh\nhere=$(dirname \"$0\")\ncase \"$*\" in\n  \
             -vV) cat \"$here/identity-vV.txt\"; exit 0 ;;\n  \
             -V|--version) head -n1 \"$here/identity-vV.txt\"; exit 0 ;;\n  \
             '--print sysroot') cd \"$here/..\" && pwd; exit 0 ;;\n\
             esac\nexec {RUSTC} \"$@\"\n"
        ),
    )
    .unwrap();
    let mut perms = std::fs::metadata(&rustc).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&rustc, perms).unwrap();
    std::os::unix::fs::symlink(CARGO, bin.join("cargo")).unwrap();
    let rustlib = dir.join("lib/rustlib");
    std::fs::create_dir_all(rustlib.join("src/rust")).unwrap();
    std::os::unix::fs::symlink(
        Path::new(DEBIAN_RUSTLIB).join("x86_64-unknown-linux-gnu"),
        rustlib.join("x86_64-unknown-linux-gnu"),
    )
    .unwrap();
    let library = rustlib.join("src/rust/library");
    copy_dir(
        &Path::new(DEBIAN_RUSTLIB).join("src/rust/library"),
        &library,
    );
    match layout {
        Layout::VendorWithConfig => {
            // As rustup's nightly and beta rust-src ship it (and no version file).
            std::fs::create_dir_all(library.join(".cargo")).unwrap();
            std::fs::write(
                library.join(".cargo/config.toml"),
                "[source.crates-io]\nreplace-with = \"vendored-sources\"\n\n\
                 [source.vendored-sources]\ndirectory = \"vendor\"\n",
            )
            .unwrap();
        }
        Layout::Registry => std::fs::remove_dir_all(library.join("vendor")).unwrap(),
    }
    rustc
}

/// Copies the tree `from` to `to` (files and directories; symlinks are followed).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A `CARGO_HOME` whose crates.io is a mirror: a directory source over Debian's vendored
/// crates, as a company mirror or `cargo vendor` would provide it, so that the registry layout
/// builds with no network.
fn mirrored_cargo_home(dir: &Path) -> PathBuf {
    let home = dir.join("cargo-home");
    std::fs::create_dir_all(&home).unwrap();
    let vendor = Path::new(DEBIAN_RUSTLIB).join("src/rust/library/vendor");
    std::fs::write(
        home.join("config.toml"),
        format!(
            "[source.crates-io]\nreplace-with = \"mirror\"\n\n[source.mirror]\ndirectory = {:?}\n",
            vendor.display().to_string()
        ),
    )
    .unwrap();
    home
}

/// Builds `xous-run` and the `xous-sysroot` CLI beside `cargo-xous`.
fn build_tools() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "-q", "-p", "test-harness", "--bin", "xous-run"])
        .args([
            "-p",
            "xous-sysroot",
            "--features",
            "cli",
            "--bin",
            "xous-sysroot",
        ])
        .current_dir(workspace())
        .status()
        .unwrap();
    assert!(
        status.success(),
        "building xous-run and xous-sysroot failed"
    );
    Path::new(env!("CARGO_BIN_EXE_cargo-xous"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `cargo xous run -- <arg>` with `rustc`; asserts the program's output and returns stderr.
fn run(project: &Path, cache: &Path, rustc: &Path, home: Option<&Path>, arg: &str) -> String {
    let mut cmd = base_cargo_xous(project, cache, &["run", "--", arg]);
    cmd.env("RUSTC", rustc)
        .env_remove("RUSTDOC")
        .env("XOUS_RUN_TIMEOUT", "120");
    match home {
        Some(home) => cmd.env("CARGO_HOME", home).env_remove("CARGO_NET_OFFLINE"),
        None => cmd.env("CARGO_NET_OFFLINE", "true"),
    };
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let want = format!("Hello from Xous! arguments: {arg}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&want),
        "{}",
        text(&out)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn nightlies_a_beta_and_a_registry_rust_src_build_run_and_live_side_by_side() {
    let bin = build_tools();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let project = copy_example(dir.path());
    let nightly_a = stand_in(
        &dir.path().join("nightly-a"),
        "1.97.0-nightly",
        "e50aa6fba1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6",
        "2026-05-19",
        Layout::VendorWithConfig,
    );
    let nightly_b = stand_in(
        &dir.path().join("nightly-b"),
        "1.97.0-nightly",
        "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c",
        "2026-05-20",
        Layout::Registry,
    );
    let beta = stand_in(
        &dir.path().join("beta"),
        "1.100.0-beta.7",
        "fd8e211ae0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5",
        "2026-10-17",
        Layout::VendorWithConfig,
    );
    let home = mirrored_cargo_home(dir.path());

    // The nightly's own vendored source, offline.
    let stderr = run(&project, &cache, &nightly_a, None, "nightly-a");
    assert!(stderr.contains(BUILD_NOTICE), "{stderr}");
    // A second nightly of the same release: its own sysroot, std's crates from the registry.
    let stderr = run(&project, &cache, &nightly_b, Some(&home), "nightly-b");
    assert!(stderr.contains(BUILD_NOTICE), "{stderr}");
    let stderr = run(&project, &cache, &beta, None, "beta");
    assert!(stderr.contains(BUILD_NOTICE), "{stderr}");
    // The first nightly's sysroot is still there: no build.
    let stderr = run(&project, &cache, &nightly_a, None, "again");
    assert!(!stderr.contains(BUILD_NOTICE), "{stderr}");

    let names = [
        "1.97.0-nightly-e50aa6fba",
        "1.97.0-nightly-0b1c2d3e4",
        "1.100.0-beta.7-fd8e211ae",
    ];
    let cli = |args: &[&str]| {
        Command::new(bin.join("xous-sysroot"))
            .args(args)
            .env("XOUS_SYSROOT_CACHE_DIR", &cache)
            .output()
            .unwrap()
    };
    let list = cli(&["list"]);
    assert!(list.status.success(), "{}", text(&list));
    let listed = String::from_utf8_lossy(&list.stdout);
    for name in names {
        let line = listed
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("{name} not listed:\n{listed}"));
        assert!(line.contains(&*cache.join("sysroots").join(name).to_string_lossy()));
    }
    assert!(
        listed.contains("rustc 1.97.0-nightly (0b1c2d3e4 2026-05-20)"),
        "{listed}"
    );

    // One of them, by the name `list` shows: status, then uninstall; the others stay.
    let status = cli(&["status", names[1]]);
    assert!(status.status.success(), "{}", text(&status));
    assert!(
        String::from_utf8_lossy(&status.stdout).contains("1.97.0-nightly (0b1c2d3e4 2026-05-20)"),
        "{}",
        text(&status)
    );
    let removed = cli(&["uninstall", names[1]]);
    assert!(removed.status.success(), "{}", text(&removed));
    assert!(String::from_utf8_lossy(&removed.stdout).starts_with("removed "));
    assert!(!cache
        .join("sysroots")
        .join(names[1])
        .join("lib/rustlib")
        .join(xous_sysroot::DEFAULT_TARGET)
        .exists());
    let listed = String::from_utf8_lossy(&cli(&["list"]).stdout).into_owned();
    assert!(!listed.contains(names[1]), "{listed}");
    assert!(
        listed.contains(names[0]) && listed.contains(names[2]),
        "{listed}"
    );
}

#[test]
fn registry_rust_src_offline_is_a_clear_error_naming_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let project = copy_example(dir.path());
    let rustc = stand_in(
        &dir.path().join("stable"),
        "1.95.0",
        "59807616e1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6",
        "2026-04-14",
        Layout::Registry,
    );
    let out = base_cargo_xous(&project, &cache, &["build"])
        .env("RUSTC", &rustc)
        .env("CARGO_NET_OFFLINE", "true")
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot build libstd offline"),
        "{}",
        text(&out)
    );
    assert!(stderr.contains("library/vendor"), "{}", text(&out));
    assert!(!cache.join("sysroots").join("1.95.0-59807616e").exists());
}

#[test]
fn a_rustc_without_rustdoc_beside_it_stops_a_test_before_building() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let project = copy_example(dir.path());
    let rustc = stand_in(
        &dir.path().join("nightly"),
        "1.97.0-nightly",
        "e50aa6fba1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6",
        "2026-05-19",
        Layout::VendorWithConfig,
    );
    let out = base_cargo_xous(&project, &cache, &["test"])
        .env("RUSTC", &rustc)
        .env_remove("RUSTDOC")
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rustc 1.97.0-nightly (e50aa6fba 2026-05-19)"),
        "{}",
        text(&out)
    );
    assert!(stderr.contains("rustdoc on PATH"), "{}", text(&out));
    assert!(!stderr.contains(BUILD_NOTICE), "{}", text(&out));
    assert!(!cache.join("sysroots").exists());
}
