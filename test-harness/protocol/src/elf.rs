//! Reading the firmware's ELF: one bounds-checked `&[u8]`, every offset and sum checked.
//!
//! [`Elf::parse`] checks the header (ELF32, little endian, version 1, `ET_EXEC`, RISC-V,
//! 32-byte program headers), every `PT_LOAD` segment (its file range inside the file,
//! `p_filesz <= p_memsz`, `p_vaddr + p_memsz` without overflow) and, when there is one,
//! the section header table and its string table. What it returns can then be read
//! without further checks: [`Elf::load_segments`] and [`Elf::section_addr`] cannot fail.
//! The kernel loads the firmware with it, the host checks a file with it before booting
//! it, and `test-harness/fuzz` fuzzes it.

use core::fmt;

/// `e_type` of an executable. The firmware is linked at fixed addresses (`EXEC`); the
/// kernel does not relocate, so a position-independent `ET_DYN` is refused.
pub const ET_EXEC: u16 = 2;
/// `e_machine` of RISC-V.
pub const EM_RISCV: u16 = 0xf3;
/// `p_type` of a loadable segment.
pub const PT_LOAD: u32 = 1;
/// `p_flags` bits.
pub const PF_X: u32 = 1;
/// Writable segment.
pub const PF_W: u32 = 2;
/// Readable segment.
pub const PF_R: u32 = 4;
/// Size of the ELF32 file header.
pub const EHDR_SIZE: usize = 52;
/// Size of an ELF32 program header (`e_phentsize`).
pub const PHDR_SIZE: u16 = 32;
/// Size of an ELF32 section header (`e_shentsize`).
pub const SHDR_SIZE: u16 = 40;
/// `sh_type` of a section that takes no room in the file (`.bss`).
const SHT_NOBITS: u32 = 8;
/// `sh_type` of the symbol table.
const SHT_SYMTAB: u32 = 2;
/// Size of an ELF32 symbol table entry.
const SYM_SIZE: usize = 16;

/// Why a file is not a firmware the kernel can load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElfError {
    /// Shorter than the 52-byte ELF32 header.
    Truncated {
        /// The file's length.
        len: usize,
    },
    /// The first four bytes are not `\x7fELF`.
    BadMagic,
    /// `EI_CLASS` is not ELFCLASS32.
    NotElf32 {
        /// The class byte found.
        class: u8,
    },
    /// `EI_DATA` is not little endian.
    NotLittleEndian {
        /// The data byte found.
        data: u8,
    },
    /// `EI_VERSION` or `e_version` is not 1.
    BadVersion {
        /// The version found.
        version: u32,
    },
    /// `e_type` is not `ET_EXEC`.
    NotExecutable {
        /// The type found.
        e_type: u16,
    },
    /// `e_machine` is not RISC-V.
    NotRiscV {
        /// The machine found.
        machine: u16,
    },
    /// `e_phentsize` is not 32.
    BadPhentsize {
        /// The size found.
        size: u16,
    },
    /// The program header table does not lie inside the file.
    ProgramHeadersOutside {
        /// `e_phoff`.
        phoff: u32,
        /// `e_phnum`.
        phnum: u16,
        /// The file's length.
        len: usize,
    },
    /// A `PT_LOAD` segment's file range does not lie inside the file.
    SegmentOutside {
        /// Index of its program header.
        index: u16,
        /// `p_offset`.
        offset: u32,
        /// `p_filesz`.
        filesz: u32,
        /// The file's length.
        len: usize,
    },
    /// A `PT_LOAD` segment has more bytes in the file than in memory.
    FileszOverMemsz {
        /// Index of its program header.
        index: u16,
        /// `p_filesz`.
        filesz: u32,
        /// `p_memsz`.
        memsz: u32,
    },
    /// A `PT_LOAD` segment's `p_vaddr + p_memsz` overflows the 32-bit address space.
    SegmentWraps {
        /// Index of its program header.
        index: u16,
        /// `p_vaddr`.
        vaddr: u32,
        /// `p_memsz`.
        memsz: u32,
    },
    /// No `PT_LOAD` segment at all.
    NoLoadableSegments,
    /// There are section headers and `e_shentsize` is not 40.
    BadShentsize {
        /// The size found.
        size: u16,
    },
    /// The section header table does not lie inside the file.
    SectionHeadersOutside {
        /// `e_shoff`.
        shoff: u32,
        /// `e_shnum`.
        shnum: u16,
        /// The file's length.
        len: usize,
    },
    /// `e_shstrndx` names no section.
    BadShstrndx {
        /// `e_shstrndx`.
        index: u16,
        /// `e_shnum`.
        shnum: u16,
    },
    /// The section name string table does not lie inside the file.
    SectionNamesOutside {
        /// Its `sh_offset`.
        offset: u32,
        /// Its `sh_size`.
        size: u32,
        /// The file's length.
        len: usize,
    },
}

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ElfError::*;
        match *self {
            Truncated { len } => write!(
                f,
                "it is too short for an ELF file ({len} bytes; an ELF32 header alone is 52)"
            ),
            BadMagic => write!(f, "it is not an ELF file (no \\x7fELF magic)"),
            NotElf32 { class } => write!(f, "it is not a 32-bit ELF (EI_CLASS {class}, not 1)"),
            NotLittleEndian { data } => {
                write!(f, "it is not a little-endian ELF (EI_DATA {data}, not 1)")
            }
            BadVersion { version } => write!(f, "ELF version {version}, not 1"),
            NotExecutable { e_type } => write!(
                f,
                "e_type is {e_type}, not an executable (2, EXEC); the kernel does not relocate"
            ),
            NotRiscV { machine } => write!(f, "e_machine is {machine:#x}, not RISC-V (0xf3)"),
            BadPhentsize { size } => write!(f, "e_phentsize is {size}, not 32"),
            ProgramHeadersOutside { phoff, phnum, len } => write!(
                f,
                "the program headers ({phnum} × 32 bytes at offset {phoff}) end past the file's {len} bytes"
            ),
            SegmentOutside { index, offset, filesz, len } => write!(
                f,
                "segment {index}: {filesz} bytes at offset {offset} end past the file's {len} bytes"
            ),
            FileszOverMemsz { index, filesz, memsz } => write!(
                f,
                "segment {index}: p_filesz {filesz} is larger than p_memsz {memsz}"
            ),
            SegmentWraps { index, vaddr, memsz } => write!(
                f,
                "segment {index}: {memsz} bytes at {vaddr:#x} run past the end of the address space"
            ),
            NoLoadableSegments => write!(f, "the ELF has no loadable (PT_LOAD) segment"),
            BadShentsize { size } => write!(f, "e_shentsize is {size}, not 40"),
            SectionHeadersOutside { shoff, shnum, len } => write!(
                f,
                "the section headers ({shnum} × 40 bytes at offset {shoff}) end past the file's {len} bytes"
            ),
            BadShstrndx { index, shnum } => {
                write!(f, "e_shstrndx {index} names no section (there are {shnum})")
            }
            SectionNamesOutside { offset, size, len } => write!(
                f,
                "the section names ({size} bytes at offset {offset}) end past the file's {len} bytes"
            ),
        }
    }
}

/// A `PT_LOAD` segment, checked: its bytes are inside the file and it fits in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a> {
    /// `p_vaddr`.
    pub vaddr: u32,
    /// `p_memsz` (at least `data.len()`; `vaddr + memsz` does not overflow).
    pub memsz: u32,
    /// `p_flags` ([`PF_R`], [`PF_W`], [`PF_X`]).
    pub flags: u32,
    /// The `p_filesz` bytes at `p_offset`; the rest of `memsz` is zero.
    pub data: &'a [u8],
}

impl Segment<'_> {
    /// The first address after the segment (`vaddr + memsz`, checked at parse time).
    pub fn end(&self) -> u32 {
        self.vaddr + self.memsz
    }
}

/// A checked ELF32 RISC-V executable.
#[derive(Debug, Clone, Copy)]
pub struct Elf<'a> {
    bytes: &'a [u8],
    entry: u32,
    /// The program header table, `e_phnum` × 32 bytes.
    phdrs: &'a [u8],
    /// The section header table, `e_shnum` × 40 bytes (empty when there is none).
    shdrs: &'a [u8],
    /// The section names (empty when there are none).
    shstrtab: &'a [u8],
}

impl<'a> Elf<'a> {
    /// Checks `bytes` as a firmware ELF (see the module's list).
    pub fn parse(bytes: &'a [u8]) -> Result<Elf<'a>, ElfError> {
        let len = bytes.len();
        if len < EHDR_SIZE {
            return Err(ElfError::Truncated { len });
        }
        if bytes[..4] != *b"\x7fELF" {
            return Err(ElfError::BadMagic);
        }
        if bytes[4] != 1 {
            return Err(ElfError::NotElf32 { class: bytes[4] });
        }
        if bytes[5] != 1 {
            return Err(ElfError::NotLittleEndian { data: bytes[5] });
        }
        for version in [u32::from(bytes[6]), u32_at(bytes, 20)] {
            if version != 1 {
                return Err(ElfError::BadVersion { version });
            }
        }
        let e_type = u16_at(bytes, 16);
        if e_type != ET_EXEC {
            return Err(ElfError::NotExecutable { e_type });
        }
        let machine = u16_at(bytes, 18);
        if machine != EM_RISCV {
            return Err(ElfError::NotRiscV { machine });
        }
        let phentsize = u16_at(bytes, 42);
        if phentsize != PHDR_SIZE {
            return Err(ElfError::BadPhentsize { size: phentsize });
        }
        let (phoff, phnum) = (u32_at(bytes, 28), u16_at(bytes, 44));
        let phdrs = table(bytes, phoff, phnum, PHDR_SIZE)
            .ok_or(ElfError::ProgramHeadersOutside { phoff, phnum, len })?;
        let mut loadable = false;
        for (index, ph) in (0..).zip(phdrs.chunks_exact(PHDR_SIZE.into())) {
            loadable |= load_segment(bytes, index, ph)?.is_some();
        }
        if !loadable {
            return Err(ElfError::NoLoadableSegments);
        }
        let (shdrs, shstrtab) = sections(bytes)?;
        Ok(Elf {
            bytes,
            entry: u32_at(bytes, 24),
            phdrs,
            shdrs,
            shstrtab,
        })
    }

    /// `e_entry`.
    pub fn entry(&self) -> u32 {
        self.entry
    }

    /// The `PT_LOAD` segments, in program header order (at least one).
    pub fn load_segments(&self) -> impl Iterator<Item = Segment<'a>> + 'a {
        let bytes = self.bytes;
        (0..)
            .zip(self.phdrs.chunks_exact(PHDR_SIZE.into()))
            // Every header passed `parse`, so this drops nothing but non-PT_LOAD ones.
            .filter_map(move |(index, ph)| load_segment(bytes, index, ph).ok().flatten())
    }

    /// `sh_addr` of the first section called `name`, if there is one.
    pub fn section_addr(&self, name: &[u8]) -> Option<u32> {
        self.shdrs
            .chunks_exact(SHDR_SIZE.into())
            .find(|sh| section_name(self.shstrtab, u32_at(sh, 0)) == Some(name))
            .map(|sh| u32_at(sh, 12))
    }

    /// `st_value` of the first symbol of the symbol table (`SHT_SYMTAB`) whose name
    /// satisfies `matches`; `None` when there is no such symbol or no symbol table (a
    /// stripped file). Entries or names outside the file are skipped.
    pub fn symbol_addr(&self, matches: impl Fn(&[u8]) -> bool) -> Option<u32> {
        let shdrs: &'a [u8] = self.shdrs;
        let bytes = self.bytes;
        let symtab = shdrs
            .chunks_exact(SHDR_SIZE.into())
            .find(|sh| u32_at(sh, 4) == SHT_SYMTAB)?;
        let strtab = shdrs
            .chunks_exact(SHDR_SIZE.into())
            .nth(usize::try_from(u32_at(symtab, 24)).ok()?)?;
        let names = range(bytes, u32_at(strtab, 16), u32_at(strtab, 20))?;
        let symbols = range(bytes, u32_at(symtab, 16), u32_at(symtab, 20))?;
        symbols
            .chunks_exact(SYM_SIZE)
            .find(|sym| section_name(names, u32_at(sym, 0)).is_some_and(&matches))
            .map(|sym| u32_at(sym, 4))
    }
}

/// A little-endian `u16` at `off`; the caller has checked `off + 2 <= bytes.len()`.
fn u16_at(bytes: &[u8], off: usize) -> u16 {
    u16::from_le_bytes([bytes[off], bytes[off + 1]])
}

/// A little-endian `u32` at `off`; the caller has checked `off + 4 <= bytes.len()`.
fn u32_at(bytes: &[u8], off: usize) -> u32 {
    u32::from_le_bytes([bytes[off], bytes[off + 1], bytes[off + 2], bytes[off + 3]])
}

/// `len` bytes at `offset`, if they lie inside `bytes` (the sum checked in 32 bits, as
/// ELF32 offsets are, so host and kernel agree).
fn range(bytes: &[u8], offset: u32, len: u32) -> Option<&[u8]> {
    let end = offset.checked_add(len)?;
    bytes.get(usize::try_from(offset).ok()?..usize::try_from(end).ok()?)
}

/// A table of `count` entries of `size` bytes at `offset`, if it lies inside `bytes`.
fn table(bytes: &[u8], offset: u32, count: u16, size: u16) -> Option<&[u8]> {
    range(
        bytes,
        offset,
        u32::from(count).checked_mul(u32::from(size))?,
    )
}

/// Reads program header `index` (32 bytes): `None` unless it is `PT_LOAD`, else the
/// segment, checked.
fn load_segment<'a>(
    bytes: &'a [u8],
    index: u16,
    ph: &[u8],
) -> Result<Option<Segment<'a>>, ElfError> {
    if u32_at(ph, 0) != PT_LOAD {
        return Ok(None);
    }
    let (offset, vaddr) = (u32_at(ph, 4), u32_at(ph, 8));
    let (filesz, memsz, flags) = (u32_at(ph, 16), u32_at(ph, 20), u32_at(ph, 24));
    let len = bytes.len();
    let data = range(bytes, offset, filesz).ok_or(ElfError::SegmentOutside {
        index,
        offset,
        filesz,
        len,
    })?;
    if filesz > memsz {
        return Err(ElfError::FileszOverMemsz {
            index,
            filesz,
            memsz,
        });
    }
    if vaddr.checked_add(memsz).is_none() {
        return Err(ElfError::SegmentWraps {
            index,
            vaddr,
            memsz,
        });
    }
    Ok(Some(Segment {
        vaddr,
        memsz,
        flags,
        data,
    }))
}

/// The section header table and the section names, both empty when the file has no
/// section headers (`e_shnum` 0) or no names (`e_shstrndx` 0).
fn sections(bytes: &[u8]) -> Result<(&[u8], &[u8]), ElfError> {
    let (shoff, shentsize) = (u32_at(bytes, 32), u16_at(bytes, 46));
    let (shnum, shstrndx) = (u16_at(bytes, 48), u16_at(bytes, 50));
    if shnum == 0 {
        return Ok((&[], &[]));
    }
    if shentsize != SHDR_SIZE {
        return Err(ElfError::BadShentsize { size: shentsize });
    }
    let len = bytes.len();
    let shdrs = table(bytes, shoff, shnum, SHDR_SIZE).ok_or(ElfError::SectionHeadersOutside {
        shoff,
        shnum,
        len,
    })?;
    if shstrndx == 0 {
        return Ok((shdrs, &[]));
    }
    let Some(sh) = shdrs.chunks_exact(SHDR_SIZE.into()).nth(shstrndx.into()) else {
        return Err(ElfError::BadShstrndx {
            index: shstrndx,
            shnum,
        });
    };
    if u32_at(sh, 4) == SHT_NOBITS {
        return Ok((shdrs, &[]));
    }
    let (offset, size) = (u32_at(sh, 16), u32_at(sh, 20));
    let names =
        range(bytes, offset, size).ok_or(ElfError::SectionNamesOutside { offset, size, len })?;
    Ok((shdrs, names))
}

/// The NUL-terminated name at `offset` in `names`, if it starts and ends inside it.
fn section_name(names: &[u8], offset: u32) -> Option<&[u8]> {
    let rest = names.get(usize::try_from(offset).ok()?..)?;
    let nul = rest.iter().position(|&b| b == 0)?;
    Some(&rest[..nul])
}

#[cfg(test)]
mod tests;
