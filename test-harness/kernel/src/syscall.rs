//! The Xous syscall ABI as libstd uses it (`library/std/src/os/xous/ffi.rs`): the call
//! number in a0, arguments in a1..a7, a result kind in a0 and values in a1.. on return.

use crate::console::kprintln;
use crate::sched::{self, Context, A0};
use crate::{exit, memory, services};

// Result kinds (a0 on return).
pub const OK: usize = 0;
pub const ERROR: usize = 1;
pub const MEMORY_RANGE: usize = 3;
pub const CONNECTION_ID: usize = 7;
pub const THREAD_ID: usize = 10;
pub const SCALAR1: usize = 14;
pub const SCALAR2: usize = 15;
pub const MEMORY_RETURNED: usize = 18;

/// Error codes a failed call returns in a1.
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

/// What a call answers: reply now, or the thread waits and is answered later.
pub enum Outcome {
    Reply(Reply),
    Blocked,
    /// Reply, then let another thread run (Yield).
    Yield,
}

/// Registers a0.. of a reply (unused ones are zeroed).
pub struct Reply([usize; 6], usize);

impl Reply {
    pub fn new(values: &[usize]) -> Reply {
        let mut r = [0; 6];
        r[..values.len()].copy_from_slice(values);
        Reply(r, values.len())
    }
}

impl From<Result<Reply, XousError>> for Outcome {
    fn from(r: Result<Reply, XousError>) -> Outcome {
        match r {
            Ok(reply) => Outcome::Reply(reply),
            Err(e) => Outcome::Reply(Reply::new(&[ERROR, e as usize])),
        }
    }
}

/// Writes a reply into a0..a5 (a0 is the result kind).
pub fn set_reply(ctx: &mut Context, values: &[usize]) {
    for (i, v) in values.iter().enumerate() {
        ctx.regs[A0 + i] = *v;
    }
    for i in values.len()..6 {
        ctx.regs[A0 + i] = 0;
    }
}

const MAP_MEMORY: usize = 2;
const YIELD: usize = 3;
const INCREASE_HEAP: usize = 10;
const UPDATE_MEMORY_FLAGS: usize = 12;
const SEND_MESSAGE: usize = 16;
const CONNECT: usize = 17;
const CREATE_THREAD: usize = 18;
const UNMAP_MEMORY: usize = 19;
const TERMINATE_PROCESS: usize = 22;
const TRY_SEND_MESSAGE: usize = 24;
const TRY_CONNECT: usize = 25;
const GET_THREAD_ID: usize = 32;
const JOIN_THREAD: usize = 36;
const ADJUST_PROCESS_LIMIT: usize = 38;

const LIMIT_HEAP_MAXIMUM: usize = 1;
const LIMIT_HEAP_SIZE: usize = 2;

/// Handles the ecall in `ctx` (pc already past it); returns the context to resume.
pub fn dispatch(ctx: &mut Context) -> *mut Context {
    let a = |n: usize| ctx.regs[A0 + n];
    let number = a(0);
    let outcome: Outcome = match number {
        MAP_MEMORY => {
            if a(1) != 0 {
                Err(XousError::AccessDenied).into()
            } else {
                memory::map_anonymous(a(2), a(3), a(4))
                    .map(|va| Reply::new(&[MEMORY_RANGE, va, (a(3) + 4095) & !4095]))
                    .into()
            }
        }
        YIELD => Outcome::Yield,
        INCREASE_HEAP => memory::increase_heap(a(1))
            .map(|(base, len)| Reply::new(&[MEMORY_RANGE, base, len]))
            .into(),
        UPDATE_MEMORY_FLAGS => memory::update_flags(a(1), a(2), a(3))
            .map(|()| Reply::new(&[OK]))
            .into(),
        UNMAP_MEMORY => memory::unmap(a(1), a(2)).map(|()| Reply::new(&[OK])).into(),
        SEND_MESSAGE | TRY_SEND_MESSAGE => {
            let args = [a(1), a(2), a(3), a(4), a(5), a(6), a(7)];
            services::send(args)
        }
        CONNECT | TRY_CONNECT => services::connect([a(1), a(2), a(3), a(4)])
            .map(|cid| Reply::new(&[CONNECTION_ID, cid]))
            .into(),
        CREATE_THREAD => sched::create(a(1), a(2), a(3), [a(4), a(5), a(6), a(7)])
            .map(|tid| Reply::new(&[THREAD_ID, tid]))
            .into(),
        TERMINATE_PROCESS => exit::process_exit(a(1) as u32),
        GET_THREAD_ID => Outcome::Reply(Reply::new(&[THREAD_ID, sched::current_tid()])),
        JOIN_THREAD => match sched::join(a(1)) {
            Ok(Some(value)) => Outcome::Reply(Reply::new(&[SCALAR1, value])),
            Ok(None) => {
                sched::block(sched::Wait::Join(a(1)), None);
                Outcome::Blocked
            }
            Err(e) => Err(e).into(),
        },
        ADJUST_PROCESS_LIMIT => adjust_limit(a(1), a(2), a(3)).into(),
        _ => unimplemented_syscall(number),
    };
    match outcome {
        Outcome::Reply(Reply(values, n)) => {
            set_reply(ctx, &values[..n]);
            ctx
        }
        Outcome::Yield => {
            set_reply(ctx, &[OK]);
            sched::schedule()
        }
        Outcome::Blocked => sched::schedule(),
    }
}

fn adjust_limit(knob: usize, current: usize, new: usize) -> Result<Reply, XousError> {
    let (size, max) = memory::heap_limits();
    match knob {
        LIMIT_HEAP_MAXIMUM => {
            if current != max {
                return Err(XousError::InvalidLimit);
            }
            memory::set_heap_max(new)?;
            Ok(Reply::new(&[SCALAR2, knob, new]))
        }
        LIMIT_HEAP_SIZE => Ok(Reply::new(&[SCALAR2, knob, size])),
        _ => Err(XousError::InvalidLimit),
    }
}

fn syscall_name(number: usize) -> &'static str {
    // Names of the calls libstd's ffi.rs knows but this kernel does not answer.
    match number {
        15 => "ReceiveMessage",
        20 => "ReturnMemory",
        40 => "ReturnScalar",
        _ => "unknown",
    }
}

fn unimplemented_syscall(number: usize) -> ! {
    kprintln!(
        "unimplemented syscall {} ({number}) from thread {}: the test kernel does not provide it",
        syscall_name(number),
        sched::current_tid()
    );
    exit::fault()
}
