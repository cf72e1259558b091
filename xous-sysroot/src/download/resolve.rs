//! Name resolution for the HTTP agent: ureq's own resolver, with a failed lookup handed back as
//! its own error type, [`NameNotResolved`]. The standard library reports a lookup failure as an
//! uncategorised `io::Error` that only its text tells apart; wrapped here, where it can only
//! have come from the lookup, the classification can go by the type.

use std::io;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// A host name that did not resolve.
#[derive(Debug)]
pub(crate) struct NameNotResolved {
    /// `host:port` as looked up.
    host: String,
    error: io::Error,
}

impl std::fmt::Display for NameNotResolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the host name '{}' does not resolve: {}",
            self.host, self.error
        )
    }
}

/// No `source()`: the message already holds the lookup's error (the crate's convention, so
/// that a chain printer shows it once).
impl std::error::Error for NameNotResolved {}

/// ureq's [`DefaultResolver`], its I/O errors (the failed lookup) turned into
/// [`NameNotResolved`].
#[derive(Debug, Default)]
pub(crate) struct TypedResolver(DefaultResolver);

impl Resolver for TypedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        self.0.resolve(uri, config, timeout).map_err(|e| match e {
            ureq::Error::Io(source) => ureq::Error::Other(Box::new(NameNotResolved {
                host: uri
                    .authority()
                    .map_or_else(|| uri.to_string(), |a| a.to_string()),
                error: source,
            })),
            other => other,
        })
    }

    fn empty(&self) -> ResolvedSocketAddrs {
        self.0.empty()
    }
}
