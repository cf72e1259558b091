use super::*;

#[test]
fn the_qualify_report_names_the_failed_step() {
    let mut q = QualifyReport {
        candidate: "target/dist".into(),
        rustc: "1.96.0".into(),
        baseline: "baselines/1.96.0.json".into(),
        steps: vec![
            Step {
                name: "install".into(),
                ok: true,
                detail: "private sysroot".into(),
            },
            Step {
                name: "test suite".into(),
                ok: false,
                detail: "1 failed".into(),
            },
        ],
        tests: None,
        bench: None,
        bench_report: None,
        seconds: 1.0,
    };
    assert!(!q.passed());
    let md = q.markdown();
    assert!(md.contains("Verdict: **FAIL**"), "{md}");
    assert!(
        md.contains("| test suite | **FAILED** | 1 failed |"),
        "{md}"
    );
    q.steps[1].ok = true;
    assert!(q.passed());
    let json = serde_json::to_string(&q).unwrap();
    assert_eq!(serde_json::from_str::<QualifyReport>(&json).unwrap(), q);
}
