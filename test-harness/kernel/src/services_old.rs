//! The Xous services libstd talks to, answered inside the kernel: the name server, the
//! log server (stdout/stderr, panic text), the ticktimer (time, sleep, the mutex,
//! condvar and thread-parking rendezvous) and systime. The network and DNS servers
//! exist only to refuse every request, so std returns its own errors.

use crate::abi::invoke::{BLOCKING_SCALAR, LEND, LEND_MUT, MOVE, SCALAR};
use crate::abi::result::{MEMORY_RETURNED, OK, SCALAR1, SCALAR2};
use crate::abi::{log, name_server, systime, ticktimer, XousError};
use crate::console::{self, kprintln, Channel};
use crate::global::Global;
use crate::sched::{self, Wait};
use crate::syscall::{Outcome, Reply};
use crate::{exit, memory, timer};

const NAME_SERVER: usize = 1;
const LOG: usize = 2;
const TICKTIMER: usize = 3;
const SYSTIME: usize = 4;
const NET: usize = 5;
const DNS: usize = 6;

/// Servers reachable with `Connect` by their 16-byte address.
const BY_ADDRESS: [(&[u8; 16], usize); 4] = [
    (b"xous-name-server", NAME_SERVER),
    (b"xous-log-server ", LOG),
    (b"ticktimer-server", TICKTIMER),
    (b"timeserverpublic", SYSTIME),
];

/// Servers reachable through the name server.
const BY_NAME: [(&[u8], usize); 2] = [
    (b"_Middleware Network Server_", NET),
    (b"_DNS Resolver Middleware_", DNS),
];

/// `Connect`/`TryConnect`: a1..a4 hold the server address.
pub fn connect(words: [usize; 4]) -> Result<usize, XousError> {
    let mut address = [0u8; 16];
    for (chunk, w) in address.chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&(w as u32).to_le_bytes());
    }
    match BY_ADDRESS.iter().find(|(a, _)| **a == address) {
        Some(&(_, cid)) => Ok(cid),
        None => {
            let shown = core::str::from_utf8(&address).unwrap_or("<not UTF-8>");
            kprintln!("connect: no server `{shown}` in the test kernel");
            Err(XousError::ServerNotFound)
        }
    }
}

/// One message: `[cid, invoke type, opcode, a4, a5, a6, a7]`. For memory messages a4
/// is the buffer, a5 its length, a6/a7 two extra arguments (offset, valid).
pub fn send(m: [usize; 7]) -> Outcome {
    let [cid, invoke, opcode, ..] = m;
    let result = match (cid, invoke) {
        (NAME_SERVER, LEND_MUT) => name_server(opcode, m[3], m[6]),
        (LOG, LEND | MOVE) => log_memory(opcode, m[3], m[4], m[6], invoke == MOVE),
        (LOG, SCALAR | BLOCKING_SCALAR) => log_scalar(opcode, [m[3], m[4], m[5], m[6]], invoke),
        (TICKTIMER, SCALAR | BLOCKING_SCALAR) => return ticktimer(opcode, m[3], m[4], invoke),
        (SYSTIME, BLOCKING_SCALAR) if opcode == systime::GET_UTC_TIME_MS => {
            let t = timer::utc_ms();
            Ok(Reply::new(&[
                SCALAR2,
                t as u32 as usize,
                (t >> 32) as usize,
            ]))
        }
        (NET | DNS, LEND_MUT) => refuse_network(m[3]),
        (NET | DNS, _) => Err(XousError::UnhandledSyscall),
        _ => unsupported(cid, invoke, opcode),
    };
    result.into()
}

fn unsupported(cid: usize, invoke: usize, opcode: usize) -> ! {
    let server = match cid {
        NAME_SERVER => "name server",
        LOG => "log server",
        TICKTIMER => "ticktimer",
        SYSTIME => "systime",
        _ => "unknown connection",
    };
    kprintln!(
        "unimplemented message to the {server} (connection {cid}): opcode {opcode}, invoke type {invoke}"
    );
    exit::fault()
}

/// Lookup by name (blocking or try): the name is in the lent page, its length
/// in `valid`; the answer goes back in the first 8 bytes (status, connection).
fn name_server(opcode: usize, buf: usize, valid: usize) -> Result<Reply, XousError> {
    if opcode != name_server::BLOCKING_CONNECT && opcode != name_server::TRY_CONNECT {
        unsupported(NAME_SERVER, LEND_MUT, opcode);
    }
    let mut name = [0u8; 64];
    let len = valid.min(64);
    let mut at = 0;
    memory::read_user(buf, len, |chunk| {
        name[at..at + chunk.len()].copy_from_slice(chunk);
        at += chunk.len();
    })?;
    let answer: [u32; 2] = match BY_NAME.iter().find(|(n, _)| *n == &name[..len]) {
        Some(&(_, cid)) => [0, cid as u32],
        None => [1, 0],
    };
    let mut bytes = [0u8; 8];
    bytes[..4].copy_from_slice(&answer[0].to_le_bytes());
    bytes[4..].copy_from_slice(&answer[1].to_le_bytes());
    memory::write_user(buf, &bytes)?;
    Ok(Reply::new(&[MEMORY_RETURNED, 0, 0]))
}

fn log_memory(
    opcode: usize,
    buf: usize,
    len: usize,
    valid: usize,
    moved: bool,
) -> Result<Reply, XousError> {
    let channel = match opcode {
        log::STANDARD_OUTPUT => Channel::Stdout,
        log::STANDARD_ERROR => Channel::Stderr,
        _ => unsupported(LOG, LEND, opcode),
    };
    let n = if valid == 0 { len } else { valid.min(len) };
    memory::read_user(buf, n, |chunk| console::write(channel, chunk))?;
    if moved {
        memory::unmap(buf, len)?;
        return Ok(Reply::new(&[OK]));
    }
    Ok(Reply::new(&[MEMORY_RETURNED, 0, 0]))
}

/// Panic text arrives as scalars: a begin, then appends carrying n bytes each, packed
/// little-endian in the four argument words.
fn log_scalar(opcode: usize, words: [usize; 4], invoke: usize) -> Result<Reply, XousError> {
    const APPEND_LAST: usize = log::APPEND_PANIC_MESSAGE + log::APPEND_PANIC_MAX;
    match opcode {
        log::BEGIN_PANIC => {}
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
        _ => unsupported(LOG, invoke, opcode),
    }
    Ok(scalar_ack(invoke, 0))
}

fn scalar_ack(invoke: usize, value: usize) -> Reply {
    if invoke == BLOCKING_SCALAR {
        Reply::new(&[SCALAR1, value])
    } else {
        Reply::new(&[OK])
    }
}

/// Unlocks that arrived before the matching `LockMutex` (the mutex changes hands
/// between the waiter's atomic increment and its message).
static CREDITS: Global<[(usize, usize); 64]> = Global::new([(0, 0); 64]);

fn credit(cookie: usize) -> Option<&'static mut (usize, usize)> {
    CREDITS
        .get()
        .iter_mut()
        .find(|(c, n)| *c == cookie && *n > 0)
}

fn add_credit(cookie: usize) {
    if let Some(slot) = credit(cookie) {
        slot.1 += 1;
        return;
    }
    match CREDITS.get().iter_mut().find(|(_, n)| *n == 0) {
        Some(slot) => *slot = (cookie, 1),
        None => exit::kernel_failure(format_args!("too many contended mutexes at once")),
    }
}

fn ticktimer(opcode: usize, arg1: usize, arg2: usize, invoke: usize) -> Outcome {
    let blocking = invoke == BLOCKING_SCALAR;
    let reply = match opcode {
        ticktimer::ELAPSED_MS => {
            let ms = timer::elapsed_ms();
            Reply::new(&[SCALAR2, ms as u32 as usize, (ms >> 32) as usize])
        }
        ticktimer::SLEEP_MS if blocking && arg1 > 0 => {
            sched::block(Wait::Sleep, Some(timer::deadline_in_ms(arg1)));
            return Outcome::Blocked;
        }
        ticktimer::SLEEP_MS => scalar_ack(invoke, 0),
        ticktimer::LOCK_MUTEX => match credit(arg1) {
            Some(slot) => {
                slot.1 -= 1;
                scalar_ack(invoke, 0)
            }
            None => {
                sched::block(Wait::Mutex(arg1), None);
                return Outcome::Blocked;
            }
        },
        ticktimer::UNLOCK_MUTEX => {
            if sched::wake_waiters(Wait::Mutex(arg1), 1, &[SCALAR1, 0]) == 0 {
                add_credit(arg1);
            }
            scalar_ack(invoke, 0)
        }
        ticktimer::WAIT_FOR_CONDITION => {
            let deadline = (arg2 > 0).then(|| timer::deadline_in_ms(arg2));
            sched::block(Wait::Condition(arg1), deadline);
            return Outcome::Blocked;
        }
        ticktimer::NOTIFY_CONDITION => {
            let woken = sched::wake_waiters(Wait::Condition(arg1), arg2, &[SCALAR1, 0]);
            scalar_ack(invoke, woken)
        }
        ticktimer::FREE_MUTEX => {
            while let Some(slot) = credit(arg1) {
                slot.1 = 0;
            }
            scalar_ack(invoke, 0)
        }
        ticktimer::FREE_CONDITION => scalar_ack(invoke, 0),
        _ => unsupported(TICKTIMER, invoke, opcode),
    };
    Outcome::Reply(reply)
}

static NETWORK_NOTED: Global<bool> = Global::new(false);

/// Network and DNS requests fail with a non-zero status in the first byte: 6, the
/// network stack's "library error", which std reports as a failed connection.
fn refuse_network(buf: usize) -> Result<Reply, XousError> {
    let noted = NETWORK_NOTED.get();
    if !*noted {
        *noted = true;
        kprintln!("network and DNS are not available in the test kernel: requests fail");
    }
    memory::write_user(buf, &[6])?;
    Ok(Reply::new(&[MEMORY_RETURNED, 0, 0]))
}
