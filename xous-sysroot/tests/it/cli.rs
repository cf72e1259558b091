//! The real CLI binary: 16 concurrent installs, `kill -9` at random moments, status/env output.
#![cfg(feature = "cli")]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::server::{Fault, TestServer};
use crate::support::{synthetic_dist, url_path, RUSTC, TARGET};

fn cli(server: &str, cache: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xous-sysroot"));
    cmd.args(args)
        .arg(RUSTC)
        .args(["--dist-server", server, "--no-smoke-test", "--retries", "0"])
        .arg("--cache-dir")
        .arg(cache)
        .env("XOUS_SYSROOT_GITHUB_REPO", "none")
        .env_remove("XOUS_SYSROOT_DIST_SERVER")
        .env_remove("CARGO_NET_OFFLINE");
    cmd
}

#[test]
fn sixteen_concurrent_installs_download_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, published) = synthetic_dist(tmp.path(), RUSTC, TARGET, 2_000_000, false);
    let server = TestServer::start(root.path());
    // Slow enough that all 16 processes overlap with the download.
    server.fault(
        &url_path(&root, &published.xz.0),
        Fault::Slow(Duration::from_millis(5)),
    );
    let cache = tmp.path().join("cache");
    let children: Vec<_> = (0..16)
        .map(|_| {
            cli(&server.url(), &cache, &["install"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut installed = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        if text.starts_with("installed:") {
            installed += 1;
        } else {
            assert!(text.starts_with("already installed:"), "{text}");
        }
    }
    assert_eq!(installed, 1, "exactly one process installed");
    assert_eq!(server.requests(".tar.xz").len(), 1, "exactly one download");
    assert!(cli(&server.url(), &cache, &["verify"])
        .status()
        .unwrap()
        .success());
}

#[test]
fn kill_9_at_random_moments_never_leaves_a_broken_install() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, published) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1_000_000, false);
    let server = TestServer::start(root.path());
    let xz = url_path(&root, &published.xz.0);
    let cache = tmp.path().join("cache");
    let target_dir = cache.join("sysroots/1.96.0/lib/rustlib").join(TARGET);
    // Deterministic pseudo-random kill times between 0 and 400 ms.
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for round in 0..15 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(seed % 400);
        server.fault(&xz, Fault::Slow(Duration::from_millis(3)));
        // Interrupt a cold download, a reinstall from the cache over an existing install, and
        // an uninstall, in turn.
        let args: &[&str] = match round % 3 {
            0 => {
                let _ = std::fs::remove_dir_all(cache.join("downloads"));
                &["install", "--force"]
            }
            1 => &["install", "--force"],
            _ => &["uninstall"],
        };
        let mut child = cli(&server.url(), &cache, args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        // Either a complete install or none: if the directory exists, it verifies.
        if target_dir.exists() {
            let out = cli(&server.url(), &cache, &["verify"]).output().unwrap();
            assert!(
                out.status.success(),
                "round {round} after {delay:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        // The next call repairs whatever was left.
        let out = cli(&server.url(), &cache, &["install"]).output().unwrap();
        assert!(
            out.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(cli(&server.url(), &cache, &["verify"])
            .status()
            .unwrap()
            .success());
    }
    let leftovers: Vec<_> = std::fs::read_dir(target_dir.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".xous-sysroot-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn status_env_and_list_describe_the_install() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1000, false);
    let server = TestServer::start(root.path());
    let cache = tmp.path().join("cache");
    let status = cli(&server.url(), &cache, &["status"]).output().unwrap();
    assert!(!status.status.success());
    assert!(String::from_utf8_lossy(&status.stderr).contains("no libstd installed by xous-sysroot"));
    let env = cli(&server.url(), &cache, &["env", "--format", "shell"])
        .output()
        .unwrap();
    assert!(
        env.status.success(),
        "{}",
        String::from_utf8_lossy(&env.stderr)
    );
    let sysroot = cache.join("sysroots/1.96.0");
    assert_eq!(
        String::from_utf8_lossy(&env.stdout),
        format!(
            "export CARGO_TARGET_RISCV32IMAC_UNKNOWN_XOUS_ELF_RUSTFLAGS='--sysroot {}'\n",
            sysroot.display()
        )
    );
    let status = cli(&server.url(), &cache, &["status"]).output().unwrap();
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        text.contains("rustc:     1.96.0 (ac68faa20 2026-05-25)") && text.contains(&server.url()),
        "{text}"
    );
    let list = cli(&server.url(), &cache, &["list"]).output().unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains("rustc 1.96.0 (ac68faa20 2026-05-25)"));
}
