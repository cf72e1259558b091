//! Packaging a built libstd into a dist root in rustup's layout, through `xous-sysroot`'s
//! writer (the installer's reader and this writer are one piece of code):
//! `dist/<date>/rust-std-<release>-<target>.tar.xz` (and `.tar.gz`), each with its `.sha256`,
//! `dist/channel-rust-<release>.toml` and its `.sha256`, and optionally the legacy release zip
//! `dist/<date>/<target without -elf>_<release>.zip`.
//!
//! What is packaged is `lib/` plus the build record ([`crate::BUILD_INFO_FILE_NAME`]); the
//! build's stamp (which names local paths) stays behind. Archives are reproducible: sorted
//! entries, fixed mtime, owner and modes, so the same build packages to the same bytes.

use std::fs;
use std::path::{Path, PathBuf};

use xous_sysroot::producer::{DistRoot, RustStd};
use xous_sysroot::RustcVersion;

use xous_sysroot::build::stage_component;

use crate::{BuildError, BuildInfo};

/// How to package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageOptions {
    /// The dist date (`YYYY-MM-DD`, the `dist/<date>/` directory and the manifest's `date`).
    /// Default: the commit date of the rustc that built the libstd, so that packaging the same
    /// build twice gives the same tree.
    pub date: Option<String>,
    /// Also write the `.tar.gz` (default true; rustup and the installer prefer the `.tar.xz`).
    pub gz: bool,
    /// Also write the legacy release zip that xtask-based workflows unzip into the toolchain
    /// (default false).
    pub legacy_zip: bool,
}

impl Default for PackageOptions {
    fn default() -> Self {
        PackageOptions {
            date: None,
            gz: true,
            legacy_zip: false,
        }
    }
}

/// What [`package`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packaged {
    /// The dist root.
    pub dist_root: PathBuf,
    /// The rustc that built the libstd (release, commit, date).
    pub rustc: RustcVersion,
    /// The dist date used.
    pub date: String,
    /// The channel manifest (`dist/channel-rust-<release>.toml`).
    pub manifest: PathBuf,
    /// The `.tar.xz` and its SHA-256.
    pub xz: (PathBuf, String),
    /// The `.tar.gz` and its SHA-256, when written.
    pub gz: Option<(PathBuf, String)>,
    /// The legacy release zip and its SHA-256, when written.
    pub zip: Option<(PathBuf, String)>,
    /// The build record shipped in the component.
    pub info: BuildInfo,
}

/// Packages the libstd built into `sysroot` (the `out_dir` of a
/// [`LibstdBuilder`](crate::LibstdBuilder)) for `target` into the dist root `dist_root`, and
/// adds it to the release's channel manifest there (creating the manifest if needed; an
/// overlay manifest keeps its upstream components).
pub fn package(
    sysroot: &Path,
    target: &str,
    dist_root: &Path,
    options: &PackageOptions,
) -> Result<Packaged, BuildError> {
    let target_root = sysroot.join(xous_sysroot::producer::target_dir(target));
    let info = BuildInfo::read(&target_root)?;
    let rustc = info.rustc_version()?;
    let date = match (&options.date, &rustc.commit_date) {
        (Some(date), _) | (None, Some(date)) => date.clone(),
        (None, None) => {
            return Err(BuildError::MissingDate {
                rustc: info.rustc.clone(),
            })
        }
    };
    check_date(&date)?;

    fs::create_dir_all(dist_root).map_err(|e| BuildError::io("create directory", dist_root, e))?;
    // Staged beside the archives (same file system, so rlibs are hard links); the leading dot
    // keeps it out of what `serve` answers.
    let staging = tempfile::Builder::new()
        .prefix(".xous-sysroot-build-package-")
        .tempdir_in(dist_root)
        .map_err(|e| BuildError::io("create staging directory in", dist_root, e))?;
    let files = staging.path().join("files");
    stage_component(&target_root, &files)?;

    let root = DistRoot::new(dist_root);
    let std = RustStd {
        release: &rustc.release,
        rustc: &info.rustc,
        commit_hash: rustc.commit_hash.as_deref(),
        date: &date,
        target: &info.target,
        files: &files,
        gz: options.gz,
    };
    let published = root.add_rust_std(&std)?;
    let zip = if options.legacy_zip {
        Some(root.add_release_zip(&std)?)
    } else {
        None
    };
    drop(staging);
    Ok(Packaged {
        dist_root: dist_root.to_owned(),
        rustc,
        date,
        manifest: published.manifest,
        xz: published.xz,
        gz: published.gz,
        zip,
        info,
    })
}

/// Refuses a date that is not `YYYY-MM-DD` (it becomes a directory name and a manifest field).
fn check_date(date: &str) -> Result<(), BuildError> {
    let parts: Vec<&str> = date.split('-').collect();
    let ok = parts.len() == 3
        && [4, 2, 2]
            .iter()
            .zip(&parts)
            .all(|(len, p)| p.len() == *len && p.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(BuildError::InvalidDate {
            date: date.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LibstdError;

    #[test]
    fn dates_must_be_iso() {
        assert!(check_date("2026-05-25").is_ok());
        for bad in ["2026-5-25", "20260525", "../x", "2026-05-25/..", ""] {
            let err = check_date(bad).unwrap_err();
            assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
        }
    }

    #[test]
    fn packaging_an_unbuilt_sysroot_says_what_to_run() {
        let dir = tempfile::tempdir().unwrap();
        let err = package(
            dir.path(),
            crate::DEFAULT_TARGET,
            &dir.path().join("dist-root"),
            &PackageOptions::default(),
        )
        .unwrap_err();
        assert!(
            matches!(err, BuildError::Libstd(LibstdError::NotBuilt { .. })),
            "{err}"
        );
    }
}
