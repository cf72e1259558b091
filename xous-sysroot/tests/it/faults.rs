//! Faults injected by the server: every one gives a clear error (or a recovery) and leaves
//! no install behind.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use xous_sysroot::{Error, InstallStatus};

use crate::support::server::{Fault, TestServer};
use crate::support::{damage_cached, installer, snapshot, synthetic_dist, url_path, RUSTC, TARGET};

struct Fixture {
    tmp: tempfile::TempDir,
    server: TestServer,
    xz_path: String,
    manifest_path: String,
}

fn fixture(size: usize) -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let (root, published) = synthetic_dist(tmp.path(), RUSTC, TARGET, size, false);
    let server = TestServer::start(root.path());
    Fixture {
        xz_path: url_path(&root, &published.xz.0),
        manifest_path: url_path(&root, &published.manifest),
        server,
        tmp,
    }
}

impl Fixture {
    fn cache(&self) -> std::path::PathBuf {
        self.tmp.path().join("cache")
    }
    /// An installer with `retries`, and the errors of the attempts it retried.
    fn retrying(&self, retries: u32) -> (xous_sysroot::Installer, Arc<Mutex<Vec<String>>>) {
        let errors = Arc::new(Mutex::new(Vec::new()));
        let seen = errors.clone();
        let mut i = installer(&self.server.url(), &self.cache());
        i.retries(retries).progress(move |p| {
            if let xous_sysroot::Progress::Retrying { error, .. } = p {
                seen.lock().unwrap().push(error.clone());
            }
        });
        (i, errors)
    }
    fn installed(&self) -> bool {
        self.cache()
            .join("sysroots/1.96.0-ac68faa20/lib/rustlib")
            .join(TARGET)
            .exists()
    }
}

#[test]
fn manifest_not_matching_its_sha256_is_refused() {
    let f = fixture(1000);
    f.server.fault(&f.manifest_path, Fault::Corrupt);
    let err = installer(&f.server.url(), &f.cache())
        .install()
        .unwrap_err();
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err}");
    assert!(
        err.to_string().contains("channel-rust-1.96.0.toml"),
        "{err}"
    );
    assert!(!f.installed());
    assert!(f.server.requests(".tar.xz").is_empty());
}

#[test]
fn corrupt_archive_is_refused_then_retried() {
    let f = fixture(200_000);
    f.server.fault(&f.xz_path, Fault::Corrupt);
    let err = installer(&f.server.url(), &f.cache())
        .install()
        .unwrap_err();
    // A flipped byte breaks the xz stream (or, failing that, the hash): either way, refused.
    assert!(
        matches!(
            err,
            Error::ChecksumMismatch { .. } | Error::CorruptArchive { .. }
        ),
        "{err}"
    );
    assert!(!f.installed());
    let downloads: Vec<_> = snapshot(&f.cache().join("downloads"))
        .into_iter()
        .filter(|(p, _)| !p.to_string_lossy().ends_with(".lock"))
        .collect();
    assert!(
        downloads.is_empty(),
        "nothing kept from a bad download: {downloads:?}"
    );

    f.server.fault(&f.xz_path, Fault::Corrupt);
    let mut retrying = installer(&f.server.url(), &f.cache());
    retrying.retries(2);
    assert_eq!(retrying.install().unwrap().status, InstallStatus::Installed);
}

#[test]
fn http_errors_are_reported_and_5xx_retried() {
    let f = fixture(1000);
    f.server.fault(&f.xz_path, Fault::Status(404));
    f.server.fault(&f.xz_path, Fault::Status(404));
    let err = installer(&f.server.url(), &f.cache())
        .install()
        .unwrap_err();
    assert!(err.to_string().contains("answered HTTP 404"), "{err}");
    assert!(!f.installed());

    let f = fixture(1000);
    f.server.fault(&f.xz_path, Fault::Status(500));
    let mut i = installer(&f.server.url(), &f.cache());
    i.retries(1);
    assert_eq!(i.install().unwrap().status, InstallStatus::Installed);
    assert_eq!(f.server.requests(".tar.xz").len(), 2);
}

#[test]
fn a_cut_download_resumes_with_a_range_request() {
    let f = fixture(600_000);
    f.server.fault(&f.xz_path, Fault::CutAfter(100_000));
    let err = installer(&f.server.url(), &f.cache())
        .install()
        .unwrap_err();
    assert!(
        matches!(err, Error::Network { .. } | Error::Truncated { .. }),
        "{err}"
    );
    assert!(!f.installed());

    let s = installer(&f.server.url(), &f.cache()).install().unwrap();
    assert_eq!(s.status, InstallStatus::Installed);
    let ranges = f.server.requests(".tar.xz");
    assert_eq!(ranges, vec![None, Some("bytes=100000-".to_string())]);
}

#[test]
fn a_server_without_ranges_restarts_from_zero() {
    let f = fixture(600_000);
    f.server.fault(&f.xz_path, Fault::CutAfter(100_000));
    installer(&f.server.url(), &f.cache())
        .install()
        .unwrap_err();
    f.server.set_ranges(false);
    installer(&f.server.url(), &f.cache()).install().unwrap();
    installer(&f.server.url(), &f.cache()).verify().unwrap();
}

/// Runs the install, which must fail within `limit`; returns the error.
fn fails_within(i: &xous_sysroot::Installer, limit: Duration) -> Error {
    let start = Instant::now();
    let err = i.install().unwrap_err();
    assert!(start.elapsed() < limit, "took {:?}: {err}", start.elapsed());
    err
}

#[test]
fn a_stalled_server_hits_the_timeout() {
    // Headers then silence on the archive, or no answer at all on the manifest.
    for (fault, on_manifest) in [(Fault::Stall, false), (Fault::NoResponse, true)] {
        let f = fixture(1000);
        let path = if on_manifest {
            &f.manifest_path
        } else {
            &f.xz_path
        };
        f.server.fault(path, fault);
        let mut i = installer(&f.server.url(), &f.cache());
        i.timeout(Duration::from_millis(500));
        let err = fails_within(&i, Duration::from_secs(5));
        assert!(matches!(err, Error::Network { .. }), "{err}");
        assert!(err.to_string().contains("timeout"), "{err}");
        assert!(!f.installed());
    }
}

#[test]
fn a_slow_server_still_completes() {
    let f = fixture(100_000);
    f.server
        .fault(&f.xz_path, Fault::Slow(Duration::from_millis(20)));
    installer(&f.server.url(), &f.cache()).install().unwrap();
}

#[test]
fn a_timeout_too_long_for_a_deadline_means_no_deadline() {
    // `Duration::MAX` (or any span past what the clock can add) is no deadline, not a panic;
    // the low-speed watchdog, whose window it also is, then never ends a window.
    let f = fixture(100_000);
    f.server
        .fault(&f.xz_path, Fault::Slow(Duration::from_millis(20)));
    let mut i = installer(&f.server.url(), &f.cache());
    i.timeout(Duration::MAX).low_speed_limit(u64::MAX);
    assert_eq!(i.install().unwrap().status, InstallStatus::Installed);
    assert!(f.installed());
    // Just past what a deadline can be, too.
    let f = fixture(1000);
    let mut i = installer(&f.server.url(), &f.cache());
    i.timeout(Duration::from_secs(u64::MAX / 2));
    assert_eq!(i.install().unwrap().status, InstallStatus::Installed);
}

#[test]
fn redirect_loops_and_plain_http_are_refused() {
    let f = fixture(1000);
    for _ in 0..20 {
        f.server
            .fault(&f.xz_path, Fault::Redirect(f.xz_path.clone()));
    }
    let err = installer(&f.server.url(), &f.cache())
        .install()
        .unwrap_err();
    assert!(matches!(err, Error::TooManyRedirects { .. }), "{err}");
    assert!(err.to_string().to_lowercase().contains("redirect"), "{err}");

    let err = installer("http://example.invalid", &f.cache())
        .install()
        .unwrap_err();
    assert!(matches!(err, Error::InsecureUrl { .. }), "{err}");
    assert!(err.to_string().contains("XOUS_SYSROOT_ALLOW_HTTP"), "{err}");
}

#[test]
fn a_redirect_chain_past_the_limit_fails_naming_its_last_url() {
    let f = fixture(1000);
    // The archive → /hop/1 → /hop/2 → … : each hop a new URL, none ever a body.
    let hop = |n: usize| format!("/hop/{n}");
    f.server.fault_always(&f.xz_path, Fault::Redirect(hop(1)));
    for n in 1..=12 {
        f.server.fault_always(&hop(n), Fault::Redirect(hop(n + 1)));
    }
    let err = installer(&f.server.url(), &f.cache())
        .retries(3)
        .install()
        .unwrap_err();
    // Eight redirects are followed; the ninth is not, and the error names the URL that sent it
    // and where it led. Not retried: every hop is asked once although the installer may retry
    // three times.
    let last = format!("{}{}", f.server.url(), hop(8));
    assert!(
        matches!(&err, Error::TooManyRedirects { url, limit: 8, .. } if *url == last),
        "{err}"
    );
    let text = err.to_string();
    assert!(text.contains("more than 8 redirects"), "{text}");
    assert!(
        text.contains(&format!("redirects to '{}{}'", f.server.url(), hop(9))),
        "{text}"
    );
    for n in 1..=8 {
        assert_eq!(f.server.seen_requests(&hop(n)).len(), 1, "{}", hop(n));
    }
    assert!(f.server.seen_requests(&hop(9)).is_empty());
    assert!(!f.installed());
}

#[test]
fn a_failing_xz_falls_back_to_the_gz() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, published) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1000, true);
    let server = TestServer::start(root.path());
    server.fault(&url_path(&root, &published.xz.0), Fault::Status(404));
    let s = installer(&server.url(), &tmp.path().join("cache"))
        .install()
        .unwrap();
    assert!(s.source.ends_with(".tar.gz"), "{}", s.source);
}

#[test]
fn server_errors_are_retried_with_exponential_backoff() {
    let f = fixture(1000);
    for _ in 0..3 {
        f.server.fault(&f.xz_path, Fault::Status(503));
    }
    let (i, errors) = f.retrying(3);
    assert_eq!(i.install().unwrap().status, InstallStatus::Installed);
    assert_eq!(errors.lock().unwrap().len(), 3);
    assert!(errors.lock().unwrap()[0].contains("answered HTTP 503"));
    let times = f.server.request_times(".tar.xz");
    assert_eq!(times.len(), 4);
    // 200 ms, then 400 ms, then 800 ms between attempts.
    for (k, pair) in times.windows(2).enumerate() {
        let gap = pair[1] - pair[0];
        let base = Duration::from_millis(200 << k);
        assert!(gap >= base && gap < base * 3, "gap {k}: {gap:?}");
    }
}

#[test]
fn a_reset_mid_body_is_retried_and_the_download_completes() {
    let f = fixture(600_000);
    f.server.fault(&f.xz_path, Fault::ResetAfter(200_000));
    let (i, errors) = f.retrying(1);
    i.install().unwrap();
    i.verify().unwrap();
    let errors = errors.lock().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].contains("download of '")
            && errors[0].contains("the connection was closed or reset after"),
        "{}",
        errors[0]
    );
    // What arrived before the reset is kept and resumed from (Linux may drop data still
    // queued when the RST lands, so the offset is at most the bytes sent).
    let ranges = f.server.requests(".tar.xz");
    assert_eq!(ranges.len(), 2);
    if let Some(range) = &ranges[1] {
        let from: u64 = range[6..range.len() - 1].parse().unwrap();
        assert!(from <= 200_000, "{range}");
    }
}

#[test]
fn content_length_lies_are_caught_and_recovered() {
    // Longer than the body: the body ends early, reported as a cut transfer, then resumed.
    let f = fixture(300_000);
    f.server.fault(&f.xz_path, Fault::LengthLie(5000));
    let (i, errors) = f.retrying(1);
    i.install().unwrap();
    i.verify().unwrap();
    let first = errors.lock().unwrap()[0].clone();
    assert!(
        first.contains("truncated") || first.contains("failed:"),
        "{first}"
    );
    assert!(!snapshot(&f.cache().join("downloads"))
        .iter()
        .any(|(p, _)| p.to_string_lossy().ends_with(".partial")));

    // Shorter than the body: the client stops where the server said; the hash catches it.
    let f = fixture(300_000);
    f.server.fault(&f.xz_path, Fault::LengthLie(-5000));
    let (i, errors) = f.retrying(1);
    i.install().unwrap();
    i.verify().unwrap();
    let first = errors.lock().unwrap()[0].clone();
    assert!(first.starts_with("checksum mismatch for '"), "{first}");

    // The same lies on the manifest: refused, never parsed.
    let f = fixture(1000);
    f.server.fault(&f.manifest_path, Fault::LengthLie(-10));
    let err = installer(&f.server.url(), &f.cache())
        .install()
        .unwrap_err();
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err}");
    f.server.fault(&f.manifest_path, Fault::LengthLie(10));
    let err = installer(&f.server.url(), &f.cache())
        .install()
        .unwrap_err();
    assert!(
        matches!(err, Error::Truncated { .. } | Error::Network { .. }),
        "{err}"
    );
    assert!(!f.installed());
}

#[test]
fn a_trickle_below_the_low_speed_limit_fails_the_attempt() {
    let f = fixture(200_000);
    // 2 KB/s: about 100 s for the archive, with never a pause long enough for the timeout.
    f.server.fault(
        &f.xz_path,
        Fault::Trickle {
            bytes: 100,
            pause: Duration::from_millis(50),
        },
    );
    let mut i = installer(&f.server.url(), &f.cache());
    i.timeout(Duration::from_millis(700))
        .low_speed_limit(64 * 1024);
    let err = fails_within(&i, Duration::from_secs(5));
    assert!(matches!(err, Error::Network { .. }), "{err}");
    assert!(err.to_string().contains("too slow"), "{err}");
    assert!(!f.installed());
    // The next try resumes what the trickle delivered.
    installer(&f.server.url(), &f.cache()).install().unwrap();
    assert!(f.server.requests(".tar.xz")[1].is_some());
}

#[test]
fn https_to_a_plain_http_port_fails_fast_and_says_tls() {
    let f = fixture(1000);
    let url = f.server.url().replace("http://", "https://");
    let err = fails_within(&installer(&url, &f.cache()), Duration::from_secs(5));
    // A TLS failure is not worth another try: the source fails at once.
    assert!(matches!(err, Error::Unreachable { .. }), "{err}");
    assert!(err.to_string().contains("': TLS failed: "), "{err}");
    assert!(err.to_string().contains("use an http:// URL"), "{err}");
}

#[test]
fn a_cached_archive_damaged_on_disk_is_fetched_again_not_blamed_on_the_source() {
    let f = fixture(200_000);
    installer(&f.server.url(), &f.cache()).install().unwrap();
    let cached = std::fs::read_dir(f.cache().join("downloads"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_none())
        .unwrap();
    let bytes = damage_cached(&cached, || {
        let mut once = installer(&f.server.url(), &f.cache());
        once.force(true).install().unwrap_err()
    });
    assert_eq!(f.server.requests(".tar.xz").len(), 1);
    // With a retry: fetched from the server again and installed.
    let (mut i, errors) = f.retrying(1);
    i.force(true);
    assert_eq!(i.install().unwrap().status, InstallStatus::Installed);
    assert_eq!(std::fs::read(&cached).unwrap(), bytes);
    assert_eq!(f.server.requests(".tar.xz").len(), 2);
    assert!(
        errors.lock().unwrap()[0].starts_with("checksum mismatch for '"),
        "{:?}",
        errors.lock().unwrap()
    );
}
