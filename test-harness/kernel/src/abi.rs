//! The Xous ABI as libstd uses it, by name: syscall numbers, result kinds and error
//! codes (`library/std/src/os/xous/ffi.rs`), message kinds, and the opcodes of each
//! service this kernel answers (`library/std/src/os/xous/services/`).

/// Syscall numbers (a0 of an `ecall`).
pub mod call {
    pub const MAP_MEMORY: usize = 2;
    pub const YIELD: usize = 3;
    pub const INCREASE_HEAP: usize = 10;
    pub const UPDATE_MEMORY_FLAGS: usize = 12;
    pub const RECEIVE_MESSAGE: usize = 15;
    pub const SEND_MESSAGE: usize = 16;
    pub const CONNECT: usize = 17;
    pub const CREATE_THREAD: usize = 18;
    pub const UNMAP_MEMORY: usize = 19;
    pub const RETURN_MEMORY: usize = 20;
    pub const TERMINATE_PROCESS: usize = 22;
    pub const TRY_SEND_MESSAGE: usize = 24;
    pub const TRY_CONNECT: usize = 25;
    pub const GET_THREAD_ID: usize = 32;
    pub const JOIN_THREAD: usize = 36;
    pub const ADJUST_PROCESS_LIMIT: usize = 38;
    pub const RETURN_SCALAR: usize = 40;
}

/// Result kinds (a0 on return from a call).
pub mod result {
    pub const OK: usize = 0;
    pub const ERROR: usize = 1;
    pub const MEMORY_RANGE: usize = 3;
    pub const CONNECTION_ID: usize = 7;
    pub const THREAD_ID: usize = 10;
    pub const SCALAR1: usize = 14;
    pub const SCALAR2: usize = 15;
    pub const MEMORY_RETURNED: usize = 18;
}

/// Error codes a failed call returns in a1 (after [`result::ERROR`]).
#[derive(Clone, Copy, Debug)]
#[allow(dead_code)]
pub enum XousError {
    BadAlignment = 1,
    BadAddress = 2,
    OutOfMemory = 3,
    MemoryInUse = 4,
    ServerNotFound = 9,
    InternalError = 14,
    ThreadNotAvailable = 16,
    UnhandledSyscall = 17,
    InvalidSyscall = 18,
    AccessDenied = 23,
    InvalidLimit = 27,
}

/// Message kinds (the invoke type of `SendMessage`).
pub mod invoke {
    pub const LEND_MUT: usize = 1;
    pub const LEND: usize = 2;
    pub const MOVE: usize = 3;
    pub const SCALAR: usize = 4;
    pub const BLOCKING_SCALAR: usize = 5;
}

/// Knobs of `AdjustProcessLimit`.
pub mod limit {
    pub const HEAP_MAXIMUM: usize = 1;
    pub const HEAP_SIZE: usize = 2;
}

/// Name server opcodes (lend-mut of the name).
pub mod name_server {
    pub const BLOCKING_CONNECT: usize = 6;
    pub const TRY_CONNECT: usize = 7;
}

/// Log server opcodes.
pub mod log {
    /// Lend/move of text for stdout.
    pub const STANDARD_OUTPUT: usize = 1;
    /// Lend/move of text for stderr.
    pub const STANDARD_ERROR: usize = 2;
    /// Scalar: a panic message follows.
    pub const BEGIN_PANIC: usize = 1000;
    /// Scalar: `APPEND_PANIC_MESSAGE + n` carries n bytes packed in the argument words.
    pub const APPEND_PANIC_MESSAGE: usize = 1100;
    /// Most bytes one append carries (four words).
    pub const APPEND_PANIC_MAX: usize = 16;
}

/// Ticktimer opcodes (scalars).
pub mod ticktimer {
    pub const ELAPSED_MS: usize = 0;
    pub const SLEEP_MS: usize = 1;
    pub const LOCK_MUTEX: usize = 6;
    pub const UNLOCK_MUTEX: usize = 7;
    pub const WAIT_FOR_CONDITION: usize = 8;
    pub const NOTIFY_CONDITION: usize = 9;
    pub const FREE_MUTEX: usize = 10;
    pub const FREE_CONDITION: usize = 11;
}

/// Systime server opcodes (blocking scalars).
pub mod systime {
    pub const GET_UTC_TIME_MS: usize = 3;
}
