use super::*;

fn run(args: &[&str]) -> Invocation {
    match parse(args.iter().map(|s| s.to_string()).collect()).unwrap() {
        Parsed::Run(inv) => inv,
        other => panic!("expected a cargo run, got {other:?}"),
    }
}

#[test]
fn cargo_passes_the_subcommand_name_first() {
    let inv = run(&["xous", "build", "--release"]);
    assert_eq!(inv.subcommand.as_deref(), Some("build"));
    assert_eq!(inv.cargo_args(), ["build", "--release"]);
    assert!(inv.needs_target());
    assert!(!inv.runs_programs());
}

#[test]
fn toolchain_target_config_and_trailing_args() {
    let inv = run(&[
        "xous",
        "+nightly",
        "--config",
        "a.b=1",
        "run",
        "--target=foo",
        "-q",
        "--",
        "--target",
        "x",
    ]);
    assert_eq!(inv.toolchain.as_deref(), Some("nightly"));
    assert_eq!(inv.target.as_deref(), Some("foo"));
    assert_eq!(inv.config_args, ["a.b=1"]);
    assert!(inv.quiet);
    assert!(inv.runs_programs());
    assert_eq!(
        inv.cargo_args(),
        ["--config", "a.b=1", "run", "--target", "foo", "-q", "--", "--target", "x"]
    );
    let more = inv.with_extra_args(vec!["--config".into(), "c=2".into()]);
    assert_eq!(
        more.cargo_args(),
        [
            "--config", "a.b=1", "run", "--target", "foo", "-q", "--config", "c=2", "--",
            "--target", "x"
        ]
    );
}

#[test]
fn other_subcommands_pass_through() {
    let inv = run(&["xous", "clean"]);
    assert!(!inv.needs_target());
    assert_eq!(inv.cargo_args(), ["clean"]);
}

#[test]
fn help_version_and_errors() {
    assert_eq!(parse(vec!["xous".into()]).unwrap(), Parsed::Help);
    assert_eq!(
        parse(vec!["xous".into(), "-h".into()]).unwrap(),
        Parsed::Help
    );
    assert_eq!(parse(vec!["--version".into()]).unwrap(), Parsed::Version);
    // `--help` after the subcommand is cargo's.
    assert_eq!(run(&["xous", "build", "--help"]).after, ["--help"]);
    let err = parse(vec!["build".into(), "--target".into()]).unwrap_err();
    assert!(err.contains("--target needs a value"), "{err}");
    let err = parse(
        ["build", "--target", "a", "--target", "b"]
            .map(String::from)
            .to_vec(),
    )
    .unwrap_err();
    assert!(err.contains("one target at a time"), "{err}");
    assert!(parse(vec!["+".into(), "build".into()]).is_err());
}

#[test]
fn test_doc_and_rustdoc_run_rustdoc_build_and_run_do_not() {
    for sub in ["test", "t", "doc", "rustdoc"] {
        assert!(run(&["xous", sub]).runs_rustdoc(), "{sub}");
    }
    for sub in ["build", "run", "check", "bench"] {
        assert!(!run(&["xous", sub]).runs_rustdoc(), "{sub}");
    }
}
