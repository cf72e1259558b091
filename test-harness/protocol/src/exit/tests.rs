use super::*;

#[test]
fn records_round_trip_through_their_text() {
    let r = ExitRecord {
        kind: ExitKind::Exit,
        code: 3,
        instret: Some(99),
    };
    let line = r.to_string();
    assert_eq!(line, "kind=exit code=3 instret=99");
    assert_eq!(ExitRecord::parse(&line), Some(r));
}

#[test]
fn partial_or_foreign_records() {
    let r = ExitRecord::parse("kind=fault code=125").unwrap();
    assert_eq!((r.kind, r.code, r.instret), (ExitKind::Fault, 125, None));
    assert_eq!(
        ExitRecord::parse("kind=odd code=1").unwrap().kind,
        ExitKind::Kernel
    );
    assert_eq!(ExitRecord::parse("garbage"), None);
    assert_eq!(ExitRecord::parse("kind=exit"), None);
}

#[test]
fn statuses_are_distinct() {
    assert_ne!(FAULT_STATUS, TIMEOUT_STATUS);
    assert_ne!(EMULATOR_ERROR_STATUS, FAULT_STATUS);
    assert_ne!(EMULATOR_ERROR_STATUS, TIMEOUT_STATUS);
}
