//! Installs the prebuilt libstd of a tier-3 target (by default `riscv32imac-unknown-xous-elf`)
//! that matches the exact rustc in use: verified against published SHA-256s, unpacked through
//! one streaming pass, locked against concurrent build scripts, installed atomically, cached
//! for offline use, and never editing the files rustup owns.
//!
//! # Use from a build script or xtask
//!
//! ```toml
//! [build-dependencies]
//! xous-sysroot = "0.1"
//! ```
//!
//! ```no_run
//! // build.rs: install the libstd for rustc 1.96.0 (private mode: under the user's cache).
//! let sysroot = xous_sysroot::ensure_installed("1.96.0").unwrap();
//! // Target builds then use `--sysroot`: only for the target, never for build scripts.
//! println!("cargo:warning=build firmware with: --config '{}'", sysroot.cargo_config_arg());
//! ```
//!
//! `ensure_installed` takes a release (`1.96.0`), a `rustc -V` line or the whole `rustc -vV`
//! output; [`active_rustc_version`] reads the compiler cargo would use. Everything else goes
//! through the [`Installer`] builder: dist servers (mirrors, in order), [`Mode`], cache
//! directory, offline, progress callback, timeouts and retries. [`build_script`] has the
//! variants that print `error:` / `help:` and exit, as build scripts should.
//!
//! # Sources, in the default order
//!
//! 1. the local cache (verified archives, by SHA-256, with an index of which rustc each is for);
//! 2. rustup-format dist servers: `<root>/dist/channel-rust-<release>.toml` and its `.sha256`,
//!    then the `rust-std` `.tar.xz` (or `.tar.gz`) for the target; a root may be `https://…`,
//!    `http://` on loopback, `file://…` or a plain path to a local dist root;
//! 3. the Xous project's GitHub release zips `riscv32imac-unknown-xous_<release>.zip`, checked
//!    against the release API's asset `digest`.
//!
//! # Environment variables
//!
//! Read only when [`Installer::install`] runs, each through one function that prints
//! `cargo:rerun-if-env-changed` inside build scripts; a value set on the builder wins.
//!
//! | variable | meaning |
//! |---|---|
//! | `XOUS_SYSROOT_DIST_SERVER` | dist server roots, comma-separated, tried in order |
//! | `XOUS_SYSROOT_MODE` | `private` (default) or `toolchain` |
//! | `XOUS_SYSROOT_CACHE_DIR` | cache directory (default `$XDG_CACHE_HOME/xous-sysroot` or `~/.cache/xous-sysroot`) |
//! | `XOUS_SYSROOT_OFFLINE`, then `CARGO_NET_OFFLINE` | use only the cache |
//! | `XOUS_SYSROOT_ALLOW_HTTP` | allow plain `http://` to non-loopback hosts |
//! | `XOUS_SYSROOT_GITHUB_REPO`, `XOUS_SYSROOT_GITHUB_API` | where release zips are looked up (`none` disables) |
//! | `RUSTC`, then `RUSTUP_TOOLCHAIN` (through the rustup proxy) | the compiler whose version and sysroot are used |
//!
//! # Guarantees
//!
//! * A manifest is checked against its `.sha256`, an archive against the manifest's hash,
//!   before anything is visible; the archive is hashed, decompressed and unpacked in one
//!   streaming pass into a staging directory beside the destination.
//! * Archives may only write regular files under `lib/rustlib/<target>/`: absolute paths,
//!   `..`, links, devices, duplicates and oversized contents are refused.
//! * A smoke compile proves the compiler accepts the library before it is renamed into place;
//!   a stamp written last records version, source, hashes and files.
//! * A cross-process lock serializes installs; a process killed at any instant leaves the
//!   previous install or none, and the next call repairs it.
//!
//! # Building libstd from `rust-src` (feature `build`)
//!
//! With the `build` feature (off by default), `build::LibstdBuilder` builds the libstd from
//! the toolchain's `rust-src` with the exact rustc that will use it. It lives here, not in the
//! producer crate `xous-sysroot-build` (which depends on this one and re-exports it), so that
//! the installer can reach it without a dependency cycle; the `build` module says why.
#![warn(missing_docs)]

pub mod archive;
#[cfg(feature = "build")]
pub mod build;
pub mod build_script;
pub mod component;
pub mod dist;
mod download;
pub mod env;
mod error;
pub mod hash;
mod install;
mod installer;
mod lock;
pub mod manifest;
mod progress;
mod smoke;
pub mod source;
pub mod stamp;
mod sysroot;
pub mod version;

pub use download::Location;
pub use error::{Error, Result};
pub use installer::{default_cache_dir, Installer, Listing, DEFAULT_TARGET};
pub use lock::FileLock;
pub use progress::Progress;
pub use source::Source;
pub use sysroot::{InstallStatus, Mode, Sysroot};
pub use version::{Rustc, RustcVersion};

/// Installs (or finds) the libstd for `version` and the default target, with every other
/// setting from the environment. `version` is a release (`1.96.0`), a `rustc -V` line or the
/// output of `rustc -vV`.
pub fn ensure_installed(version: &str) -> Result<Sysroot> {
    Installer::new().version_str(version)?.install()
}

/// The version of the compiler cargo would use (`RUSTC`, else `rustc` through rustup, which
/// honours `RUSTUP_TOOLCHAIN` and `cargo +toolchain`).
pub fn active_rustc_version() -> Result<RustcVersion> {
    Rustc::active().version()
}
