//! Allocator cases: raw malloc/free pairs in several orders, realloc growth, and the
//! allocation patterns of `Vec`, `String` and `Box`.
//!
//! Raw allocations use alignment 8 (malloc's on this target: two words) and sizes cycling
//! through 8, 16, ..., 4096 unless said otherwise.

use super::Rng;
use crate::{Bench, Scale};
use std::alloc::{alloc, dealloc, handle_alloc_error, realloc, Layout};
use std::hint::black_box;
use std::ptr;

const SIZES: [usize; 10] = [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];
const BATCH: usize = 100;

#[inline(always)]
fn layout(size: usize) -> Layout {
    // SAFETY: sizes are small and the alignment is a power of two.
    unsafe { Layout::from_size_align_unchecked(size, 8) }
}

#[inline(always)]
fn get(size: usize) -> *mut u8 {
    let l = layout(size);
    // SAFETY: the size is nonzero.
    let p = unsafe { alloc(l) };
    if p.is_null() {
        handle_alloc_error(l);
    }
    black_box(p)
}

#[inline(always)]
fn put(p: *mut u8, size: usize) {
    // SAFETY: `p` came from `get(size)`.
    unsafe { dealloc(p, layout(size)) }
}

/// 1024 allocations of 4 KiB held at once, then freed; cold (no warm-up), and first: for
/// `system` it includes growing the heap through `IncreaseHeap`, which the arena variants
/// never do. ops = allocations.
pub fn heap_growth_cold(b: &mut Bench, s: Scale) {
    let n = s.ops(1024);
    let mut held: Vec<*mut u8> = Vec::with_capacity(n);
    b.measure(n, || {
        for _ in 0..n {
            held.push(get(4096));
        }
        for &p in &held {
            put(p, 4096);
        }
    });
}

/// Allocate and free at once. ops = pairs.
pub fn free_pair(b: &mut Bench, s: Scale) {
    let n = s.ops(10_000);
    b.measure(n, || {
        let mut k = 0;
        for _ in 0..n {
            let p = get(SIZES[k]);
            put(p, SIZES[k]);
            k += 1;
            if k == SIZES.len() {
                k = 0;
            }
        }
    });
}

/// Batches of 100 allocations freed in reverse order. ops = pairs.
pub fn lifo(b: &mut Bench, s: Scale) {
    let batches = s.ops(10_000) / BATCH;
    let mut held = [ptr::null_mut(); BATCH];
    b.measure(batches * BATCH, || {
        for _ in 0..batches {
            for (j, slot) in held.iter_mut().enumerate() {
                *slot = get(SIZES[j % SIZES.len()]);
            }
            for (j, &p) in held.iter().enumerate().rev() {
                put(p, SIZES[j % SIZES.len()]);
            }
        }
    });
}

/// Batches of 100 allocations freed in allocation order. ops = pairs.
pub fn fifo(b: &mut Bench, s: Scale) {
    let batches = s.ops(10_000) / BATCH;
    let mut held = [ptr::null_mut(); BATCH];
    b.measure(batches * BATCH, || {
        for _ in 0..batches {
            for (j, slot) in held.iter_mut().enumerate() {
                *slot = get(SIZES[j % SIZES.len()]);
            }
            for (j, &p) in held.iter().enumerate() {
                put(p, SIZES[j % SIZES.len()]);
            }
        }
    });
}

/// Batches of 100 allocations of random sizes (multiples of 8 in 8..=4096), freed in a random
/// order. ops = pairs.
pub fn random(b: &mut Bench, s: Scale) {
    let batches = s.ops(10_000) / BATCH;
    let mut rng = Rng::new(0x5eed_0001);
    // Precomputed: sizes per allocation, and a permutation per batch.
    let sizes: Vec<usize> = (0..batches * BATCH)
        .map(|_| 8 * (1 + rng.below(512)))
        .collect();
    let orders: Vec<[u8; BATCH]> = (0..batches)
        .map(|_| {
            let mut order = [0u8; BATCH];
            for (i, o) in order.iter_mut().enumerate() {
                *o = i as u8;
            }
            for i in (1..BATCH).rev() {
                order.swap(i, rng.below(i + 1));
            }
            order
        })
        .collect();
    let mut held = [ptr::null_mut(); BATCH];
    b.measure(batches * BATCH, || {
        for (batch, order) in orders.iter().enumerate() {
            let sizes = &sizes[batch * BATCH..(batch + 1) * BATCH];
            for (slot, &size) in held.iter_mut().zip(sizes) {
                *slot = get(size);
            }
            for &j in order {
                put(held[j as usize], sizes[j as usize]);
            }
        }
    });
}

/// Grow one block from 32 to 4096 bytes in steps of 32 with `realloc`, then free it.
/// ops = reallocs (127 per block).
pub fn realloc_grow(b: &mut Bench, s: Scale) {
    const STEPS: usize = 127;
    let chains = (s.ops(5_080) / STEPS).max(1);
    b.measure(chains * STEPS, || {
        for _ in 0..chains {
            let mut size = 32;
            let mut p = get(size);
            for _ in 0..STEPS {
                let new_size = size + 32;
                // SAFETY: `p` is live with layout(size); new_size is nonzero.
                p = unsafe { realloc(p, layout(size), new_size) };
                if p.is_null() {
                    handle_alloc_error(layout(new_size));
                }
                black_box(p);
                size = new_size;
            }
            put(p, size);
        }
    });
}

/// `Vec<u32>::new()` then 1000 pushes (growth by doubling), dropped. ops = pushes.
pub fn vec_push(b: &mut Bench, s: Scale) {
    let vecs = (s.ops(10_000) / 1000).max(1);
    b.measure(vecs * 1000, || {
        for _ in 0..vecs {
            let mut v = Vec::new();
            for i in 0..1000u32 {
                v.push(black_box(i));
            }
            black_box(&v);
        }
    });
}

/// `Vec<u32>::with_capacity(1000)` then 1000 pushes, dropped. ops = pushes.
pub fn vec_push_reserved(b: &mut Bench, s: Scale) {
    let vecs = (s.ops(10_000) / 1000).max(1);
    b.measure(vecs * 1000, || {
        for _ in 0..vecs {
            let mut v = Vec::with_capacity(1000);
            for i in 0..1000u32 {
                v.push(black_box(i));
            }
            black_box(&v);
        }
    });
}

const WORDS: [&str; 8] = [
    "a", "to", "the", "heap", "grows", "slowly", "through", "syscalls",
];

/// `String::new()` then 500 `push_str` of 1..8-byte words, dropped. ops = appends.
pub fn string_build(b: &mut Bench, s: Scale) {
    let strings = (s.ops(10_000) / 500).max(1);
    b.measure(strings * 500, || {
        for _ in 0..strings {
            let mut text = String::new();
            for i in 0..500 {
                text.push_str(black_box(WORDS[i % WORDS.len()]));
            }
            black_box(&text);
        }
    });
}

/// A 4 KiB struct, written in place.
struct Large {
    id: u32,
    body: [u32; 1023],
}

/// `Box::new` of a 4 KiB struct (zeroed body), dropped at once. ops = boxes.
pub fn box_large(b: &mut Bench, s: Scale) {
    let n = s.ops(1_000);
    b.measure(n, || {
        for i in 0..n {
            let boxed = Box::new(Large {
                id: i as u32,
                body: [0; 1023],
            });
            black_box(&boxed);
            black_box(boxed.id + boxed.body[1022]);
        }
    });
}
