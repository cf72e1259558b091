//! Shared helpers of the integration tests: the HTTP server and dist roots made of small
//! synthetic components (and, for smoke tests, the host's real libstd).

pub mod server;

use std::path::{Path, PathBuf};

use xous_sysroot::dist::{DistRoot, Published, RustStd};

/// The default target of the crate, spelled once for the tests.
pub const TARGET: &str = xous_sysroot::DEFAULT_TARGET;

/// A synthetic identity for fixtures.
pub const RUSTC: &str = "1.96.0 (ac68faa20 2026-05-25)";

/// Writes a few files as `lib/rustlib/<target>/lib/*` into `dir` and returns the target dir.
pub fn synthetic_files(dir: &Path, target: &str, size: usize) -> PathBuf {
    let lib = dir.join("lib/rustlib").join(target).join("lib");
    std::fs::create_dir_all(&lib).unwrap();
    for (i, name) in [
        "libcore-0123.rlib",
        "libstd-4567.rlib",
        "liballoc-89ab.rlib",
    ]
    .iter()
    .enumerate()
    {
        // xorshift: incompressible, so archive sizes (and cut points) are predictable.
        let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ i as u64;
        let bytes: Vec<u8> = (0..size)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        std::fs::write(lib.join(name), bytes).unwrap();
    }
    dir.join("lib/rustlib").join(target)
}

/// A dist root under `dir/dist-root` publishing synthetic files for `rustc` and `target`.
pub fn synthetic_dist(
    dir: &Path,
    rustc: &str,
    target: &str,
    size: usize,
    gz: bool,
) -> (DistRoot, Published) {
    let files = synthetic_files(&dir.join("files"), target, size);
    let root = DistRoot::new(dir.join("dist-root"));
    let release = rustc.split(' ').next().unwrap();
    let published = root
        .add_rust_std(&RustStd {
            release,
            rustc,
            commit_hash: None,
            date: "2026-05-25",
            target,
            files: &files,
            gz,
        })
        .unwrap();
    (root, published)
}

/// The URL path of a published file, relative to the dist root.
pub fn url_path(root: &DistRoot, file: &Path) -> String {
    format!("/{}", file.strip_prefix(root.path()).unwrap().display())
}

/// An installer wired to a server and a private cache, quiet, without GitHub.
pub fn installer(server_url: &str, cache: &Path) -> xous_sysroot::Installer {
    let mut i = xous_sysroot::Installer::new();
    i.version_str(RUSTC)
        .unwrap()
        .sources(vec![
            xous_sysroot::Source::Cache,
            xous_sysroot::Source::DistServer(server_url.to_string()),
        ])
        .cache_dir(cache)
        .smoke_test(false)
        .retries(0)
        .timeout(std::time::Duration::from_secs(5));
    i
}

/// Every path under `dir` with its size, for before/after comparisons.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let meta = e.path().symlink_metadata().unwrap();
            if meta.is_dir() {
                stack.push(e.path());
            }
            out.push((e.path(), if meta.is_file() { meta.len() } else { 0 }));
        }
    }
    out.sort();
    out
}
