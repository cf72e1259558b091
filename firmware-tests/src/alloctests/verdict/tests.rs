use super::*;
use crate::alloctests::test_support::EXPECTATIONS;

fn result(binary: &str, name: &str, outcome: Outcome) -> TestResult {
    TestResult {
        binary: binary.into(),
        name: name.into(),
        outcome,
        seconds: None,
        output: String::new(),
    }
}

#[test]
fn comparison_finds_every_kind_of_surprise() {
    let e = Expectations::parse(EXPECTATIONS).unwrap();
    let mut report = RunReport::default();
    report.skipped_slow.insert("alloctests".into(), 3);
    report.skipped_slow.insert("alloctests-lib".into(), 0);
    report.results = vec![
        result("alloctests", "x::fails", Outcome::Failed),
        result(
            "alloctests",
            "new::fails",
            Outcome::Crashed("faulted".into()),
        ),
        result("alloctests", "ok", Outcome::Passed),
        result("alloctests", "skip", Outcome::Ignored(None)),
        result("alloctests-lib", "y::fixed", Outcome::Passed),
    ];
    let v = compare(&report, &e);
    assert_eq!(
        (v.passed, v.failed, v.ignored, v.skipped_slow),
        (2, 2, 1, 3)
    );
    assert_eq!(v.expected_failures.len(), 1);
    assert_eq!(v.unexpected_failures[0].name, "new::fails");
    assert_eq!(v.unexpected_passes[0].1.name, "y::fixed");
    // `slow::fails` was left out as slow; `gone` is stale.
    assert_eq!(
        v.stale.iter().map(|k| k.test.as_str()).collect::<Vec<_>>(),
        ["gone"]
    );
    assert!(!v.ok());
    let problems = v.problems();
    assert!(
        problems.contains("UNEXPECTED FAILURE alloctests new::fails"),
        "{problems}"
    );
    assert!(
        problems.contains("UNEXPECTED PASS alloctests-lib y::fixed"),
        "{problems}"
    );
    assert!(
        problems.contains("STALE EXPECTATION alloctests gone"),
        "{problems}"
    );

    report
        .results
        .retain(|r| r.name == "x::fails" || r.name == "ok");
    let e = Expectations {
        failures: e
            .failures
            .into_iter()
            .filter(|f| f.test == "x::fails" || f.test == "slow::fails")
            .collect(),
        slow: e.slow,
    };
    let v = compare(&report, &e);
    assert!(v.ok(), "{}", v.problems());
    assert_eq!(
        v.summary(),
        "1 passed, 1 failed, 0 ignored, 3 skipped (slow)"
    );
}
