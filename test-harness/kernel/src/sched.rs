//! Threads of the process: contexts, states and the round-robin scheduler.

use crate::abi::result::SCALAR1;
use crate::abi::XousError;
use crate::console::kprintln;
use crate::elf::Image;
use crate::global::{Borrowed, Global};
use crate::memory::{self, PTE_R, PTE_W, STACK_TOP};
use crate::{exit, syscall, timer};

/// Address a thread returns to when its entry function ends (as on real Xous): fetching
/// from it faults, and the kernel treats that fault as the thread's exit.
pub const THREAD_EXIT_PC: usize = 0xff80_3000;
const MAX_THREADS: usize = 128;

/// Saved registers of a thread: `regs[n]` is `xn`; `pc` is where it resumes.
///
/// `trap_entry` and `resume_context` (main.rs) save and restore it by offset: `xn` at
/// `4 * n`, the pc at 128. The assertions below keep the struct and the assembly in step.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Context {
    pub regs: [usize; 32],
    pub pc: usize,
}

const _: () = {
    assert!(core::mem::size_of::<usize>() == 4);
    assert!(core::mem::offset_of!(Context, regs) == 0);
    assert!(core::mem::offset_of!(Context, pc) == 128);
    assert!(core::mem::size_of::<Context>() == 132);
};

pub const A0: usize = 10;
const RA: usize = 1;
const SP: usize = 2;

/// Why a thread is not running.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// `JoinThread` on this thread id.
    Join(usize),
    /// `SleepMs` until the deadline.
    Sleep,
    /// `LockMutex` on this cookie.
    Mutex(usize),
    /// `WaitForCondition` on this cookie (with an optional deadline).
    Condition(usize),
    /// `ReceiveMessage` on this server slot.
    Receive(usize),
    /// A blocking message in this message slot, until the server replies.
    Reply(usize),
    /// A call to be made again when something changes (`Connect` before the server
    /// exists, a full queue, `BlockingConnect` before the name is registered): the
    /// thread's pc is back on its `ecall`, and waking it runs the call again.
    Retry,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Free,
    Ready,
    Blocked(Wait),
    Exited(usize),
}

#[derive(Clone, Copy)]
struct Thread {
    ctx: Context,
    state: State,
    deadline: Option<u64>,
    /// Order in which threads blocked, so wake-ups are first in, first out.
    since: u64,
}

const EMPTY: Thread = Thread {
    ctx: Context {
        regs: [0; 32],
        pc: 0,
    },
    state: State::Free,
    deadline: None,
    since: 0,
};

static THREADS: Global<[Thread; MAX_THREADS]> = Global::new([EMPTY; MAX_THREADS]);
/// Slot index of the running thread.
static CURRENT: Global<usize> = Global::new(0);
/// Counts blocks and exits, to order wake-ups and slot reuse.
static BLOCK_SEQ: Global<u64> = Global::new(0);

#[track_caller]
fn threads() -> Borrowed<'static, [Thread; MAX_THREADS]> {
    THREADS.borrow()
}

/// Where the assembly saves and restores thread slot `i`'s context between traps.
fn context_ptr(i: usize) -> *mut Context {
    let thread = THREADS
        .as_ptr()
        .cast::<Thread>()
        .wrapping_add(i % MAX_THREADS);
    // SAFETY: `i % MAX_THREADS` is a slot of the `THREADS` array, so the projection stays
    // in the static; no reference is made, so no `Borrowed` of `THREADS` is aliased.
    unsafe { core::ptr::addr_of_mut!((*thread).ctx) }
}

/// The running thread's context as saved by the trap (a copy).
pub fn current_context() -> Context {
    threads()[current_index()].ctx
}

/// Moves the running thread past the `ecall` it trapped on.
pub fn skip_ecall() {
    threads()[current_index()].ctx.pc += 4;
}

/// Answers the running thread's call with `values` (see [`syscall::set_reply`]).
pub fn reply_current(values: &[usize]) {
    syscall::set_reply(&mut threads()[current_index()].ctx, values);
}

/// The running thread's context, for `resume_context`.
pub fn current_context_ptr() -> *mut Context {
    context_ptr(current_index())
}

/// Slot index of the running thread.
pub fn current_index() -> usize {
    *CURRENT.borrow()
}

/// Thread ids are slot indices plus one (0 is never a thread).
pub fn current_tid() -> usize {
    current_index() + 1
}

/// Maps the main stack and makes the main thread: `_start(eh_frame, params)`.
pub fn start_main_thread(image: &Image, params: usize, stack_size: usize) -> *mut Context {
    if memory::map_fresh(STACK_TOP - stack_size, stack_size, PTE_R | PTE_W).is_err() {
        exit::kernel_failure(format_args!("no RAM for the main stack"));
    }
    let t = &mut threads()[0];
    t.state = State::Ready;
    t.ctx.pc = image.entry;
    t.ctx.regs[SP] = STACK_TOP;
    t.ctx.regs[RA] = THREAD_EXIT_PC;
    t.ctx.regs[A0] = image.eh_frame;
    t.ctx.regs[A0 + 1] = params;
    *CURRENT.borrow() = 0;
    context_ptr(0)
}

/// `CreateThread`: a new ready thread at `entry` with `args` in a0..a3.
pub fn create(
    entry: usize,
    stack: usize,
    stack_len: usize,
    args: [usize; 4],
) -> Result<usize, XousError> {
    let mut ts = threads();
    let slot = match ts.iter().position(|t| t.state == State::Free) {
        Some(i) => i,
        // Reuse the slot of a thread that ended long ago and was never joined.
        None => (0..MAX_THREADS)
            .filter(|&i| matches!(ts[i].state, State::Exited(_)))
            .min_by_key(|&i| ts[i].since)
            .ok_or(XousError::ThreadNotAvailable)?,
    };
    let t = &mut ts[slot];
    *t = EMPTY;
    t.state = State::Ready;
    t.ctx.pc = entry;
    t.ctx.regs[SP] = (stack + stack_len) & !15;
    t.ctx.regs[RA] = THREAD_EXIT_PC;
    t.ctx.regs[A0..A0 + 4].copy_from_slice(&args);
    Ok(slot + 1)
}

fn next_seq() -> u64 {
    let mut seq = BLOCK_SEQ.borrow();
    *seq += 1;
    *seq
}

/// Blocks the running thread; its syscall is answered later by [`wake`].
pub fn block(wait: Wait, deadline: Option<u64>) {
    let t = &mut threads()[current_index()];
    t.state = State::Blocked(wait);
    t.deadline = deadline;
    t.since = next_seq();
}

/// Makes thread slot `i` ready with `reply` as its syscall result registers.
pub fn wake(i: usize, reply: &[usize]) {
    let t = &mut threads()[i];
    t.state = State::Ready;
    t.deadline = None;
    syscall::set_reply(&mut t.ctx, reply);
}

/// Wakes up to `count` threads blocked on `wait`, oldest first; returns how many.
pub fn wake_waiters(wait: Wait, count: usize, reply: &[usize]) -> usize {
    let mut woken = 0;
    while woken < count {
        match oldest_waiter(wait) {
            Some(i) => wake(i, reply),
            None => break,
        }
        woken += 1;
    }
    woken
}

/// The oldest thread blocked on `wait`, without waking it.
pub fn oldest_waiter(wait: Wait) -> Option<usize> {
    let ts = threads();
    (0..MAX_THREADS)
        .filter(|&i| ts[i].state == State::Blocked(wait))
        .min_by_key(|&i| ts[i].since)
}

/// Makes the running thread run its `ecall` again once woken by [`retry_all`].
pub fn block_for_retry() {
    threads()[current_index()].ctx.pc -= 4;
    block(Wait::Retry, None);
}

/// Wakes every thread waiting to retry its call (registers untouched).
pub fn retry_all() {
    for t in threads().iter_mut() {
        if t.state == State::Blocked(Wait::Retry) {
            t.state = State::Ready;
            t.deadline = None;
        }
    }
}

/// `JoinThread`: `Ok(Some(value))` when `tid` has ended, `Ok(None)` when the caller
/// must wait for it.
pub fn join(tid: usize) -> Result<Option<usize>, XousError> {
    if tid == 0 || tid > MAX_THREADS || tid == current_tid() {
        return Err(XousError::ThreadNotAvailable);
    }
    let t = &mut threads()[tid - 1];
    match t.state {
        State::Free => Err(XousError::ThreadNotAvailable),
        State::Exited(value) => {
            t.state = State::Free;
            Ok(Some(value))
        }
        _ => Ok(None),
    }
}

/// The running thread returned from its entry function with `value`.
pub fn exit_current(value: usize) {
    let i = current_index();
    let tid = i + 1;
    let joined = wake_waiters(Wait::Join(tid), usize::MAX, &[SCALAR1, value]);
    let t = &mut threads()[i];
    t.state = if joined > 0 {
        State::Free
    } else {
        State::Exited(value)
    };
    t.since = next_seq();
}

/// Wakes every thread whose deadline has passed: sleepers get `Scalar1(0)`, condition
/// waiters `Scalar1(1)` (timed out).
pub fn expire(now: u64) {
    for i in 0..MAX_THREADS {
        let (state, deadline) = {
            let t = &threads()[i];
            (t.state, t.deadline)
        };
        if let (State::Blocked(wait), Some(d)) = (state, deadline) {
            if d <= now {
                let timed_out = usize::from(wait != Wait::Sleep);
                wake(i, &[SCALAR1, timed_out]);
            }
        }
    }
}

/// The earliest deadline of any blocked thread.
pub fn earliest_deadline() -> Option<u64> {
    threads()
        .iter()
        .filter(|t| matches!(t.state, State::Blocked(_)))
        .filter_map(|t| t.deadline)
        .min()
}

fn next_ready(after: usize) -> Option<usize> {
    let ts = threads();
    (1..=MAX_THREADS)
        .map(|k| (after + k) % MAX_THREADS)
        .find(|&i| ts[i].state == State::Ready)
}

/// Picks the thread to run next (round robin after the current one), idling until a
/// deadline when every thread waits; reports a deadlock instead of hanging.
pub fn schedule() -> *mut Context {
    loop {
        if let Some(i) = next_ready(current_index()) {
            *CURRENT.borrow() = i;
            timer::arm_next();
            return context_ptr(i);
        }
        match earliest_deadline() {
            Some(deadline) => timer::idle_until(deadline),
            None => deadlock(),
        }
    }
}

fn deadlock() -> ! {
    kprintln!("deadlock: every thread of the firmware is blocked and no timer is pending");
    for (i, t) in threads().iter().enumerate() {
        let (what, arg) = match t.state {
            State::Blocked(Wait::Join(tid)) => ("joining thread", tid),
            State::Blocked(Wait::Mutex(c)) => ("waiting for mutex", c),
            State::Blocked(Wait::Condition(c)) => ("waiting on condition", c),
            State::Blocked(Wait::Receive(s)) => ("receiving on server slot", s),
            State::Blocked(Wait::Reply(m)) => ("waiting for the reply to message", m),
            State::Blocked(Wait::Retry) => ("waiting for a server, a name or queue space", 0),
            _ => continue,
        };
        kprintln!(
            "  thread {}: {what} {arg:#x} (pc {:#010x})",
            i + 1,
            t.ctx.pc
        );
    }
    exit::fault()
}
