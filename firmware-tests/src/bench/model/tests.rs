use super::*;
use crate::bench::test_support::*;
use std::fs;

#[test]
fn reports_round_trip_through_json_and_baselines_keep_one_libstd() {
    let report = report_of(
        vec![
            rec("alloc_a", "system", "official", 3),
            rec("alloc_a", "system", "debug-assertions", 2),
        ],
        &["official", "debug-assertions"],
    );
    let dir = std::env::temp_dir().join(format!("xous-bench-json-{}", std::process::id()));
    let path = dir.join("sub/report.json");
    report.write(&path).unwrap();
    assert_eq!(Report::read(&path).unwrap(), report);
    let base = report.only_libstd("official");
    assert_eq!(base.records.len(), 1);
    assert_eq!(base.libstds.len(), 1);
    fs::write(&path, "{}").unwrap();
    let err = Report::read(&path).unwrap_err();
    assert!(
        err.to_string().contains("is not a benchmark report"),
        "{err}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_report_records_its_emulator_and_each_libstds_profile() {
    let report = report_of(vec![rec("alloc_a", "system", "official", 3)], &["official"]);
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains("\"emulator\":\"qemu\""), "{json}");
    assert!(json.contains("\"profile\":\"official\""), "{json}");
    assert!(json.contains("\"profile_revision\":2"), "{json}");
    // Schema 1 files have none of these fields: QEMU counts of the official profile as it was
    // then, revision 1 (debug assertions on).
    let old = json
        .replace("\"emulator\":\"qemu\",", "")
        .replace(",\"profile\":\"official\"", "")
        .replace(",\"profile_revision\":2", "");
    assert!(
        !old.contains("emulator") && !old.contains("profile"),
        "{old}"
    );
    let mut back: Report = serde_json::from_str(&old).unwrap();
    assert_eq!(back.libstds[0].profile_revision, 1);
    back.libstds[0].profile_revision = 2;
    assert_eq!(back, report);
}
