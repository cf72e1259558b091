use super::*;

fn vars(backend: Option<&str>, program: Option<&str>) -> Result<Emulator, HarnessError> {
    Emulator::from_vars(backend.map(OsStr::new), program.map(OsStr::new))
}

#[test]
fn unset_or_empty_means_qemu_on_path() {
    for backend in [None, Some("")] {
        let e = vars(backend, Some("")).unwrap();
        assert_eq!(e, Emulator::default());
        assert_eq!((e.backend, e.name()), (Backend::Qemu, "qemu"));
    }
}

#[test]
fn renode_and_its_program_are_taken_from_the_variables() {
    let e = vars(Some("renode"), Some("/opt/renode/renode")).unwrap();
    assert_eq!(e.backend, Backend::Renode);
    assert_eq!(e.name(), "renode");
    assert_eq!(e.program, Some(PathBuf::from("/opt/renode/renode")));
    let q = vars(Some("qemu"), Some("/x/qemu-system-riscv32")).unwrap();
    assert_eq!((q.backend, q.name()), (Backend::Qemu, "qemu"));
}

#[test]
fn a_bad_backend_is_refused_with_help() {
    let text = vars(Some("Renode "), None).unwrap_err().to_string();
    assert!(text.contains("XOUS_RUN_BACKEND=\"Renode \""), "{text}");
    assert!(
        text.contains("help: set XOUS_RUN_BACKEND to `qemu`, `renode` or `xous-core`"),
        "{text}"
    );
}

#[test]
fn the_runner_starts_the_selected_program() {
    // A program that does not exist: the run fails at the start, naming what it tried.
    for backend in ["renode", "qemu"] {
        let missing = "/nonexistent/emulator-for-firmware-tests";
        let emulator = vars(Some(backend), Some(missing)).unwrap();
        let mut r = Runner::new(crate::kernel());
        emulator.configure(&mut r);
        let err = r.run(crate::conformance_firmware()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(missing), "{backend}: {text}");
        assert!(text.to_lowercase().contains(backend), "{backend}: {text}");
    }
}
