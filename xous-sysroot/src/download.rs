//! Fetching what the installer needs: `https://`, loopback `http://`, `file://` and plain-path
//! URLs, with timeouts and retries. One layer per file: the URL and credential rules
//! ([`policy`]), one HTTP download with its redirect loop (`http`), what an answer means
//! (`response`), the body and its low-speed watchdog (`body`), name resolution and error
//! classification by type (`resolve`, `classify`), retries (`retry`), and the
//! content-addressed cache of verified archives (`cache`). This file ties them together.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::time::Duration;

mod body;
mod cache;
mod classify;
mod http;
mod policy;
mod resolve;
mod response;
mod retry;

pub(crate) use body::TransportError;
pub(crate) use cache::DownloadCache;
pub use policy::Location;
pub(crate) use retry::is_transient;

use crate::error::{Error, IoContext, Result};
use crate::progress::ProgressFn;
use http::HttpClient;
use policy::Policy;

/// Manifests, `.sha256` files and release listings larger than this are refused.
const SMALL_LIMIT: u64 = 64 << 20;

/// The default low-speed limit, bytes per second over a timeout window.
pub(crate) const DEFAULT_LOW_SPEED: u64 = 1024;

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

/// Fetches URLs with one set of timeouts, retry and security rules.
#[derive(Clone)]
pub(crate) struct Transport {
    http: HttpClient,
    policy: Policy,
    retries: u32,
    backoff: Duration,
    progress: Option<ProgressFn>,
}

impl Transport {
    pub(crate) fn new(
        timeout: Duration,
        retries: u32,
        allow_http: bool,
        progress: Option<ProgressFn>,
    ) -> Self {
        Transport {
            http: HttpClient::new(timeout, DEFAULT_LOW_SPEED),
            policy: Policy::new(allow_http),
            retries,
            backoff: Duration::from_millis(200),
            progress,
        }
    }

    /// Sends `token` as `Authorization: Bearer` to every request whose origin is that of
    /// `url`, and to no other (not across a redirect to another host, scheme or port).
    pub(crate) fn with_bearer(mut self, url: &str, token: String) -> Self {
        self.policy = self.policy.with_bearer(url, token);
        self
    }

    /// Sets the low-speed limit in bytes per second (0: none); see `body::BodyReader`.
    pub(crate) fn with_low_speed(mut self, bytes_per_second: u64) -> Self {
        self.http = self.http.with_low_speed(bytes_per_second);
        self
    }

    /// Runs `f` until it succeeds, fails for good, or the retries are spent ([`retry::retry_limit`]);
    /// sleeps with exponential backoff between attempts.
    pub(crate) fn with_retries<T>(&self, f: impl FnMut() -> Result<T>) -> Result<T> {
        retry::with_retries(self.retries, self.backoff, &self.progress, f)
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
        match self.policy.locate(url)? {
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
            Location::Http(url) => self.http.open(&self.policy, url, offset),
        }
    }
}
