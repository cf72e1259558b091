//! Booting an image under Renode and watching it until the program ends, or, for one of
//! xous-core's own images, until its services are up ([`Goal`]).
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
//!
//! Services up: every process the loader names (`PNam`, the kernel excepted) has logged
//! `my PID is <n>` (each xous-core service does so first thing), and for a settling time
//! after the last one no process ended, faulted or panicked, the kernel did not fail and
//! the watchdog (which a full image's ticktimer pets) did not expire.

use super::lines::{LineBuffer, LineSplitter, Writer};
use crate::console::Console;
use crate::growing_file::GrowingFile;
use crate::run::Exit;
use crate::HarnessError;
use std::collections::BTreeSet;
use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
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
    /// What the boot waits for.
    pub goal: Goal<'a>,
    /// Wall-time limit from the first kernel byte.
    pub timeout: Duration,
    /// Stream the program's lines to stdout.
    pub echo: bool,
    /// Stream the kernel's and the services' lines to stderr too.
    pub verbose: bool,
}

/// What a boot waits for.
#[derive(Debug)]
pub(crate) enum Goal<'a> {
    /// The end of the program run in the image.
    ProgramEnds {
        /// The program's process name in the image (its file name).
        process_name: &'a str,
        /// The program's crate, to tell its log records from the services'.
        crate_name: &'a str,
        /// The exit hook's file.
        exit_file: &'a Path,
    },
    /// The image's services all up, then this long without a failure.
    ServicesUp { settle: Duration },
}

/// What a boot produced.
#[derive(Debug)]
pub(crate) struct Booted {
    /// The program's lines in `stdout`; kernel and service lines, tagged, in `kernel`.
    pub console: Console,
    pub end: End,
    /// The image's processes (PID and name) as the loader named them, the kernel excepted.
    pub processes: Vec<(u32, String)>,
    pub command: String,
}

/// How a boot ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum End {
    /// [`Goal::ProgramEnds`]: how the program ended.
    Program(Exit),
    /// [`Goal::ServicesUp`]: how the image did.
    Image(ImageEnd),
}

/// How a boot of one of xous-core's own images ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageEnd {
    /// Every process reported its PID, the last this long after Renode started, and none
    /// failed in the settling time after.
    ServicesUp {
        /// From Renode's start to the last process's report.
        after: Duration,
    },
    /// A process ended: services never do.
    ProcessEnded {
        /// The process.
        name: String,
    },
    /// A CPU exception halted a process.
    Fault {
        /// The process.
        name: String,
    },
    /// A process panicked: its console line.
    Panicked(String),
    /// The kernel panicked or failed.
    KernelFailure,
    /// The SoC watchdog expired: nothing petted it (hardware would reset).
    WatchdogExpired,
    /// The timeout passed with these processes not up.
    Timeout {
        /// The timeout.
        after: Duration,
        /// The processes that never reported their PID.
        missing: Vec<String>,
    },
    /// Renode stopped first.
    RenodeStopped,
}

impl fmt::Display for ImageEnd {
    /// How the boot ended, as a phrase for messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageEnd::ServicesUp { after } => write!(
                f,
                "every service was up {:.1} s after Renode started",
                after.as_secs_f64()
            ),
            ImageEnd::ProcessEnded { name } => write!(f, "the process {name} ended"),
            ImageEnd::Fault { name } => write!(f, "a CPU exception halted the process {name}"),
            ImageEnd::Panicked(line) => write!(f, "a process panicked: {line}"),
            ImageEnd::KernelFailure => f.write_str("the kernel failed"),
            ImageEnd::WatchdogExpired => {
                f.write_str("the SoC watchdog expired: no service petted it")
            }
            ImageEnd::Timeout { after, missing } => write!(
                f,
                "after the {:.1} s timeout, these processes had not logged `my PID is <n>`: {}",
                after.as_secs_f64(),
                missing.join(", ")
            ),
            ImageEnd::RenodeStopped => f.write_str("Renode stopped before the services were up"),
        }
    }
}

/// How the watch ended.
enum Ending {
    Done(End),
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
    let mut watch = Watch::new(b);
    let spawned = watch.spawned;
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
    let end = match ending {
        Ending::Done(end) => end,
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
        Ending::RenodeStopped => match b.goal {
            Goal::ProgramEnds { .. } => End::Program(Exit::NoExitRecord),
            Goal::ServicesUp { .. } => End::Image(ImageEnd::RenodeStopped),
        },
    };
    let processes = watch.processes.clone();
    Ok(Booted {
        console: watch.console,
        end,
        processes,
        command,
    })
}

/// The state of one boot's watch.
struct Watch<'a> {
    b: &'a Boot<'a>,
    kernel_file: GrowingFile,
    console_file: GrowingFile,
    exit_file: Option<GrowingFile>,
    kernel_lines: LineBuffer,
    exit_lines: LineBuffer,
    splitter: LineSplitter,
    console: Console,
    renode: Vec<String>,
    /// The image's processes from `PNam`, the kernel excepted.
    processes: Vec<(u32, String)>,
    /// The program's PID.
    pid: Option<u32>,
    codes: Vec<(u32, u32)>,
    terminated: Option<Instant>,
    coded: Option<Instant>,
    halted: bool,
    kernel_failed: bool,
    /// Services up: the PIDs that reported, when the last did, and the first failure.
    reported: BTreeSet<u32>,
    all_reported: Option<Instant>,
    image_failure: Option<ImageEnd>,
    first_kernel_byte: Option<Instant>,
    first_program_line: Option<Instant>,
    spawned: Instant,
}

impl<'a> Watch<'a> {
    fn new(b: &'a Boot<'a>) -> Self {
        let (crate_name, exit_file) = match b.goal {
            Goal::ProgramEnds {
                crate_name,
                exit_file,
                ..
            } => (crate_name, Some(GrowingFile::new(exit_file))),
            Goal::ServicesUp { .. } => ("", None),
        };
        Watch {
            b,
            kernel_file: GrowingFile::new(b.kernel_uart),
            console_file: GrowingFile::new(b.console_uart),
            exit_file,
            kernel_lines: LineBuffer::default(),
            exit_lines: LineBuffer::default(),
            splitter: LineSplitter::new(crate_name),
            console: Console::default(),
            renode: Vec::new(),
            processes: Vec::new(),
            pid: None,
            codes: Vec::new(),
            terminated: None,
            coded: None,
            halted: false,
            kernel_failed: false,
            reported: BTreeSet::new(),
            all_reported: None,
            image_failure: None,
            first_kernel_byte: None,
            first_program_line: None,
            spawned: Instant::now(),
        }
    }

    fn run(&mut self, child: &mut Child, renode_lines: &mpsc::Receiver<String>) -> Ending {
        loop {
            while let Ok(line) = renode_lines.try_recv() {
                if crate::renode::is_error(&line) {
                    self.renode.push(line.clone());
                    return Ending::RenodeRefused(line);
                }
                if line.contains("Watchdog timer expired") {
                    self.tagged(RENODE_TAG, "the SoC watchdog expired (not rebooting)");
                    self.image_failure.get_or_insert(ImageEnd::WatchdogExpired);
                }
                self.renode.push(line);
            }
            self.read_files();
            if let Some(end) = self.end() {
                return Ending::Done(end);
            }
            if matches!(child.try_wait(), Ok(Some(_))) {
                return Ending::RenodeStopped;
            }
            let clock_start = self
                .first_kernel_byte
                .unwrap_or(self.spawned + STARTUP_ALLOWANCE);
            if Instant::now() > clock_start + self.b.timeout {
                return Ending::Done(match self.b.goal {
                    Goal::ProgramEnds { .. } => End::Program(Exit::Timeout(self.b.timeout)),
                    Goal::ServicesUp { .. } => End::Image(ImageEnd::Timeout {
                        after: self.b.timeout,
                        missing: self.missing(),
                    }),
                });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// How the boot ended, once it has.
    fn end(&mut self) -> Option<End> {
        let settle = match self.b.goal {
            Goal::ProgramEnds { .. } => return self.program_end().map(End::Program),
            Goal::ServicesUp { settle } => settle,
        };
        if self.kernel_failed {
            return Some(End::Image(ImageEnd::KernelFailure));
        }
        if let Some(failure) = &self.image_failure {
            return Some(End::Image(failure.clone()));
        }
        let every_one = |w: &Self| w.processes.iter().all(|(pid, _)| w.reported.contains(pid));
        if self.all_reported.is_none() && !self.processes.is_empty() && every_one(self) {
            self.all_reported = Some(Instant::now());
        }
        let all = self.all_reported?;
        let after = all - self.spawned;
        (all.elapsed() >= settle).then_some(End::Image(ImageEnd::ServicesUp { after }))
    }

    /// How the program ended, once it has.
    fn program_end(&mut self) -> Option<Exit> {
        if self.kernel_failed {
            return Some(Exit::KernelFailure);
        }
        if self.halted {
            return Some(Exit::Fault);
        }
        let code = self.code();
        match (code, self.terminated, self.coded) {
            (Some(code), Some(_), _) => Some(Exit::Exited(code)),
            (Some(code), None, Some(at)) if at.elapsed() > EXIT_GRACE => Some(Exit::Exited(code)),
            (None, Some(at), _) if at.elapsed() > EXIT_GRACE => Some(Exit::NoExitCode),
            _ => None,
        }
    }

    /// The image's processes that have not reported their PID.
    fn missing(&self) -> Vec<String> {
        if self.processes.is_empty() {
            return vec!["all (the kernel printed no process list)".to_string()];
        }
        self.processes
            .iter()
            .filter(|(pid, _)| !self.reported.contains(pid))
            .map(|(pid, name)| format!("{name} (PID {pid})"))
            .collect()
    }

    /// The name of process `pid`, for messages.
    fn name_of(&self, pid: u32) -> String {
        self.processes
            .iter()
            .find(|(p, _)| *p == pid)
            .map_or(format!("PID {pid}"), |(_, name)| {
                format!("{name} (PID {pid})")
            })
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
        let bytes = self
            .exit_file
            .as_mut()
            .map(GrowingFile::read_new)
            .unwrap_or_default();
        for line in self.exit_lines.feed(&bytes) {
            let mut words = line.split_whitespace().map(str::parse::<u32>);
            if let (Some(Ok(pid)), Some(Ok(code))) = (words.next(), words.next()) {
                self.codes.push((pid, code));
            }
        }
    }

    fn console_line(&mut self, writer: Writer, line: String) {
        if let Goal::ServicesUp { .. } = self.b.goal {
            if let Some(pid) = reported_pid(&line) {
                self.reported.insert(pid);
            }
            if line.contains("panicked at") {
                self.image_failure
                    .get_or_insert_with(|| ImageEnd::Panicked(line.clone()));
            }
            self.tagged(SERVICE_TAG, &line);
            return;
        }
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
            self.processes = process_names(names)
                .into_iter()
                .filter(|(pid, _)| *pid != 1)
                .collect();
            if let Goal::ProgramEnds { process_name, .. } = self.b.goal {
                self.pid = self
                    .processes
                    .iter()
                    .find(|(_, name)| name == process_name)
                    .map(|(pid, _)| *pid);
            }
        }
        let pid_after = |prefix: &str| -> Option<u32> {
            let at = line.find(prefix)? + prefix.len();
            let digits: String = line[at..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        };
        let ended = pid_after("Terminating process with PID ");
        let halted = pid_after("PROGRAM HALT: CPU Exception on PID ");
        if line.contains("PANIC in PID") || line.contains("!!! KERNEL FAILURE !!!") {
            self.kernel_failed = true;
        }
        match self.b.goal {
            Goal::ProgramEnds { .. } => {
                let ours = |p: Option<u32>| p.is_some() && (self.pid.is_none() || p == self.pid);
                if ours(ended) && self.terminated.is_none() {
                    self.terminated = Some(Instant::now());
                }
                if ours(halted) {
                    self.halted = true;
                }
            }
            Goal::ServicesUp { .. } => {
                if let Some(pid) = halted {
                    let name = self.name_of(pid);
                    self.image_failure.get_or_insert(ImageEnd::Fault { name });
                } else if let Some(pid) = ended {
                    let name = self.name_of(pid);
                    self.image_failure
                        .get_or_insert(ImageEnd::ProcessEnded { name });
                }
            }
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

/// The PID in a service's first record, `INFO:xous_names: my PID is 4 (…)` (the log
/// server's own: `LOG: my PID is 3`).
pub(crate) fn reported_pid(line: &str) -> Option<u32> {
    let (_, rest) = line.split_once("my PID is ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
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

    #[test]
    fn reported_pids_of_a_real_boot() {
        // Lines of xous-core 73c09463's renode-image console under Renode.
        assert_eq!(reported_pid("LOG: my PID is 3"), Some(3));
        assert_eq!(
            reported_pid("INFO:xous_names: my PID is 4 (services/xous-names/src/main.rs:350)"),
            Some(4)
        );
        assert_eq!(
            reported_pid("INFO:usb_device_xous::main_hw: my PID is 26 (services/usb-device-xous/src/main_hw.rs:80)"),
            Some(26)
        );
        assert_eq!(
            reported_pid("INFO:xous_names: started (services/xous-names/src/main.rs:363)"),
            None
        );
        assert_eq!(reported_pid("my PID is "), None);
    }

    #[test]
    fn image_ends_name_what_failed() {
        let timeout = ImageEnd::Timeout {
            after: Duration::from_secs(300),
            missing: vec!["shellchat (PID 24)".into(), "pddb (PID 25)".into()],
        };
        assert_eq!(
            timeout.to_string(),
            "after the 300.0 s timeout, these processes had not logged `my PID is <n>`: shellchat (PID 24), pddb (PID 25)"
        );
        let ended = ImageEnd::ProcessEnded {
            name: "gam (PID 14)".into(),
        };
        assert_eq!(ended.to_string(), "the process gam (PID 14) ended");
    }

    /// Watches a boot whose kernel and console UARTs say `kernel` and `console`, until the
    /// services are up (no settling time).
    fn services_end(kernel: &str, console: &str) -> Option<End> {
        let dir = tempfile::tempdir().unwrap();
        let (k, c) = (dir.path().join("kernel"), dir.path().join("console"));
        std::fs::write(&k, kernel).unwrap();
        std::fs::write(&c, console).unwrap();
        let b = Boot {
            renode: Path::new("renode"),
            script: Path::new("run.resc"),
            dir: dir.path(),
            kernel_uart: &k,
            console_uart: &c,
            goal: Goal::ServicesUp {
                settle: Duration::ZERO,
            },
            timeout: Duration::from_secs(1),
            echo: false,
            verbose: false,
        };
        let mut watch = Watch::new(&b);
        watch.read_files();
        watch.end()
    }

    #[test]
    fn services_are_up_when_every_process_reported_and_none_failed() {
        // The kernel UART's process list of a libstd-test image (PIDs 2-6) and its services'
        // first records.
        let kernel = "    PNam (6d614e50, 112 bytes): 00000001 00000006 6e72656b 00006c65 00000002 0000000e 73756f78 6369742d 6d69746b 00007265 00000003 00000008 73756f78 676f6c2d 00000004 0000000a 73756f78 6d616e2d 00007365 00000005 0000000b 73756f78 7375732d 00736572 00000006 00000005 74697865 00000037\n";
        let four = "LOG: my PID is 3\nINFO:xous_names: my PID is 4 (x.rs:1)\nINFO:xous_susres: my PID is 5 (x.rs:1)\nINFO:xous_ticktimer: my PID is 2 (x.rs:1)\n";
        assert_eq!(services_end(kernel, four), None, "PID 6 has not reported");
        let all = format!("{four}INFO:exit7: my PID is 6 (x.rs:1)\n");
        assert!(matches!(
            services_end(kernel, &all),
            Some(End::Image(ImageEnd::ServicesUp { .. }))
        ));
        let ended = format!("{kernel}[!] Terminating process with PID 4\n");
        assert_eq!(
            services_end(&ended, &all),
            Some(End::Image(ImageEnd::ProcessEnded {
                name: "xous-names (PID 4)".into()
            }))
        );
        let panicked = format!("{all}thread 'main' panicked at services/gam/src/main.rs:3:5:\n");
        assert_eq!(
            services_end(kernel, &panicked),
            Some(End::Image(ImageEnd::Panicked(
                "thread 'main' panicked at services/gam/src/main.rs:3:5:".into()
            )))
        );
        let failed = format!("{kernel}!!! KERNEL FAILURE !!!\n");
        assert_eq!(
            services_end(&failed, &all),
            Some(End::Image(ImageEnd::KernelFailure))
        );
    }
}
