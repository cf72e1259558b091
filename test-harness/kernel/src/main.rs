//! A small M-mode supervisor that runs one Xous-ABI firmware image as a U-mode process.
//!
//! The host side (`xous-run`) places a boot block, the firmware ELF and its parameters
//! in RAM; this kernel maps the firmware with Sv32 paging, starts it at
//! `_start(eh_frame, params)` and answers the syscalls and service messages that
//! libstd sends. Everything it prints goes through the multiplexed console in
//! [`console`], which the host splits back into stdout, stderr and kernel messages.
//! What host and kernel share (memory map, boot block, console channels, exit record,
//! statuses) is the `xous-test-protocol` crate.
//!
//! Reading order:
//! 1. this file: the entry, the trap vector (assembly) and [`kmain`], the boot sequence;
//! 2. [`global`]: the one rule (single hart, interrupts off) behind all mutable state,
//!    and the borrow check that keeps two `&mut` to it from existing;
//! 3. [`boot`], [`memory`], [`elf`]: the boot block, physical pages and the page table,
//!    loading the firmware;
//! 4. [`trap`]: machine setup and the trap handler, which sends ecalls to
//! 5. [`syscall`] (numbers and codes by name in [`abi`]), [`ipc`] (user servers,
//!    connections, messages) and [`services`] (name server,
//!    log, ticktimer, systime);
//! 6. [`sched`] and [`timer`]: threads, blocking and wake-ups, time slices and deadlines;
//! 7. [`console`] and [`exit`]: output, and how a run ends.
#![no_std]
#![no_main]

mod abi;
mod boot;
mod console;
mod elf;
mod exit;
mod global;
mod ipc;
mod memory;
mod sched;
mod services;
mod syscall;
mod timer;
mod trap;

use core::arch::global_asm;

// Entry: set up the kernel stack, clear .bss, call `kmain`.
// Trap vector: swap sp with mscratch (which points at the running thread's context),
// save every register and the pc there (the offsets of `sched::Context`, checked there), call `trap_handler` on the kernel stack, then
// restore the context it returns (possibly another thread's) and `mret`.
global_asm!(
    r#"
    .section .text.entry
    .globl _start
_start:
    la sp, __kernel_stack_top
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sw zero, 0(t0)
    addi t0, t0, 4
    j 1b
2:  call kmain
3:  wfi
    j 3b

    .text
    .align 4
    .globl trap_entry
trap_entry:
    csrrw sp, mscratch, sp
    sw x1, 4(sp)
    sw x3, 12(sp)
    sw x4, 16(sp)
    sw x5, 20(sp)
    sw x6, 24(sp)
    sw x7, 28(sp)
    sw x8, 32(sp)
    sw x9, 36(sp)
    sw x10, 40(sp)
    sw x11, 44(sp)
    sw x12, 48(sp)
    sw x13, 52(sp)
    sw x14, 56(sp)
    sw x15, 60(sp)
    sw x16, 64(sp)
    sw x17, 68(sp)
    sw x18, 72(sp)
    sw x19, 76(sp)
    sw x20, 80(sp)
    sw x21, 84(sp)
    sw x22, 88(sp)
    sw x23, 92(sp)
    sw x24, 96(sp)
    sw x25, 100(sp)
    sw x26, 104(sp)
    sw x27, 108(sp)
    sw x28, 112(sp)
    sw x29, 116(sp)
    sw x30, 120(sp)
    sw x31, 124(sp)
    csrr t0, mscratch
    sw t0, 8(sp)
    csrr t0, mepc
    sw t0, 128(sp)
    mv a0, sp
    la sp, __kernel_stack_top
    call trap_handler
    .globl resume_context
resume_context:
    csrw mscratch, a0
    mv sp, a0
    # Drop any LR reservation of the thread that ran before (writes 0 to the unused x0 slot).
    sc.w zero, zero, (sp)
    lw t0, 128(sp)
    csrw mepc, t0
    lw x1, 4(sp)
    lw x3, 12(sp)
    lw x4, 16(sp)
    lw x5, 20(sp)
    lw x6, 24(sp)
    lw x7, 28(sp)
    lw x8, 32(sp)
    lw x9, 36(sp)
    lw x10, 40(sp)
    lw x11, 44(sp)
    lw x12, 48(sp)
    lw x13, 52(sp)
    lw x14, 56(sp)
    lw x15, 60(sp)
    lw x16, 64(sp)
    lw x17, 68(sp)
    lw x18, 72(sp)
    lw x19, 76(sp)
    lw x20, 80(sp)
    lw x21, 84(sp)
    lw x22, 88(sp)
    lw x23, 92(sp)
    lw x24, 96(sp)
    lw x25, 100(sp)
    lw x26, 104(sp)
    lw x27, 108(sp)
    lw x28, 112(sp)
    lw x29, 116(sp)
    lw x30, 120(sp)
    lw x31, 124(sp)
    lw sp, 8(sp)
    mret
"#
);

extern "C" {
    fn trap_entry();
    fn resume_context(ctx: *mut sched::Context) -> !;
}

/// First Rust code: bring up the machine, load the firmware and run its main thread.
#[no_mangle]
extern "C" fn kmain() -> ! {
    console::init();
    let boot = match boot::read() {
        Ok(b) => b,
        Err(msg) => exit::kernel_failure(format_args!("bad boot block: {msg}")),
    };
    exit::init(&boot);
    memory::init(&boot);
    let image = match elf::load(&boot) {
        Ok(image) => image,
        Err(msg) => exit::kernel_failure(format_args!("cannot load the firmware: {msg}")),
    };
    let params = memory::map_params(&boot);
    timer::init(&boot);
    let ctx = sched::start_main_thread(&image, params, boot.main_stack as usize);
    trap::init_machine(trap_entry as *const () as usize);
    timer::arm_next();
    unsafe { resume_context(ctx) }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    exit::kernel_failure(format_args!("kernel panic: {info}"))
}

/// The prebuilt `compiler_builtins` was compiled for unwinding and names this symbol;
/// the kernel aborts on panic, so it is never called.
#[no_mangle]
extern "C" fn rust_eh_personality() {}
