//! The checks made on a file before it is booted: an executable RISC-V 32 ELF.

use crate::HarnessError;
use std::path::Path;

/// Fails with a clear message unless `path` is a 32-bit little-endian RISC-V executable.
pub fn check_firmware(path: &Path) -> Result<Vec<u8>, HarnessError> {
    let bytes = std::fs::read(path).map_err(|e| HarnessError::io("read the firmware", path, e))?;
    let why = if bytes.len() < 52 || &bytes[..4] != b"\x7fELF" {
        Some("it is not an ELF file")
    } else if bytes[4] != 1 || bytes[5] != 1 {
        Some("it is not a 32-bit little-endian ELF")
    } else if u16::from_le_bytes([bytes[18], bytes[19]]) != 0xf3 {
        Some("it is not a RISC-V ELF")
    } else if u16::from_le_bytes([bytes[16], bytes[17]]) != 2 {
        Some("it is not an executable (ELF type is not EXEC)")
    } else {
        None
    };
    match why {
        Some(why) => Err(HarnessError::NotFirmware {
            path: path.to_path_buf(),
            why,
        }),
        None => Ok(bytes),
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
        assert!(err.contains("not an ELF"), "{err}");
        // This test binary is a 64-bit host ELF.
        let me = std::env::current_exe().unwrap();
        let err = check_firmware(&me).unwrap_err().to_string();
        assert!(err.contains("32-bit") || err.contains("RISC-V"), "{err}");
    }
}
