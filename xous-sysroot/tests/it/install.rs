//! The main paths: install from a dist server, no-op, verify, uninstall, offline from the cache.

use xous_sysroot::{Error, InstallStatus, Mode, Source};

use crate::support::server::TestServer;
use crate::support::{installer, snapshot, synthetic_dist, RUSTC, TARGET};

#[test]
fn installs_verifies_and_uninstalls_in_private_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(tmp.path(), RUSTC, TARGET, 4096, true);
    let server = TestServer::start(root.path());
    let cache = tmp.path().join("cache");
    let i = installer(&server.url(), &cache);

    let first = i.install().unwrap();
    assert_eq!(first.status, InstallStatus::Installed);
    assert_eq!(first.mode, Mode::Private);
    assert!(first.path.starts_with(&cache));
    assert_eq!(
        std::fs::read(first.target_dir().join("lib/libstd-4567.rlib"))
            .unwrap()
            .len(),
        4096
    );
    assert!(first.source.ends_with(".tar.xz"), "{}", first.source);
    assert_eq!(
        first.rustflags().unwrap(),
        vec!["--sysroot".to_string(), first.path.display().to_string()]
    );
    assert!(first
        .cargo_config()
        .unwrap()
        .starts_with(&format!("[target.{TARGET}]\nrustflags = [\"--sysroot\"")));

    let again = i.install().unwrap();
    assert_eq!(again.status, InstallStatus::AlreadyInstalled);
    assert_eq!(
        server.requests(".tar.xz").len(),
        1,
        "the no-op path does not download"
    );
    i.verify().unwrap();

    std::fs::write(
        first.target_dir().join("lib/libcore-0123.rlib"),
        b"tampered",
    )
    .unwrap();
    let err = i.verify().unwrap_err();
    assert!(matches!(err, Error::Damaged { .. }), "{err}");
    assert!(err.to_string().contains("libcore-0123.rlib"), "{err}");
    // A damaged install (size changed) is repaired by the next call, from the cache.
    assert_eq!(i.install().unwrap().status, InstallStatus::Installed);
    assert_eq!(server.requests(".tar.xz").len(), 1);
    i.verify().unwrap();

    assert!(i.uninstall().unwrap());
    assert!(!first.target_dir().exists());
    assert!(!i.uninstall().unwrap());
}

#[test]
fn each_exact_rustc_has_its_sysroot_and_an_old_release_named_one_is_still_used() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1000, false);
    let server = TestServer::start(root.path());
    let cache = tmp.path().join("cache");
    let i = installer(&server.url(), &cache);
    let first = i.install().unwrap();
    assert_eq!(first.path, cache.join("sysroots/1.96.0-ac68faa20"));

    // A cache made before sysroots were named by commit: `sysroots/1.96.0`.
    std::fs::rename(&first.path, cache.join("sysroots/1.96.0")).unwrap();
    let found = i.install().unwrap();
    assert_eq!(found.status, InstallStatus::AlreadyInstalled);
    assert_eq!(found.path, cache.join("sysroots/1.96.0"));
    assert_eq!(server.requests(".tar.xz").len(), 1, "no download");
    assert!(!cache.join("sysroots/1.96.0-ac68faa20").exists());
    i.verify().unwrap();

    // Another commit of the same release does not take it over: it gets its own directory.
    let mut other = installer(&server.url(), &cache);
    other.version_str("1.96.0 (0123456789 2026-05-26)").unwrap();
    let (status, stamp) = other.status().unwrap();
    assert!(stamp.is_none());
    assert_eq!(status.path, cache.join("sysroots/1.96.0-012345678"));
    assert!(!other.uninstall().unwrap());
    assert!(found.target_dir().exists());
}

#[test]
fn toolchain_mode_installs_into_the_given_sysroot_and_keeps_other_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1000, true);
    let server = TestServer::start(root.path());
    let sysroot = tmp.path().join("toolchain");
    let rustlib = sysroot.join("lib/rustlib");
    std::fs::create_dir_all(rustlib.join("x86_64-unknown-linux-gnu/lib")).unwrap();
    std::fs::write(
        rustlib.join("multirust-config.toml"),
        "config_version = \"1\"\n",
    )
    .unwrap();
    std::fs::write(
        rustlib.join("components"),
        "rustc-x86_64-unknown-linux-gnu\n",
    )
    .unwrap();
    let before = snapshot(&sysroot);

    let mut i = installer(&server.url(), &tmp.path().join("cache"));
    i.mode(Mode::Toolchain).sysroot(&sysroot);
    let s = i.install().unwrap();
    assert_eq!(s.target_dir(), rustlib.join(TARGET));
    assert!(s.rustflags().unwrap().is_empty());
    let after: Vec<_> = snapshot(&sysroot)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(rustlib.join(TARGET)))
        .collect();
    assert_eq!(
        before, after,
        "nothing outside lib/rustlib/<target> changed"
    );
    assert!(i.uninstall().unwrap());
    assert_eq!(snapshot(&sysroot), before);
}

#[test]
fn offline_uses_the_cache_and_says_what_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1000, true);
    let server = TestServer::start(root.path());
    let cache = tmp.path().join("cache");

    let mut offline = installer(&server.url(), &cache);
    offline.offline(true);
    let err = offline.install().unwrap_err();
    assert!(matches!(err, Error::NotCached { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("offline and no cached libstd for rustc '1.96.0 (ac68faa20 2026-05-25)'"),
        "{err}"
    );
    assert!(err.to_string().contains("help:"), "{err}");

    installer(&server.url(), &cache).install().unwrap();
    installer(&server.url(), &cache).uninstall().unwrap();
    drop(server); // no network from here on
    let s = offline.install().unwrap();
    assert_eq!(s.status, InstallStatus::Installed);
    offline.verify().unwrap();
}

#[test]
fn local_dist_root_as_path_and_file_url() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1000, true);
    for (n, url) in [
        root.path().display().to_string(),
        format!("file://{}", root.path().display()),
    ]
    .into_iter()
    .enumerate()
    {
        let mut i = installer("unused", &tmp.path().join(format!("cache{n}")));
        i.sources(vec![Source::DistServer(url)]);
        assert_eq!(i.install().unwrap().status, InstallStatus::Installed);
        i.verify().unwrap();
    }
}

#[test]
fn mirrors_are_tried_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1000, true);
    let good = TestServer::start(root.path());
    let empty = TestServer::start(tmp.path().join("nothing-here"));
    let mut i = installer(&good.url(), &tmp.path().join("cache"));
    i.sources(vec![
        Source::DistServer(empty.url()),
        Source::DistServer(good.url()),
    ]);
    let s = i.install().unwrap();
    assert!(s.source.starts_with(&good.url()), "{}", s.source);
    assert_eq!(empty.requests(".toml.sha256").len(), 1);
}

#[test]
fn a_different_rustc_is_refused_with_both_versions() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(
        tmp.path(),
        "1.96.0 (0123456789 2026-05-25)",
        TARGET,
        1000,
        true,
    );
    let server = TestServer::start(root.path());
    let cache = tmp.path().join("cache");
    let err = installer(&server.url(), &cache).install().unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::VersionMismatch { .. }), "{text}");
    assert!(
        text.contains("1.96.0 (012345678 2026-05-25)")
            && text.contains("1.96.0 (ac68faa20 2026-05-25)"),
        "{text}"
    );
    assert!(!cache
        .join("sysroots/1.96.0-ac68faa20/lib/rustlib")
        .join(TARGET)
        .exists());
}

#[test]
fn release_zip_from_a_github_style_api() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("download")).unwrap();
    let zip_name = xous_sysroot::producer::release_zip_name(TARGET, "1.96.0");
    let zip_path = site.join("download").join(&zip_name);
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        zip.start_file(format!("lib/rustlib/{TARGET}/lib/libstd-1.rlib"), opts)
            .unwrap();
        std::io::Write::write_all(&mut zip, &[7u8; 3000]).unwrap();
        zip.start_file("RUST_VERSION", opts).unwrap();
        std::io::Write::write_all(&mut zip, b"1.96.0\n").unwrap();
        zip.finish().unwrap();
    }
    let sha = xous_sysroot::util::sha256_file(&zip_path).unwrap();
    let server = TestServer::start(&site);
    let api = site.join("repos/betrusted-io/rust");
    std::fs::create_dir_all(&api).unwrap();
    std::fs::write(
        api.join("releases"),
        format!(r#"[{{"tag_name":"1.96.0.1","draft":false,"prerelease":false,"assets":[{{"name":"{zip_name}","state":"uploaded","browser_download_url":"{}/download/{zip_name}","digest":"sha256:{sha}"}}]}}]"#, server.url()),
    )
    .unwrap();
    let mut i = installer(&server.url(), &tmp.path().join("cache"));
    i.sources(vec![Source::GithubReleases {
        api: server.url(),
        repo: "betrusted-io/rust".into(),
    }]);
    let s = i.install().unwrap();
    assert_eq!(
        std::fs::read(s.target_dir().join("lib/libstd-1.rlib")).unwrap(),
        vec![7u8; 3000]
    );
    i.verify().unwrap();
}
