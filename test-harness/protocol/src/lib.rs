//! The wire protocol between the host side of the test harness and the test kernel,
//! stated once for both: the host (`test_harness`) writes what the kernel reads and
//! reads what the kernel writes.
//!
//! - [`boot`]: where things are in the emulated RAM and the boot block the host writes;
//! - [`console`]: how one serial line carries several streams;
//! - [`elf`]: the checked reading of the firmware ELF the kernel loads;
//! - [`archive`]: the rkyv archives of the Xous name server and ticktimer messages;
//! - [`exit`]: the exit record the kernel writes last, and the exit statuses a run ends
//!   with.
//!
//! `no_std` and without dependencies, so the kernel can use it (the tests of [`archive`]
//! use the real Xous API crates).
#![cfg_attr(not(test), no_std)]

pub mod archive;
pub mod boot;
pub mod console;
pub mod elf;
pub mod exit;
