//! thread_local! with a destructor, catch_unwind, and a thread's return value.
use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};

static DROPS: AtomicU32 = AtomicU32::new(0);

struct CountsDrop(Cell<u32>);
impl Drop for CountsDrop {
    fn drop(&mut self) {
        DROPS.fetch_add(1, Ordering::SeqCst);
    }
}

thread_local!(static LOCAL: CountsDrop = const { CountsDrop(Cell::new(1)) });

fn main() {
    LOCAL.with(|l| l.0.set(5));
    let other = std::thread::spawn(|| {
        LOCAL.with(|l| l.0.set(l.0.get() + 41));
        LOCAL.with(|l| l.0.get())
    })
    .join()
    .unwrap();
    println!(
        "main_local={} thread_local={} drops_after_thread={}",
        LOCAL.with(|l| l.0.get()),
        other,
        DROPS.load(Ordering::SeqCst)
    );
    let caught = std::panic::catch_unwind(|| {
        panic!("caught on purpose");
    });
    println!("caught={}", caught.is_err());
    let payload =
        std::panic::catch_unwind(|| std::panic::resume_unwind(Box::new(7u8))).unwrap_err();
    println!("resumed_payload={}", payload.downcast_ref::<u8>().unwrap());
}
