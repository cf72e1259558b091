//! Dispatching syscalls: the call number in a0, arguments in a1..a7, a result kind in a0
//! and values in a1..a7 on return (the numbers are in [`crate::abi`]). Every number of
//! the `xous` crate's table is answered: with Xous semantics, or with the error a real
//! Xous kernel gives where the call cannot mean anything here (the table in the
//! harness's README says which and why).

use crate::abi::result::{
    CONNECTION_ID, ERROR, MEMORY_RANGE, OK, PROCESS_ID, SCALAR1, SCALAR2, THREAD_ID,
};
use crate::abi::{call, limit, XousError, PID};
use crate::sched::{self, Context, A0};
use crate::{exit, ipc, memory, services};

/// What a call answers: reply now, or the thread waits and is answered later.
pub enum Outcome {
    Reply(Reply),
    Blocked,
    /// Reply, then let another thread run (Yield).
    Yield,
}

/// Registers a0.. of a reply (unused ones are zeroed).
pub struct Reply([usize; 8], usize);

impl Reply {
    pub fn new(values: &[usize]) -> Reply {
        let mut r = [0; 8];
        r[..values.len()].copy_from_slice(values);
        Reply(r, values.len())
    }
}

impl From<Result<Reply, XousError>> for Outcome {
    fn from(r: Result<Reply, XousError>) -> Outcome {
        match r {
            Ok(reply) => Outcome::Reply(reply),
            Err(e) => Outcome::Reply(error(e)),
        }
    }
}

/// The reply of a failed call.
pub fn error(e: XousError) -> Reply {
    Reply::new(&[ERROR, e as usize])
}

/// Writes a reply into a0..a7 (a0 is the result kind).
pub fn set_reply(ctx: &mut Context, values: &[usize]) {
    for (i, v) in values.iter().enumerate() {
        ctx.regs[A0 + i] = *v;
    }
    for i in values.len()..8 {
        ctx.regs[A0 + i] = 0;
    }
}

/// Handles the running thread's ecall (its pc already past it); returns the context to
/// resume.
pub fn dispatch() -> *mut Context {
    let regs = sched::current_context().regs;
    let a = |n: usize| regs[A0 + n];
    let args = [a(1), a(2), a(3), a(4), a(5), a(6), a(7)];
    let number = a(0);
    let outcome: Outcome = match number {
        call::MAP_MEMORY => {
            if a(1) != 0 {
                // No device memory to hand out: the process owns no physical range.
                Err(XousError::AccessDenied).into()
            } else {
                memory::map_anonymous(a(2), a(3), a(4))
                    .map(|va| Reply::new(&[MEMORY_RANGE, va, (a(3) + 4095) & !4095]))
                    .into()
            }
        }
        call::YIELD | call::WAIT_EVENT => Outcome::Yield,
        call::INCREASE_HEAP => memory::increase_heap(a(1))
            .map(|(base, len)| Reply::new(&[MEMORY_RANGE, base, len]))
            .into(),
        call::DECREASE_HEAP => memory::decrease_heap(a(1))
            .map(|()| Reply::new(&[OK]))
            .into(),
        call::UPDATE_MEMORY_FLAGS => {
            if a(4) != 0 && a(4) != PID {
                Err(XousError::ProcessNotFound).into()
            } else {
                memory::update_flags(a(1), a(2), a(3))
                    .map(|()| Reply::new(&[OK]))
                    .into()
            }
        }
        call::UNMAP_MEMORY => memory::unmap(a(1), a(2)).map(|()| Reply::new(&[OK])).into(),
        call::SEND_MESSAGE | call::TRY_SEND_MESSAGE => {
            let m = [a(1), a(2), a(3), a(4), a(5), a(6), a(7)];
            if services::is_service(a(1)) {
                services::send(m)
            } else {
                ipc::send(m, number == call::TRY_SEND_MESSAGE)
            }
        }
        call::CONNECT | call::TRY_CONNECT => {
            let sid = [a(1), a(2), a(3), a(4)];
            match services::connect(sid) {
                Some(cid) => Outcome::Reply(Reply::new(&[CONNECTION_ID, cid])),
                None => ipc::connect(sid, number == call::CONNECT),
            }
        }
        call::CONNECT_FOR_PROCESS => {
            if a(1) != PID {
                Err(XousError::ProcessNotFound).into()
            } else {
                let sid = [a(2), a(3), a(4), a(5)];
                match services::connect(sid) {
                    Some(cid) => Outcome::Reply(Reply::new(&[CONNECTION_ID, cid])),
                    None => ipc::connect(sid, true),
                }
            }
        }
        call::CREATE_SERVER_WITH_ADDRESS => ipc::create_server(Some([a(1), a(2), a(3), a(4)])),
        call::CREATE_SERVER => ipc::create_server(None),
        call::CREATE_SERVER_ID => ipc::create_server_id(),
        call::DESTROY_SERVER => ipc::destroy_server([a(1), a(2), a(3), a(4)]),
        call::DISCONNECT => ipc::disconnect(a(1)),
        call::RECEIVE_MESSAGE | call::TRY_RECEIVE_MESSAGE => {
            ipc::receive([a(1), a(2), a(3), a(4)], number == call::RECEIVE_MESSAGE)
        }
        call::RETURN_SCALAR1 => ipc::return_scalar(a(1), &[SCALAR1, a(2)]),
        call::RETURN_SCALAR2 => ipc::return_scalar(a(1), &[SCALAR2, a(2), a(3)]),
        call::RETURN_SCALAR5 => ipc::return_scalar(
            a(1),
            &[crate::abi::result::SCALAR5, a(2), a(3), a(4), a(5), a(6)],
        ),
        call::RETURN_MEMORY => ipc::return_memory(a(1), a(4), a(5)),
        call::REPLY_AND_RECEIVE_NEXT => ipc::reply_and_receive_next(args),
        call::CREATE_THREAD => sched::create(a(1), a(2), a(3), [a(4), a(5), a(6), a(7)])
            .map(|tid| Reply::new(&[THREAD_ID, tid]))
            .into(),
        call::TERMINATE_PROCESS => exit::process_exit(a(1) as u32),
        // The one program is the whole system: shutting it down ends the run.
        call::SHUTDOWN => exit::process_exit(0),
        call::GET_THREAD_ID => Outcome::Reply(Reply::new(&[THREAD_ID, sched::current_tid()])),
        call::GET_PROCESS_ID => Outcome::Reply(Reply::new(&[PROCESS_ID, PID])),
        call::JOIN_THREAD => match sched::join(a(1)) {
            Ok(Some(value)) => Outcome::Reply(Reply::new(&[SCALAR1, value])),
            Ok(None) => {
                sched::block(sched::Wait::Join(a(1)), None);
                Outcome::Blocked
            }
            Err(e) => Err(e).into(),
        },
        call::ADJUST_PROCESS_LIMIT => adjust_limit(a(1), a(2), a(3)).into(),
        call::VIRT_TO_PHYS => virt_to_phys(a(1)).into(),
        call::VIRT_TO_PHYS_PID => {
            if a(1) != PID {
                Err(XousError::ProcessNotFound).into()
            } else {
                virt_to_phys(a(2)).into()
            }
        }
        // No interrupt is wired to the process: there is no hardware server here.
        call::CLAIM_INTERRUPT | call::FREE_INTERRUPT => Err(XousError::InterruptNotFound).into(),
        // Other processes do not exist: scheduling them or asking for them finds none.
        call::SWITCH_TO | call::READY_THREADS => Err(XousError::ProcessNotFound).into(),
        // Calls with no meaning for one program without hardware or other processes:
        // the real kernel's answer to a call it does not handle.
        call::RETURN_TO_PARENT
        | call::SET_MEM_REGION
        | call::CREATE_PROCESS
        | call::SET_EXCEPTION_HANDLER
        | call::REGISTER_SWAPPER
        | call::SWAP_OP
        | call::RAW_TRNG
        | call::PLATFORM_SPECIFIC => Err(XousError::UnhandledSyscall).into(),
        // Invalid (0) and numbers outside the table, likewise.
        _ => Err(XousError::UnhandledSyscall).into(),
    };
    match outcome {
        Outcome::Reply(Reply(values, n)) => {
            sched::reply_current(&values[..n]);
            sched::current_context_ptr()
        }
        Outcome::Yield => {
            sched::reply_current(&[OK]);
            sched::schedule()
        }
        Outcome::Blocked => sched::schedule(),
    }
}

fn virt_to_phys(va: usize) -> Result<Reply, XousError> {
    memory::physical(va)
        .map(|pa| Reply::new(&[SCALAR1, pa]))
        .ok_or(XousError::BadAddress)
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
