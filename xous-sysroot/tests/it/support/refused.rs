//! What every binary's command-line tests check of a refused value: a non-zero exit status,
//! no panic, and exactly one line that says `error:`. Shared by path with the other crates'
//! integration tests, so that each binary is held to the same form.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::Output;

/// The one line of stderr that contains `error:`, after checking that the program exited
/// with a non-zero status (not a signal) and did not panic.
pub fn the_error_line(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let shown = || {
        format!(
            "status: {}\n--- stdout\n{}\n--- stderr\n{stderr}",
            out.status,
            String::from_utf8_lossy(&out.stdout)
        )
    };
    assert!(out.status.code().is_some_and(|c| c != 0), "{}", shown());
    assert!(!stderr.contains("panicked"), "{}", shown());
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error:")).collect();
    assert_eq!(errors.len(), 1, "{}", shown());
    errors[0].to_string()
}

/// An argument made of `bytes` as they are (e.g. `b"\xff"`, which is not UTF-8).
pub fn arg(bytes: &[u8]) -> OsString {
    OsString::from_vec(bytes.to_vec())
}
