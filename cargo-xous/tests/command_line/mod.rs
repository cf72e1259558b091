//! Non-UTF-8 arguments for the real `cargo-xous` binary: refused with exactly one line
//! starting with `error:` where cargo xous reads them or cargo would refuse them before
//! anything is installed, passed on unchanged (cargo's own error) elsewhere; never a panic.
//! A private sysroot whose path cargo could not be given is refused too. Nothing here builds
//! libstd: every run stops before installing.

use std::ffi::OsString;
use std::process::{Command, Output};

use crate::support::{debian, text};

#[path = "../../../xous-sysroot/tests/it/support/refused.rs"]
mod refused;
use refused::{arg, the_error_line};

/// `cargo xous <args>` in the empty directory `dir`, whose `cache` would be the xous-sysroot
/// cache (it must stay absent).
fn cargo_xous(dir: &std::path::Path, args: &[OsString]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-xous"));
    cmd.arg("xous").args(args).current_dir(dir);
    debian(&mut cmd, &dir.join("cache"));
    cmd.output().unwrap()
}

/// Arguments made of these bytes.
fn args(parts: &[&[u8]]) -> Vec<OsString> {
    parts.iter().map(|p| arg(p)).collect()
}

#[test]
fn non_utf8_before_dashdash_of_a_target_subcommand_is_refused_before_installing() {
    let dir = tempfile::tempdir().unwrap();
    for (given, says) in [
        (
            args(&[b"build", b"\xff"]),
            "error: the argument \"\\xFF\" of `cargo xous build` is not valid UTF-8",
        ),
        (
            args(&[b"test", b"--features=caf\xe9"]),
            "error: the argument \"--features=caf\\xE9\" of `cargo xous test` is not valid UTF-8",
        ),
        (
            args(&[b"build", b"--target", b"\xff"]),
            "error: the value of --target is not valid UTF-8",
        ),
        (
            args(&[b"--config", b"\xff", b"check"]),
            "error: the value of --config is not valid UTF-8",
        ),
        (
            args(&[b"+\xff", b"build"]),
            "error: the toolchain name after `+` is not valid UTF-8",
        ),
    ] {
        let out = cargo_xous(dir.path(), &given);
        let line = the_error_line(&out);
        assert_eq!(out.status.code(), Some(101), "{}", text(&out));
        assert!(line.starts_with(says), "{given:?}: {line}");
    }
    assert!(
        !dir.path().join("cache").exists(),
        "something was installed"
    );
}

#[test]
fn non_utf8_arguments_of_other_subcommands_reach_cargo_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    // cargo itself answers, with its own exit status 1 (cargo xous's own errors are 101).
    for given in [args(&[b"clean", b"\xff"]), args(&[b"\xff"])] {
        let out = cargo_xous(dir.path(), &given);
        let line = the_error_line(&out);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(line.starts_with("error: "), "{given:?}: {line}");
        assert!(!line.contains("cargo xous"), "{given:?}: {line}");
    }
    assert!(
        !dir.path().join("cache").exists(),
        "something was installed"
    );
}

#[test]
fn a_private_sysroot_cargo_could_not_name_is_refused_before_installing() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join(arg(b"cache-\xff"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-xous"));
    cmd.args(["xous", "build"]).current_dir(dir.path());
    let out = debian(&mut cmd, &cache).output().unwrap();
    let line = the_error_line(&out);
    assert!(
        line.starts_with("error: the private sysroot '")
            && line.contains("cache-\\xFF/sysroots/")
            && line.contains("' is not valid UTF-8"),
        "{line}"
    );
    assert!(!cache.join("sysroots").exists(), "{}", text(&out));
}
