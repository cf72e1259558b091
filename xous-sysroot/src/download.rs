//! Transport and the download cache: fetching `https://`, loopback `http://`, `file://` and
//! plain-path URLs with timeouts and retries, redirects followed hop by hop under the same
//! rules (a bearer credential only ever sent to its own origin); [`cache`] holds the
//! content-addressed cache of verified archives.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::time::{Duration, Instant};

mod cache;

pub(crate) use cache::DownloadCache;

use crate::error::{Error, IoContext, Result};
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

    /// Runs `f` until it succeeds, fails for good, or the retries are spent ([`retry_limit`]);
    /// sleeps with exponential backoff between attempts.
    pub(crate) fn with_retries<T>(&self, mut f: impl FnMut() -> Result<T>) -> Result<T> {
        let mut attempt = 1;
        loop {
            match f() {
                Err(e) if attempt <= retry_limit(&e, self.retries) => {
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
        let response = request.call().map_err(|e| {
            if is_unreachable(&e) {
                Error::Unreachable {
                    url: url.clone(),
                    message: describe_call_error(e),
                }
            } else {
                network(describe_call_error(e))
            }
        })?;
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

/// Whether a failed request never reached a server: the name does not resolve, the
/// connection was refused or has no route, or TLS failed. Trying again in a moment will not
/// change that, unlike a timeout or a server error.
fn is_unreachable(e: &ureq::Error) -> bool {
    match e {
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => true,
        ureq::Error::Tls(_) | ureq::Error::TlsRequired => true,
        #[cfg(feature = "https")]
        ureq::Error::Rustls(_) => true,
        ureq::Error::Io(io) => {
            #[cfg(feature = "https")]
            if io
                .get_ref()
                .is_some_and(|i| i.downcast_ref::<rustls::Error>().is_some())
            {
                return true;
            }
            matches!(
                io.kind(),
                io::ErrorKind::ConnectionRefused
                    | io::ErrorKind::HostUnreachable
                    | io::ErrorKind::NetworkUnreachable
                    | io::ErrorKind::AddrNotAvailable
            ) || io
                .to_string()
                .starts_with("failed to lookup address information")
        }
        _ => false,
    }
}

/// Errors worth another attempt: the network, a cut body, a server error, a hash mismatch
/// (a corrupted transfer or a cache file that went bad). Not an unreachable host.
pub(crate) fn is_transient(e: &Error) -> bool {
    match e {
        Error::Network { .. } | Error::Truncated { .. } | Error::ChecksumMismatch { .. } => true,
        Error::HttpStatus { status, .. } => *status >= 500 || *status == 408,
        _ => false,
    }
}

/// How many extra attempts `e` is worth, given the configured `retries`: all of them for a
/// transient fault (timeouts, cut bodies, 5xx), at most one for a checksum mismatch (a
/// corrupted transfer is retried; a source that serves the wrong bytes twice is not), none for
/// anything else (an unreachable host fails its source at once).
pub(crate) fn retry_limit(e: &Error, retries: u32) -> u32 {
    match e {
        Error::ChecksumMismatch { .. } => retries.min(1),
        e if is_transient(e) => retries,
        _ => 0,
    }
}

#[cfg(test)]
mod tests;
