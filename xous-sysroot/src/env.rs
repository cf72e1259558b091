//! The one place that reads user-facing environment variables, so that build scripts
//! rerun when any of them changes.

use std::ffi::OsString;

/// Reads an environment variable; inside a build script it also prints
/// `cargo:rerun-if-env-changed=NAME`, so cargo reruns the script when the variable changes.
pub fn var_os(name: &str) -> Option<OsString> {
    if in_build_script() {
        println!("cargo:rerun-if-env-changed={name}");
    }
    std::env::var_os(name)
}

/// [`var_os`] as a string; a value that is not UTF-8 or is empty counts as unset.
pub fn var(name: &str) -> Option<String> {
    var_os(name)
        .and_then(|v| v.into_string().ok())
        .filter(|v| !v.trim().is_empty())
}

/// [`var`] as a boolean: `1`, `true`, `yes` and `on` (any case) are true.
pub fn flag(name: &str) -> Option<bool> {
    var(name).map(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on"
        )
    })
}

/// Whether this process is a cargo build script (cargo sets `OUT_DIR` and `TARGET` for them).
pub fn in_build_script() -> bool {
    std::env::var_os("OUT_DIR").is_some() && std::env::var_os("TARGET").is_some()
}
