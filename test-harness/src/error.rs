//! The error type of the harness.

use std::path::{Path, PathBuf};

/// Everything that can go wrong while building or running firmware.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// A file operation failed.
    #[error("could not {action} {}: {error}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// On which file.
        path: PathBuf,
        /// The OS error.
        error: std::io::Error,
    },
    /// The file given to run is not firmware for this target.
    #[error("{} cannot be run: {why}\nhelp: pass an executable built for riscv32imac-unknown-xous-elf", path.display())]
    NotFirmware {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        why: xous_test_protocol::elf::ElfError,
    },
    /// The firmware does not fit in the emulated RAM.
    #[error("the firmware ({firmware_len} bytes) does not fit in {ram_mib} MiB of RAM (needs about {needed_mib} MiB)\nhelp: raise the RAM size (xous-run --ram-mib)")]
    TooLarge {
        /// Size of the ELF file.
        firmware_len: u64,
        /// RAM configured.
        ram_mib: u64,
        /// RAM needed.
        needed_mib: u64,
    },
    /// Arguments or environment that cannot be encoded.
    #[error("{0}")]
    Parameters(String),
    /// The test kernel ELF is not there.
    #[error("the test kernel {} does not exist\nhelp: build it with test_harness::build_kernel, or `xous-run --sysroot <dir>` builds it for you", .0.display())]
    KernelMissing(PathBuf),
    /// The emulator program could not be started.
    #[error("could not start {backend} (`{}`): {error}\nhelp: {hint}", program.display())]
    EmulatorMissing {
        /// The program.
        program: PathBuf,
        /// Which backend.
        backend: &'static str,
        /// How to get it.
        hint: &'static str,
        /// The OS error.
        error: std::io::Error,
    },
    /// The emulator stopped before the kernel printed anything.
    #[error("the emulator failed before the test kernel started\ncommand: {command}\n{output}")]
    EmulatorFailed {
        /// The command line.
        command: String,
        /// Its exit status and stderr.
        output: String,
    },
    /// The emulator reported an error before the firmware ran (e.g. a command of the
    /// generated Renode script failed); `xous-run` exits with
    /// [`crate::EMULATOR_ERROR_STATUS`].
    #[error("{backend} refused the run:\n{message}\ncommand: {command}\nthe run's files are kept in {} to reproduce it by hand", dir.display())]
    EmulatorError {
        /// Which backend.
        backend: &'static str,
        /// The command line.
        command: String,
        /// The emulator's error lines.
        message: String,
        /// The run's directory (script, images), kept.
        dir: PathBuf,
    },
    /// A cargo build for the target failed.
    #[error("building {what} failed\ncommand: {command}\n{output}")]
    Build {
        /// What was built.
        what: String,
        /// The cargo command line.
        command: String,
        /// Cargo's error output (the end of it).
        output: String,
    },
    /// The xous-core backend's setup is unusable (checkout, libstd, Renode's peripherals).
    #[error("{0}")]
    XousCore(String),
    /// The firmware toolchain is missing or unusable.
    #[error("{0}")]
    Toolchain(String),
    /// Building the local libstd failed.
    #[error(transparent)]
    Producer(#[from] xous_sysroot_build::BuildError),
    /// Installing or finding libstd failed.
    #[error(transparent)]
    Sysroot(#[from] xous_sysroot::Error),
}

impl HarnessError {
    pub(crate) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        HarnessError::Io {
            action,
            path: path.to_path_buf(),
            error: source,
        }
    }

    pub(crate) fn emulator_spawn(
        program: &Path,
        backend: &'static str,
        source: std::io::Error,
    ) -> Self {
        let hint = if backend == "qemu" {
            "install QEMU's RISC-V system emulator: `apt-get install qemu-system-misc` (Debian/Ubuntu), or pass its path with --emulator"
        } else {
            "install Renode from https://renode.io (it is not in Debian's archive) and put `renode` on PATH, or pass its path with --emulator"
        };
        HarnessError::EmulatorMissing {
            program: program.to_path_buf(),
            backend,
            hint,
            error: source,
        }
    }
}
