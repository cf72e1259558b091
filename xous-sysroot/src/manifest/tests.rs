use super::*;

const TRIMMED: &str = include_str!("channel-rust-1.95.0-trimmed.toml");
const XOUS: &str = "riscv32imac-unknown-xous-elf";

fn xous_build() -> TargetedPackage {
    TargetedPackage {
        available: true,
        xz_url: Some("http://127.0.0.1/dist/2026-05-25/rust-std-1.96.0-x.tar.xz".into()),
        xz_hash: Some("ab".repeat(32)),
        ..Default::default()
    }
}

#[test]
fn parses_a_manifest_as_rustup_stores_it() {
    let m = Manifest::parse(TRIMMED, "fixture").unwrap();
    assert_eq!(m.date, "2026-04-16");
    let (std, linux) = m.rust_std("x86_64-unknown-linux-gnu").unwrap();
    assert_eq!(std.version, "1.95.0 (59807616e 2026-04-14)");
    assert_eq!(linux.archives()[0].format, ArchiveFormat::TarXz);
    assert!(m.pkg["rust-src"].target.contains_key("*"));
    assert!(m.profiles.contains_key("minimal"));
    assert!(m.rust_std(XOUS).is_none());
}

#[test]
fn round_trips_without_loss() {
    let m = Manifest::parse(TRIMMED, "fixture").unwrap();
    let again = Manifest::parse(&m.stringify(), "written").unwrap();
    assert_eq!(m, again);
    assert_eq!(m.stringify(), again.stringify());
}

#[test]
fn overlay_adds_rust_std_and_keeps_upstream() {
    let upstream = Manifest::parse(TRIMMED, "fixture").unwrap();
    let mut m = upstream.clone();
    m.add_rust_std(XOUS, "1.95.0 (59807616e 2026-04-14)", xous_build());
    m.add_rust_std(XOUS, "1.95.0 (59807616e 2026-04-14)", xous_build());
    let m = Manifest::parse(&m.stringify(), "overlay").unwrap();
    assert_eq!(m.rust_std(XOUS).unwrap().1, &xous_build());
    let host = &m.pkg["rust"].target["x86_64-unknown-linux-gnu"];
    let listed = host.extensions.iter().filter(|r| r.target == XOUS).count();
    assert_eq!(listed, 1, "listed once even when added twice");
    for (name, package) in &upstream.pkg {
        for (target, build) in &package.target {
            let now = &m.pkg[name].target[target];
            assert_eq!((&now.url, &now.hash), (&build.url, &build.hash));
            assert_eq!((&now.xz_url, &now.xz_hash), (&build.xz_url, &build.xz_hash));
        }
    }
}

#[test]
fn refuses_bad_manifests() {
    let cases = [
        ("manifest-version = \"1\"\ndate = \"x\"\n", "only '2'"),
        ("not toml at all [", "invalid manifest"),
        (
            "manifest-version = \"2\"\ndate = \"d\"\n[pkg.rust-std]\nversion = \"1.0.0\"\n[pkg.rust-std.target.t]\navailable = true\nxz_url = \"u\"\nxz_hash = \"zz\"\n",
            "not a SHA-256",
        ),
        (
            "manifest-version = \"2\"\ndate = \"d\"\n[pkg.rust-std]\nversion = \"1.0.0\"\n[pkg.rust-std.target.t]\navailable = true\n",
            "has no url",
        ),
    ];
    for (text, needle) in cases {
        let err = Manifest::parse(text, "m").unwrap_err().to_string();
        assert!(err.contains(needle), "{err}");
    }
}

#[test]
fn sha256_files() {
    let hash = "0f".repeat(32);
    let text = sha256_file_contents(&hash, "channel-rust-1.96.0.toml");
    assert_eq!(parse_sha256_file(&text, "x").unwrap(), hash);
    assert!(parse_sha256_file("nope", "x").is_err());
}
