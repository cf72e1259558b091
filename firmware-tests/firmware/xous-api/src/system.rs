//! Process-level calls: ids, memory, and calls that mean nothing for one program.

use xous::{MemoryFlags, SysCall};

pub fn process_and_thread_ids() {
    let pid = xous::process::id();
    // PID 1 is the kernel; the test kernel's one program is 2, on Xous the services come
    // first.
    assert!(pid >= 2, "pid {pid}");
    assert_eq!(xous::current_pid().unwrap().get() as u32, pid);
    let main = xous::current_tid().unwrap();
    let other = std::thread::spawn(|| xous::current_tid().unwrap())
        .join()
        .unwrap();
    assert_ne!(main, other);
    assert_eq!(xous::current_tid().unwrap(), main);
}

pub fn memory_map_protect_unmap() {
    let mut range =
        xous::map_memory(None, None, 3 * 4096, MemoryFlags::R | MemoryFlags::W).unwrap();
    let bytes = unsafe { range.as_slice_mut::<u8>() };
    assert!(bytes.iter().all(|&b| b == 0), "fresh memory is zeroed");
    bytes[5000] = 7;
    xous::update_memory_flags(range, MemoryFlags::R).unwrap();
    assert_eq!(unsafe { range.as_slice::<u8>() }[5000], 7);
    xous::unmap_memory(range).unwrap();
    // As on Xous: unmapping pages already unmapped is no error; an unaligned range is.
    xous::unmap_memory(range).unwrap();
    let unaligned = unsafe { xous::MemoryRange::new(range.as_ptr() as usize + 8, 4096) }.unwrap();
    assert_eq!(
        xous::unmap_memory(unaligned).unwrap_err(),
        xous::Error::BadAlignment
    );
    // Fresh memory after that is usable again.
    let again = xous::map_memory(None, None, 4096, MemoryFlags::R | MemoryFlags::W).unwrap();
    xous::unmap_memory(again).unwrap();
}

fn irq(_: usize, _: *mut usize) {}

pub fn unsupported_calls_are_errors() {
    // The test kernel gives a program no interrupts (InterruptNotFound); on Xous IRQ 3 is
    // the console UART's, which the log server holds (InterruptInUse).
    let claimed = xous::claim_interrupt(3, irq, core::ptr::null_mut()).unwrap_err();
    assert!(
        matches!(
            claimed,
            xous::Error::InterruptNotFound | xous::Error::InterruptInUse
        ),
        "{claimed:?}"
    );
    // Not `PlatformSpecific`: on xous-core 73c09463 for the Precursor it reaches an
    // `unimplemented!` in the kernel, which panics (the test kernel refuses it).
    for call in [
        SysCall::SetExceptionHandler(0, 0),
        SysCall::Invalid(1, 2, 3, 4, 5, 6, 7),
    ] {
        assert_eq!(
            xous::rsyscall(call).unwrap_err(),
            xous::Error::UnhandledSyscall
        );
    }
    assert!(xous::map_memory(
        xous::MemoryAddress::new(0x1000_0000),
        None,
        4096,
        MemoryFlags::R | MemoryFlags::W
    )
    .is_err());
    // The program goes on normally afterwards.
    xous::yield_slice();
}
