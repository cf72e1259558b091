//! The log server (`xous-api-log` 0.1.x): `LogRecord`s from the `log` crate shown on
//! stderr as the real log server shows them (`INFO:module: text (file:line)`), std's
//! StandardOutput/StandardError text, and the panic opcodes.

use super::{memory_returned, read_page, scalar_ack, unsupported, LOG};
use crate::abi::invoke::{BLOCKING_SCALAR, LEND, LEND_MUT, MOVE, SCALAR};
use crate::abi::result::{OK, SCALAR1};
use crate::abi::{log, XousError};
use crate::console::{self, Channel, Writer};
use crate::memory;
use crate::syscall::{Outcome, Reply};
use core::fmt::Write as _;

/// Offsets in the 4096-byte `#[repr(C)]` `LogRecord`.
mod record {
    pub const FILE_LENGTH: usize = 0;
    pub const FILE: usize = 4;
    pub const LINE: usize = 132;
    pub const MODULE_LENGTH: usize = 136;
    pub const MODULE: usize = 140;
    pub const LEVEL: usize = 268;
    pub const ARGS_LENGTH: usize = 272;
    pub const ARGS: usize = 276;
    /// Capacity of the file and module fields.
    pub const NAME_MAX: usize = 128;
    /// Capacity of the text field.
    pub const ARGS_MAX: usize = 3820;
}

/// One message to the log server.
pub fn message(m: [usize; 7]) -> Outcome {
    let [_, invoke, opcode, a1, a2, a3, a4] = m;
    let result = match invoke {
        LEND | LEND_MUT | MOVE => memory_message(opcode, a1, a2, a4, invoke),
        SCALAR | BLOCKING_SCALAR => scalar(opcode, [a1, a2, a3, a4], invoke),
        _ => Err(XousError::InvalidSyscall),
    };
    result.into()
}

fn memory_message(
    opcode: usize,
    buf: usize,
    len: usize,
    valid: usize,
    invoke: usize,
) -> Result<Reply, XousError> {
    match opcode {
        log::LOG_RECORD => log_record(buf, len)?,
        log::STANDARD_OUTPUT | log::STANDARD_ERROR => {
            let channel = if opcode == log::STANDARD_OUTPUT {
                Channel::Stdout
            } else {
                Channel::Stderr
            };
            let n = if valid == 0 { len } else { valid.min(len) };
            memory::read_user(buf, n, |chunk| console::write(channel, chunk))?;
        }
        // The program's name only labels its lines on a real console.
        log::PROGRAM_NAME => {}
        _ => unsupported(LOG, invoke, opcode),
    }
    if invoke == MOVE {
        memory::unmap(buf, len)?;
        return Ok(Reply::new(&[OK]));
    }
    Ok(memory_returned(0, 0))
}

fn word(page: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([page[at], page[at + 1], page[at + 2], page[at + 3]])
}

fn text(page: &[u8], at: usize, len: u32, max: usize) -> &str {
    let bytes = &page[at..at + (len as usize).min(max)];
    match core::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => core::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""),
    }
}

/// Prints a `LogRecord` the way the real log server does.
fn log_record(buf: usize, len: usize) -> Result<(), XousError> {
    let mut page = [0u8; 4096];
    if read_page(buf, len, &mut page)? < 4096 {
        return Err(XousError::BadAddress);
    }
    let level = match word(&page, record::LEVEL) {
        1 => "ERR ",
        2 => "WARN",
        3 => "INFO",
        4 => "DBG ",
        5 => "TRCE",
        _ => "UNKNOWN",
    };
    let module = text(
        &page,
        record::MODULE,
        word(&page, record::MODULE_LENGTH),
        record::NAME_MAX,
    );
    let file = text(
        &page,
        record::FILE,
        word(&page, record::FILE_LENGTH),
        record::NAME_MAX,
    );
    let args = text(
        &page,
        record::ARGS,
        word(&page, record::ARGS_LENGTH),
        record::ARGS_MAX,
    );
    let mut out = Writer(Channel::Stderr);
    let _ = match word(&page, record::LINE) {
        0 => writeln!(out, "{level}:{module}: {args} ({file})"),
        line => writeln!(out, "{level}:{module}: {args} ({file}:{line})"),
    };
    Ok(())
}

/// Panic text arrives as scalars: a begin, then appends carrying n bytes each, packed
/// little-endian in the four argument words, then an end.
fn scalar(opcode: usize, words: [usize; 4], invoke: usize) -> Result<Reply, XousError> {
    const APPEND_LAST: usize = log::APPEND_PANIC_MESSAGE + log::APPEND_PANIC_MAX;
    match opcode {
        log::BEGIN_PANIC | log::PANIC_FINISHED | log::ENABLE_RX => {}
        log::APPEND_PANIC_MESSAGE..=APPEND_LAST => {
            let mut bytes = [0u8; 16];
            for (chunk, w) in bytes.chunks_exact_mut(4).zip(words) {
                chunk.copy_from_slice(&(w as u32).to_le_bytes());
            }
            console::write(
                Channel::Stderr,
                &bytes[..opcode - log::APPEND_PANIC_MESSAGE],
            );
        }
        // There is no USB console to mirror to: "not hooked".
        log::TRY_HOOK_USB_MIRROR | log::UNHOOK_USB_MIRROR => {
            return Ok(if invoke == BLOCKING_SCALAR {
                Reply::new(&[SCALAR1, 0])
            } else {
                Reply::new(&[OK])
            })
        }
        _ => unsupported(LOG, invoke, opcode),
    }
    Ok(scalar_ack(invoke, 0))
}
