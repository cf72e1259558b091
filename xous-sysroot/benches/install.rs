//! `cargo bench -p xous-sysroot --bench install`: a cold install of the real libstd component
//! (the one `LocalDist` builds, packaged by the producer) and of a synthetic one, served from
//! 127.0.0.1, alternating in each round with `curl -s URL | tar -xJ`, `curl -s URL |
//! xz -T0 -d | tar -x` and the real rustup's `target add` of the same archive; then the no-op
//! path in process and in a fresh process. Prints medians, pair-by-pair ratios and peak RSS,
//! and the size of the multi-block archive against a single-block one of the same tar.

#[path = "../tests/it/support/server.rs"]
#[allow(dead_code)]
mod server;
#[path = "../tests/it/support/stand_in.rs"]
#[allow(dead_code)]
mod stand_in;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use xous_sysroot::producer::{ComponentLayout, DistRoot, RustStd};
use xous_sysroot::{Installer, Rustc, RustcVersion, Source};

const TARGET: &str = xous_sysroot::DEFAULT_TARGET;
const DATE: &str = "2026-05-25";
/// The identity of the synthetic component.
const SYNTHETIC_RUSTC: &str = "1.96.0 (ac68faa20 2026-05-25)";
/// Alternating rounds per component (the machine is shared: medians, not means).
const ROUNDS: usize = 7;

/// What a child process is asked to do: `url|cache|rustc identity|smoke rustc or empty`.
const CHILD: &str = "XOUS_SYSROOT_BENCH_CHILD";

fn installer(url: &str, cache: &Path, rustc: &str, smoke: Option<&str>) -> Installer {
    let mut i = Installer::new();
    i.cache_dir(cache)
        .sources(vec![Source::Cache, Source::DistServer(url.to_string())]);
    match smoke {
        // The full default path: the compiler is asked for its version, and compiles.
        Some(program) => i.rustc(Rustc::new(program)).smoke_test(true),
        None => i.version_str(rustc).unwrap().smoke_test(false),
    };
    i
}

fn median<T: PartialOrd + Copy>(v: &[T]) -> T {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
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
fn write_synthetic(dir: &Path, total: usize) -> PathBuf {
    let lib = dir.join("lib");
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
    dir.to_path_buf()
}

/// The libstd `LocalDist` built in this target directory (`lib/` and the build record), copied
/// to `dir`, and the rustc identity it was built by; `None` when it has not been built.
fn real_libstd(dir: &Path) -> Option<(PathBuf, String)> {
    let exe = std::env::current_exe().ok()?;
    // <target dir>/release/deps/install-<hash>
    let target_dir = exe.parent()?.parent()?.parent()?;
    let built = target_dir
        .join("xous-libstd/official/sysroot/lib/rustlib")
        .join(TARGET);
    let record = std::fs::read_to_string(built.join("xous-libstd-build.toml")).ok()?;
    let rustc = record
        .lines()
        .find_map(|l| l.strip_prefix("rustc = \""))?
        .trim_end_matches('"')
        .to_string();
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    for entry in std::fs::read_dir(built.join("lib")).ok()? {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join("lib").join(entry.file_name())).unwrap();
    }
    std::fs::copy(
        built.join("xous-libstd-build.toml"),
        dir.join("xous-libstd-build.toml"),
    )
    .unwrap();
    Some((dir.to_path_buf(), rustc))
}

fn du(dir: &Path) -> u64 {
    xous_sysroot::producer::list_files(dir)
        .unwrap()
        .iter()
        .map(|f| std::fs::metadata(dir.join(f)).unwrap().len())
        .sum()
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1048576.0
}

/// Runs `sh -c script`, timed; panics on failure.
fn timed_sh(script: &str) -> Duration {
    let start = Instant::now();
    let out = Command::new("sh").arg("-c").arg(script).output().unwrap();
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

/// One cold install in a fresh process: its time and peak RSS.
fn ours(url: &str, cache: &Path, rustc: &str, smoke: Option<&str>) -> (Duration, u64) {
    let start = Instant::now();
    let out = Command::new(std::env::current_exe().unwrap())
        .env(
            CHILD,
            format!(
                "{url}|{}|{rustc}|{}",
                cache.display(),
                smoke.unwrap_or_default()
            ),
        )
        .output()
        .unwrap();
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rss = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    let _ = std::fs::remove_dir_all(cache);
    (took, rss)
}

fn child(spec: &str) {
    let mut parts = spec.split('|');
    let (url, cache, rustc) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let smoke = parts.next().filter(|s| !s.is_empty());
    installer(url, Path::new(cache), rustc, smoke)
        .install()
        .unwrap();
    println!("{}", peak_rss_kib());
}

/// A component published with the stand-in toolchain of `rustc` around it, served, and
/// measured against the pipelines and rustup.
fn compare(name: &str, files: &Path, rustc: &str, smoke: Option<&str>, tmp: &Path) {
    let dir = tmp.join(name);
    let version = RustcVersion::parse(rustc).unwrap();
    let root = stand_in::stand_in_toolchain(&dir, &version, DATE).unwrap();
    let started = Instant::now();
    let published = root
        .add_rust_std(&RustStd {
            release: &version.release,
            rustc,
            commit_hash: version.commit_hash.as_deref(),
            date: DATE,
            target: TARGET,
            files,
            gz: false,
        })
        .unwrap();
    let packaged = started.elapsed();
    let multi = std::fs::metadata(&published.xz.0).unwrap().len();
    // The same tar as one block, as rust-lang's archives and older dist roots are.
    let mut single = liblzma::write::XzEncoder::new(Vec::new(), 6);
    ComponentLayout::new(&version.release, TARGET)
        .write_tar(files, &mut single)
        .unwrap();
    let single = single.finish().unwrap().len() as u64;
    println!(
        "\n== {name}: {:.1} MiB unpacked; .tar.xz {:.2} MiB in {} blocks of {} MiB \
         (single block: {:.2} MiB, +{:.2}%), packaged in {packaged:.1?}",
        mib(du(files)),
        mib(multi),
        du(files).div_ceil(xous_sysroot::producer::xz::BLOCK_SIZE),
        xous_sysroot::producer::xz::BLOCK_SIZE >> 20,
        mib(single),
        (multi as f64 / single as f64 - 1.0) * 100.0,
    );

    let server = server::TestServer::start(root.path());
    let url = server.url();
    let xz_url = format!(
        "{url}/{}",
        published.xz.0.strip_prefix(root.path()).unwrap().display()
    );
    let mut install = stand_in::rustup(&dir, &url);
    install.args([
        "toolchain",
        "install",
        &version.release,
        "--profile",
        "minimal",
        "--no-self-update",
    ]);
    let rustup_ok = install.output().is_ok_and(|o| o.status.success());
    if !rustup_ok {
        println!("rustup could not install the stand-in toolchain: rustup left out");
    }

    let names = [
        "ours (cold, fresh process)",
        "curl | tar -xJ",
        "curl | xz -T0 -d | tar -x",
        "rustup target add",
        "ours + smoke compile",
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); names.len()];
    let mut rss = Vec::new();
    for round in 0..ROUNDS {
        // A different contender starts each round.
        for k in 0..names.len() {
            let which = (k + round) % names.len();
            let out = dir.join(format!("out{round}-{which}"));
            std::fs::create_dir_all(&out).unwrap();
            let took = match which {
                0 => {
                    let (took, kib) = ours(&url, &out.join("cache"), rustc, None);
                    rss.push(kib);
                    took
                }
                1 => timed_sh(&format!(
                    "curl -sf '{xz_url}' | tar -xJ -C '{}'",
                    out.display()
                )),
                2 => timed_sh(&format!(
                    "curl -sf '{xz_url}' | xz -T0 -d | tar -x -C '{}'",
                    out.display()
                )),
                3 if rustup_ok => {
                    let mut add = stand_in::rustup(&dir, &url);
                    add.args(["target", "add", TARGET, "--toolchain", &version.release]);
                    let start = Instant::now();
                    let done = add.output().unwrap();
                    let took = start.elapsed();
                    assert!(
                        done.status.success(),
                        "{}",
                        String::from_utf8_lossy(&done.stderr)
                    );
                    let mut remove = stand_in::rustup(&dir, &url);
                    remove.args(["target", "remove", TARGET, "--toolchain", &version.release]);
                    assert!(remove.output().unwrap().status.success());
                    took
                }
                4 if smoke.is_some() => {
                    let (took, kib) = ours(&url, &out.join("cache"), rustc, smoke);
                    rss.push(kib);
                    took
                }
                _ => continue,
            };
            times[which].push(took);
            let _ = std::fs::remove_dir_all(&out);
        }
    }
    for (k, name) in names.iter().enumerate() {
        if times[k].is_empty() {
            continue;
        }
        let line = format!("{name:<28} median {:>8.3?}", median(&times[k]));
        if k == 0 {
            println!("{line}");
            continue;
        }
        // Ratios of the same round: ours / theirs.
        let ratios: Vec<f64> = times[0]
            .iter()
            .zip(&times[k])
            .map(|(o, t)| o.as_secs_f64() / t.as_secs_f64())
            .collect();
        let mut sorted = ratios.clone();
        sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{line}   ours/this per round: median {:.2} (min {:.2}, max {:.2})",
            median(&ratios),
            sorted[0],
            sorted[sorted.len() - 1]
        );
    }
    println!(
        "peak RSS of the installing process: median {:.1} MiB, max {:.1} MiB ({} runs)",
        median(&rss) as f64 / 1024.0,
        *rss.iter().max().unwrap() as f64 / 1024.0,
        rss.len()
    );
    std::io::stdout().flush().unwrap();
}

fn noop(tmp: &Path) {
    let files = write_synthetic(&tmp.join("noop-files"), 4 << 20);
    let root = DistRoot::new(tmp.join("noop-root"));
    root.add_rust_std(&RustStd {
        release: "1.96.0",
        rustc: SYNTHETIC_RUSTC,
        commit_hash: None,
        date: DATE,
        target: TARGET,
        files: &files,
        gz: false,
    })
    .unwrap();
    let server = server::TestServer::start(root.path());
    let url = server.url();
    let cache = tmp.join("warm");
    let i = installer(&url, &cache, SYNTHETIC_RUSTC, None);
    i.install().unwrap();
    let mut calls = Vec::new();
    for _ in 0..2000 {
        let start = Instant::now();
        i.install().unwrap();
        calls.push(start.elapsed());
    }
    println!(
        "\nno-op install(), in process (private mode, version given): median {:?}",
        median(&calls)
    );
    let (mut fresh, mut baseline) = (Vec::new(), Vec::new());
    for _ in 0..30 {
        let start = Instant::now();
        let out = Command::new(std::env::current_exe().unwrap())
            .env(
                CHILD,
                format!("{url}|{}|{SYNTHETIC_RUSTC}|", cache.display()),
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
        "no-op install(), fresh process (spawn+call+exit):       median {:?}",
        median(&fresh)
    );
    println!(
        "spawning `true` for scale:                              median {:?}",
        median(&baseline)
    );
    assert_eq!(
        server.requests(".tar.xz").len(),
        1,
        "one download, then none"
    );
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        child(&spec);
        return;
    }
    if std::env::args_os().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` probes bench binaries
    }
    let tmp = tempfile::tempdir().unwrap();
    match real_libstd(&tmp.path().join("real-files")) {
        Some((files, rustc)) => {
            // The smoke compile needs the compiler the libstd was built by.
            let program = std::env::var("XOUS_SYSROOT_BUILD_RUSTC")
                .unwrap_or_else(|_| "/usr/bin/rustc".into());
            let matches = Rustc::new(&program)
                .version()
                .is_ok_and(|v| v.identity() == rustc);
            if !matches {
                println!("{program} is not {rustc}: the smoke compile is left out");
            }
            compare(
                "real libstd",
                &files,
                &rustc,
                matches.then_some(program.as_str()),
                tmp.path(),
            );
        }
        None => println!(
            "no libstd built by LocalDist in this target directory (`cargo test -p \
             xous-sysroot-build` builds it): the real component is left out"
        ),
    }
    let files = write_synthetic(&tmp.path().join("synthetic-files"), 45 << 20);
    compare("synthetic", &files, SYNTHETIC_RUSTC, None, tmp.path());
    noop(tmp.path());
}
