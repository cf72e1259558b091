//! What a failed request means, decided from the error's type (ureq's variant, the
//! `io::ErrorKind`, a rustls error inside, the resolver's [`NameNotResolved`]) and never from
//! its text: a host that could not be reached at all ([`Error::Unreachable`]: not worth another
//! try, the next source is tried at once) or a fault of the network ([`Error::Network`]: a
//! timeout, a cut connection, a protocol error; retried).

use std::io;

use super::resolve::NameNotResolved;
use crate::error::Error;

/// The error for a request to `url` that failed before a response arrived.
pub(crate) fn call_error(url: &str, e: ureq::Error) -> Error {
    let unreachable = is_unreachable(&e);
    let message = describe(e);
    let url = url.to_string();
    if unreachable {
        Error::Unreachable { url, message }
    } else {
        Error::Network { url, message }
    }
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
        ureq::Error::Other(other) => other.is::<NameNotResolved>(),
        ureq::Error::Io(io) => {
            is_tls(io)
                || matches!(
                    io.kind(),
                    io::ErrorKind::ConnectionRefused
                        | io::ErrorKind::HostUnreachable
                        | io::ErrorKind::NetworkUnreachable
                        | io::ErrorKind::AddrNotAvailable
                )
        }
        _ => false,
    }
}

/// Whether `io` carries a rustls error (a TLS handshake that failed).
fn is_tls(io: &io::Error) -> bool {
    #[cfg(feature = "https")]
    if io
        .get_ref()
        .is_some_and(|i| i.downcast_ref::<rustls::Error>().is_some())
    {
        return true;
    }
    let _ = io;
    false
}

/// What a failed request says, with TLS failures named as such (an `https://` URL for a plain
/// HTTP server otherwise shows only "received corrupt message") and a failed lookup as the
/// resolver put it.
fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::Io(io) if is_tls(&io) => format!(
            "TLS failed: {} (if the server speaks plain HTTP on this port, use an http:// URL)",
            io.get_ref().map_or_else(String::new, ToString::to_string)
        ),
        ureq::Error::Other(other) if other.is::<NameNotResolved>() => other.to_string(),
        e => e.to_string(),
    }
}

#[cfg(test)]
mod tests;
