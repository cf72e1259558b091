use super::*;

const T: &str = "riscv32imac-unknown-xous-elf";
const RUN: &str = "/b/xous-run";

fn sysroot_flags() -> Vec<String> {
    vec!["--sysroot".into(), "/c/sysroots/1.96.0".into()]
}

/// A configuration as one file would give it.
fn config(toml: &str) -> UserConfig {
    let table: Table = toml.parse().unwrap();
    let mut c = UserConfig::default();
    if let Some(build) = table.get("build").and_then(Value::as_table) {
        c.build_target = build
            .get("target")
            .and_then(Value::as_str)
            .map(String::from);
        for kind in Flags::ALL {
            c.build_flags[kind as usize] =
                build.get(kind.key()).map(string_list).unwrap_or_default();
        }
    }
    if let Some(t) = table.get("target").and_then(Value::as_table) {
        c.target_tables.push(t.clone());
    }
    c
}

fn plan(c: &UserConfig, cli_target: bool, runner: bool) -> Plan {
    let runner = runner.then(|| Path::new(RUN));
    Plan::new(c, T, cli_target, &sysroot_flags(), runner).unwrap()
}

const SYSROOT: &str = r#"["--sysroot", "/c/sysroots/1.96.0"]"#;

#[test]
fn plain_project_gets_target_sysroot_for_rustc_and_rustdoc_and_the_runner() {
    let plan = plan(&config(""), false, true);
    assert!(plan.add_target);
    assert_eq!(
        plan.config_args,
        [
            format!("target.{T}.rustflags={SYSROOT}"),
            format!("target.{T}.rustdocflags={SYSROOT}"),
            format!(r#"target.{T}.runner=["{RUN}"]"#),
        ]
    );
    assert!(plan.env.is_empty());
}

#[test]
fn build_flags_are_kept_in_front_of_ours() {
    let c = config(
        "build.rustflags = '-Cdebuginfo=1 -Copt-level=s'\nbuild.rustdocflags = ['-Dwarnings']",
    );
    let plan = plan(&c, true, false);
    assert!(!plan.add_target);
    assert_eq!(
        plan.config_args,
        [
            format!(
                r#"target.{T}.rustflags=["-Cdebuginfo=1", "-Copt-level=s", "--sysroot", "/c/sysroots/1.96.0"]"#
            ),
            format!(r#"target.{T}.rustdocflags=["-Dwarnings", "--sysroot", "/c/sysroots/1.96.0"]"#),
        ]
    );
}

#[test]
fn target_flags_and_runner_are_left_to_cargo_to_join() {
    let c = config(&format!(
        "build.rustflags = ['-Cignored']\n[target.{T}]\nrustflags = ['-Copt-level=s']\nrunner = 'mine'"
    ));
    // cargo ignores build.rustflags when target rustflags apply: so do we; the runner is theirs.
    assert_eq!(
        plan(&c, false, true).config_args,
        [
            format!("target.{T}.rustflags={SYSROOT}"),
            format!("target.{T}.rustdocflags={SYSROOT}"),
        ]
    );
    let cfg = config("[target.'cfg(target_os = \"xous\")']\nrunner = 'mine'");
    let plan = Plan::new(&cfg, T, false, &[], Some(Path::new(RUN))).unwrap();
    assert!(plan.config_args.is_empty(), "{:?}", plan.config_args);
}

#[test]
fn flags_from_the_environment_are_folded() {
    let mut c = config("build.rustflags = ['-Cignored']");
    c.env_flags[Flags::Rustc as usize] = Some(vec!["-Copt-level=z".into()]);
    let plan = plan(&c, false, false);
    assert_eq!(
        plan.config_args,
        [format!("target.{T}.rustdocflags={SYSROOT}")]
    );
    assert_eq!(
        plan.env,
        [
            (
                "CARGO_ENCODED_RUSTFLAGS".to_string(),
                Some("-Copt-level=z\x1f--sysroot\x1f/c/sysroots/1.96.0".to_string())
            ),
            ("RUSTFLAGS".to_string(), None),
        ]
    );
}

#[test]
fn string_target_flags_are_replaced_by_a_string_with_ours() {
    let c = config(&format!("[target.{T}]\nrustflags = '-Copt-level=s'"));
    assert_eq!(
        plan(&c, false, false).config_args[0],
        format!(r#"target.{T}.rustflags="-Copt-level=s --sysroot /c/sysroots/1.96.0""#)
    );
    let spaced = vec!["--sysroot".to_string(), "/my cache/1.96.0".to_string()];
    let err = Plan::new(&c, T, false, &spaced, None).unwrap_err();
    assert!(err.contains("help: write it as an array"), "{err}");
}

#[test]
fn toolchain_mode_adds_no_flags() {
    let plan = Plan::new(&config(""), T, false, &[], None).unwrap();
    assert!(plan.config_args.is_empty() && plan.env.is_empty());
}

#[test]
fn build_target_is_respected_and_json_targets_use_their_stem() {
    let plan = Plan::new(&config("build.target = 'x'"), "x", false, &[], None).unwrap();
    assert!(!plan.add_target);
    assert_eq!(
        config_name("specs/arm-unknown-xous.elf.json"),
        "arm-unknown-xous.elf"
    );
    assert_eq!(
        toml_key("arm-unknown-xous.elf"),
        r#""arm-unknown-xous.elf""#
    );
    assert_eq!(toml_key(T), T);
}

#[test]
fn relative_config_paths_resolve_against_the_project() {
    assert_eq!(
        config_path("tools/rustc", Path::new("/p")),
        Path::new("/p/tools/rustc")
    );
    assert_eq!(config_path("rustc", Path::new("/p")), Path::new("rustc"));
}
