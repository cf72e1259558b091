//! Toolchain mode next to the real `rustup` binary: after our install into a rustup-managed
//! toolchain, `rustup component list` and `rustup toolchain uninstall` still work.
//!
//! The toolchain is installed by rustup itself, in a throwaway `RUSTUP_HOME`, from a dist root
//! served on 127.0.0.1 whose host components are small stand-ins (`support/stand_in.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;

use xous_sysroot::{Mode, RustcVersion, Source};

use crate::support::server::TestServer;
use crate::support::stand_in::{rustup, stand_in_toolchain, HOST};
use crate::support::{snapshot, synthetic_dist, RUSTC, TARGET};

const RELEASE: &str = "1.96.0";
const DATE: &str = "2026-05-25";

pub fn run(mut cmd: Command) -> String {
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

/// rustup (in `home`) installs the stand-in toolchain of [`RELEASE`] from a stand-in upstream;
/// returns that server and the toolchain directory.
pub fn rustup_stand_in(home: &Path) -> (TestServer, PathBuf) {
    let rustc = RustcVersion::parse(RUSTC).unwrap();
    assert_eq!(rustc.release, RELEASE);
    let upstream = stand_in_toolchain(home, &rustc, DATE).unwrap();
    let server = TestServer::start(upstream.path());
    let mut install = rustup(home, &server.url());
    install.args([
        "toolchain",
        "install",
        RELEASE,
        "--profile",
        "minimal",
        "--no-self-update",
    ]);
    run(install);
    let toolchain = home
        .join("rustup/toolchains")
        .join(format!("{RELEASE}-{HOST}"));
    assert!(toolchain.join("bin/rustc").is_file());
    (server, toolchain)
}

#[test]
fn rustup_still_manages_a_toolchain_we_installed_into() {
    let tmp = tempfile::tempdir().unwrap();
    let (server, toolchain) = rustup_stand_in(tmp.path());
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
