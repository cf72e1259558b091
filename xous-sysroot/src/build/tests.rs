use super::*;

#[test]
fn profile_names_round_trip() {
    for p in Profile::ALL {
        assert_eq!(p.name().parse::<Profile>(), Ok(p));
        assert_eq!(p.to_string(), p.name());
    }
    assert!(!Profile::Official.debug_assertions());
    assert!(Profile::DebugAssertions.debug_assertions());
    assert_eq!(Profile::default(), Profile::Official);
    let err = "dist".parse::<Profile>().unwrap_err();
    assert!(err.to_string().contains("`dist`"), "{err}");
    assert!(!err.to_string().contains("help"), "{err}");
}

#[test]
fn removed_release_profile_says_what_became_of_it() {
    let err = "release".parse::<Profile>().unwrap_err().to_string();
    assert!(err.contains("`release` profile was removed"), "{err}");
    assert!(
        err.contains("`official` now builds with debug assertions off"),
        "{err}"
    );
}

#[test]
fn official_is_a_new_revision() {
    // Revision 1 of `official` had debug assertions on; baselines of it must not pass for this.
    assert_eq!(Profile::Official.revision(), 2);
    assert_eq!(Profile::DebugAssertions.revision(), 1);
}
