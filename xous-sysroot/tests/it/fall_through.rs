//! When a source fails: an unreachable host (a name that does not resolve, a refused
//! connection) fails its source at once with one notice of what comes next, and a source that
//! serves bytes failing verification stops the install (retried once, then no fall-through).

use std::sync::{Arc, Mutex};

use xous_sysroot::{Error, InstallStatus, Progress, Source};

use crate::support::server::TestServer;
use crate::support::{installer, snapshot, synthetic_dist, url_path, RUSTC, TARGET};

/// A host name that can never resolve (RFC 6761 reserves `.invalid`).
const UNRESOLVABLE: &str = "https://xous-sysroot-test.invalid";

/// A loopback URL on which nothing listens: connecting is refused.
fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[test]
fn an_unreachable_source_fails_at_once_and_the_next_one_is_announced() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1000, false);
    let server = TestServer::start(root.path());
    let refused = refused_url();
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let mut i = installer(&server.url(), &tmp.path().join("cache"));
    i.sources(vec![
        Source::Cache,
        Source::DistServer(UNRESOLVABLE.into()),
        Source::DistServer(refused.clone()),
        Source::DistServer(server.url()),
    ])
    // Retries are allowed; an unreachable host must not use them (no `Retrying` event).
    // The time this saves is measured by a benchmark (docs/benchmarks.md), not here.
    .retries(3)
    .progress(move |p| seen.lock().unwrap().push(p.clone()));
    let sysroot = i.install().unwrap();
    assert_eq!(sysroot.status, InstallStatus::Installed);
    let events = events.lock().unwrap();
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Progress::Retrying { .. })),
        "{events:#?}"
    );
    let falls: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Progress::FallingThrough {
                source,
                error,
                next,
            } => Some((source.clone(), error.clone(), next.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(falls.len(), 2, "{falls:#?}");
    let (source, error, next) = &falls[0];
    assert!(source.contains(UNRESOLVABLE), "{source}");
    assert!(error.starts_with("cannot reach '"), "{error}");
    assert_eq!(error.matches("help:").count(), 1, "{error}");
    assert!(next.contains(&refused), "{next}");
    let (source, error, next) = &falls[1];
    assert!(source.contains(&refused), "{source}");
    assert!(error.starts_with("cannot reach '"), "{error}");
    assert!(next.contains(&server.url()), "{next}");
    // The notice says it once, with what happens next.
    let notice = events
        .iter()
        .find(|e| matches!(e, Progress::FallingThrough { .. }))
        .and_then(Progress::notice)
        .unwrap();
    assert_eq!(notice.matches("help:").count(), 1, "{notice}");
    assert!(
        notice.ends_with(&format!("\nnote: trying dist server '{refused}' instead")),
        "{notice}"
    );
}

#[test]
fn an_unresolvable_last_source_is_one_error_with_one_help_line() {
    let tmp = tempfile::tempdir().unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let mut i = installer(UNRESOLVABLE, &tmp.path().join("cache"));
    i.retries(3)
        .progress(move |p| seen.lock().unwrap().push(p.clone()));
    let err = i.install().unwrap_err();
    assert!(matches!(err, Error::Unreachable { .. }), "{err}");
    let text = err.to_string();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.lines().nth(1).unwrap().starts_with("help: "), "{text}");
    // Nothing is announced after the last source, and nothing was retried.
    let events = events.lock().unwrap();
    assert!(events.iter().all(|e| e.notice().is_none()), "{events:#?}");
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Progress::Retrying { .. })),
        "{events:#?}"
    );
}

#[test]
fn a_server_error_still_gets_the_backoff() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1000, false);
    let server = TestServer::start(root.path());
    let manifest = url_path(&root, &root.manifest_path("1.96.0"));
    server.fault(
        &format!("{manifest}.sha256"),
        crate::support::server::Fault::Status(503),
    );
    let retries = Arc::new(Mutex::new(0));
    let seen = retries.clone();
    let mut i = installer(&server.url(), &tmp.path().join("cache"));
    i.retries(2).progress(move |p| {
        if matches!(p, Progress::Retrying { .. }) {
            *seen.lock().unwrap() += 1;
        }
    });
    assert_eq!(i.install().unwrap().status, InstallStatus::Installed);
    assert_eq!(*retries.lock().unwrap(), 1);
}

/// A dist root whose archive was replaced after the manifest was written: the manifest's
/// SHA-256 names other bytes than those served.
fn tampered(dir: &std::path::Path) -> (TestServer, String, String) {
    let (root, published) = synthetic_dist(dir, RUSTC, TARGET, 4000, false);
    let (_, other) = synthetic_dist(&dir.join("other"), RUSTC, TARGET, 5000, false);
    let (archive, sha256) = &published.xz;
    std::fs::copy(&other.xz.0, archive).unwrap();
    let server = TestServer::start(root.path());
    let path = url_path(&root, archive);
    (server, path, sha256.clone())
}

#[test]
fn a_checksum_mismatch_is_retried_once_then_stops_the_install() {
    let tmp = tempfile::tempdir().unwrap();
    let (server, path, expected) = tampered(tmp.path());
    let github = TestServer::start(tmp.path().join("empty"));
    let cache = tmp.path().join("cache");
    let mut i = installer(&server.url(), &cache);
    i.retries(3).sources(vec![
        Source::Cache,
        Source::DistServer(server.url()),
        Source::GithubReleases {
            api: github.url(),
            repo: "o/r".into(),
        },
    ]);
    let err = i.install().unwrap_err();
    let Error::ChecksumMismatch {
        url,
        expected: e,
        actual,
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(*url, format!("{}{path}", server.url()));
    assert_eq!(*e, expected);
    assert_ne!(*actual, expected);
    let text = err.to_string();
    assert!(
        text.contains(&expected) && text.contains(actual.as_str()),
        "{text}"
    );
    // Fetched twice (one retry), and the next source was never asked.
    assert_eq!(server.requests(&path).len(), 2);
    assert!(github.requests("").is_empty());
    assert!(!cache
        .join("sysroots/1.96.0/lib/rustlib")
        .join(TARGET)
        .exists());
    let kept: Vec<_> = snapshot(&cache.join("downloads"))
        .into_iter()
        .filter(|(p, _)| !p.to_string_lossy().ends_with(".lock"))
        .collect();
    assert!(kept.is_empty(), "the bad download is removed: {kept:?}");
}

#[cfg(feature = "cli")]
#[test]
fn the_cli_stops_on_a_tampered_archive_names_it_and_builds_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (server, path, expected) = tampered(tmp.path());
    let cache = tmp.path().join("cache");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xous-sysroot"))
        .args([
            "install",
            RUSTC,
            "--dist-server",
            &server.url(),
            "--no-smoke-test",
        ])
        .arg("--cache-dir")
        .arg(&cache)
        // The build from rust-src is on: the mismatch must stop before it.
        .env("XOUS_SYSROOT_BUILD_FROM_SOURCE", "1")
        .env("XOUS_SYSROOT_GITHUB_REPO", "none")
        .env_remove("XOUS_SYSROOT_DIST_SERVER")
        .env_remove("CARGO_NET_OFFLINE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("{}{path}", server.url())),
        "{stderr}"
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(
        !stderr.contains("building it from rust-src"),
        "no build started: {stderr}"
    );
    assert!(
        !cache
            .join("sysroots/1.96.0/lib/rustlib")
            .join(TARGET)
            .exists(),
        "{stderr}"
    );
}
