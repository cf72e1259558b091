//! Which emulator the suite's firmware runs on: the one place in this crate that reads
//! `XOUS_RUN_BACKEND` and `XOUS_RUN_EMULATOR` (the variables `xous-run` reads), for the
//! conformance suite, Rust's alloc tests and `xous-bench` alike.
//!
//! ```text
//! XOUS_RUN_BACKEND=renode [XOUS_RUN_EMULATOR=/opt/renode/renode] cargo test -p firmware-tests
//! ```

use std::ffi::OsString;
use std::path::PathBuf;
use test_harness::{Backend, Runner};

/// The variable that picks the backend: `qemu` (the default when unset or empty) or `renode`.
pub const BACKEND_ENV: &str = "XOUS_RUN_BACKEND";

/// The variable that names the emulator program (default: `qemu-system-riscv32` or
/// `renode` on `PATH`).
pub const PROGRAM_ENV: &str = "XOUS_RUN_EMULATOR";

/// `XOUS_RUN_BACKEND` holds something that is not a backend.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{BACKEND_ENV}={value:?} names no emulator: {reason}\nhelp: set {BACKEND_ENV} to `qemu` or `renode`, or unset it for QEMU")]
pub struct EmulatorError {
    /// The value found.
    pub value: String,
    /// What is wrong with it.
    pub reason: String,
}

/// The emulator every firmware run of this crate uses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Emulator {
    /// QEMU or Renode.
    pub backend: Backend,
    /// The program, when not the backend's default on `PATH`.
    pub program: Option<PathBuf>,
}

impl Emulator {
    /// The emulator the environment asks for ([`BACKEND_ENV`], [`PROGRAM_ENV`]).
    pub fn from_env() -> Result<Emulator, EmulatorError> {
        Emulator::from_vars(std::env::var_os(BACKEND_ENV), std::env::var_os(PROGRAM_ENV))
    }

    /// The emulator for these values of [`BACKEND_ENV`] and [`PROGRAM_ENV`] (`None` or
    /// empty: unset).
    pub fn from_vars(
        backend: Option<OsString>,
        program: Option<OsString>,
    ) -> Result<Emulator, EmulatorError> {
        let backend = match backend.filter(|b| !b.is_empty()) {
            None => Backend::Qemu,
            Some(raw) => {
                let value = raw.to_string_lossy().into_owned();
                value.parse().map_err(|reason| EmulatorError {
                    value: value.clone(),
                    reason,
                })?
            }
        };
        Ok(Emulator {
            backend,
            program: program.filter(|p| !p.is_empty()).map(PathBuf::from),
        })
    }

    /// `qemu` or `renode`: what reports and baselines record.
    pub fn name(&self) -> &'static str {
        match self.backend {
            Backend::Qemu => "qemu",
            Backend::Renode => "renode",
        }
    }

    /// Points `runner` at this emulator.
    pub fn configure(&self, runner: &mut Runner) {
        runner.backend(self.backend);
        if let Some(program) = &self.program {
            runner.program(program);
        }
    }
}

#[cfg(test)]
mod tests;
