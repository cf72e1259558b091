#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod archive;
mod atomic;
#[cfg(feature = "build")]
pub mod build;
pub mod build_script;
mod component;
#[cfg(feature = "producer")]
mod dist;
mod download;
mod env;
mod error;
#[cfg(feature = "build")]
mod from_source;
mod github;
mod hash;
mod install;
mod installer;
mod linked;
mod lock;
mod manifest;
#[cfg(feature = "producer")]
pub mod producer;
mod progress;
#[cfg(feature = "progress-bar")]
mod progress_bar;
mod smoke;
mod source;
mod stamp;
mod sysroot;
mod text;
mod url;
pub mod util;
mod version;
mod xz;

pub use archive::Limits;
pub use error::{Error, Result};
pub use installer::{default_cache_dir, Installer, LinkedToolchain, Listing, DEFAULT_TARGET};
pub use linked::{default_name as linked_toolchain_name, usage_without_rustup, LinkedError};
pub use manifest::ArchiveFormat;
pub use progress::Progress;
#[cfg(feature = "progress-bar")]
pub use progress_bar::{progress_bar, stderr_progress};
pub use source::{CacheEntry, Source};
pub use stamp::{FileRecord, Fingerprint, Stamp};
pub use sysroot::{InstallStatus, Mode, Sysroot};
pub use version::{Channel, Rustc, RustcVersion};

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
