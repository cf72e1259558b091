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
//!
//! [`boot_renode_image`] does steps 1, 2 and 4 for xous-core's full `renode-image` (every
//! service, no program) and watches it until its services are up ([`ImageEnd`]): the
//! release gate's check that xous-core builds and boots with a libstd.

mod boot;
mod checkout;
mod image;
mod installed;
mod lines;
mod script;
mod toolchain;

pub use boot::{ImageEnd, KERNEL_TAG, SERVICE_TAG};
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
    let session = Session::start(setup, settings.renode, settings.verbose)?;
    let stem = firmware
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let process_name = process_name(&stem);
    let program = session.dir.path().join(&process_name);
    std::fs::copy(firmware, &program).map_err(|e| HarnessError::io("copy", firmware, e))?;
    let crate_name = lines::crate_name(&stem);
    let files = RunFiles::in_dir(session.dir.path());
    let goal = boot::Goal::ProgramEnds {
        process_name: &process_name,
        crate_name: &crate_name,
        exit_file: &files.exit,
    };
    let exit_hook = exit_addr.map(|a| (a, files.exit.as_path()));
    let (booted, times) = session.build_and_boot(
        image::Verb::LibstdTest(&program),
        &files,
        exit_hook,
        goal,
        settings,
    )?;
    let mut exit = match booted.end {
        boot::End::Program(exit) => exit,
        boot::End::Image(_) => unreachable!("a program's boot ends as a program"),
    };
    if exit == crate::Exit::NoExitCode && exit_addr.is_none() {
        exit = crate::Exit::NoExitSymbol;
    }
    Ok(RunOutput {
        console: booted.console,
        exit,
        instret: None,
        wall_time: times.image + times.boot,
        command: booted.command,
    })
}

/// How long a full image's services must keep running after the last one is up.
const SETTLE: Duration = Duration::from_secs(10);

/// A boot of xous-core's full `renode-image` (every service, no program of ours), built
/// with this libstd: the release gate's "services up, no panic".
#[derive(Debug)]
pub struct ImageBoot {
    /// How the boot ended: [`ImageEnd::ServicesUp`] is the pass.
    pub end: ImageEnd,
    /// The image's processes (PID and name), the kernel excepted.
    pub processes: Vec<(u32, String)>,
    /// The kernel's and the services' lines, tagged ([`KERNEL_TAG`], [`SERVICE_TAG`]).
    pub log: String,
    /// The xtask's build, wall time.
    pub image_time: Duration,
    /// From Renode's start to the end of the boot, wall time.
    pub boot_time: Duration,
    /// The Renode command line.
    pub command: String,
}

impl ImageBoot {
    /// Whether every service came up ([`ImageEnd::ServicesUp`]).
    pub fn is_up(&self) -> bool {
        matches!(self.end, ImageEnd::ServicesUp { .. })
    }

    /// One line for reports: `25 processes: every service was up 13.9 s after Renode
    /// started; image build 3.8 s, boot 24.8 s`.
    pub fn summary(&self) -> String {
        format!(
            "{} processes: {}; image build {:.1} s, boot {:.1} s",
            self.processes.len(),
            self.end,
            self.image_time.as_secs_f64(),
            self.boot_time.as_secs_f64()
        )
    }
}

/// Builds xous-core's `renode-image` with `setup`'s toolchain and libstd and boots it under
/// `renode` until every service has reported its PID and then run 10 s without a
/// failure, or until `timeout` (from the kernel's first byte). `verbose` streams the
/// kernel's and the services' lines to stderr.
pub fn boot_renode_image(
    setup: &XousCore,
    renode: &Path,
    timeout: Duration,
    verbose: bool,
) -> Result<ImageBoot, HarnessError> {
    let session = Session::start(setup, renode, verbose)?;
    let files = RunFiles::in_dir(session.dir.path());
    let settings = RunSettings {
        renode,
        timeout,
        echo: false,
        verbose,
    };
    let goal = boot::Goal::ServicesUp { settle: SETTLE };
    let (booted, times) =
        session.build_and_boot(image::Verb::RenodeImage, &files, None, goal, &settings)?;
    let end = match booted.end {
        boot::End::Image(end) => end,
        boot::End::Program(_) => unreachable!("an image's boot ends as an image"),
    };
    Ok(ImageBoot {
        end,
        processes: booted.processes,
        log: String::from_utf8_lossy(&booted.console.kernel).into_owned(),
        image_time: times.image,
        boot_time: times.boot,
        command: booted.command,
    })
}

/// What every boot shares: the checked checkout, the xtask's toolchain, the caches and a
/// scratch directory.
struct Session {
    checkout: Checkout,
    toolchain: toolchain::XtaskToolchain,
    cache: PathBuf,
    kernel_features: Vec<String>,
    dir: tempfile::TempDir,
    note: Box<dyn Fn(&str)>,
}

/// Where a session's wall time went.
struct Times {
    /// The xtask's build.
    image: Duration,
    /// Renode's start to the end of the boot.
    boot: Duration,
}

impl Session {
    /// Checks the checkout and Renode, and prepares the toolchain and the run's directory.
    fn start(setup: &XousCore, renode: &Path, verbose: bool) -> Result<Session, HarnessError> {
        let checkout = Checkout::open(&setup.checkout, setup.git_describe.clone())?;
        if find_program(renode).is_none() {
            return Err(HarnessError::emulator_spawn(
                renode,
                "renode",
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
        let cache = match &setup.cache_dir {
            Some(dir) => dir.clone(),
            None => xous_sysroot::default_cache_dir()?.join("xous-core"),
        };
        let note = move |text: &str| {
            if verbose || !text.starts_with("waiting") {
                eprintln!("xous-run: {text}");
            }
        };
        let toolchain = toolchain::prepare(&setup.toolchain, &setup.sysroot, &cache, &note)?;
        let dir = tempfile::Builder::new()
            .prefix(crate::run::RUN_DIR_PREFIX)
            .tempdir()
            .map_err(|e| {
                HarnessError::io("create a scratch directory", &std::env::temp_dir(), e)
            })?;
        if !script::usable_in_script(dir.path()) || !script::usable_in_script(&checkout.root) {
            return Err(HarnessError::XousCore(format!(
                "the paths {} and {} must not contain quotes or newlines: Renode's scripts cannot name them\nhelp: set TMPDIR, or move the checkout",
                dir.path().display(),
                checkout.root.display()
            )));
        }
        Ok(Session {
            checkout,
            toolchain,
            cache,
            kernel_features: setup.kernel_features.clone(),
            dir,
            note: Box::new(note),
        })
    }

    /// Builds the image `verb` names, writes the script and boots it until `goal`. The
    /// directory goes when this returns, unless Renode refused the script.
    fn build_and_boot(
        self,
        verb: image::Verb,
        files: &RunFiles,
        exit_hook: Option<(u32, &Path)>,
        goal: boot::Goal,
        settings: &RunSettings,
    ) -> Result<(boot::Booted, Times), HarnessError> {
        let started = Instant::now();
        let note = &*self.note;
        let image = image::build(
            &self.checkout,
            &self.toolchain,
            verb,
            &self.kernel_features,
            self.dir.path(),
            note,
        )?;
        let image_time = started.elapsed();
        let peripherals = script::peripherals(&self.checkout, settings.renode, &self.cache, note)?;
        if let script::Peripherals::Sources(_, why) = &peripherals {
            note(&format!(
                "Renode compiles the C# peripherals at start-up (10-30 s), because {why}"
            ));
        }
        let emulation = self.checkout.emulation();
        let heartbeat = script::heartbeat(&emulation, &files.heartbeat)?;
        let resc_files = script::ScriptFiles {
            emulation: &emulation,
            loader: &image.loader,
            xous_img: &image.xous_img,
            flash: &files.flash,
            kernel_uart: &files.kernel_uart,
            console_uart: &files.console_uart,
            exit_hook,
            heartbeat: heartbeat.then_some(files.heartbeat.as_path()),
        };
        let by_hand = format!(
            "renode --console --disable-xwt --plain {}",
            files.script.display()
        );
        let text = script::script(&resc_files, &peripherals, &by_hand);
        std::fs::write(&files.script, text)
            .map_err(|e| HarnessError::io("write", &files.script, e))?;
        let booted = boot::boot(&boot::Boot {
            renode: settings.renode,
            script: &files.script,
            dir: self.dir.path(),
            kernel_uart: &files.kernel_uart,
            console_uart: &files.console_uart,
            goal,
            timeout: settings.timeout,
            echo: settings.echo,
            verbose: settings.verbose,
        });
        let booted = match booted {
            Ok(b) => b,
            Err(e @ HarnessError::EmulatorError { .. }) => {
                // Keep the script, image and logs: they reproduce the run by hand.
                let _ = self.dir.keep();
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        let times = Times {
            image: image_time,
            boot: started.elapsed() - image_time,
        };
        if settings.verbose {
            eprintln!(
                "xous-run: image {:.1} s, boot and run {:.1} s",
                times.image.as_secs_f64(),
                times.boot.as_secs_f64()
            );
        }
        Ok((booted, times))
    }
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
