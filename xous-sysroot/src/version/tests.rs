use super::*;

const VERBOSE: &str = "rustc 1.96.0 (ac68faa20 2026-05-25) (built from a source tarball)
binary: rustc
commit-hash: ac68faa20c58cbccd01ee7208bf3b6e93a7d7f96
commit-date: 2026-05-25
host: x86_64-unknown-linux-gnu
release: 1.96.0
LLVM version: 22.1.8
";

#[test]
fn parses_verbose_output() {
    let v = RustcVersion::parse(VERBOSE).unwrap();
    assert_eq!(v.release, "1.96.0");
    assert_eq!(
        v.commit_hash.as_deref(),
        Some("ac68faa20c58cbccd01ee7208bf3b6e93a7d7f96")
    );
    assert_eq!(v.host.as_deref(), Some("x86_64-unknown-linux-gnu"));
    assert_eq!(v.identity(), "1.96.0 (ac68faa20 2026-05-25)");
}

#[test]
fn parses_release_and_manifest_version() {
    let release = RustcVersion::parse("1.96.0").unwrap();
    assert!(!release.is_exact());
    let manifest = RustcVersion::parse("1.96.0 (ac68faa20 2026-05-25)").unwrap();
    assert_eq!(manifest.commit_hash.as_deref(), Some("ac68faa20"));
    let line = RustcVersion::parse("rustc 1.96.0 (ac68faa20 2026-05-25)").unwrap();
    assert_eq!(line, manifest);
}

#[test]
fn matching_uses_commit_prefixes() {
    let full = RustcVersion::parse(VERBOSE).unwrap();
    let short = RustcVersion::parse("1.96.0 (ac68faa20 2026-05-25)").unwrap();
    let other = RustcVersion::parse("1.96.0 (0123456789 2026-05-25)").unwrap();
    let release = RustcVersion::parse("1.96.0").unwrap();
    assert!(full.matches(&short) && short.matches(&full));
    assert!(!full.matches(&other));
    assert!(full.matches(&release));
    assert!(!full.matches(&RustcVersion::parse("1.95.0").unwrap()));
}

#[test]
fn refuses_garbage() {
    for bad in [
        "",
        "1.96",
        "v1.96.0",
        "1.96.0 (zz 2026)",
        "nightly",
        "1.96.0-beta.1",
    ] {
        let err = RustcVersion::parse(bad).unwrap_err().to_string();
        assert!(err.contains("invalid rustc version"), "{bad}: {err}");
    }
}

#[test]
fn asks_the_real_compiler() {
    let rustc = Rustc::active();
    let version = rustc.version().unwrap();
    assert!(version.is_exact());
    assert!(rustc.sysroot().unwrap().join("lib").is_dir());
}

/// Found by `scripts/fuzz` (target `version`): `rustc -vV` output with a 2-digit commit hash
/// was accepted, and its identity `1.96.0 (a0 2026-05-25)` then failed to parse (and "a0" would
/// have matched any libstd whose commit starts with it). The input, as the fuzzer found it.
#[test]
fn fuzz_short_commit_hash_in_verbose_output() {
    let input = "rustc 1.96.0 (ac68faa20 2026-05-h: ac68faa2031e4fa2b1f6cd5f3c1e0da4c4e8fb85
commit-date: 2026-05-25
hoe4fa2b1f6cd5f3c1e0da4c4e8fnu
release: 1.96.0
LLVM verstc
commit-hash: a0
LLVM version: 20.1.8
";
    let v = RustcVersion::parse(input).unwrap();
    assert_eq!(v.commit_hash, None);
    let again = RustcVersion::parse(&v.identity()).unwrap();
    assert!(v.matches(&again) && again.matches(&v));
    let err = RustcVersion::parse("1.96.0 (a0 2026-05-25)").unwrap_err();
    assert!(
        err.to_string().contains("at least 7 hexadecimal digits"),
        "{err}"
    );
}

const NIGHTLY: &str = "rustc 1.97.0-nightly (e50aa6fba 2026-05-19)
binary: rustc
commit-hash: e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a
commit-date: 2026-05-19
host: x86_64-unknown-linux-gnu
release: 1.97.0-nightly
LLVM version: 22.1.4
";

#[test]
fn parses_every_release_form_rustc_prints() {
    for (input, release, channel) in [
        ("1.96.0 (ac68faa20 2026-05-25)", "1.96.0", Channel::Stable),
        (
            "1.100.0-beta.7 (fd8e211ae 2026-10-17)",
            "1.100.0-beta.7",
            Channel::Beta(7),
        ),
        (
            "rustc 1.97.0-nightly (e50aa6fba 2026-05-19)",
            "1.97.0-nightly",
            Channel::Nightly,
        ),
        (
            "1.97.0-dev (0123456789 2026-06-01)",
            "1.97.0-dev",
            Channel::Dev,
        ),
        (NIGHTLY, "1.97.0-nightly", Channel::Nightly),
    ] {
        let v = RustcVersion::parse(input).unwrap();
        assert_eq!(v.release, release);
        assert_eq!(v.channel(), channel);
        assert!(v.is_exact());
        assert_eq!(RustcVersion::parse(&v.identity()).unwrap(), {
            let mut short = v.clone();
            short.commit_hash = short.commit_hash.map(|h| h[..h.len().min(9)].to_string());
            short.host = None;
            short
        });
    }
}

#[test]
fn a_prerelease_without_commit_is_refused_saying_why() {
    for bad in ["1.97.0-nightly", "1.100.0-beta.7", "rustc 1.97.0-dev"] {
        let err = RustcVersion::parse(bad).unwrap_err().to_string();
        assert!(
            err.contains("pre-release") && err.contains("commit hash"),
            "{bad}: {err}"
        );
    }
    let unknown = NIGHTLY.replace(
        "commit-hash: e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a",
        "commit-hash: unknown",
    );
    let err = RustcVersion::parse(&unknown).unwrap_err().to_string();
    assert!(err.contains("commit-hash: unknown"), "{err}");
    for bad in ["1.97.0-alpha", "1.97.0-beta", "1.97.0-beta.x", "1.97.0-"] {
        let err = RustcVersion::parse(&format!("{bad} (e50aa6fba 2026-05-19)")).unwrap_err();
        assert!(err.to_string().contains("-nightly"), "{bad}: {err}");
    }
}

#[test]
fn prereleases_match_only_by_commit() {
    let a = RustcVersion::parse(NIGHTLY).unwrap();
    let b = RustcVersion::parse("1.97.0-nightly (0123456789 2026-05-20)").unwrap();
    let short = RustcVersion::parse("1.97.0-nightly (e50aa6fba 2026-05-19)").unwrap();
    assert!(a.matches(&short) && short.matches(&a));
    assert!(!a.matches(&b));
    let stable = RustcVersion::parse("1.96.0").unwrap();
    let bare_nightly = RustcVersion {
        commit_hash: None,
        ..a.clone()
    };
    assert!(!a.matches(&bare_nightly) && !bare_nightly.matches(&a));
    assert!(RustcVersion::parse(VERBOSE).unwrap().matches(&stable));
}

#[test]
fn directory_names_tell_compilers_of_one_release_apart() {
    let a = RustcVersion::parse(NIGHTLY).unwrap();
    let b = RustcVersion::parse("1.97.0-nightly (0123456789 2026-05-20)").unwrap();
    assert_eq!(a.dir_name(), "1.97.0-nightly-e50aa6fba");
    assert_ne!(a.dir_name(), b.dir_name());
    assert_eq!(RustcVersion::parse("1.96.0").unwrap().dir_name(), "1.96.0");
}
