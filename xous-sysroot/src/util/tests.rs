//! The public helpers through their public paths: a file written atomically hashes like its
//! bytes, a flag reads like the installer's, a lock can be taken twice in a row.

use super::*;

#[test]
fn the_public_helpers_work_through_their_public_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("b.txt");
    write_atomic(&path, b"hello\n").unwrap();
    assert_eq!(sha256_file(&path).unwrap(), sha256_bytes(b"hello\n"));
    assert_eq!(
        sha256_bytes(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        env::flag("XOUS_SYSROOT_UTIL_TEST_UNSET_FLAG").unwrap(),
        None
    );
    let lock = tmp.path().join("l.lock");
    drop(FileLock::exclusive(&lock, || {}).unwrap());
    drop(FileLock::exclusive(&lock, || {}).unwrap());
    assert_eq!(tail("a\nb\nc", 2), "b\nc");
    assert_eq!(shell_quote("it's"), r"'it'\''s'");
}
