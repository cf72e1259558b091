//! The multiplexed console on the NS16550 UART.
//!
//! One serial line carries several streams. `0x01` followed by a channel byte switches
//! the current stream; a literal `0x01` in the data is sent as `0x01 0x01`. Channels:
//! `1` firmware stdout, `2` firmware stderr, `k` kernel messages, `x` the exit record
//! (one line of `key=value` pairs). The host's demultiplexer is `test_harness::console`.

use core::fmt;

const UART_BASE: usize = 0x1000_0000;
const THR: usize = 0;
const IER: usize = 1;
const FCR: usize = 2;
const LCR: usize = 3;
const LSR: usize = 5;
const LSR_THR_EMPTY: u8 = 1 << 5;

/// Marker byte that starts a channel switch.
const SWITCH: u8 = 0x01;

/// A stream on the console.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Stdout = b'1' as isize,
    Stderr = b'2' as isize,
    Kernel = b'k' as isize,
    Exit = b'x' as isize,
}

static mut CURRENT: u8 = 0;

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
    unsafe {
        if CURRENT != channel as u8 {
            CURRENT = channel as u8;
            put_raw(SWITCH);
            put_raw(channel as u8);
        }
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
