//! The mirror (hard links, what is left out, the record), names, and the base check.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use super::*;

const TARGET: &str = "riscv32imac-unknown-xous-elf";

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A base toolchain directory as rustup makes one, with an old install of the target and a
/// leftover staging directory in it.
fn base(dir: &Path) -> PathBuf {
    let base = dir.join("base");
    write(&base.join("bin/rustc"), "#!/bin/sh\n");
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(base.join("bin/rustc"), fs::Permissions::from_mode(0o755)).unwrap();
    write(&base.join("lib/rustlib/components"), "rustc\nrust-std\n");
    write(
        &base.join("lib/rustlib/x86_64-unknown-linux-gnu/lib/libstd.rlib"),
        "std",
    );
    write(
        &base.join(format!("lib/rustlib/{TARGET}/lib/libstd.rlib")),
        "old xous std",
    );
    write(
        &base.join("lib/rustlib/.xous-sysroot-staging-x/f"),
        "leftover",
    );
    std::os::unix::fs::symlink("x86_64-unknown-linux-gnu", base.join("lib/rustlib/host")).unwrap();
    base
}

fn version() -> RustcVersion {
    RustcVersion::parse("1.95.0 (59807616e 2026-04-14)").unwrap()
}

#[test]
fn the_mirror_links_every_file_and_leaves_out_the_target_and_our_leftovers() {
    let tmp = tempfile::tempdir().unwrap();
    let base = resolve_base(&base(tmp.path())).unwrap();
    let root = root(tmp.path(), &version());
    // What a killed process left beside it goes; another toolchain's temporaries stay.
    let killed = tmp
        .path()
        .join("toolchains/.xous-sysroot-staging-1.95.0-59807616e-4242");
    let other = tmp
        .path()
        .join("toolchains/.xous-sysroot-trash-1.96.0-ac68faa20-7");
    write(&killed.join("bin/rustc"), "partial");
    write(&other.join("bin/rustc"), "another's");
    let record = make_tree(&base, &root, TARGET, &version()).unwrap();
    assert!(!killed.exists() && other.exists());
    // rustup's bookkeeping (`lib/rustlib/components`) is copied, as rustup rewrites such
    // files in place.
    assert_eq!((record.linked_files, record.copied_files), (2, 1));
    let (c, d) = (
        fs::metadata(base.join("lib/rustlib/components")).unwrap(),
        fs::metadata(root.join("lib/rustlib/components")).unwrap(),
    );
    assert_ne!((c.dev(), c.ino()), (d.dev(), d.ino()), "a copy");
    assert_eq!(
        fs::read(root.join("lib/rustlib/components")).unwrap(),
        b"rustc\nrust-std\n"
    );
    assert_eq!(record.base, base);
    assert_eq!(Record::read(&root), Some(record));
    let (a, b) = (
        fs::metadata(base.join("bin/rustc")).unwrap(),
        fs::metadata(root.join("bin/rustc")).unwrap(),
    );
    assert_eq!((a.dev(), a.ino()), (b.dev(), b.ino()), "a hard link");
    assert!(!root.join("lib/rustlib").join(TARGET).exists());
    assert!(!root.join("lib/rustlib/.xous-sysroot-staging-x").exists());
    assert_eq!(
        fs::read_link(root.join("lib/rustlib/host")).unwrap(),
        Path::new("x86_64-unknown-linux-gnu")
    );
    assert!(base_matches(&root, &base));
    // Removing the tree leaves the base's files as they were.
    assert!(remove_tree(&root).unwrap());
    assert_eq!(
        fs::read_to_string(base.join("bin/rustc")).unwrap(),
        "#!/bin/sh\n"
    );
    assert_eq!(fs::metadata(base.join("bin/rustc")).unwrap().nlink(), 1);
    assert!(!remove_tree(&root).unwrap());
}

#[test]
fn a_replaced_base_compiler_no_longer_matches() {
    let tmp = tempfile::tempdir().unwrap();
    let base = base(tmp.path());
    let root = root(tmp.path(), &version());
    make_tree(&base, &root, TARGET, &version()).unwrap();
    // rustup replaces files (a new file renamed in), it does not write into them.
    write(&base.join("bin/rustc.new"), "#!/bin/sh\necho new\n");
    fs::rename(base.join("bin/rustc.new"), base.join("bin/rustc")).unwrap();
    assert!(!base_matches(&root, &base));
    assert_eq!(
        fs::read_to_string(root.join("bin/rustc")).unwrap(),
        "#!/bin/sh\n"
    );
    fs::remove_dir_all(&base).unwrap();
    assert!(!base_matches(&root, &base));
}

#[test]
fn a_shared_prefix_or_a_directory_without_components_is_not_a_base() {
    let tmp = tempfile::tempdir().unwrap();
    let base = base(tmp.path());
    fs::create_dir(base.join("include")).unwrap();
    let text = resolve_base(&base).unwrap_err().to_string();
    assert!(text.contains("shared prefix"), "{text}");
    assert!(text.contains("\nhelp: pick a rustup toolchain"), "{text}");
    fs::remove_dir(base.join("include")).unwrap();
    fs::remove_file(base.join("lib/rustlib/components")).unwrap();
    let text = resolve_base(&base).unwrap_err().to_string();
    assert!(text.contains("lib/rustlib/components"), "{text}");
}

#[test]
fn names_follow_the_channel_and_official_names_are_refused() {
    assert_eq!(default_name(&version()), "xous-1.95.0");
    let nightly = RustcVersion::parse("1.97.0-nightly (e50aa6fba5 2026-05-19)").unwrap();
    assert_eq!(default_name(&nightly), "xous-1.97.0-nightly-e50aa6fba");
    check_name("xous-1.95.0").unwrap();
    for bad in [
        "",
        "stable",
        "nightly-2026-05-19",
        "1.95.0",
        "a/b",
        "-x",
        "a b",
    ] {
        let e = check_name(bad).unwrap_err();
        assert!(e.to_string().contains("\nhelp: choose a name"), "{e}");
    }
}

#[test]
fn across_filesystems_the_mirror_copies() {
    // /dev/shm is a tmpfs on Linux: another filesystem than the temporary directory's disk,
    // so every hard link fails with EXDEV.
    let tmp = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir_in("/dev/shm").expect("/dev/shm (a tmpfs on Linux)");
    let base = base(tmp.path());
    assert_ne!(
        fs::metadata(&base).unwrap().dev(),
        fs::metadata(other.path()).unwrap().dev(),
        "the test needs /dev/shm on another filesystem than {}",
        tmp.path().display()
    );
    let root = root(other.path(), &version());
    let record = make_tree(&base, &root, TARGET, &version()).unwrap();
    assert_eq!((record.linked_files, record.copied_files), (0, 3));
    assert_eq!(
        fs::read_to_string(root.join("bin/rustc")).unwrap(),
        "#!/bin/sh\n"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode(&root.join("bin/rustc")),
        0o755,
        "an executable stays executable"
    );
    // A copy of the same bytes still matches the base.
    assert!(base_matches(&root, &base));
}

#[test]
fn a_bare_release_finds_the_one_linked_toolchain_of_that_release() {
    let tmp = tempfile::tempdir().unwrap();
    let base = base(tmp.path());
    let bare = RustcVersion::parse("1.95.0").unwrap();
    assert_eq!(
        find(tmp.path(), &bare),
        tmp.path().join("toolchains/1.95.0")
    );
    let made = root(tmp.path(), &version());
    make_tree(&base, &made, TARGET, &version()).unwrap();
    assert_eq!(find(tmp.path(), &bare), made);
    assert_eq!(find(tmp.path(), &version()), made);
    let other = RustcVersion::parse("1.96.0").unwrap();
    assert_eq!(
        find(tmp.path(), &other),
        tmp.path().join("toolchains/1.96.0")
    );
}
