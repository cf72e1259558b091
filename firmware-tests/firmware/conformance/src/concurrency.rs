//! Threads and synchronisation primitives.
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Barrier, Condvar, LazyLock, Mutex, Once, OnceLock, RwLock};
use std::thread;
use std::time::Duration;

pub fn spawn_join() {
    let handles: Vec<_> = (0..6u32).map(|i| thread::spawn(move || i * i)).collect();
    let squares: Vec<u32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(squares, [0, 1, 4, 9, 16, 25]);
    let named = thread::Builder::new()
        .name("worker".into())
        .stack_size(64 * 1024);
    let name = named
        .spawn(|| thread::current().name().map(String::from))
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(name.as_deref(), Some("worker"));
    let ids: Vec<_> = (0..3)
        .map(|_| thread::spawn(|| thread::current().id()).join().unwrap())
        .collect();
    assert!(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != thread::current().id());
    assert!(thread::spawn(|| panic!("thread panics")).join().is_err());
}

pub fn scoped_threads() {
    let mut data = vec![1u32, 2, 3, 4, 5, 6, 7, 8];
    let total = AtomicU32::new(0);
    thread::scope(|s| {
        for chunk in data.chunks_mut(2) {
            let total = &total;
            s.spawn(move || {
                for x in chunk.iter_mut() {
                    *x *= 10;
                    total.fetch_add(*x, Ordering::Relaxed);
                }
            });
        }
    });
    assert_eq!(data, [10, 20, 30, 40, 50, 60, 70, 80]);
    assert_eq!(total.into_inner(), 360);
}

pub fn mutex() {
    let m = Arc::new(Mutex::new(0u64));
    let hs: Vec<_> = (0..4)
        .map(|_| {
            let m = m.clone();
            thread::spawn(move || {
                for _ in 0..2000 {
                    *m.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    hs.into_iter().for_each(|h| h.join().unwrap());
    assert_eq!(*m.lock().unwrap(), 8000);
    let guard = m.lock().unwrap();
    assert!(m.try_lock().is_err());
    drop(guard);
    let poisoned = Arc::new(Mutex::new(1));
    let p2 = poisoned.clone();
    let _ = thread::spawn(move || {
        let _g = p2.lock().unwrap();
        panic!("poison it");
    })
    .join();
    assert!(poisoned.is_poisoned());
    assert_eq!(*poisoned.lock().unwrap_or_else(|e| e.into_inner()), 1);
}

pub fn rwlock() {
    let l = Arc::new(RwLock::new(vec![0u32; 4]));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let l = l.clone();
            thread::spawn(move || {
                (0..200)
                    .map(|_| l.read().unwrap().iter().sum::<u32>())
                    .max()
                    .unwrap()
            })
        })
        .collect();
    for i in 0..100 {
        l.write().unwrap()[i % 4] += 1;
    }
    for r in readers {
        assert!(r.join().unwrap() <= 100);
    }
    assert_eq!(l.read().unwrap().iter().sum::<u32>(), 100);
    let r1 = l.read().unwrap();
    let r2 = l.read().unwrap();
    assert!(l.try_write().is_err());
    drop((r1, r2));
    assert!(l.try_write().is_ok());
}

pub fn condvar() {
    let pair = Arc::new((Mutex::new(Vec::<u32>::new()), Condvar::new()));
    let consumer = {
        let pair = pair.clone();
        thread::spawn(move || {
            let (lock, cv) = &*pair;
            let mut got = Vec::new();
            while got.len() < 50 {
                let mut q = cv
                    .wait_while(lock.lock().unwrap(), |q| q.is_empty())
                    .unwrap();
                got.append(&mut q);
            }
            got
        })
    };
    for i in 0..50 {
        pair.0.lock().unwrap().push(i);
        pair.1.notify_one();
        if i % 10 == 0 {
            thread::yield_now();
        }
    }
    assert_eq!(consumer.join().unwrap(), (0..50).collect::<Vec<_>>());
    let (lock, cv) = &*pair;
    let (_g, timeout) = cv
        .wait_timeout(lock.lock().unwrap(), Duration::from_millis(30))
        .unwrap();
    assert!(timeout.timed_out());
}

pub fn once_oncelock_lazylock() {
    static ONCE: Once = Once::new();
    static RUNS: AtomicU32 = AtomicU32::new(0);
    static CELL: OnceLock<String> = OnceLock::new();
    static LAZY: LazyLock<Vec<u32>> = LazyLock::new(|| (1..=10).collect());
    let hs: Vec<_> = (0..4)
        .map(|i| {
            thread::spawn(move || {
                ONCE.call_once(|| {
                    RUNS.fetch_add(1, Ordering::SeqCst);
                });
                CELL.get_or_init(|| format!("init by {i}")).len()
                    + LAZY.iter().sum::<u32>() as usize
            })
        })
        .collect();
    for h in hs {
        assert_eq!(h.join().unwrap(), "init by N".len() + 55);
    }
    assert_eq!(RUNS.load(Ordering::SeqCst), 1);
    assert!(ONCE.is_completed());
    assert!(CELL.get().unwrap().starts_with("init by "));
}

pub fn barrier() {
    let b = Arc::new(Barrier::new(5));
    let arrived = Arc::new(AtomicUsize::new(0));
    let hs: Vec<_> = (0..5)
        .map(|_| {
            let (b, arrived) = (b.clone(), arrived.clone());
            thread::spawn(move || {
                arrived.fetch_add(1, Ordering::SeqCst);
                let leader = b.wait().is_leader();
                assert_eq!(arrived.load(Ordering::SeqCst), 5);
                leader
            })
        })
        .collect();
    let leaders = hs
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|&l| l)
        .count();
    assert_eq!(leaders, 1);
}

pub fn mpsc() {
    let (tx, rx) = mpsc::channel::<u32>();
    let producers: Vec<_> = (0..4)
        .map(|p| {
            let tx = tx.clone();
            thread::spawn(move || (0..250).for_each(|i| tx.send(p * 1000 + i).unwrap()))
        })
        .collect();
    drop(tx);
    let mut got: Vec<u32> = rx.iter().collect();
    producers.into_iter().for_each(|h| h.join().unwrap());
    got.sort_unstable();
    assert_eq!(got.len(), 1000);
    let (stx, srx) = mpsc::sync_channel::<u32>(2);
    let sender = thread::spawn(move || {
        for i in 0..20 {
            stx.send(i).unwrap();
        }
    });
    let received: Vec<u32> = srx.iter().collect();
    sender.join().unwrap();
    assert_eq!(received, (0..20).collect::<Vec<_>>());
    let (tx0, rx0) = mpsc::sync_channel::<u8>(0);
    let t = thread::spawn(move || tx0.send(9).unwrap());
    assert_eq!(rx0.recv_timeout(Duration::from_secs(5)), Ok(9));
    t.join().unwrap();
    assert!(rx0.try_recv().is_err());
}

pub fn atomics() {
    // 32-bit target: no 64-bit atomics (max-atomic-width 32).
    let counter = Arc::new(AtomicU32::new(0));
    let flag = Arc::new(AtomicBool::new(false));
    let hs: Vec<_> = (0..4)
        .map(|_| {
            let (c, f) = (counter.clone(), flag.clone());
            thread::spawn(move || {
                for _ in 0..1000 {
                    c.fetch_add(1, Ordering::Relaxed);
                }
                f.store(true, Ordering::Release);
            })
        })
        .collect();
    hs.into_iter().for_each(|h| h.join().unwrap());
    assert_eq!(counter.load(Ordering::SeqCst), 4000);
    assert!(flag.load(Ordering::Acquire));
    let a = AtomicU32::new(5);
    assert_eq!(
        a.compare_exchange(5, 6, Ordering::SeqCst, Ordering::SeqCst),
        Ok(5)
    );
    assert_eq!(
        a.compare_exchange(5, 7, Ordering::SeqCst, Ordering::SeqCst),
        Err(6)
    );
    assert_eq!(
        a.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |x| Some(x * 2)),
        Ok(6)
    );
    assert_eq!(a.fetch_max(100, Ordering::SeqCst), 12);
    assert_eq!(a.swap(1, Ordering::SeqCst), 100);
}

pub fn park() {
    let ready = Arc::new(AtomicBool::new(false));
    let parked = {
        let ready = ready.clone();
        thread::spawn(move || {
            while !ready.load(Ordering::Acquire) {
                thread::park();
            }
            "unparked"
        })
    };
    thread::sleep(Duration::from_millis(5));
    ready.store(true, Ordering::Release);
    parked.thread().unpark();
    assert_eq!(parked.join().unwrap(), "unparked");
    // A token given before park makes park return at once; park_timeout returns.
    thread::current().unpark();
    thread::park();
    thread::park_timeout(Duration::from_millis(10));
}

pub fn available_parallelism() {
    let n = thread::available_parallelism().unwrap().get();
    assert_eq!(n, 1, "the Xous target reports one hart");
}
