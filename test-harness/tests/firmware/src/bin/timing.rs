//! thread::sleep against Instant, SystemTime, and the cycle/instret counters.
use std::time::{Duration, Instant, SystemTime};

fn instret() -> u32 {
    let v: u32;
    unsafe { core::arch::asm!("rdinstret {0}", out(reg) v) };
    v
}

fn main() {
    let start = Instant::now();
    thread_sleep(Duration::from_millis(120));
    let slept = start.elapsed();
    println!("slept_ms={}", slept.as_millis());
    assert!(
        slept >= Duration::from_millis(120) && slept < Duration::from_millis(140),
        "{slept:?}"
    );
    let since_epoch = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap();
    println!("utc_s={}", since_epoch.as_secs());
    let a = instret();
    let b = instret();
    println!("instret_delta={}", b.wrapping_sub(a));
}

fn thread_sleep(d: Duration) {
    std::thread::sleep(d)
}
