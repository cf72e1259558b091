use super::*;
use crate::alloctests::test_support::EXPECTATIONS;

#[test]
fn expectations_parse() {
    let e = Expectations::parse(EXPECTATIONS).unwrap();
    assert_eq!(e.failures.len(), 4);
    assert_eq!(
        e.failures[0].reason,
        "needs a file system: \"fs\" # is unsupported"
    );
    assert_eq!(e.failures[1].reason, "test kernel: bug");
    assert!(e.slow("alloctests", "slow::a").is_some());
    assert!(e.slow("alloctests-lib", "slow::a").is_none());
}

#[test]
fn bad_expectations_are_refused() {
    for bad in [
        "binary = \"alloctests-lib\"",
        "[[failure]]\nbinary = \"alloctests-lib\"\ntest = \"t\"",
        "[[failure]]\nbinary = \"nope\"\ntest = \"t\"\nreason = \"r\"",
        "[[failure]]\nbinary = \"alloctests-lib\"\ntest = \"t\"\nreason = \"\"",
        "[[failure]]\nbinary = \"alloctests-lib\"\ntest = \"t\"\nreason = \"r\"\nextra = \"x\"",
        "[[failure]]\nbinary = \"alloctests-lib\"\ntest = \"t\"\nreason = r",
        "[[other]]\nbinary = \"alloctests-lib\"\nreason = \"r\"",
        "[[failure]]\nbinary = \"alloctests-lib\"\ntest = \"t\"\nreason = \"r\"\n[[failure]]\nbinary = \"alloctests-lib\"\ntest = \"t\"\nreason = \"r\"",
    ] {
        assert!(Expectations::parse(bad).is_err(), "accepted: {bad}");
    }
}
