//! The QEMU backend: `qemu-system-riscv32 -machine virt` with exact instruction counting.

use crate::run::{Images, Launched, Runner};
use crate::HarnessError;
use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Stdio};

/// The QEMU program looked up on PATH unless the runner names another.
pub const QEMU: &str = "qemu-system-riscv32";

/// The full argument list for one run.
pub(crate) fn arguments(kernel: &Path, images: &Images, ram_mib: u64) -> Vec<OsString> {
    let mut args: Vec<OsString> = [
        "-machine",
        "virt",
        "-bios",
        "none",
        "-display",
        "none",
        "-monitor",
        "none",
        "-serial",
        "stdio",
        "-no-reboot",
        // Instruction counting: one instruction per ns of virtual time, no throttling to
        // the host clock and no real sleeping in wfi, so runs repeat exactly.
        "-icount",
        "shift=0,align=off,sleep=off",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    args.push("-m".into());
    args.push(format!("{ram_mib}M").into());
    args.push("-kernel".into());
    args.push(kernel.into());
    for (file, addr) in [
        (&images.boot, crate::layout::BOOT_BLOCK),
        (&images.params, images.layout.params_addr),
        (&images.firmware, images.layout.firmware_addr),
    ] {
        let mut spec = OsString::from("loader,file=");
        spec.push(file);
        spec.push(format!(",addr={addr:#x},force-raw=on"));
        args.push("-device".into());
        args.push(spec);
    }
    args
}

/// Starts QEMU with the console on its stdout.
pub(crate) fn launch(runner: &Runner, images: &Images) -> Result<Launched, HarnessError> {
    if images.firmware.to_string_lossy().contains(',') {
        return Err(HarnessError::Parameters(format!(
            "QEMU cannot load a file whose path contains a comma: {}",
            images.firmware.display()
        )));
    }
    let program = runner.program.clone().unwrap_or_else(|| QEMU.into());
    let args = arguments(&runner.kernel, images, runner.ram_mib);
    let command = crate::command_line(&program, &args);
    let mut child = Command::new(&program)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| HarnessError::emulator_spawn(&program, "qemu", e))?;
    let console = Box::new(child.stdout.take().expect("piped stdout"));
    Ok(Launched {
        child,
        console,
        command,
        stop: None,
    })
}
