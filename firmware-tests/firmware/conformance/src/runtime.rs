//! Runtime services: TLS, clocks, panics, exit, args/env, stdio, hashing keys.
use std::cell::RefCell;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

static DROPPED: AtomicU32 = AtomicU32::new(0);

struct Tracked(u32);
impl Drop for Tracked {
    fn drop(&mut self) {
        DROPPED.fetch_add(self.0, Ordering::SeqCst);
    }
}

thread_local! {
    static TRACKED: RefCell<Option<Tracked>> = const { RefCell::new(None) };
    static COUNTER: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

pub fn thread_local_destructors() {
    let hs: Vec<_> = (1..=4u32)
        .map(|i| {
            std::thread::spawn(move || {
                TRACKED.with(|t| *t.borrow_mut() = Some(Tracked(i)));
                COUNTER.with(|c| c.set(c.get() + i));
                COUNTER.with(|c| c.get())
            })
        })
        .collect();
    let values: Vec<u32> = hs.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(values, [1, 2, 3, 4], "each thread has its own copy");
    assert_eq!(
        DROPPED.load(Ordering::SeqCst),
        10,
        "destructors ran at thread exit"
    );
    assert_eq!(COUNTER.with(|c| c.get()), 0, "main's copy untouched");
}

pub fn instant_and_systemtime() {
    let a = Instant::now();
    let mut spin = 0u64;
    while a.elapsed() < Duration::from_millis(3) {
        spin = std::hint::black_box(spin + 1);
    }
    let b = Instant::now();
    assert!(b > a && b.duration_since(a) >= Duration::from_millis(3));
    assert_eq!(a.checked_duration_since(b), None);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    // The harness starts the clock at 1_700_000_000_000 ms.
    assert!(
        now >= Duration::from_secs(1_700_000_000) && now < Duration::from_secs(1_700_000_100),
        "{now:?}"
    );
    let later = SystemTime::now();
    assert!(later.duration_since(UNIX_EPOCH + now).is_ok());
}

pub fn sleep() {
    for ms in [1u64, 20, 75] {
        let start = Instant::now();
        std::thread::sleep(Duration::from_millis(ms));
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(ms), "{ms} ms took {took:?}");
        assert!(
            took < Duration::from_millis(ms + 5),
            "{ms} ms took {took:?}"
        );
    }
}

pub fn catch_and_resume_unwind() {
    let r = std::panic::catch_unwind(|| {
        let v: Vec<u32> = Vec::new();
        v[3]
    });
    assert!(r.is_err());
    let payload =
        std::panic::catch_unwind(|| std::panic::panic_any(String::from("custom"))).unwrap_err();
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("custom")
    );
    let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        std::panic::resume_unwind(payload)
    }))
    .unwrap_err();
    assert_eq!(
        again.downcast_ref::<String>().map(String::as_str),
        Some("custom")
    );
    // Destructors run during unwinding.
    let before = DROPPED.load(Ordering::SeqCst);
    let _ = std::panic::catch_unwind(|| {
        let _t = Tracked(100);
        panic!("unwinding past a destructor");
    });
    assert_eq!(DROPPED.load(Ordering::SeqCst), before + 100);
}

pub fn process_exit() {
    println!("before exit");
    std::process::exit(42);
}

pub fn args_and_vars() {
    let args: Vec<String> = std::env::args().collect();
    assert_eq!(args[1..], ["runtime_args_and_vars", "x", "y z"]);
    assert_eq!(std::env::var("ALPHA").as_deref(), Ok("1"));
    assert_eq!(std::env::var("BETA").as_deref(), Ok("two words"));
    assert!(std::env::var("GAMMA").is_err());
    let mut vars: Vec<(String, String)> = std::env::vars().collect();
    vars.sort();
    assert_eq!(
        vars,
        [
            ("ALPHA".into(), "1".into()),
            ("BETA".into(), "two words".into())
        ]
    );
    unsafe { std::env::set_var("GAMMA", "3") };
    assert_eq!(std::env::var("GAMMA").as_deref(), Ok("3"));
}

pub fn stdout_stderr() {
    use std::io::Write;
    println!("out 1");
    eprintln!("err 1");
    std::io::stdout().write_all(b"out 2\n").unwrap();
    std::io::stderr().write_all(b"err 2\n").unwrap();
    let big = "x".repeat(10_000);
    println!("{big}");
}

pub fn random_state() {
    let a = RandomState::new().hash_one(42u32);
    let b = RandomState::new().hash_one(42u32);
    assert_ne!(a, b, "two RandomStates in one run differ");
    println!("hash={a:016x}");
}
