//! The smoke compile with real compilers: a library built by another rustc is refused as
//! "compiled by an incompatible version of rustc" and rolled back. The library is a small `std`
//! crate built here for the host with the rustup toolchain. (A library the compiler accepts is
//! shown with the real Xous libstd in xous-sysroot-build's end-to-end test: a host stand-in
//! would need the 60 MB metadata of `core`.)

use std::path::{Path, PathBuf};
use std::process::Command;

use xous_sysroot::producer::{DistRoot, RustStd};
use xous_sysroot::{Error, Rustc, Source};

use crate::support::{server::TestServer, snapshot};

/// Builds `lib/rustlib/<host>/lib/{libstd,libcore,libcompiler_builtins}` with `rustc`.
fn small_std(rustc: &Rustc, dir: &Path) -> (PathBuf, String) {
    let version = rustc.version().unwrap();
    let host = version.host.clone().unwrap();
    let real = rustc
        .sysroot()
        .unwrap()
        .join("lib/rustlib")
        .join(&host)
        .join("lib");
    let lib = dir.join("lib/rustlib").join(&host).join("lib");
    std::fs::create_dir_all(&lib).unwrap();
    for entry in std::fs::read_dir(&real).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if (name.starts_with("libcore-") || name.starts_with("libcompiler_builtins-"))
            && name.ends_with(".rlib")
        {
            std::fs::copy(entry.path(), lib.join(&name)).unwrap();
        }
    }
    let src = dir.join("std.rs");
    std::fs::write(&src, "#![no_std]\npub fn answer() -> u32 { 42 }\n").unwrap();
    let status = rustc
        .command()
        .args([
            "--crate-type",
            "rlib",
            "--crate-name",
            "std",
            "--edition",
            "2021",
            "-Cmetadata=smoke",
            "--out-dir",
        ])
        .arg(&lib)
        .arg(&src)
        .status()
        .unwrap();
    assert!(status.success());
    (dir.join("lib/rustlib").join(&host), host)
}

fn publish(tmp: &Path, rustc: &Rustc, claimed: &str) -> (DistRoot, String) {
    let (files, host) = small_std(rustc, &tmp.join("build"));
    let root = DistRoot::new(tmp.join("dist-root"));
    root.add_rust_std(&RustStd {
        release: claimed.split(' ').next().unwrap(),
        rustc: claimed,
        commit_hash: None,
        date: "2026-01-01",
        target: &host,
        files: &files,
        gz: false,
    })
    .unwrap();
    (root, host)
}

fn installer(
    server: &TestServer,
    cache: &Path,
    rustc: Rustc,
    host: &str,
) -> xous_sysroot::Installer {
    let mut i = xous_sysroot::Installer::new();
    i.rustc(rustc)
        .target(host)
        .cache_dir(cache)
        .retries(0)
        .sources(vec![Source::DistServer(server.url())]);
    i
}

#[test]
fn a_library_from_another_rustc_is_refused_and_rolled_back() {
    // Debian's rustc-web (installed by scripts/install-debian-toolchain.sh) is a different
    // compiler from the rustup toolchain that builds the library here.
    let other = Rustc::new("/usr/bin/rustc");
    let other_version = other
        .version()
        .expect("Debian's rustc at /usr/bin/rustc (run scripts/install-debian-toolchain.sh)");
    let tmp = tempfile::tempdir().unwrap();
    let builder = Rustc::active();
    let built_by = builder.version().unwrap();
    assert_ne!(
        built_by.identity(),
        other_version.identity(),
        "the two compilers must differ for this test"
    );
    // The dist server (wrongly) claims the library is for the other compiler.
    let (root, host) = publish(tmp.path(), &builder, &other_version.identity());
    let server = TestServer::start(root.path());
    let cache = tmp.path().join("cache");
    let sysroots = cache.join("sysroots");
    std::fs::create_dir_all(&sysroots).unwrap();
    let err = installer(&server, &cache, other.clone(), &host)
        .install()
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Incompatible { .. }), "{text}");
    assert!(
        text.contains("compiled by an incompatible version of rustc"),
        "{text}"
    );
    assert!(
        text.contains(&built_by.release) && text.contains(&other_version.release),
        "{text}"
    );
    let left: Vec<_> = snapshot(&sysroots)
        .into_iter()
        .filter(|(p, _)| p.is_file())
        .collect();
    assert!(left.is_empty(), "rolled back: {left:?}");
    // Uses the rustup toolchain's command name so that the test also fails loudly if missing.
    assert!(Command::new("rustc").arg("-V").output().is_ok());
}
