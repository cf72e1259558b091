//! A scratch directory per fuzzing process (on tmpfs when there is one) and the invariant every
//! archive input must keep: whatever the outcome, nothing is written outside the staging
//! directory, nothing but directories and regular files inside it, and only under
//! `lib/rustlib/<target>/`; on success, the returned records describe exactly the files on disk.

use std::path::{Path, PathBuf};

use xous_sysroot::producer::Extracted;
use xous_sysroot::Limits;
use xous_sysroot::Result;

/// The target every input is unpacked for.
pub const TARGET: &str = xous_sysroot::DEFAULT_TARGET;

/// Small caps, so that a bomb costs milliseconds, not gigabytes.
pub const LIMITS: Limits = Limits {
    max_total_bytes: 1 << 20,
    max_entries: 1000,
};

/// `<tmpfs or temp dir>/xous-sysroot-fuzz-<pid>/run`, made empty, with `staging/` inside.
pub fn fresh_run() -> (PathBuf, PathBuf) {
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let run = base
        .join(format!("xous-sysroot-fuzz-{}", std::process::id()))
        .join("run");
    let _ = std::fs::remove_dir_all(&run);
    let staging = run.join("staging");
    std::fs::create_dir_all(&staging).expect("create the scratch directory");
    (run, staging)
}

/// Panics (a finding) if the unpack broke the invariant; then removes the scratch tree.
pub fn check(run: &Path, staging: &Path, result: Result<Extracted>) {
    let outside: Vec<_> = std::fs::read_dir(run)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(outside, ["staging"], "wrote beside the staging directory");
    let allowed = Path::new("lib/rustlib").join(TARGET);
    let mut files = Vec::new();
    let mut stack = vec![staging.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(staging).unwrap().to_path_buf();
            let meta = path.symlink_metadata().unwrap();
            assert!(
                rel.starts_with(&allowed) || allowed.starts_with(&rel),
                "wrote outside lib/rustlib/<target>: {rel:?}"
            );
            if meta.is_dir() {
                stack.push(path);
            } else {
                assert!(meta.is_file(), "made a link or special file: {rel:?}");
                files.push((rel, meta.len()));
            }
        }
    }
    if let Ok(extracted) = result {
        assert_eq!(
            extracted.files.len(),
            files.len(),
            "records vs files on disk"
        );
        for record in &extracted.files {
            let path = staging.join(&allowed).join(&record.path);
            assert_eq!(
                std::fs::metadata(&path).map(|m| m.len()).ok(),
                Some(record.size),
                "{}",
                record.path
            );
        }
    }
    std::fs::remove_dir_all(run).unwrap();
}
