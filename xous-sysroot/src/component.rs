//! The rust-installer v3 component layout of `rust-std` for one target: its names and where
//! its files go. (The reproducible tarball writer, `component/write.rs`, comes with the
//! `producer` feature.)
//!
//! ```text
//! rust-std-<version>-<target>/
//!     components                  "rust-std-<target>\n"
//!     rust-installer-version      "3\n"
//!     rust-std-<target>/
//!         manifest.in             "file:lib/rustlib/<target>/lib/libstd-....rlib\n" ...
//!         lib/rustlib/<target>/...
//! ```

use std::path::{Path, PathBuf};

/// The rust-installer format version this crate reads and writes.
pub const INSTALLER_VERSION: &str = "3";

/// Names of a component (by default `rust-std`) for one target and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentLayout {
    /// The package name: `rust-std`, or e.g. `rustc` for stand-in toolchains in tests.
    pub pkg: String,
    /// The version label in file names: a release (`1.96.0`) or a channel (`nightly`).
    pub version: String,
    /// The target triple.
    pub target: String,
}

impl ComponentLayout {
    /// The layout of `rust-std` for `target` at `version`.
    pub fn new(version: impl Into<String>, target: impl Into<String>) -> Self {
        Self::package(crate::manifest::RUST_STD, version, target)
    }

    /// The layout of any package; its files are packaged relative to the sysroot root.
    pub fn package(
        pkg: impl Into<String>,
        version: impl Into<String>,
        target: impl Into<String>,
    ) -> Self {
        ComponentLayout {
            pkg: pkg.into(),
            version: version.into(),
            target: target.into(),
        }
    }

    /// `<pkg>-<target>`: the component's name inside the package.
    pub fn component_name(&self) -> String {
        format!("{}-{}", self.pkg, self.target)
    }
}

/// `lib/rustlib/<name>`, `name` as [`target_name`] decides: where a sysroot keeps a target's
/// files.
pub fn target_dir(target: &str) -> PathBuf {
    Path::new("lib").join("rustlib").join(target_name(target))
}

/// The directory name rustc uses under `lib/rustlib/` for `target`: the triple itself, or
/// the file stem for a target JSON path (`specs/armv7a-unknown-xous-elf.json` gives
/// `armv7a-unknown-xous-elf`). The one place that decides it, for the installer and the
/// builder alike.
pub fn target_name(target: &str) -> &str {
    let path = Path::new(target);
    match (path.extension(), path.file_stem()) {
        (Some(ext), Some(stem)) if ext == "json" => stem.to_str().unwrap_or(target),
        _ => target,
    }
}

/// A relative path with `/` separators, as manifests and archives spell them.
pub fn unix_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(feature = "producer")]
mod write;
#[cfg(feature = "producer")]
pub use write::list_files;
#[cfg(test)]
mod tests;
