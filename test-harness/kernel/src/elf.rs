//! Loads the firmware ELF (placed raw in RAM by the host) into the process.

use crate::boot::BootBlock;
use crate::memory::{self, PAGE, PTE_R, PTE_W, PTE_X, USER_MAX};

/// What the loader found: where to start and where unwinding tables are.
pub struct Image {
    pub entry: usize,
    pub eh_frame: usize,
}

struct Bytes {
    base: usize,
    len: usize,
}

impl Bytes {
    fn u16(&self, off: usize) -> Result<usize, &'static str> {
        self.get(off, 2)
            .map(|p| unsafe { (p as *const u16).read_unaligned() } as usize)
    }
    fn u32(&self, off: usize) -> Result<usize, &'static str> {
        self.get(off, 4)
            .map(|p| unsafe { (p as *const u32).read_unaligned() } as usize)
    }
    fn get(&self, off: usize, n: usize) -> Result<usize, &'static str> {
        match off.checked_add(n) {
            Some(end) if end <= self.len => Ok(self.base + off),
            _ => Err("the ELF file is truncated"),
        }
    }
}

const PT_LOAD: usize = 1;
const EM_RISCV: usize = 0xf3;

/// Maps every `PT_LOAD` segment and finds `.eh_frame`.
pub fn load(boot: &BootBlock) -> Result<Image, &'static str> {
    let f = Bytes {
        base: boot.firmware_addr as usize,
        len: boot.firmware_len as usize,
    };
    let ident = f.get(0, 16)?;
    let ident = unsafe { core::slice::from_raw_parts(ident as *const u8, 16) };
    if &ident[..4] != b"\x7fELF" {
        return Err("not an ELF file");
    }
    if ident[4] != 1 || ident[5] != 1 {
        return Err("not a 32-bit little-endian ELF");
    }
    if f.u16(18)? != EM_RISCV {
        return Err("not a RISC-V ELF");
    }
    let entry = f.u32(24)?;
    let phoff = f.u32(28)?;
    let phentsize = f.u16(42)?;
    let phnum = f.u16(44)?;
    let mut loaded = 0;
    for i in 0..phnum {
        let ph = phoff + i * phentsize;
        if f.u32(ph)? != PT_LOAD {
            continue;
        }
        let offset = f.u32(ph + 4)?;
        let vaddr = f.u32(ph + 8)?;
        let filesz = f.u32(ph + 16)?;
        let memsz = f.u32(ph + 20)?;
        let pflags = f.u32(ph + 24)?;
        if filesz > memsz || vaddr < PAGE || vaddr.saturating_add(memsz) > USER_MAX {
            return Err("a PT_LOAD segment lies outside the user address range");
        }
        let src = f.get(offset, filesz)?;
        let mut flags = 0;
        if pflags & 4 != 0 {
            flags |= PTE_R;
        }
        if pflags & 2 != 0 {
            flags |= PTE_W | PTE_R;
        }
        if pflags & 1 != 0 {
            flags |= PTE_X;
        }
        let first = vaddr & !(PAGE - 1);
        let end = vaddr + memsz;
        let mut va = first;
        while va < end {
            let page = memory::map_fresh_page(va, flags)
                .map_err(|_| "not enough RAM for the firmware's segments")?;
            // Copy the part of the file image that falls in this page.
            let lo = va.max(vaddr);
            let hi = (va + PAGE).min(vaddr + filesz);
            if lo < hi {
                unsafe {
                    core::ptr::copy_nonoverlapping(
                        (src + (lo - vaddr)) as *const u8,
                        (page + (lo - va)) as *mut u8,
                        hi - lo,
                    )
                };
            }
            va += PAGE;
        }
        loaded += 1;
    }
    if loaded == 0 {
        return Err("the ELF has no loadable segments");
    }
    unsafe { core::arch::asm!("sfence.vma") };
    Ok(Image {
        entry,
        eh_frame: find_section(&f, b".eh_frame").unwrap_or(0),
    })
}

/// Virtual address of the section called `name`, if any.
fn find_section(f: &Bytes, name: &[u8]) -> Option<usize> {
    let shoff = f.u32(32).ok()?;
    let shentsize = f.u16(46).ok()?;
    let shnum = f.u16(48).ok()?;
    let shstrndx = f.u16(50).ok()?;
    let strtab = f.u32(shoff + shstrndx * shentsize + 16).ok()?;
    for i in 0..shnum {
        let sh = shoff + i * shentsize;
        let name_off = strtab + f.u32(sh).ok()?;
        let p = f.get(name_off, name.len() + 1).ok()?;
        let candidate = unsafe { core::slice::from_raw_parts(p as *const u8, name.len() + 1) };
        if &candidate[..name.len()] == name && candidate[name.len()] == 0 {
            return f.u32(sh + 12).ok();
        }
    }
    None
}
