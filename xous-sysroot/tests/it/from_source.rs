//! The last source, a build from the toolchain's `rust-src`: never started by the library
//! unless asked, and refused settings change nothing. (Real builds are exercised end to end by
//! `cargo-xous`'s tests, where they are on by default.)
#![cfg(feature = "build")]

use xous_sysroot::{Error, Installer, Rustc};

const DEBIAN_RUSTC: &str = "/usr/bin/rustc";

#[test]
fn the_library_does_not_build_from_source_unless_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let err = Installer::new()
        .rustc(Rustc::new(DEBIAN_RUSTC))
        .cache_dir(&cache)
        .offline(true)
        .install()
        .unwrap_err();
    assert!(matches!(err, Error::NotCached { .. }), "{err}");
    assert!(!cache.join("builds").exists(), "no build was started");
    let debian = Rustc::new(DEBIAN_RUSTC).version().unwrap();
    assert!(!cache.join("sysroots").join(debian.dir_name()).exists());
}

#[test]
fn a_rustc_of_another_release_is_never_used_for_the_build() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let err = Installer::new()
        .version_str("1.90.0 (1159e78c4 2025-09-14)")
        .unwrap()
        .rustc(Rustc::new(DEBIAN_RUSTC))
        .sources(vec![xous_sysroot::Source::RustSrc {
            profile: xous_sysroot::build::Profile::Official,
        }])
        .smoke_test(false)
        .cache_dir(&cache)
        .install()
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("1.90.0") && text.contains("1.96.0"), "{text}");
    assert!(!cache.join("builds").exists(), "no build was started");
}

#[cfg(feature = "cli")]
#[test]
fn a_bad_build_profile_is_refused_with_help() {
    let tmp = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xous-sysroot"))
        .args([
            "install",
            "--rustc",
            DEBIAN_RUSTC,
            "--offline",
            "--cache-dir",
        ])
        .arg(tmp.path())
        .env("XOUS_SYSROOT_BUILD_PROFILE", "fastest")
        .env("XOUS_SYSROOT_GITHUB_REPO", "none")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown libstd build profile `fastest`"),
        "{stderr}"
    );
    assert!(stderr.contains("help: set it to one of those"), "{stderr}");
    assert!(!tmp.path().join("builds").exists());
}
