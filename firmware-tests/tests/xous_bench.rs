//! The `xous-bench` command line: counts, thresholds and non-UTF-8 bytes it cannot take end
//! in exactly one line starting with `error:`, a non-zero exit and no panic, before any
//! emulator starts; a non-UTF-8 report path is used as it is. (A NaN threshold used to pass
//! every comparison, so a gate could not fail.)

use std::ffi::OsString;
use std::process::{Command, Output};

#[path = "../../xous-sysroot/tests/it/support/refused.rs"]
mod refused;
use refused::{arg, the_error_line};

fn xous_bench(args: &[OsString]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xous-bench"))
        .args(args)
        .output()
        .unwrap()
}

/// `gate` comparing a report that does not exist, so that a value the parser let through
/// ends in an error about that file instead.
fn gate_with(option: &str) -> Output {
    xous_bench(&[
        "gate".into(),
        "--from".into(),
        "/nonexistent/bench.json".into(),
        option.into(),
    ])
}

#[test]
fn thresholds_that_are_no_percentage_are_refused() {
    for value in ["nan", "inf", "-1", "-0.5", "abc", ""] {
        let line = the_error_line(&gate_with(&format!("--threshold={value}")));
        assert!(
            line.starts_with(&format!(
                "error: invalid value '{value}' for '--threshold <THRESHOLD>': expected a percentage"
            )),
            "{value}: {line}"
        );
    }
    // The same check for `qualify`.
    let out = xous_bench(&[
        "qualify".into(),
        "/nonexistent/dist".into(),
        "--baseline".into(),
        "/nonexistent/baseline.json".into(),
        "--threshold".into(),
        "nan".into(),
    ]);
    assert!(the_error_line(&out).starts_with("error: invalid value 'nan' for '--threshold"));
}

#[test]
fn zero_or_non_numeric_counts_are_refused() {
    for option in ["--runs", "--jobs"] {
        for value in ["0", "-1", "1.5", "18446744073709551616"] {
            let line = the_error_line(&gate_with(&format!("{option}={value}")));
            assert!(
                line.starts_with(&format!("error: invalid value '{value}' for '{option} <")),
                "{option} {value}: {line}"
            );
        }
    }
}

#[test]
fn non_utf8_text_is_refused_and_a_non_utf8_path_is_used() {
    for args in [
        vec![
            arg(b"qualify"),
            arg(b"/dist-\xff"),
            arg(b"--baseline"),
            arg(b"b.json"),
        ],
        vec![arg(b"gate"), arg(b"--variants"), arg(b"talc,\xff")],
    ] {
        let line = the_error_line(&xous_bench(&args));
        assert!(line.starts_with("error: invalid UTF-8"), "{args:?}: {line}");
    }
    let line = the_error_line(&xous_bench(&[
        arg(b"gate"),
        arg(b"--from"),
        arg(b"/nonexistent/report-\xff.json"),
    ]));
    assert!(
        line.starts_with("error: ") && line.contains("/nonexistent/report-"),
        "{line}"
    );
}
