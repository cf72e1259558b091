//! Loads the firmware ELF (placed raw in RAM by the host) into the process: the file is
//! read as one `&[u8]` and checked by [`xous_test_protocol::elf`]; this module only adds
//! the process's address range and maps the pages.

use crate::boot::BootBlock;
use crate::memory::{self, PAGE, PTE_R, PTE_W, PTE_X, USER_MAX};
use core::fmt;
use xous_test_protocol::elf::{Elf, ElfError, Segment, PF_R, PF_W, PF_X};

/// What the loader found: where to start and where unwinding tables are.
pub struct Image {
    pub entry: usize,
    pub eh_frame: usize,
}

/// Why the firmware cannot be loaded (the kernel prints it and ends the run with 125).
pub enum LoadError {
    /// The file is not a firmware ELF.
    Elf(ElfError),
    /// A `PT_LOAD` segment lies outside the user range (page 0 is never mapped).
    OutsideUserRange { vaddr: u32, end: u32 },
    /// The free pages ran out while mapping the segments.
    OutOfMemory,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Elf(e) => write!(f, "{e}"),
            LoadError::OutsideUserRange { vaddr, end } => write!(
                f,
                "a PT_LOAD segment ({vaddr:#x}..{end:#x}) lies outside the user address range \
                 {PAGE:#x}..{USER_MAX:#x}"
            ),
            LoadError::OutOfMemory => write!(
                f,
                "not enough RAM for the firmware's segments (xous-run --ram-mib raises it)"
            ),
        }
    }
}

/// The firmware file the host loaded.
fn firmware(boot: &BootBlock) -> &'static [u8] {
    // SAFETY: `BootBlock::from_words` checked that the range lies in RAM above the boot
    // block; the host wrote the file there before the kernel started, and the kernel never
    // writes it (free pages start after it, `boot::free_start`).
    unsafe {
        core::slice::from_raw_parts(
            boot.firmware_addr as usize as *const u8,
            boot.firmware_len as usize,
        )
    }
}

/// Maps every `PT_LOAD` segment and finds `.eh_frame`.
pub fn load(boot: &BootBlock) -> Result<Image, LoadError> {
    let elf = Elf::parse(firmware(boot)).map_err(LoadError::Elf)?;
    for segment in elf.load_segments() {
        if (segment.vaddr as usize) < PAGE || segment.end() as usize > USER_MAX {
            return Err(LoadError::OutsideUserRange {
                vaddr: segment.vaddr,
                end: segment.end(),
            });
        }
    }
    for segment in elf.load_segments() {
        map_segment(&segment)?;
    }
    memory::flush_tlb();
    Ok(Image {
        entry: elf.entry() as usize,
        eh_frame: elf.section_addr(b".eh_frame").unwrap_or(0) as usize,
    })
}

/// Maps the pages of `segment` (inside the user range) and copies its file bytes in.
fn map_segment(segment: &Segment) -> Result<(), LoadError> {
    let mut flags = 0;
    if segment.flags & PF_R != 0 {
        flags |= PTE_R;
    }
    if segment.flags & PF_W != 0 {
        flags |= PTE_W | PTE_R;
    }
    if segment.flags & PF_X != 0 {
        flags |= PTE_X;
    }
    let vaddr = segment.vaddr as usize;
    let end = segment.end() as usize;
    let mut va = vaddr & !(PAGE - 1);
    while va < end {
        let page = memory::map_fresh_page(va, flags).map_err(|_| LoadError::OutOfMemory)?;
        // The part of the file image that falls in this page, if any.
        let lo = va.max(vaddr) - vaddr;
        let hi = (va + PAGE)
            .min(vaddr + segment.data.len())
            .saturating_sub(vaddr);
        if let Some(bytes) = segment.data.get(lo..hi) {
            let dst = page + (vaddr + lo - va);
            // SAFETY: `page` is a whole physical page just mapped for `va`, and
            // `vaddr + lo .. vaddr + hi` lies within `va .. va + PAGE`.
            unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), dst as *mut u8, bytes.len()) };
        }
        va += PAGE;
    }
    Ok(())
}
