//! The Renode backend: a generated platform description and `.resc` script on Renode's
//! stock `riscv_virt.repl`.
//!
//! The stock platform (`dram` at 0x8000_0000, `uart0` an NS16550 at 0x1000_0000, `clint`
//! at 0x0200_0000 at 10 MHz) has the memory map the kernel is linked for, but its CPU
//! (`rv32imac`) lacks what the kernel needs on some versions. Each run therefore writes,
//! in its own directory:
//! - `platform.repl`: `using` the stock platform, then an updating entry for `cpu` with
//!   a `cpuType` chosen from `renode --version` ([`cpu_type`]). One description: a
//!   second `LoadPlatformDescription` cannot change the constructor of a CPU that
//!   already exists (Renode refuses it with `Error E35`);
//! - `run.resc`: loads it, the kernel, the boot block, the parameters and the firmware,
//!   sends `uart0` to `console.bin` and starts. It is the way to reproduce a run by hand
//!   (its header comment gives the command).
//!
//! Renode runs as `renode --console --disable-xwt --plain run.resc` with:
//! - stdin a pipe kept open for the whole run (its monitor quits at end of input);
//! - `TMPDIR` set to `tmp/` in the run's directory: at start-up Renode deletes every
//!   `renode-*` directory in `$TMPDIR` whose name does not end in a running process id,
//!   so two runs sharing one would delete each other's files;
//! - its output read line by line: `Machine started` starts the run's clock (start-up
//!   takes seconds), and `There was an error executing command` / `Error E…` fails the
//!   run at once with the message ([`crate::HarnessError::EmulatorError`]).
//!
//! The platform has no exit device, so the boot block tells the kernel not to write one,
//! and the harness stops Renode when the kernel's exit record arrives on the console.

use crate::backend::{Emulator, Launch, Signal, Started};
use crate::growing_file::GrowingFile;
use crate::layout::{BOOT_BLOCK, RAM_BASE};
use crate::HarnessError;
use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The Renode program looked up on PATH unless the runner names another.
pub const RENODE: &str = "renode";
/// Platform description shipped with Renode that has the same memory map as QEMU virt.
pub const PLATFORM: &str = "platforms/cpus/riscv_virt.repl";
/// The longest Renode start-up before the run's clock starts anyway (it starts earlier,
/// when Renode reports that the machine started or the console carries its first byte).
pub const STARTUP_ALLOWANCE: Duration = Duration::from_secs(60);

/// A Renode version as `renode --version` prints it: major, minor, patch.
pub type Version = (u32, u32, u32);

/// The `cpuType` for a Renode version. The kernel needs S/U modes and the CSR
/// instructions:
/// - up to 1.13.x Renode reads the ISA string one letter at a time: `rv32imacsu` (run on
///   1.13.3). A `_zicsr_zifencei` suffix there is read letter by letter too, and its `f`
///   switches the F extension on;
/// - from 1.14 it parses multi-letter extensions and wants them written:
///   `rv32imacsu_zicsr_zifencei` (from Renode's sources and the issue that reported the
///   1.13.3 run; not run on a real 1.14 or later);
/// - an unknown version gets the newer form.
pub fn cpu_type(version: Option<Version>) -> &'static str {
    match version {
        Some((major, minor, _)) if (major, minor) <= (1, 13) => "rv32imacsu",
        _ => "rv32imacsu_zicsr_zifencei",
    }
}

/// The version in `renode --version` output (`Renode, version 1.13.3.1234 (…)` or
/// `Renode v1.16.1.17033`).
pub fn parse_version(text: &str) -> Option<Version> {
    text.split_whitespace().find_map(|word| {
        let word = word.trim_start_matches('v').trim_end_matches(',');
        let mut parts = word.split('.').map(|p| p.parse::<u32>().ok());
        let major = parts.next()??;
        let minor = parts.next()??;
        let patch = parts.next().flatten().unwrap_or(0);
        Some((major, minor, patch))
    })
}

/// `program --version`, asked once per program and process.
fn version(program: &Path, tmp: &Path) -> Option<Version> {
    static SEEN: Mutex<Option<HashMap<PathBuf, Option<Version>>>> = Mutex::new(None);
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    let seen = seen.get_or_insert_with(HashMap::new);
    if let Some(v) = seen.get(program) {
        return *v;
    }
    let v = Command::new(program)
        .arg("--version")
        .env("TMPDIR", tmp)
        .stdin(Stdio::null())
        .output()
        .ok()
        .and_then(|out| parse_version(&String::from_utf8_lossy(&out.stdout)));
    seen.insert(program.to_path_buf(), v);
    v
}

fn quoted(path: &Path) -> String {
    format!("@{}", path.display()).replace('"', "")
}

/// The platform description: the stock platform with the CPU type overridden.
pub(crate) fn platform(cpu_type: &str) -> String {
    format!(
        "// Generated by xous-run: Renode's stock RISC-V virt platform with a CPU that has\n\
         // the S and U modes the Xous test kernel needs.\n\
         using \"{PLATFORM}\"\n\
         \n\
         cpu:\n    cpuType: \"{cpu_type}\"\n"
    )
}

/// The `.resc` script for one run; `repl` is the platform description, `console` the
/// file the UART goes to (raw).
pub(crate) fn script(launch: &Launch, repl: &Path, console: &Path, by_hand: &str) -> String {
    let l = &launch.layout;
    format!(
        "# Generated by xous-run: boots the Xous test kernel and one firmware image.\n\
         # To run it by hand: {by_hand}\n\
         mach create \"xous-run\"\n\
         machine LoadPlatformDescription {repl}\n\
         sysbus LoadELF {kernel}\n\
         sysbus LoadBinary {boot} {BOOT_BLOCK:#x}\n\
         sysbus LoadBinary {params} {params_addr:#x}\n\
         sysbus LoadBinary {firmware} {firmware_addr:#x}\n\
         sysbus.cpu PC {RAM_BASE:#x}\n\
         sysbus.uart0 CreateFileBackend {console} true\n\
         start\n",
        repl = quoted(repl),
        kernel = quoted(launch.kernel),
        boot = quoted(&launch.boot),
        params = quoted(&launch.params),
        params_addr = l.params_addr,
        firmware = quoted(&launch.firmware),
        firmware_addr = l.firmware_addr,
        console = quoted(console),
    )
}

/// The arguments Renode is started with: headless, plain console, the script.
pub(crate) fn arguments(script: &Path) -> Vec<OsString> {
    vec![
        "--console".into(),
        "--disable-xwt".into(),
        "--plain".into(),
        script.into(),
    ]
}

/// Whether a line of Renode's output reports a failed command.
pub(crate) fn is_error(line: &str) -> bool {
    line.contains("There was an error executing command")
        || line.match_indices("Error E").any(|(at, m)| {
            let code = &line[at + m.len()..];
            let digits = code.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && code[digits..].starts_with(':')
        })
}

/// The Renode backend.
pub(crate) struct Renode;

impl Emulator for Renode {
    fn name(&self) -> &'static str {
        "renode"
    }

    fn default_program(&self) -> &'static str {
        RENODE
    }

    fn platform_flags(&self) -> u32 {
        0
    }

    fn startup_allowance(&self) -> Option<Duration> {
        Some(STARTUP_ALLOWANCE)
    }

    /// Writes the platform description and the script and starts Renode; the console is
    /// read from the UART's file.
    fn start(&self, launch: &Launch) -> Result<Started, HarnessError> {
        let dir = launch.dir;
        let tmp = dir.join("tmp");
        std::fs::create_dir_all(&tmp).map_err(|e| HarnessError::io("create", &tmp, e))?;
        let repl = dir.join("platform.repl");
        let cpu = cpu_type(version(launch.program, &tmp));
        write(&repl, &platform(cpu))?;
        // Renode creates the file (it renames an existing one aside, so none must exist).
        let console = dir.join("console.bin");
        let resc = dir.join("run.resc");
        let args = arguments(&resc);
        let command = format!(
            "TMPDIR={} {}",
            tmp.display(),
            crate::command_line(launch.program, &args)
        );
        write(&resc, &script(launch, &repl, &console, &command))?;
        let mut child = Command::new(launch.program)
            .args(&args)
            .env("TMPDIR", &tmp)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| HarnessError::emulator_spawn(launch.program, self.name(), e))?;
        let stop = Arc::new(AtomicBool::new(false));
        let tail = Tail {
            file: GrowingFile::new(&console),
            stop: stop.clone(),
        };
        Ok(Started {
            stdin: child.stdin.take(),
            child,
            console: Box::new(tail),
            command,
            stop: Some(stop),
        })
    }

    fn classify(&self, line: &str) -> Signal {
        if is_error(line) {
            Signal::Error
        } else if line.contains("Machine started") {
            Signal::MachineStarted
        } else {
            Signal::Nothing
        }
    }
}

fn write(path: &Path, text: &str) -> Result<(), HarnessError> {
    std::fs::write(path, text).map_err(|e| HarnessError::io("write", path, e))
}

/// Reads the console file as it grows, blocking until there is more or it is told to stop.
struct Tail {
    file: GrowingFile,
    stop: Arc<AtomicBool>,
}

impl Read for Tail {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.file.read(buf)?;
            if n > 0 || self.stop.load(Ordering::Relaxed) {
                return Ok(n);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[cfg(test)]
mod tests;
