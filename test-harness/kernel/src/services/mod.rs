//! The Xous services a program talks to, answered inside the kernel with the protocols
//! of the published API crates: the name server ([`names`], `xous-api-names`), the log
//! server ([`log`], `xous-api-log`), the ticktimer ([`ticktimer`],
//! `xous-api-ticktimer`), and systime. The network and DNS servers exist only to refuse
//! every request, so std returns its own errors.

mod log;
mod names;
mod ticktimer;

use crate::abi::invoke::{BLOCKING_SCALAR, LEND_MUT};
use crate::abi::result::{MEMORY_RETURNED, SCALAR1, SCALAR2};
use crate::abi::{systime, XousError};
use crate::console::kprintln;
use crate::global::Global;
use crate::syscall::{Outcome, Reply};
use crate::{exit, memory, timer};

pub const NAME_SERVER: usize = 1;
pub const LOG: usize = 2;
pub const TICKTIMER: usize = 3;
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

/// The services' connections the program has disconnected (bit `cid`). As on Xous, a
/// process has one connection per server, shared by std and the API crates: once it is
/// disconnected (the API crates do so when their last handle is dropped), messages on it
/// fail with `ServerNotFound` until the program connects again.
static DISCONNECTED: Global<u32> = Global::new(0);

/// Whether `cid` is one of these services' connections.
pub fn is_service(cid: usize) -> bool {
    (NAME_SERVER..=DNS).contains(&cid)
}

/// `Connect`/`TryConnect` to one of these services: a1..a4 hold the server address.
pub fn connect(words: [usize; 4]) -> Option<usize> {
    let mut address = [0u8; 16];
    for (chunk, w) in address.chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&(w as u32).to_le_bytes());
    }
    let cid = BY_ADDRESS
        .iter()
        .find(|(a, _)| **a == address)
        .map(|&(_, cid)| cid)?;
    reconnect(cid);
    Some(cid)
}

/// A connection to service `cid` was made (by address or through the name server).
pub fn reconnect(cid: usize) {
    *DISCONNECTED.borrow() &= !(1 << cid);
}

/// `Disconnect` of service `cid`.
pub fn disconnect(cid: usize) {
    *DISCONNECTED.borrow() |= 1 << cid;
}

/// One message: `[cid, invoke type, opcode, a4, a5, a6, a7]`. For memory messages a4
/// is the buffer, a5 its length, a6/a7 `offset` and `valid`.
pub fn send(m: [usize; 7]) -> Outcome {
    let [cid, invoke, opcode, ..] = m;
    if *DISCONNECTED.borrow() & (1 << cid) != 0 {
        return Err(XousError::ServerNotFound).into();
    }
    match cid {
        NAME_SERVER => names::message(m),
        LOG => log::message(m),
        TICKTIMER => ticktimer::message(m),
        SYSTIME if invoke == BLOCKING_SCALAR && opcode == systime::GET_UTC_TIME_MS => {
            let t = timer::utc_ms();
            Outcome::Reply(Reply::new(&[
                SCALAR2,
                t as u32 as usize,
                (t >> 32) as usize,
            ]))
        }
        NET | DNS if invoke == LEND_MUT => refuse_network(m[3]).into(),
        NET | DNS => Err(XousError::UnhandledSyscall).into(),
        _ => unsupported(cid, invoke, opcode),
    }
}

/// A message no service here understands: reported, and the run fails.
pub fn unsupported(cid: usize, invoke: usize, opcode: usize) -> ! {
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

/// The answer to a scalar: `Scalar1(value)` when the sender waits, nothing otherwise.
pub fn scalar_ack(invoke: usize, value: usize) -> Reply {
    if invoke == BLOCKING_SCALAR {
        Reply::new(&[SCALAR1, value])
    } else {
        Reply::new(&[crate::abi::result::OK])
    }
}

/// A lent buffer of at most one page, read into `page`; returns its length.
pub fn read_page(buf: usize, len: usize, page: &mut [u8; 4096]) -> Result<usize, XousError> {
    let n = len.min(page.len());
    let mut at = 0;
    memory::read_user(buf, n, |chunk| {
        page[at..at + chunk.len()].copy_from_slice(chunk);
        at += chunk.len();
    })?;
    Ok(n)
}

/// The answer to a lend: the buffer is the client's again, with `offset` and `valid`.
pub fn memory_returned(offset: usize, valid: usize) -> Reply {
    Reply::new(&[MEMORY_RETURNED, offset, valid])
}

static NETWORK_NOTED: Global<bool> = Global::new(false);

/// Network and DNS requests fail with a non-zero status in the first byte: 6, the
/// network stack's "library error", which std reports as a failed connection.
fn refuse_network(buf: usize) -> Result<Reply, XousError> {
    let mut noted = NETWORK_NOTED.borrow();
    if !*noted {
        *noted = true;
        kprintln!("network and DNS are not available in the test kernel: requests fail");
    }
    memory::write_user(buf, &[6])?;
    Ok(memory_returned(0, 0))
}
