//! A checksum over threads, channels and collections, computed the same way on the host
//! (test-harness's `xous_core` test includes this file) and on the target.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::mpsc;
use std::thread;

/// FNV-1a over `bytes`, continuing from `hash`.
fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    hash
}

/// Four threads each send their share of the work over one channel; the results go
/// through a BTreeMap (ordered), a HashMap and a VecDeque before they are hashed.
pub fn checksum() -> u64 {
    let (tx, rx) = mpsc::channel();
    let workers: Vec<_> = (0..4u64)
        .map(|w| {
            let tx = tx.clone();
            thread::spawn(move || {
                for i in 0..250u64 {
                    let n = w * 1000 + i;
                    tx.send((n, n.wrapping_mul(n) % 9973)).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let ordered: BTreeMap<u64, u64> = rx.iter().collect();
    for w in workers {
        w.join().unwrap();
    }
    let mut counts: HashMap<u64, u32> = HashMap::new();
    for v in ordered.values() {
        *counts.entry(v % 17).or_default() += 1;
    }
    let mut queue: VecDeque<u64> = ordered.keys().copied().collect();
    queue.rotate_left(123);
    let mut hash = 0xcbf2_9ce4_8422_2325;
    for (k, v) in &ordered {
        hash = fnv(hash, &k.to_le_bytes());
        hash = fnv(hash, &v.to_le_bytes());
    }
    let mut buckets: Vec<_> = counts.into_iter().collect();
    buckets.sort();
    for (bucket, count) in buckets {
        hash = fnv(hash, &bucket.to_le_bytes());
        hash = fnv(hash, &count.to_le_bytes());
    }
    fnv(hash, &queue.front().copied().unwrap_or(0).to_le_bytes())
}
