//! Integration tests of xous-sysroot against a real HTTP server on 127.0.0.1, real tarballs,
//! real rustc and the real CLI binary.

mod support;

mod chaos;
mod cli;
mod command_line;
mod durability;
mod fall_through;
mod faults;
mod from_source;
mod github;
mod hostile;
mod install;
mod linked;
pub mod rustup;
mod smoke;
