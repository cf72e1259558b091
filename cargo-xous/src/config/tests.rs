//! The plan for real configuration files in a temporary directory, resolved by cargo-config2
//! with a real rustc's `--print cfg` for the Xous target. That cargo itself merges the values
//! as planned is checked end to end in tests/cargo_xous.rs.

use super::*;

const T: &str = "riscv32imac-unknown-xous-elf";
const T_ENV: &str = "RISCV32IMAC_UNKNOWN_XOUS_ELF";
const RUN: &str = "/b/xous-run";
const SYSROOT: &str = r#"["--sysroot", "/c/sysroots/1.96.0"]"#;

fn sysroot_flags() -> Vec<String> {
    vec!["--sysroot".into(), "/c/sysroots/1.96.0".into()]
}

/// The rustc on `PATH`: the Xous target is built in, so `--print cfg` needs no libstd.
fn rustc() -> CfgRustc {
    CfgRustc {
        program: "rustc".into(),
        args: Vec::new(),
    }
}

/// A temporary tree: `home/` is `$CARGO_HOME`, `p/` the project cargo runs in.
struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    fn new(files: &[(&str, &str)]) -> Tree {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("p")).unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Tree { dir }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    fn load(&self, env: &[(&str, &str)], cli: &[&str]) -> Result<UserConfig, String> {
        self.load_with_home("home", env, cli)
    }

    fn load_with_home(
        &self,
        home: &str,
        env: &[(&str, &str)],
        cli: &[&str],
    ) -> Result<UserConfig, String> {
        let env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let cli: Vec<String> = cli.iter().map(|s| s.to_string()).collect();
        UserConfig::load_in(self.path("p"), Some(self.path(home)), env, &cli)
    }

    /// The plan with the sysroot flags, and the runner when `runner`.
    fn plan(&self, env: &[(&str, &str)], cli: &[&str], runner: bool) -> Plan {
        let user = self.load(env, cli).unwrap();
        let runner = runner.then(|| Path::new(RUN));
        Plan::new(&user, T, false, &sysroot_flags(), runner, &rustc()).unwrap()
    }

    /// The plan with the sysroot flags and no runner, `cfg` tables decided by `rustc`.
    fn plan_with(&self, rustc: &CfgRustc) -> Result<Plan, String> {
        let user = self.load(&[], &[])?;
        Plan::new(&user, T, false, &sysroot_flags(), None, rustc)
    }

    /// The `--config` values of the plan without a runner.
    fn args(&self, env: &[(&str, &str)], cli: &[&str]) -> Vec<String> {
        self.plan(env, cli, false).config_args
    }
}

/// Ours joined to `build.*flags`, cargo's fallback when no target-specific flags apply.
fn to_build() -> Vec<String> {
    vec![
        format!("build.rustflags={SYSROOT}"),
        format!("build.rustdocflags={SYSROOT}"),
    ]
}

/// Ours joined to the target's rustflags, and rustdocflags to `build`.
fn rustflags_to_target() -> Vec<String> {
    vec![
        format!("target.{T}.rustflags={SYSROOT}"),
        format!("build.rustdocflags={SYSROOT}"),
    ]
}

const PROJECT: &str = "p/.cargo/config.toml";

#[test]
fn plain_project_gets_target_sysroot_for_rustc_and_rustdoc_and_the_runner() {
    let plan = Tree::new(&[]).plan(&[], &[], true);
    assert!(plan.add_target);
    let mut expected = to_build();
    expected.push(format!(r#"target.{T}.runner=["{RUN}"]"#));
    assert_eq!(plan.config_args, expected);
    assert!(plan.env.is_empty());
}

#[test]
fn a_cfg_table_that_does_not_match_the_target_leaves_build_rustflags_in_effect() {
    // Xous is not unix: cargo uses build.rustflags, so ours join them there.
    let tree = Tree::new(&[(
        PROJECT,
        "[build]\nrustflags = ['--cfg', 'x']\n[target.'cfg(unix)']\nrustflags = ['--cfg', 'u']\n\
         [target.'cfg(target_os = \"linux\")']\nrunner = 'theirs'\n",
    )]);
    let mut expected = to_build();
    expected.push(format!(r#"target.{T}.runner=["{RUN}"]"#));
    assert_eq!(tree.plan(&[], &[], true).config_args, expected);
}

#[test]
fn a_matching_cfg_table_takes_over_from_build_rustflags() {
    for cfg in [
        "cfg(target_os = \"xous\")",
        "cfg(all(target_arch = \"riscv32\", not(unix)))",
        "cfg(any(windows, target_has_atomic = \"ptr\"))",
    ] {
        let tree = Tree::new(&[(
            PROJECT,
            &format!(
                "build.rustflags = ['--cfg', 'x']\n[target.'{cfg}']\nrustflags = ['--cfg', 'c']\nrunner = 'theirs'\n"
            ),
        )]);
        // The runner is theirs too.
        assert_eq!(
            tree.plan(&[], &[], true).config_args,
            rustflags_to_target(),
            "{cfg}"
        );
    }
}

#[test]
fn empty_target_flags_leave_build_rustflags_in_effect() {
    let tree = Tree::new(&[(
        PROJECT,
        &format!("build.rustflags = ['--cfg', 'x']\n[target.{T}]\nrustflags = []\n"),
    )]);
    assert_eq!(tree.args(&[], &[]), to_build());
}

#[test]
fn target_triple_flags_from_a_file_or_the_environment_take_over() {
    let file = Tree::new(&[(
        PROJECT,
        &format!("build.rustflags = ['-Cignored']\n[target.{T}]\nrustflags = ['-Copt-level=s']\n"),
    )]);
    assert_eq!(file.args(&[], &[]), rustflags_to_target());
    let var = format!("CARGO_TARGET_{T_ENV}_RUSTFLAGS");
    let env = Tree::new(&[(PROJECT, "build.rustflags = ['-Cignored']\n")]);
    assert_eq!(
        env.args(&[(&var, "-Copt-level=s")], &[]),
        rustflags_to_target()
    );
    // CARGO_BUILD_RUSTFLAGS is build.rustflags: cargo joins it with ours.
    assert_eq!(
        env.args(&[("CARGO_BUILD_RUSTFLAGS", "-Cx")], &[]),
        to_build()
    );
}

#[test]
fn rustflags_from_the_environment_win_and_are_folded() {
    let tree = Tree::new(&[(
        PROJECT,
        "build.rustflags = ['-Cignored']\n[target.'cfg(target_os = \"xous\")']\nrustflags = ['-Cignored']\n",
    )]);
    let plan = tree.plan(&[("RUSTFLAGS", "-Copt-level=z  -Cdebuginfo=1")], &[], false);
    assert_eq!(plan.config_args, [format!("build.rustdocflags={SYSROOT}")]);
    let encoded = "-Copt-level=z\x1f-Cdebuginfo=1\x1f--sysroot\x1f/c/sysroots/1.96.0";
    assert_eq!(
        plan.env,
        [
            (
                "CARGO_ENCODED_RUSTFLAGS".to_string(),
                Some(encoded.to_string())
            ),
            ("RUSTFLAGS".to_string(), None),
        ]
    );
    // The encoded variable wins over the plain one, as in cargo.
    let plan = tree.plan(
        &[
            ("RUSTFLAGS", "-Cignored"),
            ("CARGO_ENCODED_RUSTFLAGS", "-Copt-level=z\x1f-Cdebuginfo=1"),
        ],
        &[],
        false,
    );
    assert_eq!(plan.env[0].1.as_deref(), Some(encoded));
}

#[test]
fn cargo_home_that_is_also_an_ancestor_is_read_once() {
    let tree = Tree::new(&[("p/.cargo/config.toml", "build.rustflags = ['--cfg', 'x']\n")]);
    let user = tree.load_with_home("p/.cargo", &[], &[]).unwrap();
    assert_eq!(user.layers.len(), 1, "{:?}", user.layers);
    // A separate home is read, lowest precedence first.
    let tree = Tree::new(&[
        (PROJECT, "build.target = 'from-project'\n"),
        ("home/config.toml", "build.target = 'from-home'\n"),
    ]);
    let user = tree.load(&[], &[]).unwrap();
    assert_eq!(user.layers.len(), 2);
    assert_eq!(user.build_target.as_deref(), Some("from-project"));
}

#[test]
fn config_options_on_the_command_line_count() {
    let tree = Tree::new(&[(PROJECT, "build.rustflags = ['--cfg', 'x']\n")]);
    // A matching cfg table given with --config takes over, a non-matching one does not.
    let matching = "target.'cfg(target_os = \"xous\")'.rustflags=['--cfg','c']";
    assert_eq!(tree.args(&[], &[matching]), rustflags_to_target());
    let other = "target.'cfg(unix)'.rustflags=['--cfg','u']";
    assert_eq!(tree.args(&[], &[other]), to_build());
    // A --config file, relative to where cargo runs.
    std::fs::write(
        tree.path("p/extra.toml"),
        "[target.'cfg(target_os = \"xous\")']\nrustflags = ['--cfg', 'c']\n",
    )
    .unwrap();
    assert_eq!(tree.args(&[], &["extra.toml"]), rustflags_to_target());
    // And --config wins over files and the environment for build.target.
    let user = tree
        .load(
            &[("CARGO_BUILD_TARGET", "from-env")],
            &["build.target='from-cli'"],
        )
        .unwrap();
    assert_eq!(user.build_target.as_deref(), Some("from-cli"));
    let user = tree
        .load(&[("CARGO_BUILD_TARGET", "from-env")], &[])
        .unwrap();
    assert_eq!(user.build_target.as_deref(), Some("from-env"));
    let err = tree.load(&[], &["build.rustflags=["]).unwrap_err();
    assert!(
        err.contains("could not parse `--config build.rustflags=[`"),
        "{err}"
    );
}

#[test]
fn included_files_count() {
    let tree = Tree::new(&[
        (
            PROJECT,
            "include = ['xous.toml']\nbuild.rustflags = ['--cfg', 'x']\n",
        ),
        (
            "p/.cargo/xous.toml",
            "[target.'cfg(target_os = \"xous\")']\nrustflags = ['--cfg', 'c']\n",
        ),
    ]);
    assert_eq!(tree.args(&[], &[]), rustflags_to_target());
    let user = tree.load(&[], &[]).unwrap();
    let origins: Vec<&Origin> = user.layers.iter().map(|l| &l.origin).collect();
    assert_eq!(
        origins,
        [
            &Origin::Included(tree.path("p/.cargo/xous.toml")),
            &Origin::Walked(tree.path(PROJECT)),
        ]
    );

    let missing = Tree::new(&[(PROJECT, "include = ['nowhere.toml']\n")]);
    let err = missing.load(&[], &[]).unwrap_err();
    assert!(err.contains("nowhere.toml, which does not exist"), "{err}");
    assert!(err.contains("help:"), "{err}");
    let optional = Tree::new(&[(
        PROJECT,
        "include = [{ path = 'nowhere.toml', optional = true }]\n",
    )]);
    assert_eq!(optional.args(&[], &[]), to_build());
    let cycle = Tree::new(&[(PROJECT, "include = ['config.toml']\n")]);
    assert!(cycle.load(&[], &[]).unwrap_err().contains("nest deeper"));
    // As in cargo: a single string is refused, and nested paths are relative to their file.
    let string = Tree::new(&[(PROJECT, "include = 'other.toml'\n")]);
    assert!(string
        .load(&[], &[])
        .unwrap_err()
        .contains("help: write it as"));
    let nested = Tree::new(&[
        (PROJECT, "include = ['sub/a.toml']\n"),
        ("p/.cargo/sub/a.toml", "include = ['b.toml']\n"),
        (
            "p/.cargo/sub/b.toml",
            "[target.'cfg(target_os = \"xous\")']\nrustflags = ['-Cx']\n",
        ),
    ]);
    assert_eq!(nested.args(&[], &[]), rustflags_to_target());
}

#[test]
fn string_flags_are_replaced_by_a_string_with_ours() {
    let build = Tree::new(&[(PROJECT, "build.rustflags = '-Copt-level=s'\n")]);
    assert_eq!(
        build.args(&[], &[])[0],
        r#"build.rustflags="-Copt-level=s --sysroot /c/sysroots/1.96.0""#
    );
    let target = Tree::new(&[(
        PROJECT,
        &format!("[target.{T}]\nrustflags = '-Copt-level=s'\n"),
    )]);
    assert_eq!(
        target.args(&[], &[])[0],
        format!(r#"target.{T}.rustflags="-Copt-level=s --sysroot /c/sysroots/1.96.0""#)
    );
    let user = target.load(&[], &[]).unwrap();
    let spaced = vec!["--sysroot".to_string(), "/my cache/1.96.0".to_string()];
    let err = Plan::new(&user, T, false, &spaced, None, &rustc()).unwrap_err();
    assert!(err.contains("help: write it as an array"), "{err}");
}

#[test]
fn an_invalid_cfg_expression_is_one_clear_error() {
    let tree = Tree::new(&[(
        PROJECT,
        "[target.'cfg(target_os = )']\nrustflags = ['-Cx']\n",
    )]);
    let err = tree.plan_with(&rustc()).unwrap_err();
    assert!(
        err.contains("could not resolve the cargo configuration"),
        "{err}"
    );
    assert!(err.contains("help:"), "{err}");
}

#[test]
fn toolchain_mode_adds_no_flags() {
    let user = Tree::new(&[]).load(&[], &[]).unwrap();
    let plan = Plan::new(&user, T, false, &[], None, &rustc()).unwrap();
    assert!(plan.config_args.is_empty() && plan.env.is_empty());
}

#[test]
fn build_target_is_respected_and_json_targets_use_their_stem() {
    let tree = Tree::new(&[(PROJECT, "build.target = ['x']\n")]);
    let user = tree.load(&[], &[]).unwrap();
    assert_eq!(user.build_target.as_deref(), Some("x"));
    let plan = Plan::new(&user, "x", false, &[], None, &rustc()).unwrap();
    assert!(!plan.add_target);
    let several = Tree::new(&[(PROJECT, "build.target = ['x', 'y']\n")]);
    assert!(several
        .load(&[], &[])
        .unwrap_err()
        .contains("one target at a time"));
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
fn relative_rustc_paths_resolve_against_the_project() {
    let tree = Tree::new(&[(PROJECT, "build.rustc = 'tools/rustc'\n")]);
    let user = tree.load(&[], &[]).unwrap();
    assert_eq!(user.build_rustc, Some(tree.path("p/tools/rustc")));
    let user = tree
        .load(&[("CARGO_BUILD_RUSTC", "rustc-from-path")], &[])
        .unwrap();
    assert_eq!(user.build_rustc, Some(PathBuf::from("rustc-from-path")));
}

#[test]
fn cfg_tables_are_decided_by_the_rustc_of_a_plus_toolchain_through_rustup() {
    // `cargo xous +stable`: rustup's stable (the machine's default toolchain) answers
    // `--print cfg`, as cargo runs it for that toolchain.
    let tree = Tree::new(&[(
        PROJECT,
        "build.rustflags = ['-Cx']\n[target.'cfg(target_os = \"xous\")']\nrustflags = ['-Cy']\n",
    )]);
    let through_rustup = CfgRustc {
        program: "rustup".into(),
        args: vec!["run".into(), "stable".into(), "rustc".into()],
    };
    let plan = tree.plan_with(&through_rustup).unwrap();
    assert_eq!(plan.config_args, rustflags_to_target());
    // A toolchain rustup does not have is one clear error.
    let missing = CfgRustc {
        program: "rustup".into(),
        args: vec!["run".into(), "no-such-toolchain".into(), "rustc".into()],
    };
    let err = tree.plan_with(&missing).unwrap_err();
    assert!(
        err.contains("`rustup run no-such-toolchain rustc --print cfg --target"),
        "{err}"
    );
}
