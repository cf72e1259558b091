//! Which failures are worth another attempt, how many, and the loop that makes them with
//! exponential backoff, reporting each retry.

use std::time::Duration;

use crate::error::{Error, Result};
use crate::progress::{report, Progress, ProgressFn};

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

/// Runs `f` until it succeeds, fails for good, or `retries` are spent ([`retry_limit`]);
/// sleeps `backoff`, doubled after each attempt (up to 32 times it), between attempts.
pub(crate) fn with_retries<T>(
    retries: u32,
    backoff: Duration,
    progress: &Option<ProgressFn>,
    mut f: impl FnMut() -> Result<T>,
) -> Result<T> {
    let mut attempt = 1;
    loop {
        match f() {
            Err(e) if attempt <= retry_limit(&e, retries) => {
                attempt += 1;
                report(
                    progress,
                    Progress::Retrying {
                        error: e.to_string(),
                        attempt,
                    },
                );
                std::thread::sleep(backoff * 2u32.pow((attempt - 2).min(5)));
            }
            other => return other,
        }
    }
}
