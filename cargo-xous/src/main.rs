//! `cargo xous`: runs cargo for the Xous target with the libstd that matches the exact rustc
//! cargo will use.
//!
//! Reading order: [`cli`] splits the command line, [`toolchain`] finds the rustc and cargo the
//! wrapped cargo will use, [`install`] makes sure the matching libstd is there, [`config`] works
//! out the flags cargo needs (target, `--sysroot` for target units only, the runner) without
//! losing the user's own, and this file puts them together and runs cargo.

mod cli;
mod config;
mod install;
mod toolchain;

use std::ffi::OsString;
use std::process::{Command, ExitCode};

use cli::Invocation;

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(101)
        }
    }
}

fn run(args: Vec<OsString>) -> Result<ExitCode, String> {
    let inv = match cli::parse(args)? {
        cli::Parsed::Help => {
            print!("{}", cli::HELP);
            return Ok(ExitCode::SUCCESS);
        }
        cli::Parsed::Version => {
            println!("cargo-xous {}", env!("CARGO_PKG_VERSION"));
            return Ok(ExitCode::SUCCESS);
        }
        cli::Parsed::Run(inv) => inv,
    };
    let mut cargo;
    if inv.needs_target() {
        let user_config = config::UserConfig::load(&inv.config_args)?;
        let toolchain = toolchain::Toolchain::resolve(
            inv.toolchain.as_deref(),
            user_config.build_rustc.as_deref(),
        );
        let target = inv
            .target
            .clone()
            .or_else(|| user_config.build_target.clone())
            .unwrap_or_else(|| xous_sysroot::DEFAULT_TARGET.to_string());
        let runner = runner_for(&inv)?;
        let rustdoc = toolchain.rustdoc(inv.runs_rustdoc())?;
        let sysroot = install::ensure(&toolchain, &target, inv.quiet)?;
        let plan = config::Plan::new(
            &user_config,
            &target,
            inv.target.is_some(),
            &sysroot.rustflags().map_err(|e| e.to_string())?,
            runner.as_deref(),
            &toolchain.cfg_rustc(),
        )?;
        cargo = with_plan(&toolchain, &inv, plan, &sysroot);
        if let Some(rustdoc) = rustdoc {
            cargo.env("RUSTDOC", rustdoc);
        }
    } else {
        let toolchain = toolchain::Toolchain::resolve(inv.toolchain.as_deref(), None);
        cargo = toolchain.cargo_command(&inv);
    }
    let status = cargo
        .status()
        .map_err(|e| format!("could not run {:?}: {e}", cargo.get_program()))?;
    Ok(exit_code(status))
}

/// `xous-run` for subcommands that run target programs, unless the user configured a runner.
fn runner_for(inv: &Invocation) -> Result<Option<std::path::PathBuf>, String> {
    if inv.runs_programs() {
        toolchain::find_xous_run().map(Some)
    } else {
        Ok(None)
    }
}

/// The cargo command with the target, the sysroot flags and the runner added.
fn with_plan(
    toolchain: &toolchain::Toolchain,
    inv: &Invocation,
    plan: config::Plan,
    sysroot: &xous_sysroot::Sysroot,
) -> Command {
    let mut extra = Vec::new();
    if plan.add_target {
        extra.push("--target".to_string());
        extra.push(plan.target.clone());
    }
    for c in &plan.config_args {
        extra.push("--config".to_string());
        extra.push(c.clone());
    }
    let mut cmd = toolchain.cargo_command(&inv.with_extra_args(extra));
    for (key, value) in &plan.env {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    // For `xous-run`: the sysroot and toolchain to build the test kernel with.
    cmd.env("XOUS_RUN_SYSROOT", &sysroot.path);
    cmd.env("XOUS_FIRMWARE_RUSTC", &toolchain.rustc);
    cmd.env("XOUS_FIRMWARE_CARGO", &toolchain.cargo);
    cmd
}

fn exit_code(status: std::process::ExitStatus) -> ExitCode {
    match status.code() {
        Some(code) => ExitCode::from(code.clamp(0, 255) as u8),
        None => {
            #[cfg(unix)]
            {
                use std::os::unix::process::ExitStatusExt;
                if let Some(signal) = status.signal() {
                    return ExitCode::from((128 + signal).clamp(0, 255) as u8);
                }
            }
            ExitCode::from(101)
        }
    }
}
