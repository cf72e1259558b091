//! The hostile archive corpus checked in under `tests/data/hostile/`. Every file is made by
//! [`corpus`] below: the test fails if a checked-in file differs from what it makes, and
//! `XOUS_SYSROOT_BLESS=1 cargo test -p xous-sysroot --test it hostile` writes them anew. Each
//! must be refused with a clear error, by the extractor alone and by a full install over a
//! good one, leaving every byte of the tree as it was (lock files apart, which stay by design).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use xous_sysroot::producer::{unpack_component, unpack_release_zip};
use xous_sysroot::Limits;
use xous_sysroot::Source;

use crate::support::server::Fault;
use crate::support::TARGET;

mod served;

pub use served::through_the_installer;
use served::{Outcome, Served};

/// The corpus's directory.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hostile")
}

/// The caps every case is checked under: small, so that the bomb is cheap.
pub const LIMITS: Limits = Limits {
    max_total_bytes: 8 << 20,
    max_entries: 1000,
};

const T: &str = TARGET;
const P: &str = "rust-std-1.96.0-riscv32imac-unknown-xous-elf";

/// How a case is packed and served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packing {
    /// A rust-installer tarball, xz: served as a dist server's `xz_url`.
    TarXz,
    /// The same, gzip: served as a dist server's `url` (no xz offered).
    TarGz,
    /// A release zip: served through a GitHub-style release API.
    Zip,
}

/// One hostile archive.
pub struct Case {
    /// File name under [`corpus_dir`].
    pub file: &'static str,
    /// How it is packed.
    pub packing: Packing,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// A part of the error every refusal of it must show.
    pub expect: &'static str,
    /// Served with a hash that is not its own (the archive itself is valid).
    pub wrong_hash: bool,
}

/// One tar entry, written with raw header fields so that hostile names and sizes get through.
struct E<'a> {
    name: &'a str,
    kind: tar::EntryType,
    data: &'a [u8],
    link: &'a str,
    /// The size the header states, when it is not the data's.
    size: Option<u64>,
}

fn file<'a>(name: &'a str, data: &'a [u8]) -> E<'a> {
    E {
        name,
        kind: tar::EntryType::Regular,
        data,
        link: "",
        size: None,
    }
}

fn special<'a>(name: &'a str, kind: tar::EntryType, link: &'a str) -> E<'a> {
    E {
        name,
        kind,
        data: b"",
        link,
        size: None,
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
        h.set_size(e.size.unwrap_or(e.data.len() as u64));
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

/// The entries of a valid component holding `lib/libstd.rlib` (listed in manifest.in).
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

/// A valid component with `extra` appended, as a raw tar.
fn with(extra: Vec<E>) -> Vec<u8> {
    let valid = valid_entries();
    let mut entries: Vec<E> = valid.iter().map(|(n, d)| file(n, d)).collect();
    entries.extend(extra);
    raw_tar(&entries)
}

fn xz(tar: &[u8]) -> Vec<u8> {
    let mut enc = liblzma::write::XzEncoder::new(Vec::new(), 6);
    enc.write_all(tar).unwrap();
    enc.finish().unwrap()
}

fn gz(tar: &[u8]) -> Vec<u8> {
    let mut enc = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    enc.write_all(tar).unwrap();
    enc.finish().unwrap()
}

/// A zip of `(name, data, symlink)` entries with fixed timestamps.
fn zip_of(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .last_modified_time(zip::DateTime::default())
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data, link) in entries {
        if *link {
            z.add_symlink(*name, std::str::from_utf8(data).unwrap(), opts)
                .unwrap();
        } else {
            z.start_file(*name, opts).unwrap();
            z.write_all(data).unwrap();
        }
    }
    z.finish().unwrap().into_inner()
}

fn case(file: &'static str, bytes: Vec<u8>, expect: &'static str) -> Case {
    let packing = if file.ends_with(".zip") {
        Packing::Zip
    } else if file.ends_with(".tar.gz") {
        Packing::TarGz
    } else {
        Packing::TarXz
    };
    Case {
        file,
        packing,
        bytes,
        expect,
        wrong_hash: false,
    }
}

/// Every case of the corpus, made from scratch.
pub fn corpus() -> Vec<Case> {
    let inside = |rest: &str| format!("{P}/rust-std-{T}/lib/rustlib/{T}/{rest}");
    let lib_link = inside("lib/link");
    let escape = inside("lib/escape");
    let through = inside("lib/escape/owned");
    let nested = inside("../../../../evil");
    let stray = format!("{P}/rust-std-{T}/bin/tool");
    let other_target = format!("{P}/rust-std-{T}/lib/rustlib/other-target/lib/x");
    let zeros = vec![0u8; 4 << 20];
    let bomb_names: Vec<String> = (0..4).map(|i| inside(&format!("lib/zeros{i}"))).collect();
    let many: Vec<String> = (0..1000).map(|i| inside(&format!("lib/f{i}"))).collect();
    let valid = with(vec![]);
    let unlisted = inside("lib/unlisted.rlib");

    let mut no_version: Vec<E> = Vec::new();
    let entries = valid_entries();
    for (n, d) in &entries {
        if !n.ends_with("rust-installer-version") {
            no_version.push(file(n, d));
        }
    }
    let missing_listing =
        format!("file:lib/rustlib/{T}/lib/libstd.rlib\nfile:lib/rustlib/{T}/lib/missing.rlib\n");
    let mut missing: Vec<E> = entries.iter().map(|(n, d)| file(n, d)).collect();
    missing[2].data = missing_listing.as_bytes();

    let zip_inside = |rest: &str| format!("lib/rustlib/{T}/{rest}");
    let zip_std = zip_inside("lib/libstd.rlib");
    let zip_link = zip_inside("lib/l");
    let zip_bomb = zip_inside("lib/zeros");
    let mut wrong = case("wrong-hash.tar.xz", xz(&valid), "checksum mismatch");
    wrong.wrong_hash = true;

    vec![
        case(
            "dotdot.tar.xz",
            xz(&with(vec![file("../evil", b"x")])),
            "escapes the install directory with '..'",
        ),
        case(
            "absolute.tar.xz",
            xz(&with(vec![file("/tmp/xous-sysroot-hostile-evil", b"x")])),
            "is an absolute path",
        ),
        case(
            "dot-dotdot.tar.xz",
            xz(&with(vec![file("./../evil", b"x")])),
            "escapes the install directory with '..'",
        ),
        case(
            "nested-dotdot.tar.xz",
            xz(&with(vec![file(&nested, b"x")])),
            "escapes the install directory with '..'",
        ),
        case(
            "symlink-absolute.tar.xz",
            xz(&with(vec![special(
                &lib_link,
                tar::EntryType::Symlink,
                "/etc/passwd",
            )])),
            "is a symbolic link",
        ),
        case(
            "symlink-relative.tar.xz",
            xz(&with(vec![special(
                &lib_link,
                tar::EntryType::Symlink,
                "../../../../../..",
            )])),
            "is a symbolic link",
        ),
        case(
            "symlink-then-file.tar.xz",
            xz(&with(vec![
                special(&escape, tar::EntryType::Symlink, "/tmp"),
                file(&through, b"owned"),
            ])),
            "is a symbolic link",
        ),
        case(
            "hardlink.tar.xz",
            xz(&with(vec![special(
                &lib_link,
                tar::EntryType::Link,
                "/etc/passwd",
            )])),
            "is a hard link",
        ),
        case(
            "char-device.tar.xz",
            xz(&with(vec![special(&lib_link, tar::EntryType::Char, "")])),
            "is a device file",
        ),
        case(
            "block-device.tar.xz",
            xz(&with(vec![special(&lib_link, tar::EntryType::Block, "")])),
            "is a device file",
        ),
        case(
            "fifo.tar.xz",
            xz(&with(vec![special(&lib_link, tar::EntryType::Fifo, "")])),
            "is a fifo",
        ),
        case(
            "duplicate.tar.xz",
            xz(&with(vec![file(&inside("lib/libstd.rlib"), b"again")])),
            "appears twice",
        ),
        case(
            "outside-component.tar.xz",
            xz(&with(vec![file(&stray, b"x")])),
            "is outside 'rust-std-",
        ),
        case(
            "other-target.tar.xz",
            xz(&with(vec![file(&other_target, b"x")])),
            "is outside 'rust-std-",
        ),
        case(
            "outside-package.tar.xz",
            xz(&with(vec![file("rust-std-1.0.0-other/x", b"x")])),
            "is outside the package directory",
        ),
        case(
            "oversized-entry.tar.xz",
            // The header claims 1 TiB; no data follows.
            xz(&with(vec![E {
                size: Some(1 << 40),
                ..file(&inside("lib/huge"), b"")
            }])),
            "declares 1099511627776 bytes",
        ),
        case(
            "bomb.tar.xz",
            // 16 MiB of zeros in four entries, a few KiB packed; the cap is 8 MiB, so one
            // entry is really unpacked before the next is refused.
            xz(&with(bomb_names.iter().map(|n| file(n, &zeros)).collect())),
            "(a decompression bomb?)",
        ),
        case(
            "too-many-entries.tar.xz",
            xz(&with(many.iter().map(|n| file(n, b"")).collect())),
            "past the limit of 1000 entries",
        ),
        case(
            "truncated.tar.xz",
            {
                let whole = xz(&with(vec![file(&inside("lib/big"), &zeros[..100_000])]));
                whole[..whole.len() / 2].to_vec()
            },
            "corrupt archive",
        ),
        case("not-xz.tar.xz", valid.clone(), "corrupt archive"),
        wrong,
        case(
            "no-installer-version.tar.xz",
            xz(&raw_tar(&no_version)),
            "rust-installer-version' is missing",
        ),
        case(
            "manifest-in-lists-missing.tar.xz",
            xz(&raw_tar(&missing)),
            "does not contain it",
        ),
        case(
            "manifest-in-unlisted.tar.xz",
            xz(&with(vec![file(&unlisted, b"x")])),
            "does not list it",
        ),
        case(
            "dotdot.tar.gz",
            gz(&with(vec![file("../evil", b"x")])),
            "escapes the install directory with '..'",
        ),
        case(
            "zip-dotdot.zip",
            zip_of(&[(&zip_std, b"std", false), ("../evil", b"x", false)]),
            "escapes the install directory with '..'",
        ),
        case(
            "zip-absolute.zip",
            zip_of(&[
                (&zip_std, b"std", false),
                ("/tmp/xous-sysroot-hostile-evil", b"x", false),
            ]),
            "is an absolute path",
        ),
        case(
            "zip-backslash.zip",
            zip_of(&[(&zip_std, b"std", false), ("..\\..\\evil", b"x", false)]),
            "contains a backslash",
        ),
        case(
            "zip-symlink.zip",
            zip_of(&[(&zip_std, b"std", false), (&zip_link, b"/etc", true)]),
            "is a link or special file",
        ),
        case(
            "zip-outside.zip",
            zip_of(&[(&zip_std, b"std", false), ("lib/other", b"x", false)]),
            "is outside 'lib/rustlib/",
        ),
        case(
            "zip-bomb.zip",
            zip_of(&[
                (&zip_std, b"std", false),
                (&zip_bomb, &zeros, false),
                (&zip_inside("lib/more"), &zeros, false),
            ]),
            "(a decompression bomb?)",
        ),
        case(
            "zip-truncated.zip",
            {
                let whole = zip_of(&[(&zip_std, b"std", false)]);
                whole[..whole.len() - 30].to_vec()
            },
            "corrupt archive",
        ),
    ]
}

/// Unpacks a case with the extractor alone, into `<dir>/staging`.
fn extract(case: &Case, dir: &Path) -> xous_sysroot::Result<()> {
    let staging = dir.join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    let origin = case.file;
    let bytes = &case.bytes[..];
    match case.packing {
        Packing::TarXz => unpack_component(
            xous_sysroot::producer::xz::decoder(bytes),
            T,
            &staging,
            origin,
            LIMITS,
        ),
        Packing::TarGz => unpack_component(
            flate2::read::GzDecoder::new(bytes),
            T,
            &staging,
            origin,
            LIMITS,
        ),
        Packing::Zip => {
            let path = dir.join(case.file);
            std::fs::write(&path, bytes).unwrap();
            let r = unpack_release_zip(&path, T, &staging, origin, LIMITS);
            std::fs::remove_file(path).unwrap();
            r
        }
    }
    .map(|_| ())
}

#[test]
fn the_checked_in_corpus_is_what_the_generator_makes() {
    let dir = corpus_dir();
    let cases = corpus();
    if std::env::var_os("XOUS_SYSROOT_BLESS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for case in &cases {
            std::fs::write(dir.join(case.file), &case.bytes).unwrap();
        }
    }
    let mut listed: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    listed.sort();
    let mut made: Vec<String> = cases.iter().map(|c| c.file.to_string()).collect();
    made.sort();
    assert_eq!(listed, made, "regenerate with XOUS_SYSROOT_BLESS=1");
    for case in &cases {
        let mut on_disk = Vec::new();
        std::fs::File::open(dir.join(case.file))
            .unwrap()
            .read_to_end(&mut on_disk)
            .unwrap();
        assert!(
            on_disk == case.bytes,
            "{} differs from the generator's; regenerate with XOUS_SYSROOT_BLESS=1",
            case.file
        );
    }
}

#[test]
fn every_case_is_refused_by_the_extractor_with_nothing_written_beside_staging() {
    for case in corpus().iter().filter(|c| !c.wrong_hash) {
        let dir = tempfile::tempdir().unwrap();
        let err = extract(case, dir.path()).expect_err(case.file).to_string();
        assert!(err.contains(case.expect), "{}: {err}", case.file);
        assert!(err.contains("help:"), "{}: {err}", case.file);
        let beside: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(beside, ["staging"], "{}", case.file);
    }
    assert!(!Path::new("/tmp/xous-sysroot-hostile-evil").exists());
    assert!(!Path::new("/tmp/owned").exists());
}

/// Checks one outcome of a case: refused with the case's message and the archive's URL, not
/// as "no source could provide" (no fall-through), nothing changed, no later source asked.
fn assert_stopped(case: &Case, o: &Outcome) {
    let err = o
        .error
        .as_deref()
        .unwrap_or_else(|| panic!("{} was installed", o.file));
    assert!(err.contains(case.expect), "{}: {err}", o.file);
    assert!(
        err.contains(&o.url),
        "{}: the URL is not named: {err}",
        o.file
    );
    assert!(
        !err.contains("no source could provide"),
        "{}: {err}",
        o.file
    );
    assert_eq!(err.matches("help:").count(), 1, "{}: {err}", o.file);
    assert!(
        o.changed.is_empty() && o.changed_bytes == 0,
        "{}: changed {:?}",
        o.file,
        o.changed
    );
    assert!(
        o.previous_intact,
        "{}: the previous install is damaged",
        o.file
    );
    assert_eq!(
        o.later_asked,
        (0, 0),
        "{}: a later source was asked (GitHub requests, rustc runs): {err}",
        o.file
    );
}

#[test]
fn every_case_is_refused_by_an_install_and_the_tree_is_unchanged() {
    let cases = corpus();
    for o in through_the_installer(&cases) {
        let case = cases.iter().find(|c| c.file == o.file).unwrap();
        assert_stopped(case, &o);
    }
}

/// The cases whose refusal does not depend on [`LIMITS`] (the CLI runs with its own caps).
#[cfg(feature = "cli")]
fn without_caps(case: &Case) -> bool {
    !case.expect.contains("decompression bomb") && !case.expect.contains("past the limit")
}

#[cfg(feature = "cli")]
#[test]
fn every_case_stops_the_cli_with_the_url_and_the_reason() {
    let cases: Vec<Case> = corpus().into_iter().filter(without_caps).collect();
    assert!(cases.len() >= 25, "{}", cases.len());
    for o in served::through_the_cli(&cases) {
        let case = cases.iter().find(|c| c.file == o.file).unwrap();
        let err = o.error.as_deref().unwrap_or_default();
        assert!(err.starts_with("error: "), "{}: {err}", o.file);
        assert!(
            !err.contains("building it from rust-src"),
            "{}: {err}",
            o.file
        );
        assert_stopped(case, &o);
    }
}

/// The controls: the same sources, but the serving source fails for a reason that says nothing
/// against its bytes (no manifest: 404; the archive's transfer cut), so the install falls
/// through and both later sources are asked. This is what the `(0, 0)` above rules out.
#[test]
fn a_missing_manifest_or_a_cut_transfer_falls_through_to_the_later_sources() {
    let s = Served::start();
    let cache = s.tmp.path().join("cache");
    let case = corpus()
        .into_iter()
        .find(|c| c.file == "dotdot.tar.xz")
        .unwrap();
    let published = s.publish(&case);
    let missing = Source::DistServer(format!("{}/nothing-here", s.server.url()));
    let path = published.url.strip_prefix(&s.server.url()).unwrap();
    s.server.fault_always(path, Fault::CutAfter(40));
    for source in [missing, published.source] {
        let before = s.later.asked();
        let err = s.installer(source.clone(), &cache).install().unwrap_err();
        let now = s.later.asked();
        let text = err.to_string();
        assert!(
            text.starts_with("no source could provide"),
            "{source}: {text}"
        );
        assert!(!text.contains("escapes the install directory"), "{text}");
        assert!(now.0 > before.0, "{source}: GitHub not asked: {text}");
        #[cfg(feature = "build")]
        assert!(now.1 > before.1, "{source}: no build started: {text}");
    }
}

#[cfg(feature = "cli")]
#[test]
fn the_cli_falls_through_past_a_dist_server_without_the_release() {
    let s = Served::start();
    let missing = Source::DistServer(format!("{}/nothing-here", s.server.url()));
    let out = s
        .cli(&missing, &s.tmp.path().join("cli-cache"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("no source could provide"), "{stderr}");
    let (github, rustc_runs) = s.later.asked();
    assert!(github > 0 && rustc_runs > 0, "{stderr}");
}
