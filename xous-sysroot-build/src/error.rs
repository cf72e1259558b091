//! The producer's error type: packaging, the overlay, serving, and the libstd build beneath
//! them; every message says what was tried, where, and what to do about it.

use std::io;
use std::path::PathBuf;

/// Everything that can stop a producer step (build, package, overlay, serve).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The libstd build itself (or reading its build record) failed.
    #[error(transparent)]
    Libstd(#[from] xous_sysroot::build::LibstdError),

    /// No dist date was given and the rustc does not know its commit date.
    #[error(
        "rustc `{rustc}` does not report a commit date, which is the default dist date; pass one \
         (`--date YYYY-MM-DD`, `PackageOptions::date`)"
    )]
    MissingDate {
        /// The rustc identity.
        rustc: String,
    },

    /// A dist date is not `YYYY-MM-DD`.
    #[error("invalid dist date `{date}`: expected YYYY-MM-DD, e.g. 2026-05-25")]
    InvalidDate {
        /// What was given.
        date: String,
    },

    /// The dist root has no manifest with our rust-std for the release and target.
    #[error(
        "dist root `{}` has no rust-std for `{target}` in dist/channel-rust-{release}.toml. \
         Package one first: `xous-sysroot-build dist --dist-root {}` (or `package`)",
        dist_root.display(),
        dist_root.display()
    )]
    NotPackaged {
        /// The dist root.
        dist_root: PathBuf,
        /// The release looked for.
        release: String,
        /// The target looked for.
        target: String,
    },

    /// The release to overlay was not given and the dist root does not hold exactly one.
    #[error(
        "which release? `{}` holds {}; pass one with `--release` (`OverlayOptions::release`)",
        dist_root.display(),
        if found.is_empty() { "no channel manifest".to_owned() } else { format!("manifests for {}", found.join(", ")) }
    )]
    WhichRelease {
        /// The dist root.
        dist_root: PathBuf,
        /// The releases found.
        found: Vec<String>,
    },

    /// The upstream manifest is not a full channel manifest.
    #[error(
        "`{url}` is not a full channel manifest (no `rust` package); give the official \
         channel-rust-<release>.toml (or a dist server root such as https://static.rust-lang.org)"
    )]
    NotAChannelManifest {
        /// Where it came from.
        url: String,
    },

    /// The upstream toolchain is not the rustc our libstd was built by.
    #[error(
        "upstream manifest `{upstream_url}` is for rustc {upstream}, but the dist root's rust-std \
         was built by rustc {ours}: rustup would install a toolchain that cannot use it. Overlay \
         the manifest of the same release and commit, or build libstd with that toolchain"
    )]
    OverlayMismatch {
        /// Where the upstream manifest came from.
        upstream_url: String,
        /// Its rustc identity.
        upstream: String,
        /// Ours.
        ours: String,
    },

    /// The server could not listen on the address.
    #[error(
        "could not listen on {addr}: {error}. Choose another address or port (`--addr \
         127.0.0.1:0` picks a free port)"
    )]
    Bind {
        /// The address or addresses tried.
        addr: String,
        /// The OS error.
        error: io::Error,
    },

    /// Packaging, writing or reading a dist root, or asking rustc, failed in the format code
    /// shared with the installer (`xous-sysroot`); its message names what and where.
    #[error(transparent)]
    Dist(#[from] xous_sysroot::Error),

    /// A file-system operation failed.
    #[error("could not {action} `{}`: {error}", path.display())]
    Io {
        /// What was being done ("create directory", "read", ...).
        action: &'static str,
        /// On which path.
        path: PathBuf,
        /// The OS error.
        error: io::Error,
    },
}

impl BuildError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        BuildError::Io {
            action,
            path: path.into(),
            error: source,
        }
    }
}
