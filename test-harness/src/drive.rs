//! Following one started emulator to the end of its run, as a small state machine:
//!
//! ```text
//! Starting --machine started / first console byte / allowance over--> Running
//! Running  --exit record--> Done(Record)      --deadline--> Done(TimedOut)
//! any      --emulator process gone--> Done(EmulatorGone)
//! any      --error line--> Failing --a moment later--> Done(EmulatorError)
//! ```
//!
//! Threads only read: one pumps the console, one each the emulator's stdout and stderr,
//! all into one channel of [`Event`]s that [`drive`] consumes. When the state is `Done`
//! the emulator is stopped: its stdin is closed (Renode quits at end of input), QEMU is
//! given a moment to leave through its exit device, then whatever is left is killed.

use crate::backend::{Emulator, Signal, Started};
use crate::console::{Console, Demux};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Longest wait between two looks at the clock and the emulator process.
const POLL: Duration = Duration::from_millis(200);
/// How long output is still collected after the emulator's process ended.
const DRAIN: Duration = Duration::from_millis(100);
/// How long more lines are collected after an error line (Renode prints the failed
/// command, then the error).
const ERROR_LINES: Duration = Duration::from_millis(300);
/// How long QEMU gets to leave on its own after the exit record.
const LEAVE: Duration = Duration::from_millis(20);
/// Lines of the emulator's own output kept for reports.
const KEEP_LINES: usize = 200;

/// How the run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ending {
    /// The exit record arrived.
    Record,
    /// The emulator's process ended (with or without a record).
    EmulatorGone,
    /// The timeout passed.
    TimedOut,
    /// The emulator reported an error (these lines).
    EmulatorError(String),
}

/// What a run produced.
pub(crate) struct Driven {
    pub console: Console,
    pub ending: Ending,
    /// The emulator's exit status (when it left by itself) and the end of its output.
    pub emulator_output: String,
}

enum Event {
    Console(Vec<u8>),
    Line(String),
}

enum State {
    /// Waiting for the machine to start; the clock starts at `allowance_end` at the latest.
    Starting {
        allowance_end: Instant,
    },
    /// The firmware runs until `deadline`.
    Running {
        deadline: Instant,
    },
    /// An error line arrived; lines are collected until `until`.
    Failing {
        until: Instant,
        lines: Vec<String>,
    },
    Done(Ending),
}

impl State {
    /// When the state changes without any event.
    fn alarm(&self) -> Option<Instant> {
        match self {
            State::Starting { allowance_end } => Some(*allowance_end),
            State::Running { deadline } => Some(*deadline),
            State::Failing { until, .. } => Some(*until),
            State::Done(_) => None,
        }
    }

    /// The console carried bytes: the machine runs; it may have finished.
    fn on_console(self, timeout: Duration, exited: bool) -> State {
        match self {
            State::Starting { .. } if exited => State::Done(Ending::Record),
            State::Starting { .. } => State::Running {
                deadline: Instant::now() + timeout,
            },
            State::Running { .. } if exited => State::Done(Ending::Record),
            other => other,
        }
    }

    /// A line of the emulator's own output.
    fn on_line(self, line: &str, signal: Signal, timeout: Duration) -> State {
        match (self, signal) {
            (State::Failing { until, mut lines }, _) => {
                lines.push(line.to_string());
                State::Failing { until, lines }
            }
            (State::Done(e), _) => State::Done(e),
            (_, Signal::Error) => State::Failing {
                until: Instant::now() + ERROR_LINES,
                lines: vec![line.to_string()],
            },
            (State::Starting { .. }, Signal::MachineStarted) => State::Running {
                deadline: Instant::now() + timeout,
            },
            (state, _) => state,
        }
    }

    /// The clock reached [`State::alarm`].
    fn on_alarm(self, now: Instant, timeout: Duration) -> State {
        match self {
            State::Starting { allowance_end } if now >= allowance_end => State::Running {
                deadline: allowance_end + timeout,
            },
            State::Running { deadline } if now >= deadline => State::Done(Ending::TimedOut),
            State::Failing { until, lines } if now >= until => {
                State::Done(Ending::EmulatorError(lines.join("\n")))
            }
            other => other,
        }
    }

    /// The emulator's process is gone and its output drained.
    fn on_emulator_gone(self) -> State {
        match self {
            State::Failing { lines, .. } => State::Done(Ending::EmulatorError(lines.join("\n"))),
            State::Done(e) => State::Done(e),
            _ => State::Done(Ending::EmulatorGone),
        }
    }
}

/// Runs `started` to its end (see the module docs).
pub(crate) fn drive(
    emulator: &dyn Emulator,
    mut started: Started,
    timeout: Duration,
    echo: bool,
) -> Driven {
    let (tx, rx) = mpsc::channel::<Event>();
    let mut pumps = vec![pump_bytes(
        std::mem::replace(&mut started.console, Box::new(std::io::empty())),
        tx.clone(),
    )];
    if let Some(out) = started.child.stdout.take() {
        pumps.push(pump_lines(out, tx.clone()));
    }
    if let Some(err) = started.child.stderr.take() {
        pumps.push(pump_lines(err, tx.clone()));
    }
    drop(tx);

    let mut demux = Demux::new(echo);
    let mut lines: VecDeque<String> = VecDeque::new();
    let mut handle = |event: Event, state: State, demux: &mut Demux| match event {
        Event::Console(bytes) => {
            demux.feed(&bytes);
            state.on_console(timeout, demux.exited())
        }
        Event::Line(line) => {
            let next = state.on_line(&line, emulator.classify(&line), timeout);
            if lines.len() == KEEP_LINES {
                lines.pop_front();
            }
            lines.push_back(line);
            next
        }
    };
    let mut state = match emulator.startup_allowance() {
        None => State::Running {
            deadline: Instant::now() + timeout,
        },
        Some(allowance) => State::Starting {
            allowance_end: Instant::now() + allowance,
        },
    };
    let mut gone = false;
    while let Some(alarm) = state.alarm() {
        let now = Instant::now();
        let wait = alarm.saturating_duration_since(now).min(POLL);
        state = match rx.recv_timeout(wait) {
            Ok(event) => handle(event, state, &mut demux),
            Err(RecvTimeoutError::Timeout) if exited(&mut started) => {
                // The process is gone: take what its readers still deliver.
                let mut state = state;
                while let Ok(event) = rx.recv_timeout(DRAIN) {
                    state = handle(event, state, &mut demux);
                }
                gone = true;
                state.on_emulator_gone()
            }
            Err(RecvTimeoutError::Timeout) => state.on_alarm(Instant::now(), timeout),
            Err(RecvTimeoutError::Disconnected) => {
                gone = true;
                state.on_emulator_gone()
            }
        };
    }
    let State::Done(ending) = state else {
        unreachable!("only Done has no alarm")
    };

    let status = stop(&mut started, ending == Ending::Record && !gone);
    drop(rx);
    if let Some(stop) = &started.stop {
        stop.store(true, Ordering::Relaxed);
    }
    for p in pumps {
        let _ = p.join();
    }
    let mut emulator_output = status.map(|s| format!("{s}\n")).unwrap_or_default();
    for l in &lines {
        emulator_output.push_str(l);
        emulator_output.push('\n');
    }
    Driven {
        console: demux.finish(),
        ending,
        emulator_output,
    }
}

fn exited(started: &mut Started) -> bool {
    matches!(started.child.try_wait(), Ok(Some(_)))
}

/// Ends the emulator: closes its stdin, lets it leave on its own for a moment when it
/// is expected to (`leaving`), then kills it. Returns its exit status when it left by
/// itself.
fn stop(started: &mut Started, leaving: bool) -> Option<std::process::ExitStatus> {
    drop(started.stdin.take());
    if let Ok(Some(s)) = started.child.try_wait() {
        return Some(s);
    }
    if leaving {
        std::thread::sleep(LEAVE);
        if let Ok(Some(s)) = started.child.try_wait() {
            return Some(s);
        }
    }
    let _ = started.child.kill();
    let _ = started.child.wait();
    None
}

fn pump_bytes(mut reader: Box<dyn Read + Send>, tx: mpsc::Sender<Event>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send(Event::Console(buf[..n].to_vec())).is_err() {
                        break;
                    }
                }
            }
        }
    })
}

fn pump_lines(reader: impl Read + Send + 'static, tx: mpsc::Sender<Event>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines() {
            let Ok(line) = line else { break };
            if tx.send(Event::Line(line)).is_err() {
                break;
            }
        }
    })
}

#[cfg(test)]
mod tests;
