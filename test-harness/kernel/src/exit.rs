//! Ending the run: the exit record on the console, then the emulator's exit device.

use crate::console::{self, kprintln, Channel};
use core::fmt::{self, Write as _};

/// QEMU's SiFive test device ("finisher") on the virt machine.
const FINISHER: usize = 0x0010_0000;
const FINISHER_PASS: u32 = 0x5555;
const FINISHER_FAIL: u32 = 0x3333;

/// Exit status of a run that failed inside the kernel (fault, panic, unknown call).
pub const KERNEL_FAILURE_CODE: u32 = 125;

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

/// Ends the run: `kind` is `exit`, `fault` or `kernel`.
fn finish(kind: &str, code: u32) -> ! {
    let count = instret();
    let _ = writeln!(
        console::Writer(Channel::Exit),
        "kind={kind} code={code} instret={count}"
    );
    let value = if code == 0 {
        FINISHER_PASS
    } else {
        FINISHER_FAIL | (code & 0xffff) << 16
    };
    unsafe { (FINISHER as *mut u32).write_volatile(value) };
    // Renode has no finisher at this address: the host stops it on the exit record.
    loop {
        unsafe { core::arch::asm!("wfi") };
    }
}

/// The firmware called TerminateProcess.
pub fn process_exit(code: u32) -> ! {
    finish("exit", code)
}

/// The firmware faulted; the report has been printed.
pub fn fault() -> ! {
    finish("fault", KERNEL_FAILURE_CODE)
}

/// Something the kernel cannot continue from: print why and stop.
pub fn kernel_failure(why: fmt::Arguments) -> ! {
    kprintln!("{why}");
    finish("kernel", KERNEL_FAILURE_CODE)
}
