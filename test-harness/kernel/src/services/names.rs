//! The name server (`xous-api-names` 0.9.x): `register_name` (with connection limits
//! and a disconnect token), `request_connection*`
//! (Lookup), `request_connection_blocking` and std's lookups (BlockingConnect,
//! TryConnect), `disconnect_with_token`, `unregister_server` and `trusted_init_done`.
//! The rkyv archives are read and written by `xous_test_protocol::archive`.
//!
//! As on Xous, the name server only hands out SIDs: the registering program creates
//! the server itself (`register_name` calls `create_server_with_sid`).

use super::{memory_returned, read_page, scalar_ack, unsupported, NAME_SERVER};
use crate::abi::invoke::{BLOCKING_SCALAR, LEND_MUT};
use crate::abi::{name_server, XousError};
use crate::global::Global;
use crate::syscall::{Outcome, Reply};
use crate::{ipc, memory, sched};
use xous_test_protocol::archive::{self, Return};

/// Longest name, in bytes (`XousServerName` holds 64 and needs room for its check).
const NAME_MAX: usize = 63;
const MAX_NAMES: usize = 32;

/// Servers reachable through the name server that live in the kernel (std's network
/// stack, which refuses everything).
const BUILT_IN: [(&[u8], usize); 2] = [
    (b"_Middleware Network Server_", 5),
    (b"_DNS Resolver Middleware_", 6),
];

#[derive(Clone, Copy)]
struct Entry {
    used: bool,
    name: [u8; NAME_MAX],
    len: usize,
    sid: [u32; 4],
    connections: u32,
    limit: Option<u32>,
    token: Option<[u32; 4]>,
}

const EMPTY: Entry = Entry {
    used: false,
    name: [0; NAME_MAX],
    len: 0,
    sid: [0; 4],
    connections: 0,
    limit: None,
    token: None,
};

static TABLE: Global<[Entry; MAX_NAMES]> = Global::new([EMPTY; MAX_NAMES]);

/// The table slot of the registered `name`.
fn find(table: &[Entry], name: &[u8]) -> Option<usize> {
    table
        .iter()
        .position(|e| e.used && &e.name[..e.len] == name)
}

/// One message to the name server.
pub fn message(m: [usize; 7]) -> Outcome {
    let [_, invoke, opcode, a1, a2, a3, a4] = m;
    match (invoke, opcode) {
        (LEND_MUT, name_server::BLOCKING_CONNECT | name_server::TRY_CONNECT) => {
            connect_by_name(opcode == name_server::BLOCKING_CONNECT, a1, a4)
        }
        (LEND_MUT, name_server::REGISTER)
        | (LEND_MUT, name_server::LOOKUP)
        | (LEND_MUT, name_server::AUTHENTICATED_LOOKUP)
        | (LEND_MUT, name_server::DISCONNECT) => archived(opcode, a1, a2, a3, a4).into(),
        (BLOCKING_SCALAR, name_server::UNREGISTER) => {
            let sid = [a1 as u32, a2 as u32, a3 as u32, a4 as u32];
            let mut table = TABLE.borrow();
            let found = table.iter_mut().find(|e| e.used && e.sid == sid);
            let done = found.map(|e| e.used = false).is_some();
            Outcome::Reply(scalar_ack(invoke, usize::from(done)))
        }
        (BLOCKING_SCALAR, name_server::TRUSTED_INIT_DONE) => {
            let done = TABLE
                .borrow()
                .iter()
                .filter(|e| e.used)
                .all(|e| e.limit.is_none_or(|max| max == e.connections));
            Outcome::Reply(scalar_ack(invoke, usize::from(done)))
        }
        _ => unsupported(NAME_SERVER, invoke, opcode),
    }
}

/// A connection to a registered name within its limit: the CID and the name's
/// disconnect token. `None` when the name is unknown, its
/// server does not exist yet, or it has all its connections.
fn connect(name: &[u8]) -> Option<(usize, Option<[u32; 4]>)> {
    let mut table = TABLE.borrow();
    let i = find(&*table, name)?;
    let e = &mut table[i];
    if e.limit.is_some_and(|max| e.connections >= max) || !ipc::server_exists(e.sid) {
        return None;
    }
    let cid = ipc::connect_sid(e.sid).ok()?;
    e.connections += 1;
    Some((cid, e.token))
}

/// Requests whose lent buffer holds an rkyv archive (its length in `offset`); the
/// answer replaces it.
fn archived(
    opcode: usize,
    buf: usize,
    len: usize,
    offset: usize,
    valid: usize,
) -> Result<Reply, XousError> {
    let mut page = [0u8; 4096];
    let n = read_page(buf, len, &mut page)?;
    let used = offset.min(n);
    let answer = match opcode {
        name_server::REGISTER => match archive::read_registration(&page, used) {
            Ok((name, limit)) => register(name.as_bytes(), limit),
            Err(_) => Return::Failure,
        },
        name_server::LOOKUP => match archive::read_lookup(&page, used) {
            Ok(name) => match connect(name.as_bytes()) {
                Some((cid, token)) => Return::Cid(cid as u32, token),
                None => Return::Failure,
            },
            Err(_) => Return::Failure,
        },
        name_server::DISCONNECT => match archive::read_disconnect(&page, used) {
            Ok((name, token)) => disconnect(name.as_bytes(), token),
            Err(_) => Return::Failure,
        },
        // Authentication is not implemented by the real name server either.
        _ => Return::Failure,
    };
    let mut out = [0u8; archive::RETURN_LEN];
    let used = archive::write_return(&mut out, answer);
    memory::write_user(buf, &out)?;
    Ok(memory_returned(used, valid))
}

fn register(name: &[u8], limit: Option<u32>) -> Return {
    let mut table = TABLE.borrow();
    if name.len() > NAME_MAX || find(&*table, name).is_some() {
        return Return::Failure;
    }
    let Some(e) = table.iter_mut().find(|e| !e.used) else {
        return Return::Failure;
    };
    *e = EMPTY;
    e.used = true;
    e.name[..name.len()].copy_from_slice(name);
    e.len = name.len();
    e.sid = ipc::new_sid();
    e.limit = limit;
    // Every name gets a disconnect token, handed out with each connection (xous-names
    // does so since it let unlimited servers use them).
    e.token = Some(ipc::new_sid());
    let sid = e.sid;
    drop(table);
    // Blocking lookups of this name try again (once the server exists they connect).
    sched::retry_all();
    Return::Sid(sid)
}

fn disconnect(name: &[u8], token: [u32; 4]) -> Return {
    let mut table = TABLE.borrow();
    match find(&*table, name).map(|i| &mut table[i]) {
        Some(e) if e.token == Some(token) => {
            e.connections = 0;
            // A token is good for one disconnect only.
            e.token = Some(ipc::new_sid());
            Return::Success
        }
        _ => Return::Failure,
    }
}

/// std's lookup and `request_connection_blocking`: the name in the lent page (length
/// in `valid`); the answer in its first 8 bytes (status 0 and the CID, or status 1).
fn connect_by_name(wait: bool, buf: usize, valid: usize) -> Outcome {
    let mut page = [0u8; 4096];
    let name = match read_page(buf, valid.min(NAME_MAX + 1), &mut page) {
        Ok(n) => &page[..n],
        Err(e) => return Err(e).into(),
    };
    let cid = match BUILT_IN.iter().find(|(n, _)| *n == name) {
        Some(&(_, cid)) => {
            crate::services::reconnect(cid);
            Some(cid)
        }
        None => connect(name).map(|(cid, _)| cid),
    };
    let answer: [u32; 2] = match cid {
        Some(cid) => [0, cid as u32],
        None if wait => {
            sched::block_for_retry();
            return Outcome::Blocked;
        }
        None => [1, 0],
    };
    let mut bytes = [0u8; 8];
    bytes[..4].copy_from_slice(&answer[0].to_le_bytes());
    bytes[4..].copy_from_slice(&answer[1].to_le_bytes());
    match memory::write_user(buf, &bytes) {
        Ok(()) => Outcome::Reply(memory_returned(0, 0)),
        Err(e) => Err(e).into(),
    }
}
