//! Choosing and starting an emulator. [`Backend`] names one (and [`Backend::from_env`]
//! reads the choice the way `xous-run` does); a [`Launch`] says what one run boots; each
//! backend module (`qemu`, `renode`) implements [`Emulator`] to start it.

use crate::layout::Layout;
use crate::HarnessError;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

/// Which emulator runs the firmware.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// `qemu-system-riscv32 -machine virt` with exact instruction counting.
    #[default]
    Qemu,
    /// Renode with its stock `riscv_virt.repl` platform.
    Renode,
    /// The real Xous: xous-core's kernel, loader and services, built from a checkout,
    /// under Renode (see [`crate::xous_core`]).
    XousCore,
}

/// The variable naming the backend (`qemu`, `renode` or `xous-core`).
pub const BACKEND_VAR: &str = "XOUS_RUN_BACKEND";
/// The variable naming the emulator program (default: the backend's on PATH).
pub const EMULATOR_VAR: &str = "XOUS_RUN_EMULATOR";

impl std::str::FromStr for Backend {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "qemu" => Ok(Backend::Qemu),
            "renode" => Ok(Backend::Renode),
            "xous-core" => Ok(Backend::XousCore),
            _ => Err(format!(
                "unknown backend `{s}`: expected `qemu`, `renode` or `xous-core`"
            )),
        }
    }
}

impl Backend {
    /// The backend named by `XOUS_RUN_BACKEND` (QEMU when unset or empty) and the
    /// emulator program named by `XOUS_RUN_EMULATOR` (`None` when unset or empty: the
    /// backend's program on PATH). `xous-run` falls back on these when its options are
    /// not given; apply them to a [`crate::Runner`] with
    /// [`crate::Runner::backend_from_env`].
    pub fn from_env() -> Result<(Backend, Option<PathBuf>), HarnessError> {
        Backend::from_vars(
            std::env::var_os(BACKEND_VAR).as_deref(),
            std::env::var_os(EMULATOR_VAR).as_deref(),
        )
    }

    /// [`Backend::from_env`] for given values of `XOUS_RUN_BACKEND` and
    /// `XOUS_RUN_EMULATOR` (`None` or empty: unset).
    pub fn from_vars(
        backend: Option<&std::ffi::OsStr>,
        program: Option<&std::ffi::OsStr>,
    ) -> Result<(Backend, Option<PathBuf>), HarnessError> {
        let backend = match backend.filter(|v| !v.is_empty()) {
            Some(v) => {
                let value = v.to_string_lossy();
                value.parse().map_err(|e| {
                    HarnessError::Parameters(format!(
                        "{BACKEND_VAR}={value:?} names no emulator: {e}\nhelp: set {BACKEND_VAR} to `qemu`, `renode` or `xous-core`, or unset it for QEMU"
                    ))
                })?
            }
            None => Backend::Qemu,
        };
        let program = program.filter(|v| !v.is_empty()).map(PathBuf::from);
        Ok((backend, program))
    }

    /// Whether instruction counts of runs on this backend are exact (QEMU's icount);
    /// Renode counts per translation block.
    pub fn exact_instret(self) -> bool {
        self == Backend::Qemu
    }

    /// The test kernel's emulator; `None` for real Xous, which boots no test kernel.
    pub(crate) fn emulator(self) -> Option<&'static dyn Emulator> {
        match self {
            Backend::Qemu => Some(&crate::qemu::Qemu),
            Backend::Renode => Some(&crate::renode::Renode),
            Backend::XousCore => None,
        }
    }

    /// Its name, as `XOUS_RUN_BACKEND` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Qemu => "qemu",
            Backend::Renode => "renode",
            Backend::XousCore => "xous-core",
        }
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What one run boots, as the backends need it.
pub(crate) struct Launch<'a> {
    /// The emulator program.
    pub program: &'a Path,
    /// The test kernel ELF.
    pub kernel: &'a Path,
    /// The boot block, the parameter block and the firmware, loaded at `layout`'s addresses.
    pub boot: PathBuf,
    pub params: PathBuf,
    pub firmware: PathBuf,
    pub layout: Layout,
    /// Emulated RAM in MiB.
    pub ram_mib: u64,
    /// The run's own scratch directory (scripts, the console file, temporary files).
    pub dir: &'a Path,
}

/// A started emulator.
pub(crate) struct Started {
    pub child: Child,
    /// The console byte stream.
    pub console: Box<dyn Read + Send>,
    /// The command line, for reports.
    pub command: String,
    /// Set to end a console reader that would otherwise wait for more bytes forever.
    pub stop: Option<Arc<AtomicBool>>,
    /// The emulator's standard input, kept open for the whole run and closed at its end.
    pub stdin: Option<ChildStdin>,
}

/// What a line of the emulator's own output (not the console) means to the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    /// Nothing: kept for reports.
    Nothing,
    /// The machine started: the run's clock starts.
    MachineStarted,
    /// The emulator refused a command: the run fails at once.
    Error,
}

/// One emulator: how to start it for a [`Launch`] and how to read what it says.
pub(crate) trait Emulator: Sync {
    /// Its name in messages.
    fn name(&self) -> &'static str;
    /// The program run when the runner names none.
    fn default_program(&self) -> &'static str;
    /// The boot block's `FLAG_*` bits for its platform.
    fn platform_flags(&self) -> u32;
    /// `None` when the machine runs as soon as the process starts; otherwise the
    /// longest start-up before the run's clock starts anyway (it starts earlier on
    /// [`Signal::MachineStarted`] or the first console byte).
    fn startup_allowance(&self) -> Option<Duration>;
    /// Starts the emulator for `launch`.
    fn start(&self, launch: &Launch) -> Result<Started, HarnessError>;
    /// What a line of its own output means.
    fn classify(&self, _line: &str) -> Signal {
        Signal::Nothing
    }
}

#[cfg(test)]
mod tests;
