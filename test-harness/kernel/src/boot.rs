//! The boot block the host writes at [`BOOT_BLOCK_ADDR`]: where the firmware and its
//! parameters are, how much RAM there is, and the run's settings.
//!
//! Layout (little-endian `u32` words): magic `XKB1`, RAM end, firmware address,
//! firmware length, parameters address, parameters length, UTC time in ms (low, high),
//! flags, time slice in µs (0 = default), main stack size in bytes (0 = default).

/// Physical address of the boot block.
pub const BOOT_BLOCK_ADDR: usize = 0x8020_0000;
const MAGIC: u32 = u32::from_le_bytes(*b"XKB1");
const DEFAULT_MAIN_STACK: usize = 1 << 20;
const DEFAULT_SLICE_US: u32 = 1000;

/// The decoded boot block.
pub struct BootBlock {
    pub ram_end: usize,
    pub firmware_addr: usize,
    pub firmware_len: usize,
    pub params_addr: usize,
    pub params_len: usize,
    pub utc_ms: u64,
    pub slice_us: u32,
    main_stack: usize,
}

fn word(index: usize) -> u32 {
    unsafe { ((BOOT_BLOCK_ADDR + 4 * index) as *const u32).read_volatile() }
}

impl BootBlock {
    /// Reads and checks the boot block.
    pub fn read() -> Result<BootBlock, &'static str> {
        if word(0) != MAGIC {
            return Err("no XKB1 magic at 0x80200000 (start the kernel with xous-run)");
        }
        let b = BootBlock {
            ram_end: word(1) as usize,
            firmware_addr: word(2) as usize,
            firmware_len: word(3) as usize,
            params_addr: word(4) as usize,
            params_len: word(5) as usize,
            utc_ms: word(6) as u64 | (word(7) as u64) << 32,
            slice_us: match word(9) {
                0 => DEFAULT_SLICE_US,
                n => n,
            },
            main_stack: match word(10) as usize {
                0 => DEFAULT_MAIN_STACK,
                n => (n + 4095) & !4095,
            },
        };
        if b.firmware_len < 52 || b.firmware_addr + b.firmware_len > b.ram_end {
            return Err("firmware range does not fit in RAM");
        }
        if b.params_len > 0 && b.params_addr + b.params_len > b.ram_end {
            return Err("parameter block does not fit in RAM");
        }
        Ok(b)
    }

    /// First physical address the kernel may hand out as free pages.
    pub fn free_start(&self) -> usize {
        let end = (self.firmware_addr + self.firmware_len).max(self.params_addr + self.params_len);
        (end + 4095) & !4095
    }

    /// Size of the main thread's stack.
    pub fn main_stack_size(&self) -> usize {
        self.main_stack
    }
}
