//! The allocator variants: libstd's `System`, a bump allocator (the lower bound), and the
//! peer allocators over the static arena, each behind the same lock where it has none of its
//! own (see [`crate::alloc_wrap`]).

use crate::alloc_wrap::{Bump, Info, Locked, RawAlloc, Variant, ARENA_SIZE};
#[allow(unused_imports)]
use crate::alloc_wrap::{XousLock, ARENA};
use std::alloc::{GlobalAlloc, Layout, System};
#[allow(unused_imports)]
use std::ptr::{self, NonNull};

/// libstd's own allocator: dlmalloc growing the heap with `IncreaseHeap`, under libstd's lock.
pub struct Std;

impl Std {
    /// The variant.
    pub const fn new() -> Std {
        Std
    }
}

impl Default for Std {
    fn default() -> Self {
        Std
    }
}

// SAFETY: forwards to System.
unsafe impl GlobalAlloc for Std {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }
    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc_zeroed(layout) }
    }
    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

impl Variant for Std {
    const INFO: Info = Info {
        name: "system",
        allocator: "libstd-dlmalloc-0.2.11",
        lock: "xous-swap",
        own_realloc: true,
        memory: "heap",
        arena: 0,
    };
}

/// The lower bound: [`Bump`] behind the lock.
pub type BumpVariant = Locked<Bump>;

impl Variant for Locked<Bump> {
    const INFO: Info = Info {
        name: "bump",
        allocator: "bump",
        lock: "xous-swap",
        own_realloc: true,
        memory: "arena",
        arena: ARENA_SIZE,
    };
    fn begin_pass(&self) {
        self.lock().begin_pass();
    }
    fn end_pass(&self) {
        self.lock().end_pass();
    }
}

/// dlmalloc 0.2.11 (libstd's algorithm) with its system allocator replaced by the arena, so
/// that it never makes a syscall.
#[cfg(feature = "dlmalloc")]
pub mod dl {
    use super::*;
    use std::cell::Cell;

    /// Hands dlmalloc page-rounded, contiguous pieces of the arena, as `IncreaseHeap` hands it
    /// pieces of the heap (same flags, same page size, never released).
    pub struct ArenaSystem {
        next: Cell<usize>,
    }

    // SAFETY: only used under the lock.
    unsafe impl Send for ArenaSystem {}

    // SAFETY: returns disjoint pieces of the arena, which is zeroed and never reused.
    unsafe impl dlmalloc::Allocator for ArenaSystem {
        fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
            let size = size.max(4096).next_multiple_of(4096);
            let next = self.next.get();
            if next + size > ARENA_SIZE {
                return (ptr::null_mut(), 0, 0);
            }
            self.next.set(next + size);
            // SAFETY: in bounds of the arena.
            (unsafe { ARENA.start().add(next) }, size, 0)
        }
        fn remap(&self, _: *mut u8, _: usize, _: usize, _: bool) -> *mut u8 {
            ptr::null_mut()
        }
        fn free_part(&self, _: *mut u8, _: usize, _: usize) -> bool {
            false
        }
        fn free(&self, _: *mut u8, _: usize) -> bool {
            false
        }
        fn can_release_part(&self, _: u32) -> bool {
            false
        }
        fn allocates_zeros(&self) -> bool {
            true
        }
        fn page_size(&self) -> usize {
            4096
        }
    }

    /// dlmalloc over the arena.
    pub struct Dl(dlmalloc::Dlmalloc<ArenaSystem>);

    impl Dl {
        /// An empty dlmalloc.
        pub const fn new() -> Dl {
            Dl(dlmalloc::Dlmalloc::new_with_allocator(ArenaSystem {
                next: Cell::new(0),
            }))
        }
    }

    impl RawAlloc for Dl {
        const OWN_REALLOC: bool = true;
        #[inline]
        unsafe fn alloc(&mut self, layout: Layout) -> *mut u8 {
            unsafe { self.0.malloc(layout.size(), layout.align()) }
        }
        #[inline]
        unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
            unsafe { self.0.free(ptr, layout.size(), layout.align()) }
        }
        #[inline]
        unsafe fn realloc(&mut self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            unsafe { self.0.realloc(ptr, layout.size(), layout.align(), new_size) }
        }
    }

    impl Variant for Locked<Dl> {
        const INFO: Info = Info {
            name: "dlmalloc",
            allocator: "dlmalloc-0.2.11",
            lock: "xous-swap",
            own_realloc: true,
            memory: "arena",
            arena: ARENA_SIZE,
        };
    }
}

/// talc 5 over the arena (`TalcLock` with [`XousLock`], memory claimed on first use).
#[cfg(feature = "talc")]
pub mod talc_variant {
    use super::*;

    /// The variant.
    pub struct Talc(talc::TalcLock<XousLock, talc::source::Claim>);

    impl Talc {
        /// Over the whole arena.
        pub const fn new() -> Talc {
            // SAFETY: the arena is this allocator's alone.
            Talc(talc::TalcLock::new(unsafe {
                talc::source::Claim::new(ARENA.start(), ARENA_SIZE)
            }))
        }
    }

    // SAFETY: forwards to TalcLock.
    unsafe impl GlobalAlloc for Talc {
        #[inline]
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            unsafe { self.0.alloc(layout) }
        }
        #[inline]
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { self.0.dealloc(ptr, layout) }
        }
        #[inline]
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            unsafe { self.0.realloc(ptr, layout, new_size) }
        }
    }

    impl Variant for Talc {
        const INFO: Info = Info {
            name: "talc",
            allocator: "talc-5.1.1",
            lock: "xous-swap",
            own_realloc: true,
            memory: "arena",
            arena: ARENA_SIZE,
        };
    }
}

/// rlsf's TLSF (no `GlobalTlsf` on this target, so a `Tlsf` behind the lock).
#[cfg(feature = "rlsf")]
pub mod rlsf_variant {
    use super::*;

    /// The variant.
    pub struct Rlsf {
        tlsf: rlsf::Tlsf<'static, usize, usize, { usize::BITS as usize }, { usize::BITS as usize }>,
        ready: bool,
    }

    impl Rlsf {
        /// Empty; takes the arena on first use.
        pub const fn new() -> Rlsf {
            Rlsf {
                tlsf: rlsf::Tlsf::new(),
                ready: false,
            }
        }
    }

    impl RawAlloc for Rlsf {
        const OWN_REALLOC: bool = true;
        #[inline]
        unsafe fn alloc(&mut self, layout: Layout) -> *mut u8 {
            if !self.ready {
                self.ready = true;
                let block = NonNull::slice_from_raw_parts(
                    NonNull::new(ARENA.start()).expect("arena"),
                    ARENA_SIZE,
                );
                // SAFETY: the arena is this allocator's alone, for the whole run.
                unsafe { self.tlsf.insert_free_block_ptr(block) };
            }
            self.tlsf
                .allocate(layout)
                .map_or(ptr::null_mut(), NonNull::as_ptr)
        }
        #[inline]
        unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
            unsafe {
                self.tlsf
                    .deallocate(NonNull::new_unchecked(ptr), layout.align())
            }
        }
        #[inline]
        unsafe fn realloc(&mut self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
            unsafe { self.tlsf.reallocate(NonNull::new_unchecked(ptr), new) }
                .map_or(ptr::null_mut(), NonNull::as_ptr)
        }
    }

    impl Variant for Locked<Rlsf> {
        const INFO: Info = Info {
            name: "rlsf",
            allocator: "rlsf-0.2.3",
            lock: "xous-swap",
            own_realloc: true,
            memory: "arena",
            arena: ARENA_SIZE,
        };
    }
}

/// linked_list_allocator's first-fit `Heap` behind the lock.
#[cfg(feature = "lla")]
pub mod lla_variant {
    use super::*;

    /// The variant.
    pub struct Lla {
        heap: linked_list_allocator::Heap,
        ready: bool,
    }

    impl Lla {
        /// Empty; takes the arena on first use.
        pub const fn new() -> Lla {
            Lla {
                heap: linked_list_allocator::Heap::empty(),
                ready: false,
            }
        }
    }

    // SAFETY: only used under the lock.
    unsafe impl Send for Lla {}

    impl RawAlloc for Lla {
        #[inline]
        unsafe fn alloc(&mut self, layout: Layout) -> *mut u8 {
            if !self.ready {
                self.ready = true;
                // SAFETY: the arena is this allocator's alone.
                unsafe { self.heap.init(ARENA.start(), ARENA_SIZE) };
            }
            self.heap
                .allocate_first_fit(layout)
                .map_or(ptr::null_mut(), NonNull::as_ptr)
        }
        #[inline]
        unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
            unsafe { self.heap.deallocate(NonNull::new_unchecked(ptr), layout) }
        }
    }

    impl Variant for Locked<Lla> {
        const INFO: Info = Info {
            name: "lla",
            allocator: "linked_list_allocator-0.10.6",
            lock: "xous-swap",
            own_realloc: false,
            memory: "arena",
            arena: ARENA_SIZE,
        };
    }
}

/// buddy_system_allocator's `Heap<32>` behind the lock.
#[cfg(feature = "buddy")]
pub mod buddy_variant {
    use super::*;

    /// The variant.
    pub struct Buddy {
        heap: buddy_system_allocator::Heap<32>,
        ready: bool,
    }

    impl Buddy {
        /// Empty; takes the arena on first use.
        pub const fn new() -> Buddy {
            Buddy {
                heap: buddy_system_allocator::Heap::new(),
                ready: false,
            }
        }
    }

    // SAFETY: only used under the lock.
    unsafe impl Send for Buddy {}

    impl RawAlloc for Buddy {
        #[inline]
        unsafe fn alloc(&mut self, layout: Layout) -> *mut u8 {
            if !self.ready {
                self.ready = true;
                // SAFETY: the arena is this allocator's alone.
                unsafe { self.heap.init(ARENA.start() as usize, ARENA_SIZE) };
            }
            self.heap
                .alloc(layout)
                .map_or(ptr::null_mut(), NonNull::as_ptr)
        }
        #[inline]
        unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
            unsafe { self.heap.dealloc(NonNull::new_unchecked(ptr), layout) }
        }
    }

    impl Variant for Locked<Buddy> {
        const INFO: Info = Info {
            name: "buddy",
            allocator: "buddy_system_allocator-0.13.0",
            lock: "xous-swap",
            own_realloc: false,
            memory: "arena",
            arena: ARENA_SIZE,
        };
    }
}

/// embedded-alloc 0.7 (`LlffHeap`, `TlsfHeap`): their own `critical_section::Mutex`, with the
/// critical section implemented by the same swap lock.
#[cfg(feature = "embedded")]
pub mod embedded_variant {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    static CS_LOCK: XousLock = XousLock::new();

    struct XousCriticalSection;
    critical_section::set_impl!(XousCriticalSection);

    // SAFETY: the swap lock excludes other holders; embedded-alloc never nests sections.
    unsafe impl critical_section::Impl for XousCriticalSection {
        unsafe fn acquire() -> critical_section::RawRestoreState {
            lock_api::RawMutex::lock(&CS_LOCK);
        }
        unsafe fn release(_: critical_section::RawRestoreState) {
            unsafe { lock_api::RawMutex::unlock(&CS_LOCK) };
        }
    }

    macro_rules! embedded {
        ($name:ident, $heap:ty, $short:literal) => {
            /// The variant (initialised over the arena on first use).
            pub struct $name {
                heap: $heap,
                ready: AtomicBool,
            }

            impl $name {
                /// Empty.
                pub const fn new() -> $name {
                    $name {
                        heap: <$heap>::empty(),
                        ready: AtomicBool::new(false),
                    }
                }
            }

            // SAFETY: forwards to the embedded-alloc heap after initialising it once.
            unsafe impl GlobalAlloc for $name {
                #[inline]
                unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
                    if !self.ready.load(Ordering::Relaxed) {
                        self.ready.store(true, Ordering::Relaxed);
                        // SAFETY: the arena is this allocator's alone.
                        unsafe { self.heap.init(ARENA.start() as usize, ARENA_SIZE) };
                    }
                    unsafe { self.heap.alloc(layout) }
                }
                #[inline]
                unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
                    unsafe { self.heap.dealloc(ptr, layout) }
                }
            }

            impl Variant for $name {
                const INFO: Info = Info {
                    name: $short,
                    allocator: "embedded-alloc-0.7.0",
                    lock: "critical-section(xous-swap)",
                    own_realloc: false,
                    memory: "arena",
                    arena: ARENA_SIZE,
                };
            }
        };
    }

    embedded!(Llff, embedded_alloc::LlffHeap, "llff");
    embedded!(ETlsf, embedded_alloc::TlsfHeap, "etlsf");
}

/// emballoc 0.3: its own buffer (the same size as the arena) and its own `spin::Mutex`.
#[cfg(feature = "emballoc")]
pub mod emballoc_variant {
    use super::*;

    /// The variant.
    pub struct Emballoc(emballoc::Allocator<ARENA_SIZE>);

    impl Emballoc {
        /// Empty.
        pub const fn new() -> Emballoc {
            Emballoc(emballoc::Allocator::new())
        }
    }

    // SAFETY: forwards to emballoc.
    unsafe impl GlobalAlloc for Emballoc {
        #[inline]
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            unsafe { self.0.alloc(layout) }
        }
        #[inline]
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { self.0.dealloc(ptr, layout) }
        }
    }

    impl Variant for Emballoc {
        const INFO: Info = Info {
            name: "emballoc",
            allocator: "emballoc-0.3.0",
            lock: "spin-0.9-mutex(own)",
            own_realloc: false,
            memory: "arena",
            arena: ARENA_SIZE,
        };
    }
}
