//! Shared helpers of the integration tests: the HTTP server and dist roots made of small
//! synthetic components (and, for smoke tests, the host's real libstd).

pub mod server;
pub mod stand_in;

use std::path::{Path, PathBuf};

use xous_sysroot::producer::{DistRoot, Published, RustStd};

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

/// Every path under `dir` with what it is: `dir`, `file <size> <sha256>`, `link -> <target>`
/// or `other`, sorted, for before/after comparisons that catch any change of content.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let Ok(meta) = path.symlink_metadata() else {
                continue; // removed while we looked (a concurrent process's temporary file)
            };
            let what = if meta.is_dir() {
                stack.push(path.clone());
                "dir".to_string()
            } else if meta.is_file() {
                match xous_sysroot::util::sha256_file(&path) {
                    Ok(sha) => format!("file {} {sha}", meta.len()),
                    Err(_) => continue,
                }
            } else if meta.file_type().is_symlink() {
                format!("link -> {}", std::fs::read_link(&path).unwrap().display())
            } else {
                "other".to_string()
            };
            out.push((path, what));
        }
    }
    out.sort();
    out
}

/// The paths that differ between two snapshots (added, removed or changed), except those
/// `ignore` accepts, and the bytes involved (a file's size in whichever snapshot has it).
pub fn changes(
    before: &[(PathBuf, String)],
    after: &[(PathBuf, String)],
    ignore: impl Fn(&Path) -> bool,
) -> (Vec<PathBuf>, u64) {
    let old: std::collections::BTreeMap<_, _> = before.iter().cloned().collect();
    let new: std::collections::BTreeMap<_, _> = after.iter().cloned().collect();
    let size = |what: &String| {
        what.strip_prefix("file ")
            .and_then(|w| w.split(' ').next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let mut paths = Vec::new();
    let mut bytes = 0;
    for path in old
        .keys()
        .chain(new.keys().filter(|p| !old.contains_key(*p)))
    {
        let (a, b) = (old.get(path), new.get(path));
        if a != b && !ignore(path) {
            bytes += b.or(a).map(size).unwrap_or(0);
            paths.push(path.clone());
        }
    }
    (paths, bytes)
}
