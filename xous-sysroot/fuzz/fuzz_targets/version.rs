//! Rustc identity parsing. A parsed version's `identity()` must parse again to the same
//! release and a matching commit (the cache index and the stamp store identities as text).
#![no_main]

use libfuzzer_sys::fuzz_target;
use xous_sysroot::RustcVersion;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(version) = RustcVersion::parse(text) {
        let identity = version.identity();
        let again = RustcVersion::parse(&identity)
            .unwrap_or_else(|e| panic!("identity '{identity}' of {version:?} does not parse: {e}"));
        assert_eq!(again.release, version.release);
        assert!(
            version.matches(&again) && again.matches(&version),
            "{version:?} vs {again:?}"
        );
    }
});
