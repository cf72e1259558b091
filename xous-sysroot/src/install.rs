//! The only code that touches the final install directory `<sysroot>/lib/rustlib/<target>`:
//! staging beside it, the atomic swap, leftovers of killed processes, uninstall.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::component::{target_dir, target_name};
use crate::error::{Error, IoContext, Result};
use crate::stamp::{FileRecord, Stamp};

const STAGING: &str = ".xous-sysroot-staging-";
const TRASH: &str = ".xous-sysroot-trash-";

/// A sysroot and the target whose libstd lives in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Destination {
    /// The sysroot root (what `--sysroot` or `rustc --print sysroot` names).
    pub root: PathBuf,
    /// The target triple.
    pub target: String,
}

impl Destination {
    /// `<root>/lib/rustlib`.
    pub(crate) fn rustlib(&self) -> PathBuf {
        self.root.join("lib").join("rustlib")
    }

    /// `<root>/lib/rustlib/<target>`.
    pub(crate) fn target_dir(&self) -> PathBuf {
        self.root.join(target_dir(&self.target))
    }

    /// Our stamp, if a complete install of ours is there.
    pub(crate) fn stamp(&self) -> Option<Stamp> {
        Stamp::read(&self.target_dir())
    }

    /// A unique name for a temporary directory beside the install.
    fn temp_name(&self, prefix: &str) -> PathBuf {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        self.rustlib().join(format!(
            "{prefix}{}-{}-{}-{nanos}",
            target_name(&self.target),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ))
    }

    /// Removes staging and trash directories that killed processes left. Call with the lock held.
    pub(crate) fn clean_leftovers(&self) -> Result<()> {
        let rustlib = self.rustlib();
        let Ok(entries) = fs::read_dir(&rustlib) else {
            return Ok(());
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let ours = [STAGING, TRASH].iter().any(|p| {
                name.strip_prefix(p).is_some_and(|rest| {
                    rest.starts_with(&format!("{}-", target_name(&self.target)))
                })
            });
            if ours {
                fs::remove_dir_all(entry.path()).ctx("remove leftover", entry.path())?;
            }
        }
        Ok(())
    }

    /// A fresh staging sysroot beside the install, removed on drop unless committed.
    pub(crate) fn stage(&self) -> Result<Staging> {
        let root = self.temp_name(STAGING);
        let dir = root.join(target_dir(&self.target));
        fs::create_dir_all(&dir).ctx("create staging directory", &dir)?;
        Ok(Staging {
            root,
            committed: false,
        })
    }

    /// Moves the staged library into place: the previous install (if any) is renamed aside,
    /// the new one renamed in, the old one deleted. At every instant the destination holds a
    /// complete install or nothing.
    pub(crate) fn commit(&self, mut staging: Staging) -> Result<()> {
        let dest = self.target_dir();
        let trash = self.temp_name(TRASH);
        let had_previous = dest.symlink_metadata().is_ok();
        if had_previous {
            fs::rename(&dest, &trash).ctx("move the previous install aside to", &trash)?;
        }
        let staged = staging.root.join(target_dir(&self.target));
        // Durable once this returns: the move aside is in the same directory, synced with it.
        if let Err(e) = crate::atomic::rename_durably(&staged, &dest) {
            if had_previous {
                let _ = crate::atomic::rename_durably(&trash, &dest);
            }
            return Err(e).ctx("move the new install into place at", &dest);
        }
        staging.committed = true;
        let _ = fs::remove_dir_all(&staging.root);
        if had_previous {
            fs::remove_dir_all(&trash).ctx("remove the previous install at", &trash)?;
        }
        Ok(())
    }

    /// Removes our install (refusing a directory we did not install unless `force`).
    /// Returns whether something was removed.
    pub(crate) fn uninstall(&self, force: bool) -> Result<bool> {
        let dest = self.target_dir();
        if dest.symlink_metadata().is_err() {
            return Ok(false);
        }
        if self.stamp().is_none() && !force {
            return Err(Error::NotInstalled { path: dest });
        }
        let trash = self.temp_name(TRASH);
        fs::rename(&dest, &trash).ctx("move aside for removal", &trash)?;
        fs::remove_dir_all(&trash).ctx("remove", &trash)?;
        Ok(true)
    }
}

/// A staging sysroot (`<staging>/lib/rustlib/<target>/…`), deleted when dropped uncommitted.
#[derive(Debug)]
pub(crate) struct Staging {
    /// The staging sysroot's root; usable as `--sysroot` for the smoke compile.
    pub root: PathBuf,
    committed: bool,
}

impl Staging {
    /// `<staging>/lib/rustlib/<target>`.
    pub(crate) fn target_dir(&self, target: &str) -> PathBuf {
        self.root.join(target_dir(target))
    }

    /// The staging root.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Writes `<staging>/lib/rustlib/<target>/<rel>` and returns its record for the stamp.
    pub(crate) fn write_file(
        &self,
        target: &str,
        rel: &str,
        contents: String,
    ) -> Result<FileRecord> {
        let path = self.target_dir(target).join(rel);
        fs::write(&path, &contents).ctx("write", &path)?;
        Ok(FileRecord {
            path: rel.to_string(),
            size: contents.len() as u64,
            sha256: crate::hash::sha256_bytes(contents.as_bytes()),
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.root);
        }
    }
}
