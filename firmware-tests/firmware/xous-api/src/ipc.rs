//! User servers: a thread with a receive loop, every message kind, memory messages with
//! `offset` and `valid`, `ReplyAndReceiveNext`, and what clients see when a server goes.

use std::time::Duration;
use xous::{MemoryRange, Message, MessageEnvelope, Result as XResult, SID};

const PAGE: usize = 4096;

/// Opcodes of the test server.
const COUNT: usize = 1;
const ADD: usize = 2;
const PAIR: usize = 3;
const FIVE: usize = 4;
const UPPERCASE: usize = 5;
const SUM: usize = 6;
const TAKE: usize = 7;
const TOTAL: usize = 8;

/// A receive loop answering each message kind; returns when the server is destroyed.
fn serve(sid: SID) {
    let mut counted = 0;
    let mut taken = 0;
    loop {
        let mut msg: MessageEnvelope = match xous::receive_message(sid) {
            Ok(m) => m,
            Err(_) => return,
        };
        let id = msg.body.id();
        match &mut msg.body {
            Message::Scalar(s) if id == COUNT => counted += s.arg1,
            Message::BlockingScalar(s) => match id {
                ADD => xous::return_scalar(msg.sender, s.arg1 + s.arg2).unwrap(),
                PAIR => xous::return_scalar2(msg.sender, s.arg2, s.arg1).unwrap(),
                FIVE => xous::return_scalar5(msg.sender, 1, 2, 3, 4, s.arg4).unwrap(),
                TOTAL => xous::return_scalar2(msg.sender, counted, taken).unwrap(),
                _ => panic!("unexpected blocking scalar {id}"),
            },
            Message::MutableBorrow(m) if id == UPPERCASE => {
                let offset = m.offset.map_or(0, |o| o.get());
                let valid = m.valid.map_or(0, |v| v.get());
                let bytes = unsafe { m.buf.as_slice_mut::<u8>() };
                bytes[offset..offset + valid].make_ascii_uppercase();
                // Tell the client where the answer is: one byte further, one shorter.
                m.offset = xous::MemoryAddress::new(offset + 1);
                m.valid = xous::MemorySize::new(valid - 1);
            }
            Message::Borrow(m) if id == SUM => {
                let bytes = unsafe { m.buf.as_slice::<u8>() };
                let sum: usize = bytes.iter().map(|&b| b as usize).sum();
                m.valid = xous::MemorySize::new(sum);
            }
            Message::Move(m) if id == TAKE => {
                let bytes = unsafe { m.buf.as_slice::<u8>() };
                taken += bytes[..m.valid.map_or(0, |v| v.get())]
                    .iter()
                    .map(|&b| b as usize)
                    .sum::<usize>();
            }
            _ => panic!("unexpected message {:?}", msg.body),
        }
        // Dropping the envelope returns lent memory (with the offset and valid set
        // above) and unmaps moved memory, as on Xous.
    }
}

fn start_server() -> (SID, xous::CID) {
    let sid = xous::create_server().unwrap();
    std::thread::spawn(move || serve(sid));
    let cid = xous::connect(sid).unwrap();
    (sid, cid)
}

fn page() -> MemoryRange {
    xous::map_memory(
        None,
        None,
        PAGE,
        xous::MemoryFlags::R | xous::MemoryFlags::W,
    )
    .unwrap()
}

pub fn server_answers_every_message_kind() {
    let (_, cid) = start_server();
    for n in 1..=3 {
        assert_eq!(
            xous::send_message(cid, Message::new_scalar(COUNT, n, 0, 0, 0)).unwrap(),
            XResult::Ok
        );
    }
    let add = xous::send_message(cid, Message::new_blocking_scalar(ADD, 40, 2, 0, 0));
    assert_eq!(add.unwrap(), XResult::Scalar1(42));
    let pair = xous::try_send_message(cid, Message::new_blocking_scalar(PAIR, 1, 2, 0, 0));
    assert_eq!(pair.unwrap(), XResult::Scalar2(2, 1));
    let five = xous::send_message(cid, Message::new_blocking_scalar(FIVE, 0, 0, 0, 5));
    assert_eq!(five.unwrap(), XResult::Scalar5(1, 2, 3, 4, 5));
    let mut buf = page();
    unsafe { buf.as_slice_mut::<u8>()[..4].copy_from_slice(&[1, 2, 3, 4]) };
    let sum = xous::send_message(cid, Message::new_lend(SUM, buf, None, None)).unwrap();
    assert_eq!(
        sum,
        XResult::MemoryReturned(None, xous::MemorySize::new(10))
    );
    let total = xous::send_message(cid, Message::new_blocking_scalar(TOTAL, 0, 0, 0, 0));
    assert_eq!(total.unwrap(), XResult::Scalar2(6, 0));
    xous::unmap_memory(buf).unwrap();
}

pub fn lend_mut_round_trips_with_offsets() {
    let (_, cid) = start_server();
    let mut buf = xous::map_memory(
        None,
        None,
        2 * PAGE,
        xous::MemoryFlags::R | xous::MemoryFlags::W,
    )
    .unwrap();
    for (offset, text) in [
        (0, "hello"),
        (100, "xous server"),
        (PAGE + 7, "second page"),
    ] {
        let bytes = unsafe { buf.as_slice_mut::<u8>() };
        bytes[offset..offset + text.len()].copy_from_slice(text.as_bytes());
        let r = xous::send_message(
            cid,
            Message::new_lend_mut(
                UPPERCASE,
                buf,
                xous::MemoryAddress::new(offset),
                xous::MemorySize::new(text.len()),
            ),
        )
        .unwrap();
        let XResult::MemoryReturned(o, v) = r else {
            panic!("{r:?}")
        };
        let (o, v) = (o.map_or(0, |o| o.get()), v.map_or(0, |v| v.get()));
        assert_eq!((o, v), (offset + 1, text.len() - 1));
        let bytes = unsafe { buf.as_slice::<u8>() };
        assert_eq!(
            &bytes[offset..offset + text.len()],
            text.to_ascii_uppercase().as_bytes()
        );
    }
    // A buffer that is not whole pages is refused before it reaches the server.
    let odd = unsafe { MemoryRange::new(buf.as_ptr() as usize + 8, PAGE) }.unwrap();
    assert_eq!(
        xous::send_message(cid, Message::new_lend_mut(UPPERCASE, odd, None, None)).unwrap_err(),
        xous::Error::BadAlignment
    );
}

pub fn move_gives_the_page_to_the_server() {
    let (_, cid) = start_server();
    let mut buf = page();
    unsafe { buf.as_slice_mut::<u8>()[..3].copy_from_slice(&[10, 20, 30]) };
    let msg = Message::Move(xous::MemoryMessage {
        id: TAKE,
        buf,
        offset: None,
        valid: xous::MemorySize::new(3),
    });
    assert_eq!(xous::send_message(cid, msg).unwrap(), XResult::Ok);
    let total = xous::send_message(cid, Message::new_blocking_scalar(TOTAL, 0, 0, 0, 0));
    assert_eq!(total.unwrap(), XResult::Scalar2(0, 60));
    // The server unmapped the page it was given (dropping the message); on Xous unmapping
    // it again is no error, so there is nothing more the client can observe.
}

pub fn reply_and_receive_next() {
    let sid = xous::create_server().unwrap();
    let server = std::thread::spawn(move || {
        let mut msg = None;
        let mut kind = 1;
        for _ in 0..4 {
            xous::reply_and_receive_next_legacy(sid, &mut msg, &mut kind).unwrap();
            let m = msg.as_mut().unwrap();
            if let Some(s) = m.body.scalar_message_mut() {
                // Answer with Scalar1(arg1 * 2) on the next call.
                s.arg1 *= 2;
                kind = 1;
            }
        }
        // The fourth message is answered by dropping it (lend: memory goes back).
        drop(msg);
    });
    let cid = xous::connect(sid).unwrap();
    for n in 1..=3 {
        let r = xous::send_message(cid, Message::new_blocking_scalar(0, n, 0, 0, 0)).unwrap();
        assert_eq!(r, XResult::Scalar1(2 * n));
    }
    let buf = page();
    let r = xous::send_message(cid, Message::new_lend(0, buf, None, None)).unwrap();
    assert!(matches!(r, XResult::MemoryReturned(..)), "{r:?}");
    server.join().unwrap();
}

pub fn try_receive_and_try_connect() {
    let sid = xous::create_server().unwrap();
    assert!(xous::try_receive_message(sid).unwrap().is_none());
    let cid = xous::try_connect(sid).unwrap();
    assert_eq!(
        xous::connect(sid).unwrap(),
        cid,
        "one connection per server"
    );
    xous::send_message(cid, Message::new_scalar(5, 6, 7, 8, 9)).unwrap();
    let msg = xous::try_receive_message(sid)
        .unwrap()
        .expect("the queued message");
    assert_eq!(msg.body, Message::new_scalar(5, 6, 7, 8, 9));
    assert_eq!(
        msg.sender.pid().map(|p| p.get() as u32),
        Some(xous::process::id())
    );
    let unknown = SID::from_bytes(b"no-such-server!!").unwrap();
    assert_eq!(
        xous::try_connect(unknown).unwrap_err(),
        xous::Error::ServerNotFound
    );
    // The kernel does not keep addresses unique (the name server keeps names unique):
    // a second server at the ticktimer's address is made, and connections still go to
    // the first, the ticktimer.
    let twin = xous::create_server_with_address(b"ticktimer-server").unwrap();
    assert_eq!(twin, SID::from_bytes(b"ticktimer-server").unwrap());
    std::thread::sleep(Duration::from_millis(1));
    let named = xous::create_server_with_address(b"my-test-server!!").unwrap();
    assert_eq!(named, SID::from_bytes(b"my-test-server!!").unwrap());
    let id = xous::create_server_id().unwrap();
    assert_ne!(id, xous::create_server_id().unwrap());
}

pub fn connect_waits_for_the_server() {
    let sid = xous::create_server_id().unwrap();
    let client = std::thread::spawn(move || {
        let cid = xous::connect(sid).unwrap();
        xous::send_message(cid, Message::new_blocking_scalar(ADD, 1, 2, 0, 0)).unwrap()
    });
    std::thread::sleep(Duration::from_millis(20));
    xous::create_server_with_sid(sid).unwrap();
    std::thread::spawn(move || serve(sid));
    assert_eq!(client.join().unwrap(), XResult::Scalar1(3));
}

pub fn destroyed_server_fails_waiting_clients() {
    let sid = xous::create_server().unwrap();
    let cid = xous::connect(sid).unwrap();
    let clients: Vec<_> = (0..2)
        .map(|n| {
            std::thread::spawn(move || {
                xous::send_message(cid, Message::new_blocking_scalar(ADD, n, 0, 0, 0))
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(20));
    // While the server holds a message it has not answered, it cannot be destroyed.
    let held = xous::receive_message(sid).unwrap();
    assert_eq!(
        unsafe { xous::destroy_server(sid) }.unwrap_err(),
        xous::Error::ServerQueueFull
    );
    xous::return_scalar(held.sender, 7).unwrap();
    drop(held);
    // Now it can: the client still queued gets ServerNotFound, the answered one its 7.
    unsafe { xous::destroy_server(sid) }.unwrap();
    let mut results: Vec<_> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    results.sort_by_key(|r| r.is_err());
    assert_eq!(
        results,
        [Ok(XResult::Scalar1(7)), Err(xous::Error::ServerNotFound)]
    );
    assert_eq!(
        xous::send_message(cid, Message::new_scalar(COUNT, 1, 0, 0, 0)).unwrap_err(),
        xous::Error::ServerNotFound
    );
    assert_eq!(
        unsafe { xous::destroy_server(sid) }.unwrap_err(),
        xous::Error::ServerNotFound
    );
}

pub fn disconnect_and_double_reply() {
    let sid = xous::create_server().unwrap();
    let cid = xous::connect(sid).unwrap();
    let client = std::thread::spawn(move || {
        xous::send_message(cid, Message::new_blocking_scalar(ADD, 2, 2, 0, 0)).unwrap()
    });
    let msg = xous::receive_message(sid).unwrap();
    xous::return_scalar(msg.sender, 4).unwrap();
    assert_eq!(client.join().unwrap(), XResult::Scalar1(4));
    assert_eq!(
        xous::return_scalar(msg.sender, 4).unwrap_err(),
        xous::Error::DoubleFree
    );
    unsafe { xous::disconnect(cid) }.unwrap();
    assert_eq!(
        xous::send_message(cid, Message::new_scalar(COUNT, 1, 0, 0, 0)).unwrap_err(),
        xous::Error::ServerNotFound
    );
}
