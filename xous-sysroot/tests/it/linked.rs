//! Linked mode through the real CLI binary and the real `rustup` (a throwaway `RUSTUP_HOME`):
//! the base is a stand-in toolchain rustup installed from 127.0.0.1 (`rustup.rs`), the libstd a
//! synthetic one. The base is snapshotted (bytes, inodes, mtimes) around every step.
#![cfg(feature = "cli")]

use std::path::Path;
use std::process::{Command, Output};

use xous_sysroot::RustcVersion;

use crate::chaos::{cli, cli_for};
use crate::rustup::{run, rustup_stand_in};
use crate::support::server::TestServer;
use crate::support::stand_in::{rustup, stand_in_toolchain, toolchain_snapshot, HOST};
use crate::support::{synthetic_dist, RUSTC, TARGET};

const NAME: &str = "xous-1.96.0";

/// The CLI for the rustc `rustc` with the environment of the throwaway rustup (`home`,
/// `server`).
fn linked_cli(home: &Path, server: &str, dist: &str, rustc: &str, args: &[&str]) -> Command {
    let mut cmd = cli_for(rustc, dist, &home.join("cache"), args);
    for (key, value) in rustup(home, server).get_envs() {
        match value {
            Some(value) => cmd.env(key, value),
            None => cmd.env_remove(key),
        };
    }
    cmd
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_linked_toolchain_is_named_by_rustup_and_the_base_is_never_written() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let (server, base) = rustup_stand_in(home);
    let before = toolchain_snapshot(&base);
    let (dist, _) = synthetic_dist(&home.join("ours"), RUSTC, TARGET, 1000, false);
    let dist = dist.path().display().to_string();
    let base_arg = base.display().to_string();
    let linked = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--mode", "linked", "--sysroot", &base_arg]);
        linked_cli(home, &server.url(), &dist, RUSTC, &all)
            .output()
            .unwrap()
    };
    let rustup_run = |args: &[&str]| {
        let mut cmd = rustup(home, &server.url());
        cmd.args(args);
        run(cmd)
    };

    // A name that is another rustup toolchain is refused before anything is made.
    let other = home.join("other-toolchain");
    std::fs::create_dir_all(other.join("lib")).unwrap();
    std::fs::create_dir_all(other.join("bin")).unwrap();
    std::fs::write(other.join("bin/rustc"), "").unwrap();
    rustup_run(&[
        "toolchain",
        "link",
        "xous-taken",
        &other.display().to_string(),
    ]);
    let taken = linked(&["install", "--name", "xous-taken"]);
    let err = String::from_utf8_lossy(&taken.stderr);
    assert!(
        !taken.status.success()
            && err.starts_with("error: the rustup toolchain 'xous-taken' already exists")
            && err.contains("help: choose another name"),
        "{err}"
    );
    assert!(!home.join("cache/toolchains").exists());
    rustup_run(&["toolchain", "uninstall", "xous-taken"]);

    let text = stdout(&linked(&["install"]));
    let root = home.join("cache/toolchains/1.96.0-ac68faa20");
    assert!(
        text.contains("installed: ") && text.contains(&format!("rustup toolchain: {NAME}")),
        "{text}"
    );
    let listed = rustup_run(&["toolchain", "list", "-v"]);
    assert!(
        listed.contains(&format!("{NAME} {}", root.display())),
        "{listed}"
    );
    // rustup runs the linked toolchain's compiler: the base's, through a hard link.
    let version = rustup_run(&["run", NAME, "rustc", "--version"]);
    assert_eq!(version.trim(), format!("rustc {RUSTC}"));
    let target_dir = root.join("lib/rustlib").join(TARGET);
    assert_eq!(
        std::fs::read_to_string(target_dir.join("RUST_VERSION")).unwrap(),
        "1.96.0\n"
    );
    assert!(target_dir.join("lib/libstd-4567.rlib").is_file());
    // A rust-toolchain.toml naming it selects it.
    let project = home.join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("rust-toolchain.toml"),
        format!("[toolchain]\nchannel = \"{NAME}\"\n"),
    )
    .unwrap();
    let mut active = rustup(home, &server.url());
    active
        .args(["show", "active-toolchain"])
        .current_dir(&project);
    assert!(run(active).starts_with(NAME));

    let again = stdout(&linked(&["install"]));
    assert!(again.contains("already installed: "), "{again}");
    let status = stdout(&linked(&["status"]));
    assert!(
        status.contains(&format!("toolchain: {NAME} at {}", root.display())),
        "{status}"
    );
    assert!(stdout(&linked(&["verify"])).starts_with("ok: "));
    let list = stdout(&linked(&["list"]));
    assert!(
        list.contains(&format!("1.96.0-ac68faa20  rustc {RUSTC}  ({NAME})")),
        "{list}"
    );
    assert!(!list.contains("changed or removed"), "{list}");
    assert_eq!(
        toolchain_snapshot(&base),
        before,
        "the base after the install"
    );

    let removed = stdout(&linked(&["uninstall"]));
    assert!(
        removed.contains(&format!("unlinked the rustup toolchain {NAME}"))
            && removed.contains(&format!("removed {}", root.display())),
        "{removed}"
    );
    assert!(!root.exists());
    assert!(!rustup_run(&["toolchain", "list"]).contains(NAME));
    assert_eq!(
        toolchain_snapshot(&base),
        before,
        "the base after the uninstall"
    );

    // rustup removes the base: the linked toolchain keeps working, and `list` says that no
    // rustup toolchain matches it any more.
    stdout(&linked(&["install"]));
    rustup_run(&["toolchain", "uninstall", "1.96.0"]);
    assert!(!base.exists());
    let version = rustup_run(&["run", NAME, "rustc", "--version"]);
    assert_eq!(version.trim(), format!("rustc {RUSTC}"));
    let list = stdout(&linked(&["list"]));
    assert!(
        list.contains(&format!("base {} changed or removed", base.display())),
        "{list}"
    );
    // A second name for the same toolchain; the uninstall unlinks both.
    let named = stdout(&linked(&["install", "--name", "xous-mine"]));
    assert!(named.contains("rustup toolchain: xous-mine"), "{named}");
    let listed = rustup_run(&["toolchain", "list"]);
    assert!(
        listed.contains(NAME) && listed.contains("xous-mine"),
        "{listed}"
    );
    stdout(&linked(&["uninstall"]));
    let listed = rustup_run(&["toolchain", "list"]);
    assert!(
        !listed.contains(NAME) && !listed.contains("xous-mine"),
        "{listed}"
    );
}

/// The rustc that rustup's `stable` becomes in the update.
const UPDATED: &str = "1.96.1 (b1e2c3d4a 2026-07-09)";

/// Publishes the stand-in toolchain of `rustc` (an identity) in the upstream dist root under
/// `home` as rustup's `stable` channel, as an update of the channel does.
fn publish_stable(home: &Path, rustc: &str, date: &str) {
    let rustc = RustcVersion::parse(rustc).unwrap();
    let upstream = stand_in_toolchain(home, &rustc, date).unwrap();
    let dist = upstream.path().join("dist");
    for suffix in ["", ".sha256"] {
        std::fs::copy(
            dist.join(format!("channel-rust-{}.toml{suffix}", rustc.release)),
            dist.join(format!("channel-rust-stable.toml{suffix}")),
        )
        .unwrap();
    }
}

#[test]
fn after_rustup_updates_stable_the_new_linked_toolchain_is_made_beside_the_old() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    publish_stable(home, RUSTC, "2026-05-25");
    let server = TestServer::start(home.join("upstream"));
    let rustup_run = |args: &[&str]| {
        let mut cmd = rustup(home, &server.url());
        cmd.args(args);
        run(cmd)
    };
    rustup_run(&[
        "toolchain",
        "install",
        "stable",
        "--profile",
        "minimal",
        "--no-self-update",
    ]);
    let base = home
        .join("rustup/toolchains")
        .join(format!("stable-{HOST}"));
    // Our libstd for each compiler, each from a dist root of its own.
    let ours = |rustc: &str, dir: &str| {
        let (dist, _) = synthetic_dist(&home.join(dir), rustc, TARGET, 1000, false);
        dist.path().display().to_string()
    };
    let (dist_old, dist_new) = (ours(RUSTC, "ours-old"), ours(UPDATED, "ours-new"));
    let linked = |rustc: &str, dist: &str, args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--mode", "linked", "--toolchain", "stable"]);
        stdout(
            &linked_cli(home, &server.url(), dist, rustc, &all)
                .output()
                .unwrap(),
        )
    };

    let text = linked(RUSTC, &dist_old, &["install"]);
    assert!(text.contains("rustup toolchain: xous-1.96.0"), "{text}");
    let old_root = home.join("cache/toolchains/1.96.0-ac68faa20");
    let old_before = toolchain_snapshot(&old_root);

    // rustup updates `stable` to 1.96.1: the base directory now holds another compiler.
    publish_stable(home, UPDATED, "2026-07-09");
    rustup_run(&["update", "stable", "--no-self-update"]);
    let version = rustup_run(&["run", "stable", "rustc", "--version"]);
    assert_eq!(version.trim(), format!("rustc {UPDATED}"));
    let list = linked(RUSTC, &dist_old, &["list"]);
    assert!(
        list.contains(&format!("base {} changed or removed", base.display())),
        "{list}"
    );

    // The same command for the new compiler makes the new linked toolchain beside the old.
    let text = linked(UPDATED, &dist_new, &["install"]);
    assert!(text.contains("rustup toolchain: xous-1.96.1"), "{text}");
    let new_root = home.join("cache/toolchains/1.96.1-b1e2c3d4a");
    for root in [&old_root, &new_root] {
        assert!(root
            .join("lib/rustlib")
            .join(TARGET)
            .join("lib/libstd-4567.rlib")
            .is_file());
    }
    assert_eq!(
        toolchain_snapshot(&old_root),
        old_before,
        "the old one is untouched"
    );
    let listed = rustup_run(&["toolchain", "list", "-v"]);
    for (name, root) in [("xous-1.96.0", &old_root), ("xous-1.96.1", &new_root)] {
        assert!(
            listed.contains(&format!("{name} {}", root.display())),
            "{listed}"
        );
    }
    // Each runs its own compiler: the old one still the one it was made from.
    for (name, rustc) in [("xous-1.96.0", RUSTC), ("xous-1.96.1", UPDATED)] {
        let version = rustup_run(&["run", name, "rustc", "--version"]);
        assert_eq!(version.trim(), format!("rustc {rustc}"), "{name}");
    }
    // `list` shows both; only the old one no longer matches the base.
    let list = linked(UPDATED, &dist_new, &["list"]);
    let old_line = format!("1.96.0-ac68faa20  rustc {RUSTC}  (xous-1.96.0)");
    let new_line = format!("1.96.1-b1e2c3d4a  rustc {UPDATED}  (xous-1.96.1)");
    assert!(
        list.contains(&old_line) && list.contains(&new_line),
        "{list}"
    );
    let changed: Vec<&str> = list
        .lines()
        .filter(|l| l.contains("changed or removed"))
        .collect();
    assert_eq!(changed.len(), 1, "{list}");
    let after_old = list.split(&old_line).nth(1).unwrap();
    assert!(
        after_old
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains("changed or removed")),
        "the note follows the old one: {list}"
    );
}

/// A base toolchain directory as rustup lays one out, made by hand.
fn hand_made_base(dir: &Path) -> std::path::PathBuf {
    let base = dir.join("base");
    std::fs::create_dir_all(base.join("bin")).unwrap();
    std::fs::create_dir_all(base.join("lib/rustlib")).unwrap();
    std::fs::write(base.join("bin/rustc"), "#!/bin/sh\n").unwrap();
    std::fs::write(base.join("lib/rustlib/components"), "rustc\n").unwrap();
    base
}

#[test]
fn without_rustup_the_toolchain_is_made_and_the_output_says_how_to_use_it() {
    let tmp = tempfile::tempdir().unwrap();
    let base = hand_made_base(tmp.path());
    let (dist, _) = synthetic_dist(&tmp.path().join("ours"), RUSTC, TARGET, 1000, false);
    let no_rustup = tmp.path().join("empty-path");
    std::fs::create_dir_all(&no_rustup).unwrap();
    let cache = tmp.path().join("cache");
    let out = cli(&dist.path().display().to_string(), &cache, &["install"])
        .args(["--mode", "linked", "--sysroot"])
        .arg(&base)
        .env("PATH", &no_rustup)
        .output()
        .unwrap();
    let text = stdout(&out);
    let root = cache.join("toolchains/1.96.0-ac68faa20");
    assert!(
        text.contains(&format!(
            "rustup not found: the toolchain is not registered; use it as RUSTC={}/bin/rustc",
            root.display()
        )) && text.contains(&format!("rustup toolchain link {NAME} {}", root.display())),
        "{text}"
    );
    assert!(root
        .join("lib/rustlib")
        .join(TARGET)
        .join("RUST_VERSION")
        .is_file());
}

#[test]
fn a_bad_name_or_base_is_refused_and_nothing_is_made() {
    let tmp = tempfile::tempdir().unwrap();
    let base = hand_made_base(tmp.path());
    let cache = tmp.path().join("cache");
    let dist = tmp.path().join("no-dist").display().to_string();
    let refused = |args: &[&str]| {
        let out = cli(&dist, &cache, args)
            .args(["--mode", "linked", "--sysroot"])
            .arg(&base)
            .output()
            .unwrap();
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = refused(&["install", "--name", "stable"]);
    assert!(
        err.starts_with("error: 'stable' cannot name a linked toolchain")
            && err.contains("help: choose a name"),
        "{err}"
    );
    // A shared prefix such as /usr is not a toolchain to mirror.
    std::fs::create_dir(base.join("include")).unwrap();
    let err = refused(&["install"]);
    assert!(err.contains("shared prefix"), "{err}");
    assert!(!cache.join("toolchains").exists());
}
