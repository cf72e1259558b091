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

/// The prefix of each kernel message line echoed to stderr.
pub const KERNEL_PREFIX: &str = "[xous-kernel] ";

/// Where a live echo goes: the firmware's stdout to `out`, its stderr and the kernel's
/// messages to `err`.
struct Echo {
    out: Box<dyn Write + Send>,
    err: Box<dyn Write + Send>,
}

/// Incremental demultiplexer: feed it bytes as they arrive.
pub struct Demux {
    current: Channel,
    after_switch: bool,
    console: Console,
    echo: Option<Echo>,
    /// Whether the next kernel byte starts a line (and so gets the prefix), kept across
    /// reads so that a line gets one prefix however the console was chunked.
    kernel_line_start: bool,
}

impl Demux {
    /// A demultiplexer; with `echo`, stdout and stderr are also copied live to this
    /// process's stdout and stderr, and kernel messages to stderr with [`KERNEL_PREFIX`]
    /// before each line.
    pub fn new(echo: bool) -> Demux {
        let mut demux = Demux::echo_to(std::io::stdout(), std::io::stderr());
        if !echo {
            demux.echo = None;
        }
        demux
    }

    /// A demultiplexer that echoes live to `out` (the firmware's stdout) and `err` (its
    /// stderr and the prefixed kernel messages).
    pub fn echo_to(out: impl Write + Send + 'static, err: impl Write + Send + 'static) -> Demux {
        Demux {
            current: INITIAL,
            after_switch: false,
            console: Console::default(),
            echo: Some(Echo {
                out: Box::new(out),
                err: Box::new(err),
            }),
            kernel_line_start: true,
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
        let framed = match self.current {
            Channel::Kernel => frame_kernel(data, &mut self.kernel_line_start),
            _ => Vec::new(),
        };
        let Some(echo) = &mut self.echo else {
            return;
        };
        // Echo failures (a closed pipe) must not stop the run: the streams are still recorded.
        match self.current {
            Channel::Stdout => {
                let _ = echo.out.write_all(data);
                let _ = echo.out.flush();
            }
            Channel::Stderr => {
                let _ = echo.err.write_all(data);
            }
            Channel::Kernel => {
                let _ = echo.err.write_all(&framed);
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

/// `data` with [`KERNEL_PREFIX`] before each line that starts in it; `line_start` says
/// whether the first byte starts a line, and is left saying whether the next one will.
fn frame_kernel(data: &[u8], line_start: &mut bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + KERNEL_PREFIX.len());
    for &b in data {
        if *line_start {
            out.extend_from_slice(KERNEL_PREFIX.as_bytes());
        }
        out.push(b);
        *line_start = b == b'\n';
    }
    out
}

#[cfg(test)]
mod tests;
