//! 8 threads increment a Mutex-protected counter and hand off through a Condvar.
use std::sync::{Arc, Condvar, Mutex};
use std::thread;

fn main() {
    const THREADS: u32 = 8;
    const ROUNDS: u32 = 500;
    let shared = Arc::new((Mutex::new((0u32, 0u32)), Condvar::new()));
    let handles: Vec<_> = (0..THREADS)
        .map(|id| {
            let shared = Arc::clone(&shared);
            thread::spawn(move || {
                let (lock, cvar) = &*shared;
                for _ in 0..ROUNDS {
                    let mut state = lock.lock().unwrap();
                    state.0 += 1;
                }
                // Hand-off: wait for our turn (ids in order), then pass it on.
                let mut state = cvar
                    .wait_while(lock.lock().unwrap(), |s| s.1 != id)
                    .unwrap();
                state.1 += 1;
                cvar.notify_all();
                id
            })
        })
        .collect();
    let ids: Vec<u32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let state = shared.0.lock().unwrap();
    println!("counter={} turns={} ids={ids:?}", state.0, state.1);
    assert_eq!(state.0, THREADS * ROUNDS);
    assert_eq!(state.1, THREADS);
}
