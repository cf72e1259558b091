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

use xous_sysroot::producer::{layout, DistRoot, RustStd};
use xous_sysroot::RustcVersion;

use xous_sysroot::build::stage_component;

use crate::{BuildError, BuildInfo};

/// How to package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageOptions {
    /// The dist date (`YYYY-MM-DD`: the `dist/<date>/` directory, a nightly's or beta's
    /// manifest path, and the manifest's `date`). Default ([`dist_date`]): the date of the
    /// rustup toolchain's own manifest in [`PackageOptions::toolchain_sysroot`] when there is
    /// one, else the commit date of the rustc that built the libstd (stable) or that date plus
    /// one (a pre-release, as rustup's nightlies usually are), so that packaging the same
    /// build twice gives the same tree.
    pub date: Option<String>,
    /// The sysroot of the toolchain whose rustc built the libstd (`rustc --print sysroot`): a
    /// rustup toolchain's `lib/rustlib/multirust-channel-manifest.toml` there gives the
    /// default date, the one rustup published it under.
    pub toolchain_sysroot: Option<PathBuf>,
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
            toolchain_sysroot: None,
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
    /// The channel manifest: `dist/channel-rust-<release>.toml` for stable, the dated path of
    /// the channel for a pre-release (see `xous_sysroot::producer::layout`).
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
    let date = match &options.date {
        Some(date) => date.clone(),
        None => dist_date(&rustc, options.toolchain_sysroot.as_deref())?,
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

/// rustup's record of a toolchain's channel manifest, inside its sysroot.
pub const TOOLCHAIN_MANIFEST: &str = "lib/rustlib/multirust-channel-manifest.toml";

/// The default dist date of a libstd built by `rustc`: the `date` of the rustup toolchain's
/// manifest ([`TOOLCHAIN_MANIFEST`]) in `toolchain_sysroot` when there is one (the date rustup
/// published that exact toolchain under), else the commit date for a stable release and the
/// commit date plus one for a pre-release (the day a nightly is usually built).
pub fn dist_date(
    rustc: &RustcVersion,
    toolchain_sysroot: Option<&Path>,
) -> Result<String, BuildError> {
    if let Some(sysroot) = toolchain_sysroot {
        let path = sysroot.join(TOOLCHAIN_MANIFEST);
        match fs::read_to_string(&path) {
            Ok(text) => {
                let date = xous_sysroot::producer::Manifest::parse(&text, "")
                    .ok()
                    .map(|m| m.date)
                    .filter(|d| layout::is_date(d))
                    .ok_or_else(|| BuildError::InvalidDate {
                        date: format!("(the 'date' of {})", path.display()),
                    })?;
                return Ok(date);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(BuildError::io("read", &path, e)),
        }
    }
    let missing = || BuildError::MissingDate {
        rustc: rustc.identity(),
    };
    let commit_date = rustc.commit_date.as_deref().ok_or_else(missing)?;
    if rustc.channel() == xous_sysroot::Channel::Stable {
        return Ok(commit_date.to_owned());
    }
    layout::next_day(commit_date).ok_or_else(|| BuildError::InvalidDate {
        date: commit_date.to_owned(),
    })
}

/// Refuses a date that is not `YYYY-MM-DD` (it becomes a directory name and a manifest field).
fn check_date(date: &str) -> Result<(), BuildError> {
    if layout::is_date(date) {
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
    fn the_default_date_is_rustups_else_the_commit_date_plus_one_for_a_pre_release() {
        let nightly = RustcVersion::parse("1.97.0-nightly (e50aa6fba 2026-05-19)").unwrap();
        let stable = RustcVersion::parse("1.96.0 (ac68faa20 2026-05-25)").unwrap();
        assert_eq!(dist_date(&nightly, None).unwrap(), "2026-05-20");
        assert_eq!(dist_date(&stable, None).unwrap(), "2026-05-25");
        let dir = tempfile::tempdir().unwrap();
        // A sysroot without rustup's record: the same defaults.
        assert_eq!(dist_date(&nightly, Some(dir.path())).unwrap(), "2026-05-20");
        let record = dir.path().join(TOOLCHAIN_MANIFEST);
        fs::create_dir_all(record.parent().unwrap()).unwrap();
        fs::write(&record, "manifest-version = \"2\"\ndate = \"2026-05-21\"\n").unwrap();
        assert_eq!(dist_date(&nightly, Some(dir.path())).unwrap(), "2026-05-21");
        assert_eq!(dist_date(&stable, Some(dir.path())).unwrap(), "2026-05-21");
        fs::write(&record, "manifest-version = \"2\"\ndate = \"yesterday\"\n").unwrap();
        let err = dist_date(&nightly, Some(dir.path())).unwrap_err();
        assert!(
            err.to_string().contains("multirust-channel-manifest.toml"),
            "{err}"
        );
        let no_date = RustcVersion::parse("1.97.0-nightly (e50aa6fba)").unwrap();
        assert!(matches!(
            dist_date(&no_date, None),
            Err(BuildError::MissingDate { .. })
        ));
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
