//! The multiplexed console on the NS16550 UART: one serial line carries several
//! streams, encoded as [`xous_test_protocol::console`] says (the host's demultiplexer is
//! `test_harness::console`).

use crate::global::Global;
use core::fmt;
use xous_test_protocol::console::SWITCH;

pub use xous_test_protocol::console::Channel;

const UART_BASE: usize = 0x1000_0000;
const THR: usize = 0;
const IER: usize = 1;
const FCR: usize = 2;
const LCR: usize = 3;
const LSR: usize = 5;
const LSR_THR_EMPTY: u8 = 1 << 5;

/// The channel last switched to (none yet: the first write always switches).
static CURRENT: Global<Option<Channel>> = Global::new(None);

fn reg(offset: usize) -> *mut u8 {
    (UART_BASE + offset) as *mut u8
}

/// Puts the UART in 8N1 mode with FIFOs on and interrupts off.
pub fn init() {
    unsafe {
        reg(IER).write_volatile(0);
        reg(LCR).write_volatile(0x03);
        reg(FCR).write_volatile(0x07);
    }
}

fn put_raw(byte: u8) {
    unsafe {
        while reg(LSR).read_volatile() & LSR_THR_EMPTY == 0 {}
        reg(THR).write_volatile(byte);
    }
}

/// Writes `bytes` on `channel`.
pub fn write(channel: Channel, bytes: &[u8]) {
    let mut current = CURRENT.borrow();
    if *current != Some(channel) {
        *current = Some(channel);
        put_raw(SWITCH);
        put_raw(channel.byte());
    }
    for &b in bytes {
        if b == SWITCH {
            put_raw(SWITCH);
        }
        put_raw(b);
    }
}

/// `fmt::Write` adapter for one channel.
pub struct Writer(pub Channel);

impl fmt::Write for Writer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write(self.0, s.as_bytes());
        Ok(())
    }
}

/// Prints a line on the kernel channel.
macro_rules! kprintln {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        let _ = writeln!($crate::console::Writer($crate::console::Channel::Kernel), $($arg)*);
    }};
}
pub(crate) use kprintln;
