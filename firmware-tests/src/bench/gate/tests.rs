use super::*;
use crate::bench::test_support::*;
use crate::bench::{DEFAULT_THRESHOLD_PCT, SCHEMA};

#[test]
fn the_gate_fails_on_a_regression_beyond_the_threshold_and_reports_improvements() {
    let baseline = report_of(
        vec![
            rec("alloc_a", "system", "official", 1000),
            rec("alloc_b", "system", "official", 1000),
            rec("alloc_c", "system", "official", 1000),
            rec("alloc_d", "system", "official", 1000),
            rec("gone", "system", "official", 10),
        ],
        &["official"],
    );
    let current = report_of(
        vec![
            rec("alloc_a", "system", "official", 1000),
            rec("alloc_b", "system", "official", 1011),
            rec("alloc_c", "system", "official", 980),
            rec("alloc_d", "system", "official", 1010),
            rec("new_case", "system", "official", 5),
            // Other libstds in the run are not compared.
            rec("alloc_a", "system", "debug-assertions", 1),
        ],
        &["official", "debug-assertions"],
    );
    let c = compare(&baseline, &current, "official", DEFAULT_THRESHOLD_PCT).unwrap();
    let verdict = |case: &str| c.rows.iter().find(|r| r.case == case).unwrap().verdict;
    assert_eq!(verdict("alloc_a"), Verdict::Unchanged);
    assert_eq!(verdict("alloc_b"), Verdict::Regressed);
    assert_eq!(verdict("alloc_c"), Verdict::Improved);
    // Exactly at the threshold is not a regression.
    assert_eq!(verdict("alloc_d"), Verdict::Unchanged);
    assert_eq!(verdict("gone"), Verdict::Missing);
    assert_eq!(verdict("new_case"), Verdict::New);
    assert_eq!(c.rows.len(), 6);
    assert!(!c.passed());
    let b = c.rows.iter().find(|r| r.case == "alloc_b").unwrap();
    assert!((b.change_pct.unwrap() - 1.1).abs() < 1e-9);

    // A looser threshold lets 1.1% through; the missing case still fails.
    let loose = compare(&baseline, &current, "official", 2.0).unwrap();
    assert_eq!(loose.count(Verdict::Regressed), 0);
    assert_eq!(loose.count(Verdict::Improved), 0);
    assert!(!loose.passed());

    // Against itself the gate passes with everything unchanged.
    let same = compare(&baseline, &baseline, "official", DEFAULT_THRESHOLD_PCT).unwrap();
    assert!(same.passed());
    assert_eq!(same.count(Verdict::Unchanged), 5);
    assert!(same.markdown().contains("exactly the baseline"));
}

#[test]
fn the_diff_table_lists_regressions_first_and_omits_identical_rows() {
    let baseline = report_of(
        vec![
            rec("alloc_a", "talc", "official", 100),
            rec("alloc_b", "talc", "official", 100),
            rec("alloc_c", "talc", "official", 100),
        ],
        &["official"],
    );
    let current = report_of(
        vec![
            rec("alloc_a", "talc", "official", 90),
            rec("alloc_b", "talc", "official", 100),
            rec("alloc_c", "talc", "official", 150),
        ],
        &["official"],
    );
    let md = compare(&baseline, &current, "official", 1.0)
        .unwrap()
        .markdown();
    assert!(
        md.contains("FAIL: 1 regressed, 1 improved, 1 unchanged"),
        "{md}"
    );
    let regressed = md
        .find("| alloc_c | talc | 100.0 | 150.0 | +50.00% |")
        .unwrap();
    let improved = md
        .find("| alloc_a | talc | 100.0 | 90.0 | -10.00% |")
        .unwrap();
    assert!(regressed < improved, "{md}");
    assert!(!md.contains("| alloc_b |"), "{md}");
}

#[test]
fn renode_counts_are_not_held_to_a_qemu_baseline() {
    let baseline = report_of(
        vec![rec("alloc_a", "system", "official", 100)],
        &["official"],
    );
    let mut current = baseline.clone();
    current.emulator = "renode".into();
    let err = compare(&baseline, &current, "official", 1.0).unwrap_err();
    assert_eq!(
        err,
        Incomparable::Emulator {
            baseline: "qemu".into(),
            current: "renode".into()
        }
    );
    let text = err.to_string();
    assert!(
        text.contains("cannot compare Renode counts with a baseline of QEMU counts"),
        "{text}"
    );
    assert!(text.contains("XOUS_RUN_BACKEND=qemu"), "{text}");
    // And the other way round; a Renode baseline holds Renode runs.
    assert!(compare(&current, &baseline, "official", 1.0).is_err());
    assert!(compare(&current, &current, "official", 1.0)
        .unwrap()
        .passed());
}

#[test]
fn a_libstd_of_another_profile_is_not_held_to_the_baseline() {
    let baseline = report_of(
        vec![rec("alloc_a", "system", "official", 100)],
        &["official"],
    );
    let mut current = report_of(
        vec![
            rec("alloc_a", "system", "official", 100),
            rec("alloc_a", "system", "debug-assertions", 90),
        ],
        &["official", "debug-assertions"],
    );
    current.libstds[1].profile = "debug-assertions".into();
    current.libstds[1].profile_revision = 1;
    // The run's official libstd may be compared; its debug-assertions one may not.
    assert!(compare(&baseline, &current, "official", 1.0).is_ok());
    let err = compare(&baseline, &current, "debug-assertions", 1.0).unwrap_err();
    assert_eq!(
        err,
        Incomparable::Profile {
            baseline: "official (revision 2)".into(),
            current: "debug-assertions (revision 1)".into()
        }
    );
    assert!(
        err.to_string().contains(
            "a libstd of the profile `debug-assertions (revision 1)` with a baseline of the profile `official (revision 2)`"
        ),
        "{err}"
    );
}

/// A baseline of the old `official` (debug assertions on), written before revisions were
/// recorded, is read as revision 1 and never held against today's `official`.
#[test]
fn a_baseline_of_the_old_official_is_not_held_to_the_new_one() {
    let current = report_of(
        vec![rec("alloc_a", "system", "official", 100)],
        &["official"],
    );
    let mut json: serde_json::Value = serde_json::to_value(&current).unwrap();
    json["schema"] = 2.into();
    json["libstds"][0]
        .as_object_mut()
        .unwrap()
        .remove("profile_revision");
    let old: Report = serde_json::from_value(json).unwrap();
    assert_eq!(old.libstds[0].profile, "official");
    assert_eq!(old.libstds[0].profile_revision, 1);
    let err = compare(&old, &current, "official", 1.0).unwrap_err();
    assert_eq!(
        err,
        Incomparable::Profile {
            baseline: "official (revision 1)".into(),
            current: "official (revision 2)".into()
        }
    );
    assert!(err.to_string().contains("delete it first"), "{err}");
}

#[test]
fn quick_and_full_runs_are_not_compared() {
    let baseline = report_of(
        vec![rec("alloc_a", "system", "official", 100)],
        &["official"],
    );
    let mut current = baseline.clone();
    current.quick = true;
    assert_eq!(
        compare(&baseline, &current, "official", 1.0).unwrap_err(),
        Incomparable::Quick
    );
}

#[test]
fn the_committed_baseline_reads_as_qemu_counts_of_todays_official_profile() {
    let baseline = Report::read(&baseline_path("1.96.0")).unwrap();
    assert_eq!(baseline.schema, SCHEMA);
    assert_eq!(baseline.emulator, "qemu");
    assert_eq!(baseline.libstds.len(), 1);
    let official = xous_sysroot_build::Profile::Official;
    assert_eq!(baseline.libstds[0].profile, official.name());
    assert_eq!(baseline.libstds[0].profile_revision, official.revision());
    let mut current = baseline.clone();
    current.schema = SCHEMA;
    let same = compare(&baseline, &current, "official", 1.0).unwrap();
    assert!(same.passed(), "{}", same.summary());
    current.emulator = "renode".into();
    assert!(matches!(
        compare(&baseline, &current, "official", 1.0),
        Err(Incomparable::Emulator { .. })
    ));
}
