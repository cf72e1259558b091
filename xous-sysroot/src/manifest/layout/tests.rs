use super::*;

fn v(s: &str) -> RustcVersion {
    RustcVersion::parse(s).unwrap()
}

const NIGHTLY: &str = "1.97.0-nightly (e50aa6fba 2026-05-19)";
const BETA: &str = "1.100.0-beta.7 (fd8e211ae 2026-10-17)";

#[test]
fn stable_keeps_todays_path() {
    let stable = v("1.96.0 (ac68faa20 2026-05-25)");
    assert_eq!(
        published_paths(&stable, "2026-05-25"),
        ["dist/channel-rust-1.96.0.toml"]
    );
    assert_eq!(lookup_paths(&stable), ["dist/channel-rust-1.96.0.toml"]);
}

#[test]
fn nightly_is_dated_and_looked_up_at_commit_date_plus_one_then_commit_date() {
    let nightly = v(NIGHTLY);
    assert_eq!(
        published_paths(&nightly, "2026-05-20"),
        ["dist/2026-05-20/channel-rust-nightly.toml"]
    );
    assert_eq!(
        lookup_paths(&nightly),
        [
            "dist/2026-05-20/channel-rust-nightly.toml",
            "dist/2026-05-19/channel-rust-nightly.toml"
        ]
    );
}

#[test]
fn beta_has_a_dated_and_a_versioned_path() {
    let beta = v(BETA);
    assert_eq!(
        published_paths(&beta, "2026-10-18"),
        [
            "dist/2026-10-18/channel-rust-beta.toml",
            "dist/channel-rust-1.100.0-beta.7.toml"
        ]
    );
    assert_eq!(
        lookup_paths(&beta),
        [
            "dist/channel-rust-1.100.0-beta.7.toml",
            "dist/2026-10-18/channel-rust-beta.toml",
            "dist/2026-10-17/channel-rust-beta.toml"
        ]
    );
}

#[test]
fn dev_builds_of_one_release_get_their_own_names() {
    let a = v("1.97.0-dev (0123456789ab 2026-05-19)");
    let b = v("1.97.0-dev (abcdef012345 2026-05-19)");
    assert_eq!(
        published_paths(&a, "2026-05-20"),
        ["dist/2026-05-20/channel-rust-1.97.0-dev-012345678.toml"]
    );
    assert_ne!(published_paths(&a, "d"), published_paths(&b, "d"));
}

#[test]
fn a_pre_release_without_a_commit_date_has_no_dated_path() {
    let nightly = v("1.97.0-nightly (e50aa6fba)");
    assert!(lookup_paths(&nightly).is_empty());
}

#[test]
fn next_day_crosses_months_years_and_leap_days() {
    assert_eq!(next_day("2026-05-19").unwrap(), "2026-05-20");
    assert_eq!(next_day("2026-04-30").unwrap(), "2026-05-01");
    assert_eq!(next_day("2026-12-31").unwrap(), "2027-01-01");
    assert_eq!(next_day("2028-02-28").unwrap(), "2028-02-29");
    assert_eq!(next_day("2026-02-28").unwrap(), "2026-03-01");
    assert_eq!(next_day("2000-02-28").unwrap(), "2000-02-29");
    assert_eq!(next_day("2100-02-28").unwrap(), "2100-03-01");
    for bad in [
        "2026-02-30",
        "2026-13-01",
        "2026-5-19",
        "x",
        "",
        "2026-05-19/..",
    ] {
        assert!(next_day(bad).is_none(), "{bad}");
        assert!(!is_date(bad), "{bad}");
    }
}

#[test]
fn index_entries_round_trip_and_stay_under_dist() {
    let entry = CommitIndex {
        rustc: NIGHTLY.into(),
        commit_hash: "e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a".into(),
        date: "2026-05-20".into(),
        manifest: "dist/2026-05-20/channel-rust-nightly.toml".into(),
    };
    assert_eq!(CommitIndex::parse(&entry.to_toml(), "i").unwrap(), entry);
    assert_eq!(
        index_path(&entry.commit_hash),
        "dist/xous-sysroot/by-commit/e50aa6fba4e63ab34c72bf9acfd2c307c1155d1a.toml"
    );
    for bad in [
        "../channel-rust-x.toml",
        "dist/../../etc/channel-rust-x.toml",
        "dist/.hidden/channel-rust-x.toml",
        "dist//channel-rust-x.toml",
        "https://evil.example/dist/channel-rust-x.toml",
        "dist/2026-05-20/rust-std.tar.xz",
        "channel-rust-x.toml",
    ] {
        let text = CommitIndex {
            manifest: bad.into(),
            ..entry.clone()
        }
        .to_toml();
        let err = CommitIndex::parse(&text, "i").unwrap_err();
        assert!(err.to_string().contains("not a 'dist/"), "{bad}: {err}");
    }
}
