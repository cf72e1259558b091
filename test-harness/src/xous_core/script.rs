//! The Renode script of a run, and the SoC's C# peripherals compiled once.
//!
//! The script boots the image as the checkout's `emulation/betrusted.resc` does (the same
//! SoC and EC platform files, load addresses and reset macros), headless: no GDB servers,
//! analyzers or TCP terminals; the kernel UART and the console UART go to files; and the
//! SoC watchdog does not reset the machine (see `boot`). Its
//! peripheral list is read from the checkout's script, so it follows the checkout.
//!
//! Renode compiles those ~35 C# files at every start, which is most of its start-up time.
//! When Debian's `mcs` (mono-complete) and Renode's own assemblies can be found, they are
//! compiled once into a DLL, cached by the hash of the sources and of Renode's assemblies,
//! and the script loads that instead (Renode 1.13's `include` takes no DLL: a two-line
//! Python include hands it to Renode's type manager). Otherwise Renode compiles them as
//! xous-core's script has it.

use super::checkout::{Checkout, Peripheral};
use crate::HarnessError;
use std::path::{Path, PathBuf};
use std::process::Command;
use xous_sysroot::util::{self, FileLock};

/// Set to `1`, Renode compiles the peripherals at start-up even when a DLL could be made
/// (for comparing the two).
pub const NO_DLL_VAR: &str = "XOUS_RUN_NO_PERIPHERAL_DLL";

/// How the script gets the C# peripherals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Peripherals {
    /// A compiled DLL, loaded by this Python include.
    Dll(PathBuf),
    /// The sources, compiled by Renode at start-up (the reason there is no DLL).
    Sources(Vec<Peripheral>, String),
}

/// The peripherals for `checkout` with the Renode started as `renode`: the cached DLL
/// (compiled now if needed) or the sources, with the reason.
pub(crate) fn peripherals(
    checkout: &Checkout,
    renode: &Path,
    cache: &Path,
    note: &dyn Fn(&str),
) -> Result<Peripherals, HarnessError> {
    let lines = checkout.peripherals()?;
    if std::env::var_os(NO_DLL_VAR).is_some_and(|v| v == "1") {
        return Ok(Peripherals::Sources(lines, format!("{NO_DLL_VAR}=1")));
    }
    let Some(assemblies) = renode_assemblies(renode) else {
        return Ok(Peripherals::Sources(
            lines,
            format!(
                "Renode's assemblies (Renode.exe) were not found from {}",
                renode.display()
            ),
        ));
    };
    let sources: Vec<PathBuf> = lines
        .iter()
        .filter_map(|l| match l {
            Peripheral::Source(f) => Some(checkout.emulation().join(f)),
            Peripheral::EnsureType(_) => None,
        })
        .collect();
    let mut references: Vec<PathBuf> = std::fs::read_dir(&assemblies)
        .map_err(|e| HarnessError::io("read", &assemblies, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            (name.ends_with(".dll") && name != "mcs.dll") || name == "Renode.exe"
        })
        .collect();
    references.sort();
    let mut key = Vec::new();
    for file in references.iter().chain(&sources) {
        key.extend_from_slice(file.to_string_lossy().as_bytes());
        key.extend_from_slice(util::sha256_file(file)?.as_bytes());
    }
    let key = util::sha256_bytes(&key);
    let dir = cache.join("peripherals").join(&key[..16]);
    let dll = dir.join("xous-core-peripherals.dll");
    let loader = dir.join("load.py");
    let _lock = FileLock::exclusive(&dir.with_extension("lock"), || {
        note("waiting for another xous-run compiling the same C# peripherals")
    })?;
    if loader.is_file() {
        return Ok(Peripherals::Dll(loader));
    }
    std::fs::create_dir_all(&dir).map_err(|e| HarnessError::io("create", &dir, e))?;
    let partial = dir.join("partial.dll");
    let mut cmd = Command::new("mcs");
    cmd.args([
        "-target:library",
        "-nowarn:0618,0169,0414,0649,0168,0219",
        "-r:System.Numerics",
        "-r:System.Drawing",
    ])
    .arg(format!("-out:{}", partial.display()))
    .args(references.iter().map(|r| format!("-r:{}", r.display())))
    .args(&sources);
    let out = match cmd.output() {
        Ok(out) => out,
        Err(e) => {
            return Ok(Peripherals::Sources(
                lines,
                format!("`mcs` (Debian's mono-complete) could not be run: {e}"),
            ))
        }
    };
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        if let Some(hint) = rename_hint(&text) {
            return Err(HarnessError::XousCore(format!(
                "the C# peripherals of {} do not compile against this Renode:\n{}\n{hint}",
                checkout.emulation().display(),
                util::tail(&text, 10)
            )));
        }
        return Ok(Peripherals::Sources(
            lines,
            format!("`mcs` could not compile them: {}", util::tail(&text, 3)),
        ));
    }
    std::fs::rename(&partial, &dll).map_err(|e| HarnessError::io("rename", &partial, e))?;
    let python = format!(
        "# Made by xous-run: hands the compiled xous-core peripherals to Renode's type manager.\nfrom Antmicro.Renode.Utilities import TypeManager\nTypeManager.Instance.ScanFile({:?}, False)\n",
        dll.to_string_lossy()
    );
    util::write_atomic(&loader, python.as_bytes())?;
    Ok(Peripherals::Dll(loader))
}

/// The help line for C# errors that come from Renode's renamed RISC-V enum.
pub(crate) fn rename_hint(compiler_output: &str) -> Option<&'static str> {
    let renamed = compiler_output.contains("PrivilegedArchitecture")
        || compiler_output.contains("PrivilegeArchitecture");
    renamed.then_some(
        "help: Renode 1.13.x calls the RISC-V enum `PrivilegeArchitecture`, Renode's nightly (which upstream xous-core targets) `PrivilegedArchitecture`: rename it in emulation/peripherals/vexriscv-aes.cs to the name your Renode uses",
    )
}

/// The directory of Renode's assemblies: where `Renode.exe` is, found from the program
/// (a launcher script that runs `mono …/Renode.exe`, or Renode's own tree).
fn renode_assemblies(renode: &Path) -> Option<PathBuf> {
    let program = std::fs::canonicalize(super::find_program(renode)?).ok()?;
    let dir = program.parent()?;
    let mut candidates = vec![
        dir.join("output/bin/Release/Renode.exe"),
        dir.join("bin/Renode.exe"),
        dir.join("Renode.exe"),
    ];
    if let Ok(text) = std::fs::read_to_string(&program) {
        candidates.extend(
            text.split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                .filter(|w| w.ends_with("Renode.exe"))
                .map(PathBuf::from),
        );
    }
    candidates
        .into_iter()
        .find(|c| c.is_file())
        .and_then(|c| c.parent().map(Path::to_path_buf))
}

/// The files of one run's script.
#[derive(Debug)]
pub(crate) struct ScriptFiles<'a> {
    /// The checkout's `emulation/`.
    pub emulation: &'a Path,
    pub loader: &'a Path,
    pub xous_img: &'a Path,
    /// The SPI flash's backing file (Renode creates it).
    pub flash: &'a Path,
    /// Where the kernel UART and the console UART are written.
    pub kernel_uart: &'a Path,
    pub console_uart: &'a Path,
    /// The exit hook: the program's `std::os::xous::ffi::exit` address and the file each
    /// call appends `<pid> <code>` to.
    pub exit_hook: Option<(u32, &'a Path)>,
    /// The `d11ctime` model's Python file, when the platform lacks the block.
    pub heartbeat: Option<&'a Path>,
}

/// The SoC's `d11ctime` block, as the checkout's SoC platform leaves it out ("Unrecognized
/// peripheral: d11ctime"): the name server waits for its heartbeat bit to change before
/// refusing a duplicate name, and without the block it would wait forever. This model
/// flips the bit on every read of the heartbeat register.
const HEARTBEAT_MODEL: &str =
    "# Made by xous-run: the SoC's d11ctime heartbeat, which flips on every read.\n\
if request.isInit:\n\
\x20   beat = 0\n\
elif request.isRead:\n\
\x20   if request.offset == 4:\n\
\x20       beat = 1 - beat\n\
\x20       request.value = beat\n\
\x20   else:\n\
\x20       request.value = 0\n";

/// The address of the SoC's `d11ctime` block (xous-core's `utralib`, `HW_D11CTIME_BASE`).
const D11CTIME_BASE: u32 = 0xF002_4000;

/// Whether the run needs the `d11ctime` model (the checkout's SoC platform lacks the
/// block); if so, writes it to `file`.
pub(crate) fn heartbeat(emulation: &Path, file: &Path) -> Result<bool, HarnessError> {
    let repl = emulation.join("soc/betrusted-soc.repl");
    let text = std::fs::read_to_string(&repl).map_err(|e| HarnessError::io("read", &repl, e))?;
    let defined = text
        .lines()
        .any(|l| l.trim_start().starts_with("d11ctime:"));
    if defined {
        return Ok(false);
    }
    std::fs::write(file, HEARTBEAT_MODEL).map_err(|e| HarnessError::io("write", file, e))?;
    Ok(true)
}

/// `@path` for a Renode script; paths with quotes are refused by the caller.
fn at(path: &Path) -> String {
    format!("@{}", path.display())
}

/// Whether Renode's script language can carry `path` (no quotes, no newline).
pub(crate) fn usable_in_script(path: &Path) -> bool {
    !path.to_string_lossy().contains(['"', '\'', '\n', '\r'])
}

/// The run's Renode script.
pub(crate) fn script(files: &ScriptFiles, peripherals: &Peripherals, by_hand: &str) -> String {
    let mut s = format!(
        "# Made by xous-run: boots a xous-core image headless, as the checkout's\n\
         # emulation/betrusted.resc boots its images (same platforms, addresses and resets).\n\
         # To run it by hand: {by_hand}\n\
         path add {}\n\
         using sysbus\n",
        at(files.emulation)
    );
    match peripherals {
        Peripherals::Dll(loader) => s.push_str(&format!("i {}\n", at(loader))),
        Peripherals::Sources(lines, _) => {
            for line in lines {
                match line {
                    Peripheral::Source(f) => s.push_str(&format!("i @{f}\n")),
                    Peripheral::EnsureType(t) => {
                        s.push_str(&format!("EnsureTypeIsLoaded \"{t}\"\n"))
                    }
                }
            }
        }
    }
    s.push_str(&format!(
        "emulation CreateComConnector \"com\"\n\
         \n\
         mach create \"SoC\"\n\
         machine LoadPlatformDescription @soc/betrusted-soc.repl\n\
         # An expiry is noted, not a reset: nothing in the libstd-test image pets the watchdog.\n\
         wdt RebootOnExpiry false\n\
         {heartbeat}\
         sysbus Tag <0xB0000000, 0xB0006000> \"Framebuffer\"\n\
         sysbus SilenceRange <0xF0003000, 0xF0003FFF>\n\
         sysbus SilenceRange <0xF0014000 100>\n\
         sysbus.spinor.flash BackingFile {flash}\n\
         sysbus LoadBinary @../utralib/renode/soc_csr.bin 0x20000000\n\
         connector Connect sysbus.com com\n\
         macro reset\n\
         \"\"\"\n\
         \x20   sysbus LoadBinary {loader} 0x20500000\n\
         \x20   sysbus LoadBinary {img} 0x20980000\n\
         \x20   cpu SetRegisterUnsafe 10 0x20980000\n\
         \x20   cpu PC 0x20501000\n\
         \"\"\"\n\
         sysbus.uart CreateFileBackend {kernel} true\n\
         sysbus.console CreateFileBackend {console} true\n\
         runMacro $reset\n",
        flash = at(files.flash),
        loader = at(files.loader),
        img = at(files.xous_img),
        kernel = at(files.kernel_uart),
        console = at(files.console_uart),
        heartbeat = files.heartbeat.map_or(String::new(), |file| format!(
            "machine LoadPlatformDescriptionFromString \"d11ctime: Python.PythonPeripheral @ sysbus {D11CTIME_BASE:#X} {{ size: 0x8; initable: true; filename: \\\"{}\\\" }}\"\n",
            file.display()
        )),
    ));
    if let Some((addr, file)) = files.exit_hook {
        // The kernel runs each process with its PID as the satp ASID.
        s.push_str(&format!(
            "sysbus.cpu AddHook {addr:#x} \"f = open('{}', 'a'); f.write('%d %d' % ((self.SATP.RawValue >> 22) & 0x1ff, self.GetRegisterUnsafe(10).RawValue) + chr(10)); f.close()\"\n",
            file.display()
        ));
    }
    s.push_str(
        "mach clear\n\
         \n\
         mach create \"EC\"\n\
         machine LoadPlatformDescription @ec/betrusted-ec.repl\n\
         connector Connect sysbus.com com\n\
         macro reset\n\
         \"\"\"\n\
         \x20   sysbus LoadBinary @ec/bt-ec.bin 0x20000000\n\
         \x20   sysbus LoadBinary @ec/wf200_fw.bin 0x2009C000\n\
         \x20   sysbus LoadBinary @ec/loader.bin 0x00000000\n\
         \x20   cpu PC 0\n\
         \x20   cpu SP 0x1001FFFC\n\
         \"\"\"\n\
         runMacro $reset\n\
         mach clear\n\
         start\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emulation_with_repl(repl: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("soc")).unwrap();
        std::fs::write(dir.path().join("soc/betrusted-soc.repl"), repl).unwrap();
        dir
    }

    #[test]
    fn the_heartbeat_model_is_added_only_where_the_platform_lacks_d11ctime() {
        let lacking = emulation_with_repl("// Unrecognized peripheral: d11ctime @ 0xf0024000\n");
        let file = lacking.path().join("heartbeat.py");
        assert!(heartbeat(lacking.path(), &file).unwrap());
        let model = std::fs::read_to_string(&file).unwrap();
        assert!(model.contains("request.offset == 4") && model.contains("beat = 1 - beat"));

        let defining =
            emulation_with_repl("d11ctime: Miscellaneous.D11cTime @ sysbus 0xf0024000\n");
        let file = defining.path().join("heartbeat.py");
        assert!(!heartbeat(defining.path(), &file).unwrap());
        assert!(!file.exists());
    }

    #[test]
    fn the_script_loads_the_heartbeat_model_when_asked() {
        let p = Path::new("/x");
        let mut files = ScriptFiles {
            emulation: p,
            loader: p,
            xous_img: p,
            flash: p,
            kernel_uart: p,
            console_uart: p,
            exit_hook: None,
            heartbeat: Some(Path::new("/run/d11ctime-heartbeat.py")),
        };
        let dll = Peripherals::Dll(PathBuf::from("/cache/load.py"));
        let with = script(&files, &dll, "by hand");
        assert!(with.contains(
            "machine LoadPlatformDescriptionFromString \"d11ctime: Python.PythonPeripheral @ sysbus 0xF0024000 { size: 0x8; initable: true; filename: \\\"/run/d11ctime-heartbeat.py\\\" }\"\n"
        ), "{with}");
        files.heartbeat = None;
        assert!(!script(&files, &dll, "by hand").contains("d11ctime"));
    }
}
