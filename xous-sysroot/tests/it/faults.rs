//! Faults injected by the server: every one gives a clear error (or a recovery) and leaves
//! no install behind.

use std::time::{Duration, Instant};

use xous_sysroot::{Error, InstallStatus};

use crate::support::server::{Fault, TestServer};
use crate::support::{installer, snapshot, synthetic_dist, url_path, RUSTC, TARGET};

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
    fn installed(&self) -> bool {
        self.cache()
            .join("sysroots/1.96.0/lib/rustlib")
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

#[test]
fn a_stalled_server_hits_the_timeout() {
    let f = fixture(1000);
    f.server.fault(&f.xz_path, Fault::Stall);
    let mut i = installer(&f.server.url(), &f.cache());
    i.timeout(Duration::from_millis(500));
    let start = Instant::now();
    let err = i.install().unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    assert!(matches!(err, Error::Network { .. }), "{err}");
    assert!(!f.installed());
}

#[test]
fn a_slow_server_still_completes() {
    let f = fixture(100_000);
    f.server
        .fault(&f.xz_path, Fault::Slow(Duration::from_millis(20)));
    installer(&f.server.url(), &f.cache()).install().unwrap();
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
    assert!(matches!(err, Error::Network { .. }), "{err}");
    assert!(err.to_string().to_lowercase().contains("redirect"), "{err}");

    let err = installer("http://example.invalid", &f.cache())
        .install()
        .unwrap_err();
    assert!(matches!(err, Error::InsecureUrl { .. }), "{err}");
    assert!(err.to_string().contains("XOUS_SYSROOT_ALLOW_HTTP"), "{err}");
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
