//! Round trips of the component writer and the extractor; the hostile archives are a corpus
//! checked in under `tests/data/hostile/` and exercised by the integration tests.

use super::*;
use crate::component::ComponentLayout;

const T: &str = "riscv32imac-unknown-xous-elf";

#[test]
fn truncated_and_corrupt_streams_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("lib")).unwrap();
    std::fs::write(src.join("lib/libstd.rlib"), vec![1u8; 100_000]).unwrap();
    let mut xz = Vec::new();
    ComponentLayout::new("1.96.0", T)
        .write_tar_xz(&src, &mut xz)
        .unwrap();
    for cut in [xz.len() / 2, xz.len() - 10] {
        let staging = dir.path().join(format!("s{cut}"));
        std::fs::create_dir(&staging).unwrap();
        let err = unpack_component(
            crate::xz::decoder(&xz[..cut]),
            T,
            &staging,
            "cut.tar.xz",
            Limits::default(),
        )
        .unwrap_err();
        assert!(matches!(err, Error::CorruptArchive { .. }), "{err}");
    }
}

#[test]
fn written_components_read_back_identically() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("lib/self-contained")).unwrap();
    std::fs::write(src.join("lib/libstd.rlib"), b"a").unwrap();
    std::fs::write(src.join("lib/self-contained/crt.o"), b"bb").unwrap();
    let layout = ComponentLayout::new("1.96.0", T);
    let (mut one, mut two) = (Vec::new(), Vec::new());
    layout.write_tar_xz(&src, &mut one).unwrap();
    layout.write_tar_xz(&src, &mut two).unwrap();
    assert_eq!(one, two, "reproducible");
    let staging = dir.path().join("staging");
    let x = unpack_component(
        crate::xz::decoder(&one[..]),
        T,
        &staging,
        "rt",
        Limits::default(),
    )
    .unwrap();
    let paths: Vec<_> = x.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["lib/libstd.rlib", "lib/self-contained/crt.o"]);
    for f in ["lib/libstd.rlib", "lib/self-contained/crt.o"] {
        assert_eq!(
            std::fs::read(src.join(f)).unwrap(),
            std::fs::read(staging.join("lib/rustlib").join(T).join(f)).unwrap()
        );
    }
}

#[test]
fn release_zip_version_beside_the_rlibs_is_read_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("lib")).unwrap();
    std::fs::write(src.join("lib/libcore.rlib"), b"core").unwrap();
    let zip = crate::dist::write_release_zip(&src, T, "1.96.0", std::io::Cursor::new(Vec::new()))
        .unwrap()
        .into_inner();
    let staging = dir.path().join("staging");
    let x = unpack_release_zip_from(
        std::io::Cursor::new(zip),
        T,
        &staging,
        "zip",
        Limits::default(),
    )
    .unwrap();
    assert_eq!(x.rust_version.as_deref(), Some("1.96.0"));
    let installed = staging.join("lib/rustlib").join(T);
    assert_eq!(
        std::fs::read_to_string(installed.join("RUST_VERSION"))
            .unwrap()
            .trim(),
        "1.96.0"
    );
    assert_eq!(
        std::fs::read(installed.join("lib/libcore.rlib")).unwrap(),
        b"core"
    );
}
