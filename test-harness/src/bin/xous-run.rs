//! `xous-run`: boots a firmware ELF for riscv32imac-unknown-xous-elf on the test kernel
//! under QEMU (or Renode) and exits with the firmware's exit code. Works as a cargo
//! runner:
//!
//! ```toml
//! [target.riscv32imac-unknown-xous-elf]
//! runner = "xous-run"
//! ```

use anyhow::{bail, Context, Result};
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use test_harness::{
    build_kernel, private_sysroot, Backend, Exit, HarnessError, Runner, Toolchain,
    EMULATOR_ERROR_STATUS,
};
use xous_sysroot::{Installer, RustcVersion, Sysroot};

/// Run Xous firmware under emulation on the xous-sysroot test kernel.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
    /// Emulator: `qemu` or `renode` [default: $XOUS_RUN_BACKEND, else qemu].
    #[arg(long)]
    backend: Option<Backend>,
    /// Path of the emulator program [default: $XOUS_RUN_EMULATOR, else
    /// qemu-system-riscv32 or renode on PATH].
    #[arg(long)]
    emulator: Option<PathBuf>,
    /// The test kernel ELF. Without it, the kernel is built from source against --sysroot.
    #[arg(long, env = "XOUS_RUN_KERNEL")]
    kernel: Option<PathBuf>,
    /// An installed libstd sysroot for the target (private mode), used to build the
    /// kernel when --kernel is not given [default: the libstd that `cargo xous` or
    /// `xous-sysroot install` installed for the firmware toolchain's rustc].
    #[arg(long, env = "XOUS_RUN_SYSROOT")]
    sysroot: Option<PathBuf>,
    /// Kill the run after this many seconds of wall time from the machine's start (exit
    /// status 124).
    #[arg(long, default_value_t = 120.0, env = "XOUS_RUN_TIMEOUT")]
    timeout: f64,
    /// Set an environment variable for the firmware (repeatable). Host variables
    /// named XOUS_RUN_ENV_<NAME> are passed as <NAME>, and RUST_BACKTRACE,
    /// RUST_TEST_THREADS and RUST_MIN_STACK are passed through.
    #[arg(long = "env", value_name = "KEY=VALUE")]
    env: Vec<String>,
    /// Emulated RAM in MiB.
    #[arg(long, default_value_t = 256)]
    ram_mib: u64,
    /// Fix the UTC clock the firmware sees (ms since the Unix epoch) for repeatable runs.
    #[arg(long)]
    utc_ms: Option<u64>,
    /// Print the instructions retired by the whole run on stderr at the end.
    #[arg(long)]
    instret: bool,
    /// The firmware ELF.
    firmware: PathBuf,
    /// Arguments for the firmware (everything after the firmware path, options included).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

fn kernel(cli: &Cli) -> Result<PathBuf> {
    if let Some(k) = &cli.kernel {
        return Ok(k.clone());
    }
    // The kernel needs only `core` from the installed libstd: no rust-src.
    let toolchain = Toolchain::for_installed_libstd()?;
    let version = toolchain.rustc().version()?;
    let sysroot = match &cli.sysroot {
        Some(path) => private_sysroot(path, version.identity()),
        None => installed_sysroot(&toolchain, &version)?,
    };
    toolchain.check_sysroot(&version, &sysroot.path, &sysroot.target)?;
    // One kernel build directory per exact rustc, so that toolchains do not rebuild in turn.
    let target_dir = std::env::temp_dir()
        .join("xous-run-kernel")
        .join(version.dir_name());
    build_kernel(&toolchain, &sysroot, &target_dir).context("building the test kernel")
}

/// The libstd installed for `version` where xous-sysroot installs it (the mode, cache
/// directory and target from the `XOUS_SYSROOT_*` variables), without installing anything.
fn installed_sysroot(toolchain: &Toolchain, version: &RustcVersion) -> Result<Sysroot> {
    let (sysroot, stamp) = Installer::new()
        .rustc(toolchain.rustc())
        .version(version.clone())
        .status()?;
    let installed_for = stamp.and_then(|s| RustcVersion::parse(&s.rustc).ok());
    if !installed_for.is_some_and(|v| v.matches(version)) {
        bail!(
            "xous-run builds its test kernel against an installed libstd, and none is installed for rustc {} at {}\nhelp: run `cargo xous build` (or `xous-sysroot install`) first, or pass --kernel <elf> (XOUS_RUN_KERNEL) or --sysroot <dir> (XOUS_RUN_SYSROOT)",
            version.identity(),
            sysroot.path.display()
        );
    }
    Ok(sysroot)
}

fn run(cli: Cli) -> Result<i32> {
    let mut runner = Runner::new(kernel(&cli)?);
    runner.backend_from_env()?;
    if let Some(b) = cli.backend {
        runner.backend(b);
    }
    runner
        .timeout(Duration::from_secs_f64(cli.timeout))
        .ram_mib(cli.ram_mib)
        .args(cli.args.iter().cloned())
        .echo(true);
    if let Some(p) = &cli.emulator {
        runner.program(p);
    }
    if let Some(ms) = cli.utc_ms {
        runner.utc_ms(ms);
    }
    for (key, value) in std::env::vars() {
        if let Some(name) = key.strip_prefix("XOUS_RUN_ENV_") {
            runner.env(name, value);
        } else if matches!(
            key.as_str(),
            "RUST_BACKTRACE" | "RUST_TEST_THREADS" | "RUST_MIN_STACK"
        ) {
            runner.env(key, value);
        }
    }
    for kv in &cli.env {
        let Some((k, v)) = kv.split_once('=') else {
            bail!("--env expects KEY=VALUE, got `{kv}`");
        };
        runner.env(k, v);
    }
    let out = runner.run(&cli.firmware)?;
    if !matches!(out.exit, Exit::Exited(_)) {
        eprintln!("xous-run: {}", out.exit);
    }
    if cli.instret {
        if let Some(n) = out.instret {
            eprintln!("xous-run: instret={n}");
        }
    }
    Ok(out.status())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(status) => ExitCode::from(status.clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("xous-run: error: {e:#}");
            let refused = matches!(
                e.downcast_ref::<HarnessError>(),
                Some(HarnessError::EmulatorError { .. })
            );
            ExitCode::from(if refused {
                EMULATOR_ERROR_STATUS as u8
            } else {
                2
            })
        }
    }
}
