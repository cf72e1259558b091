use super::*;

#[test]
fn round_trips_through_toml() {
    let info = BuildInfo {
        format: BUILD_INFO_FORMAT,
        producer: "xous-sysroot-build 0.1.0".into(),
        target: "riscv32imac-unknown-xous-elf".into(),
        profile: Profile::Official,
        profile_revision: 2,
        debug_assertions: false,
        features: vec!["panic-unwind".into(), "compiler-builtins-mem".into()],
        compiler_builtins_c: false,
        compiler_builtins_c_note: Some("no C compiler found".into()),
        c_compiler: None,
        rustc: "1.96.0 (ac68faa20 2026-05-25)".into(),
        rustc_verbose_version: "rustc 1.96.0 (ac68faa20 2026-05-25)\nbinary: rustc\n\
            commit-hash: ac68faa20c58cbccd01ee7208bf3b6e93a7d7f96\n\
            commit-date: 2026-05-25\nhost: x86_64-unknown-linux-gnu\nrelease: 1.96.0\n"
            .into(),
        cargo: "cargo 1.96.0".into(),
        recipe: Some(CargoRecipe::of(
            Profile::Official,
            &["panic-unwind".into(), "compiler-builtins-mem".into()],
            true,
        )),
    };
    let text = info.to_toml();
    assert!(text.contains("profile = \"official\""), "{text}");
    assert!(text.contains("compiler-builtins-c = false"), "{text}");
    assert!(text.contains("profile-revision = 2"), "{text}");
    assert!(text.contains("[recipe]"), "{text}");
    let back: BuildInfo = toml::from_str(&text).unwrap();
    assert_eq!(back, info);
    let version = back.rustc_version().unwrap();
    assert_eq!(version.identity(), info.rustc);
    assert_eq!(version.commit_date.as_deref(), Some("2026-05-25"));
}

#[test]
fn missing_record_says_build_first() {
    let dir = tempfile::tempdir().unwrap();
    let err = BuildInfo::read(dir.path()).unwrap_err();
    assert!(matches!(err, LibstdError::NotBuilt { .. }), "{err}");
    assert!(
        err.to_string().contains("xous-sysroot-build build"),
        "{err}"
    );
}

#[test]
fn format_1_records_read_as_revision_1_without_recipe() {
    let text = "format = 1\nproducer = \"xous-sysroot-build 0.1.0\"\n\
        target = \"riscv32imac-unknown-xous-elf\"\nprofile = \"official\"\n\
        debug-assertions = true\nfeatures = [\"panic-unwind\"]\ncompiler-builtins-c = false\n\
        rustc = \"1.96.0 (ac68faa20 2026-05-25)\"\nrustc-verbose-version = \"rustc 1.96.0\"\n\
        cargo = \"cargo 1.96.0\"\n";
    let info: BuildInfo = toml::from_str(text).unwrap();
    assert_eq!(info.profile, Profile::Official);
    assert_eq!(info.profile_revision, 1);
    assert_ne!(info.profile_revision, Profile::Official.revision());
    assert!(info.recipe.is_none());
}
