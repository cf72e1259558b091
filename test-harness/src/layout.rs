//! Where the kernel, boot block, parameters and firmware go in the emulated RAM, and the
//! boot block that tells the kernel (the layout itself is [`xous_test_protocol::boot`]).

use crate::HarnessError;
use xous_test_protocol::boot::{self, BootBlock};

/// Start of RAM on the RISC-V virt layout (QEMU and Renode alike); the kernel's own
/// image is linked here.
pub const RAM_BASE: u64 = boot::RAM_BASE as u64;
/// Physical address of the boot block.
pub const BOOT_BLOCK: u64 = boot::BOOT_BLOCK_ADDR as u64;
const PAGE: u64 = boot::PAGE as u64;
/// The most RAM a run can have, in MiB: RAM starts at 2 GiB and must end inside the
/// 32-bit address space the boot block describes.
pub const MAX_RAM_MIB: u64 = ((1 << 32) - RAM_BASE - 1) >> 20;
/// RAM the kernel needs above the firmware image for page tables, stacks and heap.
const MIN_FREE: u64 = 16 << 20;

/// Placement of one run's images.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// End of RAM (exclusive).
    pub ram_end: u64,
    /// Where the parameter block is loaded.
    pub params_addr: u64,
    /// Its length.
    pub params_len: u64,
    /// Where the firmware ELF is loaded, as raw bytes.
    pub firmware_addr: u64,
    /// Its length.
    pub firmware_len: u64,
}

/// Settings the kernel reads from the boot block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KernelSettings {
    /// UTC time at boot, in ms since the Unix epoch (what `SystemTime::now` starts at).
    pub utc_ms: u64,
    /// Preemption time slice in µs of emulated time.
    pub slice_us: u32,
    /// Size of the main thread's stack in bytes.
    pub main_stack: u32,
}

impl Default for KernelSettings {
    fn default() -> Self {
        KernelSettings {
            utc_ms: 0,
            slice_us: boot::DEFAULT_SLICE_US,
            main_stack: boot::DEFAULT_MAIN_STACK,
        }
    }
}

fn align_up(x: u64) -> u64 {
    x.div_ceil(PAGE) * PAGE
}

impl Layout {
    /// Places parameters and firmware after the boot block in `ram_size` bytes of RAM.
    pub fn new(
        ram_size: u64,
        params_len: usize,
        firmware_len: u64,
    ) -> Result<Layout, HarnessError> {
        if ram_size > MAX_RAM_MIB << 20 {
            return Err(HarnessError::Parameters(format!(
                "{} MiB of RAM do not fit in the 32-bit address space above {RAM_BASE:#x}\nhelp: ask for at most {MAX_RAM_MIB} MiB (xous-run --ram-mib)",
                ram_size >> 20
            )));
        }
        let params_addr = BOOT_BLOCK + PAGE;
        let firmware_addr = align_up(params_addr + params_len as u64);
        let ram_end = RAM_BASE + ram_size;
        let needed = align_up(firmware_addr + firmware_len) + MIN_FREE;
        if needed > ram_end {
            return Err(HarnessError::TooLarge {
                firmware_len,
                ram_mib: ram_size >> 20,
                needed_mib: (needed - RAM_BASE).div_ceil(1 << 20),
            });
        }
        Ok(Layout {
            ram_end,
            params_addr,
            params_len: params_len as u64,
            firmware_addr,
            firmware_len,
        })
    }

    /// The boot block bytes; `flags` are [`xous_test_protocol::boot`]'s `FLAG_*` bits
    /// (what the platform has).
    pub fn boot_block(&self, settings: &KernelSettings, flags: u32) -> Vec<u8> {
        BootBlock {
            ram_end: self.ram_end as u32,
            firmware_addr: self.firmware_addr as u32,
            firmware_len: self.firmware_len as u32,
            params_addr: self.params_addr as u32,
            params_len: self.params_len as u32,
            utc_ms: settings.utc_ms,
            flags,
            slice_us: settings.slice_us,
            main_stack: settings.main_stack,
        }
        .to_bytes()
        .to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn firmware_follows_parameters_on_a_page_boundary() {
        let l = Layout::new(256 << 20, 5000, 1234).unwrap();
        assert_eq!(l.params_addr, 0x8020_1000);
        assert_eq!(l.firmware_addr, 0x8020_3000);
        assert_eq!(l.ram_end, 0x9000_0000);
        let block = l.boot_block(&KernelSettings::default(), 0);
        assert_eq!(&block[..4], b"XKB1");
        assert_eq!(block.len(), 44);
        assert_eq!(
            u32::from_le_bytes(block[8..12].try_into().unwrap()),
            0x8020_3000
        );
    }

    #[test]
    fn ram_beyond_the_address_space_is_refused() {
        assert_eq!(MAX_RAM_MIB, 2047);
        let l = Layout::new(MAX_RAM_MIB << 20, 0, 4096).unwrap();
        assert_eq!(l.ram_end, 0xfff0_0000);
        for mib in [MAX_RAM_MIB + 1, u64::MAX >> 20] {
            let err = Layout::new(mib << 20, 0, 4096).unwrap_err();
            assert!(err.to_string().contains("at most 2047 MiB"), "{err}");
        }
    }

    #[test]
    fn firmware_too_large_for_ram_is_refused() {
        let err = Layout::new(32 << 20, 0, 30 << 20).unwrap_err();
        assert!(err.to_string().contains("32 MiB"), "{err}");
    }
}
