//! Which emulator the suite's firmware runs on: the one place in this crate that reads
//! `XOUS_RUN_BACKEND` and `XOUS_RUN_EMULATOR` (the variables `xous-run` reads), for the
//! conformance suite, Rust's alloc tests and `xous-bench` alike.
//!
//! ```text
//! XOUS_RUN_BACKEND=renode [XOUS_RUN_EMULATOR=/opt/renode/renode] cargo test -p firmware-tests
//! ```

use std::ffi::OsStr;
use std::path::PathBuf;
use test_harness::xous_core::RealXous;
use test_harness::{Backend, HarnessError, Runner};

/// The emulator every firmware run of this crate uses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Emulator {
    /// QEMU or Renode.
    pub backend: Backend,
    /// The program, when not the backend's default on `PATH`.
    pub program: Option<PathBuf>,
}

impl Emulator {
    /// The emulator the environment asks for (`XOUS_RUN_BACKEND`, `XOUS_RUN_EMULATOR`), read
    /// as `xous-run` reads them ([`Backend::from_env`]).
    pub fn from_env() -> Result<Emulator, HarnessError> {
        let (backend, program) = Backend::from_env()?;
        Ok(Emulator { backend, program })
    }

    /// The emulator for these values of the two variables (`None` or empty: unset).
    pub fn from_vars(
        backend: Option<&OsStr>,
        program: Option<&OsStr>,
    ) -> Result<Emulator, HarnessError> {
        let (backend, program) = Backend::from_vars(backend, program)?;
        Ok(Emulator { backend, program })
    }

    /// `qemu`, `renode` or `xous-core`: what reports and baselines record.
    pub fn name(&self) -> &'static str {
        self.backend.name()
    }

    /// Points `runner` at this emulator. The real Xous (`xous-core`) is the one
    /// [`RealXous::find`] finds, running this suite's libstd and toolchain.
    ///
    /// # Panics
    ///
    /// On `xous-core` when there is no real Xous (the message says what to set or run).
    pub fn configure(&self, runner: &mut Runner) {
        runner.backend(self.backend);
        if self.backend == Backend::XousCore {
            let real = real_xous();
            runner.xous_core(real.setup(crate::toolchain(), crate::sysroot().path));
            runner.program(&real.renode);
        }
        if let Some(program) = &self.program {
            runner.program(program);
        }
    }
}

/// The real Xous the suites run on with `XOUS_RUN_BACKEND=xous-core`: the one
/// [`RealXous::find`] finds.
///
/// # Panics
///
/// When there is none (the message says what to set or run).
pub fn real_xous() -> RealXous {
    RealXous::find(crate::cargo_target_dir()).unwrap_or_else(|why| {
        panic!("XOUS_RUN_BACKEND=xous-core, but {why}\nhelp: set XOUS_CORE_DIR, or run scripts/install-real-xous")
    })
}

#[cfg(test)]
mod tests;
