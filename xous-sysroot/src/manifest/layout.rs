//! Where a channel manifest lives on a dist server for one rustc, as rustup lays channels out,
//! and the by-commit index the producer writes beside them.
//!
//! | channel | manifest path(s) under the dist root |
//! |---|---|
//! | stable `1.96.0` | `dist/channel-rust-1.96.0.toml` |
//! | beta `1.100.0-beta.7` | `dist/<date>/channel-rust-beta.toml` and `dist/channel-rust-1.100.0-beta.7.toml` |
//! | nightly `1.97.0-nightly` | `dist/<date>/channel-rust-nightly.toml` |
//! | dev `1.97.0-dev` | `dist/<date>/channel-rust-1.97.0-dev-<first 9 digits of the commit>.toml` |
//!
//! `<date>` is the dist date: for rustup's nightlies and betas the day of the build, usually
//! (not always) the commit date plus one. Every manifest written by the producer is also named
//! by `dist/xous-sysroot/by-commit/<full commit hash>.toml` ([`CommitIndex`]), so that the
//! installer finds the manifest of an exact pre-release rustc with one request whatever date it
//! was published under; without the index it tries the paths of [`lookup_paths`].

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::version::{Channel, RustcVersion};

/// The directory of the by-commit index, relative to the dist root.
pub const INDEX_DIR: &str = "dist/xous-sysroot/by-commit";

/// The manifest's file name for a `-dev` rustc: `channel-rust-1.97.0-dev-e50aa6fba.toml`, so
/// that two local builds of one release have two manifests.
fn dev_file_name(version: &RustcVersion) -> String {
    format!("channel-rust-{}.toml", version.dir_name())
}

/// The dated path of `version`'s channel for `date`: `dist/<date>/channel-rust-nightly.toml`;
/// `None` for stable, which rustup's layout does not date.
fn dated_path(version: &RustcVersion, date: &str) -> Option<String> {
    let name = match version.channel() {
        Channel::Stable => return None,
        Channel::Beta(_) => "channel-rust-beta.toml".to_owned(),
        Channel::Nightly => "channel-rust-nightly.toml".to_owned(),
        Channel::Dev => dev_file_name(version),
    };
    Some(format!("dist/{date}/{name}"))
}

/// `dist/channel-rust-<release>.toml`: stable's path, and a beta's second one.
fn versioned_path(version: &RustcVersion) -> String {
    format!("dist/{}", super::Manifest::file_name(&version.release))
}

/// Every path (relative to the dist root, `/`-separated) where the producer publishes the
/// manifest of `version` dated `date`, the main one first (see the module's table).
pub fn published_paths(version: &RustcVersion, date: &str) -> Vec<String> {
    let mut paths: Vec<String> = dated_path(version, date).into_iter().collect();
    if matches!(version.channel(), Channel::Stable | Channel::Beta(_)) {
        paths.push(versioned_path(version));
    }
    paths
}

/// The by-commit index entry of a commit: `dist/xous-sysroot/by-commit/<hash>.toml`.
pub fn index_path(commit_hash: &str) -> String {
    format!("{INDEX_DIR}/{commit_hash}.toml")
}

/// The paths the installer tries for `version` when the by-commit index has no entry, in
/// order: stable's and a beta's versioned name, then the dated paths of the commit date plus
/// one and of the commit date itself. A pre-release without a commit date has no dated path.
pub fn lookup_paths(version: &RustcVersion) -> Vec<String> {
    let mut paths = Vec::new();
    if matches!(version.channel(), Channel::Stable | Channel::Beta(_)) {
        paths.push(versioned_path(version));
    }
    if let Some(date) = version.commit_date.as_deref().filter(|d| is_date(d)) {
        let dates = next_day(date).into_iter().chain([date.to_owned()]);
        paths.extend(dates.filter_map(|d| dated_path(version, &d)));
    }
    paths
}

/// One entry of the by-commit index: which manifest holds the libstd of a commit's rustc.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitIndex {
    /// The identity of the rustc, as the manifest writes it:
    /// `1.97.0-nightly (e50aa6fba 2026-05-19)`.
    pub rustc: String,
    /// The full commit hash.
    pub commit_hash: String,
    /// The dist date the manifest is published under.
    pub date: String,
    /// The manifest's path relative to the dist root: `dist/2026-05-20/channel-rust-nightly.toml`.
    pub manifest: String,
}

impl CommitIndex {
    /// Parses an entry and checks that its manifest path stays under the dist root's `dist/`;
    /// `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self> {
        let invalid = |message: String| Error::InvalidManifest {
            url: origin.to_owned(),
            message,
        };
        let entry: CommitIndex = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        if !is_manifest_path(&entry.manifest) {
            return Err(invalid(format!(
                "'manifest' is '{}', not a 'dist/.../channel-rust-*.toml' path under the dist root",
                entry.manifest
            )));
        }
        Ok(entry)
    }

    /// The entry as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("an index entry always serializes")
    }
}

/// `dist/`, then plain names (no `..`, no empty or hidden part), ending in `channel-rust-*.toml`.
fn is_manifest_path(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    let plain = |p: &&str| {
        !p.is_empty()
            && !p.starts_with('.')
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
    };
    parts.len() >= 2
        && parts[0] == "dist"
        && parts.iter().all(plain)
        && parts
            .last()
            .is_some_and(|n| n.starts_with("channel-rust-") && n.ends_with(".toml"))
}

/// Whether `date` is `YYYY-MM-DD` with a real month and day.
pub fn is_date(date: &str) -> bool {
    parse_date(date).is_some()
}

fn parse_date(date: &str) -> Option<(u32, u32, u32)> {
    let parts: Vec<&str> = date.split('-').collect();
    let digits = |p: &str, len: usize| p.len() == len && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3 || !digits(parts[0], 4) || !digits(parts[1], 2) || !digits(parts[2], 2) {
        return None;
    }
    let (y, m, d) = (
        parts[0].parse().ok()?,
        parts[1].parse().ok()?,
        parts[2].parse().ok()?,
    );
    ((1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&d)).then_some((y, m, d))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The day after `date` (`YYYY-MM-DD`), or `None` if it is not a date.
pub fn next_day(date: &str) -> Option<String> {
    let (mut y, mut m, mut d) = parse_date(date)?;
    d += 1;
    if d > days_in_month(y, m) {
        d = 1;
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests;
