//! The crate's one worker pool: emulator boots run `jobs` at a time (each QEMU takes a
//! core), taken from a queue that a job may add to (Rust's alloc tests requeue the tests a
//! crashed boot did not reach). The benchmarks and the alloc tests both run through it.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};

/// The queue a running job may add work to.
pub struct Queue<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
}

struct State<T> {
    waiting: VecDeque<T>,
    running: usize,
}

impl<T> Queue<T> {
    /// Adds a task; an idle worker picks it up.
    pub fn push(&self, task: T) {
        self.state.lock().unwrap().waiting.push_back(task);
        self.changed.notify_one();
    }

    /// The next task, waiting while other workers may still add some; `None` when the
    /// queue is empty and no task is running.
    fn take(&self) -> Option<T> {
        let mut state = self.state.lock().unwrap();
        loop {
            if let Some(task) = state.waiting.pop_front() {
                state.running += 1;
                return Some(task);
            }
            if state.running == 0 {
                return None;
            }
            state = self.changed.wait(state).unwrap();
        }
    }

    fn finished(&self) {
        self.state.lock().unwrap().running -= 1;
        self.changed.notify_all();
    }
}

/// Marks a task finished even when its job panics, so that the other workers stop waiting.
struct Running<'a, T>(&'a Queue<T>);

impl<T> Drop for Running<'_, T> {
    fn drop(&mut self) {
        self.0.finished();
    }
}

/// Runs `work` on every task, `jobs` at a time (at least one), in queue order; `work` may
/// push more tasks. Returns when the queue is empty and every task has finished.
pub fn run<T, F>(jobs: usize, tasks: impl IntoIterator<Item = T>, work: F)
where
    T: Send,
    F: Fn(T, &Queue<T>) + Sync,
{
    let queue = Queue {
        state: Mutex::new(State {
            waiting: tasks.into_iter().collect(),
            running: 0,
        }),
        changed: Condvar::new(),
    };
    let workers = jobs.clamp(1, queue.state.lock().unwrap().waiting.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(task) = queue.take() {
                    let _running = Running(&queue);
                    work(task, &queue);
                }
            });
        }
    });
}

#[cfg(test)]
mod tests;
