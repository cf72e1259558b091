//! The chaos campaign: `kill -9` at random moments of installs and uninstalls, many processes
//! on a cold cache, a disk that fills up mid-extraction, servers that stall or misbehave, and
//! the hostile archive corpus. Each trial counts runs, failures, bytes written outside the
//! install's cache directory and installs left broken. `scripts/chaos` runs the ignored
//! [`campaign`] at full scale and prints the table; `cli.rs` runs two trials small in the
//! default test run.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use xous_sysroot::{Error, Installer, Source};

use crate::hostile;
use crate::support::server::{Fault, TestServer};
use crate::support::{changes, installer, snapshot, synthetic_dist, url_path, RUSTC, TARGET};

mod network;

pub use network::network_faults;

/// The CLI binary with the settings every trial shares, for the fixtures' rustc.
pub fn cli(server: &str, cache: &Path, args: &[&str]) -> Command {
    cli_for(RUSTC, server, cache, args)
}

/// [`cli`] for the rustc `rustc` (an identity).
pub fn cli_for(rustc: &str, server: &str, cache: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xous-sysroot"));
    cmd.args(args)
        .arg(rustc)
        .args([
            "--dist-server",
            server,
            "--no-smoke-test",
            "--retries",
            "0",
            "--no-build",
        ])
        .arg("--cache-dir")
        .arg(cache)
        .env("XOUS_SYSROOT_GITHUB_REPO", "none")
        .env_remove("XOUS_SYSROOT_DIST_SERVER")
        .env_remove("CARGO_NET_OFFLINE");
    cmd
}

/// One line of the summary.
#[derive(Debug, Default)]
pub struct Row {
    /// What was done.
    pub trial: String,
    /// How many times.
    pub runs: u32,
    /// Runs that did not end as they must.
    pub failures: u32,
    /// Bytes of files added, changed or removed outside the installer's cache directory (or,
    /// for hostile archives, anywhere but lock files).
    pub outside_bytes: u64,
    /// Installs found present but failing `verify`, or not repaired by the next call.
    pub broken: u32,
    /// Details: first failure, figures, or why the trial was skipped.
    pub note: String,
}

impl Row {
    fn new(trial: &str) -> Self {
        Row {
            trial: trial.into(),
            ..Row::default()
        }
    }

    /// Records a failed run, keeping the first message.
    fn fail(&mut self, message: String) {
        self.failures += 1;
        if self.failures == 1 {
            self.note = message
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(160)
                .collect();
        }
    }

    /// Nothing failed, nothing was written outside, nothing was left broken.
    pub fn clean(&self) -> bool {
        self.failures == 0 && self.outside_bytes == 0 && self.broken == 0
    }
}

/// xorshift64: reproducible "random" moments from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A dist root served on 127.0.0.1, a cache directory beside it, and a snapshot of everything
/// outside the cache to compare with at the end.
struct Bench {
    tmp: tempfile::TempDir,
    server: TestServer,
    xz: String,
    xz_len: u64,
    outside_before: Vec<(PathBuf, String)>,
}

impl Bench {
    fn new(size: usize) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let (root, published) = synthetic_dist(tmp.path(), RUSTC, TARGET, size, false);
        let server = TestServer::start(root.path());
        let xz = url_path(&root, &published.xz.0);
        let xz_len = std::fs::metadata(&published.xz.0).unwrap().len();
        let mut bench = Bench {
            tmp,
            server,
            xz,
            xz_len,
            outside_before: Vec::new(),
        };
        bench.outside_before = bench.outside();
        bench
    }
    fn cache(&self) -> PathBuf {
        self.tmp.path().join("cache")
    }
    fn target_dir(&self) -> PathBuf {
        self.cache()
            .join("sysroots/1.96.0-ac68faa20/lib/rustlib")
            .join(TARGET)
    }
    fn installer(&self) -> Installer {
        installer(&self.server.url(), &self.cache())
    }
    /// An installer that must go to the server: no cache source, reinstalling over anything.
    fn server_only(&self) -> Installer {
        let mut i = self.installer();
        i.sources(vec![Source::DistServer(self.server.url())])
            .force(true);
        i
    }
    fn outside(&self) -> Vec<(PathBuf, String)> {
        let cache = self.cache();
        snapshot(self.tmp.path())
            .into_iter()
            .filter(|(p, _)| !p.starts_with(&cache))
            .collect()
    }
    fn outside_bytes(&self) -> u64 {
        changes(&self.outside_before, &self.outside(), |_| false).1
    }
    /// Whether a present install verifies (an absent one is not broken).
    fn present_and_broken(&self) -> bool {
        self.target_dir().exists() && self.installer().verify().is_err()
    }
    fn leftovers(&self) -> usize {
        std::fs::read_dir(self.target_dir().parent().unwrap())
            .map(|d| {
                d.flatten()
                    .filter(|e| {
                        e.file_name()
                            .to_string_lossy()
                            .starts_with(".xous-sysroot-")
                    })
                    .count()
            })
            .unwrap_or(0)
    }
    fn finish(&self, row: &mut Row) {
        row.outside_bytes = self.outside_bytes();
    }
}

/// `rounds` of `kill -9` at a random moment of a CLI run: a cold install (download included),
/// a forced reinstall from the cache over a good install, or an uninstall, in turn. The moment
/// is uniform over 1.2 times the operation's measured length. After each kill: a present
/// install must verify; then `install` + `verify` in this process must succeed.
pub fn kill_rounds(rounds: u32, seed: u64) -> Row {
    let mut row = Row::new("kill -9 during install/uninstall");
    let b = Bench::new(1_000_000);
    let url = b.server.url();
    let cache = b.cache();
    let kinds: [&[&str]; 3] = [
        &["install", "--force"],
        &["install", "--force"],
        &["uninstall"],
    ];
    let prepare = |kind: usize| {
        if kind == 0 {
            let _ = std::fs::remove_dir_all(cache.join("downloads"));
            b.server.fault(&b.xz, Fault::Slow(Duration::from_millis(3)));
        }
    };
    // How long each operation takes here, from process start to exit.
    let mut length = [Duration::ZERO; 3];
    for (kind, args) in kinds.iter().enumerate() {
        b.installer().install().unwrap();
        prepare(kind);
        let start = Instant::now();
        let ok = cli(&url, &cache, args).output().unwrap().status.success();
        length[kind] = start.elapsed();
        assert!(ok, "{args:?} works undisturbed");
    }
    let mut rng = Rng(seed);
    for round in 0..rounds {
        row.runs += 1;
        let kind = round as usize % 3;
        prepare(kind);
        let window = length[kind].as_micros() as u64 * 6 / 5;
        let delay = Duration::from_micros(rng.below(window));
        let mut child = cli(&url, &cache, kinds[kind])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        if b.present_and_broken() {
            row.broken += 1;
            row.fail(format!("round {round}: broken after a kill at {delay:?}"));
            continue;
        }
        let repaired = b.installer().install().and_then(|_| b.installer().verify());
        if let Err(e) = repaired {
            row.broken += 1;
            row.fail(format!("round {round}: not repaired: {e}"));
        }
    }
    // The next uninstall and install remove what killed processes left behind.
    let left = b.leftovers();
    b.installer().uninstall().unwrap();
    b.installer().install().unwrap();
    if b.leftovers() != 0 {
        row.fail(format!("{} temporary directories left", b.leftovers()));
    }
    if row.failures == 0 {
        let ms = |d: Duration| (d * 6 / 5).as_millis();
        row.note = format!(
            "kill moments uniform in 0-{}/{}/{} ms (cold install/reinstall/uninstall); \
             {left} temp dirs left by kills, removed by the next uninstall",
            ms(length[0]),
            ms(length[1]),
            ms(length[2])
        );
    }
    b.finish(&mut row);
    row
}

/// `rounds` times, `processes` CLI installs at once on an empty cache: all succeed, exactly one
/// installs, the server sees exactly one download, and the result verifies.
pub fn concurrent_cold(processes: u32, rounds: u32) -> Row {
    let mut row = Row::new(&format!("{processes} processes, cold cache"));
    let b = Bench::new(2_000_000);
    for round in 0..rounds {
        let cache = b.tmp.path().join(format!("cache-{round}"));
        let downloads = b.server.requests(".tar.xz").len();
        // Slow enough that every process overlaps with the download.
        b.server.fault(&b.xz, Fault::Slow(Duration::from_millis(5)));
        let children: Vec<_> = (0..processes)
            .map(|_| {
                cli(&b.server.url(), &cache, &["install"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut installed = 0;
        for child in children {
            row.runs += 1;
            let out = child.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            if !out.status.success() {
                row.fail(format!(
                    "round {round}: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            } else if text.starts_with("installed:") {
                installed += 1;
            } else if !text.starts_with("already installed:") {
                row.fail(format!("round {round}: said {text}"));
            }
        }
        let fetched = b.server.requests(".tar.xz").len() - downloads;
        if installed != 1 || fetched != 1 {
            row.fail(format!(
                "round {round}: {installed} installs, {fetched} downloads (want 1 and 1)"
            ));
        }
        if !cli(&b.server.url(), &cache, &["verify"])
            .output()
            .unwrap()
            .status
            .success()
        {
            row.broken += 1;
            row.fail(format!("round {round}: does not verify"));
        }
    }
    if row.failures == 0 {
        row.note = format!("exactly 1 download and 1 install in each of {rounds} rounds");
    }
    // Each round's `cache-<round>` is that round's cache directory.
    let tmp = b.tmp.path().to_path_buf();
    row.outside_bytes = changes(&b.outside_before, &b.outside(), |p| {
        p.strip_prefix(&tmp)
            .is_ok_and(|r| r.to_string_lossy().starts_with("cache-"))
    })
    .1;
    row
}

/// A tmpfs of `size` mounted at `dir`, unmounted when dropped; `Err` says why not.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Result<Self, String> {
        std::fs::create_dir_all(dir).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if out.status.success() {
            Ok(Tmpfs(dir.to_path_buf()))
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// A cache on an 8 MiB tmpfs holding a good install; then, `rounds` times, a forced install of
/// a bigger archive that cannot fit: in even rounds the disk fills while it downloads and
/// unpacks, in odd rounds the archive is already cached and the unpacked files fill it. Each
/// must fail with "No space left on device" and a `help:` line, leave the good install
/// verifying, and leave the cache as it was (lock files apart), so that the space is free again.
pub fn full_disk(rounds: u32) -> Row {
    let mut row = Row::new("disk full mid-extraction (8 MiB tmpfs)");
    let b = Bench::new(200_000);
    let disk = match Tmpfs::mount(&b.cache(), "8m") {
        Ok(disk) => disk,
        Err(why) => {
            row.note = format!("skipped: mount not permitted ({why})");
            return row;
        }
    };
    b.installer().install().unwrap();
    let is_lock = |p: &Path| p.extension().is_some_and(|e| e == "lock");
    let mut hits = std::collections::BTreeMap::new();
    for round in 0..rounds {
        row.runs += 1;
        // Even rounds: 3 files of 1.5 MB, 2.5 MB, ...: the download and the unpacked copy
        // cannot both fit. Odd rounds: 3 of 1.4 MB, cached first; their copy cannot fit.
        let size = if round % 2 == 1 {
            1_400_000
        } else {
            1_500_000 + round as usize * 500_000
        };
        let big_dir = b.tmp.path().join(format!("big-{round}"));
        let (big_root, published) = synthetic_dist(&big_dir, RUSTC, TARGET, size, false);
        let big = TestServer::start(big_root.path());
        if round % 2 == 1 {
            let (archive, sha) = &published.xz;
            std::fs::copy(archive, b.cache().join("downloads").join(sha)).unwrap();
        }
        let before = snapshot(&b.cache());
        let mut i = b.installer();
        i.sources(vec![Source::DistServer(big.url())]).force(true);
        match i.install() {
            Ok(_) => row.fail(format!("round {round}: {size}-byte files fit")),
            Err(e) => {
                let text = e.to_string();
                if !matches!(e, Error::Io { .. })
                    || !text.contains("No space left on device")
                    || !text.contains("help: the disk is full")
                {
                    row.fail(format!("round {round}: unclear error: {text}"));
                } else {
                    let what = if text.contains("write the download to") {
                        "download"
                    } else {
                        "unpack"
                    };
                    *hits.entry(what).or_insert(0) += 1;
                }
            }
        }
        if b.installer().verify().is_err() {
            row.broken += 1;
            row.fail(format!("round {round}: the previous install is damaged"));
        }
        let (changed, _) = changes(&before, &snapshot(&b.cache()), is_lock);
        if !changed.is_empty() {
            row.fail(format!("round {round}: left {changed:?}"));
        }
        std::fs::remove_dir_all(big_dir).unwrap();
    }
    drop(disk);
    if row.failures == 0 {
        row.note = format!("\"No space left on device\" + help, while writing: {hits:?}");
    }
    b.finish(&mut row);
    row
}

/// Every file of the hostile corpus through a full install over a good one.
pub fn hostile_archives() -> Row {
    let mut row = Row::new("hostile archives (corpus)");
    let cases = hostile::corpus();
    for o in hostile::through_the_installer(&cases) {
        row.runs += 1;
        row.outside_bytes += o.changed_bytes;
        let expect = cases.iter().find(|c| c.file == o.file).unwrap().expect;
        if !o.previous_intact {
            row.broken += 1;
        }
        match &o.error {
            None => row.fail(format!("{}: installed", o.file)),
            Some(e) if !e.contains(expect) => row.fail(format!("{}: {e}", o.file)),
            _ if !o.changed.is_empty() || !o.previous_intact => {
                row.fail(format!("{}: changed {:?}", o.file, o.changed))
            }
            _ => {}
        }
    }
    if row.failures == 0 {
        row.note = "each refused with its own message; tree byte-identical".into();
    }
    row
}

fn knob(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The whole campaign at full scale, with a summary table; `scripts/chaos` runs it.
#[test]
#[ignore = "the chaos campaign takes minutes: run scripts/chaos"]
fn campaign() {
    let seed = knob("XOUS_CHAOS_SEED", 0x2545_F491) as u64;
    let started = Instant::now();
    let mut rows = vec![
        kill_rounds(knob("XOUS_CHAOS_KILLS", 200), seed),
        concurrent_cold(
            knob("XOUS_CHAOS_PROCESSES", 32),
            knob("XOUS_CHAOS_ROUNDS", 3),
        ),
        full_disk(knob("XOUS_CHAOS_DISK_ROUNDS", 4)),
    ];
    rows.extend(network_faults(knob("XOUS_CHAOS_NET_RUNS", 10), seed));
    rows.push(hostile_archives());
    println!();
    println!("| trial | runs | failures | bytes written outside | installs left broken | notes |");
    println!("|---|---:|---:|---:|---:|---|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            r.trial, r.runs, r.failures, r.outside_bytes, r.broken, r.note
        );
    }
    let total = |f: fn(&Row) -> u64| rows.iter().map(f).sum::<u64>();
    println!(
        "| **total** | {} | {} | {} | {} | seed {seed:#x}, {:.0} s |",
        total(|r| r.runs as u64),
        total(|r| r.failures as u64),
        total(|r| r.outside_bytes),
        total(|r| r.broken as u64),
        started.elapsed().as_secs_f64()
    );
    assert!(
        rows.iter().all(Row::clean),
        "the campaign found failures (table above)"
    );
}
