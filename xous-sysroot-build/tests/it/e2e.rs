//! End to end: libstd built with Debian's toolchain → `dist` (the shared [`LocalDist`]) →
//! served on 127.0.0.1 → `xous-sysroot` installs it in private and in toolchain mode → cargo
//! links a std program for the target with each. Then the server is gone and everything is
//! repeated offline, from the installer's cache.
//!
//! [`LocalDist`]: xous_sysroot_build::local_dist::LocalDist

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{ensure, Context, Result};
use xous_sysroot::{InstallStatus, Installer, Mode, Rustc, Source, Sysroot};
use xous_sysroot_build::DEFAULT_TARGET;

use crate::support::{build_app, local_dist, rustc, scratch, serve, statuses, tree, write_app};

/// A toolchain directory for toolchain mode. Debian's rustc lives in /usr, which a test must
/// not write into; so `<dir>/bin/rustc` runs Debian's rustc with `--sysroot <dir>` unless it
/// is given one, and `<dir>/lib/rustlib/<host>` links to Debian's host libraries.
/// `rustc --print sysroot` then names `<dir>`, as it names a rustup toolchain's directory.
fn toolchain_dir(dir: &Path) -> Result<PathBuf> {
    let host = &local_dist().build.rustc.host;
    let debian = &local_dist().build.rustc.sysroot;
    fs::create_dir_all(dir.join("bin"))?;
    fs::create_dir_all(dir.join("lib/rustlib"))?;
    std::os::unix::fs::symlink(
        debian.join("lib/rustlib").join(host),
        dir.join("lib/rustlib").join(host),
    )?;
    let wrapper = dir.join("bin/rustc");
    fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in --sysroot|--sysroot=*) exec '{rustc}' \"$@\";; esac; done\nexec '{rustc}' --sysroot '{}' \"$@\"\n",
            dir.display(),
            rustc = rustc().display(),
        ),
    )?;
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&wrapper, fs::Permissions::from_mode(0o755))?;
    Ok(wrapper)
}

/// What `ensure_installed` does, with the settings spelled out instead of read from the
/// environment (tests run in parallel threads).
fn installer(mode: Mode, rustc: &Path, cache: &Path, server: &str, offline: bool) -> Installer {
    let mut i = Installer::new();
    i.version(local_dist().rustc.clone())
        .rustc(Rustc::new(rustc))
        .mode(mode)
        .cache_dir(cache)
        .offline(offline)
        .sources(vec![Source::Cache, Source::DistServer(server.to_owned())]);
    i
}

/// The cargo arguments a private install needs for target builds.
fn private_args(sysroot: &Sysroot) -> Vec<String> {
    match sysroot.mode {
        Mode::Private => vec!["--config".into(), sysroot.cargo_config_arg().unwrap()],
        _ => Vec::new(),
    }
}

#[test]
fn dist_served_installs_in_both_modes_links_and_works_offline() -> Result<()> {
    let dist = local_dist();
    let dir = scratch("e2e");
    let app = write_app(&dir.join("app"))?;
    let toolchain_rustc = toolchain_dir(&dir.join("toolchain"))?;
    let (server, log) = serve(&dist.dist_root, None);
    let url = server.url();
    let built_lib = tree(&dist.build.target_libdir);

    let modes = [
        (Mode::Private, rustc(), dir.join("cache-private")),
        (
            Mode::Toolchain,
            toolchain_rustc.clone(),
            dir.join("cache-toolchain"),
        ),
    ];
    for (mode, compiler, cache) in &modes {
        let s = installer(*mode, compiler, cache, &url, false).install()?;
        ensure!(s.status == InstallStatus::Installed, "{mode}: {s:?}");
        ensure!(
            s.source.starts_with(&url),
            "{mode}: installed from {}",
            s.source
        );
        if *mode == Mode::Toolchain {
            ensure!(
                s.path == dir.join("toolchain"),
                "toolchain install went to {:?}",
                s.path
            );
        }
        // The installed rlibs are the built ones, byte for byte.
        let installed = tree(&s.target_dir().join("lib"));
        ensure!(
            installed == built_lib,
            "{mode}: installed rlibs differ from the build"
        );
        ensure!(s
            .target_dir()
            .join(xous_sysroot_build::BUILD_INFO_FILE_NAME)
            .is_file());
        let again = installer(*mode, compiler, cache, &url, false).install()?;
        ensure!(again.status == InstallStatus::AlreadyInstalled);
        build_app(
            &app,
            compiler,
            &private_args(&s),
            &dir.join(format!("target-{mode}")),
        )
        .with_context(|| format!("{mode} mode"))?;
    }
    let manifest = format!("/dist/channel-rust-{}.toml", dist.rustc.release);
    ensure!(
        statuses(&log, &manifest) == [200, 200],
        "{:?}",
        log.lock().unwrap()
    );
    ensure!(statuses(&log, ".tar.xz") == [200, 200]);

    // Offline: no server, no network; remove the installs and install again from the caches.
    drop(server);
    for (mode, compiler, cache) in &modes {
        let gone = installer(*mode, compiler, cache, &url, true).uninstall()?;
        ensure!(gone, "{mode}: nothing to uninstall");
        let s = installer(*mode, compiler, cache, &url, true).install()?;
        ensure!(
            s.status == InstallStatus::Installed,
            "{mode} offline: {s:?}"
        );
        ensure!(tree(&s.target_dir().join("lib")) == built_lib);
        let mut args = private_args(&s);
        args.push("--offline".into());
        build_app(
            &app,
            compiler,
            &args,
            &dir.join(format!("target-{mode}-offline")),
        )
        .with_context(|| format!("{mode} mode, offline"))?;
    }
    // Toolchain mode wrote only `lib/rustlib/<target>` into the toolchain directory.
    let mut rustlib: Vec<String> = fs::read_dir(dir.join("toolchain/lib/rustlib"))?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    rustlib.sort();
    let mut expected = vec![dist.build.rustc.host.clone(), DEFAULT_TARGET.to_owned()];
    expected.sort();
    ensure!(rustlib == expected, "{rustlib:?}");
    Ok(())
}

/// The legacy release zip: what xtask-based workflows unzip into `$(rustc --print sysroot)`
/// (`lib/rustlib/<target>/…` with `RUST_VERSION` holding the release), and what the
/// installer's GitHub-release source accepts, placing the same rlibs.
#[test]
fn legacy_zip_has_the_xtask_layout_and_installs() -> Result<()> {
    let dist = local_dist();
    let release = &dist.rustc.release;
    let (zip_path, zip_sha) = dist
        .packaged
        .zip
        .clone()
        .context("the shared dist has a zip")?;
    ensure!(
        zip_path.file_name().unwrap().to_string_lossy()
            == format!("riscv32imac-unknown-xous_{release}.zip")
    );
    let mut zip = zip::ZipArchive::new(fs::File::open(&zip_path)?)?;
    let names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).map(|e| e.name().to_owned()))
        .collect::<Result<_, _>>()?;
    let prefix = format!("lib/rustlib/{DEFAULT_TARGET}/");
    ensure!(
        names
            .iter()
            .all(|n| prefix.starts_with(n.as_str()) || n.starts_with(&prefix)),
        "{names:?}"
    );
    let mut sorted = names.clone();
    sorted.sort();
    ensure!(names == sorted, "entries are not sorted");
    let mut version = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name(&format!("{prefix}RUST_VERSION"))?,
        &mut version,
    )?;
    ensure!(version == format!("{release}\n"), "{version:?}");
    ensure!(zip
        .by_name(&format!(
            "{prefix}{}",
            xous_sysroot_build::BUILD_INFO_FILE_NAME
        ))
        .is_ok());

    // Served as a GitHub release asset with its digest, as the Xous fork publishes it.
    let dir = scratch("legacy-zip");
    let site = dir.join("site");
    let name = zip_path.file_name().unwrap().to_string_lossy().into_owned();
    fs::create_dir_all(site.join("download"))?;
    fs::create_dir_all(site.join("repos/betrusted-io/rust"))?;
    fs::hard_link(&zip_path, site.join("download").join(&name))
        .or_else(|_| fs::copy(&zip_path, site.join("download").join(&name)).map(drop))?;
    let (server, _) = serve(&site, None);
    fs::write(
        site.join("repos/betrusted-io/rust/releases"),
        format!(
            r#"[{{"tag_name":"{release}.1","assets":[{{"name":"{name}","state":"uploaded","browser_download_url":"{}/download/{name}","digest":"sha256:{zip_sha}"}}]}}]"#,
            server.url()
        ),
    )?;
    let mut i = Installer::new();
    i.version(dist.rustc.clone())
        .rustc(Rustc::new(rustc()))
        .mode(Mode::Private)
        .cache_dir(dir.join("cache"))
        .sources(vec![Source::GithubReleases {
            api: server.url(),
            repo: "betrusted-io/rust".into(),
        }]);
    let s = i.install()?;
    ensure!(s.status == InstallStatus::Installed);
    ensure!(tree(&s.target_dir().join("lib")) == tree(&dist.build.target_libdir));
    ensure!(fs::read_to_string(s.target_dir().join("RUST_VERSION"))? == version);
    Ok(())
}
