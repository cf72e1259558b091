use super::*;

#[test]
fn profile_names_round_trip() {
    for p in [Profile::Official, Profile::Release] {
        assert_eq!(p.name().parse::<Profile>(), Ok(p));
        assert_eq!(p.to_string(), p.name());
    }
    assert!(Profile::Official.debug_assertions());
    assert!(!Profile::Release.debug_assertions());
    let err = "dist".parse::<Profile>().unwrap_err();
    assert!(err.to_string().contains("`dist`"));
}
