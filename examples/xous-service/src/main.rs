//! The server side of the example service, as a xous-core service's `main.rs` is: it
//! registers its name, answers each opcode of `api` in a receive loop, and stops on
//! `Quit`. Run alone (`cargo xous run`), it also plays a client and prints the results.

use xous::Message;
use xous_service::api::{self, Opcode};
use xous_service::Service;

/// Registers the service and serves until `Quit`; returns the messages served.
fn serve() -> usize {
    let xns = xous_names::XousNames::new().unwrap();
    let sid = xns.register_name(api::SERVER_NAME, None).unwrap();
    log::info!("registered as {}", api::SERVER_NAME);
    let (mut tally, mut served) = (0, 0);
    loop {
        let mut msg = xous::receive_message(sid).unwrap();
        served += 1;
        match (Opcode::from_id(msg.body.id()), &mut msg.body) {
            (Some(Opcode::Add), Message::BlockingScalar(s)) => {
                xous::return_scalar(msg.sender, s.arg1 + s.arg2).unwrap()
            }
            (Some(Opcode::Uppercase), Message::MutableBorrow(m)) => {
                let offset = m.offset.map_or(0, |o| o.get());
                let valid = m.valid.map_or(0, |v| v.get());
                let bytes = unsafe { m.buf.as_slice_mut::<u8>() };
                bytes[offset..offset + valid].make_ascii_uppercase();
            }
            (Some(Opcode::Tally), Message::Scalar(s)) => tally += s.arg1,
            (Some(Opcode::Stats), Message::BlockingScalar(_)) => {
                xous::return_scalar2(msg.sender, tally, served).unwrap()
            }
            (Some(Opcode::Quit), Message::BlockingScalar(_)) => {
                xous::return_scalar(msg.sender, 0).unwrap();
                break;
            }
            (op, body) => log::error!("unexpected message {op:?}: {body:?}"),
        }
    }
    xns.unregister_server(sid).unwrap();
    unsafe { xous::destroy_server(sid) }.unwrap();
    log::info!("stopped after {served} messages");
    served
}

fn main() {
    log_server::init_wait().unwrap();
    log::set_max_level(log::LevelFilter::Info);
    log::info!("my PID is {}", xous::process::id());
    let tt = ticktimer_server::Ticktimer::new().unwrap();
    let start = tt.elapsed_ms();
    let server = std::thread::spawn(serve);

    let service = Service::new().unwrap();
    println!("2 + 3 = {}", service.add(2, 3).unwrap());
    println!("uppercase: {}", service.uppercase("hello, xous").unwrap());
    for n in 1..=4 {
        service.tally(n).unwrap();
    }
    tt.sleep_ms(10).unwrap();
    let (tally, served) = service.stats().unwrap();
    println!("tally {tally} after {served} messages");
    service.quit().unwrap();
    let total = server.join().unwrap();
    log::info!("done in {} ms", tt.elapsed_ms() - start);
    println!("the server handled {total} messages");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Once;

    /// One server for all the tests of this binary (the name is registered once).
    fn service() -> Service {
        static START: Once = Once::new();
        START.call_once(|| {
            log_server::init_wait().unwrap();
            std::thread::spawn(serve);
        });
        Service::new().unwrap()
    }

    #[test]
    fn adds() {
        assert_eq!(service().add(40, 2).unwrap(), 42);
    }

    #[test]
    fn uppercases_through_a_lent_page() {
        assert_eq!(service().uppercase("xous ipc").unwrap(), "XOUS IPC");
        assert_eq!(service().uppercase("").unwrap(), "");
    }

    #[test]
    fn tallies_without_waiting_then_reports() {
        let s = service();
        let (before, _) = s.stats().unwrap();
        s.tally(5).unwrap();
        s.tally(6).unwrap();
        let (after, served) = s.stats().unwrap();
        assert_eq!(after - before, 11);
        assert!(served >= 3);
    }

    #[test]
    fn a_second_registration_of_the_name_is_refused() {
        let _ = service();
        let xns = xous_names::XousNames::new().unwrap();
        assert!(xns.register_name(api::SERVER_NAME, None).is_err());
    }
}
