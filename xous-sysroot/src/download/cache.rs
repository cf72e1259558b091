//! The content-addressed cache of verified archives: `<sha256>`, written as `<sha256>.partial`
//! while hashing, resumed with `Range`, renamed only when the hash matches.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::PathBuf;

use super::{is_transient, Transport, TransportError};
use crate::error::{Error, IoContext, Result};
use crate::hash::HashingReader;
use crate::lock::FileLock;
use crate::manifest::Archive;
use crate::progress::{report, Progress, ProgressFn};

/// The content-addressed cache of verified archives.
#[derive(Debug, Clone)]
pub(crate) struct DownloadCache {
    dir: PathBuf,
}

/// Where the bytes handed to a sink came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fetched {
    /// The verified cache file.
    Cache,
    /// The network (possibly resuming a partial file).
    Network,
}

impl DownloadCache {
    pub(crate) fn new(dir: PathBuf) -> Self {
        DownloadCache { dir }
    }

    /// The verified archive with this hash, if cached.
    pub(crate) fn get(&self, sha256: &str) -> Option<PathBuf> {
        let path = self.dir.join(sha256);
        path.is_file().then_some(path)
    }

    /// Streams the archive through `sink` once: from the cache if present, else from the
    /// network (resuming `<sha256>.partial` with a Range request where possible) while writing
    /// it to the cache. The SHA-256 of everything read is checked after `sink` returns; the
    /// archive enters the cache only if it matches. One attempt: callers retry.
    pub(crate) fn stream(
        &self,
        transport: &Transport,
        archive: &Archive,
        sink: &mut dyn FnMut(&mut dyn Read) -> Result<()>,
    ) -> Result<Fetched> {
        fs::create_dir_all(&self.dir).ctx("create directory", &self.dir)?;
        let _lock = FileLock::exclusive(&self.dir.join(format!("{}.lock", archive.sha256)), || {})?;
        let final_path = self.dir.join(&archive.sha256);
        if final_path.is_file() {
            let file = File::open(&final_path).ctx("open", &final_path)?;
            let mut reader = HashingReader::new(io::BufReader::new(file));
            let result = sink(&mut reader);
            let (actual, _) = reader.finish().ctx("read", &final_path)?;
            if actual != archive.sha256 {
                // The file changed since it was verified: a local fault, retried from the source.
                fs::remove_file(&final_path).ctx("remove", &final_path)?;
                return Err(Error::ChecksumMismatch {
                    url: final_path.display().to_string(),
                    expected: archive.sha256.clone(),
                    actual,
                });
            }
            if result.as_ref().is_err_and(Error::discredits_source) {
                // The source's own bytes, refused: the cache keeps only what can be installed.
                let _ = fs::remove_file(&final_path);
            }
            return result.map(|()| Fetched::Cache);
        }

        let partial = self.dir.join(format!("{}.partial", archive.sha256));
        let have = fs::metadata(&partial).map(|m| m.len()).unwrap_or(0);
        let opened = transport.open(&archive.url, have)?;
        let (prefix, out): (Box<dyn Read>, File) = if opened.offset > 0 {
            let prefix = File::open(&partial).ctx("open", &partial)?;
            let out = OpenOptions::new()
                .append(true)
                .open(&partial)
                .ctx("open", &partial)?;
            (
                Box::new(io::BufReader::new(prefix.take(opened.offset))),
                out,
            )
        } else {
            (
                Box::new(io::empty()),
                File::create(&partial).ctx("create", &partial)?,
            )
        };
        let tee = Tee {
            inner: opened.reader,
            out: io::BufWriter::with_capacity(256 * 1024, out),
            path: partial.clone(),
        };
        let counter = Counter {
            inner: prefix.chain(tee),
            bytes: 0,
            reported: 0,
            total: opened.total,
            url: &archive.url,
            progress: &transport.progress,
        };
        let mut reader = HashingReader::new(counter);
        let read_error = |e: io::Error| {
            TransportError::from_io(&e).unwrap_or(Error::Io {
                action: "download into",
                path: partial.clone(),
                error: e,
            })
        };
        let mut result = sink(&mut reader);
        if let Err(Error::CorruptArchive { .. } | Error::UnsafeArchive { .. }) = &result {
            // Was it the transfer? Read the rest: if the hash is wrong, say so (and retry). A
            // refusal stands only for the bytes the source published (it stops the install);
            // if the rest does not arrive, that is all that can be said.
            match HashingReader::finish_ref(&mut reader) {
                Ok((actual, _)) if actual != archive.sha256 => {
                    let _ = fs::remove_file(&partial);
                    result = Err(Error::ChecksumMismatch {
                        url: archive.url.clone(),
                        expected: archive.sha256.clone(),
                        actual,
                    });
                }
                Ok(_) => {}
                Err(e) => result = Err(read_error(e)),
            }
        }
        let finished = result.and_then(|()| reader.finish().map_err(read_error));
        let (actual, got) = match finished {
            Ok(v) => v,
            Err(e) => {
                if !is_transient(&e) {
                    // Not worth resuming (a refused archive, a local error): leave nothing behind.
                    let _ = fs::remove_file(&partial);
                }
                return Err(e);
            }
        };
        if let Some(expected) = opened.total.filter(|t| got < *t) {
            return Err(Error::Truncated {
                url: archive.url.clone(),
                got,
                expected,
            });
        }
        if actual != archive.sha256 {
            fs::remove_file(&partial).ctx("remove", &partial)?;
            return Err(Error::ChecksumMismatch {
                url: archive.url.clone(),
                expected: archive.sha256.clone(),
                actual,
            });
        }
        crate::atomic::sync_file(&partial).ctx("sync", &partial)?;
        crate::atomic::rename_durably(&partial, &final_path)
            .ctx("rename into the cache", &final_path)?;
        Ok(Fetched::Network)
    }

    /// Makes sure the archive is in the cache (downloading and verifying it) and returns its path.
    pub(crate) fn fetch(&self, transport: &Transport, archive: &Archive) -> Result<PathBuf> {
        if let Some(path) = self.get(&archive.sha256) {
            return Ok(path);
        }
        self.stream(transport, archive, &mut |_| Ok(()))?;
        Ok(self.dir.join(&archive.sha256))
    }
}

/// Copies what is read into a file (the `.partial` download), flushing as it goes.
struct Tee<R> {
    inner: R,
    out: io::BufWriter<File>,
    path: PathBuf,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        // A full disk here is a local problem, not a transport one: report it as such.
        let local = |e: io::Error| TransportError::local_write(self.path.clone(), &e);
        if n == 0 {
            self.out.flush().map_err(local)?;
        } else {
            self.out.write_all(&buf[..n]).map_err(local)?;
        }
        Ok(n)
    }
}

/// Counts bytes and reports progress about every 256 KiB.
struct Counter<'a, R> {
    inner: R,
    bytes: u64,
    reported: u64,
    total: Option<u64>,
    url: &'a str,
    progress: &'a Option<ProgressFn>,
}

impl<R: Read> Read for Counter<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        if self.progress.is_some()
            && (self.bytes - self.reported >= 256 * 1024 || (n == 0 && self.bytes != self.reported))
        {
            self.reported = self.bytes;
            report(
                self.progress,
                Progress::Downloading {
                    url: self.url.to_string(),
                    bytes: self.bytes,
                    total: self.total,
                },
            );
        }
        Ok(n)
    }
}
