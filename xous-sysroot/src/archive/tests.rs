use std::io::Write;

use super::*;
use crate::component::ComponentLayout;

const T: &str = "riscv32imac-unknown-xous-elf";

/// One tar entry, written with raw header fields so that hostile names get through.
struct E<'a> {
    name: &'a str,
    kind: tar::EntryType,
    data: &'a [u8],
    link: &'a str,
}

fn file<'a>(name: &'a str, data: &'a [u8]) -> E<'a> {
    E {
        name,
        kind: tar::EntryType::Regular,
        data,
        link: "",
    }
}

fn raw_tar(entries: &[E]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        let mut name = e.name.as_bytes();
        if name.len() > 99 {
            // GNU long name: a '././@LongLink' entry carrying the name, as GNU tar writes.
            let mut long = tar::Header::new_gnu();
            long.as_gnu_mut().unwrap().name[..13].copy_from_slice(b"././@LongLink");
            long.set_entry_type(tar::EntryType::GNULongName);
            long.set_mode(0o644);
            long.set_size(name.len() as u64 + 1);
            long.set_cksum();
            out.extend_from_slice(long.as_bytes());
            out.extend_from_slice(name);
            out.push(0);
            out.resize(out.len().div_ceil(512) * 512, 0);
            name = &name[..99];
        }
        let mut h = tar::Header::new_gnu();
        h.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
        h.set_entry_type(e.kind);
        h.set_mode(0o644);
        h.set_size(e.data.len() as u64);
        if !e.link.is_empty() {
            h.set_link_name_literal(e.link).unwrap();
        }
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(e.data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.extend_from_slice(&[0u8; 1024]);
    out
}

const P: &str = "rust-std-1.96.0-riscv32imac-unknown-xous-elf";

fn valid_entries() -> Vec<(String, Vec<u8>)> {
    vec![
        (
            format!("{P}/components"),
            format!("rust-std-{T}\n").into_bytes(),
        ),
        (format!("{P}/rust-installer-version"), b"3\n".to_vec()),
        (
            format!("{P}/rust-std-{T}/manifest.in"),
            format!("file:lib/rustlib/{T}/lib/libstd.rlib\n").into_bytes(),
        ),
        (
            format!("{P}/rust-std-{T}/lib/rustlib/{T}/lib/libstd.rlib"),
            b"std".to_vec(),
        ),
    ]
}

/// A valid component with `extra` appended.
fn with(extra: &[E]) -> Vec<u8> {
    let valid = valid_entries();
    let mut entries: Vec<E> = valid.iter().map(|(n, d)| file(n, d)).collect();
    entries.extend(extra.iter().map(|e| E {
        name: e.name,
        kind: e.kind,
        data: e.data,
        link: e.link,
    }));
    raw_tar(&entries)
}

fn unpack(tar: &[u8]) -> (tempfile::TempDir, Result<Extracted>) {
    let dir = tempfile::tempdir().unwrap();
    let staging = dir.path().join("staging");
    std::fs::create_dir(&staging).unwrap();
    let r = unpack_component(tar, T, &staging, "test.tar", Limits::default());
    (dir, r)
}

fn assert_refused(tar: &[u8], needle: &str) {
    let (dir, r) = unpack(tar);
    let err = r.unwrap_err().to_string();
    assert!(err.contains(needle), "expected '{needle}' in: {err}");
    // Nothing outside the staging directory.
    let outside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(outside, vec![std::ffi::OsString::from("staging")]);
}

#[test]
fn unpacks_a_valid_component() {
    let (dir, r) = unpack(&with(&[]));
    let x = r.unwrap();
    assert_eq!(x.files.len(), 1);
    assert_eq!(x.files[0].path, "lib/libstd.rlib");
    assert_eq!(x.files[0].sha256, crate::hash::sha256_bytes(b"std"));
    assert_eq!(
        std::fs::read(
            dir.path()
                .join(format!("staging/lib/rustlib/{T}/lib/libstd.rlib"))
        )
        .unwrap(),
        b"std"
    );
}

#[test]
fn refuses_traversal_and_absolute_paths() {
    for name in [
        "../evil",
        "/etc/evil",
        "./../evil",
        &format!("{P}/../../evil"),
        &format!("{P}/rust-std-{T}/lib/rustlib/{T}/../../../../x"),
    ] {
        assert_refused(&with(&[file(name, b"x")]), "refusing archive");
    }
}

#[test]
fn refuses_links_devices_and_fifos() {
    let inside = format!("{P}/rust-std-{T}/lib/rustlib/{T}/lib/link");
    let cases = [
        (tar::EntryType::Symlink, "/etc/passwd", "symbolic link"),
        (tar::EntryType::Symlink, "../../../../..", "symbolic link"),
        (tar::EntryType::Link, "/etc/passwd", "hard link"),
        (tar::EntryType::Char, "", "device file"),
        (tar::EntryType::Block, "", "device file"),
        (tar::EntryType::Fifo, "", "fifo"),
    ];
    for (kind, link, needle) in cases {
        assert_refused(
            &with(&[E {
                name: &inside,
                kind,
                data: b"",
                link,
            }]),
            needle,
        );
    }
    // A symlink followed by a file written through it.
    let dir_link = format!("{P}/rust-std-{T}/lib/rustlib/{T}/lib/escape");
    let through = format!("{dir_link}/owned");
    assert_refused(
        &with(&[
            E {
                name: &dir_link,
                kind: tar::EntryType::Symlink,
                data: b"",
                link: "/tmp",
            },
            file(&through, b"x"),
        ]),
        "symbolic link",
    );
}

#[test]
fn refuses_duplicates_and_stray_files() {
    let dup = format!("{P}/rust-std-{T}/lib/rustlib/{T}/lib/libstd.rlib");
    assert_refused(&with(&[file(&dup, b"again")]), "appears twice");
    assert_refused(
        &with(&[file(&format!("{P}/rust-std-{T}/bin/tool"), b"x")]),
        "is outside",
    );
    assert_refused(
        &with(&[file(
            &format!("{P}/rust-std-{T}/lib/rustlib/other-target/lib/x"),
            b"x",
        )]),
        "is outside",
    );
    assert_refused(
        &with(&[file("rust-std-1.0.0-other/x", b"x")]),
        "outside the package directory",
    );
}

#[test]
fn refuses_bombs_and_too_many_entries() {
    let big = vec![0u8; 10_000];
    let name = format!("{P}/rust-std-{T}/lib/rustlib/{T}/lib/big");
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        max_total_bytes: 5_000,
        max_entries: 100,
    };
    let err = unpack_component(
        &with(&[file(&name, &big)])[..],
        T,
        dir.path(),
        "bomb",
        limits,
    )
    .unwrap_err();
    assert!(err.to_string().contains("decompression bomb"), "{err}");
    let many: Vec<String> = (0..200)
        .map(|i| format!("{P}/rust-std-{T}/lib/rustlib/{T}/lib/f{i}"))
        .collect();
    let entries: Vec<E> = many.iter().map(|n| file(n, b"")).collect();
    let dir = tempfile::tempdir().unwrap();
    let err = unpack_component(&with(&entries)[..], T, dir.path(), "many", limits).unwrap_err();
    assert!(err.to_string().contains("limit of 100 entries"), "{err}");
}

#[test]
fn a_real_xz_bomb_is_stopped_at_the_cap() {
    // 64 MiB of zeros compresses to a few KiB of xz.
    let name = format!("{P}/rust-std-{T}/lib/rustlib/{T}/lib/zeros");
    let mut tar = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(64 << 20);
    h.set_mode(0o644);
    tar.append_data(&mut h, &name, std::io::repeat(0).take(64 << 20))
        .unwrap();
    let mut xz = xz2::write::XzEncoder::new(Vec::new(), 1);
    xz.write_all(&tar.into_inner().unwrap()).unwrap();
    let compressed = xz.finish().unwrap();
    assert!(compressed.len() < 1 << 20);
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        max_total_bytes: 1 << 20,
        max_entries: 100,
    };
    let err = unpack_component(
        xz2::read::XzDecoder::new(&compressed[..]),
        T,
        dir.path(),
        "bomb.tar.xz",
        limits,
    )
    .unwrap_err();
    assert!(err.to_string().contains("decompression bomb"), "{err}");
}

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
            xz2::read::XzDecoder::new(&xz[..cut]),
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
fn metadata_must_agree_with_contents() {
    let valid = valid_entries();
    let mut e: Vec<E> = valid.iter().map(|(n, d)| file(n, d)).collect();
    e.remove(1);
    assert_refused(&raw_tar(&e), "rust-installer-version");
    let listed =
        format!("file:lib/rustlib/{T}/lib/libstd.rlib\nfile:lib/rustlib/{T}/lib/missing.rlib\n");
    let mut e: Vec<E> = valid.iter().map(|(n, d)| file(n, d)).collect();
    e[2].data = listed.as_bytes();
    assert_refused(&raw_tar(&e), "does not contain it");
    let extra = format!("{P}/rust-std-{T}/lib/rustlib/{T}/lib/unlisted.rlib");
    assert_refused(&with(&[file(&extra, b"x")]), "does not list it");
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
        xz2::read::XzDecoder::new(&one[..]),
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
fn zips_with_traversal_or_links_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let opts = zip::write::SimpleFileOptions::default();
    type Make = Box<dyn Fn(&mut zip::ZipWriter<std::fs::File>)>;
    let cases: Vec<(&str, Make)> = vec![
        (
            "'..'",
            Box::new(move |z| {
                z.start_file("../evil", opts).unwrap();
            }),
        ),
        (
            "absolute",
            Box::new(move |z| {
                z.start_file("/tmp/evil", opts).unwrap();
            }),
        ),
        (
            "link",
            Box::new(move |z| {
                z.add_symlink(format!("lib/rustlib/{T}/lib/l"), "/etc", opts)
                    .unwrap();
            }),
        ),
        (
            "outside",
            Box::new(move |z| {
                z.start_file("lib/other", opts).unwrap();
            }),
        ),
    ];
    for (i, (needle, make)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("{i}.zip"));
        let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        make(&mut z);
        z.finish().unwrap();
        let staging = dir.path().join(format!("s{i}"));
        std::fs::create_dir(&staging).unwrap();
        let err = unpack_release_zip(&path, T, &staging, "z", Limits::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(needle) || err.contains("refusing"),
            "{needle}: {err}"
        );
        assert!(crate::component::list_files(&staging).unwrap().is_empty());
    }
}
