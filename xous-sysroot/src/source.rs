//! Sources of a libstd and what they offer: rustup-format dist servers (HTTP(S) or a local
//! dist root), the Xous project's GitHub release zips, and the index of the local cache.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::download::Transport;
use crate::error::{Error, Result};
use crate::hash::sha256_bytes;
use crate::manifest::layout::{self, CommitIndex};
use crate::manifest::{parse_sha256_file, Archive, ArchiveFormat, Manifest};
use crate::version::RustcVersion;

/// The official dist server: URLs under it in a manifest are rewritten to the server in use,
/// as rustup does with `RUSTUP_DIST_SERVER`.
pub const UPSTREAM_DIST_SERVER: &str = "https://static.rust-lang.org";

/// The GitHub API root used for release zips.
pub const GITHUB_API: &str = "https://api.github.com";

/// The repository whose releases carry today's zips.
pub const GITHUB_REPO: &str = "betrusted-io/rust";

/// Where a libstd can come from, tried in the order given to the installer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Archives already verified and kept in the local cache (no network).
    Cache,
    /// A rustup-format dist server root: `https://…`, loopback `http://…`, `file://…` or a path;
    /// a stable release's manifest is at `<root>/dist/channel-rust-<release>.toml`, a
    /// pre-release's where the by-commit index or rustup's dated layout puts it (see
    /// `xous_sysroot::producer::layout`).
    DistServer(String),
    /// GitHub release assets `<target without -elf>_<release>.zip` with their published SHA-256
    /// `digest` (or a pin), from every page of `<api>/repos/<repo>/releases`: the highest
    /// rebuild `<release>.N` that is neither a draft nor a prerelease.
    GithubReleases {
        /// API root, normally `https://api.github.com` (see [`Source::github`]).
        api: String,
        /// `owner/name`, normally `betrusted-io/rust`.
        repo: String,
    },
    /// A libstd built on this machine from the toolchain's `rust-src` with the exact rustc it
    /// is for, then packed into the cache and installed like a download (feature `build`).
    #[cfg(feature = "build")]
    RustSrc {
        /// The build profile.
        profile: crate::build::Profile,
    },
}

impl Source {
    /// The GitHub release source with the default API root and repository.
    pub fn github() -> Self {
        Source::GithubReleases {
            api: GITHUB_API.into(),
            repo: GITHUB_REPO.into(),
        }
    }

    /// Whether the source needs the network.
    pub fn is_remote(&self) -> bool {
        match self {
            Source::Cache => false,
            Source::DistServer(url) => url.contains("://") && !url.starts_with("file://"),
            Source::GithubReleases { .. } => true,
            // Offline it builds from a vendor directory or stops saying what is missing.
            #[cfg(feature = "build")]
            Source::RustSrc { .. } => false,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Cache => f.write_str("the local cache"),
            Source::DistServer(url) => write!(f, "dist server '{url}'"),
            Source::GithubReleases { api, repo } => {
                write!(f, "GitHub releases of '{repo}' ({api})")
            }
            #[cfg(feature = "build")]
            Source::RustSrc { profile } => {
                write!(
                    f,
                    "a local build from the toolchain's rust-src (profile {profile})"
                )
            }
        }
    }
}

/// One archive a source offers for the requested rustc.
#[derive(Debug, Clone)]
pub(crate) struct Offer {
    /// The archive.
    pub archive: Archive,
    /// The identity of the rustc that built it, as the source states it.
    pub rustc: String,
}

/// Asks a remote source what it offers for `version` and `target`, best archive first.
/// `pin` is the SHA-256 the user pinned for a GitHub release zip, if any.
pub(crate) fn resolve(
    source: &Source,
    transport: &Transport,
    version: &RustcVersion,
    target: &str,
    pin: Option<&str>,
) -> Result<Vec<Offer>> {
    match source {
        // The installer asks these itself: they need its cache and settings.
        Source::Cache => Ok(Vec::new()),
        #[cfg(feature = "build")]
        Source::RustSrc { .. } => Ok(Vec::new()),
        Source::DistServer(root) => {
            resolve_dist(root.trim_end_matches('/'), transport, version, target)
        }
        // Its zips are of stable releases only: say so without a request.
        Source::GithubReleases { .. } if version.channel() != crate::version::Channel::Stable => {
            Err(Error::ChannelNotOffered {
                source_name: source.to_string(),
                channel: version.channel().to_string(),
                version: version.identity(),
            })
        }
        Source::GithubReleases { api, repo } => crate::github::resolve_github(
            api.trim_end_matches('/'),
            repo,
            transport,
            version,
            target,
            pin,
        ),
    }
}

fn resolve_dist(
    root: &str,
    transport: &Transport,
    version: &RustcVersion,
    target: &str,
) -> Result<Vec<Offer>> {
    if version.channel() == crate::version::Channel::Stable {
        let url = format!("{root}/dist/{}", Manifest::file_name(&version.release));
        let manifest = fetch_verified_manifest(transport, &url, true)?;
        return offers(root, &url, &manifest, version, target);
    }
    // A pre-release: the producer's by-commit index names its manifest; without one, the paths
    // rustup publishes it under (see `manifest::layout`). Each found manifest must be this
    // exact rustc's.
    let mut paths = Vec::new();
    let mut tried = Vec::new();
    if let Some(hash) = version.commit_hash.as_deref().filter(|h| h.len() == 40) {
        let url = format!("{root}/{}", layout::index_path(hash));
        match transport.get_small(&url) {
            Ok(body) => {
                let entry = CommitIndex::parse(&String::from_utf8_lossy(&body), &url)?;
                paths.push(entry.manifest);
            }
            Err(e) if is_not_found(&e) => tried.push(url),
            Err(e) => return Err(e),
        }
    }
    for path in layout::lookup_paths(version) {
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    let mut mismatch = None;
    for path in paths {
        let url = format!("{root}/{path}");
        let manifest = match fetch_verified_manifest(transport, &url, true) {
            Ok(manifest) => manifest,
            Err(e) if is_not_found(&e) => {
                tried.push(url);
                continue;
            }
            Err(e) => return Err(e),
        };
        match offers(root, &url, &manifest, version, target) {
            // Another build of the channel published under a neighbouring date: keep looking.
            Err(e @ Error::VersionMismatch { .. }) => {
                mismatch.get_or_insert(e);
            }
            result => return result,
        }
    }
    Err(mismatch.unwrap_or_else(|| Error::ManifestNotFound {
        server: root.to_string(),
        version: version.identity(),
        tried,
    }))
}

/// Whether a fetch failed only because the file is not there (HTTP 404, or a missing file).
fn is_not_found(e: &Error) -> bool {
    match e {
        Error::HttpStatus { status, .. } => *status == 404,
        Error::Io { error: source, .. } => source.kind() == std::io::ErrorKind::NotFound,
        _ => false,
    }
}

/// The archives `manifest` (fetched from `url`) offers for `version` and `target`; refuses a
/// manifest whose `rust-std` was built by another rustc.
fn offers(
    root: &str,
    url: &str,
    manifest: &Manifest,
    version: &RustcVersion,
    target: &str,
) -> Result<Vec<Offer>> {
    let url = url.to_string();
    let (package, build) = manifest
        .rust_std(target)
        .ok_or_else(|| Error::TargetNotOffered {
            url: url.clone(),
            target: target.to_string(),
        })?;
    let offered = package
        .rustc_version()
        .map_err(|e| Error::InvalidManifest {
            url: url.clone(),
            message: format!("pkg.rust-std.version: {e}"),
        })?;
    if !version.matches(&offered) {
        return Err(Error::VersionMismatch {
            url,
            offered: offered.identity(),
            wanted: version.identity(),
        });
    }
    Ok(build
        .archives()
        .into_iter()
        .map(|mut archive| {
            if let Some(rest) = archive.url.strip_prefix(UPSTREAM_DIST_SERVER) {
                archive.url = format!("{root}{rest}");
            }
            Offer {
                archive,
                rustc: package.version.clone(),
            }
        })
        .collect())
}

/// Fetches the manifest at `url` and checks it against `<url>.sha256`. When `sha_required` is
/// false a missing `.sha256` (a local file without one) skips the check; a present one is
/// always checked.
pub(crate) fn fetch_verified_manifest(
    transport: &Transport,
    url: &str,
    sha_required: bool,
) -> Result<Manifest> {
    let sha_url = format!("{url}.sha256");
    let expected = match transport.get_small(&sha_url) {
        Ok(body) => Some(parse_sha256_file(
            &String::from_utf8_lossy(&body),
            &sha_url,
        )?),
        Err(Error::Io { error: source, .. })
            if !sha_required && source.kind() == std::io::ErrorKind::NotFound =>
        {
            None
        }
        Err(e) => return Err(e),
    };
    let body = transport.get_small(url)?;
    let actual = sha256_bytes(&body);
    if let Some(expected) = expected.filter(|e| *e != actual) {
        return Err(Error::ChecksumMismatch {
            url: url.to_string(),
            expected,
            actual,
        });
    }
    let text = String::from_utf8(body).map_err(|_| Error::InvalidManifest {
        url: url.to_string(),
        message: "not UTF-8".into(),
    })?;
    Manifest::parse(&text, url)
}

/// The release zip's name: `riscv32imac-unknown-xous_1.96.0.zip`.
pub fn release_zip_name(target: &str, release: &str) -> String {
    format!(
        "{}_{release}.zip",
        target.strip_suffix("-elf").unwrap_or(target)
    )
}

/// One verified archive the cache holds, and what it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// The identity of the rustc it was built by.
    pub rustc: String,
    /// Where it was downloaded from.
    pub url: String,
    /// Its SHA-256 (its file name in the cache).
    pub sha256: String,
    /// How it is packed.
    pub format: ArchiveFormat,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct IndexFile {
    #[serde(default)]
    entry: Vec<CacheEntry>,
}

/// `<cache>/index/<target>.toml`: which cached archive is the libstd of which rustc.
pub(crate) struct CacheIndex {
    path: PathBuf,
}

impl CacheIndex {
    pub(crate) fn new(cache_dir: &Path, target: &str) -> Self {
        CacheIndex {
            path: cache_dir.join("index").join(format!("{target}.toml")),
        }
    }

    /// Every entry (an unreadable index is treated as empty: it is only a cache).
    pub(crate) fn entries(&self) -> Vec<CacheEntry> {
        std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|t| toml::from_str::<IndexFile>(&t).ok())
            .map(|f| f.entry)
            .unwrap_or_default()
    }

    /// The entries for `version`, newest first.
    pub(crate) fn lookup(&self, version: &RustcVersion) -> Vec<CacheEntry> {
        let mut found: Vec<CacheEntry> = self
            .entries()
            .into_iter()
            .filter(|e| RustcVersion::parse(&e.rustc).is_ok_and(|v| version.matches(&v)))
            .collect();
        found.reverse();
        found
    }

    /// Records an entry (replacing one with the same hash), atomically.
    pub(crate) fn record(&self, entry: CacheEntry) -> Result<()> {
        let _lock = crate::lock::FileLock::exclusive(&self.path.with_extension("lock"), || {})?;
        let mut file = IndexFile {
            entry: self.entries(),
        };
        file.entry.retain(|e| e.sha256 != entry.sha256);
        file.entry.push(entry);
        let text = toml::to_string(&file).expect("index serializes");
        crate::atomic::write_atomic(&self.path, text.as_bytes())
    }
}
