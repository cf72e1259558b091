//! std::collections and slice algorithms.
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::hash::{BuildHasher, Hasher};

/// FNV-1a, to check that a custom BuildHasher works.
#[derive(Default, Clone)]
struct Fnv(u64);
impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
    }
}
#[derive(Default, Clone)]
struct BuildFnv;
impl BuildHasher for BuildFnv {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

pub fn hashmap_hashset() {
    let mut m: HashMap<String, u32> = HashMap::new();
    for i in 0..5000u32 {
        m.insert(format!("key{i}"), i);
    }
    assert_eq!(m.len(), 5000);
    assert_eq!(m["key4321"], 4321);
    for i in (0..5000u32).step_by(2) {
        assert_eq!(m.remove(&format!("key{i}")), Some(i));
    }
    assert_eq!(m.len(), 2500);
    assert!(!m.contains_key("key10"));
    let mut custom: HashMap<u64, u64, BuildFnv> = HashMap::with_hasher(BuildFnv);
    for i in 0..10_000u64 {
        *custom.entry(i % 1000).or_default() += i;
    }
    assert_eq!(custom.len(), 1000);
    assert_eq!(custom[&7], (0..10).map(|k| 7 + 1000 * k).sum::<u64>());
    let a: HashSet<u32> = (0..100).collect();
    let b: HashSet<u32> = (50..150).collect();
    assert_eq!(a.intersection(&b).count(), 50);
    assert_eq!(a.union(&b).count(), 150);
    let mut fnv_set: HashSet<&str, BuildFnv> = HashSet::default();
    assert!(fnv_set.insert("x") && !fnv_set.insert("x"));
}

pub fn btree_ranges() {
    let m: BTreeMap<u32, u32> = (0..10_000).map(|i| (i * 3, i)).collect();
    let r: Vec<u32> = m.range(30..=45).map(|(k, _)| *k).collect();
    assert_eq!(r, [30, 33, 36, 39, 42, 45]);
    assert_eq!(m.range(..10).count(), 4);
    assert_eq!(m.range(29_990..).count(), 3);
    assert_eq!(m.first_key_value(), Some((&0, &0)));
    assert_eq!(m.last_key_value(), Some((&29_997, &9_999)));
    let s: BTreeSet<i64> = (-500..500).collect();
    assert_eq!(
        s.range(-3..3).copied().collect::<Vec<_>>(),
        [-3, -2, -1, 0, 1, 2]
    );
    let mut split = s.clone();
    let high = split.split_off(&0);
    assert_eq!((split.len(), high.len()), (500, 500));
}

pub fn vecdeque_wraparound() {
    let mut d: VecDeque<u32> = VecDeque::with_capacity(8);
    let cap = d.capacity();
    for round in 0..1000u32 {
        d.push_back(round);
        if d.len() > cap / 2 {
            assert_eq!(d.pop_front(), Some(round - (cap / 2) as u32));
        }
    }
    assert_eq!(d.capacity(), cap, "no growth while the ring wraps");
    let (a, b) = d.as_slices();
    assert_eq!(a.len() + b.len(), d.len());
    d.make_contiguous().sort_unstable_by(|x, y| y.cmp(x));
    assert!(d.iter().zip(d.iter().skip(1)).all(|(x, y)| x > y));
    d.rotate_left(1);
    d.push_front(7);
    assert_eq!(d[0], 7);
}

pub fn binary_heap() {
    let mut h: BinaryHeap<u32> = BinaryHeap::new();
    let mut x = 1u32;
    for _ in 0..5000 {
        x = x.wrapping_mul(48271) % 0x7fff_ffff;
        h.push(x % 100_000);
    }
    let mut last = u32::MAX;
    while let Some(top) = h.pop() {
        assert!(top <= last);
        last = top;
    }
    let mut min = BinaryHeap::from(vec![
        std::cmp::Reverse(5),
        std::cmp::Reverse(1),
        std::cmp::Reverse(3),
    ]);
    assert_eq!(min.pop(), Some(std::cmp::Reverse(1)));
    assert_eq!(min.into_sorted_vec().len(), 2);
}

pub fn linked_list() {
    let mut l: LinkedList<String> = LinkedList::new();
    for i in 0..100 {
        if i % 2 == 0 {
            l.push_back(i.to_string());
        } else {
            l.push_front(i.to_string());
        }
    }
    assert_eq!(l.len(), 100);
    assert_eq!(l.front().map(String::as_str), Some("99"));
    assert_eq!(l.back().map(String::as_str), Some("98"));
    let mut tail = l.split_off(50);
    l.append(&mut tail);
    assert_eq!(l.len(), 100);
    assert_eq!(l.iter().filter(|s| s.len() == 1).count(), 10);
}

pub fn sorts_10k() {
    let mut x = 0x1234_5678u32;
    let data: Vec<u32> = (0..10_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        })
        .collect();
    let mut a = data.clone();
    a.sort();
    assert!(a.windows(2).all(|w| w[0] <= w[1]));
    let mut b = data.clone();
    b.sort_unstable();
    assert_eq!(a, b);
    let mut pairs: Vec<(u32, usize)> = data.iter().map(|&v| v % 100).zip(0..).collect();
    pairs.sort_by_key(|p| p.0);
    // Stable: equal keys keep their original order.
    assert!(pairs
        .windows(2)
        .all(|w| w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1)));
    let mut strings: Vec<String> = data.iter().take(2000).map(|v| v.to_string()).collect();
    strings.sort_unstable();
    assert!(strings.windows(2).all(|w| w[0] <= w[1]));
}

pub fn dedup_retain() {
    let mut v: Vec<u32> = (0..1000).map(|i| i / 3).collect();
    v.dedup();
    assert_eq!(v, (0..334).collect::<Vec<_>>());
    v.retain(|x| x % 5 == 0);
    assert_eq!(v.len(), 67);
    let mut words = vec!["a", "A", "b", "B", "b"];
    words.dedup_by_key(|w| w.to_ascii_lowercase());
    assert_eq!(words, ["a", "b"]);
    let mut s = String::from("h e l l o");
    s.retain(|c| c != ' ');
    assert_eq!(s, "hello");
}
