//! Channel manifest v2 (`channel-rust-<release>.toml`) and its `.sha256`: parse, validate,
//! query, edit and write, in the shape rustup reads and the Rust project's build-manifest writes.
//!
//! Unknown keys are kept, so a manifest read and written again loses nothing (the overlay
//! manifest relies on this to keep every upstream component exactly as published).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub mod layout;

/// The `rust-std` package name.
pub const RUST_STD: &str = "rust-std";

/// A channel manifest, version 2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `"2"`.
    #[serde(rename = "manifest-version")]
    pub manifest_version: String,
    /// The dist date, `YYYY-MM-DD`.
    pub date: String,
    /// Packages by name (`rust`, `rustc`, `rust-std`, ...).
    #[serde(default)]
    pub pkg: BTreeMap<String, Package>,
    /// Renamed packages (`rustfmt` -> `rustfmt-preview`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub renames: BTreeMap<String, Rename>,
    /// Install profiles (`minimal`, `default`, `complete`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub profiles: BTreeMap<String, Vec<String>>,
    /// Keys this crate does not interpret (e.g. `artifacts`), kept as they are.
    #[serde(flatten)]
    pub other: toml::Table,
}

/// One package of a manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Package {
    /// The version of the rustc that built it: `1.96.0 (ac68faa20 2026-05-25)`.
    pub version: String,
    /// The full commit hash, when published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_commit_hash: Option<String>,
    /// The builds of this package, by target triple (`*` for target-independent ones).
    #[serde(default)]
    pub target: BTreeMap<String, TargetedPackage>,
    /// Keys this crate does not interpret.
    #[serde(flatten)]
    pub other: toml::Table,
}

/// One build of a package for one target.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TargetedPackage {
    /// Whether the build exists; when false the URLs are absent.
    pub available: bool,
    /// URL of the `.tar.gz`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// SHA-256 of the `.tar.gz`, lowercase hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// URL of the `.tar.xz`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xz_url: Option<String>,
    /// SHA-256 of the `.tar.xz`, lowercase hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xz_hash: Option<String>,
    /// Packages installed with this one (for the `rust` package).
    #[serde(default)]
    pub components: Vec<PackageRef>,
    /// Packages that may be added to this one (`rustup target add` / `component add`).
    #[serde(default)]
    pub extensions: Vec<PackageRef>,
    /// Keys this crate does not interpret.
    #[serde(flatten)]
    pub other: toml::Table,
}

/// A reference to a package for a target, in `components` and `extensions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageRef {
    /// The package name.
    pub pkg: String,
    /// The target triple.
    pub target: String,
    /// Keys this crate does not interpret (rustup writes `is_extension` in its local copy).
    #[serde(flatten)]
    pub other: toml::Table,
}

/// A renamed package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rename {
    /// The new name.
    pub to: String,
}

/// One downloadable archive chosen from a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archive {
    /// Where it is.
    pub url: String,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
    /// Its compression.
    pub format: ArchiveFormat,
}

/// How an archive is packed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArchiveFormat {
    /// rust-installer tarball, xz-compressed.
    TarXz,
    /// rust-installer tarball, gzip-compressed.
    TarGz,
    /// The Xous project's release zip (`lib/rustlib/<target>/...` and `RUST_VERSION`).
    Zip,
    /// rust-installer tarball, uncompressed: how the installer keeps a libstd it built on this
    /// machine (compressing it only to decompress it again would cost time and gain nothing).
    Tar,
}

impl Manifest {
    /// The file name of a release's manifest: `channel-rust-1.96.0.toml`.
    pub fn file_name(release: &str) -> String {
        format!("channel-rust-{release}.toml")
    }

    /// A new, empty manifest for a dist date.
    #[cfg(feature = "producer")]
    pub fn new(date: impl Into<String>) -> Self {
        Manifest {
            manifest_version: "2".into(),
            date: date.into(),
            pkg: BTreeMap::new(),
            renames: BTreeMap::new(),
            profiles: BTreeMap::new(),
            other: toml::Table::new(),
        }
    }

    /// Parses and validates a manifest; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self> {
        let invalid = |message: String| Error::InvalidManifest {
            url: origin.to_string(),
            message,
        };
        let manifest: Manifest = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        if manifest.manifest_version != "2" {
            return Err(invalid(format!(
                "manifest-version is '{}', only '2' is supported",
                manifest.manifest_version
            )));
        }
        for (name, package) in &manifest.pkg {
            for (target, build) in &package.target {
                for (field, hash) in [("hash", &build.hash), ("xz_hash", &build.xz_hash)] {
                    if let Some(hash) = hash {
                        if !is_sha256(hash) {
                            return Err(invalid(format!(
                                "pkg.{name}.target.{target}.{field} is not a SHA-256: '{hash}'"
                            )));
                        }
                    }
                }
                if build.available && build.url.is_none() && build.xz_url.is_none() {
                    return Err(invalid(format!(
                        "pkg.{name}.target.{target} is available but has no url"
                    )));
                }
            }
        }
        Ok(manifest)
    }

    /// Writes the manifest as TOML.
    #[cfg(feature = "producer")]
    pub fn stringify(&self) -> String {
        toml::to_string(self).expect("a manifest always serializes")
    }

    /// The `rust-std` package and its build for `target`, if the manifest offers one.
    pub fn rust_std(&self, target: &str) -> Option<(&Package, &TargetedPackage)> {
        let package = self.pkg.get(RUST_STD)?;
        let build = package.target.get(target).filter(|b| b.available)?;
        Some((package, build))
    }

    /// Adds (or replaces) the `rust-std` build for `target` and lists it as an extension of the
    /// `rust` package for every host, so that `rustup target add` accepts it.
    ///
    /// `version` is the identity of the rustc that built it. An existing `rust-std` package keeps
    /// its version (the overlay case, where it must agree; check with [`Manifest::rust_std`]).
    #[cfg(feature = "producer")]
    pub fn add_rust_std(&mut self, target: &str, version: &str, build: TargetedPackage) {
        let package = self
            .pkg
            .entry(RUST_STD.to_string())
            .or_insert_with(|| Package {
                version: version.to_string(),
                git_commit_hash: None,
                target: BTreeMap::new(),
                other: toml::Table::new(),
            });
        package.target.insert(target.to_string(), build);
        if let Some(rust) = self.pkg.get_mut("rust") {
            for host in rust.target.values_mut().filter(|b| b.available) {
                let listed = host
                    .extensions
                    .iter()
                    .chain(&host.components)
                    .any(|r| r.pkg == RUST_STD && r.target == target);
                if !listed {
                    host.extensions.push(PackageRef {
                        pkg: RUST_STD.to_string(),
                        target: target.to_string(),
                        other: toml::Table::new(),
                    });
                }
            }
        }
    }
}

impl Package {
    /// The identity of the rustc that built the package: its `version`
    /// (`1.96.0 (ac68faa20 2026-05-25)`) with the full `git_commit_hash` when published.
    pub fn rustc_version(&self) -> Result<crate::RustcVersion> {
        let mut version = crate::RustcVersion::parse(&self.version)?;
        if let Some(hash) = &self.git_commit_hash {
            version.commit_hash = Some(hash.clone());
        }
        Ok(version)
    }
}

impl TargetedPackage {
    /// The archives of this build, `.tar.xz` first (smaller), then `.tar.gz`.
    pub fn archives(&self) -> Vec<Archive> {
        let mut out = Vec::new();
        if let (Some(url), Some(sha256)) = (&self.xz_url, &self.xz_hash) {
            out.push(Archive {
                url: url.clone(),
                sha256: sha256.clone(),
                format: ArchiveFormat::TarXz,
            });
        }
        if let (Some(url), Some(sha256)) = (&self.url, &self.hash) {
            out.push(Archive {
                url: url.clone(),
                sha256: sha256.clone(),
                format: ArchiveFormat::TarGz,
            });
        }
        out
    }
}

/// The contents of a `.sha256` file for `file_name`, as the Rust dist server writes them.
#[cfg(feature = "producer")]
pub fn sha256_file_contents(sha256: &str, file_name: &str) -> String {
    format!("{sha256}  {file_name}\n")
}

/// The hash in a `.sha256` file (`<hex>  <name>`, or just `<hex>`).
pub fn parse_sha256_file(text: &str, origin: &str) -> Result<String> {
    let hash = text.split_whitespace().next().unwrap_or_default();
    if is_sha256(hash) {
        Ok(hash.to_ascii_lowercase())
    } else {
        Err(Error::InvalidManifest {
            url: origin.to_string(),
            message: "expected a SHA-256 in hex at the start of the file".into(),
        })
    }
}

/// Whether `s` is 64 hex digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests;
