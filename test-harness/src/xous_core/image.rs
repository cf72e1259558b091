//! The image: xous-core's own `cargo xtask libstd-test <program>` (or `renode-image`),
//! unmodified, in the checkout, with the [`XtaskToolchain`]. The xtask writes `loader.bin` and `xous.img` to
//! fixed paths in the checkout's `target/`, so builds take a lock in it and copy both files
//! into the run's directory before letting go. Cargo keeps the base (kernel, loader,
//! services) in that `target/` too: only the first build per checkout and rustc is slow.

use super::checkout::Checkout;
use super::toolchain::XtaskToolchain;
use crate::HarnessError;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};
use xous_sysroot::util::{self, FileLock};

/// Features of xous-core's kernel for the image, comma-separated (each becomes the
/// xtask's `--kernel-feature`), e.g. `big-heap`.
pub const KERNEL_FEATURES_VAR: &str = "XOUS_CORE_KERNEL_FEATURES";

/// The kernel features [`KERNEL_FEATURES_VAR`] names (none when unset).
pub(crate) fn kernel_features_from_env() -> Vec<String> {
    std::env::var(KERNEL_FEATURES_VAR)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(String::from)
        .collect()
}

/// Where the xtask writes the images, under the checkout.
const OUTPUT_DIR: &str = "target/riscv32imac-unknown-xous-elf/release";

/// After this long without the build finishing, the user is told that it is the slow kind.
const SLOW_BUILD_NOTE: Duration = Duration::from_secs(10);

/// The two files Renode loads.
#[derive(Debug, Clone)]
pub(crate) struct Image {
    /// The loader.
    pub loader: PathBuf,
    /// The kernel, services and program.
    pub xous_img: PathBuf,
}

/// Which of the xtask's images.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Verb<'a> {
    /// `libstd-test <program>`: the minimum services and the program (a path with no `:`,
    /// `#`, `^` or `~`, which the xtask would read as a crate spec).
    LibstdTest(&'a Path),
    /// `renode-image`: the full image of the Renode target, every service, no program.
    RenodeImage,
}

impl Verb<'_> {
    /// The xtask's name for it.
    pub fn name(&self) -> &'static str {
        match self {
            Verb::LibstdTest(_) => "libstd-test",
            Verb::RenodeImage => "renode-image",
        }
    }
}

/// Builds the image and copies it into `out_dir`. The xtask's output goes to
/// `out_dir/xtask.log`.
pub(crate) fn build(
    checkout: &Checkout,
    toolchain: &XtaskToolchain,
    verb: Verb,
    kernel_features: &[String],
    out_dir: &Path,
    note: &dyn Fn(&str),
) -> Result<Image, HarnessError> {
    let lock_path = checkout.root.join("target/xous-run-image.lock");
    let _lock = FileLock::exclusive(&lock_path, || {
        note("waiting for another xous-run building an image in this xous-core checkout")
    })?;
    forget_other_sysroots(checkout, toolchain)?;
    let log_path = out_dir.join("xtask.log");
    let log =
        std::fs::File::create(&log_path).map_err(|e| HarnessError::io("create", &log_path, e))?;
    let log_err = log
        .try_clone()
        .map_err(|e| HarnessError::io("open", &log_path, e))?;
    let mut cmd = command(checkout, toolchain, verb, kernel_features);
    let command_text = util::command_line(&cmd);
    let started = SystemTime::now();
    let clock = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        .spawn()
        .map_err(|e| HarnessError::io("run", &toolchain.bin().join("cargo"), e))?;
    let mut noted = false;
    let status = loop {
        if let Some(status) = child
            .try_wait()
            .map_err(|e| HarnessError::io("wait for", &toolchain.bin().join("cargo"), e))?
        {
            break status;
        }
        if !noted && clock.elapsed() > SLOW_BUILD_NOTE {
            note("building xous-core's kernel, loader and services with its xtask: the first build per checkout and rustc takes minutes");
            noted = true;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = || util::tail(&std::fs::read_to_string(&log_path).unwrap_or_default(), 40);
    if !status.success() {
        return Err(HarnessError::Build {
            what: format!("xous-core's {} image", verb.name()),
            command: format!("(in {}) {command_text}", checkout.root.display()),
            output: output(),
        });
    }
    let built = checkout.root.join(OUTPUT_DIR);
    let copy = |name: &str| -> Result<PathBuf, HarnessError> {
        let from = built.join(name);
        let fresh = std::fs::metadata(&from)
            .and_then(|m| m.modified())
            .is_ok_and(|m| m + Duration::from_secs(2) >= started);
        if !fresh {
            return Err(HarnessError::XousCore(format!(
                "xous-core's xtask succeeded but did not write {}: this checkout's xtask puts its images elsewhere\n{}",
                from.display(),
                output()
            )));
        }
        let to = out_dir.join(name);
        std::fs::copy(&from, &to).map_err(|e| HarnessError::io("copy", &from, e))?;
        Ok(to)
    };
    Ok(Image {
        loader: copy("loader.bin")?,
        xous_img: copy("xous.img")?,
    })
}

/// Cargo does not notice when the rlibs of a sysroot change while rustc stays the same
/// (another toolchain directory, a rebuilt libstd): the checkout's target builds would then
/// fail with E0460. So the names of the rlibs the last image was built against are kept in
/// `target/xous-run-sysroot.txt`, one line per target, and the build outputs of each
/// target whose line differs are removed (only those: the host tools stay).
fn forget_other_sysroots(
    checkout: &Checkout,
    toolchain: &XtaskToolchain,
) -> Result<(), HarnessError> {
    let targets = [crate::TARGET, super::toolchain::NONE_ELF];
    let mut rlibs = String::new();
    for target in targets {
        let lib = toolchain.dir.join("lib/rustlib").join(target).join("lib");
        let mut names: Vec<String> = std::fs::read_dir(&lib)
            .map_err(|e| HarnessError::io("read", &lib, e))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rlib"))
            .collect();
        names.sort();
        rlibs.push_str(&format!("{target}: {}\n", names.join(" ")));
    }
    let record = checkout.root.join("target/xous-run-sysroot.txt");
    let recorded = std::fs::read_to_string(&record).unwrap_or_default();
    if recorded == rlibs {
        return Ok(());
    }
    for (target, line) in targets.iter().zip(rlibs.lines()) {
        if recorded.lines().any(|l| l == line) {
            continue;
        }
        let dir = checkout.root.join("target").join(target);
        match std::fs::remove_dir_all(&dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(HarnessError::io("remove", &dir, e))
            }
            _ => {}
        }
    }
    util::write_atomic(&record, rlibs.as_bytes())?;
    Ok(())
}

/// `cargo xtask libstd-test <program>` (or `renode-image`) `--no-verify --no-timestamp
/// [--git-describe <d>] [--kernel-feature <f>]...` in the checkout, with a clean cargo
/// environment and the toolchain first on `PATH`.
fn command(
    checkout: &Checkout,
    toolchain: &XtaskToolchain,
    verb: Verb,
    kernel_features: &[String],
) -> Command {
    let bin = toolchain.bin();
    let mut cmd = Command::new(bin.join("cargo"));
    util::env::scrub_cargo_env(&mut cmd);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path =
        std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(&path)))
            .unwrap_or(path);
    cmd.current_dir(&checkout.root)
        .env("PATH", path)
        .env("RUSTC", bin.join("rustc"))
        .env("CARGO", bin.join("cargo"))
        .env_remove("RUSTUP_TOOLCHAIN")
        .args(["xtask", verb.name()]);
    if let Verb::LibstdTest(program) = verb {
        cmd.arg(program);
    }
    // Flags after the programs: the xtask stops reading crate specs at the first `-`.
    cmd.args(["--no-verify", "--no-timestamp"]);
    if let Some(describe) = &checkout.git_describe {
        cmd.args(["--git-describe", describe]);
    }
    for feature in kernel_features {
        cmd.args(["--kernel-feature", feature]);
    }
    cmd
}
