//! [`Global`]: every piece of the kernel's mutable state, under one rule stated here.
//!
//! The rule: the kernel runs on a single hart, in M-mode with interrupts off. It is
//! entered only through `trap_entry` (an ecall, a fault or the timer interrupt, all taken
//! from U-mode), and each trap runs to completion before any thread resumes. So kernel
//! code never runs concurrently with itself and is never re-entered, and a `Global` is
//! touched by one piece of code at a time. Callers must not hold a reference from
//! [`Global::get`] across a call that takes another one to the same global.

use core::cell::UnsafeCell;

/// A `static` the kernel mutates (see the module's rule).
pub struct Global<T>(UnsafeCell<T>);

// SAFETY: one hart, interrupts off in the kernel: no concurrent access (module docs).
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    /// A global holding `value`.
    pub const fn new(value: T) -> Self {
        Global(UnsafeCell::new(value))
    }

    /// The state, for reading or changing.
    #[allow(clippy::mut_from_ref)]
    pub fn get(&self) -> &mut T {
        // SAFETY: the module's rule: no other reference to it is in use.
        unsafe { &mut *self.0.get() }
    }
}
