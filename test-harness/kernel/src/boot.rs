//! Reading the boot block the host wrote at `BOOT_BLOCK_ADDR` (its layout and checks are
//! [`xous_test_protocol::boot`]).

use xous_test_protocol::boot::BOOT_BLOCK_ADDR;

pub use xous_test_protocol::boot::BootBlock;

/// Reads and checks the boot block.
pub fn read() -> Result<BootBlock, &'static str> {
    let words = core::array::from_fn(|i| {
        let addr = BOOT_BLOCK_ADDR as usize + 4 * i;
        // SAFETY: the boot block's page is RAM the host loaded; the kernel never writes it.
        unsafe { (addr as *const u32).read_volatile() }
    });
    BootBlock::from_words(words)
}

/// First physical address the kernel may hand out as free pages: the page after the
/// firmware image and the parameters.
pub fn free_start(boot: &BootBlock) -> usize {
    let end = (boot.firmware_addr + boot.firmware_len).max(boot.params_addr + boot.params_len);
    (end as usize + 4095) & !4095
}
