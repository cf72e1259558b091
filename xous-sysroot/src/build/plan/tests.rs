use super::*;

#[test]
fn vendor_lookup_matches_versioned_dirs_only() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("cc-1.2.3")).unwrap();
    fs::create_dir(dir.path().join("cfg-if-1.0.4")).unwrap();
    assert!(vendor_has(dir.path(), "cc"));
    assert!(vendor_has(dir.path(), "cfg-if"));
    assert!(!vendor_has(dir.path(), "cfg"));
    assert!(!vendor_has(dir.path(), "shlex"));
}

#[test]
fn sibling_cargo_falls_back_to_path() {
    assert_eq!(sibling_cargo(Path::new("rustc")), PathBuf::from("cargo"));
}
