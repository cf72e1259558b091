//! The GitHub release source: reading every page of a repository's release listing (with
//! `GITHUB_TOKEN` / `GH_TOKEN` sent to the API host only), choosing the release zip as a
//! maintainer of the Xous Rust fork would (published, uploaded, highest rebuild `X.Y.Z.N`),
//! and the hash it is checked against (the asset's `digest`, or the user's pin).

use serde::Deserialize;

use crate::download::Transport;
use crate::error::{Error, Result};
use crate::manifest::{is_sha256, Archive, ArchiveFormat};
use crate::source::{release_zip_name, Offer};
use crate::version::RustcVersion;

/// The variables holding a GitHub token, in the order they are read.
pub const TOKEN_VARS: [&str; 2] = ["GITHUB_TOKEN", "GH_TOKEN"];

/// Listing pages read at most (100 releases each, newest first).
const MAX_PAGES: usize = 20;

/// One release of the listing, with the fields the choice needs.
#[derive(Debug, Deserialize)]
struct Release {
    tag_name: String,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    prerelease: bool,
    #[serde(default)]
    published_at: Option<String>,
    #[serde(default)]
    assets: Vec<Asset>,
}

/// One asset of a release.
#[derive(Debug, Clone, Deserialize)]
struct Asset {
    name: String,
    browser_download_url: String,
    /// `uploaded` once complete; `starter` while an upload is under way or failed.
    #[serde(default)]
    state: String,
    /// `sha256:<hex>`, published by GitHub for newer assets (older ones have none).
    #[serde(default)]
    digest: Option<String>,
}

/// What the GitHub source offers for `version`: the zip of the highest rebuild.
pub(crate) fn resolve_github(
    api: &str,
    repo: &str,
    transport: &Transport,
    version: &RustcVersion,
    target: &str,
    pin: Option<&str>,
) -> Result<Vec<Offer>> {
    let first = format!("{api}/repos/{repo}/releases?per_page=100");
    let transport = match token()? {
        Some(token) => transport.clone().with_bearer(api, token),
        None => transport.clone(),
    };
    let mut releases = Vec::new();
    let mut next = Some(first.clone());
    for _ in 0..MAX_PAGES {
        let Some(url) = next.take() else { break };
        let (body, link) = transport.get_page(&url)?;
        let page: Vec<Release> =
            serde_json::from_slice(&body).map_err(|e| Error::InvalidManifest {
                url: url.clone(),
                message: e.to_string(),
            })?;
        releases.extend(page);
        if let Some(link) = &link {
            if crate::url::origin(link) != crate::url::origin(&first) {
                return Err(Error::InvalidManifest {
                    url,
                    message: format!(
                        "its next page '{link}' is on another host; refusing to follow it"
                    ),
                });
            }
        }
        next = link;
    }
    let name = release_zip_name(target, &version.release);
    let asset =
        choose(&releases, &version.release, &name).ok_or_else(|| Error::TargetNotOffered {
            url: format!(
                "{first} (asset '{name}', state 'uploaded', in a published release tagged \
                 '{0}' or '{0}.N')",
                version.release
            ),
            target: target.to_string(),
        })?;
    let digest = asset
        .digest
        .as_deref()
        .and_then(|d| d.strip_prefix("sha256:"))
        .filter(|h| is_sha256(h))
        .map(str::to_ascii_lowercase);
    let sha256 = match (digest, pin) {
        (Some(digest), Some(pin)) if digest != pin => {
            return Err(Error::ChecksumMismatch {
                url: format!("{} (its published digest)", asset.browser_download_url),
                expected: pin.to_string(),
                actual: digest,
            })
        }
        (Some(digest), _) => digest,
        (None, Some(pin)) => pin.to_string(),
        (None, None) => {
            return Err(Error::UnpinnedAsset {
                url: asset.browser_download_url.clone(),
            })
        }
    };
    Ok(vec![Offer {
        archive: Archive {
            url: asset.browser_download_url.clone(),
            sha256,
            format: ArchiveFormat::Zip,
        },
        rustc: version.release.clone(),
    }])
}

/// The first token found in [`TOKEN_VARS`].
fn token() -> Result<Option<String>> {
    for name in TOKEN_VARS {
        if let Some(token) = crate::env::var(name)? {
            return Ok(Some(token));
        }
    }
    Ok(None)
}

/// The asset named `name` of the best release for `release`: not a draft or prerelease,
/// uploaded, tagged `release` or `release.N` with the highest N as a number (then the latest
/// published).
fn choose<'a>(releases: &'a [Release], release: &str, name: &str) -> Option<&'a Asset> {
    releases
        .iter()
        .filter(|r| !r.draft && !r.prerelease)
        .filter_map(|r| {
            let rebuild = rebuild_number(&r.tag_name, release)?;
            let asset = r
                .assets
                .iter()
                .find(|a| a.name == name && a.state == "uploaded")?;
            Some(((rebuild, r.published_at.as_deref().unwrap_or("")), asset))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, asset)| asset)
}

/// N of a tag `<release>.N` (0 for the bare `<release>`); `None` for a tag of anything else.
fn rebuild_number(tag: &str, release: &str) -> Option<u64> {
    let rest = tag.strip_prefix(release)?;
    if rest.is_empty() {
        return Some(0);
    }
    let n = rest.strip_prefix('.')?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

#[cfg(test)]
mod tests;
