use super::*;

#[test]
fn stamp_hash_line_is_read_back() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(read_hash(dir.path()), None);
    fs::create_dir(dir.path().join("lib")).unwrap();
    fs::write(dir.path().join(STAMP_FILE_NAME), "hash abc\nprofile x\n").unwrap();
    assert_eq!(read_hash(dir.path()), None, "no build record: not built");
    fs::write(dir.path().join(BUILD_INFO_FILE_NAME), "").unwrap();
    assert_eq!(read_hash(dir.path()).as_deref(), Some("abc"));
}

#[test]
fn tree_listing_changes_with_contents() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    fs::write(dir.path().join("sub/a.rs"), "x").unwrap();
    let mut first = Vec::new();
    hash_tree(dir.path(), dir.path(), &mut first).unwrap();
    fs::write(dir.path().join("sub/a.rs"), "xy").unwrap();
    let mut second = Vec::new();
    hash_tree(dir.path(), dir.path(), &mut second).unwrap();
    assert_ne!(first, second);
    assert!(String::from_utf8_lossy(&first).starts_with("sub/\nsub/a.rs 1 "));
}
