//! The service's published protocol: its name on the name server and its opcodes.

/// The name the server registers and clients look up.
pub const SERVER_NAME: &str = "_Xous Service Example_";

/// What a client may ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opcode {
    /// Blocking scalar: arg1 + arg2, answered with `Scalar1`.
    Add = 0,
    /// Lend-mut of a page: the `valid` bytes from `offset` are uppercased in place.
    Uppercase = 1,
    /// Scalar (does not wait): adds arg1 to the server's tally.
    Tally = 2,
    /// Blocking scalar: the tally and the messages served, answered with `Scalar2`.
    Stats = 3,
    /// Blocking scalar: the server answers, unregisters and stops.
    Quit = 4,
}

impl Opcode {
    /// The opcode a message id names, if any.
    pub fn from_id(id: usize) -> Option<Opcode> {
        [
            Opcode::Add,
            Opcode::Uppercase,
            Opcode::Tally,
            Opcode::Stats,
            Opcode::Quit,
        ]
        .into_iter()
        .find(|o| *o as usize == id)
    }
}
