//! The one error type of the library: every variant names what was tried, where, and what to do next.

use std::path::PathBuf;

/// Everything that can go wrong while finding, downloading, verifying or installing a libstd.
///
/// Messages are lowercase, quote their values, and end with a `help:` line when there is
/// something the user can do about it. A message holds the text of its cause (the OS error of
/// [`Error::Io`]), and no variant returns that cause again from `source()`, so that a printer
/// of the whole chain (anyhow's `{:#}`) shows it once; the other error types of the workspace
/// follow the same rule.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A filesystem operation failed.
    #[error("could not {action} '{path}': {error}{}", io_help(.error))]
    Io {
        /// What was being done, e.g. "create directory".
        action: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The operating system's error.
        error: std::io::Error,
    },
    /// `rustc` could not be run or printed something unexpected.
    #[error("could not run '{command}': {detail}\nhelp: set RUSTC to the compiler the libstd is for, or install it with rustup")]
    Rustc {
        /// The command line that was run.
        command: String,
        /// What went wrong.
        detail: String,
    },
    /// A version string could not be understood.
    #[error("invalid rustc version '{input}': {reason}\nhelp: pass a release such as '1.96.0' or the output of 'rustc -vV'")]
    InvalidVersion {
        /// The text that was given.
        input: String,
        /// Why it was refused.
        reason: String,
    },
    /// Building libstd from the toolchain's `rust-src` (the last source) failed.
    #[cfg(feature = "build")]
    #[error(transparent)]
    LocalBuild(Box<crate::build::LibstdError>),
    /// A libstd build profile (`XOUS_SYSROOT_BUILD_PROFILE`) that does not exist.
    #[cfg(feature = "build")]
    #[error("XOUS_SYSROOT_BUILD_PROFILE: {0}\nhelp: set it to one of those, or unset it for the default ('official')")]
    InvalidProfile(crate::build::ParseProfileError),
    /// An install mode (`XOUS_SYSROOT_MODE`) that is not `private`, `toolchain` or `linked`.
    #[error("unknown install mode '{value}': expected 'private', 'toolchain' or 'linked'\nhelp: set XOUS_SYSROOT_MODE to 'private' (the default), 'toolchain' or 'linked', or unset it")]
    InvalidMode {
        /// The value that was given.
        value: String,
    },
    /// A URL is malformed or uses a scheme this build cannot fetch.
    #[error("cannot fetch '{url}': {reason}")]
    UnsupportedUrl {
        /// The URL.
        url: String,
        /// Why it cannot be fetched.
        reason: String,
    },
    /// Plain HTTP to a host that is not the loopback interface.
    #[error("refusing plain http to a non-loopback host: '{url}'\nhelp: use https, or set XOUS_SYSROOT_ALLOW_HTTP=1 (Installer::allow_insecure_http) if this network is trusted")]
    InsecureUrl {
        /// The URL.
        url: String,
    },
    /// The server answered with an HTTP error status.
    #[error("'{url}' answered HTTP {status}")]
    HttpStatus {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The server kept redirecting past the limit: a loop, or a chain too long to follow. Not
    /// retried (the answer would be the same); the next source is tried.
    #[error("'{url}' redirects to '{target}', after {limit} redirects already followed: more than {limit} redirects\nhelp: the server redirects in a loop or through too many hops; check the URL and the server's (or mirror's) redirect rules, or point XOUS_SYSROOT_DIST_SERVER at another mirror")]
    TooManyRedirects {
        /// The last URL fetched, whose answer was one redirect too many.
        url: String,
        /// Where that answer redirects.
        target: String,
        /// How many redirects are followed.
        limit: usize,
    },
    /// The server refused the request for a rate limit (GitHub's `403`/`429` with
    /// `x-ratelimit-remaining: 0` or `retry-after`).
    #[error("'{url}' refused the request: rate limit reached; it resets {resets}\nhelp: set GITHUB_TOKEN (or GH_TOKEN) to a GitHub token so that API requests are authenticated and get a higher limit, or wait for the reset; the next source is tried meanwhile")]
    RateLimited {
        /// The URL.
        url: String,
        /// When the limit resets, as the server states it (`at <UTC time>`, `in <n> s`).
        resets: String,
    },
    /// A GitHub release asset without a published `digest`, and no pin for it.
    #[error("the release asset '{url}' has no published 'sha256:' digest; refusing an unverifiable download\nhelp: to install it anyway, set XOUS_SYSROOT_PIN_SHA256 (Installer::pin_sha256) to its SHA-256: download it once and run 'sha256sum' on it, or take the hash from the '.sha256' file published beside it")]
    UnpinnedAsset {
        /// The asset's download URL.
        url: String,
    },
    /// `XOUS_SYSROOT_PIN_SHA256` (or [`crate::Installer::pin_sha256`]) is not a SHA-256.
    #[error("invalid SHA-256 pin '{value}': expected 64 hexadecimal digits\nhelp: set XOUS_SYSROOT_PIN_SHA256 to the output of 'sha256sum <zip>' (the first word), or unset it")]
    InvalidPin {
        /// The value that was given.
        value: String,
    },
    /// The connection failed, stalled past the timeout, or was cut.
    #[error("download of '{url}' failed: {message}\nhelp: check the network, retry, or point XOUS_SYSROOT_DIST_SERVER at a mirror")]
    Network {
        /// The URL.
        url: String,
        /// What the transport reported.
        message: String,
    },
    /// The host could not be reached at all: its name does not resolve, the connection was
    /// refused or has no route, or TLS failed. Not retried: the next source is tried at once.
    #[error("cannot reach '{url}': {message}\nhelp: check the network (DNS, proxy, firewall), or point XOUS_SYSROOT_DIST_SERVER at a reachable mirror")]
    Unreachable {
        /// The URL.
        url: String,
        /// What the transport reported.
        message: String,
    },
    /// The body ended before the length the server announced.
    #[error("download of '{url}' was truncated: got {got} of {expected} bytes\nhelp: retry; a partial download is resumed where the server allows it")]
    Truncated {
        /// The URL.
        url: String,
        /// Bytes received.
        got: u64,
        /// Bytes announced.
        expected: u64,
    },
    /// A download or file does not have the SHA-256 it is published with. Retried once (a
    /// corrupted transfer); a second mismatch stops the install: no other source is tried.
    #[error("checksum mismatch for '{url}': expected '{expected}', got '{actual}'\nhelp: the source served bytes that fail verification; nothing was installed and no other source was tried. Remove or fix that source; to build from rust-src instead, drop it and set XOUS_SYSROOT_BUILD_FROM_SOURCE=1")]
    ChecksumMismatch {
        /// Where the bytes came from.
        url: String,
        /// The published hash.
        expected: String,
        /// The hash of what was received.
        actual: String,
    },
    /// A channel manifest or release listing could not be parsed.
    #[error("invalid manifest '{url}': {message}")]
    InvalidManifest {
        /// Where it came from.
        url: String,
        /// What is wrong with it.
        message: String,
    },
    /// The manifest does not offer `rust-std` for the target.
    #[error("'{url}' has no rust-std for '{target}'\nhelp: this dist server does not publish a libstd for that target and release")]
    TargetNotOffered {
        /// The manifest's URL.
        url: String,
        /// The target triple.
        target: String,
    },
    /// A dist server has no channel manifest for the rustc at any path it may be published under.
    #[error("dist server '{server}' has no channel manifest for rustc '{version}'; tried:\n{}\nhelp: publish this rustc's libstd there with 'xous-sysroot-build dist' (it writes every path above and the by-commit index), or point XOUS_SYSROOT_DIST_SERVER at a server that has it", .tried.iter().map(|t| format!("  - {t}")).collect::<Vec<_>>().join("\n"))]
    ManifestNotFound {
        /// The dist server root.
        server: String,
        /// The rustc identity that was asked for.
        version: String,
        /// Every URL tried, in order.
        tried: Vec<String>,
    },
    /// A source that never publishes this rustc's channel, so it was not asked.
    #[error("{source_name} offers only stable releases, not the {channel} rustc '{version}'; it was not asked\nhelp: use a dist server that publishes this rustc (XOUS_SYSROOT_DIST_SERVER), or build the libstd from rust-src (XOUS_SYSROOT_BUILD_FROM_SOURCE=1)")]
    ChannelNotOffered {
        /// The source.
        source_name: String,
        /// The channel, e.g. `nightly`.
        channel: String,
        /// The rustc identity that was asked for.
        version: String,
    },
    /// The source offers a libstd built by a different rustc than the one requested.
    #[error("'{url}' offers a libstd for rustc '{offered}', but rustc '{wanted}' is in use\nhelp: a libstd only works with the exact rustc that built it; use the matching toolchain or a dist server that has this one")]
    VersionMismatch {
        /// Where the offer came from.
        url: String,
        /// The rustc the offered libstd was built by.
        offered: String,
        /// The rustc that was asked for.
        wanted: String,
    },
    /// An archive tried to do something it may not, or is malformed. From a source, it stops
    /// the install like a checksum mismatch ([`Error::discredits_source`]).
    #[error("refusing archive '{archive}': entry '{entry}' {reason}\nhelp: the archive is hostile or corrupt; nothing was installed, and no other source is tried after one that serves such an archive under the SHA-256 it published. Remove or fix that source; to build from rust-src instead, drop it and set XOUS_SYSROOT_BUILD_FROM_SOURCE=1")]
    UnsafeArchive {
        /// The archive's URL or path.
        archive: String,
        /// The offending entry's path.
        entry: String,
        /// What it tried to do.
        reason: String,
    },
    /// An archive could not be decoded (truncated, not xz, a broken zip). From a source, it
    /// stops the install like a checksum mismatch ([`Error::discredits_source`]).
    #[error("corrupt archive '{archive}': {message}\nhelp: nothing was installed, and no other source is tried after one that serves a corrupt archive under the SHA-256 it published (a transfer fault would have failed that check, and is retried). Remove or fix that source; to build from rust-src instead, drop it and set XOUS_SYSROOT_BUILD_FROM_SOURCE=1")]
    CorruptArchive {
        /// The archive's URL or path.
        archive: String,
        /// The decoder's complaint.
        message: String,
    },
    /// Offline mode and the cache does not hold what is needed.
    #[error("offline and no cached libstd for rustc '{version}' ({target}) in '{cache}'\nhelp: run once with network access (unset CARGO_NET_OFFLINE / XOUS_SYSROOT_OFFLINE) to fill the cache")]
    NotCached {
        /// The rustc identity that was asked for.
        version: String,
        /// The target triple.
        target: String,
        /// The cache directory searched.
        cache: PathBuf,
    },
    /// No source could provide the libstd; each attempt's error is listed.
    #[error("no source could provide rust-std for rustc '{version}' ({target}):\n{}\nhelp: set XOUS_SYSROOT_DIST_SERVER to a dist server that publishes this release, or build one with xous-sysroot-build", .attempts.iter().map(|(s, e)| format!("  - {s}: {e}")).collect::<Vec<_>>().join("\n"))]
    NotAvailable {
        /// The rustc identity that was asked for.
        version: String,
        /// The target triple.
        target: String,
        /// Each source tried, with its error.
        attempts: Vec<(String, String)>,
    },
    /// The installed library was refused by the compiler: it was built by another rustc.
    #[error("the libstd from '{source_url}' was compiled by an incompatible version of rustc: it is for '{library}', the compiler is '{compiler}'; the install was rolled back\nhelp: install the libstd built for this exact rustc")]
    Incompatible {
        /// Where the library came from.
        source_url: String,
        /// The rustc the library says it was built by.
        library: String,
        /// The rustc that refused it.
        compiler: String,
    },
    /// The smoke compile failed for another reason.
    #[error("smoke compile against the new libstd failed; the install was rolled back:\n{stderr}")]
    SmokeCompile {
        /// The compiler's output.
        stderr: String,
    },
    /// Nothing of ours is installed at the path.
    #[error("no libstd installed by xous-sysroot at '{path}'\nhelp: run 'xous-sysroot install'")]
    NotInstalled {
        /// Where it was looked for.
        path: PathBuf,
    },
    /// Installed files differ from the stamp.
    #[error("installed libstd at '{path}' is damaged:\n{}\nhelp: run 'xous-sysroot install --force' to repair it", .problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Damaged {
        /// The installed target directory.
        path: PathBuf,
        /// One line per problem.
        problems: Vec<String>,
    },
    /// An environment variable read as text (`XOUS_SYSROOT_MODE`, `XOUS_SYSROOT_DIST_SERVER`,
    /// …) whose value is not valid UTF-8.
    #[error("the environment variable {name} is not valid UTF-8: '{}'\nhelp: set {name} to UTF-8 text, or unset it", crate::text::escape_non_utf8(value))]
    EnvNotUtf8 {
        /// The variable.
        name: String,
        /// Its value.
        value: std::ffi::OsString,
    },
    /// A private sysroot whose path is not valid UTF-8: cargo takes rustflags only as UTF-8
    /// text, so no `--sysroot` flag can name it.
    #[error("the private sysroot '{}' is not valid UTF-8, and cargo takes rustflags only as UTF-8 text\nhelp: use a cache directory whose path is UTF-8 (Installer::cache_dir, XOUS_SYSROOT_CACHE_DIR or --cache-dir), or the 'linked' or 'toolchain' mode, which need no flag", crate::text::escape_non_utf8(path.as_os_str()))]
    SysrootPathNotUtf8 {
        /// The sysroot.
        path: PathBuf,
    },
    /// Making, registering or removing a linked toolchain failed.
    #[error(transparent)]
    Linked(Box<crate::linked::LinkedError>),
}

impl Error {
    /// Whether this error is evidence against the source that served the bytes, so that the
    /// install stops here instead of trying the next source: a checksum mismatch (bytes that
    /// are not the ones published), or an archive the archive checks refuse ([`Error::UnsafeArchive`]:
    /// `..`, absolute paths, links, devices, sizes past the caps, …; [`Error::CorruptArchive`]:
    /// truncated or undecodable data). The installer only reports such a refusal for bytes whose
    /// SHA-256 is the one the source published (a transfer fault fails that check first, and is
    /// retried), so the source itself vouched for them: falling through to another source would
    /// hide that it serves bad archives. A network failure, an HTTP error or a missing file says
    /// nothing against the source's bytes: the next source is tried.
    pub fn discredits_source(&self) -> bool {
        matches!(
            self,
            Error::ChecksumMismatch { .. }
                | Error::UnsafeArchive { .. }
                | Error::CorruptArchive { .. }
        )
    }
}

/// A `help:` line for the I/O errors a user can act on (a full disk), or nothing.
fn io_help(e: &std::io::Error) -> &'static str {
    if e.kind() == std::io::ErrorKind::StorageFull {
        "\nhelp: the disk is full: free some space on it and retry; nothing was installed, and \
         an install already in place is untouched"
    } else {
        ""
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Attaches an action and a path to an `io::Error`.
pub(crate) trait IoContext<T> {
    /// Wraps the error as [`Error::Io`].
    fn ctx(self, action: &'static str, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn ctx(self, action: &'static str, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|source| Error::Io {
            action,
            path: path.into(),
            error: source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_printer_shows_the_os_error_once() {
        let missing = std::path::Path::new("/nonexistent/xous-sysroot-file");
        let os = std::fs::read(missing).unwrap_err();
        let os_message = os.to_string();
        let err = std::fs::read(missing).ctx("read", missing).unwrap_err();
        assert!(std::error::Error::source(&err).is_none());
        let chain = format!("{:#}", anyhow::Error::new(err).context("installing"));
        assert_eq!(chain.matches(&os_message).count(), 1, "{chain}");
        assert!(
            chain.contains("could not read '/nonexistent/xous-sysroot-file': "),
            "{chain}"
        );
    }
}
