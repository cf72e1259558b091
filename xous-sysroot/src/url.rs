//! The few URL operations the transport needs, on plain strings: a URL's origin (where a
//! credential may go), the target of a redirect's `Location`, and the `rel="next"` page of a
//! `Link` header.

/// `scheme://authority` of an absolute URL, lowercased, or `None` for anything else.
pub(crate) fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return None;
    }
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    if authority.is_empty() {
        return None;
    }
    Some(format!("{scheme}://{authority}").to_ascii_lowercase())
}

/// Where a redirect from `base` with this `Location` value leads: absolute, scheme-relative
/// (`//host/…`), absolute-path (`/…`) or path-relative.
pub(crate) fn join(base: &str, location: &str) -> String {
    let location = location.trim();
    let scheme_end = location.find(':').filter(|&i| {
        let scheme = &location[..i];
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if scheme_end.is_some() {
        return location.to_string(); // absolute, whatever the scheme: the caller checks it
    }
    let scheme = base.split_once("://").map_or("https", |(s, _)| s);
    if let Some(rest) = location.strip_prefix("//") {
        return format!("{scheme}://{rest}");
    }
    let base_origin = origin(base).unwrap_or_default();
    if location.starts_with('/') {
        return format!("{base_origin}{location}");
    }
    let path = base
        .split_once("://")
        .map(|(_, rest)| &rest[rest.find('/').unwrap_or(rest.len())..])
        .unwrap_or_default();
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
    format!("{base_origin}{dir}/{location}")
}

/// The URL of the `rel="next"` link in an RFC 8288 `Link` header value, if there is one.
pub(crate) fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|link| {
        let (target, params) = link.trim().strip_prefix('<')?.split_once('>')?;
        params
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .any(|(name, value)| {
                name.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_matches('"')
                        .split_whitespace()
                        .any(|rel| rel.eq_ignore_ascii_case("next"))
            })
            .then(|| target.trim().to_string())
    })
}

#[cfg(test)]
mod tests;
