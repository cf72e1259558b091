//! How a run ends: the exit record the kernel writes last on [`Channel::Exit`], and the
//! exit statuses the host gives a run.
//!
//! The record is one line of `key=value` pairs: `kind=exit|fault|kernel code=N
//! instret=N`.
//!
//! [`Channel::Exit`]: crate::console::Channel::Exit

use core::fmt;

/// Status of a run that faulted, deadlocked, made a call the kernel does not provide,
/// or failed inside the kernel; also the `code` of such a run's exit record.
pub const FAULT_STATUS: u8 = 125;
/// Status of a run killed at its timeout (as `timeout(1)` does).
pub const TIMEOUT_STATUS: u8 = 124;
/// Status of a run the emulator refused before the firmware ran, e.g. an error in the
/// generated Renode script (`There was an error executing command …`, `Error E…`).
pub const EMULATOR_ERROR_STATUS: u8 = 126;

/// What ended the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitKind {
    /// The firmware terminated (TerminateProcess) with the record's code.
    Exit,
    /// The firmware faulted; the kernel printed a report.
    Fault,
    /// The kernel itself failed (bad boot block, kernel panic, out of RAM).
    Kernel,
}

impl ExitKind {
    /// The record's `kind` value.
    pub const fn as_str(self) -> &'static str {
        match self {
            ExitKind::Exit => "exit",
            ExitKind::Fault => "fault",
            ExitKind::Kernel => "kernel",
        }
    }
}

/// The exit record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitRecord {
    /// What ended the run.
    pub kind: ExitKind,
    /// The firmware's exit code, or [`FAULT_STATUS`].
    pub code: u32,
    /// Instructions retired from reset to the record, when known.
    pub instret: Option<u64>,
}

impl fmt::Display for ExitRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "kind={} code={}", self.kind.as_str(), self.code)?;
        if let Some(n) = self.instret {
            write!(f, " instret={n}")?;
        }
        Ok(())
    }
}

impl ExitRecord {
    /// Parses one record line (without its newline). `kind` and `code` are required;
    /// an unknown kind counts as a kernel failure.
    pub fn parse(line: &str) -> Option<ExitRecord> {
        let field = |key: &str| {
            line.split_whitespace()
                .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
        };
        let kind = match field("kind")? {
            "exit" => ExitKind::Exit,
            "fault" => ExitKind::Fault,
            _ => ExitKind::Kernel,
        };
        Some(ExitRecord {
            kind,
            code: field("code")?.parse().ok()?,
            instret: field("instret").and_then(|v| v.parse().ok()),
        })
    }
}

#[cfg(test)]
mod tests;
