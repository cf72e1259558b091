//! The real CLI binary under concurrency and `kill -9`.
#![cfg(feature = "cli")]
