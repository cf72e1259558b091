use super::*;

#[test]
fn the_build_script_and_the_tests_find_the_same_target_dir() {
    let found = test_harness::cargo_target_dir().expect("a cargo target directory");
    assert_eq!(
        found.canonicalize().unwrap(),
        cargo_target_dir().canonicalize().unwrap()
    );
    assert!(firmware_target_dir().starts_with(cargo_target_dir()));
    assert!(cargo_target_dir().join("debug").is_dir());
}
