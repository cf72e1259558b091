use super::*;
use crate::build::BuildInfo;

/// Debian's rustc (`rustc-web`, with rust-src), or `XOUS_SYSROOT_BUILD_RUSTC`.
fn debian_rustc() -> PathBuf {
    std::env::var_os("XOUS_SYSROOT_BUILD_RUSTC")
        .map_or_else(|| PathBuf::from("/usr/bin/rustc"), PathBuf::from)
}

fn env_of(cmd: &Command, key: &str) -> Option<String> {
    cmd.get_envs()
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| v)
        .map(|v| v.to_string_lossy().into_owned())
}

/// The planned command of each profile, with a real rustc and rust-src (cargo is not run),
/// holds every fact of the fork's job, and the build record says the same.
#[test]
fn planned_command_is_the_forks_job() {
    let out = tempfile::tempdir().unwrap();
    for profile in super::super::Profile::ALL {
        let mut builder = LibstdBuilder::new(out.path(), crate::DEFAULT_TARGET);
        builder.rustc(debian_rustc()).profile(profile);
        let plan = builder
            .plan()
            .expect("Debian's rustc with rust-src (run scripts/install-debian-toolchain.sh)");
        let cmd = builder.cargo_command(&plan, out.path());
        let args: Vec<String> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let with_c = plan.c_compiler.is_some();
        let features = if with_c {
            "panic-unwind compiler-builtins-c compiler-builtins-mem"
        } else {
            "panic-unwind compiler-builtins-mem"
        };
        let after = |flag: &str| {
            args.iter()
                .position(|a| a == flag)
                .and_then(|i| args.get(i + 1))
                .cloned()
                .unwrap_or_else(|| panic!("no {flag} in {args:?}"))
        };
        assert_eq!(args[0], "build");
        assert_eq!(after("--target"), crate::DEFAULT_TARGET);
        assert_eq!(after("--features"), features);
        assert!(
            after("--manifest-path").ends_with("library/sysroot/Cargo.toml"),
            "{args:?}"
        );
        for flag in ["--release", "-Zbinary-dep-depinfo"] {
            assert!(args.iter().any(|a| a == flag), "no {flag} in {args:?}");
        }
        let debug_assertions = if profile == super::super::Profile::Official {
            "false"
        } else {
            "true"
        };
        for (key, value) in [
            ("CARGO_PROFILE_RELEASE_DEBUG", "0"),
            ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3"),
            ("CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS", debug_assertions),
            ("RUSTC_BOOTSTRAP", "1"),
            ("__CARGO_DEFAULT_LIB_METADATA", "stablestd"),
        ] {
            assert_eq!(env_of(&cmd, key).as_deref(), Some(value), "{key}");
        }
        let rustflags = env_of(&cmd, "CARGO_ENCODED_RUSTFLAGS").unwrap();
        let rustflags: Vec<&str> = rustflags.split('\u{1f}').collect();
        assert_eq!(
            rustflags[..3],
            [
                "-Cforce-unwind-tables=yes",
                "-Cembed-bitcode=yes",
                "-Zforce-unstable-if-unmarked"
            ]
        );
        assert!(
            rustflags[3..]
                .iter()
                .all(|f| f.starts_with("--remap-path-prefix=")),
            "{rustflags:?}"
        );
        assert_eq!(env_of(&cmd, "RUST_COMPILER_RT_ROOT").is_some(), with_c);

        // The record carries the same facts, and says whether the C parts are in and why not.
        let record = BuildInfo::of(&builder.planned_output(&plan, "0"));
        let toml = record.to_toml();
        assert_eq!(record.profile_revision, profile.revision());
        assert_eq!(record.compiler_builtins_c, with_c, "{toml}");
        assert_eq!(record.compiler_builtins_c_note.is_none(), with_c, "{toml}");
        let recipe = record.recipe.as_ref().unwrap();
        assert_eq!(recipe.args[..2], ["--release", "-Zbinary-dep-depinfo"]);
        assert_eq!(recipe.args[3], features);
        assert_eq!(recipe.rustflags, rustflags[..3]);
        for (key, value) in &recipe.env {
            assert_eq!(env_of(&cmd, key).as_ref(), Some(value), "{key}");
        }
        assert!(
            toml.contains(&format!(
                "CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS = \"{debug_assertions}\""
            )),
            "{toml}"
        );
    }
}

#[test]
fn archiver_is_found_beside_the_compiler() {
    let dir = tempfile::tempdir().unwrap();
    let gcc = dir.path().join("riscv-none-embed-gcc");
    assert_eq!(archiver_beside(&gcc), None, "no archiver there yet");
    std::fs::write(dir.path().join("riscv-none-embed-ar"), "").unwrap();
    assert_eq!(
        archiver_beside(&gcc),
        Some(dir.path().join("riscv-none-embed-ar"))
    );
    std::fs::write(dir.path().join("llvm-ar"), "").unwrap();
    assert_eq!(
        archiver_beside(&dir.path().join("clang-19")),
        Some(dir.path().join("llvm-ar"))
    );
    assert_eq!(archiver_beside(&dir.path().join("tcc-x")), None);
}

/// With the rust-src's own definition of its vendor directory (rustup's nightly and beta),
/// crates.io is replaced by that source and no second source is defined over the directory;
/// without one (Debian's), the build defines its own.
#[test]
fn the_vendor_directory_is_defined_once() {
    let out = tempfile::tempdir().unwrap();
    let mut builder = LibstdBuilder::new(out.path(), crate::DEFAULT_TARGET);
    builder.rustc(debian_rustc()).offline(true);
    let mut plan = builder.plan().expect("Debian's rustc with rust-src");
    assert!(
        plan.vendor_dir.is_some(),
        "Debian's rust-src ships library/vendor"
    );
    let args = |plan: &Plan| -> Vec<String> {
        builder
            .cargo_command(plan, out.path())
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    };
    let own = args(&plan);
    assert!(own.iter().any(|a| a == "--offline"), "{own:?}");
    assert!(
        own.iter()
            .any(|a| a.starts_with("source.xous-sysroot-build-vendor.directory=")),
        "{own:?}"
    );
    plan.vendor_source = Some("vendored-sources".to_owned());
    let reused = args(&plan);
    assert!(reused.iter().any(|a| a == "--offline"), "{reused:?}");
    assert!(
        reused
            .iter()
            .any(|a| a == "source.crates-io.replace-with=\"vendored-sources\""),
        "{reused:?}"
    );
    assert!(
        !reused.iter().any(|a| a.contains(".directory=")),
        "{reused:?}"
    );
}
