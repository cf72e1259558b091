//! Small helpers that are part of the library's public surface (no feature needed), for
//! build scripts, xtasks and the project's own tools (`cargo xous`, `xous-run`,
//! `xous-sysroot-build`): the environment read the way the installer reads it, atomic file
//! writes, SHA-256, an advisory file lock, and text for shells and messages. They are what the
//! installer itself uses, so a tool built on them behaves like it.

pub use crate::atomic::{write_atomic, write_atomic_with};
pub use crate::hash::{hex, sha256_bytes, sha256_file, HashingReader};
pub use crate::lock::FileLock;
pub use crate::text::{command_line, shell_quote, tail, toml_string};

/// The environment: reads that print `cargo:rerun-if-env-changed` inside build scripts
/// (`var_os`, `var`, and `flag`, where `1`, `true`, `yes` and `on` are true), and the scrub
/// that keeps a calling cargo's variables out of a child cargo.
pub mod env {
    pub use crate::env::{flag, scrub_cargo_env, var, var_os};
}

#[cfg(test)]
mod tests;
