//! The std program of the real-Xous test: threads, channels, collections, sleep and a
//! caught panic, then `exit(7)`. Its checksum must equal the host's.
#[path = "../checksum.rs"]
mod checksum;

use std::time::{Duration, Instant};

fn main() {
    println!("real xous std: start");
    println!("checksum {:016x}", checksum::checksum());
    let started = Instant::now();
    std::thread::sleep(Duration::from_millis(50));
    println!("slept at least 50 ms: {}", started.elapsed() >= Duration::from_millis(50));
    let caught = std::panic::catch_unwind(|| panic!("caught on purpose")).is_err();
    println!("caught a panic: {caught}");
    println!("real xous std: exit(7)");
    std::process::exit(7);
}
