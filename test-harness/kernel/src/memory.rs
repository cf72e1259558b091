//! Physical pages, the process's Sv32 page table, and access to user memory.
//!
//! The kernel runs in M-mode on physical addresses; only the firmware (U-mode) is
//! translated. Virtual layout of the process:
//! - the ELF's own segments (linked low, from 0x10000);
//! - the heap grown by `IncreaseHeap` from [`HEAP_BASE`];
//! - `MapMemory` regions from [`MMAP_BASE`];
//! - the parameter block at [`PARAMS_VA`] and the main stack just below [`STACK_TOP`].

use crate::abi::XousError;
use crate::boot::{self, BootBlock};
use crate::global::{Borrowed, Global};

pub const PAGE: usize = 4096;
pub const HEAP_BASE: usize = 0x2000_0000;
const HEAP_LIMIT: usize = 0x4000_0000;
pub const MMAP_BASE: usize = 0x4000_0000;
const MMAP_LIMIT: usize = 0x7000_0000;
pub const PARAMS_VA: usize = 0x7000_0000;
pub const STACK_TOP: usize = 0x7fff_0000;
/// Lowest address the firmware may use (page 0 stays unmapped to catch null pointers).
const USER_MIN: usize = PAGE;
/// Highest user address plus one; above it lives the thread-exit address.
pub const USER_MAX: usize = 0x8000_0000;

const PTE_V: usize = 1 << 0;
pub const PTE_R: usize = 1 << 1;
pub const PTE_W: usize = 1 << 2;
pub const PTE_X: usize = 1 << 3;
const PTE_U: usize = 1 << 4;
const PTE_A: usize = 1 << 6;
const PTE_D: usize = 1 << 7;
/// Software bit: a page that is allocated but not accessible (a guard page).
const PTE_GUARD: usize = 1 << 8;
const PTE_RWX: usize = PTE_R | PTE_W | PTE_X;

struct Memory {
    next_free: usize,
    end: usize,
    free_list: usize,
    free_pages: usize,
    root: usize,
    heap_top: usize,
    heap_max: usize,
    mmap_next: usize,
}

static MEM: Global<Memory> = Global::new(Memory {
    next_free: 0,
    end: 0,
    free_list: 0,
    free_pages: 0,
    root: 0,
    heap_top: HEAP_BASE,
    heap_max: HEAP_LIMIT - HEAP_BASE,
    mmap_next: MMAP_BASE,
});

#[track_caller]
fn mem() -> Borrowed<'static, Memory> {
    MEM.borrow()
}

/// Takes the RAM above the firmware image as the free page pool and makes the root table.
pub fn init(boot: &BootBlock) {
    let mut m = mem();
    m.next_free = boot::free_start(boot);
    m.end = boot.ram_end as usize & !(PAGE - 1);
    m.free_pages = (m.end - m.next_free) / PAGE;
    drop(m);
    let root = match alloc_page() {
        Some(p) => p,
        None => crate::exit::kernel_failure(format_args!("no RAM left for the page table")),
    };
    mem().root = root;
}

/// The `satp` value that selects the process's page table (Sv32).
pub fn satp() -> usize {
    (1 << 31) | (mem().root >> 12)
}

/// A zeroed physical page, or `None` when RAM is exhausted.
pub fn alloc_page() -> Option<usize> {
    let mut m = mem();
    let page = if m.free_list != 0 {
        let p = m.free_list;
        m.free_list = unsafe { *(p as *const usize) };
        p
    } else if m.next_free < m.end {
        let p = m.next_free;
        m.next_free += PAGE;
        p
    } else {
        return None;
    };
    m.free_pages -= 1;
    unsafe { core::ptr::write_bytes(page as *mut u8, 0, PAGE) };
    Some(page)
}

fn free_page(page: usize) {
    let mut m = mem();
    unsafe { *(page as *mut usize) = m.free_list };
    m.free_list = page;
    m.free_pages += 1;
}

/// The leaf entry for `va`, creating its second-level table when `create` is set.
fn leaf(va: usize, create: bool) -> Option<*mut usize> {
    let root = mem().root as *mut usize;
    let l1 = unsafe { root.add(va >> 22) };
    let entry = unsafe { *l1 };
    let table = if entry & PTE_V != 0 {
        (entry >> 10) << 12
    } else if create {
        let t = alloc_page()?;
        unsafe { *l1 = (t >> 12) << 10 | PTE_V };
        t
    } else {
        return None;
    };
    Some(unsafe { (table as *mut usize).add((va >> 12) & 0x3ff) })
}

fn pte_for(page: usize, flags: usize) -> usize {
    let base = (page >> 12) << 10;
    if flags & PTE_R != 0 || flags & PTE_X != 0 {
        base | PTE_V | PTE_U | PTE_A | PTE_D | (flags & PTE_RWX)
    } else {
        base | PTE_GUARD
    }
}

fn is_mapped(entry: usize) -> bool {
    entry & (PTE_V | PTE_GUARD) != 0
}

/// Makes the hart see page table changes (`sfence.vma`).
pub fn flush_tlb() {
    unsafe { core::arch::asm!("sfence.vma") };
}

/// Maps a fresh zeroed page at `va` with `flags` (PTE R/W/X bits); if a page is already
/// there its permissions are widened to include `flags`.
pub fn map_fresh_page(va: usize, flags: usize) -> Result<usize, XousError> {
    let slot = leaf(va, true).ok_or(XousError::OutOfMemory)?;
    let entry = unsafe { *slot };
    if is_mapped(entry) {
        let page = (entry >> 10) << 12;
        unsafe { *slot = pte_for(page, (entry & PTE_RWX) | flags) };
        return Ok(page);
    }
    let page = alloc_page().ok_or(XousError::OutOfMemory)?;
    unsafe { *slot = pte_for(page, flags) };
    Ok(page)
}

/// Maps `len` bytes of fresh zeroed memory at `va` (both page aligned).
pub fn map_fresh(va: usize, len: usize, flags: usize) -> Result<(), XousError> {
    if len / PAGE > mem().free_pages {
        return Err(XousError::OutOfMemory);
    }
    for off in (0..len).step_by(PAGE) {
        map_fresh_page(va + off, flags)?;
    }
    flush_tlb();
    Ok(())
}

fn check_user_range(va: usize, len: usize) -> Result<(), XousError> {
    if !va.is_multiple_of(PAGE) || !len.is_multiple_of(PAGE) {
        return Err(XousError::BadAlignment);
    }
    if len == 0 || va < USER_MIN || va.checked_add(len).is_none_or(|end| end > USER_MAX) {
        return Err(XousError::BadAddress);
    }
    Ok(())
}

/// `MapMemory` without a physical address: fresh memory at `va`, or anywhere when `va`
/// is 0. Returns the virtual address.
pub fn map_anonymous(va: usize, len: usize, flags: usize) -> Result<usize, XousError> {
    let len = (len + PAGE - 1) & !(PAGE - 1);
    let va = if va == 0 {
        let mut m = mem();
        if m.mmap_next + len > MMAP_LIMIT {
            return Err(XousError::OutOfMemory);
        }
        let v = m.mmap_next;
        m.mmap_next += len;
        v
    } else {
        check_user_range(va, len)?;
        for off in (0..len).step_by(PAGE) {
            if leaf(va + off, false).is_some_and(|slot| is_mapped(unsafe { *slot })) {
                return Err(XousError::MemoryInUse);
            }
        }
        va
    };
    map_fresh(va, len, flags & PTE_RWX)?;
    Ok(va)
}

/// Checks that `[va, va + len)` is a user range whose every page is mapped.
fn check_mapped(va: usize, len: usize) -> Result<(), XousError> {
    check_user_range(va, len)?;
    for off in (0..len).step_by(PAGE) {
        match leaf(va + off, false) {
            Some(slot) if is_mapped(unsafe { *slot }) => {}
            _ => return Err(XousError::BadAddress),
        }
    }
    Ok(())
}

/// `UnmapMemory`: frees every mapped page of the range. As on Xous, a page already
/// unmapped is no error (unmapping twice succeeds); a range whose page table does not
/// exist is `BadAddress`.
pub fn unmap(va: usize, len: usize) -> Result<(), XousError> {
    check_user_range(va, len)?;
    let mut result = Ok(());
    for off in (0..len).step_by(PAGE) {
        match leaf(va + off, false) {
            Some(slot) if is_mapped(unsafe { *slot }) => {
                let entry = unsafe { *slot };
                unsafe { *slot = 0 };
                free_page((entry >> 10) << 12);
            }
            Some(_) => {}
            None => result = Err(XousError::BadAddress),
        }
    }
    flush_tlb();
    result
}

/// `UpdateMemoryFlags`: new permissions for mapped pages; without R or X a page becomes a
/// guard page that faults on any access.
pub fn update_flags(va: usize, len: usize, flags: usize) -> Result<(), XousError> {
    check_mapped(va, len)?;
    for off in (0..len).step_by(PAGE) {
        let slot = leaf(va + off, false).unwrap();
        let page = (unsafe { *slot } >> 10) << 12;
        unsafe { *slot = pte_for(page, flags & PTE_RWX) };
    }
    flush_tlb();
    Ok(())
}

/// Whether `va` lies in a guard page (for fault reports).
pub fn is_guard_page(va: usize) -> bool {
    leaf(va, false).is_some_and(|slot| unsafe { *slot } & (PTE_GUARD | PTE_V) == PTE_GUARD)
}

/// `IncreaseHeap`: grows the heap by `len` bytes; returns (heap base, heap length).
pub fn increase_heap(len: usize) -> Result<(usize, usize), XousError> {
    let len = (len + PAGE - 1) & !(PAGE - 1);
    let (top, max) = {
        let m = mem();
        (m.heap_top, m.heap_max)
    };
    let new_top = top.checked_add(len).ok_or(XousError::OutOfMemory)?;
    if new_top - HEAP_BASE > max || new_top > HEAP_LIMIT {
        return Err(XousError::OutOfMemory);
    }
    map_fresh(top, len, PTE_R | PTE_W)?;
    mem().heap_top = new_top;
    Ok((HEAP_BASE, new_top - HEAP_BASE))
}

/// Current heap size and the maximum it may grow to.
pub fn heap_limits() -> (usize, usize) {
    let m = mem();
    (m.heap_top - HEAP_BASE, m.heap_max)
}

/// Sets the heap maximum (never below the current size).
pub fn set_heap_max(max: usize) -> Result<(), XousError> {
    let mut m = mem();
    if max < m.heap_top - HEAP_BASE || max > HEAP_LIMIT - HEAP_BASE {
        return Err(XousError::InvalidLimit);
    }
    m.heap_max = max;
    Ok(())
}

/// Physical address of user `va` if the process may access it with `need` (PTE bits).
fn translate(va: usize, need: usize) -> Option<usize> {
    if !(USER_MIN..USER_MAX).contains(&va) {
        return None;
    }
    let entry = unsafe { *leaf(va, false)? };
    if entry & PTE_V == 0 || entry & need != need {
        return None;
    }
    Some(((entry >> 10) << 12) | (va & (PAGE - 1)))
}

/// Calls `f` with the user bytes `[va, va + len)` page by page (read permission needed).
pub fn read_user(va: usize, len: usize, mut f: impl FnMut(&[u8])) -> Result<(), XousError> {
    let mut done = 0;
    while done < len {
        let addr = va.checked_add(done).ok_or(XousError::BadAddress)?;
        let pa = translate(addr, PTE_R).ok_or(XousError::BadAddress)?;
        let chunk = (PAGE - (addr & (PAGE - 1))).min(len - done);
        f(unsafe { core::slice::from_raw_parts(pa as *const u8, chunk) });
        done += chunk;
    }
    Ok(())
}

/// Copies `data` into user memory at `va` (write permission needed).
pub fn write_user(va: usize, data: &[u8]) -> Result<(), XousError> {
    let mut done = 0;
    while done < data.len() {
        let addr = va.checked_add(done).ok_or(XousError::BadAddress)?;
        let pa = translate(addr, PTE_W).ok_or(XousError::BadAddress)?;
        let chunk = (PAGE - (addr & (PAGE - 1))).min(data.len() - done);
        unsafe {
            core::ptr::copy_nonoverlapping(data[done..].as_ptr(), pa as *mut u8, chunk);
        }
        done += chunk;
    }
    Ok(())
}

/// Copies the parameter block into the process (read-only); returns its address or 0.
pub fn map_params(boot: &BootBlock) -> usize {
    let (params_addr, params_len) = (boot.params_addr as usize, boot.params_len as usize);
    if params_len == 0 {
        return 0;
    }
    let len = (params_len + PAGE - 1) & !(PAGE - 1);
    for off in (0..len).step_by(PAGE) {
        let page = match map_fresh_page(PARAMS_VA + off, PTE_R) {
            Ok(p) => p,
            Err(_) => crate::exit::kernel_failure(format_args!("no RAM for the parameters")),
        };
        let n = PAGE.min(params_len.saturating_sub(off));
        unsafe {
            core::ptr::copy_nonoverlapping((params_addr + off) as *const u8, page as *mut u8, n)
        };
    }
    flush_tlb();
    PARAMS_VA
}

/// `DecreaseHeap`: gives back the top `len` bytes of the heap (page aligned).
pub fn decrease_heap(len: usize) -> Result<(), XousError> {
    if !len.is_multiple_of(PAGE) {
        return Err(XousError::BadAlignment);
    }
    let top = mem().heap_top;
    if len > top - HEAP_BASE {
        return Err(XousError::OutOfMemory);
    }
    if len == 0 {
        return Ok(());
    }
    unmap(top - len, len)?;
    mem().heap_top -= len;
    Ok(())
}

/// The physical address behind user `va` (`VirtToPhys`), if it is mapped.
pub fn physical(va: usize) -> Option<usize> {
    translate(va, 0)
}

/// Whether `[va, va + len)` is a page-aligned user range whose every page is mapped
/// (the check of a memory message's buffer).
pub fn check_message_buffer(va: usize, len: usize) -> Result<(), XousError> {
    check_mapped(va, len)
}
