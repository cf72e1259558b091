//! Machine setup and the trap handler: syscalls, the timer, thread exits and faults.

use crate::console::kprintln;
use crate::sched::{self, Context, A0, THREAD_EXIT_PC};
use crate::{exit, memory, syscall, timer};

const MCAUSE_INTERRUPT: usize = 1 << 31;
const IRQ_M_TIMER: usize = 7;
const ECALL_FROM_U: usize = 8;
const INSTRUCTION_PAGE_FAULT: usize = 12;

/// Traps go to `vector`; U-mode gets paging, the counters and all memory through PMP.
pub fn init_machine(vector: usize) {
    unsafe {
        core::arch::asm!(
            "csrw mtvec, {vector}",
            "csrw medeleg, zero",
            "csrw mideleg, zero",
            // One NAPOT PMP entry over the whole address space, RWX, so U-mode may run.
            "li t0, -1",
            "csrw pmpaddr0, t0",
            "li t0, 0x1f",
            "csrw pmpcfg0, t0",
            // cycle, time and instret readable from U-mode.
            "li t0, 7",
            "csrw mcounteren, t0",
            "csrw scounteren, t0",
            "csrw satp, {satp}",
            "sfence.vma",
            // mret goes to U-mode; M-mode itself runs with interrupts off.
            "li t0, 0x1888",
            "csrc mstatus, t0",
            "li t0, 0x80",
            "csrw mie, t0",
            vector = in(reg) vector,
            satp = in(reg) memory::satp(),
            out("t0") _,
        );
    }
}

fn csr_mcause() -> usize {
    let v: usize;
    unsafe { core::arch::asm!("csrr {0}, mcause", out(reg) v) };
    v
}

fn csr_mtval() -> usize {
    let v: usize;
    unsafe { core::arch::asm!("csrr {0}, mtval", out(reg) v) };
    v
}

fn csr_mepc() -> usize {
    let v: usize;
    unsafe { core::arch::asm!("csrr {0}, mepc", out(reg) v) };
    v
}

fn csr_mstatus() -> usize {
    let v: usize;
    unsafe { core::arch::asm!("csrr {0}, mstatus", out(reg) v) };
    v
}

/// Called by `trap_entry`, which has saved the interrupted thread's registers in its
/// slot of the thread table (`_saved` points there); returns the context to resume.
/// The context is read and written through `sched` only, never through `_saved`, so no
/// reference into the thread table outlives a `sched` call.
#[no_mangle]
extern "C" fn trap_handler(_saved: *mut Context) -> *mut Context {
    let cause = csr_mcause();
    if csr_mstatus() & (3 << 11) != 0 {
        exit::kernel_failure(format_args!(
            "kernel fault: {} at pc {:#010x}, address {:#010x}",
            cause_name(cause),
            csr_mepc(),
            csr_mtval()
        ));
    }
    if cause == MCAUSE_INTERRUPT | IRQ_M_TIMER {
        timer::on_interrupt();
        return sched::schedule();
    }
    match cause {
        ECALL_FROM_U => {
            sched::skip_ecall();
            syscall::dispatch()
        }
        INSTRUCTION_PAGE_FAULT if csr_mtval() == THREAD_EXIT_PC => {
            sched::exit_current(sched::current_context().regs[A0]);
            sched::schedule()
        }
        _ => fault(&sched::current_context(), cause, csr_mtval()),
    }
}

fn fault(ctx: &Context, cause: usize, tval: usize) -> ! {
    kprintln!(
        "firmware fault: {} in thread {} at pc {:#010x}, address {:#010x} (ra {:#010x}, sp {:#010x})",
        cause_name(cause),
        sched::current_tid(),
        ctx.pc,
        tval,
        ctx.regs[1],
        ctx.regs[2]
    );
    if (12..=15).contains(&cause) && memory::is_guard_page(tval) {
        kprintln!("  the address is in a guard page: probably a stack overflow");
    }
    exit::fault()
}

fn cause_name(cause: usize) -> &'static str {
    match cause {
        0 => "instruction address misaligned",
        1 => "instruction access fault",
        2 => "illegal instruction",
        3 => "breakpoint",
        4 => "load address misaligned",
        5 => "load access fault",
        6 => "store address misaligned",
        7 => "store access fault",
        8 => "environment call from U-mode",
        11 => "environment call from M-mode",
        12 => "instruction page fault",
        13 => "load page fault",
        15 => "store page fault",
        _ if cause & MCAUSE_INTERRUPT != 0 => "unexpected interrupt",
        _ => "unknown exception",
    }
}
