//! Replacing one file atomically: a hidden, uniquely named temporary sibling is filled, synced
//! and renamed over the target, so readers see the old file or the new one, never a part; the
//! temporary is removed when anything fails. (A dist server never serves hidden names.) And the
//! one rename every commit uses (an install, a cache entry, such a file): [`rename_durably`].

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::error::{IoContext, Result};

/// Writes `bytes` to `path` atomically, creating its directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |file, tmp| file.write_all(bytes).ctx("write", tmp))
}

/// Creates `path` atomically with what `fill` writes into the temporary file (given with its
/// path, for error messages); returns what `fill` returns.
pub fn write_atomic_with<T>(
    path: &Path,
    fill: impl FnOnce(&mut File, &Path) -> Result<T>,
) -> Result<T> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir {
        fs::create_dir_all(dir).ctx("create directory", dir)?;
    }
    let mut tmp = Temporary {
        path: temp_sibling(path),
        renamed: false,
    };
    let mut file = File::create(&tmp.path).ctx("create", &tmp.path)?;
    let value = fill(&mut file, &tmp.path)?;
    file.flush().ctx("write", &tmp.path)?;
    file.sync_all().ctx("sync", &tmp.path)?;
    drop(file);
    rename_durably(&tmp.path, path).ctx("rename into place", path)?;
    tmp.renamed = true;
    Ok(value)
}

/// Renames `from` to `to`, then syncs `to`'s directory, so that the new name survives a crash
/// once this returns (a rename lives in the directory, and only a sync of the directory writes
/// it to disk). Every rename that commits something (an install, a cache entry, an atomic
/// write) goes through here; the caller syncs a file's data before, as [`write_atomic`] does.
/// `from`'s directory is not synced: commits rename from a staging name that is removed after.
pub(crate) fn rename_durably(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::rename(from, to)?;
    match to.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => sync_dir(dir),
        None => sync_dir(Path::new(".")),
    }
}

/// Syncs a directory's entries to disk (a no-op on Windows, where the standard library cannot
/// open a directory to sync it).
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    if cfg!(unix) {
        File::open(dir)?.sync_all()
    } else {
        Ok(())
    }
}

/// Syncs a file's data to disk, before [`rename_durably`] gives it its committed name.
pub(crate) fn sync_file(path: &Path) -> std::io::Result<()> {
    File::open(path)?.sync_all()
}

/// `.<name>.<pid>-<n>.tmp` beside `path`: unique within the process and across processes.
fn temp_sibling(path: &Path) -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{}-{n}.tmp", std::process::id()))
}

/// A temporary file, removed when dropped unless it was renamed into place.
struct Temporary {
    path: PathBuf,
    renamed: bool,
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/index.toml");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.path().join("sub")).unwrap().collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn a_failed_fill_keeps_the_old_file_and_removes_the_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x");
        write_atomic(&path, b"old").unwrap();
        let err = write_atomic_with(&path, |file, tmp| {
            file.write_all(b"half").ctx("write", tmp)?;
            Err::<(), _>(std::io::Error::other("cut")).ctx("write", tmp)
        });
        assert!(err.is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_durable_rename_moves_the_file_and_syncs_its_new_directory() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join(".staged");
        let to = dir.path().join("cache/entry");
        fs::write(&from, b"verified").unwrap();
        fs::create_dir(dir.path().join("cache")).unwrap();
        sync_file(&from).unwrap();
        rename_durably(&from, &to).unwrap();
        assert!(!from.exists());
        assert_eq!(fs::read(&to).unwrap(), b"verified");
        // A directory too (an install is committed as one), over nothing.
        let staged = dir.path().join(".staging/target");
        fs::create_dir_all(&staged).unwrap();
        fs::write(staged.join("lib.rlib"), b"rlib").unwrap();
        let dest = dir.path().join("target");
        rename_durably(&staged, &dest).unwrap();
        assert_eq!(fs::read(dest.join("lib.rlib")).unwrap(), b"rlib");
    }

    #[cfg(unix)]
    #[test]
    fn the_directory_sync_is_real() {
        // On Unix the directory is opened and fsynced: that works on a directory, and fails
        // for one that is not there, so the sync is not skipped.
        let dir = tempfile::tempdir().unwrap();
        sync_dir(dir.path()).unwrap();
        let missing = dir.path().join("missing");
        let err = sync_dir(&missing).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        // A rename into a missing directory fails and leaves the source where it was.
        let from = dir.path().join("f");
        fs::write(&from, b"x").unwrap();
        assert!(rename_durably(&from, &missing.join("f")).is_err());
        assert_eq!(fs::read(&from).unwrap(), b"x");
    }

    #[test]
    fn temporaries_are_hidden_and_unique() {
        let path = Path::new("dir/file.tar.xz");
        let (a, b) = (temp_sibling(path), temp_sibling(path));
        assert_ne!(a, b);
        assert_eq!(a.parent(), path.parent());
        assert!(a
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(".file.tar.xz."));
    }
}
