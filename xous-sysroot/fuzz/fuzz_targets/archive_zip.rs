//! The release-zip extractor, fed any bytes as a zip.
#![no_main]

mod scratch;

use libfuzzer_sys::fuzz_target;
use xous_sysroot::producer::unpack_release_zip_from;

fuzz_target!(|data: &[u8]| {
    let (run, staging) = scratch::fresh_run();
    let result = unpack_release_zip_from(
        std::io::Cursor::new(data),
        scratch::TARGET,
        &staging,
        "fuzz.zip",
        scratch::LIMITS,
    );
    scratch::check(&run, &staging, result);
});
