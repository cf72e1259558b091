//! The environment: the one place that reads user-facing variables (so that build scripts
//! rerun when any of them changes), and the one that keeps a calling cargo's variables out of
//! a child cargo.

use std::ffi::OsString;

use crate::error::{Error, Result};

/// Reads an environment variable as the OS gives it (for paths, which need not be UTF-8);
/// inside a build script it also prints `cargo:rerun-if-env-changed=NAME`, so cargo reruns
/// the script when the variable changes.
pub fn var_os(name: &str) -> Option<OsString> {
    if in_build_script() {
        println!("cargo:rerun-if-env-changed={name}");
    }
    std::env::var_os(name)
}

/// [`var_os`] as text: `None` when unset or empty (blank), [`Error::EnvNotUtf8`] naming the
/// variable when its value is not UTF-8 (rather than taking it for unset).
pub fn var(name: &str) -> Result<Option<String>> {
    match var_os(name).map(OsString::into_string) {
        None => Ok(None),
        Some(Ok(v)) => Ok(Some(v).filter(|v| !v.trim().is_empty())),
        Some(Err(value)) => Err(Error::EnvNotUtf8 {
            name: name.to_owned(),
            value,
        }),
    }
}

/// [`var`] as a boolean: `1`, `true`, `yes` and `on` (any case) are true.
pub fn flag(name: &str) -> Result<Option<bool>> {
    Ok(var(name)?.map(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on"
        )
    }))
}

/// Whether this process is a cargo build script (cargo sets `OUT_DIR` and `TARGET` for them).
pub fn in_build_script() -> bool {
    std::env::var_os("OUT_DIR").is_some() && std::env::var_os("TARGET").is_some()
}

/// Removes from `cmd` the variables through which a calling cargo (a build script, `cargo
/// test`) or the user's shell would change a child cargo build: every `CARGO_*` and `__CARGO*`
/// variable except cargo's home, network, registry and terminal settings, the compiler,
/// rustdoc and their wrappers and flags, and make's jobserver variables. The child then builds
/// as a fresh `cargo` in a clean shell would; set what it needs after this call.
pub fn scrub_cargo_env(cmd: &mut std::process::Command) {
    const KEEP_PREFIXES: [&str; 6] = [
        "CARGO_HOME",
        "CARGO_NET_",
        "CARGO_HTTP_",
        "CARGO_REGISTRIES_",
        "CARGO_REGISTRY_",
        "CARGO_TERM_",
    ];
    const REMOVE_EXACT: [&str; 11] = [
        "CARGO",
        "RUSTC",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_LINKER",
        "RUSTFLAGS",
        "RUSTDOC",
        "RUSTDOCFLAGS",
        "MAKEFLAGS",
        "MFLAGS",
        "CARGO_MAKEFLAGS",
    ];
    for (key, _) in std::env::vars_os() {
        let Some(k) = key.to_str() else { continue };
        let cargo_var = k.starts_with("CARGO_") && !KEEP_PREFIXES.iter().any(|p| k.starts_with(p));
        if cargo_var || k.starts_with("__CARGO") || REMOVE_EXACT.contains(&k) {
            cmd.env_remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_value_that_is_not_utf8_is_an_error_naming_the_variable_not_unset() {
        use std::os::unix::ffi::OsStrExt;
        // A name of this test's own: no other test reads it.
        let name = "XOUS_SYSROOT_ENV_TEST_NOT_UTF8";
        std::env::set_var(name, std::ffi::OsStr::from_bytes(b"priv\xffate"));
        for err in [var(name).unwrap_err(), flag(name).unwrap_err()] {
            assert!(matches!(&err, Error::EnvNotUtf8 { name: n, .. } if n == name));
            let text = err.to_string();
            assert!(
                text.starts_with(&format!(
                    "the environment variable {name} is not valid UTF-8: 'priv\\xFFate'"
                )),
                "{text}"
            );
            assert!(text.contains(&format!("\nhelp: set {name} to")), "{text}");
        }
        // Paths are read as the OS gives them.
        assert_eq!(var_os(name).unwrap().as_bytes(), b"priv\xffate");
        std::env::set_var(name, " ");
        assert_eq!(var(name).unwrap(), None);
        std::env::set_var(name, "On");
        assert_eq!(flag(name).unwrap(), Some(true));
        std::env::remove_var(name);
        assert_eq!(flag(name).unwrap(), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_scrubbed_child_inherits_no_cargo_settings() {
        // `cargo test` runs this with CARGO, CARGO_MANIFEST_DIR, CARGO_PKG_NAME, ... set, as a
        // build script is run.
        assert!(
            std::env::var_os("CARGO_MANIFEST_DIR").is_some(),
            "run under cargo test"
        );
        let mut cmd = std::process::Command::new("env");
        scrub_cargo_env(&mut cmd);
        cmd.env("RUSTC", "set-after-the-scrub");
        let out = cmd.output().unwrap();
        let seen = String::from_utf8_lossy(&out.stdout);
        let names: Vec<&str> = seen.lines().filter_map(|l| l.split('=').next()).collect();
        assert!(seen.contains("RUSTC=set-after-the-scrub"), "{seen}");
        for gone in ["CARGO", "CARGO_MANIFEST_DIR", "CARGO_PKG_NAME"] {
            assert!(!names.contains(&gone), "{gone} leaked into the child");
        }
        let kept = |name: &&str| {
            [
                "CARGO_HOME",
                "CARGO_NET_",
                "CARGO_HTTP_",
                "CARGO_REGISTR",
                "CARGO_TERM_",
            ]
            .iter()
            .any(|p| name.starts_with(p))
        };
        let leaked: Vec<&&str> = names
            .iter()
            .filter(|n| (n.starts_with("CARGO_") || n.starts_with("__CARGO")) && !kept(n))
            .collect();
        assert!(leaked.is_empty(), "{leaked:?}");
        if std::env::var_os("HOME").is_some() {
            assert!(names.contains(&"HOME"), "unrelated variables stay");
        }
    }
}
