//! Toolchain mode next to the real `rustup` binary: after our install into a rustup-managed
//! toolchain, `rustup component list` and `rustup toolchain uninstall` still work.
//!
//! The toolchain is installed by rustup itself, in a throwaway `RUSTUP_HOME`, from a dist root
//! served on 127.0.0.1 whose host components are small stand-ins packaged here.

use std::path::Path;
use std::process::Command;

use xous_sysroot::producer::ComponentLayout;
use xous_sysroot::producer::DistRoot;
use xous_sysroot::producer::{Manifest, Package, PackageRef, TargetedPackage};
use xous_sysroot::{Mode, Source};

use crate::support::server::TestServer;
use crate::support::{snapshot, synthetic_dist, RUSTC, TARGET};

const HOST: &str = "x86_64-unknown-linux-gnu";
const RELEASE: &str = "1.96.0";
const DATE: &str = "2026-05-25";

/// Publishes stand-in `rustc`, `cargo` and host `rust-std` plus the `rust` package that lists them.
fn stand_in_toolchain(dir: &Path) -> DistRoot {
    let root = DistRoot::new(dir.join("upstream"));
    let mut manifest = Manifest::new(DATE);
    let mut rust = TargetedPackage {
        available: true,
        ..Default::default()
    };
    for pkg in ["rustc", "cargo", "rust-std"] {
        let files = dir.join("stand-in").join(pkg);
        let (path, body) = match pkg {
            "rust-std" => (
                "lib/libstd-stand-in.rlib".to_string(),
                "not a real library\n".to_string(),
            ),
            tool => (
                format!("bin/{tool}"),
                format!("#!/bin/sh\necho '{tool} {RUSTC}'\n"),
            ),
        };
        std::fs::create_dir_all(files.join(&path).parent().unwrap()).unwrap();
        std::fs::write(files.join(&path), body).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(files.join(&path), std::fs::Permissions::from_mode(0o755))
                .unwrap();
        }
        let layout = ComponentLayout::package(pkg, RELEASE, HOST);
        let name = layout.archive_name("tar.xz");
        let archive = root.path().join("dist").join(DATE).join(&name);
        std::fs::create_dir_all(archive.parent().unwrap()).unwrap();
        layout
            .write_tar_xz(&files, std::fs::File::create(&archive).unwrap())
            .unwrap();
        let build = TargetedPackage {
            available: true,
            xz_url: Some(format!("https://static.rust-lang.org/dist/{DATE}/{name}")),
            xz_hash: Some(xous_sysroot::producer::sha256_file(&archive).unwrap()),
            ..Default::default()
        };
        let package = manifest
            .pkg
            .entry(pkg.to_string())
            .or_insert_with(|| Package {
                version: RUSTC.to_string(),
                git_commit_hash: None,
                target: Default::default(),
                other: Default::default(),
            });
        package.target.insert(HOST.to_string(), build);
        rust.components.push(PackageRef {
            pkg: pkg.to_string(),
            target: HOST.to_string(),
            other: Default::default(),
        });
    }
    let rust_pkg = Package {
        version: RUSTC.to_string(),
        git_commit_hash: None,
        target: [(HOST.to_string(), rust)].into(),
        other: Default::default(),
    };
    manifest.pkg.insert("rust".into(), rust_pkg);
    manifest.profiles.insert(
        "minimal".into(),
        vec!["rustc".into(), "cargo".into(), "rust-std".into()],
    );
    root.write_manifest(RELEASE, &manifest).unwrap();
    root
}

fn rustup(home: &Path, server: &str) -> Command {
    let mut cmd = Command::new("rustup");
    cmd.env("RUSTUP_HOME", home.join("rustup"))
        .env("CARGO_HOME", home.join("cargo"))
        .env("RUSTUP_DIST_SERVER", server)
        .env("RUSTUP_UPDATE_ROOT", format!("{server}/rustup"))
        .env_remove("RUSTUP_TOOLCHAIN");
    cmd
}

fn run(mut cmd: Command) -> String {
    let out = cmd
        .output()
        .expect("the rustup binary (installed with the machine's toolchain)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

#[test]
fn rustup_still_manages_a_toolchain_we_installed_into() {
    let tmp = tempfile::tempdir().unwrap();
    let upstream = stand_in_toolchain(tmp.path());
    let server = TestServer::start(upstream.path());
    let mut install = rustup(tmp.path(), &server.url());
    install.args([
        "toolchain",
        "install",
        RELEASE,
        "--profile",
        "minimal",
        "--no-self-update",
    ]);
    run(install);
    let toolchain = tmp
        .path()
        .join("rustup/toolchains")
        .join(format!("{RELEASE}-{HOST}"));
    assert!(toolchain.join("bin/rustc").is_file());
    let rustlib = toolchain.join("lib/rustlib");
    let before = snapshot(&rustlib);

    let (ours, _) = synthetic_dist(&tmp.path().join("ours"), RUSTC, TARGET, 1000, false);
    let mut i = xous_sysroot::Installer::new();
    i.version_str(RUSTC)
        .unwrap()
        .mode(Mode::Toolchain)
        .sysroot(&toolchain)
        .smoke_test(false)
        .cache_dir(tmp.path().join("cache"))
        .sources(vec![Source::DistServer(ours.path().display().to_string())]);
    let s = i.install().unwrap();
    assert_eq!(s.target_dir(), rustlib.join(TARGET));
    let untouched: Vec<_> = snapshot(&rustlib)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(rustlib.join(TARGET)))
        .collect();
    assert_eq!(untouched, before, "rustup's files are untouched");

    let mut list = rustup(tmp.path(), &server.url());
    list.args(["component", "list", "--installed", "--toolchain", RELEASE]);
    let listed = run(list);
    assert!(listed.contains(&format!("rustc-{HOST}")), "{listed}");

    let mut uninstall = rustup(tmp.path(), &server.url());
    uninstall.args(["toolchain", "uninstall", RELEASE]);
    run(uninstall);
    assert!(!toolchain.exists());
}
