//! Builds firmware for `riscv32imac-unknown-xous-elf` against an installed libstd and
//! runs it under emulation on a small kernel that speaks the Xous process ABI.
//!
//! The pieces:
//! - [`Toolchain`] and [`FirmwareBuild`]: cargo builds for the target with the firmware
//!   toolchain, the libstd given as a [`xous_sysroot::Sysroot`], and a separate target
//!   directory; [`build_kernel`] builds the test kernel the same way.
//! - [`Runner`]: boots the kernel and one firmware ELF under QEMU (default) or Renode
//!   ([`Backend`], chosen in code or with [`Backend::from_env`]), passes arguments and
//!   environment, enforces a timeout and returns a [`RunOutput`] (stdout, stderr, kernel
//!   messages, [`Exit`], instructions retired). What the host and the test kernel say to
//!   each other is the `xous-test-protocol` crate.
//! - The `xous-run` binary wraps [`Runner`] as a cargo runner.
//!
//! ```no_run
//! use test_harness::{build_kernel, FirmwareBuild, Runner, Toolchain};
//! # fn sysroot() -> xous_sysroot::Sysroot { unimplemented!() }
//! let toolchain = Toolchain::from_env()?;
//! let sysroot = sysroot(); // from xous_sysroot::Installer for toolchain.rustc()
//! let kernel = build_kernel(&toolchain, &sysroot, "target/xous".as_ref())?;
//! let fw = FirmwareBuild::new("firmware/Cargo.toml", &toolchain, &sysroot, "target/xous").build()?;
//! let out = Runner::new(kernel).run(&fw[0].path)?;
//! println!("{} (instret {:?})", out.stdout(), out.instret);
//! # Ok::<(), test_harness::HarnessError>(())
//! ```

mod backend;
mod cargo_build;
pub mod console;
mod drive;
mod elf;
mod error;
mod growing_file;
pub mod layout;
mod local;
mod params;
pub mod qemu;
pub mod renode;
mod run;
mod toolchain;
pub mod xous_core;

pub use backend::{Backend, BACKEND_VAR, EMULATOR_VAR};
pub use cargo_build::{build_kernel, kernel_source, Artifact, FirmwareBuild, TARGET};
pub use error::HarnessError;
pub use local::{
    cache_dir, cargo_target_dir, install_private, local_sysroot, private_sysroot, profile_sysroot,
    DIST_SERVER_ENV,
};
pub use run::{Exit, RunOutput, Runner, EMULATOR_ERROR_STATUS, FAULT_STATUS, TIMEOUT_STATUS};
pub use toolchain::{Toolchain, FIRMWARE_CARGO_ENV, FIRMWARE_RUSTC_ENV};
pub use xous_core::XousCore;

use std::ffi::OsStr;

/// A command line for messages: `program` and `args` as shell words.
pub(crate) fn command_line<I, S>(program: impl AsRef<OsStr>, args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = std::process::Command::new(program);
    cmd.args(args);
    xous_sysroot::util::command_line(&cmd)
}
