//! The memory map shared by host and kernel, and the boot block: eleven little-endian
//! `u32` words the host loads at [`BOOT_BLOCK_ADDR`] to tell the kernel where the
//! firmware and its parameters are and how to run them.

/// Start of RAM on the RISC-V "virt" layout (QEMU `-machine virt`, Renode's
/// `riscv_virt.repl`); the kernel is linked and entered here.
pub const RAM_BASE: u32 = 0x8000_0000;
/// Where the host loads the boot block; the kernel image must end below it.
pub const BOOT_BLOCK_ADDR: u32 = 0x8020_0000;
/// Page size: the parameters follow the boot block's page, the firmware starts on a page.
pub const PAGE: u32 = 4096;
/// First word of a boot block.
pub const MAGIC: [u8; 4] = *b"XKB1";
/// Number of `u32` words in a boot block.
pub const WORDS: usize = 11;
/// Preemption time slice in µs of emulated time when the boot block says 0.
pub const DEFAULT_SLICE_US: u32 = 1000;
/// Size of the main thread's stack when the boot block says 0.
pub const DEFAULT_MAIN_STACK: u32 = 1 << 20;

/// Flag bit: the platform has QEMU's SiFive test device ("finisher") at 0x0010_0000,
/// so the kernel ends the emulation through it after the exit record. Renode's
/// `riscv_virt.repl` has no device there; without the flag the kernel just stops and
/// the host ends the emulator.
pub const FLAG_EXIT_DEVICE: u32 = 1 << 0;

/// The decoded boot block (addresses are physical).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BootBlock {
    /// End of RAM (exclusive).
    pub ram_end: u32,
    /// Where the firmware ELF lies, as raw bytes.
    pub firmware_addr: u32,
    /// Its length.
    pub firmware_len: u32,
    /// Where the parameter block (`AppP`) lies.
    pub params_addr: u32,
    /// Its length (0: none).
    pub params_len: u32,
    /// UTC time at boot, ms since the Unix epoch.
    pub utc_ms: u64,
    /// `FLAG_*` bits.
    pub flags: u32,
    /// Preemption time slice in µs (0: [`DEFAULT_SLICE_US`]).
    pub slice_us: u32,
    /// Main thread stack size in bytes (0: [`DEFAULT_MAIN_STACK`]).
    pub main_stack: u32,
}

impl BootBlock {
    /// The words the host writes, in order: magic, RAM end, firmware address and
    /// length, parameters address and length, UTC ms (low, high), flags, time slice,
    /// main stack size.
    pub fn to_words(&self) -> [u32; WORDS] {
        [
            u32::from_le_bytes(MAGIC),
            self.ram_end,
            self.firmware_addr,
            self.firmware_len,
            self.params_addr,
            self.params_len,
            self.utc_ms as u32,
            (self.utc_ms >> 32) as u32,
            self.flags,
            self.slice_us,
            self.main_stack,
        ]
    }

    /// The block as the bytes loaded at [`BOOT_BLOCK_ADDR`].
    pub fn to_bytes(&self) -> [u8; WORDS * 4] {
        let mut bytes = [0; WORDS * 4];
        for (chunk, word) in bytes.chunks_exact_mut(4).zip(self.to_words()) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        bytes
    }

    /// Decodes and checks the words the kernel finds at [`BOOT_BLOCK_ADDR`]; zero time
    /// slice and stack size become the defaults, the stack size a whole number of pages.
    pub fn from_words(w: [u32; WORDS]) -> Result<BootBlock, &'static str> {
        if w[0] != u32::from_le_bytes(MAGIC) {
            return Err("no XKB1 magic at 0x80200000 (start the kernel with xous-run)");
        }
        let b = BootBlock {
            ram_end: w[1],
            firmware_addr: w[2],
            firmware_len: w[3],
            params_addr: w[4],
            params_len: w[5],
            utc_ms: w[6] as u64 | (w[7] as u64) << 32,
            flags: w[8],
            slice_us: match w[9] {
                0 => DEFAULT_SLICE_US,
                n => n,
            },
            main_stack: match w[10] {
                0 => DEFAULT_MAIN_STACK,
                n => n.div_ceil(PAGE) * PAGE,
            },
        };
        // Both lie in RAM after the boot block's page (below it is the kernel).
        let fits = |addr: u32, len: u32| {
            addr >= BOOT_BLOCK_ADDR + PAGE && addr.checked_add(len).is_some_and(|e| e <= b.ram_end)
        };
        if b.firmware_len < 52 || !fits(b.firmware_addr, b.firmware_len) {
            return Err("firmware range does not fit in RAM");
        }
        if b.params_len > 0 && !fits(b.params_addr, b.params_len) {
            return Err("parameter block does not fit in RAM");
        }
        Ok(b)
    }

    /// Whether the platform has QEMU's exit device ([`FLAG_EXIT_DEVICE`]).
    pub fn has_exit_device(&self) -> bool {
        self.flags & FLAG_EXIT_DEVICE != 0
    }
}

#[cfg(test)]
mod tests;
