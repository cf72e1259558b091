//! One HTTP(S) download: the ureq agent and its timeouts, the request (a `Range` to resume,
//! the credential where the policy allows it), and the redirect loop, every hop checked by
//! the [`Policy`] and the number of hops bounded.

use std::time::Duration;

use super::body::BodyReader;
use super::classify::call_error;
use super::policy::Policy;
use super::resolve::TypedResolver;
use super::response::{interpret, Answer};
use super::Opened;
use crate::error::{Error, Result};

/// Redirects followed for one request before giving up.
pub(crate) const MAX_REDIRECTS: usize = 8;

/// A timeout at least this long (about a century) is no deadline at all: ureq adds the
/// timeout to an `Instant`, which panics past what the platform's clock can hold
/// (`Duration::MAX` does), while a century always fits.
const NO_DEADLINE_FROM: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// The deadline ureq is given for `timeout`: none for one of [`NO_DEADLINE_FROM`] or more.
fn deadline(timeout: Duration) -> Option<Duration> {
    (timeout < NO_DEADLINE_FROM).then_some(timeout)
}

/// Fetches `http://` and `https://` URLs with one agent, timeout and low-speed limit.
#[derive(Clone)]
pub(crate) struct HttpClient {
    agent: ureq::Agent,
    timeout: Duration,
    low_speed: u64,
}

impl HttpClient {
    /// `timeout` bounds connecting, waiting for the answer and each read, and is the
    /// low-speed watchdog's window; `low_speed` is in bytes per second (0: no watchdog). A
    /// timeout of a century or more (e.g. `Duration::MAX`) is no deadline.
    pub(crate) fn new(timeout: Duration, low_speed: u64) -> Self {
        let deadline = deadline(timeout);
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(deadline)
            .timeout_recv_response(deadline)
            .timeout_per_read(deadline)
            // Redirects are followed in `open`, one checked hop at a time.
            .max_redirects(0)
            .user_agent(concat!("xous-sysroot/", env!("CARGO_PKG_VERSION")))
            .build();
        let agent = ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::default(),
            TypedResolver::default(),
        );
        HttpClient {
            agent,
            timeout,
            low_speed,
        }
    }

    /// Sets the low-speed limit in bytes per second (0: none).
    pub(crate) fn with_low_speed(mut self, bytes_per_second: u64) -> Self {
        self.low_speed = bytes_per_second;
        self
    }

    /// One request for `url` from byte `offset`, without following anything.
    fn call(
        &self,
        policy: &Policy,
        url: &str,
        offset: u64,
    ) -> std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let mut request = self.agent.get(url);
        if offset > 0 {
            request = request.header("Range", &format!("bytes={offset}-"));
        }
        if let Some(authorization) = policy.authorization(url) {
            request = request.header("Authorization", &authorization);
        }
        request.call()
    }

    /// Opens `url` (already allowed by `policy`) from byte `offset`, following redirects
    /// that the policy allows, at most [`MAX_REDIRECTS`] of them.
    pub(crate) fn open(&self, policy: &Policy, url: String, offset: u64) -> Result<Opened> {
        let mut url = url;
        let mut offset = offset;
        let mut redirects = 0;
        loop {
            let response = self
                .call(policy, &url, offset)
                .map_err(|e| call_error(&url, e))?;
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let body = match interpret(&url, response.status().as_u16(), &header, offset)? {
                Answer::Redirect(location) => {
                    if redirects == MAX_REDIRECTS {
                        return Err(Error::TooManyRedirects {
                            target: crate::url::join(&url, &location),
                            url,
                            limit: MAX_REDIRECTS,
                        });
                    }
                    url = policy.redirect(&url, &location)?;
                    redirects += 1;
                    continue;
                }
                Answer::StartOver => {
                    offset = 0;
                    continue;
                }
                Answer::Body(body) => body,
            };
            let reader = BodyReader::new(
                response.into_body().into_reader(),
                url,
                self.low_speed,
                self.timeout,
                body.length,
            );
            return Ok(Opened {
                reader: Box::new(reader),
                offset: body.start,
                total: body.total,
                next: body.next,
            });
        }
    }
}

#[cfg(test)]
impl HttpClient {
    /// The agent, for tests that look at ureq's own errors.
    pub(crate) fn agent_for_tests(&self) -> &ureq::Agent {
        &self.agent
    }
}
