//! Channels on a dist server as rustup lays them out, producer → real loopback server →
//! installer, with stand-in compilers (Debian's rustc behind a script that reports a nightly or
//! beta identity with its own commit) and the shared libstd published under those identities:
//! a nightly at `dist/<date>/channel-rust-nightly.toml`, a beta there and at
//! `dist/channel-rust-<release>.toml`, both named by the by-commit index.

use std::fs;
use std::path::Path;

use anyhow::{ensure, Result};
use xous_sysroot::producer::layout;
use xous_sysroot::{Error, InstallStatus, Installer, Mode, Rustc, RustcVersion, Source};

use crate::support::{
    beta, copy_dist_root, nightly, pre_release, scratch, serve, stand_in_dist, stand_in_rustc,
    RequestLog,
};

/// An installer for the stand-in compiler `rustc` (its identity asked of it), from `server`
/// only: no cache, no GitHub, no build from rust-src.
fn installer(dir: &Path, rustc: &Path, sources: Vec<Source>) -> Installer {
    let mut i = Installer::new();
    i.rustc(Rustc::new(rustc))
        .mode(Mode::Private)
        .cache_dir(dir.join("cache"))
        .sources(sources);
    i
}

/// The paths asked of the server, in order, a file and its `.sha256` counted as one request
/// with the last status (a manifest is only fetched after its `.sha256`).
fn asked(log: &RequestLog) -> Vec<(String, u16)> {
    let mut out: Vec<(String, u16)> = Vec::new();
    for r in log.lock().unwrap().iter() {
        let path = r.target.strip_suffix(".sha256").unwrap_or(&r.target);
        match out.last_mut() {
            Some(last) if last.0 == path => last.1 = r.status,
            _ => out.push((path.to_owned(), r.status)),
        }
    }
    out
}

#[test]
fn a_nightly_dist_root_installs_with_no_build_by_index_or_by_date() -> Result<()> {
    let version = nightly();
    let packaged = stand_in_dist("nightly", &version, None)?;
    // The default date of a nightly without rustup's record is the commit date plus one.
    ensure!(packaged.date == "2026-05-20", "{}", packaged.date);
    let dated = "dist/2026-05-20/channel-rust-nightly.toml";
    ensure!(packaged.manifest.ends_with(dated));
    let index = layout::index_path(version.commit_hash.as_deref().unwrap());
    let entry = layout::CommitIndex::parse(
        &fs::read_to_string(packaged.dist_root.join(&index))?,
        "index",
    )?;
    ensure!(entry.manifest == dated && entry.rustc == version.identity());
    ensure!(!packaged
        .dist_root
        .join("dist/channel-rust-1.97.0-nightly.toml")
        .exists());

    let dir = scratch("channels-nightly");
    let rustc = stand_in_rustc(&dir, &version)?;
    let root = dir.join("root");
    copy_dist_root(&packaged.dist_root, &root)?;
    let (server, log) = serve(&root, None);

    // By the index: one lookup, one manifest, then the archive; the smoke compile proves it.
    let installed = installer(
        &dir.join("a"),
        &rustc,
        vec![Source::DistServer(server.url())],
    )
    .install()?;
    ensure!(installed.status == InstallStatus::Installed);
    ensure!(RustcVersion::parse(&installed.rustc)?.matches(&version));
    ensure!(installed.target_dir().join("lib").is_dir());
    let requests = asked(&log);
    ensure!(
        requests[..2] == [(format!("/{index}"), 200), (format!("/{dated}"), 200)],
        "{requests:#?}"
    );
    ensure!(requests.iter().all(|(_, status)| *status == 200));

    // Without the index (a dist root copied by hand): the dated path of commit date + 1.
    fs::remove_file(root.join(&index))?;
    log.lock().unwrap().clear();
    let installed = installer(
        &dir.join("b"),
        &rustc,
        vec![Source::DistServer(server.url())],
    )
    .install()?;
    ensure!(installed.status == InstallStatus::Installed);
    let requests = asked(&log);
    ensure!(
        requests[..2] == [(format!("/{index}"), 404), (format!("/{dated}"), 200)],
        "{requests:#?}"
    );
    Ok(())
}

#[test]
fn a_beta_is_found_by_index_by_its_versioned_name_and_by_its_commit_date() -> Result<()> {
    let version = beta();
    // Published under its commit date, not the day after.
    let packaged = stand_in_dist("beta", &version, Some("2026-10-17"))?;
    let dated = "dist/2026-10-17/channel-rust-beta.toml";
    let versioned = "dist/channel-rust-1.100.0-beta.7.toml";
    ensure!(packaged.manifest.ends_with(dated));
    ensure!(
        fs::read(packaged.dist_root.join(dated))? == fs::read(packaged.dist_root.join(versioned))?
    );

    let dir = scratch("channels-beta");
    let rustc = stand_in_rustc(&dir, &version)?;
    let root = dir.join("root");
    copy_dist_root(&packaged.dist_root, &root)?;
    let (server, log) = serve(&root, None);
    let install = |name: &str| {
        installer(
            &dir.join(name),
            &rustc,
            vec![Source::DistServer(server.url())],
        )
        .install()
    };
    let index = format!(
        "/{}",
        layout::index_path(version.commit_hash.as_deref().unwrap())
    );

    ensure!(install("by-index")?.status == InstallStatus::Installed);
    ensure!(asked(&log)[..2] == [(index.clone(), 200), (format!("/{dated}"), 200)]);

    fs::remove_file(root.join(&index[1..]))?;
    log.lock().unwrap().clear();
    ensure!(install("by-name")?.status == InstallStatus::Installed);
    ensure!(asked(&log)[..2] == [(index.clone(), 404), (format!("/{versioned}"), 200)]);

    // Only the dated manifest left, dated by the commit date: found after the day after.
    fs::remove_file(root.join(versioned))?;
    log.lock().unwrap().clear();
    ensure!(install("by-date")?.status == InstallStatus::Installed);
    let requests = asked(&log);
    ensure!(
        requests[..4]
            == [
                (index.clone(), 404),
                (format!("/{versioned}"), 404),
                ("/dist/2026-10-18/channel-rust-beta.toml".to_owned(), 404),
                (format!("/{dated}"), 200),
            ],
        "{requests:#?}"
    );
    Ok(())
}

#[test]
fn another_nightly_of_the_same_day_is_refused_and_github_is_not_asked() -> Result<()> {
    let packaged = stand_in_dist("nightly", &nightly(), None)?;
    // Same release and commit date as the published nightly, another commit.
    let other = pre_release(
        "1.97.0-nightly",
        "0123456789abcdef0123456789abcdef01234567",
        "2026-05-19",
    );
    let dir = scratch("channels-conflict");
    let rustc = stand_in_rustc(&dir, &other)?;
    let root = dir.join("root");
    copy_dist_root(&packaged.dist_root, &root)?;
    let (server, _log) = serve(&root, None);

    let err = installer(&dir, &rustc, vec![Source::DistServer(server.url())])
        .install()
        .unwrap_err();
    ensure!(matches!(err, Error::VersionMismatch { .. }), "{err}");
    let text = err.to_string();
    ensure!(
        text.contains("5ca1ab1e0") && text.contains("012345678") && text.contains("help:"),
        "{text}"
    );
    ensure!(
        !dir.join("cache/sysroots").exists()
            || fs::read_dir(dir.join("cache/sysroots"))?.next().is_none()
    );

    // An empty dist root: every path tried is named. The GitHub source (at a port nothing
    // listens on) says it has no nightlies without a request.
    let empty = dir.join("empty");
    fs::create_dir_all(&empty)?;
    let (empty_server, _) = serve(&empty, None);
    let err = installer(
        &dir,
        &rustc,
        vec![
            Source::DistServer(empty_server.url()),
            Source::GithubReleases {
                api: "http://127.0.0.1:9".into(),
                repo: "betrusted-io/rust".into(),
            },
        ],
    )
    .install()
    .unwrap_err();
    let text = err.to_string();
    ensure!(matches!(err, Error::NotAvailable { .. }), "{text}");
    ensure!(
        text.contains("has no channel manifest for rustc")
            && text.contains("dist/2026-05-20/channel-rust-nightly.toml")
            && text.contains("dist/2026-05-19/channel-rust-nightly.toml")
            && text.contains("offers only stable releases")
            && !text.contains("127.0.0.1:9/repos"),
        "{text}"
    );
    Ok(())
}
