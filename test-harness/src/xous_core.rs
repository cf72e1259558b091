//! The `xous-core` backend: runs a program on the real Xous, xous-core's own kernel,
//! loader and services, under Renode.
//!
//! One run:
//! 1. checks the checkout ([`Checkout`]);
//! 2. makes (once per rustc) the toolchain directory the checkout's xtask is given
//!    (`toolchain`), so nothing is written where the compiler lives;
//! 3. builds xous-core's `libstd-test` image around a copy of the program with the
//!    checkout's own xtask, unmodified (`image`);
//! 4. boots it headless under Renode with the checkout's emulation files (`script`), the
//!    SoC's C# peripherals compiled once into a cached DLL when `mcs` is there;
//! 5. streams the program's console lines, keeps the kernel's and services' apart, and
//!    reads the exit code with a Renode hook on the program's own
//!    `std::os::xous::ffi::exit` (the real kernel drops the code), placed with the ELF's
//!    symbols (`boot`).
//!
//! Real Xous gives an image's processes no arguments and no environment: the caller is
//! told so in one line when it asks for them ([`crate::Runner`] does).

mod boot;
mod checkout;
mod image;
mod installed;
mod lines;
mod script;
mod toolchain;

pub use boot::{KERNEL_TAG, SERVICE_TAG};
pub use checkout::{Checkout, Peripheral, GIT_DESCRIBE_VAR, XOUS_CORE_DIR_VAR};
pub use image::KERNEL_FEATURES_VAR;
pub use installed::RealXous;
pub use toolchain::NONE_ELF;

use crate::run::RunOutput;
use crate::{HarnessError, Toolchain};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use xous_test_protocol::elf::Elf;

/// Whether an ELF symbol is `std::os::xous::ffi::exit`, where the exit hook goes: in the
/// v0 mangling (`_RNvNtNtNtCs<hash>_3std2os4xous3ffi4exit`) or the legacy one
/// (`_ZN3std2os4xous3ffi4exit17h<hash>E`).
fn is_exit_symbol(name: &[u8]) -> bool {
    const PATH: &[u8] = b"3std2os4xous3ffi4exit";
    (name.starts_with(b"_RNv") && name.ends_with(PATH))
        || name.starts_with(b"_ZN3std2os4xous3ffi4exit17h")
}

/// What the `xous-core` backend needs besides the program: the checkout, the compiler the
/// program was built with, and the Xous libstd installed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XousCore {
    /// The xous-core checkout (`XOUS_CORE_DIR`).
    pub checkout: PathBuf,
    /// Its `git describe` when it has no `.git` (`XOUS_CORE_GIT_DESCRIBE`).
    pub git_describe: Option<String>,
    /// Features of xous-core's kernel to build the image with, e.g. `big-heap` (heaps may
    /// grow to 12 MiB instead of 512 KiB) (`XOUS_CORE_KERNEL_FEATURES`, comma-separated).
    pub kernel_features: Vec<String>,
    /// The rustc and cargo that built the program.
    pub toolchain: Toolchain,
    /// The sysroot holding the Xous libstd for that rustc.
    pub sysroot: PathBuf,
    /// Where toolchain directories and compiled peripherals are kept (default:
    /// `<xous-sysroot cache>/xous-core`).
    pub cache_dir: Option<PathBuf>,
}

impl XousCore {
    /// The settings for `checkout`, `toolchain` and `sysroot`, with `XOUS_CORE_GIT_DESCRIBE`
    /// and `XOUS_CORE_KERNEL_FEATURES` read from the environment.
    pub fn new(
        checkout: impl Into<PathBuf>,
        toolchain: Toolchain,
        sysroot: impl Into<PathBuf>,
    ) -> XousCore {
        XousCore {
            checkout: checkout.into(),
            git_describe: std::env::var(GIT_DESCRIBE_VAR).ok(),
            kernel_features: image::kernel_features_from_env(),
            toolchain,
            sysroot: sysroot.into(),
            cache_dir: None,
        }
    }
}

/// One run's settings from the [`crate::Runner`].
pub(crate) struct RunSettings<'a> {
    pub renode: &'a Path,
    pub timeout: Duration,
    pub echo: bool,
    pub verbose: bool,
}

/// Builds the image around `firmware`, boots it and reports how the program ended.
pub(crate) fn run(
    setup: &XousCore,
    firmware: &Path,
    settings: &RunSettings,
) -> Result<RunOutput, HarnessError> {
    let bytes = crate::elf::check_firmware(firmware)?;
    let exit_addr = Elf::parse(&bytes)
        .ok()
        .and_then(|elf| elf.symbol_addr(is_exit_symbol));
    let checkout = Checkout::open(&setup.checkout, setup.git_describe.clone())?;
    if find_program(settings.renode).is_none() {
        return Err(HarnessError::emulator_spawn(
            settings.renode,
            "renode",
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
    }
    let cache = match &setup.cache_dir {
        Some(dir) => dir.clone(),
        None => xous_sysroot::default_cache_dir()?.join("xous-core"),
    };
    let verbose = settings.verbose;
    let note = move |text: &str| {
        if verbose || !text.starts_with("waiting") {
            eprintln!("xous-run: {text}");
        }
    };
    let toolchain = toolchain::prepare(&setup.toolchain, &setup.sysroot, &cache, &note)?;
    let dir = tempfile::Builder::new()
        .prefix(crate::run::RUN_DIR_PREFIX)
        .tempdir()
        .map_err(|e| HarnessError::io("create a scratch directory", &std::env::temp_dir(), e))?;
    if !script::usable_in_script(dir.path()) || !script::usable_in_script(&checkout.root) {
        return Err(HarnessError::XousCore(format!(
            "the paths {} and {} must not contain quotes or newlines: Renode's scripts cannot name them\nhelp: set TMPDIR, or move the checkout",
            dir.path().display(),
            checkout.root.display()
        )));
    }
    let stem = firmware
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let process_name = process_name(&stem);
    let program = dir.path().join(&process_name);
    std::fs::copy(firmware, &program).map_err(|e| HarnessError::io("copy", firmware, e))?;
    let started = Instant::now();
    let image = image::build(
        &checkout,
        &toolchain,
        &program,
        &setup.kernel_features,
        dir.path(),
        &note,
    )?;
    let image_time = started.elapsed();
    let peripherals = script::peripherals(&checkout, settings.renode, &cache, &note)?;
    if let script::Peripherals::Sources(_, why) = &peripherals {
        note(&format!(
            "Renode compiles the C# peripherals at start-up (10-30 s), because {why}"
        ));
    }
    let files = RunFiles::in_dir(dir.path());
    let emulation = checkout.emulation();
    let heartbeat = script::heartbeat(&emulation, &files.heartbeat)?;
    let resc_files = script::ScriptFiles {
        emulation: &emulation,
        loader: &image.loader,
        xous_img: &image.xous_img,
        flash: &files.flash,
        kernel_uart: &files.kernel_uart,
        console_uart: &files.console_uart,
        exit_hook: exit_addr.map(|a| (a, files.exit.as_path())),
        heartbeat: heartbeat.then_some(files.heartbeat.as_path()),
    };
    let by_hand = format!(
        "renode --console --disable-xwt --plain {}",
        files.script.display()
    );
    let text = script::script(&resc_files, &peripherals, &by_hand);
    std::fs::write(&files.script, text).map_err(|e| HarnessError::io("write", &files.script, e))?;
    let crate_name = lines::crate_name(&stem);
    let booted = boot::boot(&boot::Boot {
        renode: settings.renode,
        script: &files.script,
        dir: dir.path(),
        kernel_uart: &files.kernel_uart,
        console_uart: &files.console_uart,
        exit_file: &files.exit,
        process_name: &process_name,
        crate_name: &crate_name,
        timeout: settings.timeout,
        echo: settings.echo,
        verbose: settings.verbose,
    });
    let booted = match booted {
        Ok(b) => b,
        Err(e @ HarnessError::EmulatorError { .. }) => {
            // Keep the script, image and logs: they reproduce the run by hand.
            let _ = dir.keep();
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let mut exit = booted.exit;
    if exit == crate::Exit::NoExitCode && exit_addr.is_none() {
        exit = crate::Exit::NoExitSymbol;
    }
    if verbose {
        eprintln!(
            "xous-run: image {:.1} s, boot and run {:.1} s",
            image_time.as_secs_f64(),
            (started.elapsed() - image_time).as_secs_f64()
        );
    }
    Ok(RunOutput {
        console: booted.console,
        exit,
        instret: None,
        wall_time: started.elapsed(),
        command: booted.command,
    })
}

/// The file `program` names, directly or as a bare name on PATH.
pub(crate) fn find_program(program: &Path) -> Option<PathBuf> {
    if program.components().count() > 1 {
        return program.is_file().then(|| program.to_path_buf());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// The files of one run in its directory.
struct RunFiles {
    script: PathBuf,
    flash: PathBuf,
    kernel_uart: PathBuf,
    console_uart: PathBuf,
    exit: PathBuf,
    heartbeat: PathBuf,
}

impl RunFiles {
    fn in_dir(dir: &Path) -> RunFiles {
        RunFiles {
            script: dir.join("run.resc"),
            flash: dir.join("flash.bin"),
            kernel_uart: dir.join("kernel-uart.txt"),
            console_uart: dir.join("console-uart.txt"),
            exit: dir.join("exit-codes.txt"),
            heartbeat: dir.join("d11ctime-heartbeat.py"),
        }
    }
}

/// The program's process name in the image: its file stem with every character the xtask
/// would read as crate-spec syntax (or a shell would mind) replaced by `_`.
fn process_name(stem: &str) -> String {
    let name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        "program".to_string()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::{is_exit_symbol, process_name};

    #[test]
    fn the_exit_symbol_in_both_manglings() {
        assert!(is_exit_symbol(
            b"_RNvNtNtNtCsg7ZIlnidi46_3std2os4xous3ffi4exit"
        ));
        assert!(is_exit_symbol(
            b"_ZN3std2os4xous3ffi4exit17h0123456789abcdefE"
        ));
        assert!(!is_exit_symbol(
            b"_RNvNtNtNtCsg7ZIlnidi46_3std2os4xous3ffi15blocking_scalar"
        ));
        assert!(!is_exit_symbol(b"_RNvNtCs1_3std7process4exit"));
    }

    #[test]
    fn process_names_carry_no_crate_spec_syntax() {
        assert_eq!(process_name("hello-xous"), "hello-xous");
        assert_eq!(process_name("a:b#c^d~e f"), "a_b_c_d_e_f");
        assert_eq!(process_name(""), "program");
    }
}
