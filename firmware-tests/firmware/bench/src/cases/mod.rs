//! Every case, in the order they run (the order is part of the measurement: keep it, and
//! add new cases at the end).

mod alloc;
mod collections;

use crate::{Bench, Scale};

/// One benchmark case.
pub struct Case {
    /// Name, unique.
    pub name: &'static str,
    /// `alloc` or `collections`.
    pub group: &'static str,
    /// Whether it runs without a warm-up pass (it measures a first-time cost).
    pub cold: bool,
    /// Sets up, calls [`Bench::measure`] once, tears down.
    pub run: fn(&mut Bench, Scale),
}

macro_rules! case {
    ($group:literal, $name:literal, $f:path) => {
        Case {
            name: $name,
            group: $group,
            cold: false,
            run: $f,
        }
    };
}

/// All cases.
pub const ALL: &[Case] = &[
    // First, so that it is what grows the heap from its initial size.
    Case {
        name: "heap_growth_cold",
        group: "alloc",
        cold: true,
        run: alloc::heap_growth_cold,
    },
    case!("alloc", "alloc_free_pair", alloc::free_pair),
    case!("alloc", "alloc_lifo", alloc::lifo),
    case!("alloc", "alloc_fifo", alloc::fifo),
    case!("alloc", "alloc_random", alloc::random),
    case!("alloc", "realloc_grow", alloc::realloc_grow),
    case!("alloc", "vec_push", alloc::vec_push),
    case!("alloc", "vec_push_reserved", alloc::vec_push_reserved),
    case!("alloc", "string_build", alloc::string_build),
    case!("alloc", "box_large", alloc::box_large),
    case!(
        "collections",
        "hashmap_u32_sip_insert",
        collections::u32_sip_insert
    ),
    case!(
        "collections",
        "hashmap_u32_sip_get",
        collections::u32_sip_get
    ),
    case!(
        "collections",
        "hashmap_u32_sip_remove",
        collections::u32_sip_remove
    ),
    case!(
        "collections",
        "hashmap_u32_fx_insert",
        collections::u32_fx_insert
    ),
    case!("collections", "hashmap_u32_fx_get", collections::u32_fx_get),
    case!(
        "collections",
        "hashmap_u32_fx_remove",
        collections::u32_fx_remove
    ),
    case!(
        "collections",
        "hashmap_u32_fold_insert",
        collections::u32_fold_insert
    ),
    case!(
        "collections",
        "hashmap_u32_fold_get",
        collections::u32_fold_get
    ),
    case!(
        "collections",
        "hashmap_u32_fold_remove",
        collections::u32_fold_remove
    ),
    case!(
        "collections",
        "hashmap_u32_ahash_insert",
        collections::u32_ahash_insert
    ),
    case!(
        "collections",
        "hashmap_u32_ahash_get",
        collections::u32_ahash_get
    ),
    case!(
        "collections",
        "hashmap_u32_ahash_remove",
        collections::u32_ahash_remove
    ),
    case!(
        "collections",
        "hashmap_string_sip_insert",
        collections::string_sip_insert
    ),
    case!(
        "collections",
        "hashmap_string_sip_get",
        collections::string_sip_get
    ),
    case!(
        "collections",
        "hashmap_string_sip_remove",
        collections::string_sip_remove
    ),
    case!(
        "collections",
        "hashmap_string_fx_insert",
        collections::string_fx_insert
    ),
    case!(
        "collections",
        "hashmap_string_fx_get",
        collections::string_fx_get
    ),
    case!(
        "collections",
        "hashmap_string_fx_remove",
        collections::string_fx_remove
    ),
    case!(
        "collections",
        "hashmap_string_fold_insert",
        collections::string_fold_insert
    ),
    case!(
        "collections",
        "hashmap_string_fold_get",
        collections::string_fold_get
    ),
    case!(
        "collections",
        "hashmap_string_fold_remove",
        collections::string_fold_remove
    ),
    case!(
        "collections",
        "hashmap_string_ahash_insert",
        collections::string_ahash_insert
    ),
    case!(
        "collections",
        "hashmap_string_ahash_get",
        collections::string_ahash_get
    ),
    case!(
        "collections",
        "hashmap_string_ahash_remove",
        collections::string_ahash_remove
    ),
    case!("collections", "btreemap_insert", collections::btree_insert),
    case!("collections", "btreemap_get", collections::btree_get),
    case!("collections", "btreemap_range", collections::btree_range),
    case!(
        "collections",
        "vecdeque_push_pop",
        collections::vecdeque_push_pop
    ),
    case!(
        "collections",
        "binaryheap_push_pop",
        collections::binaryheap_push_pop
    ),
    case!(
        "collections",
        "sort_unstable_10k_u32",
        collections::sort_unstable
    ),
];

/// A deterministic xorshift32 generator (fixed seeds: every run sees the same data).
pub struct Rng(u32);

impl Rng {
    /// Seeded (never 0).
    pub fn new(seed: u32) -> Rng {
        Rng(seed | 1)
    }

    /// The next value.
    pub fn next_u32(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }

    /// A value below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u32() as usize) % n
    }
}
