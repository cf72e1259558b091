//! The firmware ELF reader the test kernel loads with, fed any bytes. What parses must
//! keep the promises the kernel relies on without checking again: every loadable
//! segment's bytes lie in the file and fit in its memory size, its end is a 32-bit
//! address, and section lookups never read outside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xous_test_protocol::elf::Elf;

fuzz_target!(|data: &[u8]| {
    let Ok(elf) = Elf::parse(data) else {
        return;
    };
    let file = data.as_ptr_range();
    let mut loadable = 0;
    for segment in elf.load_segments() {
        let bytes = segment.data.as_ptr_range();
        assert!(file.start <= bytes.start && bytes.end <= file.end);
        assert!(segment.data.len() as u64 <= u64::from(segment.memsz));
        assert_eq!(
            u64::from(segment.end()),
            u64::from(segment.vaddr) + u64::from(segment.memsz)
        );
        loadable += 1;
    }
    assert!(
        loadable > 0,
        "parse accepted an ELF with no PT_LOAD segment"
    );
    for name in [&b".eh_frame"[..], b".text", b""] {
        let _ = elf.section_addr(name);
    }
});
