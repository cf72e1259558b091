//! Bad command-line and environment values for the real `xous-run` binary: NaN, infinite,
//! negative, zero and huge timeouts, RAM sizes beyond the address space and non-UTF-8 bytes
//! each end in exactly one line starting with `error:` (or `xous-run: error:` for what is
//! found after parsing) and exit status 2, never a panic; so does a `--sysroot` holding no
//! libstd or not UTF-8; a non-UTF-8 firmware path is used as it is. Nothing here builds
//! libstd or boots an emulator: each run stops before either.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

#[path = "../../../xous-sysroot/tests/it/support/refused.rs"]
mod refused;
use refused::{arg, the_error_line};

/// `xous-run` with a kernel and firmware that do not exist, so that a value the parser let
/// through would end in a different error (about the missing file) and fail the test.
fn xous_run(args: &[OsString]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xous-run"));
    cmd.env_remove("XOUS_RUN_TIMEOUT")
        .env_remove("XOUS_RUN_BACKEND")
        .env_remove("XOUS_RUN_EMULATOR")
        .arg("--kernel")
        .arg("/nonexistent/kernel.elf")
        .args(args);
    cmd
}

/// Runs `cmd` and returns its one error line, after checking exit status 2 and no panic.
fn the_error_line_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let line = the_error_line(&out);
    assert_eq!(out.status.code(), Some(2), "{cmd:?}: {line}");
    line
}

fn os(parts: &[&str]) -> Vec<OsString> {
    parts.iter().map(OsString::from).collect()
}

#[test]
fn timeouts_that_are_no_duration_are_refused_by_name() {
    for value in [
        "nan", "NaN", "-1", "1e30", "inf", "-inf", "0", "-0.0", "31536001", "abc", "",
    ] {
        for args in [
            os(&["--timeout", value, "fw.elf"]),
            os(&[&format!("--timeout={value}"), "fw.elf"]),
        ] {
            let line = the_error_line_of(&mut xous_run(&args));
            assert!(
                line.starts_with(&format!("error: invalid value '{value}' for '--timeout <SECONDS>': expected a number of seconds")),
                "{args:?}: {line}"
            );
        }
    }
    // The variable goes through the same check.
    let line = the_error_line_of(xous_run(&os(&["fw.elf"])).env("XOUS_RUN_TIMEOUT", "nan"));
    assert!(
        line.starts_with("error: invalid value 'nan' for '--timeout"),
        "{line}"
    );
}

#[test]
fn a_fractional_timeout_is_accepted() {
    // Parsed, so the run goes on to the missing firmware.
    let line = the_error_line_of(&mut xous_run(&os(&[
        "--timeout",
        "0.5",
        "/nonexistent/fw.elf",
    ])));
    assert!(
        line.starts_with("xous-run: error: ") && line.contains("/nonexistent/fw.elf"),
        "{line}"
    );
}

#[test]
fn a_missing_file_is_one_error_with_the_os_message_once() {
    let missing = "/nonexistent/fw.elf";
    let os_message = std::fs::read(missing).unwrap_err().to_string();
    let out = xous_run(&os(&[missing])).output().unwrap();
    let line = the_error_line(&out);
    assert!(line.contains(missing), "{line}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches(&os_message).count(), 1, "{stderr}");
}

#[test]
fn ram_sizes_outside_the_address_space_are_refused() {
    for value in [
        "0",
        "2048",
        "18446744073709551615",
        "18446744073709551616",
        "-5",
        "1.5",
    ] {
        let option = format!("--ram-mib={value}");
        let line = the_error_line_of(&mut xous_run(&os(&[&option, "fw.elf"])));
        assert!(
            line.starts_with(&format!(
                "error: invalid value '{value}' for '--ram-mib <RAM_MIB>'"
            )),
            "{value}: {line}"
        );
    }
}

#[test]
fn non_utf8_arguments_for_the_firmware_are_refused() {
    let bad = arg(b"caf\xe9");
    let cases = [
        vec!["fw.elf".into(), bad.clone()],
        vec!["--env".into(), bad.clone(), "fw.elf".into()],
        vec!["--utc-ms".into(), bad.clone(), "fw.elf".into()],
    ];
    for args in cases {
        let line = the_error_line_of(&mut xous_run(&args));
        assert!(line.starts_with("error: invalid UTF-8"), "{args:?}: {line}");
    }
    let line = the_error_line_of(xous_run(&os(&["fw.elf"])).env("XOUS_RUN_ENV_NAME", &bad));
    assert!(
        line.starts_with("xous-run: error: the host variable \"XOUS_RUN_ENV_NAME\"")
            && line.contains("not valid UTF-8"),
        "{line}"
    );
}

#[test]
fn non_utf8_paths_and_unrelated_variables_go_through() {
    let dir = tempfile::tempdir().unwrap();
    let name = arg(b"firmware-\xff.elf");
    let firmware: PathBuf = dir.path().join(&name);
    // Longer than an ELF header, so that the reader goes on to look for the magic.
    std::fs::write(&firmware, [b'x'; 64]).unwrap();
    // Another program's non-UTF-8 variable is none of xous-run's business.
    let line =
        the_error_line_of(xous_run(&[firmware.into_os_string()]).env("SOME_OTHER_VARIABLE", &name));
    assert!(
        line.starts_with("xous-run: error: ") && line.contains("is not an ELF file"),
        "{line}"
    );
}

#[test]
fn a_sysroot_without_a_libstd_or_a_utf8_path_is_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let utf8_empty = dir.path().join("empty");
    let not_utf8 = dir.path().join(arg(b"sysroot-\xff"));
    for sysroot in [&utf8_empty, &not_utf8] {
        std::fs::create_dir_all(
            sysroot
                .join("lib/rustlib")
                .join(xous_sysroot::DEFAULT_TARGET),
        )
        .unwrap();
    }
    std::fs::remove_dir_all(utf8_empty.join("lib")).unwrap();
    for (sysroot, says) in [
        (
            &utf8_empty,
            "holds no libstd for riscv32imac-unknown-xous-elf",
        ),
        (&not_utf8, "is not valid UTF-8"),
    ] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_xous-run"));
        cmd.env_remove("XOUS_RUN_KERNEL")
            .arg("--sysroot")
            .arg(sysroot)
            .arg("/nonexistent/fw.elf");
        let line = the_error_line_of(&mut cmd);
        assert!(
            line.starts_with("xous-run: error: the sysroot ") && line.contains(says),
            "{line}"
        );
    }
}
