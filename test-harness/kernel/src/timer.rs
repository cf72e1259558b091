//! The CLINT timer: the process clock, time slices and deadlines.
//!
//! `mtime` runs at 10 MHz on the virt machine; under `-icount shift=0` that is one tick
//! per 100 instructions, so the clock is as deterministic as the instruction count.

use crate::boot::BootBlock;
use crate::global::Global;
use crate::sched;

const MTIMECMP: usize = 0x0200_4000;
const MTIME: usize = 0x0200_bff8;
/// `mtime` ticks per millisecond.
pub const TICKS_PER_MS: u64 = 10_000;

/// The run's clock settings, from the boot block.
struct Clock {
    slice_ticks: u64,
    utc_at_boot_ms: u64,
}

static CLOCK: Global<Clock> = Global::new(Clock {
    slice_ticks: TICKS_PER_MS,
    utc_at_boot_ms: 0,
});

/// Reads the time slice and wall-clock time from the boot block.
pub fn init(boot: &BootBlock) {
    let mut clock = CLOCK.borrow();
    clock.slice_ticks = (boot.slice_us as u64 * TICKS_PER_MS / 1000).max(100);
    clock.utc_at_boot_ms = boot.utc_ms;
}

/// Current `mtime`.
pub fn now() -> u64 {
    loop {
        let hi = unsafe { ((MTIME + 4) as *const u32).read_volatile() };
        let lo = unsafe { (MTIME as *const u32).read_volatile() };
        if hi == unsafe { ((MTIME + 4) as *const u32).read_volatile() } {
            return (hi as u64) << 32 | lo as u64;
        }
    }
}

/// Milliseconds since boot (the ticktimer's `ElapsedMs`).
pub fn elapsed_ms() -> u64 {
    now() / TICKS_PER_MS
}

/// UTC milliseconds (the systime server's answer).
pub fn utc_ms() -> u64 {
    CLOCK.borrow().utc_at_boot_ms + elapsed_ms()
}

/// The `mtime` value `ms` milliseconds from now.
pub fn deadline_in_ms(ms: usize) -> u64 {
    now().saturating_add(ms as u64 * TICKS_PER_MS)
}

fn set_compare(at: u64) {
    unsafe {
        ((MTIMECMP + 4) as *mut u32).write_volatile(u32::MAX);
        (MTIMECMP as *mut u32).write_volatile(at as u32);
        ((MTIMECMP + 4) as *mut u32).write_volatile((at >> 32) as u32);
    }
}

/// Programs the next interrupt: the end of the time slice or the earliest deadline.
pub fn arm_next() {
    let mut at = now() + CLOCK.borrow().slice_ticks;
    if let Some(d) = sched::earliest_deadline() {
        at = at.min(d);
    }
    set_compare(at);
}

/// Waits (interrupts off, `wfi`) until `deadline`, then wakes whoever it concerns.
pub fn idle_until(deadline: u64) {
    set_compare(deadline);
    while now() < deadline {
        unsafe { core::arch::asm!("wfi") };
    }
    sched::expire(now());
}

/// Timer interrupt: wake expired waiters; the caller then schedules.
pub fn on_interrupt() {
    sched::expire(now());
}
