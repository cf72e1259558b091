use super::*;

#[test]
fn backends_parse_by_name_and_show_it() {
    assert_eq!("qemu".parse::<Backend>(), Ok(Backend::Qemu));
    assert_eq!("renode".parse::<Backend>(), Ok(Backend::Renode));
    let err = "bochs".parse::<Backend>().unwrap_err();
    assert!(
        err.contains("expected `qemu`, `renode` or `xous-core`"),
        "{err}"
    );
    assert_eq!("xous-core".parse::<Backend>(), Ok(Backend::XousCore));
    assert_eq!(Backend::XousCore.to_string(), "xous-core");
    assert_eq!(Backend::Renode.to_string(), "renode");
    assert_eq!(Backend::Qemu.to_string(), "qemu");
}

#[test]
fn the_environment_chooses_backend_and_program() {
    // The only test that touches these variables.
    std::env::set_var(BACKEND_VAR, "renode");
    std::env::set_var(EMULATOR_VAR, "/opt/renode/renode");
    let chosen = Backend::from_env().unwrap();
    std::env::set_var(BACKEND_VAR, "");
    std::env::remove_var(EMULATOR_VAR);
    let defaults = Backend::from_env().unwrap();
    std::env::set_var(BACKEND_VAR, "bochs");
    let bad = Backend::from_env().unwrap_err().to_string();
    std::env::remove_var(BACKEND_VAR);
    assert_eq!(
        chosen,
        (Backend::Renode, Some(PathBuf::from("/opt/renode/renode")))
    );
    assert_eq!(defaults, (Backend::Qemu, None));
    assert!(
        bad.contains("XOUS_RUN_BACKEND") && bad.contains("bochs"),
        "{bad}"
    );
}
