//! Cross-process exclusive locks on files (advisory `flock`-style locks through `std::fs::File::lock`).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use crate::error::{IoContext, Result};

/// An exclusive lock held until dropped. The lock file itself is left in place (removing it
/// would race with a process that has just opened it).
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

impl FileLock {
    /// Takes the lock at `path`, creating the file and its directory; blocks while another
    /// process holds it, calling `on_wait` once before blocking.
    pub fn exclusive(path: &Path, on_wait: impl FnOnce()) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).ctx("create directory", dir)?;
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .ctx("open lock file", path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                on_wait();
                file.lock().ctx("lock", path)?;
            }
            Err(TryLockError::Error(e)) => return Err(e).ctx("lock", path),
        }
        Ok(FileLock { _file: file })
    }
}
