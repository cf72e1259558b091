//! The firmware toolchain: the rustc and cargo that build firmware and the test kernel (and
//! that libstd is installed for), and how it is chosen.
//!
//! In order: `XOUS_FIRMWARE_RUSTC` / `XOUS_FIRMWARE_CARGO` when set; otherwise the active
//! toolchain (`rustc` on `PATH`, through rustup's proxy and `RUSTUP_TOOLCHAIN`), resolved to the
//! real binaries in its sysroot, if it has `rust-src` (libstd is built from it when no prebuilt
//! one exists); otherwise an error naming both ways out. Never a fixed path: which toolchains a
//! machine has is the maintainer's business (this project's CI names Debian's pair).
//!
//! Building only against a libstd that is already installed (the test kernel needs just its
//! `core`) does not need `rust-src`: [`Toolchain::for_installed_libstd`]. It must be the very
//! rustc that libstd was built by: [`Toolchain::check_sysroot`] compares it with the
//! sysroot's stamp before anything is compiled.

use std::path::{Path, PathBuf};

use crate::HarnessError;

/// The variable naming the firmware rustc.
pub const FIRMWARE_RUSTC_ENV: &str = "XOUS_FIRMWARE_RUSTC";

/// The variable naming the firmware cargo.
pub const FIRMWARE_CARGO_ENV: &str = "XOUS_FIRMWARE_CARGO";

/// The compiler pair that builds firmware: the rustc libstd was built with, and its cargo.
///
/// It is always chosen explicitly, never taken from PATH by accident: see
/// [`Toolchain::from_env`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toolchain {
    /// The rustc.
    pub rustc: PathBuf,
    /// The matching cargo.
    pub cargo: PathBuf,
}

/// The active toolchain as probed: its sysroot, release and `rust-src`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Active {
    /// `rustc --print sysroot`.
    sysroot: PathBuf,
    /// `rustc -vV`'s identity, for messages.
    identity: String,
    /// Its `rust-src` (the directory holding `library/`), if installed.
    rust_src: Option<PathBuf>,
}

impl Toolchain {
    /// A toolchain from explicit paths.
    pub fn new(rustc: impl Into<PathBuf>, cargo: impl Into<PathBuf>) -> Toolchain {
        Toolchain {
            rustc: rustc.into(),
            cargo: cargo.into(),
        }
    }

    /// `XOUS_FIRMWARE_RUSTC` and `XOUS_FIRMWARE_CARGO` when set (one of them alone: the other
    /// binary beside it); otherwise the active toolchain's `<sysroot>/bin/rustc` and
    /// `<sysroot>/bin/cargo` if it has `rust-src`; otherwise
    /// [`HarnessError::Toolchain`] naming both options.
    pub fn from_env() -> Result<Toolchain, HarnessError> {
        select(
            env_path(FIRMWARE_RUSTC_ENV),
            env_path(FIRMWARE_CARGO_ENV),
            probe_active,
        )
    }

    /// Like [`Toolchain::from_env`], for building only against a libstd already installed
    /// (the test kernel, which needs just `core`): the active toolchain is taken without
    /// `rust-src`. Check it against the sysroot with [`Toolchain::check_sysroot`].
    pub fn for_installed_libstd() -> Result<Toolchain, HarnessError> {
        choose(
            env_path(FIRMWARE_RUSTC_ENV),
            env_path(FIRMWARE_CARGO_ENV),
            probe_active,
            false,
        )
    }

    /// Whether this toolchain's rustc (of identity `version`) is the one the libstd installed
    /// in `sysroot` for `target` was built by, as the install's stamp says (else its
    /// `RUST_VERSION` file; a sysroot with neither is not checked). On a mismatch,
    /// [`HarnessError::Toolchain`] naming both compilers and `XOUS_FIRMWARE_RUSTC`: compiling
    /// against it would only fail with E0514 on every crate.
    pub fn check_sysroot(
        &self,
        version: &xous_sysroot::RustcVersion,
        sysroot: &Path,
        target: &str,
    ) -> Result<(), HarnessError> {
        let target_dir = sysroot.join("lib/rustlib").join(target);
        let built_by = match xous_sysroot::Stamp::read(&target_dir) {
            Some(stamp) => stamp.rustc,
            None => match std::fs::read_to_string(target_dir.join("RUST_VERSION")) {
                Ok(release) => release.trim().to_string(),
                Err(_) => return Ok(()),
            },
        };
        let matches = xous_sysroot::RustcVersion::parse(&built_by)
            .is_ok_and(|installed| installed.matches(version));
        if matches {
            return Ok(());
        }
        Err(HarnessError::Toolchain(format!(
            "the libstd in '{}' was built by rustc {built_by}, but the firmware rustc '{}' is \
             rustc {}: nothing was built (every crate would fail with E0514)\n\
             help: set {FIRMWARE_RUSTC_ENV} (and {FIRMWARE_CARGO_ENV}) to the rustc {built_by} \
             toolchain, or pass the --sysroot of a libstd installed for rustc {} \
             (`xous-sysroot install --rustc '{}'`)",
            sysroot.display(),
            self.rustc.display(),
            version.identity(),
            version.identity(),
            self.rustc.display(),
        )))
    }

    /// The rustc as `xous-sysroot` sees it (for installing the matching libstd).
    pub fn rustc(&self) -> xous_sysroot::Rustc {
        xous_sysroot::Rustc::new(&self.rustc)
    }
}

/// The choice itself, with the active toolchain probed only when neither variable is set.
fn select(
    rustc: Option<PathBuf>,
    cargo: Option<PathBuf>,
    active: impl FnOnce() -> Result<Active, String>,
) -> Result<Toolchain, HarnessError> {
    choose(rustc, cargo, active, true)
}

/// [`select`], where the active toolchain needs `rust-src` only if `needs_rust_src`.
fn choose(
    rustc: Option<PathBuf>,
    cargo: Option<PathBuf>,
    active: impl FnOnce() -> Result<Active, String>,
    needs_rust_src: bool,
) -> Result<Toolchain, HarnessError> {
    let toolchain = match (rustc, cargo) {
        (Some(rustc), Some(cargo)) => Toolchain { rustc, cargo },
        (Some(rustc), None) => Toolchain {
            cargo: beside(&rustc, "cargo"),
            rustc,
        },
        (None, Some(cargo)) => Toolchain {
            rustc: beside(&cargo, "rustc"),
            cargo,
        },
        (None, None) => {
            let active = active().map_err(|why| no_toolchain(&why))?;
            if needs_rust_src && active.rust_src.is_none() {
                return Err(no_toolchain(&format!(
                    "the active toolchain (rustc {}, sysroot {}) has no rust-src",
                    active.identity,
                    active.sysroot.display()
                )));
            }
            let bin = active.sysroot.join("bin");
            Toolchain {
                rustc: bin.join(exe("rustc")),
                cargo: bin.join(exe("cargo")),
            }
        }
    };
    for (path, var) in [
        (&toolchain.rustc, FIRMWARE_RUSTC_ENV),
        (&toolchain.cargo, FIRMWARE_CARGO_ENV),
    ] {
        if path.components().count() > 1 && !path.exists() {
            return Err(HarnessError::Toolchain(format!(
                "the firmware toolchain's {} ({}) does not exist\nhelp: set {var} to the one that matches the installed libstd",
                path.file_name().unwrap_or_default().to_string_lossy(),
                path.display(),
            )));
        }
    }
    Ok(toolchain)
}

/// The error when no firmware toolchain can be chosen: why, and both ways out.
fn no_toolchain(why: &str) -> HarnessError {
    HarnessError::Toolchain(format!(
        "no firmware toolchain: {FIRMWARE_RUSTC_ENV}/{FIRMWARE_CARGO_ENV} are not set and {why}\n\
         help: set {FIRMWARE_RUSTC_ENV} and {FIRMWARE_CARGO_ENV} to a rustc and cargo pair whose \
         sysroot has rust-src (e.g. Debian's `rustc-web cargo-web rust-web-src`: \
         {FIRMWARE_RUSTC_ENV}=/usr/bin/rustc {FIRMWARE_CARGO_ENV}=/usr/bin/cargo), or add rust-src \
         to the active toolchain (`rustup component add rust-src`)"
    ))
}

/// `rustc` on `PATH` (a rustup proxy honours `RUSTUP_TOOLCHAIN`), probed.
fn probe_active() -> Result<Active, String> {
    probe(Path::new("rustc"))
}

/// `rustc -vV`, `--print sysroot` and the rust-src of `rustc`.
fn probe(rustc: &Path) -> Result<Active, String> {
    let identity = xous_sysroot_build::RustcIdentity::probe(rustc).map_err(|e| {
        format!(
            "the active toolchain's rustc ({}) cannot be asked: {e}",
            rustc.display()
        )
    })?;
    Ok(Active {
        rust_src: identity.rust_src(),
        identity: identity.version.identity(),
        sysroot: identity.sysroot,
    })
}

/// `name` in the directory of `path` (or bare, for a bare `path`).
fn beside(path: &Path, name: &str) -> PathBuf {
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => dir.join(exe(name)),
        None => PathBuf::from(exe(name)),
    }
}

fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

#[cfg(test)]
mod tests;

/// A path from the environment variable `name`, unless it is unset or empty.
fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}
