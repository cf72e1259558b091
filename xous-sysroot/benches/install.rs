//! `cargo bench -p xous-sysroot --bench install`: the no-op path (in process and in a fresh
//! process) and a cold install of a libstd-sized `.tar.xz` from 127.0.0.1, side by side with
//! `curl -s URL | tar -xJ` on the same file, with peak RSS. Prints medians and ratios.

#[path = "../tests/it/support/server.rs"]
#[allow(dead_code)]
mod server;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use xous_sysroot::producer::{DistRoot, RustStd};
use xous_sysroot::{Installer, Source};

const TARGET: &str = xous_sysroot::DEFAULT_TARGET;
const RUSTC: &str = "1.96.0 (ac68faa20 2026-05-25)";

fn installer(url: &str, cache: &Path) -> Installer {
    let mut i = Installer::new();
    i.version_str(RUSTC)
        .unwrap()
        .cache_dir(cache)
        .smoke_test(false)
        .sources(vec![Source::Cache, Source::DistServer(url.to_string())]);
    i
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Peak resident set of this process, from /proc (Linux).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Library-like contents: a third random bytes, the rest runs of repeated bytes, so that xz
/// shrinks it about as much as it shrinks rlibs.
fn write_files(dir: &Path, total: usize) -> std::path::PathBuf {
    let lib = dir.join("lib/rustlib").join(TARGET).join("lib");
    std::fs::create_dir_all(&lib).unwrap();
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let per = total / 30;
    for n in 0..30 {
        let mut bytes = Vec::with_capacity(per);
        while bytes.len() < per {
            for _ in 0..64 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                bytes.push(x as u8);
            }
            bytes.extend(std::iter::repeat_n((x >> 8) as u8, 128));
        }
        std::fs::write(
            lib.join(format!("libcrate{n}-0123456789abcdef.rlib")),
            &bytes,
        )
        .unwrap();
    }
    dir.join("lib/rustlib").join(TARGET)
}

fn main() {
    if let Ok(spec) = std::env::var("XOUS_SYSROOT_BENCH_CHILD") {
        // Fresh-process mode: one call, then report peak RSS.
        let (url, cache) = spec.split_once('|').unwrap();
        installer(url, Path::new(cache)).install().unwrap();
        println!("{}", peak_rss_kib());
        return;
    }
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` probes bench binaries
    }
    let tmp = tempfile::tempdir().unwrap();
    let files = write_files(&tmp.path().join("files"), 45 << 20);
    let root = DistRoot::new(tmp.path().join("dist-root"));
    let published = root
        .add_rust_std(&RustStd {
            release: "1.96.0",
            rustc: RUSTC,
            commit_hash: None,
            date: "2026-05-25",
            target: TARGET,
            files: &files,
            gz: false,
        })
        .unwrap();
    let xz_size = std::fs::metadata(&published.xz.0).unwrap().len();
    let server = server::TestServer::start(root.path());
    let url = server.url();
    let xz_url = format!(
        "{url}/{}",
        published.xz.0.strip_prefix(root.path()).unwrap().display()
    );
    let exe = std::env::current_exe().unwrap();
    println!(
        "archive: {:.1} MiB .tar.xz, {:.1} MiB unpacked",
        xz_size as f64 / 1048576.0,
        (45 << 20) as f64 / 1048576.0
    );

    // Cold install vs curl | tar, alternating, 5 rounds.
    let (mut ours, mut theirs, mut rss) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..5 {
        let cache = tmp.path().join(format!("cold{round}"));
        let start = Instant::now();
        let out = Command::new(&exe)
            .env(
                "XOUS_SYSROOT_BENCH_CHILD",
                format!("{url}|{}", cache.display()),
            )
            .output()
            .unwrap();
        ours.push(start.elapsed());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        rss.push(
            String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse::<u64>()
                .unwrap(),
        );
        let dest = tmp.path().join(format!("curl{round}"));
        std::fs::create_dir_all(&dest).unwrap();
        let start = Instant::now();
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "curl -sf '{xz_url}' | tar -xJ -C '{}'",
                dest.display()
            ))
            .status()
            .unwrap();
        theirs.push(start.elapsed());
        assert!(status.success(), "curl | tar failed: is curl installed?");
        let _ = std::fs::remove_dir_all(&cache);
        let _ = std::fs::remove_dir_all(&dest);
    }
    let (o, t) = (median(ours), median(theirs));
    println!("cold install (fresh process, download+sha256+xz+untar+stamp): median {o:?}");
    println!("curl -s | tar -xJ on the same file:                          median {t:?}");
    println!(
        "ratio ours / curl|tar: {:.2}",
        o.as_secs_f64() / t.as_secs_f64()
    );
    rss.sort();
    println!(
        "peak RSS of the installing process: median {} KiB (max {} KiB)",
        rss[rss.len() / 2],
        rss[rss.len() - 1]
    );

    // No-op path.
    let cache = tmp.path().join("warm");
    let i = installer(&url, &cache);
    i.install().unwrap();
    let mut calls = Vec::new();
    for _ in 0..2000 {
        let start = Instant::now();
        i.install().unwrap();
        calls.push(start.elapsed());
    }
    println!(
        "no-op ensure_installed, in process (private mode, version given): median {:?}",
        median(calls)
    );
    let mut fresh = Vec::new();
    let mut baseline = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        let out = Command::new(&exe)
            .env(
                "XOUS_SYSROOT_BENCH_CHILD",
                format!("{url}|{}", cache.display()),
            )
            .output()
            .unwrap();
        fresh.push(start.elapsed());
        assert!(out.status.success());
        let start = Instant::now();
        Command::new("true").status().unwrap();
        baseline.push(start.elapsed());
    }
    println!(
        "no-op ensure_installed, fresh process (spawn+call+exit):     median {:?}",
        median(fresh)
    );
    println!(
        "spawning `true` for scale:                                  median {:?}",
        median(baseline)
    );
    assert_eq!(
        server.requests(".tar.xz").len(),
        11,
        "one download per cold round (ours and curl) plus the warm-up"
    );
}
