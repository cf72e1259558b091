//! The multiplexed console: one serial line carries several streams.
//!
//! [`SWITCH`] followed by a channel byte makes that channel current; a literal
//! [`SWITCH`] byte in the data is sent twice. Bytes before the first switch belong to
//! [`INITIAL`].

/// The byte that starts a channel switch.
pub const SWITCH: u8 = 0x01;

/// One stream on the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Channel {
    /// The firmware's standard output.
    Stdout = b'1',
    /// The firmware's standard error (and panic messages).
    Stderr = b'2',
    /// Messages from the test kernel (fault reports, unimplemented calls).
    Kernel = b'k',
    /// The exit record the kernel writes last (see [`crate::exit`]).
    Exit = b'x',
}

/// The channel bytes belong to until the first switch.
pub const INITIAL: Channel = Channel::Kernel;

impl Channel {
    /// The byte that follows [`SWITCH`] to select this channel.
    pub const fn byte(self) -> u8 {
        self as u8
    }

    /// The channel a switch byte selects, if any.
    pub fn from_byte(byte: u8) -> Option<Channel> {
        [
            Channel::Stdout,
            Channel::Stderr,
            Channel::Kernel,
            Channel::Exit,
        ]
        .into_iter()
        .find(|c| c.byte() == byte)
    }
}

#[cfg(test)]
mod tests;
