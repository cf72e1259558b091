//! Every rename that commits something (the downloaded archive into the cache, the cache
//! index, the install itself) is followed by an fsync of the directory it renamed into, so
//! that the commit survives a power cut: checked on the system calls of a real
//! `xous-sysroot install`, as `strace` records them (Linux).
#![cfg(all(feature = "cli", target_os = "linux"))]

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use crate::support::server::TestServer;
use crate::support::{synthetic_dist, RUSTC, TARGET};

/// One system call as strace printed it, `unfinished`/`resumed` halves joined.
struct Call {
    pid: String,
    text: String,
}

/// The calls in an `strace -f` log.
fn calls(log: &str) -> Vec<Call> {
    let mut pending: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    for line in log.lines() {
        let Some((pid, rest)) = line.trim_start().split_once(' ') else {
            continue;
        };
        let rest = rest.trim_start();
        if let Some(head) = rest.strip_suffix(" <unfinished ...>") {
            pending.insert(pid.to_string(), head.to_string());
        } else if let Some(tail) = rest.strip_prefix("<... ") {
            let tail = tail.split_once("resumed>").map_or("", |(_, t)| t);
            let head = pending.remove(pid).unwrap_or_default();
            out.push(Call {
                pid: pid.to_string(),
                text: format!("{head}{tail}"),
            });
        } else {
            out.push(Call {
                pid: pid.to_string(),
                text: rest.to_string(),
            });
        }
    }
    out
}

/// The quoted strings of a call, in order.
fn quoted(text: &str) -> Vec<&str> {
    text.split('"').skip(1).step_by(2).collect()
}

/// The return value of a call (`= 5`, after padding), if it succeeded.
fn returned(text: &str) -> Option<&str> {
    let (call, value) = text.rsplit_once(" = ")?;
    let value = value.split(' ').next()?;
    (call.trim_end().ends_with(')') && !value.starts_with('-')).then_some(value)
}

#[test]
fn every_commit_rename_is_followed_by_an_fsync_of_its_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1000, false);
    let server = TestServer::start(root.path());
    let cache = tmp.path().join("cache");
    let log = tmp.path().join("strace.log");
    let out = Command::new("strace")
        .args(["-f", "-qq", "-s", "4096", "-o"])
        .arg(&log)
        .args(["-e", "trace=rename,renameat,renameat2,openat,fsync"])
        .arg(env!("CARGO_BIN_EXE_xous-sysroot"))
        .args(["install", RUSTC, "--dist-server", &server.url()])
        .args([
            "--no-smoke-test",
            "--no-build",
            "--retries",
            "0",
            "--cache-dir",
        ])
        .arg(&cache)
        .env("XOUS_SYSROOT_GITHUB_REPO", "none")
        .env_remove("XOUS_SYSROOT_DIST_SERVER")
        .env_remove("CARGO_NET_OFFLINE")
        .output()
        .expect("this test needs strace (apt-get install strace)");
    assert!(
        out.status.success(),
        "the install under strace failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls = calls(&std::fs::read_to_string(&log).unwrap());
    let cache = cache.to_string_lossy();
    let mut committed = Vec::new();
    for (i, call) in calls.iter().enumerate() {
        if !call.text.starts_with("rename") || returned(&call.text).is_none() {
            continue;
        }
        let to = *quoted(&call.text).last().unwrap();
        if !to.starts_with(&*cache) {
            continue;
        }
        let dir = Path::new(to)
            .parent()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        // Then, in the same process: the directory opened, and that descriptor synced.
        let later = || calls[i + 1..].iter().filter(|c| c.pid == call.pid);
        let fd = later()
            .find(|c| c.text.starts_with("openat(") && quoted(&c.text).first() == Some(&&*dir))
            .and_then(|c| returned(&c.text))
            .unwrap_or_else(|| panic!("'{dir}' is never opened after the rename to '{to}'"));
        assert!(
            later()
                .any(|c| c.text.starts_with(&format!("fsync({fd})"))
                    && returned(&c.text) == Some("0")),
            "'{dir}' (fd {fd}) is never synced after the rename to '{to}'"
        );
        committed.push(to.to_string());
    }
    // The three commits of an install: the verified archive, the cache index, the library.
    let seen = |what: &str| committed.iter().any(|c| c.contains(what));
    assert!(seen("/downloads/"), "{committed:#?}");
    assert!(seen(&format!("/index/{TARGET}.toml")), "{committed:#?}");
    assert!(seen(&format!("/lib/rustlib/{TARGET}")), "{committed:#?}");
}
