//! Dispatching syscalls: the call number in a0, arguments in a1..a7, a result kind in a0
//! and values in a1.. on return (the numbers are in [`crate::abi`]).

use crate::abi::result::{CONNECTION_ID, ERROR, MEMORY_RANGE, OK, SCALAR1, SCALAR2, THREAD_ID};
use crate::abi::{call, limit, XousError};
use crate::console::kprintln;
use crate::sched::{self, Context, A0};
use crate::{exit, memory, services};

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

/// Handles the ecall in `ctx` (pc already past it); returns the context to resume.
pub fn dispatch(ctx: &mut Context) -> *mut Context {
    let a = |n: usize| ctx.regs[A0 + n];
    let number = a(0);
    let outcome: Outcome = match number {
        call::MAP_MEMORY => {
            if a(1) != 0 {
                Err(XousError::AccessDenied).into()
            } else {
                memory::map_anonymous(a(2), a(3), a(4))
                    .map(|va| Reply::new(&[MEMORY_RANGE, va, (a(3) + 4095) & !4095]))
                    .into()
            }
        }
        call::YIELD => Outcome::Yield,
        call::INCREASE_HEAP => memory::increase_heap(a(1))
            .map(|(base, len)| Reply::new(&[MEMORY_RANGE, base, len]))
            .into(),
        call::UPDATE_MEMORY_FLAGS => memory::update_flags(a(1), a(2), a(3))
            .map(|()| Reply::new(&[OK]))
            .into(),
        call::UNMAP_MEMORY => memory::unmap(a(1), a(2)).map(|()| Reply::new(&[OK])).into(),
        call::SEND_MESSAGE | call::TRY_SEND_MESSAGE => {
            let args = [a(1), a(2), a(3), a(4), a(5), a(6), a(7)];
            services::send(args)
        }
        call::CONNECT | call::TRY_CONNECT => services::connect([a(1), a(2), a(3), a(4)])
            .map(|cid| Reply::new(&[CONNECTION_ID, cid]))
            .into(),
        call::CREATE_THREAD => sched::create(a(1), a(2), a(3), [a(4), a(5), a(6), a(7)])
            .map(|tid| Reply::new(&[THREAD_ID, tid]))
            .into(),
        call::TERMINATE_PROCESS => exit::process_exit(a(1) as u32),
        call::GET_THREAD_ID => Outcome::Reply(Reply::new(&[THREAD_ID, sched::current_tid()])),
        call::JOIN_THREAD => match sched::join(a(1)) {
            Ok(Some(value)) => Outcome::Reply(Reply::new(&[SCALAR1, value])),
            Ok(None) => {
                sched::block(sched::Wait::Join(a(1)), None);
                Outcome::Blocked
            }
            Err(e) => Err(e).into(),
        },
        call::ADJUST_PROCESS_LIMIT => adjust_limit(a(1), a(2), a(3)).into(),
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
        limit::HEAP_MAXIMUM => {
            if current != max {
                return Err(XousError::InvalidLimit);
            }
            memory::set_heap_max(new)?;
            Ok(Reply::new(&[SCALAR2, knob, new]))
        }
        limit::HEAP_SIZE => Ok(Reply::new(&[SCALAR2, knob, size])),
        _ => Err(XousError::InvalidLimit),
    }
}

fn syscall_name(number: usize) -> &'static str {
    // Names of the calls libstd's ffi.rs knows but this kernel does not answer.
    match number {
        call::RECEIVE_MESSAGE => "ReceiveMessage",
        call::RETURN_MEMORY => "ReturnMemory",
        call::RETURN_SCALAR => "ReturnScalar",
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
