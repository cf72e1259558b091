//! Booting the image under Renode and watching it until the program ends.
//!
//! Renode runs headless with its monitor on a pipe (no telnet port, so runs can overlap)
//! and a `TMPDIR` of its own. Three files and Renode's own output are read as they grow:
//! - the console UART: split into the program's lines (streamed live) and the services'
//!   ([`LineSplitter`]);
//! - the kernel UART: the image's process names (`PNam`, which gives the program's PID),
//!   `[!] Terminating process with PID <n>`, `PROGRAM HALT: CPU Exception on PID <n>`,
//!   and the kernel's panics (`PANIC in PID`, `!!! KERNEL FAILURE !!!`);
//! - the exit hook's file: `<pid> <code>` for each call of the program's exit function;
//! - Renode's output: a refused command, and the SoC watchdog's expiry. The `libstd-test`
//!   image has no service that pets the watchdog (xous-ticktimer does when asked), so it
//!   expires about 5 s of emulated time after boot whatever the program does; the script
//!   turns its reset off (`wdt RebootOnExpiry false`) and the expiry is only noted. A
//!   program that hangs ends at the timeout.

use super::lines::{LineBuffer, LineSplitter, Writer};
use crate::console::Console;
use crate::run::Exit;
use crate::HarnessError;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long Renode may take to start the machine (it compiles C# first) before the
/// run's clock starts anyway.
const STARTUP_ALLOWANCE: Duration = Duration::from_secs(120);
/// How long the program's exit code may lag the kernel's report of its end, and the
/// other way round.
const EXIT_GRACE: Duration = Duration::from_secs(3);
/// How long the consoles are read after the end is known, for the last bytes in flight.
const DRAIN: Duration = Duration::from_millis(300);
/// The prefixes of kernel and service lines when they are shown.
pub const KERNEL_TAG: &str = "[xous kernel] ";
/// See [`KERNEL_TAG`].
pub const SERVICE_TAG: &str = "[xous console] ";
/// See [`KERNEL_TAG`]: notes from Renode's own output.
pub const RENODE_TAG: &str = "[renode] ";

/// One boot.
#[derive(Debug)]
pub(crate) struct Boot<'a> {
    /// The Renode program.
    pub renode: &'a Path,
    /// The run's script.
    pub script: &'a Path,
    /// The run's directory (Renode's `TMPDIR` goes under it).
    pub dir: &'a Path,
    pub kernel_uart: &'a Path,
    pub console_uart: &'a Path,
    pub exit_file: &'a Path,
    /// The program's process name in the image (its file name).
    pub process_name: &'a str,
    /// The program's crate, to tell its log records from the services'.
    pub crate_name: &'a str,
    /// Wall-time limit from the first kernel byte.
    pub timeout: Duration,
    /// Stream the program's lines to stdout.
    pub echo: bool,
    /// Stream the kernel's and the services' lines to stderr too.
    pub verbose: bool,
}

/// What a boot produced.
#[derive(Debug)]
pub(crate) struct Booted {
    /// The program's lines in `stdout`; kernel and service lines, tagged, in `kernel`.
    pub console: Console,
    pub exit: Exit,
    pub command: String,
}

/// How the watch ended.
enum Ending {
    Done(Exit),
    RenodeRefused(String),
    RenodeStopped,
}

/// Boots and watches until the program ends, the machine fails or the timeout.
pub(crate) fn boot(b: &Boot) -> Result<Booted, HarnessError> {
    let tmp = b.dir.join("tmp");
    std::fs::create_dir_all(&tmp).map_err(|e| HarnessError::io("create", &tmp, e))?;
    let args = ["--console", "--disable-xwt", "--plain"];
    let command = format!(
        "TMPDIR={} {}",
        tmp.display(),
        crate::command_line(b.renode, args.iter().map(Path::new).chain([b.script]))
    );
    let mut child = Command::new(b.renode)
        .args(args)
        .arg(b.script)
        .env("TMPDIR", &tmp)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| HarnessError::emulator_spawn(b.renode, "renode", e))?;
    let _stdin = child.stdin.take();
    let (tx, renode_lines) = mpsc::channel();
    for stream in [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    let spawned = Instant::now();
    let mut watch = Watch::new(b);
    let ending = watch.run(&mut child, &renode_lines);
    let ended = spawned.elapsed();
    let drain_until = Instant::now() + DRAIN;
    while Instant::now() < drain_until {
        watch.read_files();
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    watch.finish();
    if b.verbose {
        let since = |t: Option<Instant>| {
            t.map_or("-".to_string(), |t| {
                format!("{:.1} s", (t - spawned).as_secs_f64())
            })
        };
        eprintln!(
            "xous-run: from Renode's start: first kernel byte {}, first program line {}, end {:.1} s",
            since(watch.first_kernel_byte),
            since(watch.first_program_line),
            ended.as_secs_f64()
        );
    }
    let renode_output = xous_sysroot::util::tail(&watch.renode.join("\n"), 40);
    let exit = match ending {
        Ending::Done(exit) => exit,
        Ending::RenodeRefused(message) => {
            let hint = super::script::rename_hint(&renode_output).unwrap_or("");
            return Err(HarnessError::EmulatorError {
                backend: "renode",
                command,
                message: format!("{message}\n{hint}").trim_end().to_string(),
                dir: b.dir.to_path_buf(),
            });
        }
        Ending::RenodeStopped if watch.console.kernel.is_empty() => {
            return Err(HarnessError::EmulatorFailed {
                command,
                output: renode_output,
            });
        }
        Ending::RenodeStopped => Exit::NoExitRecord,
    };
    Ok(Booted {
        console: watch.console,
        exit,
        command,
    })
}

/// The state of one boot's watch.
struct Watch<'a> {
    b: &'a Boot<'a>,
    kernel_file: Tail,
    console_file: Tail,
    exit_file: Tail,
    kernel_lines: LineBuffer,
    exit_lines: LineBuffer,
    splitter: LineSplitter,
    console: Console,
    renode: Vec<String>,
    pid: Option<u32>,
    codes: Vec<(u32, u32)>,
    terminated: Option<Instant>,
    coded: Option<Instant>,
    halted: bool,
    kernel_failed: bool,
    first_kernel_byte: Option<Instant>,
    first_program_line: Option<Instant>,
}

impl<'a> Watch<'a> {
    fn new(b: &'a Boot<'a>) -> Self {
        Watch {
            b,
            kernel_file: Tail::new(b.kernel_uart),
            console_file: Tail::new(b.console_uart),
            exit_file: Tail::new(b.exit_file),
            kernel_lines: LineBuffer::default(),
            exit_lines: LineBuffer::default(),
            splitter: LineSplitter::new(b.crate_name),
            console: Console::default(),
            renode: Vec::new(),
            pid: None,
            codes: Vec::new(),
            terminated: None,
            coded: None,
            halted: false,
            kernel_failed: false,
            first_kernel_byte: None,
            first_program_line: None,
        }
    }

    fn run(&mut self, child: &mut Child, renode_lines: &mpsc::Receiver<String>) -> Ending {
        let spawned = Instant::now();
        loop {
            while let Ok(line) = renode_lines.try_recv() {
                if crate::renode::is_error(&line) {
                    self.renode.push(line.clone());
                    return Ending::RenodeRefused(line);
                }
                if line.contains("Watchdog timer expired") {
                    self.tagged(RENODE_TAG, "the SoC watchdog expired (not rebooting)");
                }
                self.renode.push(line);
            }
            self.read_files();
            if self.kernel_failed {
                return Ending::Done(Exit::KernelFailure);
            }
            if self.halted {
                return Ending::Done(Exit::Fault);
            }
            let code = self.code();
            match (code, self.terminated, self.coded) {
                (Some(code), Some(_), _) => return Ending::Done(Exit::Exited(code)),
                (Some(code), None, Some(at)) if at.elapsed() > EXIT_GRACE => {
                    return Ending::Done(Exit::Exited(code))
                }
                (None, Some(at), _) if at.elapsed() > EXIT_GRACE => {
                    return Ending::Done(Exit::NoExitCode)
                }
                _ => {}
            }
            if matches!(child.try_wait(), Ok(Some(_))) {
                return Ending::RenodeStopped;
            }
            let clock_start = self
                .first_kernel_byte
                .unwrap_or(spawned + STARTUP_ALLOWANCE);
            if Instant::now() > clock_start + self.b.timeout {
                return Ending::Done(Exit::Timeout(self.b.timeout));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The program's exit code, once its exit function was called.
    fn code(&mut self) -> Option<u32> {
        let pid = self.pid;
        let code = self
            .codes
            .iter()
            .find(|(p, _)| pid.is_none_or(|pid| pid == *p))
            .map(|(_, c)| *c);
        if code.is_some() && self.coded.is_none() {
            self.coded = Some(Instant::now());
        }
        code
    }

    fn read_files(&mut self) {
        let bytes = self.console_file.read_new();
        for (writer, line) in self.splitter.feed(&bytes) {
            self.console_line(writer, line);
        }
        let bytes = self.kernel_file.read_new();
        if !bytes.is_empty() && self.first_kernel_byte.is_none() {
            self.first_kernel_byte = Some(Instant::now());
        }
        for line in self.kernel_lines.feed(&bytes) {
            self.kernel_line(line);
        }
        let bytes = self.exit_file.read_new();
        for line in self.exit_lines.feed(&bytes) {
            let mut words = line.split_whitespace().map(str::parse::<u32>);
            if let (Some(Ok(pid)), Some(Ok(code))) = (words.next(), words.next()) {
                self.codes.push((pid, code));
            }
        }
    }

    fn console_line(&mut self, writer: Writer, line: String) {
        match writer {
            Writer::Program => {
                self.first_program_line.get_or_insert_with(Instant::now);
                if self.b.echo {
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(out, "{line}");
                    let _ = out.flush();
                }
                self.console.stdout.extend_from_slice(line.as_bytes());
                self.console.stdout.push(b'\n');
            }
            Writer::Service => self.tagged(SERVICE_TAG, &line),
        }
    }

    fn kernel_line(&mut self, line: String) {
        if let Some(names) = line.trim_start().strip_prefix("PNam (") {
            self.pid = process_names(names)
                .into_iter()
                .find(|(_, name)| name == self.b.process_name)
                .map(|(pid, _)| pid);
        }
        let pid_after = |prefix: &str| -> Option<u32> {
            let at = line.find(prefix)? + prefix.len();
            let digits: String = line[at..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        };
        let ours = |p: Option<u32>| p.is_some() && (self.pid.is_none() || p == self.pid);
        if ours(pid_after("Terminating process with PID ")) && self.terminated.is_none() {
            self.terminated = Some(Instant::now());
        }
        if ours(pid_after("PROGRAM HALT: CPU Exception on PID ")) {
            self.halted = true;
        }
        if line.contains("PANIC in PID") || line.contains("!!! KERNEL FAILURE !!!") {
            self.kernel_failed = true;
        }
        self.tagged(KERNEL_TAG, &line);
    }

    fn tagged(&mut self, tag: &str, line: &str) {
        if self.b.verbose {
            eprintln!("{tag}{line}");
        }
        self.console.kernel.extend_from_slice(tag.as_bytes());
        self.console.kernel.extend_from_slice(line.as_bytes());
        self.console.kernel.push(b'\n');
    }

    fn finish(&mut self) {
        if let Some((writer, line)) = self.splitter.finish() {
            self.console_line(writer, line);
        }
        if let Some(rest) = self.kernel_lines.finish() {
            self.kernel_line(rest);
        }
    }
}

/// The (PID, name) pairs of the loader's `PNam` argument as the kernel prints it:
/// `PNam (6d614e50, 112 bytes): 00000001 00000006 6e72656b …`, each entry a PID word, a
/// length word and the name's bytes in little-endian words.
pub(crate) fn process_names(line: &str) -> Vec<(u32, String)> {
    let Some((_, words)) = line.split_once("):") else {
        return Vec::new();
    };
    let words: Vec<u32> = words
        .split_whitespace()
        .map_while(|w| u32::from_str_radix(w, 16).ok())
        .collect();
    let mut names = Vec::new();
    let mut i = 0;
    while i + 1 < words.len() {
        let (pid, len) = (words[i], words[i + 1] as usize);
        let count = len.div_ceil(4);
        let Some(chunk) = words.get(i + 2..i + 2 + count) else {
            break;
        };
        let bytes: Vec<u8> = chunk
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .take(len)
            .collect();
        names.push((pid, String::from_utf8_lossy(&bytes).into_owned()));
        i += 2 + count;
    }
    names
}

/// A file another process creates and appends to, read as it grows.
struct Tail {
    path: PathBuf,
    file: Option<File>,
}

impl Tail {
    fn new(path: &Path) -> Tail {
        Tail {
            path: path.to_path_buf(),
            file: None,
        }
    }

    fn read_new(&mut self) -> Vec<u8> {
        if self.file.is_none() {
            self.file = File::open(&self.path).ok();
        }
        let mut bytes = Vec::new();
        if let Some(f) = &mut self.file {
            let _ = f.read_to_end(&mut bytes);
        }
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_names_of_a_real_boot() {
        // The kernel UART of xous-core 73c09463's libstd-test image with a program `exit7`.
        let line = "    PNam (6d614e50, 112 bytes): 00000001 00000006 6e72656b 00006c65 00000002 0000000e 73756f78 6369742d 6d69746b 00007265 00000003 00000008 73756f78 676f6c2d 00000004 0000000a 73756f78 6d616e2d 00007365 00000005 0000000b 73756f78 7375732d 00736572 00000006 00000005 74697865 00000037";
        let names = process_names(line.trim_start().strip_prefix("PNam (").unwrap());
        assert_eq!(
            names,
            [
                (1, "kernel".to_string()),
                (2, "xous-ticktimer".to_string()),
                (3, "xous-log".to_string()),
                (4, "xous-names".to_string()),
                (5, "xous-susres".to_string()),
                (6, "exit7".to_string()),
            ]
        );
        assert!(process_names("PNam (6d614e50, 8 bytes): 00000001 00000009 41").is_empty());
    }
}
