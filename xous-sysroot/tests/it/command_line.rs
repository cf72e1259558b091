//! Bad command-line values for the real `xous-sysroot` binary: out-of-range, negative and
//! non-numeric timeouts and retry counts, and non-UTF-8 bytes, each end in exactly one line
//! starting with `error:`, a non-zero exit and no panic, before anything is fetched, as does
//! a non-UTF-8 value of a variable read as text; a non-UTF-8 cache directory works, and `env` refuses to print a sysroot flag cargo could not
//! take. Nothing here builds libstd: installs come from a synthetic dist on 127.0.0.1.
#![cfg(feature = "cli")]

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use crate::chaos::cli;
use crate::support::refused::{arg, the_error_line};
use crate::support::server::TestServer;
use crate::support::{synthetic_dist, RUSTC, TARGET};

/// The binary with `args`, `cache` as its cache directory and no dist server or GitHub fallback of
/// its own.
fn xous_sysroot(args: &[OsString], cache: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xous-sysroot"));
    cmd.args(args)
        .arg("--cache-dir")
        .arg(cache)
        .env("XOUS_SYSROOT_GITHUB_REPO", "none")
        .env_remove("XOUS_SYSROOT_DIST_SERVER");
    cmd
}

#[test]
fn bad_numbers_and_non_utf8_text_are_one_error_before_any_request() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1000, false);
    let server = TestServer::start(root.path());
    let cache = tmp.path().join("cache");
    let numbers = [
        ("--timeout", "0"),
        ("--timeout", "86401"),
        ("--timeout", "18446744073709551615"),
        ("--timeout", "-1"),
        ("--timeout", "nan"),
        ("--timeout", "1.5"),
        ("--retries", "101"),
        ("--retries", "4294967296"),
        ("--retries", "-1"),
    ];
    for (option, value) in numbers {
        let url = server.url();
        let args = [
            "install",
            RUSTC,
            "--no-build",
            "--dist-server",
            &url,
            &format!("{option}={value}"),
        ];
        let out = xous_sysroot(&args.map(OsString::from), &cache)
            .output()
            .unwrap();
        let line = the_error_line(&out);
        assert!(
            line.starts_with(&format!("error: invalid value '{value}' for '{option} <")),
            "{option} {value}: {line}"
        );
    }
    let texts = [
        vec![arg(b"install"), arg(b"1.96.\xff")],
        vec![arg(b"install"), arg(b"--target"), arg(b"riscv\xff")],
        vec![arg(b"install"), arg(b"--dist-server"), arg(b"http://\xff")],
        vec![arg(b"install"), arg(b"--toolchain"), arg(b"nightly\xff")],
    ];
    for args in texts {
        let out = xous_sysroot(&args, &cache).output().unwrap();
        let line = the_error_line(&out);
        assert!(line.starts_with("error: invalid UTF-8"), "{args:?}: {line}");
    }
    assert!(server.requests("").is_empty(), "the server was asked");
    assert!(!cache.exists(), "the cache was written");
}

#[test]
fn a_variable_whose_value_is_not_utf8_is_one_error_naming_it_not_taken_for_unset() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1000, false);
    let server = TestServer::start(root.path());
    let cache = tmp.path().join("cache");
    // The dist server is given on the command line, so that an ignored variable would install.
    for name in [
        "XOUS_SYSROOT_MODE",
        "XOUS_SYSROOT_OFFLINE",
        "XOUS_SYSROOT_PIN_SHA256",
        "XOUS_SYSROOT_BUILD_FROM_SOURCE",
    ] {
        let args = ["install", RUSTC, "--dist-server", &server.url()];
        let out = xous_sysroot(&args.map(OsString::from), &cache)
            .env(name, arg(b"priv\xffate"))
            .output()
            .unwrap();
        let line = the_error_line(&out);
        assert_eq!(
            line,
            format!("error: the environment variable {name} is not valid UTF-8: 'priv\\xFFate'"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(&format!("help: set {name} to UTF-8")),
            "{name}"
        );
    }
    // Without --dist-server, the server list comes from the variable.
    let out = xous_sysroot(&[OsString::from("install"), OsString::from(RUSTC)], &cache)
        .env("XOUS_SYSROOT_DIST_SERVER", arg(b"http://127.0.0.1:1/\xff"))
        .output()
        .unwrap();
    assert!(the_error_line(&out).contains("XOUS_SYSROOT_DIST_SERVER is not valid UTF-8"));
    assert!(server.requests("").is_empty(), "the server was asked");
    assert!(!cache.join("sysroots").exists(), "something was installed");
}

#[test]
fn a_non_utf8_cache_directory_installs_but_env_refuses_a_flag_cargo_cannot_take() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1000, false);
    let server = TestServer::start(root.path());
    let cache = tmp.path().join(arg(b"cache-\xff"));
    // Refused before anything is fetched, and after an install (which works) too.
    let out = cli(&server.url(), &cache, &["env"]).output().unwrap();
    assert!(the_error_line(&out).starts_with("error: the private sysroot '"));
    assert!(server.requests("").is_empty(), "the server was asked");
    let install = cli(&server.url(), &cache, &["install"]).output().unwrap();
    assert!(
        install.status.success(),
        "{}",
        String::from_utf8_lossy(&install.stderr)
    );
    let verify = cli(&server.url(), &cache, &["verify"]).output().unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    for format in ["shell", "config", "config-arg", "flags"] {
        let out = cli(&server.url(), &cache, &["env", "--format", format])
            .output()
            .unwrap();
        let line = the_error_line(&out);
        assert!(
            line.starts_with("error: the private sysroot '")
                && line.contains("cache-\\xFF/sysroots/")
                && line.contains("' is not valid UTF-8"),
            "{format}: {line}"
        );
        assert!(out.stdout.is_empty(), "{format}: printed a flag anyway");
    }
}
