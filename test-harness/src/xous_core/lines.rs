//! Telling the program's lines apart from the services' on xous-core's console UART.
//!
//! Every process writes to that one UART through the log server (`xous-log`): the
//! program's stdout and stderr as they are, and `log` records as `LEVEL:target: message
//! (file:line)`. The rules, in order:
//! 1. Until the log server says it is up (its first `LOG: ` line), every line is the log
//!    server's own start-up output: no program can print before it is up.
//! 2. A `LOG: ` line is the log server's.
//! 3. A record `LEVEL:target: …` belongs to the program when its target's first path
//!    segment is the program's crate name, else to a service.
//! 4. Anything else is the program's.
//!
//! So a program's own line that happens to look like another crate's log record is
//! counted as a service's; stdout and stderr cannot be told apart on this console.

/// Who wrote a console line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Writer {
    /// The program run.
    Program,
    /// The log server or another service.
    Service,
}

/// Splits a UART's byte stream into lines. Xous's UARTs end lines with `\r\n` or `\n\r`
/// (both are seen on one console): either byte ends a line, and the other one right after
/// it belongs to the same line end, even when the two arrive in different reads.
#[derive(Debug, Default)]
pub(crate) struct LineBuffer {
    partial: Vec<u8>,
    /// The byte that ended the last line, whose partner is still to be skipped.
    ended_by: Option<u8>,
}

impl LineBuffer {
    /// Feeds bytes; returns the lines they complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<String> {
        let mut lines = Vec::new();
        for &b in bytes {
            let partner = match self.ended_by.take() {
                Some(b'\r') => b == b'\n',
                Some(_) => b == b'\r',
                None => false,
            };
            if partner {
                continue;
            }
            if b == b'\r' || b == b'\n' {
                self.ended_by = Some(b);
                let raw = std::mem::take(&mut self.partial);
                lines.push(String::from_utf8_lossy(&raw).into_owned());
            } else {
                self.partial.push(b);
            }
        }
        lines
    }

    /// The last, unterminated line, if any (at the end of a run).
    pub fn finish(&mut self) -> Option<String> {
        if self.partial.is_empty() {
            return None;
        }
        Some(String::from_utf8_lossy(&std::mem::take(&mut self.partial)).into_owned())
    }
}

/// Splits the console byte stream into lines and says whose each is.
#[derive(Debug)]
pub(crate) struct LineSplitter {
    crate_name: String,
    log_server_up: bool,
    lines: LineBuffer,
}

impl LineSplitter {
    /// A splitter for a program whose crate is `crate_name` (`-` and `_` alike).
    pub fn new(crate_name: &str) -> LineSplitter {
        LineSplitter {
            crate_name: crate_name.replace('-', "_"),
            log_server_up: false,
            lines: LineBuffer::default(),
        }
    }

    /// Feeds bytes; returns the complete lines they finish.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<(Writer, String)> {
        let lines = self.lines.feed(bytes);
        lines.into_iter().map(|l| (self.writer(&l), l)).collect()
    }

    /// The last, unterminated line, if any (at the end of a run).
    pub fn finish(&mut self) -> Option<(Writer, String)> {
        let line = self.lines.finish()?;
        Some((self.writer(&line), line))
    }

    fn writer(&mut self, line: &str) -> Writer {
        if line.starts_with("LOG: ") {
            self.log_server_up = true;
            return Writer::Service;
        }
        if !self.log_server_up {
            return Writer::Service;
        }
        match record_target(line) {
            Some(target) if target.split("::").next() != Some(self.crate_name.as_str()) => {
                Writer::Service
            }
            _ => Writer::Program,
        }
    }
}

/// The target of a `log` record line as xous-log prints it (`INFO:xous_names: started
/// (services/xous-names/src/main.rs:363)`), if the line is one.
fn record_target(line: &str) -> Option<&str> {
    let (level, rest) = line.split_once(':')?;
    if !matches!(
        level,
        "ERR" | "WARN" | "INFO" | "DBG" | "TRC" | "ERROR" | "DEBUG" | "TRACE"
    ) {
        return None;
    }
    let (target, _) = rest.split_once(": ")?;
    let path_like = !target.is_empty()
        && target
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
    path_like.then_some(target)
}

/// The crate name of a program file: cargo names a binary after its crate, and a test
/// binary `<crate>-<16 hex digits>`.
pub(crate) fn crate_name(file_stem: &str) -> String {
    match file_stem.rsplit_once('-') {
        Some((name, hash)) if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
            name.replace('-', "_")
        }
        _ => file_stem.replace('-', "_"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_lines_of_a_real_boot_are_split() {
        // As xous-core 73c09463's libstd-test image printed them under Renode.
        let console = "Mapped UART @ 60001000\nProcess: map success!\nLOG: my PID is 3\n\
INFO:xous_names: my PID is 4 (services/xous-names/src/main.rs:350)\n\
apidemo: start, PID 6\n\
INFO:apidemo: apidemo: hello from log::info! via xous-log (apidemo/src/main.rs:11)\n\
INFO:apidemo::server: answered (apidemo/src/main.rs:59)\n\
INFO:xous_ticktimer: Welcome to Xous v0.10.0-33-g73c094632 (services/xous-ticktimer/src/main.rs:38)\n\
thread 'main' panicked at src/main.rs:3:5:\nDONE api";
        let mut s = LineSplitter::new("apidemo");
        let mut lines = s.feed(console.as_bytes());
        lines.extend(s.finish());
        let program: Vec<&str> = lines
            .iter()
            .filter(|(w, _)| *w == Writer::Program)
            .map(|(_, l)| l.as_str())
            .collect();
        assert_eq!(
            program,
            [
                "apidemo: start, PID 6",
                "INFO:apidemo: apidemo: hello from log::info! via xous-log (apidemo/src/main.rs:11)",
                "INFO:apidemo::server: answered (apidemo/src/main.rs:59)",
                "thread 'main' panicked at src/main.rs:3:5:",
                "DONE api",
            ]
        );
        assert_eq!(lines.len() - program.len(), 5);
    }

    #[test]
    fn lines_split_across_reads_are_joined() {
        let mut s = LineSplitter::new("p");
        assert!(s.feed(b"LOG: up\r\nhel").len() == 1);
        assert_eq!(
            s.feed(b"lo\r"),
            vec![(Writer::Program, "hello".to_string())]
        );
        assert_eq!(s.feed(b"\n"), vec![]);
        assert_eq!(s.finish(), None);
    }

    #[test]
    fn both_line_ends_and_empty_lines() {
        // As the log server wrote them: `\n\r` and `\r\n` on one console.
        let mut b = LineBuffer::default();
        let lines = b.feed(b"a\n\rb\r\n\r\nc\n\n");
        assert_eq!(lines, ["a", "b", "", "c", ""]);
        assert_eq!(b.finish(), None);
    }

    #[test]
    fn crate_names_of_binaries_and_test_binaries() {
        assert_eq!(crate_name("hello-xous"), "hello_xous");
        assert_eq!(crate_name("my-crate-0123456789abcdef"), "my_crate");
        assert_eq!(crate_name("tool-v2"), "tool_v2");
    }
}
