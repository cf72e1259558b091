//! Bad command-line values for the real `xous-sysroot-build` binary: timeouts that are no
//! duration and non-UTF-8 text each end in exactly one line starting with `error:`, a
//! non-zero exit and no panic; non-UTF-8 paths (the C compiler, the output directory) are
//! taken as they are. Nothing here builds libstd: every run stops before a build or request.

use std::ffi::OsString;
use std::process::{Command, Output};

use crate::support::scratch;

#[path = "../../../xous-sysroot/tests/it/support/refused.rs"]
mod refused;
use refused::{arg, the_error_line};

fn run(args: &[OsString]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xous-sysroot-build"))
        .args(args)
        .env_remove("XOUS_SYSROOT_BUILD_RUSTC")
        .env_remove("XOUS_SYSROOT_BUILD_CARGO")
        .output()
        .unwrap()
}

#[test]
fn overlay_timeouts_that_are_no_duration_are_refused() {
    let dir = scratch("command-line-overlay");
    for value in ["0", "86401", "18446744073709551615", "-1", "nan", "2.5"] {
        let out = run(&[
            "overlay".into(),
            "--dist-root".into(),
            dir.clone().into(),
            "--upstream".into(),
            "http://127.0.0.1:9/".into(),
            format!("--timeout={value}").into(),
        ]);
        let line = the_error_line(&out);
        assert!(
            line.starts_with(&format!(
                "error: invalid value '{value}' for '--timeout <TIMEOUT>'"
            )),
            "{value}: {line}"
        );
    }
}

#[test]
fn non_utf8_text_is_refused_and_non_utf8_paths_are_taken() {
    let dir = scratch("command-line-bytes");
    let texts = [
        vec![
            "serve".into(),
            "--dist-root".into(),
            dir.clone().into(),
            "--addr".into(),
            arg(b"127.0.0.1:\xff"),
        ],
        vec![
            "package".into(),
            "--sysroot".into(),
            dir.clone().into(),
            "--dist-root".into(),
            dir.clone().into(),
            "--date".into(),
            arg(b"2026-\xff"),
        ],
        vec!["build".into(), "--target".into(), arg(b"riscv\xff")],
    ];
    for args in texts {
        let line = the_error_line(&run(&args));
        assert!(line.starts_with("error: invalid UTF-8"), "{args:?}: {line}");
    }
    // The paths get as far as running the (missing) rustc.
    let out = run(&[
        "build".into(),
        "--rustc".into(),
        dir.join("no-such-rustc").into(),
        "--c-compiler".into(),
        dir.join(arg(b"cc-\xff")).into(),
        "--out".into(),
        dir.join(arg(b"out-\xff")).into(),
    ]);
    let line = the_error_line(&out);
    assert!(
        line.starts_with("error: could not run rustc") && line.contains("no-such-rustc"),
        "{line}"
    );
}
