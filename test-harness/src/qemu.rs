//! The QEMU backend: `qemu-system-riscv32 -machine virt` with exact instruction counting.
//! The console is QEMU's stdout; the kernel ends the run through QEMU's exit device.

use crate::backend::{Emulator, Launch, Started};
use crate::HarnessError;
use std::ffi::OsString;
use std::process::{Command, Stdio};
use std::time::Duration;
use xous_test_protocol::boot::FLAG_EXIT_DEVICE;

/// The QEMU program looked up on PATH unless the runner names another.
pub const QEMU: &str = "qemu-system-riscv32";

/// The QEMU backend.
pub(crate) struct Qemu;

/// The full argument list for one run.
pub(crate) fn arguments(launch: &Launch) -> Vec<OsString> {
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
    args.push(format!("{}M", launch.ram_mib).into());
    args.push("-kernel".into());
    args.push(launch.kernel.into());
    for (file, addr) in [
        (&launch.boot, crate::layout::BOOT_BLOCK),
        (&launch.params, launch.layout.params_addr),
        (&launch.firmware, launch.layout.firmware_addr),
    ] {
        let mut spec = OsString::from("loader,file=");
        spec.push(file);
        spec.push(format!(",addr={addr:#x},force-raw=on"));
        args.push("-device".into());
        args.push(spec);
    }
    args
}

impl Emulator for Qemu {
    fn name(&self) -> &'static str {
        "qemu"
    }

    fn default_program(&self) -> &'static str {
        QEMU
    }

    fn platform_flags(&self) -> u32 {
        FLAG_EXIT_DEVICE
    }

    fn startup_allowance(&self) -> Option<Duration> {
        None
    }

    /// Starts QEMU with the console on its stdout.
    fn start(&self, launch: &Launch) -> Result<Started, HarnessError> {
        if launch.firmware.to_string_lossy().contains(',') {
            return Err(HarnessError::Parameters(format!(
                "QEMU cannot load a file whose path contains a comma: {}",
                launch.firmware.display()
            )));
        }
        let args = arguments(launch);
        let command = crate::command_line(launch.program, &args);
        let mut child = Command::new(launch.program)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| HarnessError::emulator_spawn(launch.program, self.name(), e))?;
        let console = Box::new(child.stdout.take().expect("piped stdout"));
        Ok(Started {
            child,
            console,
            command,
            stop: None,
            stdin: None,
        })
    }
}
