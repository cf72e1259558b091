//! `cargo bench -p cargo-xous --bench cargo_xous`: what `cargo xous` costs a user, measured side
//! by side in one run with Debian's toolchain (libstd built from its rust-src; no dist server):
//!
//! * first program: from an empty cache to `hello-xous a b` running under QEMU, against
//!   `cargo build -Zbuild-std=std,panic_abort` (with `RUSTC_BOOTSTRAP=1`) of the same project in an
//!   empty target directory followed by the same `xous-run`;
//! * a later project on the same machine: a fresh copy of the project with the cache warm, against
//!   `-Zbuild-std` in a fresh target directory (which builds std again);
//! * no-op: `cargo xous build` of a built project against the plain `cargo build --target …
//!   --config …` it wraps.
//!
//! Rounds alternate the contenders; medians and per-round ratios are printed as Markdown.
//! `BENCH_ROUNDS` (default 3) and `BENCH_NOOP_RUNS` (default 40) set the sizes.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const TARGET: &str = "riscv32imac-unknown-xous-elf";

#[path = "../tests/support/mod.rs"]
mod support;

use support::{cargo_xous, copy_example, debian, rustc_dir_name, workspace, CARGO, RUSTC};

fn run(cmd: &mut Command) -> Duration {
    let start = Instant::now();
    let out = cmd.output().unwrap();
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "{cmd:?} failed\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

/// `-Zbuild-std` of `project` into its own (empty) target directory, then `xous-run` of it.
fn build_std_then_run(project: &Path, xous_run: &Path, sysroot: &Path, cache: &Path) -> Duration {
    let mut build = Command::new(CARGO);
    build
        .args(["build", "-Zbuild-std=std,panic_abort", "--target", TARGET])
        .env("RUSTC_BOOTSTRAP", "1")
        .current_dir(project);
    debian(&mut build, cache);
    let mut exec = Command::new(xous_run);
    exec.arg(project.join(format!("target/{TARGET}/debug/hello-xous")))
        .args(["a", "b"])
        .env("XOUS_RUN_SYSROOT", sysroot)
        .env("XOUS_FIRMWARE_RUSTC", RUSTC)
        .env("XOUS_FIRMWARE_CARGO", CARGO);
    run(&mut build) + run(&mut exec)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let rounds = env_usize("BENCH_ROUNDS", 3);
    let noop_runs = env_usize("BENCH_NOOP_RUNS", 40);
    let xous_run = Path::new(env!("CARGO_BIN_EXE_cargo-xous")).with_file_name("xous-run");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "test-harness",
            "--bin",
            "xous-run",
        ])
        .current_dir(workspace())
        .status()
        .unwrap();
    assert!(status.success() && xous_run.is_file(), "building xous-run");
    let scratch = tempfile::tempdir().unwrap();

    // Warm the test kernel that xous-run builds once per machine, so that neither side pays it.
    let warm_cache = scratch.path().join("warm-cache");
    let warm = copy_example(&scratch.path().join("warm"));
    run(cargo_xous(&warm, &warm_cache, &["run", "--", "a", "b"]).env("XOUS_RUN_TIMEOUT", "120"));
    let sysroot = warm_cache.join("sysroots").join(rustc_dir_name());

    let (mut first_ours, mut first_theirs, mut later_ours, mut later_theirs) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let dir = scratch.path().join(format!("round{round}"));
        let cold_cache = dir.join("cache");
        let ours = copy_example(&dir.join("ours"));
        first_ours.push(run(&mut cargo_xous(
            &ours,
            &cold_cache,
            &["run", "--", "a", "b"],
        )));
        let theirs = copy_example(&dir.join("theirs"));
        first_theirs.push(build_std_then_run(
            &theirs,
            &xous_run,
            &sysroot,
            &cold_cache,
        ));
        let ours = copy_example(&dir.join("ours-later"));
        later_ours.push(run(&mut cargo_xous(
            &ours,
            &warm_cache,
            &["run", "--", "a", "b"],
        )));
        let theirs = copy_example(&dir.join("theirs-later"));
        later_theirs.push(build_std_then_run(
            &theirs,
            &xous_run,
            &sysroot,
            &warm_cache,
        ));
        eprintln!(
            "round {round}: first {} vs {}, later {} vs {}",
            secs(first_ours[round]),
            secs(first_theirs[round]),
            secs(later_ours[round]),
            secs(later_theirs[round])
        );
    }

    // No-op: a built project, `cargo xous build` against the cargo command it runs.
    let mut noop_ours = Vec::new();
    let mut noop_plain = Vec::new();
    let flags = format!(r#"["--sysroot", "{}"]"#, sysroot.display());
    for _ in 0..noop_runs {
        noop_ours.push(run(&mut cargo_xous(&warm, &warm_cache, &["build", "-q"])));
        let mut plain = Command::new(CARGO);
        plain
            .args(["build", "-q", "--target", TARGET, "--config"])
            .arg(format!("target.{TARGET}.rustflags={flags}"))
            .arg("--config")
            .arg(format!("target.{TARGET}.rustdocflags={flags}"))
            .current_dir(&warm);
        debian(&mut plain, &warm_cache);
        noop_plain.push(run(&mut plain));
    }

    let ratio = |a: &[Duration], b: &[Duration]| {
        let r: Vec<f64> = a
            .iter()
            .zip(b)
            .map(|(x, y)| x.as_secs_f64() / y.as_secs_f64())
            .collect();
        let mut sorted = r.clone();
        sorted.sort_by(f64::total_cmp);
        format!(
            "{:.2}× (rounds: {})",
            sorted[sorted.len() / 2],
            r.iter()
                .map(|x| format!("{x:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    println!("| measure ({rounds} rounds, medians) | cargo xous | -Zbuild-std | ratio |");
    println!("|---|---|---|---|");
    println!(
        "| first program, empty cache (libstd built from rust-src) | {} | {} | {} |",
        secs(median(first_ours.clone())),
        secs(median(first_theirs.clone())),
        ratio(&first_ours, &first_theirs)
    );
    println!(
        "| later project, same machine and rustc | {} | {} | {} |",
        secs(median(later_ours.clone())),
        secs(median(later_theirs.clone())),
        ratio(&later_ours, &later_theirs)
    );
    let (ours, plain) = (median(noop_ours.clone()), median(noop_plain.clone()));
    println!(
        "\nNo-op `cargo xous build` of a built project ({noop_runs} alternating runs, medians): {:.1} ms against {:.1} ms for the plain `cargo build --target … --config …`: {:+.1} ms.",
        ours.as_secs_f64() * 1e3,
        plain.as_secs_f64() * 1e3,
        (ours.as_secs_f64() - plain.as_secs_f64()) * 1e3
    );
}
