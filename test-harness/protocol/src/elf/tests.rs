//! A hand-built ELF accepted, then each malformed variant refused with its own error.

use super::*;

/// Offsets in the file the builder writes.
const PHOFF: usize = 52;
const TEXT_OFF: usize = 0x100;
const TEXT: &[u8] = b"\x13\x00\x00\x00\x73\x00\x10\x00";
const NAMES_OFF: usize = 0x120;
const NAMES: &[u8] = b"\0.text\0.eh_frame\0.shstrtab\0";
const SHOFF: usize = 0x140;

fn put16(f: &mut [u8], off: usize, v: u16) {
    f[off..off + 2].copy_from_slice(&v.to_le_bytes());
}

fn put32(f: &mut [u8], off: usize, v: u32) {
    f[off..off + 4].copy_from_slice(&v.to_le_bytes());
}

/// Writes program header `i`: `[p_type, p_offset, p_vaddr, p_filesz, p_memsz, p_flags]`
/// (`p_paddr` is `p_vaddr`, `p_align` a page).
fn phdr(f: &mut [u8], i: usize, [p_type, offset, vaddr, filesz, memsz, flags]: [u32; 6]) {
    let ph = PHOFF + 32 * i;
    for (k, v) in [p_type, offset, vaddr, vaddr, filesz, memsz, flags, 0x1000]
        .into_iter()
        .enumerate()
    {
        put32(f, ph + 4 * k, v);
    }
}

/// Writes section header `i`.
fn shdr(f: &mut [u8], i: usize, name: u32, sh_type: u32, addr: u32, offset: u32, size: u32) {
    let sh = SHOFF + 40 * i;
    for (k, v) in [name, sh_type, 0, addr, offset, size]
        .into_iter()
        .enumerate()
    {
        put32(f, sh + 4 * k, v);
    }
}

/// A small RISC-V executable as the linker lays one out: a PHDR entry, a text segment,
/// a data segment with `.bss`, and sections `.text`, `.eh_frame`, `.shstrtab`.
fn firmware() -> Vec<u8> {
    let mut f = vec![0u8; SHOFF + 4 * 40];
    f[..8].copy_from_slice(b"\x7fELF\x01\x01\x01\x00");
    put16(&mut f, 16, ET_EXEC);
    put16(&mut f, 18, EM_RISCV);
    put32(&mut f, 20, 1);
    put32(&mut f, 24, 0x1_0100);
    put32(&mut f, 28, PHOFF as u32);
    put32(&mut f, 32, SHOFF as u32);
    put16(&mut f, 40, EHDR_SIZE as u16);
    put16(&mut f, 42, PHDR_SIZE);
    put16(&mut f, 44, 3);
    put16(&mut f, 46, SHDR_SIZE);
    put16(&mut f, 48, 4);
    put16(&mut f, 50, 3);
    let text_len = TEXT.len() as u32;
    phdr(&mut f, 0, [6, PHOFF as u32, 0x1_0034, 96, 96, PF_R]);
    phdr(
        &mut f,
        1,
        [
            PT_LOAD,
            TEXT_OFF as u32,
            0x1_0100,
            text_len,
            text_len,
            PF_R | PF_X,
        ],
    );
    phdr(
        &mut f,
        2,
        [PT_LOAD, NAMES_OFF as u32, 0x2_0000, 4, 0x40, PF_R | PF_W],
    );
    f[TEXT_OFF..TEXT_OFF + TEXT.len()].copy_from_slice(TEXT);
    f[NAMES_OFF..NAMES_OFF + NAMES.len()].copy_from_slice(NAMES);
    shdr(
        &mut f,
        1,
        1,
        1,
        0x1_0100,
        TEXT_OFF as u32,
        TEXT.len() as u32,
    );
    shdr(&mut f, 2, 7, 1, 0x1_2340, 0, 0);
    shdr(&mut f, 3, 17, 3, 0, NAMES_OFF as u32, NAMES.len() as u32);
    f
}

/// `firmware()` changed by `edit`, parsed.
fn parse_edited(edit: impl FnOnce(&mut Vec<u8>)) -> Result<(), ElfError> {
    let mut f = firmware();
    edit(&mut f);
    Elf::parse(&f).map(|_| ())
}

#[test]
fn a_well_formed_firmware_is_read() {
    let f = firmware();
    let elf = Elf::parse(&f).unwrap();
    assert_eq!(elf.entry(), 0x1_0100);
    let segments: Vec<_> = elf.load_segments().collect();
    assert_eq!(segments.len(), 2, "the PHDR entry is not loaded");
    assert_eq!(segments[0].vaddr, 0x1_0100);
    assert_eq!(segments[0].data, TEXT);
    assert_eq!(segments[0].flags, PF_R | PF_X);
    assert_eq!(
        (segments[1].vaddr, segments[1].memsz, segments[1].end()),
        (0x2_0000, 0x40, 0x2_0040)
    );
    assert_eq!(segments[1].data, &NAMES[..4]);
    assert_eq!(elf.section_addr(b".eh_frame"), Some(0x1_2340));
    assert_eq!(elf.section_addr(b".text"), Some(0x1_0100));
    assert_eq!(
        elf.section_addr(b".eh_fram"),
        None,
        "a prefix is not a match"
    );
    assert_eq!(elf.section_addr(b".data"), None);
}

#[test]
fn no_sections_or_no_names_mean_no_eh_frame() {
    let mut f = firmware();
    put16(&mut f, 48, 0);
    assert_eq!(Elf::parse(&f).unwrap().section_addr(b".eh_frame"), None);
    let mut f = firmware();
    put16(&mut f, 50, 0);
    assert_eq!(Elf::parse(&f).unwrap().section_addr(b".eh_frame"), None);
}

#[test]
fn a_section_name_running_off_the_table_matches_nothing() {
    let mut f = firmware();
    // .eh_frame's name offset past the string table, then pointing at a name whose NUL
    // lies outside it.
    put32(&mut f, SHOFF + 80, 1000);
    assert_eq!(Elf::parse(&f).unwrap().section_addr(b".eh_frame"), None);
    let mut f = firmware();
    put32(&mut f, SHOFF + 120 + 20, 12); // .shstrtab cut to "\0.text\0.eh_f"
    assert_eq!(Elf::parse(&f).unwrap().section_addr(b".eh_frame"), None);
    assert_eq!(
        Elf::parse(&f).unwrap().section_addr(b".text"),
        Some(0x1_0100)
    );
}

#[test]
fn a_truncated_header_is_refused() {
    let f = firmware();
    for len in [0, 4, 51] {
        assert_eq!(
            Elf::parse(&f[..len]).unwrap_err(),
            ElfError::Truncated { len }
        );
    }
}

#[test]
fn the_identification_is_checked() {
    assert_eq!(parse_edited(|f| f[0] = b'E'), Err(ElfError::BadMagic));
    assert_eq!(
        parse_edited(|f| f[4] = 2),
        Err(ElfError::NotElf32 { class: 2 })
    );
    assert_eq!(
        parse_edited(|f| f[5] = 2),
        Err(ElfError::NotLittleEndian { data: 2 })
    );
    assert_eq!(
        parse_edited(|f| f[6] = 0),
        Err(ElfError::BadVersion { version: 0 })
    );
    assert_eq!(
        parse_edited(|f| put32(f, 20, 2)),
        Err(ElfError::BadVersion { version: 2 })
    );
}

#[test]
fn only_riscv_executables_are_accepted() {
    // ET_DYN (a PIE) and ET_REL (an object file).
    for e_type in [3, 1] {
        assert_eq!(
            parse_edited(|f| put16(f, 16, e_type)),
            Err(ElfError::NotExecutable { e_type })
        );
    }
    assert_eq!(
        parse_edited(|f| put16(f, 18, 0x3e)),
        Err(ElfError::NotRiscV { machine: 0x3e })
    );
}

#[test]
fn program_headers_must_be_32_bytes() {
    for size in [0, 31, 56] {
        assert_eq!(
            parse_edited(|f| put16(f, 42, size)),
            Err(ElfError::BadPhentsize { size })
        );
    }
}

#[test]
fn program_headers_must_lie_in_the_file() {
    let len = firmware().len();
    let phoff = len as u32;
    assert_eq!(
        parse_edited(|f| put32(f, 28, phoff)),
        Err(ElfError::ProgramHeadersOutside {
            phoff,
            phnum: 3,
            len
        })
    );
    // Starts inside, ends outside.
    let phoff = len as u32 - 40;
    assert_eq!(
        parse_edited(|f| put32(f, 28, phoff)),
        Err(ElfError::ProgramHeadersOutside {
            phoff,
            phnum: 3,
            len
        })
    );
    // phoff + phnum * 32 overflows 32 bits.
    let (phoff, phnum) = (u32::MAX - 64, u16::MAX);
    assert_eq!(
        parse_edited(|f| {
            put32(f, 28, phoff);
            put16(f, 44, phnum);
        }),
        Err(ElfError::ProgramHeadersOutside { phoff, phnum, len })
    );
}

#[test]
fn segments_must_lie_in_the_file_and_fit_in_memory() {
    let len = firmware().len();
    let ph = PHOFF + 32; // segment 1
    let offset = len as u32 - 4;
    assert_eq!(
        parse_edited(|f| put32(f, ph + 4, offset)),
        Err(ElfError::SegmentOutside {
            index: 1,
            offset,
            filesz: 8,
            len
        })
    );
    // offset + filesz overflows 32 bits.
    assert_eq!(
        parse_edited(|f| put32(f, ph + 4, u32::MAX - 2)),
        Err(ElfError::SegmentOutside {
            index: 1,
            offset: u32::MAX - 2,
            filesz: 8,
            len
        })
    );
    assert_eq!(
        parse_edited(|f| put32(f, ph + 20, 7)),
        Err(ElfError::FileszOverMemsz {
            index: 1,
            filesz: 8,
            memsz: 7
        })
    );
    assert_eq!(
        parse_edited(|f| put32(f, ph + 8, 0xffff_fffc)),
        Err(ElfError::SegmentWraps {
            index: 1,
            vaddr: 0xffff_fffc,
            memsz: 8
        })
    );
    // Its end must be a 32-bit address: 0xffff_fff0 + 8 is, 0xffff_fff8 + 8 is not.
    assert_eq!(parse_edited(|f| put32(f, ph + 8, 0xffff_fff0)), Ok(()));
    assert_eq!(
        parse_edited(|f| put32(f, ph + 8, 0xffff_fff8)),
        Err(ElfError::SegmentWraps {
            index: 1,
            vaddr: 0xffff_fff8,
            memsz: 8
        })
    );
}

#[test]
fn only_loadable_segments_are_checked_and_one_is_needed() {
    // The PHDR entry (not PT_LOAD) pointing anywhere is not read.
    assert_eq!(parse_edited(|f| put32(f, PHOFF + 4, u32::MAX)), Ok(()));
    assert_eq!(
        parse_edited(|f| {
            put32(f, PHOFF + 32, 4);
            put32(f, PHOFF + 64, 4);
        }),
        Err(ElfError::NoLoadableSegments)
    );
    assert_eq!(
        parse_edited(|f| put16(f, 44, 0)),
        Err(ElfError::NoLoadableSegments)
    );
}

#[test]
fn the_section_table_is_checked_when_there_is_one() {
    let len = firmware().len();
    assert_eq!(
        parse_edited(|f| put16(f, 46, 64)),
        Err(ElfError::BadShentsize { size: 64 })
    );
    assert_eq!(
        parse_edited(|f| put32(f, 32, u32::MAX - 10)),
        Err(ElfError::SectionHeadersOutside {
            shoff: u32::MAX - 10,
            shnum: 4,
            len
        })
    );
    assert_eq!(
        parse_edited(|f| put16(f, 48, 5)),
        Err(ElfError::SectionHeadersOutside {
            shoff: SHOFF as u32,
            shnum: 5,
            len
        })
    );
    assert_eq!(
        parse_edited(|f| put16(f, 50, 4)),
        Err(ElfError::BadShstrndx { index: 4, shnum: 4 })
    );
    assert_eq!(
        parse_edited(|f| put32(f, SHOFF + 120 + 20, u32::MAX)),
        Err(ElfError::SectionNamesOutside {
            offset: NAMES_OFF as u32,
            size: u32::MAX,
            len
        })
    );
}

#[test]
fn every_error_says_what_was_found() {
    let messages = [
        (ElfError::NotExecutable { e_type: 3 }, "e_type is 3"),
        (
            ElfError::BadPhentsize { size: 56 },
            "e_phentsize is 56, not 32",
        ),
        (
            ElfError::SegmentWraps {
                index: 2,
                vaddr: 0xffff_0000,
                memsz: 0x2_0000,
            },
            "segment 2",
        ),
        (ElfError::Truncated { len: 3 }, "3 bytes"),
    ];
    for (error, text) in messages {
        assert!(error.to_string().contains(text), "{error}");
    }
}
