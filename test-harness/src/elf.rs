//! The checks made on a file before it is booted: the kernel's own ELF checks
//! ([`xous_test_protocol::elf`]), so a file the kernel would refuse never reaches the emulator.

use crate::HarnessError;
use std::path::Path;
use xous_test_protocol::elf::Elf;

/// Fails with a clear message unless `path` is an ELF the test kernel can load: a 32-bit
/// little-endian RISC-V executable whose program headers and segments lie in the file.
pub fn check_firmware(path: &Path) -> Result<Vec<u8>, HarnessError> {
    let bytes = std::fs::read(path).map_err(|e| HarnessError::io("read the firmware", path, e))?;
    match Elf::parse(&bytes) {
        Ok(_) => Ok(bytes),
        Err(why) => Err(HarnessError::NotFirmware {
            path: path.to_path_buf(),
            why,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_binaries_and_text_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "hello").unwrap();
        let err = check_firmware(&text).unwrap_err().to_string();
        assert!(err.contains("too short for an ELF file"), "{err}");
        std::fs::write(&text, "hello ".repeat(20)).unwrap();
        let err = check_firmware(&text).unwrap_err().to_string();
        assert!(err.contains("not an ELF file"), "{err}");
        // This test binary is a 64-bit host ELF.
        let me = std::env::current_exe().unwrap();
        let err = check_firmware(&me).unwrap_err().to_string();
        assert!(err.contains("32-bit") || err.contains("RISC-V"), "{err}");
    }
}
