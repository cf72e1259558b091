//! Splits the kernel's multiplexed console back into its streams (the encoding is
//! [`xous_test_protocol::console`]: a switch byte and a channel byte select a stream).

use std::io::Write;
use xous_test_protocol::console::{INITIAL, SWITCH};

pub use xous_test_protocol::console::Channel;

/// Everything the console carried, by stream.
#[derive(Debug, Default, Clone)]
pub struct Console {
    /// Firmware stdout.
    pub stdout: Vec<u8>,
    /// Firmware stderr.
    pub stderr: Vec<u8>,
    /// Kernel messages.
    pub kernel: Vec<u8>,
    /// The exit record line(s).
    pub exit: Vec<u8>,
}

/// Incremental demultiplexer: feed it bytes as they arrive.
pub struct Demux {
    current: Channel,
    after_switch: bool,
    console: Console,
    echo: bool,
}

impl Demux {
    /// A demultiplexer; with `echo`, stdout and stderr are also copied live to this
    /// process's stdout and stderr, and kernel messages to stderr with a prefix.
    pub fn new(echo: bool) -> Demux {
        Demux {
            current: INITIAL,
            after_switch: false,
            console: Console::default(),
            echo,
        }
    }

    /// Consumes the next bytes of the console.
    pub fn feed(&mut self, bytes: &[u8]) {
        let mut run_start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if self.after_switch {
                self.after_switch = false;
                if b == SWITCH {
                    self.push(&[SWITCH]);
                } else if let Some(channel) = Channel::from_byte(b) {
                    self.current = channel;
                }
                run_start = i + 1;
            } else if b == SWITCH {
                let run = &bytes[run_start..i];
                self.push(run);
                self.after_switch = true;
                run_start = i + 1;
            }
        }
        if !self.after_switch && run_start < bytes.len() {
            self.push(&bytes[run_start..]);
        }
    }

    fn push(&mut self, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        let c = &mut self.console;
        let sink = match self.current {
            Channel::Stdout => &mut c.stdout,
            Channel::Stderr => &mut c.stderr,
            Channel::Kernel => &mut c.kernel,
            Channel::Exit => &mut c.exit,
        };
        sink.extend_from_slice(data);
        if self.echo {
            self.echo_data(data);
        }
    }

    fn echo_data(&self, data: &[u8]) {
        match self.current {
            Channel::Stdout => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(data);
                let _ = out.flush();
            }
            Channel::Stderr => {
                let _ = std::io::stderr().lock().write_all(data);
            }
            Channel::Kernel => {
                let text = String::from_utf8_lossy(data);
                let _ = write!(std::io::stderr().lock(), "{}", prefix_lines(&text));
            }
            Channel::Exit => {}
        }
    }

    /// Whether the exit record has been completely received.
    pub fn exited(&self) -> bool {
        self.console.exit.ends_with(b"\n")
    }

    /// The streams received so far.
    pub fn console(&self) -> &Console {
        &self.console
    }

    /// The streams received.
    pub fn finish(self) -> Console {
        self.console
    }
}

fn prefix_lines(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|l| format!("[xous-kernel] {l}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_streams_and_unescapes_across_chunk_boundaries() {
        let mut all = Vec::new();
        all.extend_from_slice(
            b"\x011out\x01\x01put\x012err\x01kkernel\n\x011more\x01xkind=exit code=0 instret=5\n",
        );
        // Feed one byte at a time: every split point must give the same result.
        let mut d = Demux::new(false);
        for b in &all {
            d.feed(std::slice::from_ref(b));
        }
        let c = d.finish();
        assert_eq!(c.stdout, b"out\x01putmore");
        assert_eq!(c.stderr, b"err");
        assert_eq!(c.kernel, b"kernel\n");
        assert_eq!(c.exit, b"kind=exit code=0 instret=5\n");
    }
}
