//! The stamp: what we record beside an installed libstd (version, source, hashes, files).
//! It is written last, inside the directory that is renamed into place, so its presence
//! means the install is complete.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::error::{IoContext, Result};

/// The stamp's file name, inside `lib/rustlib/<target>/`.
pub const STAMP_FILE: &str = ".xous-sysroot.toml";

/// The current stamp format.
const FORMAT: u32 = 1;

/// What was installed, from where, for which compiler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Stamp format version.
    pub format: u32,
    /// The target triple.
    pub target: String,
    /// The identity of the rustc the library is for, e.g. `1.96.0 (ac68faa20 2026-05-25)`.
    pub rustc: String,
    /// Where the archive came from.
    pub source: String,
    /// SHA-256 of the archive.
    pub archive_sha256: String,
    /// The version of xous-sysroot that installed it.
    pub installed_by: String,
    /// Seconds since the Unix epoch at install time.
    pub installed_at: u64,
    /// Size and mtime of the compiler binary in the sysroot when it was checked (toolchain
    /// mode), so that an unchanged compiler needs no `rustc -vV`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compiler: Option<Fingerprint>,
    /// Every installed file, relative to `lib/rustlib/<target>/`.
    pub files: Vec<FileRecord>,
}

/// One installed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// Path relative to `lib/rustlib/<target>/`, with `/` separators.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

/// Identifies a file's version cheaply: path, size and modification time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// The file.
    pub path: PathBuf,
    /// Its size.
    pub size: u64,
    /// Its mtime in nanoseconds since the epoch.
    pub mtime_ns: u128,
}

impl Fingerprint {
    /// The fingerprint of `path` now, or `None` if it cannot be read.
    pub fn of(path: &Path) -> Option<Self> {
        let meta = std::fs::metadata(path).ok()?;
        let mtime_ns = meta
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(Fingerprint {
            path: path.to_path_buf(),
            size: meta.len(),
            mtime_ns,
        })
    }
}

impl Stamp {
    /// A stamp for files just extracted.
    pub fn new(
        target: &str,
        rustc: &str,
        source: &str,
        archive_sha256: &str,
        files: Vec<FileRecord>,
    ) -> Self {
        Stamp {
            format: FORMAT,
            target: target.to_string(),
            rustc: rustc.to_string(),
            source: source.to_string(),
            archive_sha256: archive_sha256.to_string(),
            installed_by: concat!("xous-sysroot ", env!("CARGO_PKG_VERSION")).to_string(),
            installed_at: std::time::SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            compiler: None,
            files,
        }
    }

    /// Reads the stamp in `target_dir`; `Ok(None)` when there is none or it is unreadable
    /// (an unreadable stamp means "not installed by us, or damaged": reinstall).
    pub fn read(target_dir: &Path) -> Option<Stamp> {
        let text = std::fs::read_to_string(target_dir.join(STAMP_FILE)).ok()?;
        toml::from_str::<Stamp>(&text)
            .ok()
            .filter(|s| s.format == FORMAT)
    }

    /// Writes the stamp into `target_dir` and flushes it to disk.
    pub fn write(&self, target_dir: &Path) -> Result<()> {
        let path = target_dir.join(STAMP_FILE);
        let text = toml::to_string(self).expect("a stamp always serializes");
        let mut file = std::fs::File::create(&path).ctx("create", &path)?;
        std::io::Write::write_all(&mut file, text.as_bytes()).ctx("write", &path)?;
        file.sync_all().ctx("sync", &path)?;
        Ok(())
    }

    /// Cheap completeness check: every recorded file exists with its recorded size.
    pub fn files_present(&self, target_dir: &Path) -> bool {
        self.files.iter().all(|f| {
            std::fs::metadata(target_dir.join(&f.path))
                .is_ok_and(|m| m.is_file() && m.len() == f.size)
        })
    }

    /// Rehashes every recorded file; returns one line per problem (empty when intact).
    pub fn verify(&self, target_dir: &Path) -> Vec<String> {
        let mut problems = Vec::new();
        for f in &self.files {
            let path = target_dir.join(&f.path);
            match crate::hash::sha256_file(&path) {
                Ok(hash) if hash == f.sha256 => {}
                Ok(hash) => problems.push(format!(
                    "'{}': sha256 is '{hash}', expected '{}'",
                    f.path, f.sha256
                )),
                Err(_) => problems.push(format!("'{}': missing or unreadable", f.path)),
            }
        }
        problems
    }
}
