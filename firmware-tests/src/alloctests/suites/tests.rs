use super::*;
use std::collections::BTreeSet;

#[test]
fn suites_are_consistent() {
    let names = binary_names();
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    for suite in SUITES {
        let libs = suite
            .binaries
            .iter()
            .filter(|b| b.target == Target::Lib)
            .count();
        assert!(libs <= 1, "{suite:?}");
    }
}
