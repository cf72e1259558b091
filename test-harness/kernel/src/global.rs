//! [`Global`]: every piece of the kernel's mutable state, borrowed one at a time.
//!
//! Why a `static` with interior mutability may be shared at all (`Sync`): the kernel
//! runs on a single hart, in M-mode with interrupts off. It is entered only through
//! `trap_entry` (an ecall, a fault or the timer interrupt, all taken from U-mode), and
//! each trap runs to completion before any thread resumes. So kernel code never runs
//! concurrently with itself and is never re-entered.
//!
//! What that does not rule out is one piece of kernel code holding the state while a
//! function it calls takes it again. [`Global::borrow`] checks that at run time, as a
//! `RefCell` does: a second borrow of a global still borrowed ends the run with a kernel
//! failure naming both places, instead of two `&mut` to the same state. A [`Borrowed`]
//! is dropped at the end of the statement that makes it, or at the end of the block
//! that names it; hold it no longer than needed, and never across a call into another
//! module that may take the same global.

use core::cell::{Cell, UnsafeCell};
use core::ops::{Deref, DerefMut};
use core::panic::Location;

/// A `static` the kernel mutates (see the module's rule).
pub struct Global<T> {
    value: UnsafeCell<T>,
    /// Where the live [`Borrowed`] was made, if there is one.
    holder: Cell<Option<&'static Location<'static>>>,
}

// SAFETY: one hart, interrupts off in the kernel, no re-entry (module docs): the value
// and the borrow flag are never touched from two places at once.
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    /// A global holding `value`.
    pub const fn new(value: T) -> Self {
        Global {
            value: UnsafeCell::new(value),
            holder: Cell::new(None),
        }
    }

    /// The state, for reading or changing, until the result is dropped. Ends the run
    /// (a kernel failure) if it is still borrowed elsewhere.
    #[track_caller]
    pub fn borrow(&self) -> Borrowed<'_, T> {
        let here = Location::caller();
        if let Some(first) = self.holder.get() {
            crate::exit::kernel_failure(format_args!(
                "kernel bug: state borrowed at {here} while still borrowed at {first}"
            ));
        }
        self.holder.set(Some(here));
        Borrowed { global: self }
    }

    /// The state's address, for the assembly that saves and restores thread contexts
    /// between traps (when no [`Borrowed`] is alive). Making it is safe; the code that
    /// dereferences it states why that is.
    pub fn as_ptr(&self) -> *mut T {
        self.value.get()
    }
}

/// The one live borrow of a [`Global`]; the global is free again when this is dropped.
pub struct Borrowed<'a, T> {
    global: &'a Global<T>,
}

impl<T> Deref for Borrowed<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: `holder` is set for as long as this `Borrowed` lives, so no other
        // `Borrowed` exists; `&self` ties the reference to it.
        unsafe { &*self.global.value.get() }
    }
}

impl<T> DerefMut for Borrowed<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes the reference unique.
        unsafe { &mut *self.global.value.get() }
    }
}

impl<T> Drop for Borrowed<'_, T> {
    fn drop(&mut self) {
        self.global.holder.set(None);
    }
}
