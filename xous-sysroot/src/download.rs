//! Transport and the download cache: fetching `https://`, loopback `http://`, `file://` and
//! plain-path URLs with timeouts and retries, redirects followed hop by hop under the same
//! rules (a bearer credential only ever sent to its own origin), and the content-addressed
//! cache of verified archives (`<sha256>`, written as `<sha256>.partial` while hashing,
//! resumed with `Range`).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::error::{Error, IoContext, Result};
use crate::hash::HashingReader;
use crate::lock::FileLock;
use crate::manifest::Archive;
use crate::progress::{report, Progress, ProgressFn};

/// Manifests, `.sha256` files and release listings larger than this are refused.
const SMALL_LIMIT: u64 = 64 << 20;

/// The default low-speed limit, bytes per second over a timeout window.
pub(crate) const DEFAULT_LOW_SPEED: u64 = 1024;

/// Redirects followed for one request before giving up.
const MAX_REDIRECTS: usize = 8;

/// Where a URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// Fetched over HTTP(S).
    Http(String),
    /// A local file (`file://` URL or a plain path).
    File(PathBuf),
}

impl Location {
    /// Classifies `url`; plain `http://` is refused unless the host is loopback or
    /// `allow_http` is set.
    pub fn parse(url: &str, allow_http: bool) -> Result<Self> {
        if let Some(rest) = url.strip_prefix("file://") {
            return Ok(Location::File(PathBuf::from(rest)));
        }
        if url.starts_with("https://") {
            if cfg!(feature = "https") {
                return Ok(Location::Http(url.to_string()));
            }
            return Err(Error::UnsupportedUrl {
                url: url.to_string(),
                reason: "this build of xous-sysroot has no HTTPS support (feature 'https')".into(),
            });
        }
        if let Some(rest) = url.strip_prefix("http://") {
            let authority = rest.split('/').next().unwrap_or_default();
            let host = match authority.strip_prefix('[') {
                Some(v6) => v6.split(']').next().unwrap_or_default(),
                None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
            };
            let loopback = host == "localhost"
                || host == "::1"
                || host
                    .parse::<std::net::Ipv4Addr>()
                    .is_ok_and(|ip| ip.is_loopback());
            if loopback || allow_http {
                return Ok(Location::Http(url.to_string()));
            }
            return Err(Error::InsecureUrl {
                url: url.to_string(),
            });
        }
        if url.contains("://") {
            return Err(Error::UnsupportedUrl {
                url: url.to_string(),
                reason: "only https://, http:// (loopback), file:// and paths are supported".into(),
            });
        }
        Ok(Location::File(PathBuf::from(url)))
    }
}

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
    /// The [`Error::Network`] (or, for a failed local write, [`Error::Io`]) inside `e`, if `e`
    /// came from a transport.
    pub(crate) fn from_io(e: &io::Error) -> Option<Error> {
        let t = e.get_ref()?.downcast_ref::<TransportError>()?;
        Some(match &t.local_write {
            Some((path, kind)) => Error::Io {
                action: "write the download to",
                path: path.clone(),
                source: io::Error::new(*kind, t.message.clone()),
            },
            None => Error::Network {
                url: t.url.clone(),
                message: t.message.clone(),
            },
        })
    }
}

/// Tags every read error of a response body as a transport error, and fails a body that
/// trickles in slower than the low-speed limit over a whole window (curl's `--speed-limit`).
struct BodyReader<R> {
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

/// An opened download: the body from `offset` on.
pub(crate) struct Opened {
    pub reader: Box<dyn Read + Send>,
    /// Where the body starts: the requested offset if honoured, else 0.
    pub offset: u64,
    /// The full length of the resource, when known.
    pub total: Option<u64>,
    /// The `rel="next"` URL of the response's `Link` header (a paginated listing).
    pub next: Option<String>,
}

/// A bearer token and the one origin (`scheme://host:port`) it may be sent to.
#[derive(Clone)]
pub(crate) struct Bearer {
    origin: String,
    token: String,
}

impl std::fmt::Debug for Bearer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Bearer {{ origin: {:?}, token: <redacted> }}",
            self.origin
        )
    }
}

/// Fetches URLs with one set of timeouts, retry and security rules.
#[derive(Clone)]
pub(crate) struct Transport {
    agent: ureq::Agent,
    timeout: Duration,
    low_speed: u64,
    allow_http: bool,
    retries: u32,
    backoff: Duration,
    progress: Option<ProgressFn>,
    bearer: Option<Bearer>,
}

impl Transport {
    pub(crate) fn new(
        timeout: Duration,
        retries: u32,
        allow_http: bool,
        progress: Option<ProgressFn>,
    ) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(timeout))
            .timeout_recv_response(Some(timeout))
            .timeout_per_read(Some(timeout))
            // Redirects are followed in `open`, one checked hop at a time.
            .max_redirects(0)
            .user_agent(concat!("xous-sysroot/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Transport {
            agent,
            timeout,
            low_speed: DEFAULT_LOW_SPEED,
            allow_http,
            retries,
            backoff: Duration::from_millis(200),
            progress,
            bearer: None,
        }
    }

    /// Sends `token` as `Authorization: Bearer` to every request whose origin is that of
    /// `url`, and to no other (not across a redirect to another host, scheme or port).
    pub(crate) fn with_bearer(mut self, url: &str, token: String) -> Self {
        self.bearer = crate::url::origin(url).map(|origin| Bearer { origin, token });
        self
    }

    /// Sets the low-speed limit in bytes per second (0: none); see [`BodyReader`].
    pub(crate) fn with_low_speed(mut self, bytes_per_second: u64) -> Self {
        self.low_speed = bytes_per_second;
        self
    }

    /// Runs `f` until it succeeds, fails for good, or the retries are spent; sleeps with
    /// exponential backoff between attempts.
    pub(crate) fn with_retries<T>(&self, mut f: impl FnMut() -> Result<T>) -> Result<T> {
        let mut attempt = 1;
        loop {
            match f() {
                Err(e) if attempt <= self.retries && is_transient(&e) => {
                    attempt += 1;
                    report(
                        &self.progress,
                        Progress::Retrying {
                            error: e.to_string(),
                            attempt,
                        },
                    );
                    std::thread::sleep(self.backoff * 2u32.pow((attempt - 2).min(5)));
                }
                other => return other,
            }
        }
    }

    /// Fetches a small document (manifest, `.sha256`, release listing) into memory, with retries.
    pub(crate) fn get_small(&self, url: &str) -> Result<Vec<u8>> {
        self.get_page(url).map(|(body, _)| body)
    }

    /// [`Transport::get_small`], with the `rel="next"` URL of a paginated listing.
    pub(crate) fn get_page(&self, url: &str) -> Result<(Vec<u8>, Option<String>)> {
        self.with_retries(|| {
            let opened = self.open(url, 0)?;
            let mut out = Vec::new();
            opened
                .reader
                .take(SMALL_LIMIT + 1)
                .read_to_end(&mut out)
                .map_err(|e| {
                    TransportError::from_io(&e).unwrap_or(Error::Network {
                        url: url.to_string(),
                        message: e.to_string(),
                    })
                })?;
            if out.len() as u64 > SMALL_LIMIT {
                return Err(Error::Network {
                    url: url.to_string(),
                    message: format!("the document is larger than {SMALL_LIMIT} bytes"),
                });
            }
            if let Some(total) = opened.total.filter(|t| *t != out.len() as u64) {
                return Err(Error::Truncated {
                    url: url.to_string(),
                    got: out.len() as u64,
                    expected: total,
                });
            }
            Ok((out, opened.next))
        })
    }

    /// Opens `url` for reading from `offset` (a `Range` request over HTTP; servers that
    /// ignore it answer from 0, reported in [`Opened::offset`]).
    pub(crate) fn open(&self, url: &str, offset: u64) -> Result<Opened> {
        match Location::parse(url, self.allow_http)? {
            Location::File(path) => {
                let mut file = File::open(&path).ctx("open", &path)?;
                let total = file.metadata().ctx("stat", &path)?.len();
                let offset = offset.min(total);
                file.seek(SeekFrom::Start(offset)).ctx("seek", &path)?;
                Ok(Opened {
                    reader: Box::new(file),
                    offset,
                    total: Some(total),
                    next: None,
                })
            }
            Location::Http(url) => self.open_http(url, offset, 0),
        }
    }

    /// One HTTP request; a redirect is checked like a URL given by the user (https, or http
    /// where allowed) and followed as a new request, `hop` counting them.
    fn open_http(&self, url: String, offset: u64, hop: usize) -> Result<Opened> {
        let mut request = self.agent.get(&url);
        if offset > 0 {
            request = request.header("Range", &format!("bytes={offset}-"));
        }
        if let Some(bearer) = &self.bearer {
            if crate::url::origin(&url).as_ref() == Some(&bearer.origin) {
                request = request.header("Authorization", &format!("Bearer {}", bearer.token));
            }
        }
        let network = |message: String| Error::Network {
            url: url.clone(),
            message,
        };
        let response = request
            .call()
            .map_err(|e| network(describe_call_error(e)))?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        if matches!(status, 301 | 302 | 303 | 307 | 308) {
            let location = header("location")
                .ok_or_else(|| network(format!("HTTP {status} redirect without a Location")))?;
            if hop >= MAX_REDIRECTS {
                return Err(network(format!(
                    "more than {MAX_REDIRECTS} redirects (the last to '{location}')"
                )));
            }
            let next = crate::url::join(&url, &location);
            return match Location::parse(&next, self.allow_http)? {
                        Location::Http(next) => self.open_http(next, offset, hop + 1),
                        Location::File(_) => Err(Error::UnsupportedUrl {
                            url: next,
                            reason: format!("'{url}' redirects to it; a redirect may only lead to https:// (or http:// where allowed)"),
                        }),
                    };
        }
        if let Some(resets) = rate_limit(status, &header) {
            return Err(Error::RateLimited {
                url: url.clone(),
                resets,
            });
        }
        let length: Option<u64> = header("content-length").and_then(|v| v.parse().ok());
        let (start, total) = match status {
            200 => (0, length),
            206 if offset > 0 => {
                // "bytes <start>-<end>/<total>"
                let range = header("content-range").unwrap_or_default();
                let spec = range.strip_prefix("bytes ").unwrap_or_default();
                let start = spec.split('-').next().and_then(|s| s.parse::<u64>().ok());
                let total = spec.rsplit('/').next().and_then(|s| s.parse::<u64>().ok());
                if start != Some(offset) {
                    return Err(network(format!(
                        "bad Content-Range '{range}' for a request from byte {offset}"
                    )));
                }
                (offset, total.or(length.map(|l| l + offset)))
            }
            416 if offset > 0 => {
                // The partial file is already as long as (or longer than) the resource:
                // start over and let the hash decide.
                return self.open_http(url.clone(), 0, hop);
            }
            _ => {
                return Err(Error::HttpStatus {
                    url: url.clone(),
                    status,
                })
            }
        };
        let next = header("link").and_then(|l| crate::url::next_link(&l));
        let reader = BodyReader {
            inner: response.into_body().into_reader(),
            url: url.clone(),
            low_speed: self.low_speed,
            window: self.timeout,
            window_start: Instant::now(),
            window_bytes: 0,
            received: 0,
            announced: length,
        };
        Ok(Opened {
            reader: Box::new(reader),
            offset: start,
            total,
            next,
        })
    }
}

/// When a `403` or `429` is a rate limit, when it resets (`at <UTC time>` from GitHub's
/// `x-ratelimit-reset`, else `in <n> s` from `retry-after`).
fn rate_limit(status: u16, header: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if status != 403 && status != 429 {
        return None;
    }
    let exhausted = header("x-ratelimit-remaining").is_some_and(|v| v.trim() == "0");
    let retry_after = header("retry-after");
    if status == 403 && !exhausted && retry_after.is_none() {
        return None; // a plain "forbidden"
    }
    let reset = header("x-ratelimit-reset").and_then(|v| v.trim().parse::<u64>().ok());
    let wait = retry_after.and_then(|v| v.trim().parse::<u64>().ok());
    Some(match (reset, wait) {
        (Some(at), _) => format!("at {}", crate::text::utc_time(at)),
        (None, Some(secs)) => format!("in {secs} s (retry-after)"),
        (None, None) => "at a time the server did not state".into(),
    })
}

/// What a failed request says, with TLS failures named as such (an `https://` URL for a plain
/// HTTP server otherwise shows only "received corrupt message").
fn describe_call_error(e: ureq::Error) -> String {
    #[cfg(feature = "https")]
    if let ureq::Error::Io(io) = &e {
        if let Some(tls) = io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
            return format!(
                "TLS failed: {tls} (if the server speaks plain HTTP on this port, use an http:// URL)"
            );
        }
    }
    e.to_string()
}

/// Errors worth another attempt: the network, a cut body, a server error, a hash mismatch
/// (a corrupted transfer or a cache file that went bad).
pub(crate) fn is_transient(e: &Error) -> bool {
    match e {
        Error::Network { .. } | Error::Truncated { .. } | Error::ChecksumMismatch { .. } => true,
        Error::HttpStatus { status, .. } => *status >= 500 || *status == 408,
        _ => false,
    }
}

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
            sink(&mut reader)?;
            let (actual, _) = reader.finish().ctx("read", &final_path)?;
            if actual != archive.sha256 {
                fs::remove_file(&final_path).ctx("remove", &final_path)?;
                return Err(Error::ChecksumMismatch {
                    url: final_path.display().to_string(),
                    expected: archive.sha256.clone(),
                    actual,
                });
            }
            return Ok(Fetched::Cache);
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
        let mut result = sink(&mut reader);
        if let Err(Error::CorruptArchive { .. } | Error::UnsafeArchive { .. }) = &result {
            // Was it the transfer? Read the rest: if the hash is wrong, say so (and retry).
            if let Ok((actual, _)) = HashingReader::finish_ref(&mut reader) {
                if actual != archive.sha256 {
                    let _ = fs::remove_file(&partial);
                    result = Err(Error::ChecksumMismatch {
                        url: archive.url.clone(),
                        expected: archive.sha256.clone(),
                        actual,
                    });
                }
            }
        }
        let finished = result.and_then(|()| {
            reader.finish().map_err(|e| {
                TransportError::from_io(&e).unwrap_or(Error::Io {
                    action: "download into",
                    path: partial.clone(),
                    source: e,
                })
            })
        });
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
        fs::rename(&partial, &final_path).ctx("rename into the cache", &final_path)?;
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
        let local = |e: io::Error| {
            io::Error::other(TransportError {
                url: String::new(),
                message: e.to_string(),
                local_write: Some((self.path.clone(), e.kind())),
            })
        };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_urls() {
        assert!(matches!(
            Location::parse("http://127.0.0.1:80/x", false),
            Ok(Location::Http(_))
        ));
        assert!(matches!(
            Location::parse("http://localhost/x", false),
            Ok(Location::Http(_))
        ));
        assert!(matches!(
            Location::parse("http://[::1]:8/x", false),
            Ok(Location::Http(_))
        ));
        assert!(matches!(
            Location::parse("http://example.com/x", false),
            Err(Error::InsecureUrl { .. })
        ));
        assert!(matches!(
            Location::parse("http://127.0.0.1.example.com/x", false),
            Err(Error::InsecureUrl { .. })
        ));
        assert!(matches!(
            Location::parse("http://example.com/x", true),
            Ok(Location::Http(_))
        ));
        assert_eq!(
            Location::parse("file:///tmp/d", false).unwrap(),
            Location::File("/tmp/d".into())
        );
        assert_eq!(
            Location::parse("some/dir", false).unwrap(),
            Location::File("some/dir".into())
        );
        assert!(matches!(
            Location::parse("ftp://h/x", false),
            Err(Error::UnsupportedUrl { .. })
        ));
    }
}
