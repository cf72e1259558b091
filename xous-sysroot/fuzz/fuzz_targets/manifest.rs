//! The channel manifest parser and `.sha256` reader. A manifest that parses must write out
//! and parse again to the same text (the overlay manifest depends on losing nothing).
#![no_main]

use libfuzzer_sys::fuzz_target;
use xous_sysroot::producer::{parse_sha256_file, Manifest};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_sha256_file(text, "fuzz.sha256");
    if let Ok(manifest) = Manifest::parse(text, "fuzz.toml") {
        let written = manifest.stringify();
        let again = Manifest::parse(&written, "written")
            .unwrap_or_else(|e| panic!("a written manifest does not parse: {e}\n{written}"));
        assert_eq!(again.stringify(), written, "not stable when written again");
        let _ = manifest.rust_std(xous_sysroot::DEFAULT_TARGET);
    }
});
