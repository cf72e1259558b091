//! What an HTTP answer means for a download, from its status and headers alone: a redirect to
//! follow, a range to start over without, a rate limit, an error status, or a body and where it
//! starts (`Content-Range` of a resumed download), how long the resource is, and the next page
//! of a listing (`Link: rel="next"`).

use crate::error::{Error, Result};

/// A response's verdict.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// A redirect, with its `Location` value as sent (not yet joined or checked).
    Redirect(String),
    /// `416` to a request from a non-zero offset: the partial file is already as long as (or
    /// longer than) the resource; start over from 0 and let the hash decide.
    StartOver,
    /// The body follows.
    Body(Body),
}

/// Where a body starts and what the server said about its length.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Body {
    /// The requested offset if honoured (`206`), else 0.
    pub start: u64,
    /// The full length of the resource, when known.
    pub total: Option<u64>,
    /// The `Content-Length` of this response.
    pub length: Option<u64>,
    /// The `rel="next"` URL of the `Link` header.
    pub next: Option<String>,
}

/// Interprets the answer of `url` with this `status` and `header` lookup (names lowercase) to
/// a request from byte `offset`.
pub(crate) fn interpret(
    url: &str,
    status: u16,
    header: &dyn Fn(&str) -> Option<String>,
    offset: u64,
) -> Result<Answer> {
    let network = |message: String| Error::Network {
        url: url.to_string(),
        message,
    };
    if matches!(status, 301 | 302 | 303 | 307 | 308) {
        let location = header("location")
            .ok_or_else(|| network(format!("HTTP {status} redirect without a Location")))?;
        return Ok(Answer::Redirect(location));
    }
    if let Some(resets) = rate_limit(status, header) {
        return Err(Error::RateLimited {
            url: url.to_string(),
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
        416 if offset > 0 => return Ok(Answer::StartOver),
        _ => {
            return Err(Error::HttpStatus {
                url: url.to_string(),
                status,
            })
        }
    };
    Ok(Answer::Body(Body {
        start,
        total,
        length,
        next: header("link").and_then(|l| crate::url::next_link(&l)),
    }))
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

#[cfg(test)]
mod tests;
