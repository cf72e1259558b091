use super::*;

fn block() -> BootBlock {
    BootBlock {
        ram_end: 0x9000_0000,
        firmware_addr: 0x8020_3000,
        firmware_len: 1234,
        params_addr: 0x8020_1000,
        params_len: 47,
        utc_ms: 1_700_000_000_123,
        flags: FLAG_EXIT_DEVICE,
        slice_us: 500,
        main_stack: 8192,
    }
}

#[test]
fn the_kernel_reads_what_the_host_writes() {
    let b = block();
    let bytes = b.to_bytes();
    assert_eq!(&bytes[..4], b"XKB1");
    assert_eq!(bytes.len(), 44);
    let words: [u32; WORDS] =
        core::array::from_fn(|i| u32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().unwrap()));
    assert_eq!(BootBlock::from_words(words), Ok(b));
    assert!(b.has_exit_device());
}

#[test]
fn zeros_mean_defaults_and_stacks_round_up_to_pages() {
    let mut b = block();
    b.slice_us = 0;
    b.main_stack = 5000;
    let read = BootBlock::from_words(b.to_words()).unwrap();
    assert_eq!(read.slice_us, DEFAULT_SLICE_US);
    assert_eq!(read.main_stack, 8192);
    b.main_stack = 0;
    assert_eq!(
        BootBlock::from_words(b.to_words()).unwrap().main_stack,
        DEFAULT_MAIN_STACK
    );
}

#[test]
fn bad_blocks_are_refused() {
    let mut w = block().to_words();
    w[0] = 0;
    assert!(BootBlock::from_words(w).unwrap_err().contains("XKB1"));
    let mut b = block();
    b.firmware_len = 0x1000_0000;
    assert!(BootBlock::from_words(b.to_words()).is_err());
    // A firmware over the kernel or the boot block, or outside RAM.
    for addr in [0, RAM_BASE, BOOT_BLOCK_ADDR] {
        let mut b = block();
        b.firmware_addr = addr;
        assert!(BootBlock::from_words(b.to_words()).is_err(), "{addr:#x}");
    }
    let mut b = block();
    b.params_addr = u32::MAX;
    assert!(BootBlock::from_words(b.to_words()).is_err());
}
