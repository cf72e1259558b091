//! Collection cases: `HashMap` with `u32` and `String` keys under four hashers, `BTreeMap`,
//! `VecDeque`, `BinaryHeap` and `sort_unstable`.
//!
//! Hashers are all seeded with fixed keys so that every variant and every run probe the same
//! table slots: SipHash-1-3 (`DefaultHasher`, std's algorithm; std's `RandomState` would take
//! its keys from heap addresses on this target, which differ between allocators), FxHash
//! (rustc-hash), foldhash's fast hasher and aHash (without default features).

use super::Rng;
use crate::{Bench, Scale};
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, Hash};
use std::hint::black_box;

type Sip = BuildHasherDefault<DefaultHasher>;
type Fx = rustc_hash::FxBuildHasher;
type Fold = foldhash::fast::FixedState;
type AHash = BuildHasherDefault<ahash::AHasher>;

/// Keys per map.
const MAP_KEYS: usize = 2_000;

fn u32_keys(n: usize) -> Vec<u32> {
    let mut rng = Rng::new(0x5eed_0002);
    (0..n).map(|_| rng.next_u32()).collect()
}

fn string_keys(n: usize) -> Vec<String> {
    let mut rng = Rng::new(0x5eed_0003);
    (0..n)
        .map(|_| format!("key-{:08x}", rng.next_u32()))
        .collect()
}

fn filled<K: Hash + Eq + Clone, S: BuildHasher + Default>(keys: &[K]) -> HashMap<K, u32, S> {
    let mut map = HashMap::with_hasher(S::default());
    for (i, k) in keys.iter().enumerate() {
        map.insert(k.clone(), i as u32);
    }
    map
}

/// Inserts into an empty map (no reserve: growth included). ops = inserts.
fn insert<K: Hash + Eq + Clone, S: BuildHasher + Default>(b: &mut Bench, keys: Vec<K>) {
    let n = keys.len();
    let map = b.measure(n, || {
        let mut map: HashMap<K, u32, S> = HashMap::with_hasher(S::default());
        for (i, k) in keys.into_iter().enumerate() {
            map.insert(k, i as u32);
        }
        map
    });
    black_box(&map);
}

/// Looks every key up in a full map (all hits). ops = lookups.
fn get<K: Hash + Eq + Clone, S: BuildHasher + Default>(b: &mut Bench, keys: Vec<K>) {
    let map: HashMap<K, u32, S> = filled(&keys);
    b.measure(keys.len(), || {
        for k in &keys {
            black_box(map.get(k));
        }
    });
}

/// Removes every key from a full map. ops = removals.
fn remove<K: Hash + Eq + Clone, S: BuildHasher + Default>(b: &mut Bench, keys: Vec<K>) {
    let mut map: HashMap<K, u32, S> = filled(&keys);
    b.measure(keys.len(), || {
        for k in &keys {
            black_box(map.remove(k));
        }
    });
    black_box(&map);
}

macro_rules! hashmap_cases {
    ($($name:ident: $op:ident, $keys:ident, $hasher:ty;)*) => {
        $(
            #[doc = concat!("`", stringify!($op), "` with `", stringify!($keys), "` and `", stringify!($hasher), "`.")]
            pub fn $name(b: &mut Bench, s: Scale) {
                $op::<_, $hasher>(b, $keys(s.ops(MAP_KEYS)));
            }
        )*
    };
}

hashmap_cases! {
    u32_sip_insert: insert, u32_keys, Sip;
    u32_sip_get: get, u32_keys, Sip;
    u32_sip_remove: remove, u32_keys, Sip;
    u32_fx_insert: insert, u32_keys, Fx;
    u32_fx_get: get, u32_keys, Fx;
    u32_fx_remove: remove, u32_keys, Fx;
    u32_fold_insert: insert, u32_keys, Fold;
    u32_fold_get: get, u32_keys, Fold;
    u32_fold_remove: remove, u32_keys, Fold;
    u32_ahash_insert: insert, u32_keys, AHash;
    u32_ahash_get: get, u32_keys, AHash;
    u32_ahash_remove: remove, u32_keys, AHash;
    string_sip_insert: insert, string_keys, Sip;
    string_sip_get: get, string_keys, Sip;
    string_sip_remove: remove, string_keys, Sip;
    string_fx_insert: insert, string_keys, Fx;
    string_fx_get: get, string_keys, Fx;
    string_fx_remove: remove, string_keys, Fx;
    string_fold_insert: insert, string_keys, Fold;
    string_fold_get: get, string_keys, Fold;
    string_fold_remove: remove, string_keys, Fold;
    string_ahash_insert: insert, string_keys, AHash;
    string_ahash_get: get, string_keys, AHash;
    string_ahash_remove: remove, string_keys, AHash;
}

/// Elements for the ordered collections and the sort.
const N: usize = 10_000;

/// 10^4 random keys into an empty `BTreeMap<u32, u32>`. ops = inserts.
pub fn btree_insert(b: &mut Bench, s: Scale) {
    let keys = u32_keys(s.ops(N));
    let map = b.measure(keys.len(), || {
        let mut map = BTreeMap::new();
        for (i, &k) in keys.iter().enumerate() {
            map.insert(k, i as u32);
        }
        map
    });
    black_box(&map);
}

/// Every key looked up in a full `BTreeMap<u32, u32>`. ops = lookups.
pub fn btree_get(b: &mut Bench, s: Scale) {
    let keys = u32_keys(s.ops(N));
    let map: BTreeMap<u32, u32> = keys.iter().map(|&k| (k, k)).collect();
    b.measure(keys.len(), || {
        for k in &keys {
            black_box(map.get(k));
        }
    });
}

/// Range queries over a full `BTreeMap<u32, u32>`, each summing the about eight entries in
/// a window that starts at a key. ops = queries.
pub fn btree_range(b: &mut Bench, s: Scale) {
    let keys = u32_keys(s.ops(N));
    let map: BTreeMap<u32, u32> = keys.iter().map(|&k| (k, k)).collect();
    let width = (u32::MAX as usize / keys.len() * 8) as u32;
    let queries = keys.len() / 10;
    b.measure(queries, || {
        for &lo in &keys[..queries] {
            let sum: u32 = map
                .range(lo..lo.saturating_add(width))
                .fold(0u32, |a, (_, &v)| a.wrapping_add(v));
            black_box(sum);
        }
    });
}

/// `push_back` 10^4 values into an empty `VecDeque<u32>`, then `pop_front` them all.
/// ops = push/pop pairs.
pub fn vecdeque_push_pop(b: &mut Bench, s: Scale) {
    let n = s.ops(N);
    b.measure(n, || {
        let mut d = VecDeque::new();
        for i in 0..n as u32 {
            d.push_back(black_box(i));
        }
        for _ in 0..n {
            black_box(d.pop_front());
        }
    });
}

/// Push 10^4 random values into an empty `BinaryHeap<u32>`, then pop them all.
/// ops = push/pop pairs.
pub fn binaryheap_push_pop(b: &mut Bench, s: Scale) {
    let values = u32_keys(s.ops(N));
    b.measure(values.len(), || {
        let mut h = BinaryHeap::new();
        for &v in &values {
            h.push(v);
        }
        while let Some(v) = h.pop() {
            black_box(v);
        }
    });
}

/// `sort_unstable` of 10^4 random `u32`. ops = elements.
pub fn sort_unstable(b: &mut Bench, s: Scale) {
    let mut values = u32_keys(s.ops(N));
    b.measure(values.len(), || {
        values.sort_unstable();
    });
    black_box(&values);
}
