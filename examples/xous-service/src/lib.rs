//! The client side of the example service, as a xous-core service's `lib.rs` is: a
//! struct holding the connection, one method per opcode of [`api`].

pub mod api;

use api::Opcode;
use xous::{Message, Result as XousResult, CID};

const PAGE: usize = 4096;

/// A connection to the service.
pub struct Service {
    conn: CID,
}

impl Service {
    /// Connects through the name server, waiting until the server has registered.
    pub fn new() -> Result<Service, xous::Error> {
        let xns = xous_names::XousNames::new()?;
        let conn = xns.request_connection_blocking(api::SERVER_NAME)?;
        Ok(Service { conn })
    }

    fn ask(&self, op: Opcode, a: usize, b: usize) -> Result<XousResult, xous::Error> {
        xous::send_message(
            self.conn,
            Message::new_blocking_scalar(op as usize, a, b, 0, 0),
        )
    }

    /// `a + b`, computed by the server.
    pub fn add(&self, a: usize, b: usize) -> Result<usize, xous::Error> {
        match self.ask(Opcode::Add, a, b)? {
            XousResult::Scalar1(v) => Ok(v),
            _ => Err(xous::Error::InternalError),
        }
    }

    /// `text` uppercased by the server, through a lent page (at most 4096 bytes).
    pub fn uppercase(&self, text: &str) -> Result<String, xous::Error> {
        if text.len() > PAGE {
            return Err(xous::Error::OutOfMemory);
        }
        let mut page = xous::map_memory(
            None,
            None,
            PAGE,
            xous::MemoryFlags::R | xous::MemoryFlags::W,
        )?;
        let bytes = unsafe { page.as_slice_mut::<u8>() };
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        let msg = Message::new_lend_mut(
            Opcode::Uppercase as usize,
            page,
            None,
            xous::MemorySize::new(text.len()),
        );
        let answer = xous::send_message(self.conn, msg);
        let text =
            String::from_utf8_lossy(&unsafe { page.as_slice::<u8>() }[..text.len()]).into_owned();
        xous::unmap_memory(page)?;
        match answer? {
            XousResult::MemoryReturned(..) => Ok(text),
            _ => Err(xous::Error::InternalError),
        }
    }

    /// Adds `n` to the server's tally without waiting.
    pub fn tally(&self, n: usize) -> Result<(), xous::Error> {
        xous::send_message(
            self.conn,
            Message::new_scalar(Opcode::Tally as usize, n, 0, 0, 0),
        )
        .map(|_| ())
    }

    /// The tally and how many messages the server has handled.
    pub fn stats(&self) -> Result<(usize, usize), xous::Error> {
        match self.ask(Opcode::Stats, 0, 0)? {
            XousResult::Scalar2(tally, served) => Ok((tally, served)),
            _ => Err(xous::Error::InternalError),
        }
    }

    /// Asks the server to stop (it answers first).
    pub fn quit(&self) -> Result<(), xous::Error> {
        self.ask(Opcode::Quit, 0, 0).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::api::Opcode;

    #[test]
    fn every_opcode_maps_back_from_its_id() {
        for op in [
            Opcode::Add,
            Opcode::Uppercase,
            Opcode::Tally,
            Opcode::Stats,
            Opcode::Quit,
        ] {
            assert_eq!(Opcode::from_id(op as usize), Some(op));
        }
        assert_eq!(Opcode::from_id(99), None);
    }

    #[test]
    fn the_process_id_comes_from_the_kernel() {
        assert_ne!(xous::process::id(), 0);
    }
}
