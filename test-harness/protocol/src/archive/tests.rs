//! The reader and writer against archives made and read by the real crates
//! (`xous-api-names`, `xous-api-ticktimer`, rkyv 0.8).

use super::*;
use rkyv::rancor::Error;
use xous_api_names::api::{Disconnect, Registration, Return as RealReturn};
use xous_api_ticktimer::api::VersionString;

fn archive<T>(v: &T) -> Vec<u8>
where
    T: for<'a> rkyv::Serialize<
        rkyv::api::high::HighSerializer<
            rkyv::util::AlignedVec,
            rkyv::ser::allocator::ArenaHandle<'a>,
            Error,
        >,
    >,
{
    rkyv::to_bytes::<Error>(v).unwrap().to_vec()
}

/// Names of every length class: empty, inline, exactly 8, out of line, past 64.
const NAMES: &[&str] = &[
    "",
    "a",
    "svc",
    "8bytes!!",
    "my-service-name",
    "ünïcødé server",
];

fn names() -> Vec<String> {
    let mut v: Vec<String> = NAMES.iter().map(|s| s.to_string()).collect();
    v.push("n".repeat(63));
    v.push("long".repeat(100));
    v
}

#[test]
fn reads_every_lookup_string_the_crates_write() {
    for name in names() {
        let bytes = archive(&name);
        assert_eq!(read_lookup(&bytes, bytes.len()), Ok(name.as_str()));
    }
}

#[test]
fn reads_registrations_with_and_without_limits() {
    for name in names() {
        for limit in [None, Some(1), Some(7), Some(u32::MAX)] {
            let bytes = archive(&Registration {
                name: name.clone(),
                conn_limit: limit,
            });
            assert_eq!(
                read_registration(&bytes, bytes.len()),
                Ok((name.as_str(), limit))
            );
        }
    }
}

#[test]
fn reads_disconnect_requests() {
    let token = [0xdead_beef, 1, 0, u32::MAX];
    for name in names() {
        let bytes = archive(&Disconnect {
            name: name.clone(),
            token,
        });
        assert_eq!(
            read_disconnect(&bytes, bytes.len()),
            Ok((name.as_str(), token))
        );
    }
}

fn real(bytes: &[u8]) -> RealReturn {
    let mut aligned = rkyv::util::AlignedVec::<16>::new();
    aligned.extend_from_slice(bytes);
    rkyv::from_bytes::<RealReturn, Error>(&aligned).unwrap()
}

#[test]
fn the_crates_read_every_return_written_here() {
    let mut out = [0u8; RETURN_LEN];
    let n = write_return(&mut out, Return::Failure);
    assert!(matches!(real(&out[..n]), RealReturn::Failure));
    let n = write_return(&mut out, Return::Success);
    assert!(matches!(real(&out[..n]), RealReturn::Success));
    let n = write_return(&mut out, Return::Sid([1, 2, 3, 0xffff_ffff]));
    assert!(matches!(
        real(&out[..n]),
        RealReturn::SID([1, 2, 3, 0xffff_ffff])
    ));
    let n = write_return(&mut out, Return::Cid(17, None));
    assert!(matches!(real(&out[..n]), RealReturn::CID((17, None))));
    let n = write_return(&mut out, Return::Cid(18, Some([5, 6, 7, 8])));
    assert!(matches!(
        real(&out[..n]),
        RealReturn::CID((18, Some([5, 6, 7, 8])))
    ));
}

#[test]
fn returns_written_here_match_the_crates_byte_for_byte() {
    let mut out = [0u8; RETURN_LEN];
    for (mine, theirs) in [
        (Return::Failure, RealReturn::Failure),
        (Return::Success, RealReturn::Success),
        (Return::Sid([9, 8, 7, 6]), RealReturn::SID([9, 8, 7, 6])),
        (
            Return::Cid(3, Some([1, 2, 3, 4])),
            RealReturn::CID((3, Some([1, 2, 3, 4]))),
        ),
    ] {
        let n = write_return(&mut out, mine);
        assert_eq!(&out[..n], &archive(&theirs)[..], "{mine:?}");
    }
}

#[test]
fn version_strings_written_here_read_back_with_the_crate() {
    for s in ["", "v0.9", "v0.9.71-xous-test-kernel", &"x".repeat(300)] {
        let mut out = [0u8; 512];
        let n = write_string(&mut out, s).unwrap();
        assert_eq!(&out[..n], &archive(&s.to_string())[..], "{s}");
        let mut aligned = rkyv::util::AlignedVec::<16>::new();
        aligned.extend_from_slice(&out[..n]);
        let v = rkyv::from_bytes::<VersionString, Error>(&aligned).unwrap();
        assert_eq!(v.version, s);
    }
}

#[test]
fn short_or_corrupt_archives_are_errors_not_panics() {
    let bytes = archive(&Registration {
        name: "my-service-name".into(),
        conn_limit: Some(2),
    });
    assert_eq!(read_registration(&bytes, 8), Err(ArchiveError::OutOfBounds));
    assert_eq!(read_lookup(&bytes, 3), Err(ArchiveError::OutOfBounds));
    let mut bad = bytes.clone();
    let tag = bad.len() - 8;
    bad[tag] = 9;
    assert_eq!(
        read_registration(&bad, bad.len()),
        Err(ArchiveError::Invalid)
    );
    let mut far = bytes.clone();
    let off = far.len() - 12;
    far[off..off + 4].copy_from_slice(&(-4000i32).to_le_bytes());
    assert_eq!(
        read_registration(&far, far.len()),
        Err(ArchiveError::OutOfBounds)
    );
    assert_eq!(write_string(&mut [0u8; 10], "too long for ten"), None);
}
