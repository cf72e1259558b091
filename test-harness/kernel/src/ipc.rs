//! Servers, connections and message queues of the one process: `CreateServer*`,
//! `Connect`, `SendMessage` of every kind, `ReceiveMessage`, the replies, and
//! `DestroyServer`, with the semantics of a real Xous kernel inside one address space.
//!
//! - A server is a slot holding its 128-bit SID; a connection is a CID naming a slot
//!   (connecting twice to one server gives the same CID, as on Xous).
//! - A message lives in a message slot from its send until it is received (non-blocking
//!   kinds) or answered (blocking kinds: blocking scalar, lend, lend-mut); the sender of
//!   a blocking message waits for that answer.
//! - Memory messages pass their buffer's address, length, `offset` and `valid`
//!   unchanged: there is one address space, so the server sees the client's pages at the
//!   client's address. The client is blocked until the reply, so a lent page is the
//!   client's again only after it; a moved page is the receiver's, which unmaps it.
//! - A `MessageSender` is `PID << 24 | server slot << 8 | message slot`.

use crate::abi::invoke::{BLOCKING_SCALAR, LEND, LEND_MUT, MOVE};
use crate::abi::result::{
    CONNECTION_ID, ERROR, MEMORY_RETURNED, MESSAGE_ENVELOPE, NEW_SERVER_ID, NONE, OK, SCALAR1,
    SCALAR2, SCALAR5, SERVER_ID,
};
use crate::abi::{XousError, PID};
use crate::global::{Borrowed, Global};
use crate::memory;
use crate::sched::{self, Wait};
use crate::syscall::{error, Outcome, Reply};

const MAX_SERVERS: usize = 32;
const MAX_MESSAGES: usize = 64;
const MAX_CONNECTIONS: usize = 64;
/// The first CID of a user server (1..=6 are the services in [`crate::services`]).
const FIRST_CID: usize = 16;

#[derive(Clone, Copy)]
struct Server {
    sid: [u32; 4],
    active: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum MsgState {
    Free,
    /// Waiting in its server's queue (the number orders the queue).
    Queued(u64),
    /// Received by the server, which still owes the reply.
    Delivered,
}

#[derive(Clone, Copy)]
struct Msg {
    state: MsgState,
    server: usize,
    /// The sending thread's slot.
    client: usize,
    /// Invoke type (1 lend-mut .. 5 blocking scalar).
    invoke: usize,
    /// id, then arg1..arg4 (scalars) or address, length, offset, valid (memory).
    words: [usize; 5],
}

struct Ipc {
    servers: [Server; MAX_SERVERS],
    messages: [Msg; MAX_MESSAGES],
    /// Connection `FIRST_CID + i` leads to server slot `connections[i]`.
    connections: [Option<usize>; MAX_CONNECTIONS],
    seq: u64,
    /// State of the SID generator (xorshift; deterministic, so runs repeat exactly).
    random: u32,
}

const NO_MSG: Msg = Msg {
    state: MsgState::Free,
    server: 0,
    client: 0,
    invoke: 0,
    words: [0; 5],
};

static IPC: Global<Ipc> = Global::new(Ipc {
    servers: [Server {
        sid: [0; 4],
        active: false,
    }; MAX_SERVERS],
    messages: [NO_MSG; MAX_MESSAGES],
    connections: [None; MAX_CONNECTIONS],
    seq: 0,
    random: 0x2545_f491,
});

#[track_caller]
fn ipc() -> Borrowed<'static, Ipc> {
    IPC.borrow()
}

fn sid_of(words: [usize; 4]) -> [u32; 4] {
    words.map(|w| w as u32)
}

/// A fresh pseudo-random word (server ids, name-server tokens).
pub fn random_word() -> u32 {
    let r = &mut ipc().random;
    *r ^= *r << 13;
    *r ^= *r >> 17;
    *r ^= *r << 5;
    *r
}

/// A fresh server id.
pub fn new_sid() -> [u32; 4] {
    [random_word(), random_word(), random_word(), random_word()]
}

fn find_server(sid: [u32; 4]) -> Option<usize> {
    ipc().servers.iter().position(|s| s.active && s.sid == sid)
}

/// Whether a server with this SID exists (the name server's lookups need it).
pub fn server_exists(sid: [u32; 4]) -> bool {
    find_server(sid).is_some()
}

/// `CreateServerWithAddress` (`Some(sid)`) or `CreateServer` (a fresh SID): answers
/// the SID and a connection to it.
pub fn create_server(sid: Option<[usize; 4]>) -> Outcome {
    let sid = match sid {
        Some(words) => sid_of(words),
        None => new_sid(),
    };
    // Xous does not check that an address is free (the name server keeps names unique):
    // connections go to the first server with the address, a service's before a program's.
    let Some(slot) = ipc().servers.iter().position(|s| !s.active) else {
        return Outcome::Reply(error(XousError::OutOfMemory));
    };
    ipc().servers[slot] = Server { sid, active: true };
    // Whoever waited for this server (Connect, BlockingConnect) tries again.
    sched::retry_all();
    match connection_to(slot) {
        Ok(cid) => Outcome::Reply(Reply::new(&[
            NEW_SERVER_ID,
            sid[0] as usize,
            sid[1] as usize,
            sid[2] as usize,
            sid[3] as usize,
            cid,
        ])),
        Err(e) => Outcome::Reply(error(e)),
    }
}

/// `CreateServerId`: a fresh SID, no server.
pub fn create_server_id() -> Outcome {
    let sid = new_sid();
    Outcome::Reply(Reply::new(&[
        SERVER_ID,
        sid[0] as usize,
        sid[1] as usize,
        sid[2] as usize,
        sid[3] as usize,
    ]))
}

fn connection_to(slot: usize) -> Result<usize, XousError> {
    let conns = &mut ipc().connections;
    if let Some(i) = conns.iter().position(|c| *c == Some(slot)) {
        return Ok(FIRST_CID + i);
    }
    let i = conns
        .iter()
        .position(|c| c.is_none())
        .ok_or(XousError::OutOfMemory)?;
    conns[i] = Some(slot);
    Ok(FIRST_CID + i)
}

/// A connection to the server with `sid`, made or found (the name server's lookups).
pub fn connect_sid(sid: [u32; 4]) -> Result<usize, XousError> {
    let slot = find_server(sid).ok_or(XousError::ServerNotFound)?;
    connection_to(slot)
}

/// `Connect` (waits until the server exists, as on Xous) and `TryConnect`.
pub fn connect(sid: [usize; 4], wait: bool) -> Outcome {
    match connect_sid(sid_of(sid)) {
        Ok(cid) => Outcome::Reply(Reply::new(&[CONNECTION_ID, cid])),
        Err(XousError::ServerNotFound) if wait => {
            sched::block_for_retry();
            Outcome::Blocked
        }
        Err(e) => Outcome::Reply(error(e)),
    }
}

fn server_of(cid: usize) -> Option<usize> {
    let i = cid.checked_sub(FIRST_CID)?;
    let slot = (*ipc().connections.get(i)?)?;
    ipc().servers[slot].active.then_some(slot)
}

/// `Disconnect`: the CID no longer leads anywhere, until the program connects again.
pub fn disconnect(cid: usize) -> Outcome {
    if crate::services::is_service(cid) {
        crate::services::disconnect(cid);
        return Outcome::Reply(Reply::new(&[OK]));
    }
    let mut ipc = ipc();
    match cid
        .checked_sub(FIRST_CID)
        .and_then(|i| ipc.connections.get_mut(i))
    {
        Some(c @ Some(_)) => {
            *c = None;
            Outcome::Reply(Reply::new(&[OK]))
        }
        _ => Outcome::Reply(error(XousError::ServerNotFound)),
    }
}

fn is_blocking(invoke: usize) -> bool {
    matches!(invoke, LEND | LEND_MUT | BLOCKING_SCALAR)
}

fn is_memory(invoke: usize) -> bool {
    matches!(invoke, LEND | LEND_MUT | MOVE)
}

fn sender_of(slot: usize, msg: usize) -> usize {
    PID << 24 | slot << 8 | msg
}

/// The message slot a `MessageSender` names, if it is a message of a live server.
fn message_of(sender: usize) -> Option<usize> {
    let (slot, msg) = ((sender >> 8) & 0xffff, sender & 0xff);
    if sender >> 24 != PID || slot >= MAX_SERVERS || msg >= MAX_MESSAGES {
        return None;
    }
    let m = &ipc().messages[msg];
    (m.state == MsgState::Delivered && m.server == slot).then_some(msg)
}

/// The `MessageEnvelope` result of message slot `i` (kinds 0..4 as the `xous` crate
/// numbers them: lend-mut, lend, move, scalar, blocking scalar).
fn envelope(i: usize) -> [usize; 8] {
    let m = &ipc().messages[i];
    let w = m.words;
    [
        MESSAGE_ENVELOPE,
        sender_of(m.server, i),
        m.invoke - 1,
        w[0],
        w[1],
        w[2],
        w[3],
        w[4],
    ]
}

/// Hands message `i` to a server thread as its result: blocking kinds stay until the
/// reply, the others are done.
fn deliver(i: usize) -> [usize; 8] {
    let env = envelope(i);
    let m = &mut ipc().messages[i];
    m.state = if is_blocking(m.invoke) {
        MsgState::Delivered
    } else {
        MsgState::Free
    };
    if m.state == MsgState::Free {
        sched::retry_all();
    }
    env
}

/// `SendMessage`/`TrySendMessage` to a user server: `[cid, invoke, id, a1..a4]`.
pub fn send(m: [usize; 7], try_send: bool) -> Outcome {
    let [cid, invoke, ..] = m;
    let Some(slot) = server_of(cid) else {
        return Outcome::Reply(error(XousError::ServerNotFound));
    };
    if !(LEND_MUT..=BLOCKING_SCALAR).contains(&invoke) {
        return Outcome::Reply(error(XousError::InvalidSyscall));
    }
    if is_memory(invoke) {
        if !m[3].is_multiple_of(memory::PAGE) || !m[4].is_multiple_of(memory::PAGE) {
            return Outcome::Reply(error(XousError::BadAlignment));
        }
        if let Err(e) = memory::check_message_buffer(m[3], m[4]) {
            return Outcome::Reply(error(e));
        }
    }
    let mut ipc = ipc();
    let Some(i) = ipc.messages.iter().position(|x| x.state == MsgState::Free) else {
        if try_send {
            return Outcome::Reply(error(XousError::ServerQueueFull));
        }
        // SendMessage on a full queue waits for room, as on Xous.
        sched::block_for_retry();
        return Outcome::Blocked;
    };
    ipc.seq += 1;
    ipc.messages[i] = Msg {
        state: MsgState::Queued(ipc.seq),
        server: slot,
        client: sched::current_index(),
        invoke,
        words: [m[2], m[3], m[4], m[5], m[6]],
    };
    drop(ipc);
    if let Some(receiver) = sched::oldest_waiter(Wait::Receive(slot)) {
        let env = deliver(i);
        sched::wake(receiver, &env);
    }
    if is_blocking(invoke) {
        sched::block(Wait::Reply(i), None);
        Outcome::Blocked
    } else {
        Outcome::Reply(Reply::new(&[OK]))
    }
}

fn next_queued(slot: usize) -> Option<usize> {
    let msgs = &ipc().messages;
    (0..MAX_MESSAGES)
        .filter_map(|i| match msgs[i].state {
            MsgState::Queued(seq) if msgs[i].server == slot => Some((seq, i)),
            _ => None,
        })
        .min()
        .map(|(_, i)| i)
}

/// `ReceiveMessage` (waits for a message) and `TryReceiveMessage` (answers `None`).
pub fn receive(sid: [usize; 4], wait: bool) -> Outcome {
    let Some(slot) = find_server(sid_of(sid)) else {
        return Outcome::Reply(error(XousError::ServerNotFound));
    };
    receive_on(slot, wait)
}

fn receive_on(slot: usize, wait: bool) -> Outcome {
    match next_queued(slot) {
        Some(i) => Outcome::Reply(Reply::new(&deliver(i))),
        None if wait => {
            sched::block(Wait::Receive(slot), None);
            Outcome::Blocked
        }
        None => Outcome::Reply(Reply::new(&[NONE])),
    }
}

/// Ends message `i` with `reply` to its waiting client.
fn answer(i: usize, reply: &[usize]) {
    let client = ipc().messages[i].client;
    ipc().messages[i].state = MsgState::Free;
    sched::wake(client, reply);
    sched::retry_all();
}

/// `ReturnScalar1/2/5`: `reply` is the client's result (kind and values).
pub fn return_scalar(sender: usize, reply: &[usize]) -> Outcome {
    match message_of(sender) {
        Some(i) if ipc().messages[i].invoke == BLOCKING_SCALAR => {
            answer(i, reply);
            Outcome::Reply(Reply::new(&[OK]))
        }
        // A reply of the wrong kind, or to a message already answered.
        _ => Outcome::Reply(error(XousError::DoubleFree)),
    }
}

/// `ReturnMemory`: the lent buffer goes back with `offset` and `valid`.
pub fn return_memory(sender: usize, offset: usize, valid: usize) -> Outcome {
    match message_of(sender) {
        Some(i) if matches!(ipc().messages[i].invoke, LEND | LEND_MUT) => {
            answer(i, &[MEMORY_RETURNED, offset, valid]);
            Outcome::Reply(Reply::new(&[OK]))
        }
        _ => Outcome::Reply(error(XousError::DoubleFree)),
    }
}

/// `ReplyAndReceiveNext`: `[sender, a0..a4, return type]`. A memory message gets
/// `MemoryReturned(a3, a4)`; a scalar `Scalar1(a1)` (type 1), `Scalar2(a1, a2)` (type 2)
/// or `Scalar5(a0..a4)`; then the server thread receives the next message.
pub fn reply_and_receive_next(args: [usize; 7]) -> Outcome {
    let [sender, a0, a1, a2, a3, a4, kind] = args;
    let Some(i) = message_of(sender) else {
        return Outcome::Reply(error(XousError::DoubleFree));
    };
    let slot = ipc().messages[i].server;
    if is_memory(ipc().messages[i].invoke) {
        answer(i, &[MEMORY_RETURNED, a3, a4]);
    } else {
        match kind {
            1 => answer(i, &[SCALAR1, a1]),
            2 => answer(i, &[SCALAR2, a1, a2]),
            _ => answer(i, &[SCALAR5, a0, a1, a2, a3, a4]),
        }
    }
    receive_on(slot, true)
}

/// `DestroyServer`: refused with `ServerQueueFull` while the server holds a message it
/// has not answered, as on Xous. Otherwise every client still waiting in its queue and
/// every thread receiving on it gets `ServerNotFound`; its connections are gone.
pub fn destroy_server(sid: [usize; 4]) -> Outcome {
    let Some(slot) = find_server(sid_of(sid)) else {
        return Outcome::Reply(error(XousError::ServerNotFound));
    };
    let held = |m: &Msg| m.server == slot && m.state == MsgState::Delivered;
    if ipc().messages.iter().any(held) {
        return Outcome::Reply(error(XousError::ServerQueueFull));
    }
    let gone = &[ERROR, XousError::ServerNotFound as usize];
    for i in 0..MAX_MESSAGES {
        let m = ipc().messages[i];
        if m.state != MsgState::Free && m.server == slot {
            ipc().messages[i].state = MsgState::Free;
            if is_blocking(m.invoke) {
                sched::wake(m.client, gone);
            }
        }
    }
    while sched::wake_waiters(Wait::Receive(slot), 1, gone) == 1 {}
    for c in ipc().connections.iter_mut() {
        if *c == Some(slot) {
            *c = None;
        }
    }
    ipc().servers[slot].active = false;
    sched::retry_all();
    Outcome::Reply(Reply::new(&[OK]))
}
