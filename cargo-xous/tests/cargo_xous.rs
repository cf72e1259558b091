//! `cargo xous` end to end with real parts: Debian's toolchain and its `rust-src` (libstd built
//! from source, no dist server, no network), the example project, `xous-run` and QEMU.
//!
//! One cold cache is shared by the tests: the first of them to need it runs eight `cargo xous
//! build`s of separate copies of the example at once, which must build libstd exactly once.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

mod command_line;
mod support;

use support::{
    cargo_xous as base_cargo_xous, copy_example, rustc_dir_name, text, workspace, CARGO, RUSTC,
};

const TARGET: &str = "riscv32imac-unknown-xous-elf";
const BUILD_NOTICE: &str = "building it from rust-src";

/// The workspace's target directory, where `cargo test` put `cargo-xous` and where `xous-run`
/// is built beside it.
fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_cargo-xous"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Builds `xous-run` beside `cargo-xous`, as `cargo install` places them.
fn ensure_xous_run() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-q", "-p", "test-harness", "--bin", "xous-run"])
            .current_dir(workspace())
            .status()
            .unwrap();
        assert!(status.success(), "building xous-run failed");
        assert!(bin_dir().join("xous-run").is_file());
    });
}

/// `cargo xous <args>` offline (libstd's dependencies come from rust-src's vendor directory).
fn cargo_xous(project: &Path, cache: &Path, args: &[&str]) -> Command {
    let mut cmd = base_cargo_xous(project, cache, args);
    cmd.env("CARGO_NET_OFFLINE", "true")
        .env("XOUS_RUN_TIMEOUT", "120");
    cmd
}

struct Warm {
    _dir: tempfile::TempDir,
    cache: PathBuf,
    projects: Vec<PathBuf>,
    outputs: Vec<Output>,
}

/// The shared cache: eight concurrent cold builds, run once.
fn warm() -> &'static Warm {
    static WARM: OnceLock<Warm> = OnceLock::new();
    WARM.get_or_init(|| {
        ensure_xous_run();
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        let projects: Vec<PathBuf> = (0..8)
            .map(|i| copy_example(&dir.path().join(format!("p{i}"))))
            .collect();
        let children: Vec<_> = projects
            .iter()
            .map(|p| {
                cargo_xous(p, &cache, &["build"])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outputs = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        Warm {
            _dir: dir,
            cache,
            projects,
            outputs,
        }
    })
}

#[test]
fn eight_concurrent_cold_builds_build_libstd_once() {
    let warm = warm();
    for out in &warm.outputs {
        assert!(out.status.success(), "{}", text(out));
    }
    let builders = warm
        .outputs
        .iter()
        .filter(|o| String::from_utf8_lossy(&o.stderr).contains(BUILD_NOTICE))
        .count();
    assert_eq!(builders, 1, "exactly one process builds libstd");
    for p in &warm.projects {
        assert!(p
            .join(format!("target/{TARGET}/debug/hello-xous"))
            .is_file());
    }
    // The install is a verified private sysroot whose stamp names the local build.
    let name = rustc_dir_name();
    let stamp = std::fs::read_to_string(warm.cache.join(format!(
        "sysroots/{name}/lib/rustlib/{TARGET}/.xous-sysroot.toml"
    )))
    .unwrap();
    assert!(stamp.contains("built locally from rust-src at"), "{stamp}");
}

#[test]
fn run_prints_the_arguments_and_builds_no_libstd() {
    let warm = warm();
    let out = cargo_xous(&warm.projects[0], &warm.cache, &["run", "--", "a", "b"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Hello from Xous! arguments: a b"),
        "{}",
        text(&out)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains(BUILD_NOTICE));

    // xous-run on its own finds the libstd cargo xous installed for that rustc.
    let elf = warm.projects[0].join(format!("target/{TARGET}/debug/hello-xous"));
    let out = Command::new(bin_dir().join("xous-run"))
        .arg(&elf)
        .arg("c")
        .env("XOUS_SYSROOT_CACHE_DIR", &warm.cache)
        .env("XOUS_FIRMWARE_RUSTC", RUSTC)
        .env("XOUS_FIRMWARE_CARGO", CARGO)
        .env_remove("XOUS_RUN_SYSROOT")
        .env_remove("XOUS_RUN_KERNEL")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Hello from Xous! arguments: c"));
}

#[test]
fn test_runs_libtest_on_the_emulator_and_a_failure_fails_the_command() {
    let warm = warm();
    let out = cargo_xous(&warm.projects[1], &warm.cache, &["test"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("test tests::lists_the_arguments ... ok"),
        "{}",
        text(&out)
    );
    assert!(
        stdout.contains("test result: ok. 3 passed"),
        "{}",
        text(&out)
    );

    let out = cargo_xous(
        &warm.projects[1],
        &warm.cache,
        &["test", "--features", "failing-test"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(101), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("test tests::fails_on_purpose ... FAILED"),
        "{}",
        text(&out)
    );
    assert!(
        stdout.contains("this test fails on purpose"),
        "{}",
        text(&out)
    );
}

#[test]
fn doctests_with_rustc_set_and_rustdoc_unset_use_the_rustdoc_beside_that_rustc() {
    let warm = warm();
    // A doctest in a copy of the example; the rustdoc on PATH may be another toolchain's.
    let dir = tempfile::tempdir().unwrap();
    let project = copy_example(dir.path());
    let lib = project.join("src/lib.rs");
    let mut text_of_lib = std::fs::read_to_string(&lib).unwrap();
    text_of_lib.push_str(
        "\n/// Twice `x`.\n///\n/// ```\n/// let v: Vec<u32> = (1..4).map(hello_xous::twice).collect();\n\
         /// assert_eq!(v, [2, 4, 6]);\n/// ```\npub fn twice(x: u32) -> u32 {\n    x * 2\n}\n",
    );
    std::fs::write(&lib, text_of_lib).unwrap();
    let out = cargo_xous(&project, &warm.cache, &["test", "--doc"])
        .env_remove("RUSTDOC")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("twice (line"), "{}", text(&out));
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "{}",
        text(&out)
    );
}

/// The rustc command line cargo ran for the example's binary (from `cargo build -v`).
fn rustc_line(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .find(|l| {
            l.contains("Running")
                && l.contains("--crate-name hello_xous")
                && l.contains("src/main.rs")
        })
        .unwrap_or_else(|| panic!("no rustc line for the binary\n{}", text(out)))
        .to_string()
}

#[test]
fn user_target_rustflags_stay_in_effect() {
    let warm = warm();
    let project = &warm.projects[2];
    std::fs::create_dir_all(project.join(".cargo")).unwrap();
    std::fs::write(
        project.join(".cargo/config.toml"),
        format!("[target.{TARGET}]\nrustflags = [\"-Copt-level=s\"]\n"),
    )
    .unwrap();
    let out = cargo_xous(project, &warm.cache, &["build", "-v"])
        .output()
        .unwrap();
    std::fs::remove_dir_all(project.join(".cargo")).unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let line = rustc_line(&out);
    assert!(line.contains("-Copt-level=s"), "{line}");
    assert!(line.contains("--sysroot"), "{line}");
}

#[test]
fn build_rustflags_and_rustflags_env_are_kept() {
    let warm = warm();
    let project = &warm.projects[3];
    std::fs::create_dir_all(project.join(".cargo")).unwrap();
    std::fs::write(
        project.join(".cargo/config.toml"),
        "[build]\nrustflags = [\"-Cdebuginfo=1\"]\n",
    )
    .unwrap();
    let out = cargo_xous(project, &warm.cache, &["build", "-v"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let line = rustc_line(&out);
    assert!(
        line.contains("-Cdebuginfo=1") && line.contains("--sysroot"),
        "{line}"
    );

    // RUSTFLAGS replaces config rustflags in cargo: the sysroot flags are folded into it.
    let out = cargo_xous(project, &warm.cache, &["build", "-v"])
        .env("RUSTFLAGS", "-Copt-level=z")
        .output()
        .unwrap();
    std::fs::remove_dir_all(project.join(".cargo")).unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let line = rustc_line(&out);
    assert!(
        line.contains("-Copt-level=z") && line.contains("--sysroot"),
        "{line}"
    );
    assert!(
        !line.contains("-Cdebuginfo=1"),
        "RUSTFLAGS replaces build.rustflags: {line}"
    );
}

#[test]
fn missing_rust_src_is_a_clear_error_and_installs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // A toolchain directory without rust-src: its rustc is Debian's, with this sysroot.
    let toolchain = dir.path().join("toolchain");
    std::fs::create_dir_all(toolchain.join("bin")).unwrap();
    let rustc = toolchain.join("bin/rustc");
    std::fs::write(
        &rustc,
        format!(
            "#!/bin/sh\nexec {RUSTC} --sysroot \"{}\" \"$@\"\n",
            toolchain.display()
        ),
    )
    .unwrap();
    let mut perms = std::fs::metadata(&rustc).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&rustc, perms).unwrap();
    let project = copy_example(dir.path());
    let cache = dir.path().join("cache");
    let out = cargo_xous(&project, &cache, &["build"])
        .env("RUSTC", &rustc)
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rust-src"), "{}", text(&out));
    assert!(stderr.contains("help:"), "{}", text(&out));
    assert!(!cache.join("sysroots").join(rustc_dir_name()).exists());
}

#[test]
fn a_dist_server_serving_a_hostile_archive_stops_the_build_before_any_libstd_build() {
    use xous_sysroot::producer::{DistRoot, RustStd, UPSTREAM_DIST_SERVER};
    let dir = tempfile::tempdir().unwrap();
    // A dist root (a local path, which is consulted offline too) publishing rust-std for
    // Debian's exact rustc, whose xz is the corpus's `..` archive under its own SHA-256: the
    // server vouches for it.
    let rustc = xous_sysroot::Rustc::new(RUSTC).version().unwrap();
    let files = dir.path().join("files/lib/rustlib").join(TARGET);
    std::fs::create_dir_all(files.join("lib")).unwrap();
    std::fs::write(files.join("lib/libstd.rlib"), b"std").unwrap();
    let root = DistRoot::new(dir.path().join("dist-root"));
    let identity = rustc.identity();
    root.add_rust_std(&RustStd {
        release: &rustc.release,
        rustc: &identity,
        commit_hash: rustc.commit_hash.as_deref(),
        date: "2026-05-25",
        target: TARGET,
        files: &files,
        gz: false,
    })
    .unwrap();
    let hostile = workspace().join("xous-sysroot/tests/data/hostile/dotdot.tar.xz");
    let served = root.path().join("dist/hostile/dotdot.tar.xz");
    std::fs::create_dir_all(served.parent().unwrap()).unwrap();
    std::fs::copy(&hostile, &served).unwrap();
    let mut manifest = root.read_manifest(&rustc.release).unwrap().unwrap();
    let build = manifest
        .pkg
        .get_mut("rust-std")
        .unwrap()
        .target
        .get_mut(TARGET)
        .unwrap();
    build.xz_url = Some(format!("{UPSTREAM_DIST_SERVER}/dist/hostile/dotdot.tar.xz"));
    build.xz_hash = Some(xous_sysroot::util::sha256_file(&served).unwrap());
    root.write_manifest(&rustc.release, &manifest).unwrap();

    let project = copy_example(dir.path());
    let cache = dir.path().join("cache");
    // The build from rust-src is on (cargo-xous's default): the refusal must come before it.
    let out = cargo_xous(&project, &cache, &["build"])
        .env("XOUS_SYSROOT_DIST_SERVER", root.path())
        .env_remove("XOUS_SYSROOT_BUILD_FROM_SOURCE")
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let url = format!("{}/dist/hostile/dotdot.tar.xz", root.path().display());
    assert!(
        stderr.contains(&format!("refusing archive '{url}'")),
        "{}",
        text(&out)
    );
    assert!(
        stderr.contains("escapes the install directory with '..'"),
        "{}",
        text(&out)
    );
    assert!(!stderr.contains(BUILD_NOTICE), "{}", text(&out));
    assert!(!cache.join("builds").exists(), "a libstd build started");
    assert!(!cache
        .join("sysroots")
        .join(rustc_dir_name())
        .join("lib/rustlib")
        .join(TARGET)
        .exists());
    assert!(
        !project.join("target").join(TARGET).exists(),
        "{}",
        text(&out)
    );
}

/// The `--cfg from_*` markers on the rustc line of the example's library, in order.
fn markers(out: &Output) -> Vec<String> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.contains("Running") && l.contains("--crate-name hello_xous"))
        .unwrap_or_else(|| panic!("no rustc line for the library\n{}", text(out)));
    let words: Vec<&str> = line.split_whitespace().collect();
    words
        .windows(2)
        .filter(|w| w[0] == "--cfg" && w[1].starts_with("from_"))
        .map(|w| w[1].trim_end_matches('`').to_string())
        .collect()
}

/// One configuration: files under the project, environment variables, `--config` options, and
/// the markers both cargos must pass.
struct ConfigCase {
    name: &'static str,
    files: Vec<(&'static str, String)>,
    env: Vec<(String, String)>,
    cli: Vec<String>,
    expected: &'static [&'static str],
}

#[test]
fn cargo_xous_passes_the_same_configured_flags_as_plain_cargo() {
    let warm = warm();
    let project = &warm.projects[4];
    // A build script: the sysroot flags must reach target units only.
    std::fs::write(project.join("build.rs"), "fn main() {}\n").unwrap();
    let plain_target = tempfile::tempdir().unwrap();
    let xous = "cfg(target_os = \"xous\")";
    let t_env = TARGET.to_ascii_uppercase().replace('-', "_");
    let build = "[build]\nrustflags = ['--cfg', 'from_build']\n";
    let cases = vec![
        ConfigCase {
            name: "a cfg(unix) table does not match Xous: build.rustflags stay",
            files: vec![(
                ".cargo/config.toml",
                format!("{build}[target.'cfg(unix)']\nrustflags = ['--cfg', 'from_unix']\n"),
            )],
            env: vec![],
            cli: vec![],
            expected: &["from_build"],
        },
        ConfigCase {
            name: "a matching cfg table and target.<triple> replace build.rustflags",
            files: vec![(
                ".cargo/config.toml",
                format!(
                    "{build}[target.'{xous}']\nrustflags = ['--cfg', 'from_xous']\n\
                     [target.{TARGET}]\nrustflags = ['--cfg', 'from_triple']\n"
                ),
            )],
            env: vec![(
                format!("CARGO_TARGET_{t_env}_RUSTFLAGS"),
                "--cfg from_target_env".into(),
            )],
            cli: vec![],
            expected: &["from_triple", "from_target_env", "from_xous"],
        },
        ConfigCase {
            name: "RUSTFLAGS replaces every configured flag",
            files: vec![(
                ".cargo/config.toml",
                format!("{build}[target.'{xous}']\nrustflags = ['--cfg', 'from_xous']\n"),
            )],
            env: vec![("RUSTFLAGS".into(), "--cfg from_rustflags".into())],
            cli: vec![],
            expected: &["from_rustflags"],
        },
        ConfigCase {
            name: "CARGO_BUILD_RUSTFLAGS joins build.rustflags",
            files: vec![(".cargo/config.toml", build.to_string())],
            env: vec![(
                "CARGO_BUILD_RUSTFLAGS".into(),
                "--cfg from_build_env".into(),
            )],
            cli: vec![],
            expected: &["from_build", "from_build_env"],
        },
        ConfigCase {
            name: "CARGO_HOME that is also an ancestor is read once",
            files: vec![(".cargo/config.toml", build.to_string())],
            env: vec![(
                "CARGO_HOME".into(),
                project.join(".cargo").display().to_string(),
            )],
            cli: vec![],
            expected: &["from_build"],
        },
        ConfigCase {
            name: "--config on the command line",
            files: vec![(".cargo/config.toml", build.to_string())],
            env: vec![],
            cli: vec![
                "build.rustflags=['--cfg','from_cli_build']".into(),
                format!("target.'{xous}'.rustflags=['--cfg','from_cli_xous']"),
            ],
            expected: &["from_cli_xous"],
        },
        ConfigCase {
            name: "--config adding to build.rustflags only",
            files: vec![(".cargo/config.toml", build.to_string())],
            env: vec![],
            cli: vec!["build.rustflags=['--cfg','from_cli_build']".into()],
            expected: &["from_build", "from_cli_build"],
        },
        ConfigCase {
            name: "an included file with a matching cfg table",
            files: vec![
                (
                    ".cargo/config.toml",
                    format!("include = ['xous.toml']\n{build}"),
                ),
                (
                    ".cargo/xous.toml",
                    format!("[target.'{xous}']\nrustflags = ['--cfg', 'from_included']\n"),
                ),
            ],
            env: vec![],
            cli: vec![],
            expected: &["from_included"],
        },
    ];
    let mut failures = Vec::new();
    for case in &cases {
        let _ = std::fs::remove_dir_all(project.join(".cargo"));
        for (path, text_of_file) in &case.files {
            let path = project.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text_of_file).unwrap();
        }
        let mut args = vec!["check".to_string(), "-v".into(), "--lib".into()];
        for c in &case.cli {
            args.extend(["--config".to_string(), c.clone()]);
        }
        // Plain cargo cannot finish without a Xous libstd, but prints the flags it passes.
        let mut plain = Command::new(CARGO);
        support::debian(&mut plain, &warm.cache)
            .args(&args)
            .args(["--target", TARGET])
            .current_dir(project)
            .env("CARGO_NET_OFFLINE", "true")
            .env("CARGO_TARGET_DIR", plain_target.path())
            .envs(case.env.iter().map(|(k, v)| (k, v)));
        let plain = plain.output().unwrap();
        // A fresh library source, so that cargo xous compiles (and prints) it every time.
        let lib = project.join("src/lib.rs");
        std::fs::write(&lib, std::fs::read(&lib).unwrap()).unwrap();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let xous = cargo_xous(project, &warm.cache, &args)
            .envs(case.env.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap();
        assert!(xous.status.success(), "{}: {}", case.name, text(&xous));
        let (plain, xous) = (markers(&plain), markers(&xous));
        if plain != case.expected || xous != case.expected {
            failures.push(format!(
                "{}: plain cargo {plain:?}, cargo xous {xous:?}, expected {:?}",
                case.name, case.expected
            ));
        }
    }
    let _ = std::fs::remove_dir_all(project.join(".cargo"));
    std::fs::remove_file(project.join("build.rs")).unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
