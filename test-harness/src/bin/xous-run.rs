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
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;
use test_harness::layout::MAX_RAM_MIB;
use test_harness::xous_core::ImageEnd;
use test_harness::{
    build_kernel, private_sysroot, Backend, Exit, HarnessError, Runner, Toolchain, XousCore,
    EMULATOR_ERROR_STATUS, TARGET, TIMEOUT_STATUS,
};
use xous_sysroot::{Installer, RustcVersion, Sysroot};

/// Run Xous firmware under emulation on the xous-sysroot test kernel.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
    /// Emulator: `qemu` or `renode` (the test kernel), or `xous-core` (the real Xous,
    /// built from --xous-core, under Renode) [default: $XOUS_RUN_BACKEND, else qemu].
    #[arg(long)]
    backend: Option<Backend>,
    /// The xous-core checkout the `xous-core` backend builds its image from.
    #[arg(long, value_name = "DIR", env = "XOUS_CORE_DIR")]
    xous_core: Option<PathBuf>,
    /// Show the kernel's messages (and on real Xous the services' console lines) live on
    /// stderr.
    #[arg(short, long, env = "XOUS_RUN_VERBOSE")]
    verbose: bool,
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
    /// status 124): a number greater than 0 and at most a year, fractions allowed.
    #[arg(long, value_name = "SECONDS", default_value = "120", env = "XOUS_RUN_TIMEOUT",
          value_parser = timeout_seconds, allow_hyphen_values = true)]
    timeout: Duration,
    /// Set an environment variable for the firmware (repeatable). Host variables
    /// named XOUS_RUN_ENV_<NAME> are passed as <NAME>, and RUST_BACKTRACE,
    /// RUST_TEST_THREADS and RUST_MIN_STACK are passed through.
    #[arg(long = "env", value_name = "KEY=VALUE")]
    env: Vec<String>,
    /// Emulated RAM in MiB (RAM starts at 2 GiB in a 32-bit address space).
    #[arg(long, default_value_t = 256,
          value_parser = clap::value_parser!(u64).range(1..=MAX_RAM_MIB))]
    ram_mib: u64,
    /// Fix the UTC clock the firmware sees (ms since the Unix epoch) for repeatable runs.
    #[arg(long)]
    utc_ms: Option<u64>,
    /// Print the instructions retired by the whole run on stderr at the end.
    #[arg(long)]
    instret: bool,
    /// Instead of running a program: build xous-core's full `renode-image` (every service)
    /// from --xous-core with the installed libstd, boot it under Renode and wait until
    /// every service is up and stays up for 10 s (exit 0); otherwise say what failed (exit
    /// 1, or 124 at the timeout).
    #[arg(long, conflicts_with_all = ["firmware", "kernel", "env", "utc_ms", "instret"])]
    boot_renode_image: bool,
    /// The firmware ELF.
    #[arg(required_unless_present = "boot_renode_image")]
    firmware: Option<PathBuf>,
    /// Arguments for the firmware (everything after the firmware path, options included).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// The longest `--timeout`: a year, far below where a deadline would overflow the clock.
const MAX_TIMEOUT_SECS: f64 = 365.0 * 24.0 * 3600.0;

/// `--timeout`'s value: seconds greater than 0 and at most [`MAX_TIMEOUT_SECS`] (no NaN,
/// infinity or negative number), as a [`Duration`].
fn timeout_seconds(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| "expected a number of seconds, such as 120 or 2.5".to_string())?;
    if !(secs > 0.0 && secs <= MAX_TIMEOUT_SECS) {
        return Err(format!(
            "expected a number of seconds greater than 0 and at most {MAX_TIMEOUT_SECS} (a year)"
        ));
    }
    Duration::try_from_secs_f64(secs).map_err(|e| e.to_string())
}

fn kernel(cli: &Cli) -> Result<PathBuf> {
    if let Some(k) = &cli.kernel {
        return Ok(k.clone());
    }
    let (toolchain, version, sysroot) = firmware_toolchain(cli)?;
    // One kernel build directory per exact rustc, so that toolchains do not rebuild in turn.
    let target_dir = std::env::temp_dir()
        .join("xous-run-kernel")
        .join(version.dir_name());
    build_kernel(&toolchain, &sysroot, &target_dir).context("building the test kernel")
}

/// The firmware toolchain and the libstd installed for it (--sysroot, else where
/// xous-sysroot installs it), checked against each other. The test kernel needs only
/// `core` from it and the real Xous only the installed libstd: no rust-src.
fn firmware_toolchain(cli: &Cli) -> Result<(Toolchain, RustcVersion, Sysroot)> {
    if let Some(path) = &cli.sysroot {
        check_sysroot_arg(path)?;
    }
    let toolchain = Toolchain::for_installed_libstd()?;
    let version = toolchain.rustc().version()?;
    let sysroot = match &cli.sysroot {
        Some(path) => private_sysroot(path, version.identity()),
        None => installed_sysroot(&toolchain, &version)?,
    };
    toolchain.check_sysroot(&version, &sysroot.path, &sysroot.target)?;
    Ok((toolchain, version, sysroot))
}

/// `--sysroot` must hold a libstd for the target and have a UTF-8 path (the kernel build
/// names it in rustflags, which are text), or the kernel build fails on `core` instead.
fn check_sysroot_arg(path: &Path) -> Result<()> {
    if path.to_str().is_none() {
        bail!(
            "the sysroot {path:?} (--sysroot or XOUS_RUN_SYSROOT) is not valid UTF-8, and the kernel build can name it only in UTF-8 rustflags\nhelp: install the libstd under a UTF-8 path (xous-sysroot install --cache-dir <dir>)"
        );
    }
    let target_dir = path.join("lib/rustlib").join(TARGET);
    if !target_dir.is_dir() {
        bail!(
            "the sysroot {} (--sysroot or XOUS_RUN_SYSROOT) holds no libstd for {TARGET}: {} is not a directory\nhelp: pass the directory `xous-sysroot install` reports, or the kernel ELF with --kernel",
            path.display(),
            target_dir.display()
        );
    }
    Ok(())
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

/// The host variables passed to the firmware: `XOUS_RUN_ENV_<NAME>` as `<NAME>`, and with
/// `passthrough` `RUST_BACKTRACE`, `RUST_TEST_THREADS` and `RUST_MIN_STACK` as they are. Other variables
/// may hold any bytes; these must be UTF-8, since the firmware's environment is strings.
fn firmware_env_from_host(passthrough: bool) -> Result<Vec<(String, String)>> {
    const PASSED: [&str; 3] = ["RUST_BACKTRACE", "RUST_TEST_THREADS", "RUST_MIN_STACK"];
    const PREFIX: &str = "XOUS_RUN_ENV_";
    let mut env = Vec::new();
    for (key, value) in std::env::vars_os() {
        let bytes = key.as_encoded_bytes();
        let ours = bytes.starts_with(PREFIX.as_bytes())
            || (passthrough && PASSED.iter().any(|p| bytes == p.as_bytes()));
        if !ours {
            continue;
        }
        let (Some(key), Some(value)) = (key.to_str(), value.to_str()) else {
            bail!(
                "the host variable {key:?} (value {value:?}) is not valid UTF-8, and the firmware's environment holds only UTF-8 strings\nhelp: unset it or give it a UTF-8 value"
            );
        };
        let name = key.strip_prefix(PREFIX).unwrap_or(key);
        env.push((name.to_string(), value.to_string()));
    }
    Ok(env)
}

/// The real Xous's settings: the checkout (--xous-core) and the firmware toolchain's libstd.
fn xous_core(cli: &Cli) -> Result<XousCore> {
    let Some(checkout) = &cli.xous_core else {
        bail!("the xous-core backend builds its image from a xous-core checkout, and none was named\nhelp: set XOUS_CORE_DIR (or pass --xous-core <dir>) to a clone of https://github.com/betrusted-io/xous-core");
    };
    let (toolchain, _, sysroot) = firmware_toolchain(cli)?;
    Ok(XousCore::new(checkout, toolchain, sysroot.path))
}

/// On real Xous, after a run that failed without `-v`: the last 20 kernel and console lines.
fn print_last_lines(log: &str) {
    eprintln!("xous-run: the last kernel and console lines:");
    eprint!("{}", xous_sysroot::util::tail(log, 20));
    eprintln!();
}

/// `--boot-renode-image`: xous-core's full image, booted until its services are up.
fn boot_renode_image(cli: &Cli) -> Result<i32> {
    let setup = xous_core(cli)?;
    let renode = match &cli.emulator {
        Some(p) => p.clone(),
        None => Backend::from_env()?
            .1
            .unwrap_or_else(|| test_harness::renode::RENODE.into()),
    };
    let boot =
        test_harness::xous_core::boot_renode_image(&setup, &renode, cli.timeout, cli.verbose)?;
    if boot.is_up() {
        println!("xous-run: renode-image: {}", boot.summary());
        return Ok(0);
    }
    if !cli.verbose {
        print_last_lines(&boot.log);
    }
    eprintln!("xous-run: renode-image: {}", boot.summary());
    Ok(match boot.end {
        ImageEnd::Timeout { .. } => TIMEOUT_STATUS,
        _ => 1,
    })
}

fn run(cli: Cli) -> Result<i32> {
    if cli.boot_renode_image {
        return boot_renode_image(&cli);
    }
    let Some(firmware) = &cli.firmware else {
        bail!("no firmware ELF was named");
    };
    let (backend, _) = Backend::from_env()?;
    let backend = cli.backend.unwrap_or(backend);
    let mut runner = if backend == Backend::XousCore {
        let mut runner = Runner::new(PathBuf::new());
        runner.xous_core(xous_core(&cli)?);
        runner
    } else {
        let mut runner = Runner::new(kernel(&cli)?);
        runner.backend(backend);
        runner
    };
    if let Some(p) = Backend::from_env()?.1 {
        runner.program(p);
    }
    runner
        .timeout(cli.timeout)
        .ram_mib(cli.ram_mib)
        .args(cli.args.iter().cloned())
        .verbose(cli.verbose)
        .echo(true);
    if let Some(p) = &cli.emulator {
        runner.program(p);
    }
    if let Some(ms) = cli.utc_ms {
        runner.utc_ms(ms);
    }
    // Real Xous takes no environment: only variables asked for explicitly are reported.
    for (key, value) in firmware_env_from_host(backend != Backend::XousCore)? {
        runner.env(key, value);
    }
    for kv in &cli.env {
        let Some((k, v)) = kv.split_once('=') else {
            bail!("--env expects KEY=VALUE, got `{kv}`");
        };
        runner.env(k, v);
    }
    let out = runner.run(firmware)?;
    if !matches!(out.exit, Exit::Exited(_)) {
        if backend == Backend::XousCore && !cli.verbose {
            print_last_lines(&out.kernel_log());
        }
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
