//! The benchmark harness inside the firmware: every `bench-<variant>` binary sets its
//! `#[global_allocator]` to a [`Counting`] wrapper around one allocator [`Variant`] and
//! calls [`run`], which runs every case of [`cases::ALL`] in order in one boot.
//!
//! Protocol (stdout, one record a line, parsed by `firmware-tests/src/bench.rs`):
//!
//! ```text
//! variant name=talc allocator=talc-5.1.1 lock=xous-swap realloc=own memory=arena arena=33554432
//! case=alloc_lifo group=alloc ops=10000 loop=1234567 empty=40012 peak_heap=81920 span=90112 allocs=10000 frees=10000 reallocs=0
//! done cases=40
//! ```
//!
//! `loop` is the instructions retired by the measured loop (read with `rdinstret`/`rdinstreth`
//! around it), `empty` those of an empty counted loop of `ops` iterations with the same counter
//! reads; the host reports `(loop - empty) / ops`. Each case runs once to warm up (unmeasured)
//! and once measured, unless it is marked cold. Under QEMU `-icount shift=0` every figure is
//! exact and identical from run to run.
//!
//! Arguments: `--quick` divides every operation count by ten; any other argument keeps only
//! the cases whose name contains it.

pub mod alloc_wrap;
pub mod cases;
pub mod variants;

pub use alloc_wrap::{Counting, Info, Variant};

use std::hint::black_box;

/// Instructions retired so far (64 bits, read consistently across the high-word carry).
#[inline(always)]
pub fn instret() -> u64 {
    #[cfg(target_arch = "riscv32")]
    loop {
        let (hi, lo, hi2): (u32, u32, u32);
        // SAFETY: reading the user-mode instret counter has no side effect.
        unsafe {
            core::arch::asm!(
                "rdinstreth {0}",
                "rdinstret {1}",
                "rdinstreth {2}",
                out(reg) hi,
                out(reg) lo,
                out(reg) hi2,
                options(nostack)
            );
        }
        if hi == hi2 {
            return (u64::from(hi) << 32) | u64::from(lo);
        }
    }
    #[cfg(not(target_arch = "riscv32"))]
    0
}

/// How much work each case does.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    quick: bool,
}

impl Scale {
    /// `full` operations, or a tenth of them (at least one) with `--quick`.
    pub fn ops(self, full: usize) -> usize {
        if self.quick {
            (full / 10).max(1)
        } else {
            full
        }
    }
}

/// What one measured loop retired and allocated.
#[derive(Debug, Clone, Copy, Default)]
pub struct Measured {
    /// Operations the loop performed.
    pub ops: u64,
    /// Instructions retired by the loop.
    pub loop_instret: u64,
    /// Allocator calls during the loop.
    pub allocs: u64,
    /// Deallocations during the loop.
    pub frees: u64,
    /// Reallocations during the loop.
    pub reallocs: u64,
}

/// Handed to a case: [`Bench::measure`] brackets its loop.
pub struct Bench {
    stats: &'static alloc_wrap::Stats,
    result: Option<Measured>,
}

impl Bench {
    /// Runs `f` (a loop of `ops` operations) and records the instructions it retired and the
    /// allocator calls it made. A case calls this exactly once.
    #[inline(always)]
    pub fn measure<R>(&mut self, ops: usize, f: impl FnOnce() -> R) -> R {
        let before = self.stats.calls();
        let t0 = instret();
        let r = f();
        let t1 = instret();
        let after = self.stats.calls();
        self.result = Some(Measured {
            ops: ops as u64,
            loop_instret: t1 - t0,
            allocs: after.0 - before.0,
            frees: after.1 - before.1,
            reallocs: after.2 - before.2,
        });
        r
    }
}

/// Instructions retired by an empty counted loop of `ops` iterations, counter reads included.
#[inline(never)]
fn empty_loop(ops: u64) -> u64 {
    let n = ops as usize;
    let t0 = instret();
    for i in 0..n {
        black_box(i);
    }
    let t1 = instret();
    t1 - t0
}

/// Runs the cases selected by the command line with `global` as the allocator and prints
/// one record per case (see the crate docs).
pub fn run<A: Variant>(global: &'static Counting<A>) {
    let mut quick = false;
    let mut filters = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--quick" {
            quick = true;
        } else {
            filters.push(arg);
        }
    }
    let scale = Scale { quick };
    let info = A::INFO;
    // The first print allocates stdout's buffer: do it before any case.
    println!(
        "variant name={} allocator={} lock={} realloc={} memory={} arena={}",
        info.name,
        info.allocator,
        info.lock,
        if info.own_realloc { "own" } else { "default" },
        info.memory,
        info.arena
    );
    let stats = global.stats();
    let mut count = 0;
    for case in cases::ALL {
        if !filters.is_empty() && !filters.iter().any(|f| case.name.contains(f.as_str())) {
            continue;
        }
        if !case.cold {
            let mut warm = Bench {
                stats,
                result: None,
            };
            global.inner().begin_pass();
            (case.run)(&mut warm, scale);
            global.inner().end_pass();
        }
        let mut bench = Bench {
            stats,
            result: None,
        };
        stats.reset();
        global.inner().begin_pass();
        (case.run)(&mut bench, scale);
        global.inner().end_pass();
        let (peak_heap, span) = stats.footprint();
        let m = bench
            .result
            .unwrap_or_else(|| panic!("case {} measured nothing", case.name));
        let empty = empty_loop(m.ops);
        println!(
            "case={} group={} ops={} loop={} empty={} peak_heap={} span={} allocs={} frees={} reallocs={}",
            case.name,
            case.group,
            m.ops,
            m.loop_instret,
            empty,
            peak_heap,
            span,
            m.allocs,
            m.frees,
            m.reallocs
        );
        count += 1;
    }
    println!("done cases={count}");
}
