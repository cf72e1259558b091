//! A file another process (the emulator) creates and appends to, read as it grows.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A file read from where the last read stopped; until it exists, it reads as empty.
#[derive(Debug)]
pub(crate) struct GrowingFile {
    path: PathBuf,
    file: Option<File>,
}

impl GrowingFile {
    /// The file at `path`, which may not exist yet.
    pub fn new(path: &Path) -> GrowingFile {
        GrowingFile {
            path: path.to_path_buf(),
            file: None,
        }
    }

    /// Reads into `buf` what was appended since the last read: 0 bytes when nothing was.
    pub fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.file.is_none() {
            self.file = File::open(&self.path).ok();
        }
        match &mut self.file {
            Some(f) => f.read(buf),
            None => Ok(0),
        }
    }

    /// Everything appended since the last read.
    pub fn read_new(&mut self) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut buf = [0; 8192];
        while let Ok(n @ 1..) = self.read(&mut buf) {
            bytes.extend_from_slice(&buf[..n]);
        }
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::GrowingFile;
    use std::io::Write;

    #[test]
    fn reads_what_was_appended_since_the_last_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("uart.txt");
        let mut file = GrowingFile::new(&path);
        assert!(file.read_new().is_empty(), "not created yet");
        let mut writer = std::fs::File::create(&path).unwrap();
        writer.write_all(b"KMAIN\n").unwrap();
        assert_eq!(file.read_new(), b"KMAIN\n");
        assert!(file.read_new().is_empty());
        writer.write_all(b"LOG: my PID is 3\n").unwrap();
        assert_eq!(file.read_new(), b"LOG: my PID is 3\n");
    }
}
