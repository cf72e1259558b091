//! The demultiplexer and the kernel messages' framing, fed one byte at a time.

use std::io::Read;
use std::sync::{Arc, Mutex};

use super::*;

#[test]
fn splits_streams_and_unescapes_across_chunk_boundaries() {
    let mut all = Vec::new();
    all.extend_from_slice(
        b"\x011out\x01\x01put\x012err\x01kkernel\n\x011more\x01xkind=exit code=0 instret=5\n",
    );
    // Feed one byte at a time: every split point must give the same result.
    let mut d = Demux::new(false);
    for b in &all {
        d.feed(std::slice::from_ref(b));
    }
    let c = d.finish();
    assert_eq!(c.stdout, b"out\x01putmore");
    assert_eq!(c.stderr, b"err");
    assert_eq!(c.kernel, b"kernel\n");
    assert_eq!(c.exit, b"kind=exit code=0 instret=5\n");
}

/// A writer whose bytes the test can read afterwards.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A reader that hands out one byte per `read`, as a loaded machine's console may.
struct OneByteAtATime<'a>(&'a [u8]);

impl Read for OneByteAtATime<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some((&first, rest)) = self.0.split_first() else {
            return Ok(0);
        };
        buf[0] = first;
        self.0 = rest;
        Ok(1)
    }
}

/// Reads `console` through `reader` the way the driver does and returns the echoed
/// stdout and stderr.
fn echo_of(reader: &mut dyn Read) -> (String, String) {
    let (out, err) = (Captured::default(), Captured::default());
    let mut demux = Demux::echo_to(out.clone(), err.clone());
    let mut buf = [0u8; 4096];
    loop {
        let n = reader.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        demux.feed(&buf[..n]);
    }
    let text = |c: Captured| String::from_utf8(c.0.lock().unwrap().clone()).unwrap();
    (text(out), text(err))
}

#[test]
fn each_kernel_line_gets_one_prefix_however_the_console_is_chunked() {
    // Kernel lines split by a switch to stdout in the middle of one of them.
    let console: &[u8] =
        b"\x01kunit one\nunit \x011hi\n\x01ktwo\n\x012oops\n\x01kthree\n\x01xkind=exit code=0\n";
    let expected_err =
        "[xous-kernel] unit one\n[xous-kernel] unit two\noops\n[xous-kernel] three\n";
    let (out, err) = echo_of(&mut OneByteAtATime(console));
    assert_eq!(out, "hi\n");
    assert_eq!(err, expected_err);
    // The same bytes in one read give the same echo.
    let (out, err) = echo_of(&mut &console[..]);
    assert_eq!(out, "hi\n");
    assert_eq!(err, expected_err);
}
