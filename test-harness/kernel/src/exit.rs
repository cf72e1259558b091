//! Ending the run: the exit record on the console (`xous_test_protocol::exit`), then,
//! where the platform has it, QEMU's exit device.

use crate::boot::BootBlock;
use crate::console::{self, kprintln, Channel};
use crate::global::Global;
use core::fmt::{self, Write as _};
use xous_test_protocol::exit::{ExitKind, ExitRecord, FAULT_STATUS};

/// QEMU's SiFive test device ("finisher") on the virt machine.
const FINISHER: usize = 0x0010_0000;
const FINISHER_PASS: u32 = 0x5555;
const FINISHER_FAIL: u32 = 0x3333;

/// Whether to write the finisher. Until the boot block is read the platform is unknown;
/// writing then ends QEMU, and elsewhere only costs a warning.
static EXIT_DEVICE: Global<bool> = Global::new(true);

/// Learns from the boot block whether the platform has the exit device.
pub fn init(boot: &BootBlock) {
    *EXIT_DEVICE.borrow() = boot.has_exit_device();
}

/// Instructions retired since reset (64-bit, read race-free).
pub fn instret() -> u64 {
    loop {
        let hi: u32;
        let lo: u32;
        let hi2: u32;
        unsafe {
            core::arch::asm!("csrr {0}, minstreth", "csrr {1}, minstret", "csrr {2}, minstreth",
                out(reg) hi, out(reg) lo, out(reg) hi2);
        }
        if hi == hi2 {
            return (hi as u64) << 32 | lo as u64;
        }
    }
}

/// Ends the run with the exit record, then stops the machine where it can.
fn finish(kind: ExitKind, code: u32) -> ! {
    let record = ExitRecord {
        kind,
        code,
        instret: Some(instret()),
    };
    let _ = writeln!(console::Writer(Channel::Exit), "{record}");
    if *EXIT_DEVICE.borrow() {
        let value = if code == 0 {
            FINISHER_PASS
        } else {
            FINISHER_FAIL | (code & 0xffff) << 16
        };
        unsafe { (FINISHER as *mut u32).write_volatile(value) };
    }
    // Without an exit device (Renode) the host stops the emulator on the exit record.
    loop {
        unsafe { core::arch::asm!("wfi") };
    }
}

/// The firmware called TerminateProcess.
pub fn process_exit(code: u32) -> ! {
    finish(ExitKind::Exit, code)
}

/// The firmware faulted; the report has been printed.
pub fn fault() -> ! {
    finish(ExitKind::Fault, FAULT_STATUS.into())
}

/// Something the kernel cannot continue from: print why and stop.
pub fn kernel_failure(why: fmt::Arguments) -> ! {
    kprintln!("{why}");
    finish(ExitKind::Kernel, FAULT_STATUS.into())
}
