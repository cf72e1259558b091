//! The one integration-test binary of xous-sysroot-build. Everything runs on real parts:
//! Debian's rustc and cargo build libstd once into the shared [`LocalDist`] of the target
//! directory, a real HTTP server on 127.0.0.1 serves dist roots, `xous-sysroot` installs from
//! them, real cargo links std programs, and the real `rustup` binary installs from an overlay.
//!
//! [`LocalDist`]: xous_sysroot_build::local_dist::LocalDist

mod build;
mod channels;
#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "cli")]
mod command_line;
mod e2e;
mod linked;
mod overlay;
mod repro;
mod rust_src;
mod rustup;
mod serve;
mod support;
