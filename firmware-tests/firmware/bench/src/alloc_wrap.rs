//! The pieces every allocator variant shares: the counting wrapper that measures heap use,
//! the lock, the static arena and the adapter from a raw (`&mut self`) allocator to
//! `GlobalAlloc`.
//!
//! Lock discipline: every variant that has no lock of its own takes [`XousLock`], the same
//! lock libstd's `System` allocator takes on this target (`library/std/src/sys/alloc/xous.rs`:
//! an `AtomicI32` swapped to 1 with `Acquire`, yielding while held, swapped back to 0 with
//! `Release`). talc takes it through `lock_api`, embedded-alloc through the
//! `critical-section` implementation below; emballoc keeps its own `spin::Mutex`.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::ptr;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

/// Bytes in the static arena of the arena-backed variants (in `.bss`: the kernel maps and
/// zeroes it at load time, before any measurement).
pub const ARENA_SIZE: usize = 32 << 20;

/// What a variant is, printed in its `variant` record.
#[derive(Debug, Clone, Copy)]
pub struct Info {
    /// Short name (`system`, `talc`, ...), the binary is `bench-<name>`.
    pub name: &'static str,
    /// The allocator crate and version.
    pub allocator: &'static str,
    /// Which lock guards it.
    pub lock: &'static str,
    /// Whether it reallocates by itself (in place when it can); otherwise `GlobalAlloc`'s
    /// default realloc (allocate, copy, free).
    pub own_realloc: bool,
    /// Where its memory comes from: `heap` (the `IncreaseHeap` syscall) or `arena`.
    pub memory: &'static str,
    /// Arena size in bytes (0 when it grows the heap).
    pub arena: usize,
}

/// A global allocator under test.
pub trait Variant: GlobalAlloc + Sync + 'static {
    /// What it is.
    const INFO: Info;
    /// Called before each pass of a case (warm-up and measured).
    fn begin_pass(&self) {}
    /// Called after each pass of a case.
    fn end_pass(&self) {}
}

/// Allocation statistics of the current case. Plain relaxed loads and stores: the benchmarks
/// are single-threaded, and the cost is the same for every variant.
#[derive(Debug, Default)]
pub struct Stats {
    live: AtomicUsize,
    peak: AtomicUsize,
    base: AtomicUsize,
    lo: AtomicUsize,
    hi: AtomicUsize,
    allocs: AtomicUsize,
    frees: AtomicUsize,
    reallocs: AtomicUsize,
}

impl Stats {
    const fn new() -> Stats {
        Stats {
            live: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            base: AtomicUsize::new(0),
            lo: AtomicUsize::new(usize::MAX),
            hi: AtomicUsize::new(0),
            allocs: AtomicUsize::new(0),
            frees: AtomicUsize::new(0),
            reallocs: AtomicUsize::new(0),
        }
    }

    #[inline(always)]
    fn add(&self, ptr: *mut u8, size: usize) {
        let live = self.live.load(Ordering::Relaxed) + size;
        self.live.store(live, Ordering::Relaxed);
        if live > self.peak.load(Ordering::Relaxed) {
            self.peak.store(live, Ordering::Relaxed);
        }
        let start = ptr as usize;
        if start < self.lo.load(Ordering::Relaxed) {
            self.lo.store(start, Ordering::Relaxed);
        }
        let end = start + size;
        if end > self.hi.load(Ordering::Relaxed) {
            self.hi.store(end, Ordering::Relaxed);
        }
    }

    #[inline(always)]
    fn sub(&self, size: usize) {
        let live = self.live.load(Ordering::Relaxed) - size;
        self.live.store(live, Ordering::Relaxed);
    }

    #[inline(always)]
    fn bump(counter: &AtomicUsize) {
        counter.store(counter.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    }

    /// Starts a case: the peak and the address range restart from here.
    pub fn reset(&self) {
        let live = self.live.load(Ordering::Relaxed);
        self.base.store(live, Ordering::Relaxed);
        self.peak.store(live, Ordering::Relaxed);
        self.lo.store(usize::MAX, Ordering::Relaxed);
        self.hi.store(0, Ordering::Relaxed);
    }

    /// Calls so far: (allocations, frees, reallocations).
    #[inline(always)]
    pub fn calls(&self) -> (u64, u64, u64) {
        (
            self.allocs.load(Ordering::Relaxed) as u64,
            self.frees.load(Ordering::Relaxed) as u64,
            self.reallocs.load(Ordering::Relaxed) as u64,
        )
    }

    /// Since the last [`Stats::reset`]: the peak of requested bytes in use above what was in
    /// use at the reset, and the address range the allocations returned (the allocator's
    /// footprint: payload plus headers, alignment and fragmentation).
    pub fn footprint(&self) -> (usize, usize) {
        let peak = self.peak.load(Ordering::Relaxed) - self.base.load(Ordering::Relaxed);
        let (lo, hi) = (
            self.lo.load(Ordering::Relaxed),
            self.hi.load(Ordering::Relaxed),
        );
        (peak, hi.saturating_sub(lo))
    }
}

/// The `#[global_allocator]` of every variant: forwards to `A` and keeps [`Stats`].
pub struct Counting<A> {
    inner: A,
    stats: Stats,
}

impl<A> Counting<A> {
    /// Wraps `inner`.
    pub const fn new(inner: A) -> Counting<A> {
        Counting {
            inner,
            stats: Stats::new(),
        }
    }

    /// The statistics.
    pub fn stats(&'static self) -> &'static Stats {
        &self.stats
    }

    /// The wrapped allocator.
    pub fn inner(&self) -> &A {
        &self.inner
    }
}

// SAFETY: every call is forwarded unchanged to `inner`; the wrapper only reads the results.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { self.inner.alloc(layout) };
        if !p.is_null() {
            self.stats.add(p, layout.size());
            Stats::bump(&self.stats.allocs);
        }
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { self.inner.alloc_zeroed(layout) };
        if !p.is_null() {
            self.stats.add(p, layout.size());
            Stats::bump(&self.stats.allocs);
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { self.inner.dealloc(ptr, layout) };
        self.stats.sub(layout.size());
        Stats::bump(&self.stats.frees);
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { self.inner.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            self.stats.sub(layout.size());
            self.stats.add(p, new_size);
            Stats::bump(&self.stats.reallocs);
        }
        p
    }
}

/// The lock libstd's allocator takes on Xous, as a `lock_api` raw mutex.
pub struct XousLock(AtomicI32);

impl XousLock {
    /// An unlocked lock.
    pub const fn new() -> XousLock {
        XousLock(AtomicI32::new(0))
    }
}

impl Default for XousLock {
    fn default() -> Self {
        XousLock::new()
    }
}

// SAFETY: a swap to 1 with Acquire succeeds for one holder at a time; unlock publishes with
// Release.
unsafe impl lock_api::RawMutex for XousLock {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: XousLock = XousLock::new();
    type GuardMarker = lock_api::GuardSend;

    #[inline]
    fn lock(&self) {
        loop {
            if self.0.swap(1, Ordering::Acquire) == 0 {
                return;
            }
            std::thread::yield_now();
        }
    }

    #[inline]
    fn try_lock(&self) -> bool {
        self.0.swap(1, Ordering::Acquire) == 0
    }

    #[inline]
    unsafe fn unlock(&self) {
        self.0.swap(0, Ordering::Release);
    }
}

/// The static arena, page aligned.
#[repr(C, align(4096))]
pub struct Arena(UnsafeCell<[u8; ARENA_SIZE]>);

// SAFETY: only the one allocator of a binary hands out its memory.
unsafe impl Sync for Arena {}

/// The arena of the arena-backed variants (each binary uses it for one allocator).
pub static ARENA: Arena = Arena(UnsafeCell::new([0; ARENA_SIZE]));

impl Arena {
    /// Its first byte.
    pub const fn start(&self) -> *mut u8 {
        self.0.get().cast()
    }
}

/// An allocator that needs `&mut self`, made global by [`Locked`].
pub trait RawAlloc: Send {
    /// Whether [`RawAlloc::realloc`] is its own.
    const OWN_REALLOC: bool = false;
    /// Allocates (initialising itself on first use).
    ///
    /// # Safety
    /// As [`GlobalAlloc::alloc`].
    unsafe fn alloc(&mut self, layout: Layout) -> *mut u8;
    /// Frees.
    ///
    /// # Safety
    /// As [`GlobalAlloc::dealloc`].
    unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout);
    /// Reallocates; only called when [`RawAlloc::OWN_REALLOC`].
    ///
    /// # Safety
    /// As [`GlobalAlloc::realloc`].
    unsafe fn realloc(&mut self, _ptr: *mut u8, _layout: Layout, _new_size: usize) -> *mut u8 {
        ptr::null_mut()
    }
    /// See [`Variant::begin_pass`].
    fn begin_pass(&mut self) {}
    /// See [`Variant::end_pass`].
    fn end_pass(&mut self) {}
}

/// A [`RawAlloc`] behind [`XousLock`].
pub struct Locked<T>(lock_api::Mutex<XousLock, T>);

impl<T> Locked<T> {
    /// Wraps `inner`.
    pub const fn new(inner: T) -> Locked<T> {
        Locked(lock_api::Mutex::const_new(XousLock::new(), inner))
    }

    /// Locks it.
    pub fn lock(&self) -> lock_api::MutexGuard<'_, XousLock, T> {
        self.0.lock()
    }
}

// SAFETY: the lock gives each call exclusive access to the raw allocator.
unsafe impl<T: RawAlloc> GlobalAlloc for Locked<T> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { self.0.lock().alloc(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { self.0.lock().dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if T::OWN_REALLOC {
            unsafe { self.0.lock().realloc(ptr, layout, new_size) }
        } else {
            unsafe { default_realloc(self, ptr, layout, new_size) }
        }
    }
}

/// `GlobalAlloc`'s default realloc: allocate, copy, free (two lock acquisitions).
///
/// # Safety
/// As [`GlobalAlloc::realloc`].
pub unsafe fn default_realloc<A: GlobalAlloc + ?Sized>(
    a: &A,
    ptr: *mut u8,
    layout: Layout,
    new_size: usize,
) -> *mut u8 {
    // SAFETY: the caller guarantees a valid layout for new_size.
    let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
    let new_ptr = unsafe { a.alloc(new_layout) };
    if !new_ptr.is_null() {
        unsafe {
            ptr::copy_nonoverlapping(ptr, new_ptr, layout.size().min(new_size));
            a.dealloc(ptr, layout);
        }
    }
    new_ptr
}

/// The lower bound: a bump pointer over the arena that never reuses memory within a pass,
/// and grows the last block in place on realloc.
///
/// Between passes it rewinds to where the pass started when everything the pass allocated
/// has been freed (the cases free everything they allocate), so that the arena covers the
/// largest pass rather than the whole run.
pub struct Bump {
    top: usize,
    mark: usize,
    live_since_mark: usize,
}

impl Bump {
    /// An empty bump allocator over [`ARENA`].
    pub const fn new() -> Bump {
        Bump {
            top: 0,
            mark: 0,
            live_since_mark: 0,
        }
    }
}

impl Default for Bump {
    fn default() -> Self {
        Bump::new()
    }
}

impl RawAlloc for Bump {
    const OWN_REALLOC: bool = true;

    #[inline]
    unsafe fn alloc(&mut self, layout: Layout) -> *mut u8 {
        let base = ARENA.start() as usize;
        let start = (base + self.top + layout.align() - 1) & !(layout.align() - 1);
        let end = start + layout.size();
        if end > base + ARENA_SIZE {
            return ptr::null_mut();
        }
        self.top = end - base;
        self.live_since_mark += 1;
        start as *mut u8
    }

    #[inline]
    unsafe fn dealloc(&mut self, ptr: *mut u8, _layout: Layout) {
        if ptr as usize >= ARENA.start() as usize + self.mark {
            self.live_since_mark -= 1;
        }
    }

    #[inline]
    unsafe fn realloc(&mut self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let base = ARENA.start() as usize;
        let start = ptr as usize;
        if start + layout.size() == base + self.top && start + new_size <= base + ARENA_SIZE {
            // The last block: grow or shrink it where it is.
            self.top = start + new_size - base;
            return ptr;
        }
        // SAFETY: as GlobalAlloc::realloc; the new layout is valid.
        let new =
            unsafe { self.alloc(Layout::from_size_align_unchecked(new_size, layout.align())) };
        if !new.is_null() {
            // SAFETY: both blocks are live and distinct.
            unsafe {
                ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }

    fn begin_pass(&mut self) {
        self.mark = self.top;
        self.live_since_mark = 0;
    }

    fn end_pass(&mut self) {
        if self.live_since_mark == 0 {
            self.top = self.mark;
        }
    }
}
