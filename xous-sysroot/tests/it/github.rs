//! The GitHub release source against a loopback stand-in for GitHub: one listener plays the
//! API host (and the `browser_download_url` host), a second one the asset host that downloads
//! are redirected to. Listings carry the real field set, several rebuilds of one release,
//! drafts, prereleases, an asset still uploading, a digest-less asset and a second page; the
//! zips are made by Debian's Info-ZIP `zip -r`, run as the fork's release workflow runs it.

use std::path::Path;
use std::process::Command;

use xous_sysroot::{Error, Mode, Rustc, Source};

mod site;

use site::{xtask_accepts, Site, OLD, REPO, REPO_ID};

use crate::support::server::{Fault, TestServer};
use crate::support::{synthetic_dist, RUSTC, TARGET};

/// `lib/libmarker.rlib` of an install: which zip it came from.
fn marker(sysroot: &xous_sysroot::Sysroot) -> String {
    std::fs::read_to_string(sysroot.target_dir().join("lib/libmarker.rlib")).unwrap()
}

#[test]
fn installs_the_highest_published_rebuild_through_a_redirect_to_the_asset_host() {
    let site = Site::new("1.96.0");
    let cache = site.tmp.path().join("cache");
    let i = site.installer("1.96.0", &cache);
    let s = i.install().unwrap();
    // Rebuild 10, not 9 (string order), nor the draft, prerelease or still-uploading ones.
    assert_eq!(marker(&s), "1.96.0.10");
    assert_eq!(
        std::fs::read_to_string(s.target_dir().join("RUST_VERSION")).unwrap(),
        "1.96.0\n"
    );
    i.verify().unwrap();
    // The download went to the API host's link and was redirected to the asset host.
    let asked = site
        .api
        .seen_requests("/1.96.0.10/riscv32imac-unknown-xous_1.96.0.zip");
    assert_eq!(asked.len(), 1);
    let served = site
        .assets
        .seen_requests("/riscv32imac-unknown-xous_1.96.0.zip");
    assert_eq!(served.len(), 1);
    assert_eq!(
        served[0].path,
        "/release-assets/103/riscv32imac-unknown-xous_1.96.0.zip"
    );
    assert!(served[0].query.as_deref().unwrap().contains("sig="));
    // Both pages were read, the second through its Link.
    let pages: Vec<_> = site
        .api
        .seen_requests("/releases")
        .into_iter()
        .map(|r| format!("{}?{}", r.path, r.query.unwrap_or_default()))
        .collect();
    assert_eq!(
        pages,
        [
            format!("/repos/{REPO}/releases?per_page=100"),
            format!("/repositories/{REPO_ID}/releases?per_page=100&page=2"),
        ]
    );
    // Without a token no credential is sent at all (the CLI test below sets one).
    if xous_sysroot_token_unset() {
        assert!(site
            .api
            .seen_requests("")
            .iter()
            .all(|r| r.header("authorization").is_none()));
    }
}

#[test]
fn a_digest_less_asset_is_refused_unless_pinned_and_then_checked_against_the_pin() {
    let site = Site::new("1.96.0");
    let cache = site.tmp.path().join("cache");
    let err = site.installer(OLD, &cache).install().unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::UnpinnedAsset { .. }), "{text}");
    assert!(
        text.contains("XOUS_SYSROOT_PIN_SHA256") && text.contains("sha256sum"),
        "{text}"
    );
    assert!(
        site.assets.seen_requests("").is_empty(),
        "downloaded anyway"
    );
    assert!(!cache.join("sysroots").exists());

    // A wrong pin: the bytes are fetched, found not to match, and nothing is kept.
    let wrong = "ab".repeat(32);
    let err = site
        .installer(OLD, &cache)
        .pin_sha256(&wrong)
        .install()
        .unwrap_err();
    assert!(
        matches!(&err, Error::ChecksumMismatch { expected, .. } if *expected == wrong),
        "{err}"
    );
    assert!(!cache
        .join("sysroots")
        .join(OLD)
        .join("lib/rustlib")
        .join(TARGET)
        .exists());
    let downloads: Vec<_> = std::fs::read_dir(cache.join("downloads"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(
        downloads
            .iter()
            .all(|n| n.to_string_lossy().ends_with(".lock")),
        "{downloads:?}"
    );

    // The right pin (what `sha256sum` prints; any case) installs it, from the second page.
    let pin = site.sha["1.90.0.1"].to_ascii_uppercase();
    let mut i = site.installer(OLD, &cache);
    i.pin_sha256(&pin);
    let s = i.install().unwrap();
    assert_eq!(marker(&s), "1.90.0.1");
    i.verify().unwrap();
}

#[test]
fn a_cached_zip_damaged_on_disk_is_a_local_mismatch_and_fetched_again() {
    let site = Site::new("1.96.0");
    let cache = site.tmp.path().join("cache");
    site.installer("1.96.0", &cache).install().unwrap();
    let cached = cache.join("downloads").join(&site.sha["1.96.0.10"]);
    let mut i = site.installer("1.96.0", &cache);
    i.force(true);
    // Not blamed on the release: a mismatch of the cached zip, which is removed.
    let bytes = crate::support::damage_cached(&cached, || i.install().unwrap_err());
    // Cut again: with a retry it is fetched again and installed.
    i.retries(1);
    assert_eq!(marker(&i.install().unwrap()), "1.96.0.10");
    assert_eq!(std::fs::read(&cached).unwrap(), bytes);
}

#[test]
fn a_pin_that_contradicts_the_published_digest_is_refused_before_downloading() {
    let site = Site::new("1.96.0");
    let cache = site.tmp.path().join("cache");
    let pin = site.sha["1.96.0.9"].clone(); // a real zip, but not the chosen rebuild
    let err = site
        .installer("1.96.0", &cache)
        .pin_sha256(&pin)
        .install()
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{text}");
    assert!(
        text.contains("published digest") && text.contains(&site.sha["1.96.0.10"]),
        "{text}"
    );
    assert!(site.assets.seen_requests("").is_empty());

    assert!(!cache.join("sysroots").exists() && !cache.join("downloads").exists());

    let fresh = site.tmp.path().join("fresh");
    let mut i = site.installer("1.96.0", &fresh);
    let err = i.pin_sha256("not-a-hash").install().unwrap_err();
    assert!(matches!(err, Error::InvalidPin { .. }), "{err}");
    assert!(!fresh.exists());
}

/// GitHub's answer to an unauthenticated client over its limit.
fn rate_limited() -> Fault {
    Fault::StatusWith(
        403,
        [
            ("x-ratelimit-limit", "60"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1780000000"),
            ("x-ratelimit-used", "60"),
            ("x-ratelimit-resource", "core"),
        ]
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .to_vec(),
    )
}

#[test]
fn a_rate_limit_names_the_reset_time_and_the_token_variable_and_the_next_source_is_tried() {
    let site = Site::new("1.96.0");
    let listing = format!("/repos/{REPO}/releases");
    site.api.fault_always(&listing, rate_limited());
    let cache = site.tmp.path().join("cache");
    let err = site.installer("1.96.0", &cache).install().unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::RateLimited { .. }), "{text}");
    assert!(
        text.contains("2026-05-28 20:26:40 UTC") && text.contains("GITHUB_TOKEN"),
        "{text}"
    );
    // Not retried: hammering a rate-limited API only extends the wait.
    assert_eq!(site.api.seen_requests(&listing).len(), 1);

    // With a dist server after it, the install succeeds from there.
    let dist = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(dist.path(), RUSTC, TARGET, 1000, false);
    let server = TestServer::start(root.path());
    let mut i = site.installer(RUSTC, &cache);
    i.sources(vec![site.source(), Source::DistServer(server.url())]);
    let s = i.install().unwrap();
    assert!(s.source.starts_with(&server.url()), "{}", s.source);

    // A secondary limit (429 with retry-after) is one too; a plain 403 is not.
    site.api.fault_always(
        &listing,
        Fault::StatusWith(429, vec![("retry-after".into(), "60".into())]),
    );
    let err = site
        .installer("1.96.0", &cache)
        .force(true)
        .install()
        .unwrap_err();
    assert!(err.to_string().contains("resets in 60 s"), "{err}");
    site.api.fault_always(&listing, Fault::Status(403));
    let err = site
        .installer("1.96.0", &cache)
        .force(true)
        .install()
        .unwrap_err();
    assert!(
        matches!(err, Error::HttpStatus { status: 403, .. }),
        "{err}"
    );
}

#[test]
fn every_redirect_hop_is_checked_and_the_number_of_hops_is_bounded() {
    let site = Site::new("1.96.0");
    let cache = site.tmp.path().join("cache");
    let download =
        format!("/{REPO}/releases/download/1.96.0.10/riscv32imac-unknown-xous_1.96.0.zip");
    let bounce = "/bounce/riscv32imac-unknown-xous_1.96.0.zip";
    // API host → asset host (allowed: loopback) → plain http to another host (refused).
    site.api.fault_always(
        &download,
        Fault::Redirect(format!("{}{bounce}", site.assets.url())),
    );
    site.assets.fault_always(
        bounce,
        Fault::Redirect("http://downloads.example.com/x.zip".into()),
    );
    let err = site.installer("1.96.0", &cache).install().unwrap_err();
    assert!(matches!(err, Error::InsecureUrl { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("http://downloads.example.com/x.zip"),
        "{err}"
    );

    // A redirect may not lead to a local file.
    site.assets
        .fault_always(bounce, Fault::Redirect("file:///etc/passwd".into()));
    let err = site.installer("1.96.0", &cache).install().unwrap_err();
    assert!(matches!(err, Error::UnsupportedUrl { .. }), "{err}");

    // A loop ends after a bounded number of hops.
    site.assets
        .fault_always(bounce, Fault::Redirect(bounce.into()));
    let err = site.installer("1.96.0", &cache).install().unwrap_err();
    assert!(err.to_string().contains("more than 8 redirects"), "{err}");
    // One request each for the refused redirects, then hops 1 to 8.
    assert_eq!(site.assets.seen_requests(bounce).len(), 1 + 1 + 8);
    assert!(!cache
        .join("sysroots/1.96.0/lib/rustlib")
        .join(TARGET)
        .exists());
}

#[test]
fn toolchain_mode_leaves_rust_version_as_xous_core_xtask_expects() {
    let rustc = Rustc::active();
    let release = rustc.version().unwrap().release;
    let site = Site::new(&release);
    let cache = site.tmp.path().join("cache");
    let sysroot = site.tmp.path().join("toolchain");
    let mut i = site.installer(&release, &cache);
    i.mode(Mode::Toolchain).sysroot(&sysroot);
    assert!(!xtask_accepts(&sysroot, rustc.program()));
    let s = i.install().unwrap();
    assert_eq!(s.path, sysroot);
    assert!(xtask_accepts(&sysroot, rustc.program()));
    assert_eq!(
        std::fs::read_to_string(s.target_dir().join("RUST_VERSION")).unwrap(),
        format!("{release}\n")
    );
    // The checker can refuse: another release in the file is a reinstall for the xtask.
    let other = site.tmp.path().join("other");
    let dir = other.join("lib/rustlib").join(TARGET);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("RUST_VERSION"), "1.0.0\n").unwrap();
    assert!(!xtask_accepts(&other, rustc.program()));
}

#[test]
fn a_component_install_gets_rust_version_too() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1000, false);
    let server = TestServer::start(root.path());
    let sysroot = tmp.path().join("toolchain");
    let mut i = crate::support::installer(&server.url(), &tmp.path().join("cache"));
    i.mode(Mode::Toolchain).sysroot(&sysroot);
    let s = i.install().unwrap();
    let file = s.target_dir().join("RUST_VERSION");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "1.96.0\n");
    // Recorded in the stamp like every installed file: damage to it is found.
    i.verify().unwrap();
    std::fs::write(&file, "1.95.0\n").unwrap();
    assert!(matches!(i.verify(), Err(Error::Damaged { .. })));
}

/// Whether neither token variable is set in this test process.
fn xous_sysroot_token_unset() -> bool {
    ["GITHUB_TOKEN", "GH_TOKEN"]
        .iter()
        .all(|v| std::env::var_os(v).is_none())
}

/// A token that appears nowhere else, to search output and requests for.
#[cfg(feature = "cli")]
const TOKEN: &str = "ghp_TestToken0123456789abcdefXyZ0123456789";

/// `xous-sysroot install <release>` against the site's GitHub only (no build from rust-src),
/// no token set.
#[cfg(feature = "cli")]
fn cli(site: &Site, repo: &str, cache: &Path, release: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xous-sysroot"));
    cmd.args([
        "install",
        release,
        "--no-smoke-test",
        "--no-build",
        "--retries",
        "0",
    ])
    .arg("--cache-dir")
    .arg(cache)
    .env("XOUS_SYSROOT_GITHUB_API", site.api.url())
    .env("XOUS_SYSROOT_GITHUB_REPO", repo);
    for var in [
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "XOUS_SYSROOT_DIST_SERVER",
        "XOUS_SYSROOT_PIN_SHA256",
        "XOUS_SYSROOT_OFFLINE",
        "CARGO_NET_OFFLINE",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Everything a run printed.
#[cfg(feature = "cli")]
fn printed(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[cfg(feature = "cli")]
#[test]
fn the_token_goes_to_the_api_host_only_and_is_never_printed() {
    let bearer = format!("Bearer {TOKEN}");
    let site = Site::new("1.96.0");
    let cache = site.tmp.path().join("cache");
    let out = cli(&site, REPO, &cache, "1.96.0")
        .env("GITHUB_TOKEN", TOKEN)
        .output()
        .unwrap();
    let text = printed(&out);
    assert!(out.status.success(), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    // Both pages of the listing carried it; the download (a link on the same host that
    // redirects to the asset host) did not, nor did anything on the asset host.
    let listing = site.api.seen_requests("/releases");
    assert_eq!(listing.len(), 2);
    assert!(listing
        .iter()
        .all(|r| r.header("authorization") == Some(bearer.as_str())));
    let downloads = site.api.seen_requests(".zip");
    assert_eq!(downloads.len(), 1);
    assert_eq!(downloads[0].header("authorization"), None);
    let assets = site.assets.seen_requests("");
    assert!(!assets.is_empty());
    assert!(assets.iter().all(|r| r.header("authorization").is_none()));

    // A renamed repository: the API redirects the listing to another host, which must not
    // see the token (GH_TOKEN, the GitHub CLI's variable, this time).
    let moved = "/repos/old-owner/rust/releases";
    let page = std::fs::read(site.tmp.path().join(format!("api/repos/{REPO}/releases"))).unwrap();
    let copy = site
        .tmp
        .path()
        .join(format!("assets/repos/{REPO}/releases"));
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    std::fs::write(&copy, page).unwrap();
    site.api.fault_always(
        moved,
        Fault::Redirect(format!(
            "{}/repos/{REPO}/releases?per_page=100",
            site.assets.url()
        )),
    );
    let out = cli(
        &site,
        "old-owner/rust",
        &site.tmp.path().join("cache2"),
        "1.96.0",
    )
    .env("GH_TOKEN", TOKEN)
    .output()
    .unwrap();
    let text = printed(&out);
    assert!(out.status.success(), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
    let asked = site.api.seen_requests(moved);
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].header("authorization"), Some(bearer.as_str()));
    let followed = site
        .assets
        .seen_requests(&format!("/repos/{REPO}/releases"));
    assert_eq!(followed.len(), 1);
    assert_eq!(followed[0].header("authorization"), None);

    // Errors do not show it either.
    site.api
        .fault_always(&format!("/repos/{REPO}/releases"), rate_limited());
    let out = cli(&site, REPO, &site.tmp.path().join("cache3"), "1.96.0")
        .env("GITHUB_TOKEN", TOKEN)
        .output()
        .unwrap();
    let text = printed(&out);
    assert!(!out.status.success());
    assert!(
        text.contains("rate limit") && text.contains("GITHUB_TOKEN"),
        "{text}"
    );
    assert!(!text.contains(TOKEN), "{text}");
}
