//! SHA-256 helpers: hashing while reading, hashing files, hex.

use std::io::{self, Read};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{IoContext, Result};

/// A reader that hashes and counts every byte that passes through it.
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> HashingReader<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// Reads what is left, then returns the hex digest of everything read and the byte count.
    pub fn finish(mut self) -> io::Result<(String, u64)> {
        Self::finish_ref(&mut self)
    }

    /// [`HashingReader::finish`] through a reference (the reader stays usable for nothing more).
    pub fn finish_ref(this: &mut Self) -> io::Result<(String, u64)> {
        io::copy(this, &mut io::sink())?;
        Ok((hex(&this.hasher.clone().finalize()), this.bytes))
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// A writer adapter that hashes and counts what is written.
pub(crate) struct HashingWriter<W> {
    pub(crate) inner: W,
    hasher: Sha256,
    pub(crate) bytes: u64,
}

impl<W: io::Write> HashingWriter<W> {
    pub(crate) fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    pub(crate) fn digest(&self) -> String {
        hex(&self.hasher.clone().finalize())
    }
}

impl<W: io::Write> io::Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The SHA-256 of a file, in lowercase hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let file = std::fs::File::open(path).ctx("open", path)?;
    let (digest, _) = HashingReader::new(file).finish().ctx("read", path)?;
    Ok(digest)
}

/// The SHA-256 of bytes, in lowercase hex.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}
