//! Rustc identity: parsing `rustc -vV` (or a bare release), asking a compiler who it is, and
//! matching a libstd's recorded version against it.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use crate::error::{Error, Result};

/// Which rustc a libstd is for.
///
/// A libstd is only usable by the exact compiler that built it, so the identity is the
/// release together with the commit hash (and date) when they are known. A bare release such as
/// `1.96.0` is accepted too: it matches any build of that release, and the smoke compile after
/// the install proves the exact match. A pre-release (`1.100.0-beta.7`, `1.97.0-nightly`,
/// `1.97.0-dev`) names many compilers, so it is only accepted with its commit hash and only ever
/// matched by it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustcVersion {
    /// The release as rustc prints it, e.g. `1.96.0`, `1.100.0-beta.7`, `1.97.0-nightly`.
    pub release: String,
    /// The full commit hash (or a prefix of it), when known.
    pub commit_hash: Option<String>,
    /// The commit date, `YYYY-MM-DD`, when known.
    pub commit_date: Option<String>,
    /// The compiler's host triple, when known.
    pub host: Option<String>,
}

impl RustcVersion {
    /// Parses a release (`1.96.0`), a `rustc -V` line, a manifest `version` value
    /// (`1.96.0 (ac68faa20 2026-05-25)`), or the full output of `rustc -vV`.
    pub fn parse(input: &str) -> Result<Self> {
        let invalid = |reason: &str| Error::InvalidVersion {
            input: input.chars().take(200).collect(),
            reason: reason.to_string(),
        };
        let text = input.trim();
        if text.is_empty() {
            return Err(invalid("it is empty"));
        }
        if text.lines().count() > 1 {
            return Self::parse_verbose(text).map_err(|reason| invalid(&reason));
        }
        let text = text.strip_prefix("rustc ").unwrap_or(text).trim();
        if text.is_empty() {
            return Err(invalid("it is empty"));
        }
        let (release, rest) = match text.split_once(' ') {
            Some((release, rest)) => (release, Some(rest.trim())),
            None => (text, None),
        };
        check_release(release).map_err(|reason| invalid(&reason))?;
        let mut version = RustcVersion {
            release: release.to_string(),
            commit_hash: None,
            commit_date: None,
            host: None,
        };
        if let Some(rest) = rest {
            // "(ac68faa20 2026-05-25)" possibly followed by a vendor note.
            let inner = rest
                .strip_prefix('(')
                .and_then(|r| r.split_once(')'))
                .map(|(inner, _)| inner)
                .ok_or_else(|| invalid("expected '(<commit> <date>)' after the release"))?;
            let mut parts = inner.split_whitespace();
            let hash = parts.next().unwrap_or_default();
            if !is_commit_hash(hash) {
                return Err(invalid(
                    "the commit hash is not at least 7 hexadecimal digits",
                ));
            }
            version.commit_hash = Some(hash.to_string());
            version.commit_date = parts.next().map(str::to_string);
        }
        version
            .check_prerelease_exact()
            .map_err(|reason| invalid(&reason))?;
        Ok(version)
    }

    fn parse_verbose(text: &str) -> std::result::Result<Self, String> {
        let field = |name: &str| {
            text.lines()
                .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
                .map(|value| value.trim().to_string())
                .filter(|value| !value.is_empty() && value != "unknown")
        };
        let release = field("release").ok_or_else(|| {
            "it has several lines but no 'release:' line as 'rustc -vV' prints".to_string()
        })?;
        check_release(&release)?;
        let version = RustcVersion {
            release,
            // Shorter than git's shortest abbreviation: too loose to match a libstd by prefix.
            commit_hash: field("commit-hash").filter(|h| is_commit_hash(h)),
            commit_date: field("commit-date"),
            host: field("host"),
        };
        version.check_prerelease_exact()?;
        Ok(version)
    }

    fn check_prerelease_exact(&self) -> std::result::Result<(), String> {
        if self.channel() == Channel::Stable || self.is_exact() {
            return Ok(());
        }
        Err(format!(
            "'{}' is a pre-release, which names many compilers, and its commit hash is unknown \
             (a rustc built with 'commit-hash: unknown'); a libstd can only be matched to a \
             pre-release rustc by its commit hash, so build rustc from a git checkout or give \
             the identity as '{} (<commit> <date>)'",
            self.release, self.release
        ))
    }

    /// The release channel, read from the release's suffix.
    pub fn channel(&self) -> Channel {
        Channel::of_release(&self.release)
    }

    /// A name for this exact compiler that is safe as one path component and stable across
    /// runs: the release, then the first 9 digits of the commit hash when known
    /// (`1.97.0-nightly-e50aa6fba`), so that every compiler of a release gets its own directory.
    pub fn dir_name(&self) -> String {
        match &self.commit_hash {
            Some(hash) => format!("{}-{}", self.release, short(hash)),
            None => self.release.clone(),
        }
    }

    /// The identity as a manifest writes it: `1.96.0 (ac68faa20 2026-05-25)`, or just the
    /// release when the commit is unknown.
    pub fn identity(&self) -> String {
        match (&self.commit_hash, &self.commit_date) {
            (Some(hash), Some(date)) => format!("{} ({} {})", self.release, short(hash), date),
            (Some(hash), None) => format!("{} ({})", self.release, short(hash)),
            _ => self.release.clone(),
        }
    }

    /// Whether a libstd built by `other` can be used by `self`, as far as the identities tell:
    /// the releases are equal and, when both know their commit, the commits are too. A
    /// pre-release matches only when both commits are known and equal.
    pub fn matches(&self, other: &RustcVersion) -> bool {
        if self.release != other.release {
            return false;
        }
        match (&self.commit_hash, &other.commit_hash) {
            (Some(a), Some(b)) => a.starts_with(b.as_str()) || b.starts_with(a.as_str()),
            _ => self.channel() == Channel::Stable,
        }
    }

    /// Whether the commit is known, so that the identity is exact.
    pub fn is_exact(&self) -> bool {
        self.commit_hash.is_some()
    }
}

impl FromStr for RustcVersion {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl fmt::Display for RustcVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.identity())
    }
}

impl TryFrom<&str> for RustcVersion {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl TryFrom<String> for RustcVersion {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Self::parse(&s)
    }
}

impl TryFrom<&String> for RustcVersion {
    type Error = Error;
    fn try_from(s: &String) -> Result<Self> {
        Self::parse(s)
    }
}

impl From<&RustcVersion> for RustcVersion {
    fn from(v: &RustcVersion) -> Self {
        v.clone()
    }
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(9)]
}

/// At least 7 hex digits (git's shortest abbreviation), as both spellings of an identity need.
fn is_commit_hash(s: &str) -> bool {
    s.len() >= 7 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The release channel of a rustc, as its release string tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// `1.96.0`.
    Stable,
    /// `1.100.0-beta.7`: the number is the beta's revision.
    Beta(u32),
    /// `1.97.0-nightly`.
    Nightly,
    /// `1.97.0-dev`: a locally built rustc.
    Dev,
}

impl Channel {
    fn of_release(release: &str) -> Channel {
        match release.split_once('-') {
            None => Channel::Stable,
            Some((_, "nightly")) => Channel::Nightly,
            Some((_, "dev")) => Channel::Dev,
            Some((_, suffix)) => suffix
                .strip_prefix("beta.")
                .and_then(|n| n.parse().ok())
                .map_or(Channel::Dev, Channel::Beta),
        }
    }

    /// The channel's name as rustup writes it in manifest file names: `stable`, `beta`,
    /// `nightly`, `dev`.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Stable => "stable",
            Channel::Beta(_) => "beta",
            Channel::Nightly => "nightly",
            Channel::Dev => "dev",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `MAJOR.MINOR.PATCH`, optionally followed by `-beta.N`, `-nightly` or `-dev`: every release
/// form rustc prints.
fn check_release(release: &str) -> std::result::Result<(), String> {
    let refuse = || {
        format!(
            "'{}' is not a release of the form MAJOR.MINOR.PATCH, optionally followed by \
             '-beta.N', '-nightly' or '-dev'",
            release.chars().take(40).collect::<String>()
        )
    };
    let (numbers, suffix) = match release.split_once('-') {
        Some((numbers, suffix)) => (numbers, Some(suffix)),
        None => (release, None),
    };
    let parts: Vec<&str> = numbers.split('.').collect();
    let numeric = |p: &str| !p.is_empty() && p.len() <= 6 && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3 || !parts.iter().all(|p| numeric(p)) {
        return Err(refuse());
    }
    match suffix {
        None | Some("nightly") | Some("dev") => Ok(()),
        Some(s) if s.strip_prefix("beta.").is_some_and(numeric) => Ok(()),
        Some(_) => Err(refuse()),
    }
}

/// A rustc to ask for its version and sysroot.
///
/// [`Rustc::active`] finds the one cargo would use: `RUSTC` if set, else `rustc` from `PATH`
/// (a rustup proxy honours `RUSTUP_TOOLCHAIN`, which cargo sets for `cargo +toolchain`).
#[derive(Debug, Clone)]
pub struct Rustc {
    program: PathBuf,
    toolchain: Option<OsString>,
}

impl Rustc {
    /// The compiler at `program` (a path, or a name looked up in `PATH`).
    pub fn new(program: impl Into<PathBuf>) -> Self {
        Rustc {
            program: program.into(),
            toolchain: None,
        }
    }

    /// The compiler that cargo would use here: `RUSTC`, else `rustc` from `PATH`.
    pub fn active() -> Self {
        let program = crate::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        // Read so that build scripts rerun when the toolchain changes; the proxy reads it itself.
        crate::env::var_os("RUSTUP_TOOLCHAIN");
        Rustc::new(program)
    }

    /// The rustc of a rustup toolchain (`stable`, `1.96.0`, a linked name), through the proxy.
    pub fn toolchain(name: impl Into<OsString>) -> Self {
        Rustc {
            program: "rustc".into(),
            toolchain: Some(name.into()),
        }
    }

    /// The program that is run.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// A command running this compiler.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        if let Some(toolchain) = &self.toolchain {
            cmd.env("RUSTUP_TOOLCHAIN", toolchain);
        }
        cmd
    }

    /// Runs `rustc -vV` and parses it.
    pub fn version(&self) -> Result<RustcVersion> {
        let out = self.run(&["-vV"])?;
        RustcVersion::parse_verbose(&out).map_err(|reason| Error::Rustc {
            command: self.describe(&["-vV"]),
            detail: format!("{reason}; the output was {out:?}"),
        })
    }

    /// Runs `rustc --print sysroot`.
    pub fn sysroot(&self) -> Result<PathBuf> {
        let out = self.run(&["--print", "sysroot"])?;
        Ok(PathBuf::from(out.trim_end_matches(['\n', '\r'])))
    }

    fn describe(&self, args: &[&str]) -> String {
        let mut s = self.program.display().to_string();
        for a in args {
            s.push(' ');
            s.push_str(a);
        }
        if let Some(t) = &self.toolchain {
            s = format!("RUSTUP_TOOLCHAIN={} {s}", t.to_string_lossy());
        }
        s
    }

    fn run(&self, args: &[&str]) -> Result<String> {
        let output = self
            .command()
            .args(args)
            .output()
            .map_err(|e| Error::Rustc {
                command: self.describe(args),
                detail: e.to_string(),
            })?;
        if !output.status.success() {
            return Err(Error::Rustc {
                command: self.describe(args),
                detail: format!(
                    "{}: {}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr).trim()
                ),
            });
        }
        String::from_utf8(output.stdout).map_err(|_| Error::Rustc {
            command: self.describe(args),
            detail: "output is not UTF-8".into(),
        })
    }
}

#[cfg(test)]
mod tests;
