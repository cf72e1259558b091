//! Shared parts of the tests: Debian's toolchain, the one shared libstd build + dist root
//! ([`LocalDist`]), a std program to link, servers, and comparisons.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use anyhow::{ensure, Context, Result};
use xous_sysroot::RustcVersion;
use xous_sysroot_build::local_dist::{LocalDist, LocalDistOutput};
use xous_sysroot_build::serve::{DistServer, ServedRequest, ServerHandle};
use xous_sysroot_build::{package, BuildInfo, PackageOptions, Packaged, Profile, DEFAULT_TARGET};

/// Debian's rustc (`rustc-web`), or `XOUS_SYSROOT_BUILD_RUSTC`.
pub fn rustc() -> PathBuf {
    std::env::var_os("XOUS_SYSROOT_BUILD_RUSTC")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/rustc"))
}

/// Debian's cargo (`cargo-web`), or `XOUS_SYSROOT_BUILD_CARGO`.
pub fn cargo() -> PathBuf {
    std::env::var_os("XOUS_SYSROOT_BUILD_CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/cargo"))
}

/// The cargo target directory these tests run from (`CARGO_TARGET_TMPDIR` is `<it>/tmp`).
pub fn cargo_target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR has a parent")
        .to_owned()
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("xous-sysroot-build-tests")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// The workspace's shared official-profile libstd and dist root: built and packaged at most
/// once per target directory (a stamp check afterwards), whichever test or crate asks first.
pub fn local_dist() -> &'static LocalDistOutput {
    static DIST: OnceLock<LocalDistOutput> = OnceLock::new();
    DIST.get_or_init(|| {
        assert!(
            rustc().is_file() && cargo().is_file(),
            "{} / {} missing: run scripts/install-debian-toolchain.sh",
            rustc().display(),
            cargo().display()
        );
        let started = Instant::now();
        let dist = LocalDist::new(cargo_target_dir())
            .profile(Profile::Official)
            .rustc(rustc())
            .cargo(cargo())
            .ensure()
            .unwrap_or_else(|e| panic!("shared libstd build: {e}"));
        eprintln!(
            "shared libstd: {} ({}), dist root {} in {:.1?}",
            if dist.built { "built" } else { "up to date" },
            dist.rustc,
            if dist.packaged_now {
                "packaged"
            } else {
                "up to date"
            },
            started.elapsed()
        );
        dist
    })
}

/// A std program using Vec, String, HashMap, BTreeMap, format! and a spawned thread.
pub const APP_MAIN: &str = r#"
use std::collections::{BTreeMap, HashMap};

fn main() {
    let mut words: Vec<String> = "the quick brown fox jumps over the lazy dog"
        .split(' ')
        .map(String::from)
        .collect();
    words.sort();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for w in &words {
        *counts.entry(w.as_str()).or_default() += 1;
    }
    let by_length: BTreeMap<usize, Vec<&String>> =
        words.iter().fold(BTreeMap::new(), |mut m, w| {
            m.entry(w.len()).or_insert_with(Vec::new).push(w);
            m
        });
    let summary = format!(
        "{} words, {} distinct, {} lengths",
        words.len(),
        counts.len(),
        by_length.len()
    );
    let worker = std::thread::spawn(move || summary.len());
    println!("{}", worker.join().unwrap());
}
"#;

/// Writes the std program as a cargo package in `dir` (its own workspace).
pub fn write_app(dir: &Path) -> Result<PathBuf> {
    fs::create_dir_all(dir.join("src"))?;
    fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )?;
    fs::write(dir.join("src/main.rs"), APP_MAIN)?;
    Ok(dir.to_owned())
}

/// Checks that `path` is a 32-bit little-endian RISC-V ELF executable.
pub fn assert_riscv32_executable(path: &Path) -> Result<()> {
    let elf = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    ensure!(
        elf.len() > 64 && &elf[..4] == b"\x7fELF",
        "not an ELF: {}",
        path.display()
    );
    ensure!(elf[4] == 1 && elf[5] == 1, "not ELF32 little-endian");
    ensure!(u16::from_le_bytes([elf[16], elf[17]]) == 2, "not ET_EXEC");
    ensure!(u16::from_le_bytes([elf[18], elf[19]]) == 243, "not RISC-V");
    Ok(())
}

/// A cargo command for a firmware crate built by `rustc`, with nothing inherited from the
/// `cargo test` that runs us, into `target_dir`.
pub fn firmware_cargo(rustc: &Path, target_dir: &Path) -> Command {
    let mut cmd = Command::new(cargo());
    xous_sysroot::util::env::scrub_cargo_env(&mut cmd);
    cmd.env("RUSTC", rustc).env("CARGO_TARGET_DIR", target_dir);
    cmd
}

/// `cargo build --release --target <xous>` of the app with `rustc` and the extra cargo
/// arguments, into `target_dir`; checks that an ELF came out.
pub fn build_app(app: &Path, rustc: &Path, extra: &[String], target_dir: &Path) -> Result<()> {
    let out = firmware_cargo(rustc, target_dir)
        .current_dir(app)
        .args(["build", "--release", "--target", DEFAULT_TARGET])
        .args(extra)
        .output()?;
    ensure!(
        out.status.success(),
        "cargo build {extra:?} with {} failed:\n{}",
        rustc.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_riscv32_executable(&target_dir.join(DEFAULT_TARGET).join("release").join("app"))
}

/// The requests a test server answered.
pub type RequestLog = Arc<Mutex<Vec<ServedRequest>>>;

/// Serves `root` on 127.0.0.1 (missing official paths redirect to `upstream`, or 404).
pub fn serve(root: &Path, upstream: Option<String>) -> (ServerHandle, RequestLog) {
    let log = RequestLog::default();
    let mut server = DistServer::bind(root, "127.0.0.1:0").unwrap();
    let sink = log.clone();
    server
        .upstream(upstream)
        .on_request(move |r| sink.lock().unwrap().push(r.clone()));
    (server.spawn(), log)
}

/// The statuses answered for targets ending in `suffix`.
pub fn statuses(log: &RequestLog, suffix: &str) -> Vec<u16> {
    log.lock()
        .unwrap()
        .iter()
        .filter(|r| r.target.ends_with(suffix))
        .map(|r| r.status)
        .collect()
}

/// Every regular file under `dir` (relative path → contents).
pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    xous_sysroot::producer::list_files(dir)
        .unwrap()
        .into_iter()
        .map(|rel| {
            let bytes = fs::read(dir.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

/// A copy of the dist root `from` at `to` (hard links: archives are never written in place,
/// manifests are replaced by a rename).
pub fn copy_dist_root(from: &Path, to: &Path) -> Result<()> {
    for rel in xous_sysroot::producer::list_files(from)? {
        if rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let dest = to.join(&rel);
        fs::create_dir_all(dest.parent().unwrap())?;
        if fs::hard_link(from.join(&rel), &dest).is_err() {
            fs::copy(from.join(&rel), &dest)?;
        }
    }
    Ok(())
}

#[path = "../../../xous-sysroot/tests/it/support/stand_in.rs"]
mod stand_in;
pub use stand_in::{rustup, stand_in_toolchain, toolchain_snapshot, HOST};

/// [`stand_in::stand_in_toolchain`] for the shared build's release and rustc identity, dated
/// by its commit date.
pub fn stand_in_upstream(dir: &Path) -> Result<xous_sysroot::producer::DistRoot> {
    let rustc = &local_dist().rustc;
    let date = rustc
        .commit_date
        .as_deref()
        .context("rustc has a commit date")?;
    Ok(stand_in::stand_in_toolchain(dir, rustc, date)?)
}

/// A pre-release identity for the stand-in compilers: `release` with a full commit hash and a
/// commit date, as `rustc -vV` of a rustup nightly or beta reports them.
pub fn pre_release(release: &str, commit_hash: &str, commit_date: &str) -> RustcVersion {
    let version = RustcVersion::parse(&format!("rustc {release} ({commit_hash} {commit_date})"))
        .expect("a valid identity");
    RustcVersion {
        host: Some(HOST.to_owned()),
        ..version
    }
}

/// `rustc -vV` of Debian's rustc with the release, commit and date of `version`.
pub fn stand_in_verbose(version: &RustcVersion) -> Result<String> {
    let out = Command::new(rustc()).arg("-vV").output()?;
    ensure!(out.status.success(), "{} -vV failed", rustc().display());
    let real = String::from_utf8(out.stdout)?;
    let hash = version.commit_hash.as_deref().context("a commit hash")?;
    let date = version.commit_date.as_deref().context("a commit date")?;
    Ok(real
        .lines()
        .map(|line| {
            let key = line.split(':').next().unwrap_or_default();
            match key {
                "commit-hash" => format!("commit-hash: {hash}"),
                "commit-date" => format!("commit-date: {date}"),
                "release" => format!("release: {}", version.release),
                _ if line.starts_with("rustc ") => format!("rustc {}", version.identity()),
                _ => line.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n")
}

/// A stand-in rustc at `<dir>/bin/rustc`: a script that reports `version` for `-vV`, `-V` and
/// `--version`, and runs Debian's rustc for everything else (so the libstd Debian's rustc
/// built is the one it accepts).
pub fn stand_in_rustc(dir: &Path, version: &RustcVersion) -> Result<PathBuf> {
    write_stand_in_rustc(dir, version, false)
}

/// [`stand_in_rustc`] as the compiler of the toolchain directory `dir`, as rustup's is:
/// `--print sysroot` prints `dir` (as the script is reached, through hard links too), and a
/// compile without `--sysroot` gets `--sysroot` of it, so the libstds in `dir` are found.
pub fn stand_in_toolchain_rustc(dir: &Path, version: &RustcVersion) -> Result<PathBuf> {
    write_stand_in_rustc(dir, version, true)
}

fn write_stand_in_rustc(dir: &Path, version: &RustcVersion, own_sysroot: bool) -> Result<PathBuf> {
    let verbose = stand_in_verbose(version)?;
    let path = dir.join("bin/rustc");
    fs::create_dir_all(path.parent().unwrap())?;
    let program = rustc().display().to_string();
    let rustc = xous_sysroot::util::shell_quote(&program);
    let (own, tail) = if own_sysroot {
        (
            "own=$(cd \"$(dirname \"$0\")/..\" && pwd -P)\n",
            format!(
                "\x20 '--print sysroot') echo \"$own\"\n    exit 0 ;;\n\
                 \x20 *--sysroot*) exec {rustc} \"$@\" ;;\n\
                 esac\n\
                 exec {rustc} --sysroot \"$own\" \"$@\"\n"
            ),
        )
    } else {
        ("", format!("esac\nexec {rustc} \"$@\"\n"))
    };
    let script = format!(
        "#!/bin/sh\n{own}\
         case \"$*\" in\n\
         \x20 -vV) cat <<'END'\n{verbose}END\n    exit 0 ;;\n\
         \x20 -V|--version) echo 'rustc {}'\n    exit 0 ;;\n\
         {tail}",
        version.identity(),
    );
    // Replaced, never written in place: the file may be a hard link.
    let _ = fs::remove_file(&path);
    fs::write(&path, script)?;
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755))?;
    Ok(path)
}

/// The shared libstd as if the stand-in compiler of `version` had built it: a copy of the
/// shared sysroot (hard links) at `<dir>/sysroot` whose build record names `version`, so that
/// packaging it publishes a nightly or beta without building a second libstd.
pub fn stand_in_sysroot(dir: &Path, version: &RustcVersion) -> Result<PathBuf> {
    let shared = local_dist();
    let rel = xous_sysroot::producer::target_dir(DEFAULT_TARGET);
    let from = shared.sysroot.join(&rel);
    let sysroot = dir.join("sysroot");
    let to = sysroot.join(&rel);
    fs::create_dir_all(to.join("lib"))?;
    for entry in fs::read_dir(from.join("lib"))? {
        let entry = entry?;
        let dest = to.join("lib").join(entry.file_name());
        if fs::hard_link(entry.path(), &dest).is_err() {
            fs::copy(entry.path(), &dest)?;
        }
    }
    let mut info = BuildInfo::read(&from)?;
    info.rustc = version.identity();
    info.rustc_verbose_version = stand_in_verbose(version)?;
    info.write(&to)?;
    Ok(sysroot)
}

/// The stand-in nightly: `1.97.0-nightly`, its own commit, committed on 2026-05-19.
pub fn nightly() -> RustcVersion {
    pre_release(
        "1.97.0-nightly",
        "5ca1ab1e0ddba11f00dcafe0123456789abcdef0",
        "2026-05-19",
    )
}

/// The stand-in beta: `1.100.0-beta.7`, its own commit, committed on 2026-10-17.
pub fn beta() -> RustcVersion {
    pre_release(
        "1.100.0-beta.7",
        "b0a710ad0000000000000000000000000000beef",
        "2026-10-17",
    )
}

/// A dist root of the shared libstd published as the stand-in `version` by the producer
/// (`package`, no `.tar.gz`), made once per test run under `name`: the packaging is the slow
/// part, so the tests that need it share it and copy it ([`copy_dist_root`]).
pub fn stand_in_dist(name: &str, version: &RustcVersion, date: Option<&str>) -> Result<Packaged> {
    static MADE: Mutex<BTreeMap<String, Packaged>> = Mutex::new(BTreeMap::new());
    let mut made = MADE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(packaged) = made.get(name) {
        return Ok(packaged.clone());
    }
    let dir = scratch(&format!("stand-in-dist-{name}"));
    let sysroot = stand_in_sysroot(&dir, version)?;
    let packaged = package(
        &sysroot,
        DEFAULT_TARGET,
        &dir.join("dist-root"),
        &PackageOptions {
            date: date.map(str::to_owned),
            gz: false,
            ..Default::default()
        },
    )?;
    made.insert(name.to_owned(), packaged.clone());
    Ok(packaged)
}
