//! The rust-installer tarball extractor, fed raw tar, or xz / gzip when the input starts with
//! their magic bytes (the seeds include the hostile corpus in both compressions).
#![no_main]

mod scratch;

use libfuzzer_sys::fuzz_target;
use xous_sysroot::producer::unpack_component;

fuzz_target!(|data: &[u8]| {
    let (run, staging) = scratch::fresh_run();
    let (target, limits) = (scratch::TARGET, scratch::LIMITS);
    let result = if data.starts_with(b"\xfd7zXZ\0") {
        let xz = xous_sysroot::producer::xz::decoder(data);
        unpack_component(xz, target, &staging, "fuzz.tar.xz", limits)
    } else if data.starts_with(b"\x1f\x8b") {
        let gz = flate2::read::GzDecoder::new(data);
        unpack_component(gz, target, &staging, "fuzz.tar.gz", limits)
    } else {
        unpack_component(data, target, &staging, "fuzz.tar", limits)
    };
    scratch::check(&run, &staging, result);
});
