//! The global allocator: growth, shrinking, realloc, large blocks, alignment, ZSTs.
use std::alloc::{alloc, alloc_zeroed, dealloc, realloc, Layout};

pub fn box_vec_string_growth() {
    let b = Box::new([7u64; 64]);
    assert_eq!(b.iter().sum::<u64>(), 7 * 64);
    let mut v = Vec::new();
    let mut caps = Vec::new();
    for i in 0..10_000u32 {
        v.push(i);
        if caps.last() != Some(&v.capacity()) {
            caps.push(v.capacity());
        }
    }
    assert!(caps.windows(2).all(|w| w[1] > w[0]), "{caps:?}");
    assert_eq!(v.iter().map(|&x| x as u64).sum::<u64>(), 49_995_000);
    let mut s = String::new();
    for i in 0..2000 {
        s.push_str(&i.to_string());
    }
    assert_eq!(s.len(), 6890);
    assert!(s.starts_with("0123456789101112"));
}

pub fn shrink_and_realloc() {
    let mut v: Vec<u8> = Vec::with_capacity(64 * 1024);
    v.extend(std::iter::repeat_n(0xab, 100));
    v.shrink_to_fit();
    assert_eq!(v.capacity(), 100);
    assert!(v.iter().all(|&b| b == 0xab));
    unsafe {
        let layout = Layout::from_size_align(16, 8).unwrap();
        let p = alloc(layout);
        assert!(!p.is_null());
        for i in 0..16 {
            *p.add(i) = i as u8;
        }
        // Up: contents kept.
        let p = realloc(p, layout, 100_000);
        assert!(!p.is_null());
        assert!((0..16).all(|i| *p.add(i) == i as u8));
        *p.add(99_999) = 1;
        // Down: prefix kept.
        let big = Layout::from_size_align(100_000, 8).unwrap();
        let p = realloc(p, big, 8);
        assert!(!p.is_null());
        assert!((0..8).all(|i| *p.add(i) == i as u8));
        dealloc(p, Layout::from_size_align(8, 8).unwrap());
    }
}

pub fn large_allocations_grow_the_heap() {
    // 24 MiB in 3 MiB blocks: far beyond any initial heap, so it must grow.
    let blocks: Vec<Vec<u8>> = (0..8).map(|i| vec![i as u8; 3 << 20]).collect();
    for (i, b) in blocks.iter().enumerate() {
        assert_eq!(b.len(), 3 << 20);
        assert!(b[0] == i as u8 && b[b.len() - 1] == i as u8);
    }
    drop(blocks);
    let again = vec![1u8; 20 << 20];
    assert_eq!(again.iter().map(|&b| b as usize).sum::<usize>(), 20 << 20);
}

pub fn alignments_1_to_4096() {
    let mut align = 1;
    while align <= 4096 {
        for size in [1, align, 3 * align + 1] {
            let layout = Layout::from_size_align(size, align).unwrap();
            unsafe {
                let p = alloc(layout);
                assert!(!p.is_null());
                assert_eq!(p as usize % align, 0, "align {align} size {size}");
                p.write_bytes(0x5a, size);
                dealloc(p, layout);
            }
        }
        align *= 2;
    }
    #[repr(align(4096))]
    struct Page([u8; 4096]);
    let b = Box::new(Page([1; 4096]));
    assert_eq!(&*b as *const Page as usize % 4096, 0);
    assert_eq!(b.0[4095], 1);
}

pub fn zero_sized_types() {
    let mut v: Vec<()> = Vec::new();
    for _ in 0..1_000_000 {
        v.push(());
    }
    assert_eq!(v.len(), 1_000_000);
    assert_eq!(v.capacity(), usize::MAX);
    let b = Box::new(());
    let c = Box::new([0u64; 0]);
    assert_eq!(std::mem::size_of_val(&*b) + c.len(), 0);
    struct Empty;
    let many: Vec<Box<Empty>> = (0..100).map(|_| Box::new(Empty)).collect();
    assert_eq!(many.len(), 100);
}

pub fn many_small_cycles() {
    let mut live: Vec<Box<[u8]>> = Vec::new();
    let mut x: u32 = 12345;
    for round in 0..20_000u32 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let size = (x >> 16) as usize % 200 + 1;
        live.push(vec![round as u8; size].into_boxed_slice());
        if live.len() > 64 {
            let victim = (x as usize) % live.len();
            let b = live.swap_remove(victim);
            assert!(b.iter().all(|&v| v == b[0]));
        }
    }
    assert_eq!(live.len(), 64);
}

pub fn alloc_zeroed_is_zeroed() {
    unsafe {
        // Dirty some memory first so that reuse would show.
        for _ in 0..10 {
            let layout = Layout::from_size_align(64 * 1024, 16).unwrap();
            let p = alloc(layout);
            p.write_bytes(0xff, 64 * 1024);
            dealloc(p, layout);
        }
        for size in [1, 100, 4096, 64 * 1024, 1 << 20] {
            let layout = Layout::from_size_align(size, 16).unwrap();
            let p = alloc_zeroed(layout);
            assert!(!p.is_null());
            assert!(
                std::slice::from_raw_parts(p, size).iter().all(|&b| b == 0),
                "size {size}"
            );
            dealloc(p, layout);
        }
    }
    let v = vec![0u32; 100_000];
    assert!(v.iter().all(|&x| x == 0));
}
