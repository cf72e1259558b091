use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn every_task_runs_once_and_pushed_tasks_run_too() {
    let done = Mutex::new(Vec::new());
    run(3, [1u32, 2, 3, 4], |n, queue| {
        if n < 10 {
            // Each first-generation task adds a follow-up, as a crashed boot requeues.
            queue.push(n * 10);
        }
        done.lock().unwrap().push(n);
    });
    let mut done = done.into_inner().unwrap();
    done.sort();
    assert_eq!(done, [1, 2, 3, 4, 10, 20, 30, 40]);
}

#[test]
fn no_more_than_jobs_run_at_once() {
    let (now, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
    run(2, 0..12, |_, _| {
        let n = now.fetch_add(1, Ordering::SeqCst) + 1;
        peak.fetch_max(n, Ordering::SeqCst);
        std::thread::sleep(std::time::Duration::from_millis(5));
        now.fetch_sub(1, Ordering::SeqCst);
    });
    assert!(peak.load(Ordering::SeqCst) <= 2);
    assert!(peak.load(Ordering::SeqCst) >= 1);
}

#[test]
fn a_task_pushed_late_is_not_lost_by_idle_workers() {
    // Worker 2 finishes task 3 and finds the queue empty while task 1 still runs: it must
    // wait, not leave, and then run task 2 alongside.
    let done = AtomicUsize::new(0);
    run(2, [1u32, 3], |n, queue| {
        if n == 1 {
            std::thread::sleep(std::time::Duration::from_millis(20));
            queue.push(2);
        }
        done.fetch_add(1, Ordering::SeqCst);
    });
    assert_eq!(done.load(Ordering::SeqCst), 3);
}

#[test]
fn zero_tasks_and_zero_jobs_return() {
    run(0, Vec::<u32>::new(), |_, _| unreachable!());
    let done = AtomicUsize::new(0);
    run(0, [1u32], |_, _| {
        done.fetch_add(1, Ordering::SeqCst);
    });
    assert_eq!(done.load(Ordering::SeqCst), 1);
}
