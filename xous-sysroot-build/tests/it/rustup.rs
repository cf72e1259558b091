//! rustup compatibility with the real `rustup` binary, in a throwaway RUSTUP_HOME/CARGO_HOME:
//! an overlay manifest (stand-in host components upstream, our real rust-std) served by
//! [`DistServer`](xous_sysroot_build::serve::DistServer) with missing official paths
//! redirected to the stand-in upstream server; `rustup toolchain install` fetches the official
//! components through those redirects, `rustup target add` places our rust-std, and its rlibs
//! are the ones `xous-sysroot` installs from the same server. The same for stable and for a
//! nightly (`nightly-<date>`, its manifest at `dist/<date>/channel-rust-nightly.toml`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{ensure, Context, Result};
use xous_sysroot::{InstallStatus, Installer, Mode, Rustc, RustcVersion, Source};
use xous_sysroot_build::{overlay, OverlayOptions, BUILD_INFO_FILE_NAME, DEFAULT_TARGET};

use crate::support::{
    copy_dist_root, local_dist, nightly, rustc, rustup, scratch, serve, stand_in_dist,
    stand_in_rustc, stand_in_toolchain, stand_in_upstream, statuses, tree, HOST,
};

fn run(mut cmd: Command) -> Result<String> {
    let out = cmd
        .output()
        .context("running rustup (installed with the machine's toolchain)")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    ensure!(out.status.success(), "{cmd:?} failed:\n{text}");
    Ok(text)
}

/// The files of a `lib/rustlib/<target>` directory that come from the build.
fn shipped(target_root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    tree(target_root)
        .into_iter()
        .filter(|(path, _)| path.starts_with("lib") || path == Path::new(BUILD_INFO_FILE_NAME))
        .collect()
}

#[test]
fn rustup_installs_from_the_overlay_and_target_add_places_our_rlibs() -> Result<()> {
    let dist = local_dist();
    let dir = scratch("rustup");
    // "static.rust-lang.org": stand-in host components, served on its own port.
    let upstream = stand_in_upstream(&dir)?;
    let ours = dir.join("ours");
    copy_dist_root(&dist.dist_root, &ours)?;
    overlay_round_trip(
        &dir,
        upstream.path(),
        &ours,
        &dist.rustc.release,
        &dist.rustc,
        &rustc(),
        dist.build.target_libdir.parent().unwrap(),
    )
}

/// The same for a nightly, as rustup publishes one: the stand-in upstream and our dist root
/// hold it at `dist/<date>/channel-rust-nightly.toml`, and `rustup toolchain install
/// nightly-<date>` reads it there.
#[test]
fn rustup_installs_a_nightly_from_the_overlay_as_it_does_stable() -> Result<()> {
    let version = nightly();
    let packaged = stand_in_dist("nightly", &version, None)?;
    let dir = scratch("rustup-nightly");
    let upstream = stand_in_toolchain(&dir, &version, &packaged.date)?;
    ensure!(upstream
        .path()
        .join(format!("dist/{}/channel-rust-nightly.toml", packaged.date))
        .is_file());
    let ours = dir.join("ours");
    copy_dist_root(&packaged.dist_root, &ours)?;
    let stand_in = stand_in_rustc(&dir, &version)?;
    overlay_round_trip(
        &dir,
        upstream.path(),
        &ours,
        &format!("nightly-{}", packaged.date),
        &version,
        &stand_in,
        &packaged
            .dist_root
            .join("..")
            .join("sysroot")
            .join(xous_sysroot::producer::target_dir(DEFAULT_TARGET)),
    )
}

/// Overlays `ours` on the stand-in upstream dist root, serves both, and has the real rustup
/// install `toolchain` (its components redirected upstream) and add our target; checks that
/// rustup placed exactly the files of the build (`built`, a `lib/rustlib/<target>`) that the
/// installer places for `version` with `installer_rustc`, and that rustup removes them again.
fn overlay_round_trip(
    dir: &Path,
    upstream: &Path,
    ours: &Path,
    toolchain_name: &str,
    version: &RustcVersion,
    installer_rustc: &Path,
    built: &Path,
) -> Result<()> {
    let release = &version.release;
    let (up_server, up_log) = serve(upstream, None);
    // Our dist root with the overlay manifest, served with redirects to that upstream.
    overlay(
        ours,
        &OverlayOptions {
            upstream: up_server.url(),
            ..Default::default()
        },
    )?;
    let (server, log) = serve(ours, Some(up_server.url()));

    let mut install = rustup(dir, &server.url());
    install.args([
        "toolchain",
        "install",
        toolchain_name,
        "--profile",
        "minimal",
        "--no-self-update",
    ]);
    run(install)?;
    let toolchain = dir
        .join("rustup/toolchains")
        .join(format!("{toolchain_name}-{HOST}"));
    ensure!(
        toolchain.join("bin/rustc").is_file(),
        "stand-in rustc not installed"
    );
    // The official components were asked of our server and redirected upstream.
    let rustc_archive = format!("rustc-{release}-{HOST}.tar.xz");
    ensure!(
        statuses(&log, &rustc_archive) == [302],
        "{:#?}",
        log.lock().unwrap()
    );
    ensure!(statuses(&up_log, &rustc_archive) == [200]);

    let mut add = rustup(dir, &server.url());
    add.args([
        "target",
        "add",
        DEFAULT_TARGET,
        "--toolchain",
        toolchain_name,
    ]);
    run(add)?;
    let our_archive = format!("rust-std-{release}-{DEFAULT_TARGET}.tar.xz");
    ensure!(statuses(&log, &our_archive) == [200]);
    ensure!(statuses(&up_log, &our_archive).is_empty());

    let mut list = rustup(dir, &server.url());
    list.args([
        "target",
        "list",
        "--installed",
        "--toolchain",
        toolchain_name,
    ]);
    let listed = run(list)?;
    ensure!(listed.contains(DEFAULT_TARGET), "{listed}");

    // rustup placed exactly the files of the build that our installer places: the rlibs and
    // the build record (each tool adds its own bookkeeping beside them).
    let mut i = Installer::new();
    i.version(version.clone())
        .rustc(Rustc::new(installer_rustc))
        .mode(Mode::Private)
        .cache_dir(dir.join("cache"))
        .sources(vec![Source::DistServer(server.url())]);
    let installed = i.install()?;
    ensure!(installed.status == InstallStatus::Installed);
    let by_rustup = shipped(&toolchain.join("lib/rustlib").join(DEFAULT_TARGET));
    let by_installer = shipped(&installed.target_dir());
    let built = shipped(built);
    ensure!(by_rustup.len() > 10, "{:?}", by_rustup.keys());
    ensure!(
        by_rustup == built,
        "rustup placed {:?}",
        by_rustup.keys().collect::<Vec<_>>()
    );
    ensure!(by_installer == built);

    // And rustup can still remove the target and the toolchain.
    let mut remove = rustup(dir, &server.url());
    remove.args([
        "target",
        "remove",
        DEFAULT_TARGET,
        "--toolchain",
        toolchain_name,
    ]);
    run(remove)?;
    ensure!(!toolchain
        .join("lib/rustlib")
        .join(DEFAULT_TARGET)
        .join("lib")
        .exists());
    let mut uninstall = rustup(dir, &server.url());
    uninstall.args(["toolchain", "uninstall", toolchain_name]);
    run(uninstall)?;
    ensure!(!toolchain.exists());
    Ok(())
}
