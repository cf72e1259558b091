//! The download policy, apart from any I/O: which URLs may be fetched (`https://`; plain
//! `http://` only to loopback unless allowed; `file://` and paths only when given directly,
//! never through a redirect) and which requests carry the bearer credential (those to its own
//! origin, and no other).

use std::path::PathBuf;

use crate::error::{Error, Result};

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
            if is_loopback(rest) || allow_http {
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

/// Whether the authority at the start of `rest` (what follows `http://`) names the loopback
/// interface: `localhost`, `[::1]` or an IPv4 loopback address, with any port.
fn is_loopback(rest: &str) -> bool {
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A bearer token and the one origin (`scheme://host:port`) it may be sent to.
#[derive(Clone)]
struct Bearer {
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

/// The rules one transport applies to every URL it is given or redirected to.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    allow_http: bool,
    bearer: Option<Bearer>,
}

impl Policy {
    /// Fetches `https://`, loopback `http://` (any `http://` if `allow_http`), files and
    /// paths; sends no credential.
    pub(crate) fn new(allow_http: bool) -> Self {
        Policy {
            allow_http,
            bearer: None,
        }
    }

    /// Sends `token` as `Authorization: Bearer` to every request whose origin is that of
    /// `url`, and to no other (not across a redirect to another host, scheme or port).
    pub(crate) fn with_bearer(mut self, url: &str, token: String) -> Self {
        self.bearer = crate::url::origin(url).map(|origin| Bearer { origin, token });
        self
    }

    /// Where a URL given to the transport points, if it may be fetched at all.
    pub(crate) fn locate(&self, url: &str) -> Result<Location> {
        Location::parse(url, self.allow_http)
    }

    /// The URL a redirect from `from` with this `Location` header leads to, checked like a URL
    /// given by the user, and refused if it leads to a local file.
    pub(crate) fn redirect(&self, from: &str, location: &str) -> Result<String> {
        let next = crate::url::join(from, location);
        match self.locate(&next)? {
            Location::Http(next) => Ok(next),
            Location::File(_) => Err(Error::UnsupportedUrl {
                url: next,
                reason: format!(
                    "'{from}' redirects to it; a redirect may only lead to https:// (or http:// \
                     where allowed)"
                ),
            }),
        }
    }

    /// The `Authorization` header value for a request to `url`: the bearer credential if `url`
    /// has its origin, else nothing.
    pub(crate) fn authorization(&self, url: &str) -> Option<String> {
        let bearer = self.bearer.as_ref()?;
        (crate::url::origin(url).as_deref() == Some(bearer.origin.as_str()))
            .then(|| format!("Bearer {}", bearer.token))
    }
}

#[cfg(test)]
mod tests;
