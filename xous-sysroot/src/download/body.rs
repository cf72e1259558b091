//! A response body as it is read: every read error tagged as a transport failure (so that
//! readers further down the pipe hand it back intact), and the low-speed watchdog that fails a
//! body trickling in slower than a limit over a whole window (curl's `--speed-limit`).

use std::io::{self, Read};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::error::Error;

/// A failure of the transport while a body is being read, carried through `io::Error` so
/// that readers further down the pipe (decompressor, unpacker) can hand it back intact.
#[derive(Debug, Clone)]
pub(crate) struct TransportError {
    url: String,
    message: String,
    /// Set when the failure was writing the local copy (e.g. a full disk), not the network.
    local_write: Option<(PathBuf, io::ErrorKind)>,
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for TransportError {}

impl TransportError {
    /// A failed write of the local copy at `path` (e.g. a full disk): a local problem, not a
    /// transport one, and reported as such.
    pub(crate) fn local_write(path: PathBuf, e: &io::Error) -> io::Error {
        io::Error::other(TransportError {
            url: String::new(),
            message: e.to_string(),
            local_write: Some((path, e.kind())),
        })
    }

    /// The [`Error::Network`] (or, for a failed local write, [`Error::Io`]) inside `e`, if `e`
    /// came from a transport.
    pub(crate) fn from_io(e: &io::Error) -> Option<Error> {
        let t = e.get_ref()?.downcast_ref::<TransportError>()?;
        Some(match &t.local_write {
            Some((path, kind)) => Error::Io {
                action: "write the download to",
                path: path.clone(),
                error: io::Error::new(*kind, t.message.clone()),
            },
            None => Error::Network {
                url: t.url.clone(),
                message: t.message.clone(),
            },
        })
    }
}

/// Tags every read error of a response body as a transport error, and fails a body that
/// trickles in slower than the low-speed limit over a whole window.
pub(crate) struct BodyReader<R> {
    inner: R,
    url: String,
    /// Bytes per second below which a window fails (0: never).
    low_speed: u64,
    window: Duration,
    window_start: Instant,
    window_bytes: u64,
    /// Body bytes received so far, and how many were announced.
    received: u64,
    announced: Option<u64>,
}

impl<R: Read> BodyReader<R> {
    /// Reads the body of `url`, of which the server `announced` this many bytes, failing a
    /// window of length `window` that brings fewer than `low_speed` bytes per second.
    pub(crate) fn new(
        inner: R,
        url: String,
        low_speed: u64,
        window: Duration,
        announced: Option<u64>,
    ) -> Self {
        BodyReader {
            inner,
            url,
            low_speed,
            window,
            window_start: Instant::now(),
            window_bytes: 0,
            received: 0,
            announced,
        }
    }

    fn fail(&self, message: String) -> io::Error {
        io::Error::other(TransportError {
            url: self.url.clone(),
            message,
            local_write: None,
        })
    }
}

impl<R: Read> Read for BodyReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                // ureq says "Peer disconnected" for a FIN and a RST alike: say where it happened.
                let of = self
                    .announced
                    .map(|t| format!(" of {t}"))
                    .unwrap_or_default();
                self.fail(format!(
                    "the connection was closed or reset after {}{of} bytes of the body ({e})",
                    self.received
                ))
            } else {
                self.fail(e.to_string())
            }
        })?;
        self.received += n as u64;
        self.window_bytes += n as u64;
        let elapsed = self.window_start.elapsed();
        if self.low_speed > 0 && elapsed >= self.window {
            if (self.window_bytes as f64) < self.low_speed as f64 * elapsed.as_secs_f64() {
                return Err(self.fail(format!(
                    "the transfer is too slow: {} bytes in the last {:.1} s, below the low-speed \
                     limit of {} bytes/s",
                    self.window_bytes,
                    elapsed.as_secs_f64(),
                    self.low_speed
                )));
            }
            self.window_start = Instant::now();
            self.window_bytes = 0;
        }
        Ok(n)
    }
}
