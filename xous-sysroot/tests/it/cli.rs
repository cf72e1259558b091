//! The real CLI binary: 16 concurrent installs and `kill -9` at random moments (the chaos
//! campaign's trials at a small scale), status/env output.
#![cfg(feature = "cli")]

use crate::chaos::{self, cli};
use crate::support::server::TestServer;
use crate::support::{synthetic_dist, RUSTC, TARGET};

#[test]
fn sixteen_concurrent_installs_download_once() {
    let row = chaos::concurrent_cold(16, 1);
    assert!(row.clean() && row.runs == 16, "{row:?}");
}

#[test]
fn kill_9_at_random_moments_never_leaves_a_broken_install() {
    let row = chaos::kill_rounds(15, 0x2545_F491_4F6C_DD1D);
    assert!(row.clean() && row.runs == 15, "{row:?}");
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
    let sysroot = cache.join("sysroots/1.96.0-ac68faa20");
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
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        listed.lines().any(|l| l
            .starts_with("  1.96.0-ac68faa20  rustc 1.96.0 (ac68faa20 2026-05-25)  (")
            && l.ends_with(&format!(" files)  {}", sysroot.display()))),
        "{listed}"
    );
    // `status` takes the name `list` shows.
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_xous-sysroot"))
        .args(["status", "1.96.0-ac68faa20", "--cache-dir"])
        .arg(&cache)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&status.stdout).contains("rustc:     1.96.0 (ac68faa20"),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn a_bad_xous_sysroot_mode_is_its_own_error_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1000, false);
    let server = TestServer::start(root.path());
    let cache = tmp.path().join("cache");
    for command in ["install", "status"] {
        let out = cli(&server.url(), &cache, &[command])
            .env("XOUS_SYSROOT_MODE", "sandbox")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{command}: {stderr}");
        assert!(
            stderr.starts_with("error: unknown install mode 'sandbox': expected 'private', 'toolchain' or 'linked'\nhelp: set XOUS_SYSROOT_MODE"),
            "{command}: {stderr}"
        );
        assert!(!stderr.contains("cannot fetch"), "{stderr}");
        assert!(!cache.exists(), "{command} wrote to the cache");
    }
    assert!(server.requests("").is_empty(), "the server was asked");
}
