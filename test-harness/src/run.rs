//! Running one firmware image: the [`Runner`] builder and the [`RunOutput`] it returns.

use crate::backend::{Backend, Launch};
use crate::console::Console;
use crate::drive::{drive, Ending};
use crate::layout::{KernelSettings, Layout};
use crate::xous_core::XousCore;
use crate::{elf, params, HarnessError};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use xous_test_protocol::exit::{self as protocol, ExitKind, ExitRecord};

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// The firmware terminated with this code (`std::process::exit`, or main's result).
    Exited(u32),
    /// The firmware faulted, deadlocked or made a call the kernel does not provide; the
    /// kernel's report is in [`RunOutput::kernel_log`].
    Fault,
    /// The kernel itself failed (bad boot block, kernel panic).
    KernelFailure,
    /// The run was killed after this much wall time.
    Timeout(Duration),
    /// The emulator stopped without the kernel's exit record.
    NoExitRecord,
    /// Real Xous: the kernel ended the program, but no exit code was seen.
    NoExitCode,
    /// Real Xous: the program ended, and its exit code cannot be read because its ELF has
    /// no `std::os::xous::ffi::exit` symbol (stripped, or v0 symbol mangling).
    NoExitSymbol,
}

/// Exit status used for runs that faulted or failed in the kernel.
pub const FAULT_STATUS: i32 = protocol::FAULT_STATUS as i32;
/// Exit status used for runs killed at the timeout (as `timeout(1)` does).
pub const TIMEOUT_STATUS: i32 = protocol::TIMEOUT_STATUS as i32;
/// Exit status `xous-run` gives a run the emulator refused before the firmware ran
/// ([`HarnessError::EmulatorError`], e.g. a Renode script error).
pub const EMULATOR_ERROR_STATUS: i32 = protocol::EMULATOR_ERROR_STATUS as i32;

impl fmt::Display for Exit {
    /// How the run ended, as a phrase for messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exit::Exited(c) => write!(f, "the firmware exited with code {c}"),
            Exit::Fault => f.write_str("the firmware faulted (see the kernel messages)"),
            Exit::KernelFailure => f.write_str("the kernel failed (see the kernel messages)"),
            Exit::Timeout(t) => write!(f, "killed after the {:.1} s timeout", t.as_secs_f64()),
            Exit::NoExitRecord => f.write_str("the emulator stopped without an exit record"),
            Exit::NoExitCode => f.write_str(
                "the kernel ended the program, but its exit code was never seen (see the kernel messages)",
            ),
            Exit::NoExitSymbol => f.write_str(
                "the program ended, but its exit code cannot be read: its ELF has no std::os::xous::ffi::exit symbol (do not strip it; legacy symbol mangling)",
            ),
        }
    }
}

/// Everything one run produced.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// The console, split by stream.
    pub console: Console,
    /// How it ended.
    pub exit: Exit,
    /// Instructions retired from reset to exit, when the kernel reported it.
    pub instret: Option<u64>,
    /// Wall time of the emulator run.
    pub wall_time: Duration,
    /// The emulator command line, for reports.
    pub command: String,
}

impl RunOutput {
    /// The process exit status `xous-run` returns for this run.
    pub fn status(&self) -> i32 {
        match self.exit {
            Exit::Exited(code) => code as i32,
            Exit::Timeout(_) => TIMEOUT_STATUS,
            _ => FAULT_STATUS,
        }
    }

    /// Whether the firmware exited with code 0.
    pub fn success(&self) -> bool {
        self.exit == Exit::Exited(0)
    }

    /// Firmware stdout as text.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.console.stdout).into_owned()
    }

    /// Firmware stderr as text.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.console.stderr).into_owned()
    }

    /// Kernel messages (fault reports and the like) as text.
    pub fn kernel_log(&self) -> String {
        String::from_utf8_lossy(&self.console.kernel).into_owned()
    }

    /// A readable account of the run for failure messages: how it ended, the kernel's
    /// messages and the firmware's output.
    pub fn report(&self) -> String {
        let mut out = format!("{}\ncommand: {}\n", self.exit, self.command);
        for (name, text) in [
            ("kernel", self.kernel_log()),
            ("stdout", self.stdout()),
            ("stderr", self.stderr()),
        ] {
            if !text.is_empty() {
                out.push_str(&format!("--- {name} ---\n{}\n", tail(&text, 60)));
            }
        }
        out
    }
}

/// The last `lines` lines of `text`, saying how many came before.
fn tail(text: &str, lines: usize) -> String {
    let skipped = text.lines().count().saturating_sub(lines);
    let last = xous_sysroot::util::tail(text, lines);
    if skipped > 0 {
        format!("[... {skipped} earlier lines ...]\n{last}")
    } else {
        last
    }
}

/// Runs firmware on the test kernel.
///
/// ```no_run
/// use test_harness::Runner;
/// let out = Runner::new("target/xous-kernel.elf").arg("--quiet").run("hello.elf".as_ref())?;
/// assert!(out.success(), "{}", out.report());
/// # Ok::<(), test_harness::HarnessError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Runner {
    kernel: PathBuf,
    backend: Backend,
    timeout: Duration,
    args: Vec<String>,
    env: Vec<(String, String)>,
    settings: KernelSettings,
    ram_mib: u64,
    echo: bool,
    verbose: bool,
    program: Option<PathBuf>,
    xous_core: Option<XousCore>,
}

impl Runner {
    /// A runner booting the test kernel at `kernel` (see [`crate::build_kernel`]).
    pub fn new(kernel: impl Into<PathBuf>) -> Runner {
        let utc_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        Runner {
            kernel: kernel.into(),
            backend: Backend::Qemu,
            timeout: Duration::from_secs(60),
            args: Vec::new(),
            env: Vec::new(),
            settings: KernelSettings {
                utc_ms,
                ..KernelSettings::default()
            },
            ram_mib: 256,
            echo: false,
            verbose: false,
            program: None,
            xous_core: None,
        }
    }

    /// The emulator (default QEMU).
    pub fn backend(&mut self, backend: Backend) -> &mut Self {
        self.backend = backend;
        self
    }

    /// The backend and emulator program `XOUS_RUN_BACKEND` and `XOUS_RUN_EMULATOR` name
    /// (see [`Backend::from_env`]); unset variables leave the runner's choice as it is.
    pub fn backend_from_env(&mut self) -> Result<&mut Self, HarnessError> {
        let (backend, program) = Backend::from_env()?;
        if std::env::var_os(crate::backend::BACKEND_VAR).is_some_and(|v| !v.is_empty()) {
            self.backend = backend;
        }
        if let Some(p) = program {
            self.program = Some(p);
        }
        Ok(self)
    }

    /// The backend this runner uses.
    pub fn selected_backend(&self) -> Backend {
        self.backend
    }

    /// Wall-time limit of the firmware's run, counted from when the machine starts (under
    /// Renode, after its start-up); the run is killed and reported as [`Exit::Timeout`] after it.
    pub fn timeout(&mut self, timeout: Duration) -> &mut Self {
        self.timeout = timeout;
        self
    }

    /// Adds a command-line argument (after the program name).
    pub fn arg(&mut self, arg: impl Into<String>) -> &mut Self {
        self.args.push(arg.into());
        self
    }

    /// Adds command-line arguments.
    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(&mut self, args: I) -> &mut Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable for the firmware.
    pub fn env(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Fixes the UTC clock the firmware sees (default: the host's time at construction).
    /// Benchmarks fix it so that runs are identical.
    pub fn utc_ms(&mut self, ms: u64) -> &mut Self {
        self.settings.utc_ms = ms;
        self
    }

    /// Preemption time slice in µs of emulated time (default 1000).
    pub fn slice_us(&mut self, us: u32) -> &mut Self {
        self.settings.slice_us = us;
        self
    }

    /// Main thread stack size in bytes (default 1 MiB).
    pub fn main_stack(&mut self, bytes: u32) -> &mut Self {
        self.settings.main_stack = bytes;
        self
    }

    /// Emulated RAM in MiB (default 256, at most [`crate::layout::MAX_RAM_MIB`]).
    pub fn ram_mib(&mut self, mib: u64) -> &mut Self {
        self.ram_mib = mib;
        self
    }

    /// Copies the firmware's stdout/stderr (and kernel messages) to this process live.
    pub fn echo(&mut self, echo: bool) -> &mut Self {
        self.echo = echo;
        self
    }

    /// Also shows the kernel's (and on real Xous the services') messages live on stderr.
    pub fn verbose(&mut self, verbose: bool) -> &mut Self {
        self.verbose = verbose;
        self
    }

    /// What the [`Backend::XousCore`] backend runs with: the xous-core checkout, the
    /// toolchain and the installed libstd. Selects that backend.
    pub fn xous_core(&mut self, setup: XousCore) -> &mut Self {
        self.backend = Backend::XousCore;
        self.xous_core = Some(setup);
        self
    }

    /// Adds a feature of xous-core's kernel to the [`Backend::XousCore`] image (e.g.
    /// `big-heap`); nothing for the other backends.
    pub fn xous_core_kernel_feature(&mut self, feature: &str) -> &mut Self {
        if let Some(setup) = &mut self.xous_core {
            if !setup.kernel_features.iter().any(|f| f == feature) {
                setup.kernel_features.push(feature.to_string());
            }
        }
        self
    }

    /// The emulator program (default `qemu-system-riscv32` or `renode` from PATH).
    pub fn program(&mut self, program: impl Into<PathBuf>) -> &mut Self {
        self.program = Some(program.into());
        self
    }

    /// Boots `firmware` and waits for it to finish (or for the timeout).
    pub fn run(&self, firmware: &Path) -> Result<RunOutput, HarnessError> {
        let Some(emulator) = self.backend.emulator() else {
            return self.run_on_xous_core(firmware);
        };
        let image = elf::check_firmware(firmware)?;
        if !self.kernel.is_file() {
            return Err(HarnessError::KernelMissing(self.kernel.clone()));
        }
        let name = firmware
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut argv = vec![name];
        argv.extend(self.args.iter().cloned());
        let params = params::encode(&argv, &self.env)?;
        let layout = Layout::new(
            self.ram_mib.saturating_mul(1 << 20),
            params.len(),
            image.len() as u64,
        )?;
        let dir = tempfile::Builder::new()
            .prefix(RUN_DIR_PREFIX)
            .tempdir()
            .map_err(|e| {
                HarnessError::io("create a scratch directory", &std::env::temp_dir(), e)
            })?;
        let flags = emulator.platform_flags();
        let program = self
            .program
            .clone()
            .unwrap_or_else(|| emulator.default_program().into());
        let launch = Launch {
            program: &program,
            kernel: &self.kernel,
            boot: write(
                dir.path(),
                "boot.bin",
                &layout.boot_block(&self.settings, flags),
            )?,
            params: write(dir.path(), "params.bin", &params)?,
            firmware: firmware.to_path_buf(),
            layout,
            ram_mib: self.ram_mib,
            dir: dir.path(),
        };
        let started = Instant::now();
        let running = emulator.start(&launch)?;
        let command = running.command.clone();
        let driven = drive(emulator, running, self.timeout, self.echo);
        let wall_time = started.elapsed();
        let console = driven.console;
        let (exit, instret) = match (driven.ending, parse_exit_record(&console.exit)) {
            (Ending::EmulatorError(message), _) => {
                // Keep the script and its files: they reproduce the run by hand.
                let kept = dir.keep();
                return Err(HarnessError::EmulatorError {
                    backend: emulator.name(),
                    command,
                    message,
                    dir: kept,
                });
            }
            (Ending::TimedOut, _) => (Exit::Timeout(self.timeout), None),
            (_, Some(r)) => r,
            (_, None) if console.kernel.is_empty() && console.stdout.is_empty() => {
                return Err(HarnessError::EmulatorFailed {
                    command,
                    output: driven.emulator_output,
                });
            }
            (_, None) => (Exit::NoExitRecord, None),
        };
        Ok(RunOutput {
            console,
            exit,
            instret,
            wall_time,
            command,
        })
    }
}

impl Runner {
    /// [`Runner::run`] on real Xous: arguments and environment cannot reach the program
    /// there, which is said in one line.
    fn run_on_xous_core(&self, firmware: &Path) -> Result<RunOutput, HarnessError> {
        let Some(setup) = &self.xous_core else {
            return Err(HarnessError::XousCore(format!(
                "the xous-core backend needs a xous-core checkout\nhelp: set {} (or xous-run --xous-core <dir>)",
                crate::xous_core::XOUS_CORE_DIR_VAR
            )));
        };
        if !self.args.is_empty() || !self.env.is_empty() {
            eprintln!(
                "xous-run: real Xous starts a program with no arguments and no environment: {} argument(s) and {} variable(s) are not passed",
                self.args.len(),
                self.env.len()
            );
        }
        let renode = self
            .program
            .clone()
            .unwrap_or_else(|| crate::renode::RENODE.into());
        crate::xous_core::run(
            setup,
            firmware,
            &crate::xous_core::RunSettings {
                renode: &renode,
                timeout: self.timeout,
                echo: self.echo,
                verbose: self.verbose,
            },
        )
    }
}

/// Prefix of a run's scratch directory under `$TMPDIR`. Never `renode-`: Renode deletes
/// such directories at start-up.
pub(crate) const RUN_DIR_PREFIX: &str = "xous-run-";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, HarnessError> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|e| HarnessError::io("write", &path, e))?;
    Ok(path)
}

/// The exit and instruction count of the last exit record line.
fn parse_exit_record(record: &[u8]) -> Option<(Exit, Option<u64>)> {
    let text = std::str::from_utf8(record).ok()?;
    let r = ExitRecord::parse(text.lines().last()?)?;
    let exit = match r.kind {
        ExitKind::Exit => Exit::Exited(r.code),
        ExitKind::Fault => Exit::Fault,
        ExitKind::Kernel => Exit::KernelFailure,
    };
    Some((exit, r.instret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_records_parse() {
        assert_eq!(
            parse_exit_record(b"kind=exit code=3 instret=99\n"),
            Some((Exit::Exited(3), Some(99)))
        );
        assert_eq!(
            parse_exit_record(b"kind=fault code=125 instret=1\n")
                .unwrap()
                .0,
            Exit::Fault
        );
        assert_eq!(parse_exit_record(b"garbage\n"), None);
    }
}
