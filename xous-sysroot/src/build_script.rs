//! The build-script flavour: the same install, with cargo's conventions for output
//! (`cargo:` lines on stdout only, `error:`/`help:` on stderr and exit code 1 on failure).
//!
//! Every environment variable the installer reads is announced with
//! `cargo:rerun-if-env-changed`. Any `rerun-if-*` line turns off cargo's default of rerunning
//! the build script whenever a file of the package changes: from then on cargo reruns it only
//! for the files and variables named. A build script using this crate must therefore print
//! `cargo:rerun-if-changed=` for each of its own inputs (at least `build.rs`).

use crate::{Error, Installer, Sysroot};

/// Runs the installer from a build script; on failure prints the error (its `help:` lines
/// included) to stderr, which cargo shows, and exits with status 1.
///
/// ```no_run
/// // build.rs
/// let sysroot = xous_sysroot::build_script::install_or_exit(xous_sysroot::Installer::new().version_str("1.96.0").unwrap());
/// println!("cargo:rustc-env=XOUS_SYSROOT={}", sysroot.path.display());
/// println!("cargo:rerun-if-changed=build.rs");
/// ```
pub fn install_or_exit(installer: &Installer) -> Sysroot {
    installer.install().unwrap_or_else(|e| exit_with(&e))
}

/// Prints `error` to stderr as a failed build script does (its `help:` lines included), and
/// exits with status 1: for the errors a build script meets after the install, e.g. of
/// [`Sysroot::cargo_config_arg`].
pub fn exit_with(error: &Error) -> ! {
    let text = error.to_string();
    let mut lines = text.lines();
    eprintln!(
        "error occurred in xous-sysroot: {}",
        lines.next().unwrap_or_default()
    );
    for line in lines {
        eprintln!("{line}");
    }
    std::process::exit(1);
}

/// [`crate::ensure_installed`] for build scripts: exits with a clear message on failure.
pub fn ensure_installed_or_exit(version: &str) -> Sysroot {
    let mut installer = Installer::new();
    if let Err(e) = installer.version_str(version) {
        exit_with(&e);
    }
    install_or_exit(&installer)
}
