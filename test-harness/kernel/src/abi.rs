//! The Xous ABI by name: the syscall numbers of the `xous` crate 0.9.x (`SysCallNumber`),
//! result kinds and error codes (`Result`, `Error` in its `definitions.rs`), message
//! kinds, and the opcodes of each service this kernel answers (the `api.rs` of
//! `xous-api-log`, `xous-api-ticktimer` and `xous-api-names`, and libstd's
//! `library/std/src/os/xous/services/`).

/// Syscall numbers (a0 of an `ecall`), `SysCallNumber` of the `xous` crate 0.9.x.
pub mod call {
    pub const MAP_MEMORY: usize = 2;
    pub const YIELD: usize = 3;
    pub const RETURN_TO_PARENT: usize = 4;
    pub const CLAIM_INTERRUPT: usize = 5;
    pub const FREE_INTERRUPT: usize = 6;
    pub const SWITCH_TO: usize = 7;
    pub const READY_THREADS: usize = 8;
    pub const WAIT_EVENT: usize = 9;
    pub const INCREASE_HEAP: usize = 10;
    pub const DECREASE_HEAP: usize = 11;
    pub const UPDATE_MEMORY_FLAGS: usize = 12;
    pub const SET_MEM_REGION: usize = 13;
    pub const CREATE_SERVER_WITH_ADDRESS: usize = 14;
    pub const RECEIVE_MESSAGE: usize = 15;
    pub const SEND_MESSAGE: usize = 16;
    pub const CONNECT: usize = 17;
    pub const CREATE_THREAD: usize = 18;
    pub const UNMAP_MEMORY: usize = 19;
    pub const RETURN_MEMORY: usize = 20;
    pub const CREATE_PROCESS: usize = 21;
    pub const TERMINATE_PROCESS: usize = 22;
    pub const SHUTDOWN: usize = 23;
    pub const TRY_SEND_MESSAGE: usize = 24;
    pub const TRY_CONNECT: usize = 25;
    pub const RETURN_SCALAR1: usize = 26;
    pub const RETURN_SCALAR2: usize = 27;
    pub const TRY_RECEIVE_MESSAGE: usize = 28;
    pub const CREATE_SERVER: usize = 29;
    pub const CONNECT_FOR_PROCESS: usize = 30;
    pub const CREATE_SERVER_ID: usize = 31;
    pub const GET_THREAD_ID: usize = 32;
    pub const GET_PROCESS_ID: usize = 33;
    pub const DESTROY_SERVER: usize = 34;
    pub const DISCONNECT: usize = 35;
    pub const JOIN_THREAD: usize = 36;
    pub const SET_EXCEPTION_HANDLER: usize = 37;
    pub const ADJUST_PROCESS_LIMIT: usize = 38;
    pub const VIRT_TO_PHYS: usize = 39;
    pub const RETURN_SCALAR5: usize = 40;
    pub const REPLY_AND_RECEIVE_NEXT: usize = 41;
    pub const VIRT_TO_PHYS_PID: usize = 42;
    pub const REGISTER_SWAPPER: usize = 43;
    pub const SWAP_OP: usize = 44;
    pub const RAW_TRNG: usize = 45;
    pub const PLATFORM_SPECIFIC: usize = 46;
}

/// Result kinds (a0 on return from a call).
#[allow(dead_code)]
pub mod result {
    pub const OK: usize = 0;
    pub const ERROR: usize = 1;
    pub const MEMORY_RANGE: usize = 3;
    pub const CONNECTION_ID: usize = 7;
    pub const NEW_SERVER_ID: usize = 8;
    pub const SERVER_ID: usize = 6;
    pub const MESSAGE_ENVELOPE: usize = 9;
    pub const THREAD_ID: usize = 10;
    pub const PROCESS_ID: usize = 11;
    pub const SCALAR1: usize = 14;
    pub const SCALAR2: usize = 15;
    pub const NONE: usize = 17;
    pub const MEMORY_RETURNED: usize = 18;
    pub const SCALAR5: usize = 20;
}

/// Error codes a failed call returns in a1 (after [`result::ERROR`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code)]
pub enum XousError {
    BadAlignment = 1,
    BadAddress = 2,
    OutOfMemory = 3,
    MemoryInUse = 4,
    InterruptNotFound = 5,
    ServerExists = 8,
    ServerNotFound = 9,
    ProcessNotFound = 10,
    InternalError = 14,
    ServerQueueFull = 15,
    ThreadNotAvailable = 16,
    UnhandledSyscall = 17,
    InvalidSyscall = 18,
    AccessDenied = 23,
    DoubleFree = 25,
    InvalidLimit = 27,
}

/// Message kinds as a sender names them (the invoke type of `SendMessage`).
pub mod invoke {
    pub const LEND_MUT: usize = 1;
    pub const LEND: usize = 2;
    pub const MOVE: usize = 3;
    pub const SCALAR: usize = 4;
    pub const BLOCKING_SCALAR: usize = 5;
}

/// The process id of the one program (PID 1 is the kernel on a real Xous); it is also
/// the top byte of every `MessageSender`.
pub const PID: usize = 2;

/// Knobs of `AdjustProcessLimit`.
pub mod limit {
    pub const HEAP_MAXIMUM: usize = 1;
    pub const HEAP_SIZE: usize = 2;
}

/// Name server opcodes (`xous-api-names` `api::Opcode`).
pub mod name_server {
    /// Lend-mut of an archived `Registration`; answers an archived `Return`.
    pub const REGISTER: usize = 0;
    /// Lend-mut of an archived `String`; answers `Return::CID` or a failure.
    pub const LOOKUP: usize = 1;
    pub const AUTHENTICATED_LOOKUP: usize = 2;
    /// Blocking scalar with the SID in the four arguments; answers 1 (done) or 0.
    pub const UNREGISTER: usize = 3;
    /// Lend-mut of an archived `Disconnect` (name and token).
    pub const DISCONNECT: usize = 4;
    /// Blocking scalar: 1 when every limited server has all its connections.
    pub const TRUSTED_INIT_DONE: usize = 5;
    /// Lend-mut of a name (length in `valid`); waits until it is registered.
    pub const BLOCKING_CONNECT: usize = 6;
    /// Like [`BLOCKING_CONNECT`] without waiting.
    pub const TRY_CONNECT: usize = 7;
}

/// Log server opcodes (`xous-api-log` `api::Opcode`).
pub mod log {
    /// Lend of a 4096-byte `LogRecord`.
    pub const LOG_RECORD: usize = 0;
    /// Lend/move of text for stdout.
    pub const STANDARD_OUTPUT: usize = 1;
    /// Lend/move of text for stderr.
    pub const STANDARD_ERROR: usize = 2;
    pub const PROGRAM_NAME: usize = 3;
    pub const TRY_HOOK_USB_MIRROR: usize = 4;
    pub const UNHOOK_USB_MIRROR: usize = 5;
    /// Scalar: a panic message follows.
    pub const BEGIN_PANIC: usize = 1000;
    /// Scalar: `APPEND_PANIC_MESSAGE + n` carries n bytes packed in the argument words.
    pub const APPEND_PANIC_MESSAGE: usize = 1100;
    /// Most bytes one append carries (four words).
    pub const APPEND_PANIC_MAX: usize = 16;
    pub const PANIC_FINISHED: usize = 1200;
    pub const ENABLE_RX: usize = 2000;
}

/// Ticktimer opcodes (`xous-api-ticktimer` `api::Opcode`).
pub mod ticktimer {
    pub const ELAPSED_MS: usize = 0;
    pub const SLEEP_MS: usize = 1;
    pub const RECALCULATE_SLEEP: usize = 2;
    pub const SUSPEND_RESUME: usize = 3;
    pub const PING_WDT: usize = 4;
    /// Lend-mut of an archived `VersionString`.
    pub const GET_VERSION: usize = 5;
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
