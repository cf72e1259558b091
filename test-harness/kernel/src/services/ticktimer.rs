//! The ticktimer (`xous-api-ticktimer` 0.9.x): ElapsedMs, SleepMs, GetVersion, the
//! watchdog and suspend opcodes (nothing to do here), and the LockMutex/UnlockMutex/
//! WaitForCondition/NotifyCondition/Free* rendezvous of std's Mutex, Condvar, RwLock,
//! Once and thread parking.

use super::{memory_returned, read_page, scalar_ack, unsupported, TICKTIMER};
use crate::abi::invoke::{BLOCKING_SCALAR, LEND_MUT, SCALAR};
use crate::abi::result::{OK, SCALAR1, SCALAR2};
use crate::abi::{ticktimer, XousError};
use crate::global::Global;
use crate::memory;
use crate::sched::{self, Wait};
use crate::syscall::{Outcome, Reply};
use crate::{exit, timer};
use xous_test_protocol::archive;

/// What `GetVersion` answers: the API version this kernel speaks, then who it is.
const VERSION: &str = "v0.9.71\nxous-test-kernel";

/// Unlocks that arrived before the matching `LockMutex` (the mutex changes hands
/// between the waiter's atomic increment and its message).
static CREDITS: Global<[(usize, usize); 64]> = Global::new([(0, 0); 64]);

/// The slot holding credits for `cookie`, if it has any.
fn credit(cookie: usize) -> Option<usize> {
    CREDITS
        .borrow()
        .iter()
        .position(|(c, n)| *c == cookie && *n > 0)
}

fn add_credit(cookie: usize) {
    let mut credits = CREDITS.borrow();
    if let Some(slot) = credits.iter_mut().find(|(c, n)| *c == cookie && *n > 0) {
        slot.1 += 1;
        return;
    }
    match credits.iter_mut().find(|(_, n)| *n == 0) {
        Some(slot) => *slot = (cookie, 1),
        None => exit::kernel_failure(format_args!("too many contended mutexes at once")),
    }
}

/// One message to the ticktimer.
pub fn message(m: [usize; 7]) -> Outcome {
    let [_, invoke, opcode, arg1, arg2, ..] = m;
    match invoke {
        SCALAR | BLOCKING_SCALAR => scalar(opcode, arg1, arg2, invoke),
        LEND_MUT if opcode == ticktimer::GET_VERSION => get_version(m[3], m[4], m[6]).into(),
        _ => unsupported(TICKTIMER, invoke, opcode),
    }
}

/// Replaces the lent `VersionString` archive with this kernel's version.
fn get_version(buf: usize, len: usize, valid: usize) -> Result<Reply, XousError> {
    let mut page = [0u8; 4096];
    let n = read_page(buf, len, &mut page)?;
    let used = archive::write_string(&mut page[..n], VERSION).ok_or(XousError::BadAddress)?;
    memory::write_user(buf, &page[..used])?;
    Ok(memory_returned(used, valid))
}

fn scalar(opcode: usize, arg1: usize, arg2: usize, invoke: usize) -> Outcome {
    let blocking = invoke == BLOCKING_SCALAR;
    let reply = match opcode {
        ticktimer::ELAPSED_MS => {
            let ms = timer::elapsed_ms();
            Reply::new(&[SCALAR2, ms as u32 as usize, (ms >> 32) as usize])
        }
        ticktimer::SLEEP_MS if blocking && arg1 > 0 => {
            sched::block(Wait::Sleep, Some(timer::deadline_in_ms(arg1)));
            return Outcome::Blocked;
        }
        ticktimer::SLEEP_MS
        | ticktimer::RECALCULATE_SLEEP
        | ticktimer::SUSPEND_RESUME
        | ticktimer::PING_WDT => scalar_ack(invoke, 0),
        ticktimer::LOCK_MUTEX => match credit(arg1) {
            Some(slot) => {
                CREDITS.borrow()[slot].1 -= 1;
                scalar_ack(invoke, 0)
            }
            None if blocking => {
                sched::block(Wait::Mutex(arg1), None);
                return Outcome::Blocked;
            }
            // A plain scalar cannot wait for its answer (no API crate sends one).
            None => Reply::new(&[OK]),
        },
        ticktimer::UNLOCK_MUTEX => {
            if sched::wake_waiters(Wait::Mutex(arg1), 1, &[SCALAR1, 0]) == 0 {
                add_credit(arg1);
            }
            scalar_ack(invoke, 0)
        }
        // As on Xous, only a blocking scalar waits; a plain scalar (what
        // `Ticktimer::wait_condition` sends) returns at once.
        ticktimer::WAIT_FOR_CONDITION if blocking => {
            let deadline = (arg2 > 0).then(|| timer::deadline_in_ms(arg2));
            sched::block(Wait::Condition(arg1), deadline);
            return Outcome::Blocked;
        }
        ticktimer::WAIT_FOR_CONDITION => Reply::new(&[OK]),
        ticktimer::NOTIFY_CONDITION => {
            let woken = sched::wake_waiters(Wait::Condition(arg1), arg2, &[SCALAR1, 0]);
            scalar_ack(invoke, woken)
        }
        ticktimer::FREE_MUTEX => {
            while let Some(slot) = credit(arg1) {
                CREDITS.borrow()[slot].1 = 0;
            }
            scalar_ack(invoke, 0)
        }
        ticktimer::FREE_CONDITION => scalar_ack(invoke, 0),
        _ => unsupported(TICKTIMER, invoke, opcode),
    };
    Outcome::Reply(reply)
}
