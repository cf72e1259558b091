//! The base services through their API crates: the log server (`log_server`), the
//! ticktimer (`ticktimer_server::Ticktimer`) and the name server (`xous_names::XousNames`).

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use ticktimer_server::Ticktimer;
use xous_names::XousNames;

/// Every `log` level through the log server; the host test reads them on stderr.
pub fn log_records_at_each_level() {
    log_server::init_wait().unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    log::error!("an error {}", 1);
    log::warn!("a warning {}", 2);
    log::info!("some info {}", 3);
    log::debug!("a debug line {}", 4);
    log::trace!("a trace line {}", 5);
    // A record longer than one console line, and non-ASCII text.
    log::info!("ünïcødé {}", "x".repeat(300));
}

/// std's stdout and stderr, which go to the log server as StandardOutput/StandardError.
pub fn log_standard_output_and_error() {
    println!("to stdout");
    eprintln!("to stderr");
}

pub fn ticktimer_elapsed_ms() {
    let tt = Ticktimer::new().unwrap();
    let a = tt.elapsed_ms();
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_millis(5) {}
    let b = tt.elapsed_ms();
    assert!(b >= a + 5, "elapsed_ms went from {a} to {b} over 5 ms");
}

pub fn ticktimer_sleep_ms() {
    let tt = Ticktimer::new().unwrap();
    let a = tt.elapsed_ms();
    tt.sleep_ms(50).unwrap();
    let b = tt.elapsed_ms();
    assert!((50..60).contains(&(b - a)), "slept {} ms for 50", b - a);
    tt.sleep_ms(0).unwrap();
    tt.ping_wdt();
}

pub fn ticktimer_get_version() {
    let tt = Ticktimer::new().unwrap();
    let v = tt.get_version();
    // xous-core's ticktimer answers with its `git describe` (and the build time, or
    // `omitted`): `v0.10.0-33-g73c094632\nomitted`.
    assert!(v.starts_with("v0."), "version `{v}`");
}

/// The ticktimer's mutex rendezvous driven by the API crate: a mutex starts locked,
/// an unlock before the lock lets the lock through, and a waiting locker is woken.
pub fn ticktimer_mutex() {
    let tt = Ticktimer::new().unwrap();
    let cookie = 0x1234_5678;
    tt.unlock_mutex(cookie);
    tt.lock_mutex(cookie);
    let locked = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let l = locked.clone();
    let waiter = std::thread::spawn(move || {
        let tt = Ticktimer::new().unwrap();
        tt.lock_mutex(cookie);
        l.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    tt.sleep_ms(20).unwrap();
    assert!(
        !locked.load(std::sync::atomic::Ordering::SeqCst),
        "locked twice"
    );
    tt.unlock_mutex(cookie);
    waiter.join().unwrap();
    assert!(locked.load(std::sync::atomic::Ordering::SeqCst));
}

/// std's Condvar (the ticktimer's WaitForCondition/NotifyCondition) and the API
/// crate's notify with nobody waiting.
pub fn ticktimer_condvar() {
    let pair = Arc::new((Mutex::new(0u32), Condvar::new()));
    let p = pair.clone();
    let t = std::thread::spawn(move || {
        for _ in 0..10 {
            let mut n = p.0.lock().unwrap();
            *n += 1;
            p.1.notify_one();
        }
    });
    let mut n = pair.0.lock().unwrap();
    while *n < 10 {
        n = pair.1.wait(n).unwrap();
    }
    drop(n);
    t.join().unwrap();
    let (_guard, timeout) = pair
        .1
        .wait_timeout(pair.0.lock().unwrap(), Duration::from_millis(30))
        .unwrap();
    assert!(timeout.timed_out());
    Ticktimer::new().unwrap().notify_condition(0x42, 1);
}

/// A server thread registered by name answering blocking scalars.
fn spawn_named_server(name: &str, limit: Option<u32>) -> xous::SID {
    let xns = XousNames::new().unwrap();
    let sid = xns.register_name(name, limit).unwrap();
    std::thread::spawn(move || loop {
        let msg = xous::receive_message(sid).unwrap();
        if let xous::Message::BlockingScalar(s) = &msg.body {
            xous::return_scalar(msg.sender, s.arg1 + 1).unwrap();
        }
    });
    sid
}

fn ask(cid: xous::CID, n: usize) -> usize {
    match xous::send_message(cid, xous::Message::new_blocking_scalar(0, n, 0, 0, 0)).unwrap() {
        xous::Result::Scalar1(v) => v,
        other => panic!("unexpected answer {other:?}"),
    }
}

pub fn names_register_and_lookup() {
    spawn_named_server("_Conformance Server_", None);
    let xns = XousNames::new().unwrap();
    let cid = xns.request_connection("_Conformance Server_").unwrap();
    assert_eq!(ask(cid, 41), 42);
    // A second lookup of an unlimited server gives the same connection.
    assert_eq!(xns.request_connection("_Conformance Server_").unwrap(), cid);
    let (cid2, token) = xns
        .request_connection_with_token("_Conformance Server_")
        .unwrap();
    // Every name has a disconnect token, handed out with each connection.
    assert_eq!(cid2, cid);
    assert!(token.is_some());
    assert_eq!(
        xns.request_connection("_Nobody_").unwrap_err(),
        xous::Error::ServerNotFound
    );
    assert_eq!(
        xns.request_connection_blocking("_Conformance Server_")
            .unwrap(),
        cid
    );
}

pub fn names_connection_limit_refused() {
    spawn_named_server("_Limited_", Some(2));
    let xns = XousNames::new().unwrap();
    let a = xns.request_connection("_Limited_").unwrap();
    let b = xns.request_connection("_Limited_").unwrap();
    assert_eq!(a, b);
    assert_eq!(ask(a, 1), 2);
    assert_eq!(
        xns.request_connection("_Limited_").unwrap_err(),
        xous::Error::ServerNotFound
    );
    assert!(xns.trusted_init_done().unwrap());
}

pub fn names_token_disconnect() {
    spawn_named_server("_Single_", Some(1));
    let xns = XousNames::new().unwrap();
    assert!(!xns.trusted_init_done().unwrap());
    let (cid, token) = xns.request_connection_with_token("_Single_").unwrap();
    let token = token.expect("a one-connection server hands out a token");
    assert_eq!(ask(cid, 9), 10);
    assert!(xns.request_connection("_Single_").is_err());
    assert_eq!(
        xns.disconnect_with_token("_Single_", [0, 0, 0, 0])
            .unwrap_err(),
        xous::Error::ServerNotFound
    );
    xns.disconnect_with_token("_Single_", token).unwrap();
    // The token was good once; the connection may be made again, with a new token.
    assert!(xns.disconnect_with_token("_Single_", token).is_err());
    let (_, token2) = xns.request_connection_with_token("_Single_").unwrap();
    assert!(token2.is_some() && token2 != Some(token));
}

pub fn names_blocking_connect_waits_for_registration() {
    let client = std::thread::spawn(|| {
        let xns = XousNames::new().unwrap();
        let cid = xns.request_connection_blocking("_Late Server_").unwrap();
        ask(cid, 99)
    });
    Ticktimer::new().unwrap().sleep_ms(20).unwrap();
    spawn_named_server("_Late Server_", None);
    assert_eq!(client.join().unwrap(), 100);
}

pub fn names_duplicate_and_unregister() {
    let sid = spawn_named_server("_Twice_", None);
    let xns = XousNames::new().unwrap();
    assert_eq!(
        xns.register_name("_Twice_", None).unwrap_err(),
        xous::Error::InternalError
    );
    xns.unregister_server(sid).unwrap();
    assert_eq!(
        xns.unregister_server(sid).unwrap_err(),
        xous::Error::ServerNotFound
    );
    assert!(xns.request_connection("_Twice_").is_err());
}
