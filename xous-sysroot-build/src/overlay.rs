//! The overlay manifest: the official channel manifest of a release plus our `rust-std` for
//! the target, every upstream component keeping its upstream URL and hash. Served at the dist
//! root's channel paths (`dist/channel-rust-<release>.toml` for stable,
//! `dist/<date>/channel-rust-nightly.toml` for a nightly, see `xous_sysroot::producer::layout`)
//! with `RUSTUP_DIST_SERVER` pointing at the root,
//! it lets plain rustup install the official toolchain and then `rustup target add` our target.
//!
//! rustup rewrites every `https://static.rust-lang.org` URL of a manifest to its dist server,
//! so the server must answer the official paths it does not hold with a redirect upstream:
//! see [`crate::serve`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use xous_sysroot::producer::DistRoot;
use xous_sysroot::producer::UPSTREAM_DIST_SERVER;
use xous_sysroot::producer::{Manifest, RUST_STD};

use crate::BuildError;

/// Settings of [`overlay`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayOptions {
    /// The upstream manifest: a `.toml` URL or path, or a dist server root (then
    /// `<root>/dist/channel-rust-<release>.toml`). Default: [`UPSTREAM_DIST_SERVER`].
    pub upstream: String,
    /// The release; default: the only `channel-rust-<release>.toml` in the dist root.
    pub release: Option<String>,
    /// The target whose `rust-std` is added (default [`crate::DEFAULT_TARGET`]).
    pub target: String,
    /// Allow plain `http://` to a non-loopback upstream.
    pub allow_http: bool,
    /// Network timeout for fetching the upstream manifest.
    pub timeout: Duration,
}

impl Default for OverlayOptions {
    fn default() -> Self {
        OverlayOptions {
            upstream: UPSTREAM_DIST_SERVER.to_owned(),
            release: None,
            target: crate::DEFAULT_TARGET.to_owned(),
            allow_http: false,
            timeout: Duration::from_secs(30),
        }
    }
}

/// What [`overlay`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlaid {
    /// The manifest written, with its `.sha256`: `<dist root>/dist/channel-rust-<release>.toml`
    /// for stable, the channel's dated path for a nightly or beta (also written at a beta's
    /// versioned path).
    pub manifest: PathBuf,
    /// The release.
    pub release: String,
    /// Where the upstream manifest came from.
    pub upstream_url: String,
    /// The hosts whose `rust` package now lists our `rust-std` as an extension.
    pub hosts: Vec<String>,
    /// Whether upstream already offered `rust-std` for the target (ours replaces it).
    pub replaced_upstream_target: bool,
}

/// Replaces the dist root's channel manifest by the upstream one plus the dist root's own
/// `rust-std` for the target (as written by [`crate::package`]). Running it again is
/// harmless: the dist root's entry is read from whatever manifest is there.
///
/// Refuses an upstream manifest whose `rust-std` (or `rust`) was built by another rustc than
/// ours: rustup would install a toolchain that cannot use our libstd.
pub fn overlay(dist_root: &Path, options: &OverlayOptions) -> Result<Overlaid, BuildError> {
    let root = DistRoot::new(dist_root);
    let (release, main, date) = ours_in(&root, options)?;
    let ours = root
        .read_manifest_at(&main)?
        .ok_or_else(|| BuildError::NotPackaged {
            dist_root: dist_root.to_owned(),
            release: release.clone(),
            target: options.target.clone(),
        })?;
    let (our_package, our_build) =
        ours.rust_std(&options.target)
            .ok_or_else(|| BuildError::NotPackaged {
                dist_root: dist_root.to_owned(),
                release: release.clone(),
                target: options.target.clone(),
            })?;
    let our_version = our_package.rustc_version()?;

    let upstream_url = if options.upstream.ends_with(".toml") {
        options.upstream.clone()
    } else {
        // Upstream publishes it at the same path as we do: rustup's layout.
        format!("{}/{main}", options.upstream.trim_end_matches('/'))
    };
    let upstream =
        xous_sysroot::producer::fetch_manifest(&upstream_url, options.allow_http, options.timeout)?;

    let upstream_package = upstream
        .pkg
        .get(RUST_STD)
        .or_else(|| upstream.pkg.get("rust"))
        .ok_or_else(|| BuildError::NotAChannelManifest {
            url: upstream_url.clone(),
        })?;
    if !upstream.pkg.contains_key("rust") {
        return Err(BuildError::NotAChannelManifest { url: upstream_url });
    }
    let upstream_version = upstream_package.rustc_version()?;
    if !upstream_version.matches(&our_version) {
        return Err(BuildError::OverlayMismatch {
            upstream_url,
            upstream: upstream_version.identity(),
            ours: our_version.identity(),
        });
    }

    let replaced_upstream_target = upstream.rust_std(&options.target).is_some();
    let mut merged = upstream.clone();
    merged.add_rust_std(&options.target, &our_package.version, our_build.clone());
    let hosts = merged.pkg["rust"]
        .target
        .iter()
        .filter(|(_, build)| {
            build
                .extensions
                .iter()
                .any(|r| r.pkg == RUST_STD && r.target == options.target)
        })
        .map(|(host, _)| host.clone())
        .collect();
    let date = date.unwrap_or_else(|| merged.date.clone());
    let manifest = root
        .publish_manifest(&our_version, &date, &merged)?
        .remove(0);
    Ok(Overlaid {
        manifest,
        release,
        upstream_url,
        hosts,
        replaced_upstream_target,
    })
}

/// The release, manifest path (relative to the root) and dist date of the dist root's own
/// libstd: from its by-commit index (any channel; filtered by [`OverlayOptions::release`]),
/// else, for a dist root written before the index existed, the only
/// `dist/channel-rust-<release>.toml`.
fn ours_in(
    root: &DistRoot,
    options: &OverlayOptions,
) -> Result<(String, String, Option<String>), BuildError> {
    let mut entries = Vec::new();
    for entry in root.commit_index()? {
        let release = xous_sysroot::RustcVersion::parse(&entry.rustc)?.release;
        if options.release.as_ref().is_none_or(|r| *r == release) {
            entries.push((release, entry));
        }
    }
    match entries.len() {
        1 => {
            let (release, entry) = entries.remove(0);
            Ok((release, entry.manifest, Some(entry.date)))
        }
        0 => {
            let release = match &options.release {
                Some(release) => release.clone(),
                None => only_release(root.path())?,
            };
            let main = format!("dist/{}", Manifest::file_name(&release));
            Ok((release, main, None))
        }
        _ => Err(BuildError::WhichRelease {
            dist_root: root.path().to_owned(),
            found: entries.into_iter().map(|(_, e)| e.rustc).collect(),
        }),
    }
}

/// The release of the only channel manifest in `<dist_root>/dist`.
fn only_release(dist_root: &Path) -> Result<String, BuildError> {
    let dir = dist_root.join("dist");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| BuildError::io("list", &dir, e))?
        .filter_map(Result::ok)
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_prefix("channel-rust-")?
                .strip_suffix(".toml")
                .map(str::to_owned)
        })
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        _ => Err(BuildError::WhichRelease {
            dist_root: dist_root.to_owned(),
            found,
        }),
    }
}
