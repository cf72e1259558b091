use super::*;
use std::os::unix::ffi::OsStringExt;

fn run(args: &[&str]) -> Invocation {
    match parse(args.iter().map(OsString::from).collect()).unwrap() {
        Parsed::Run(inv) => inv,
        other => panic!("expected a cargo run, got {other:?}"),
    }
}

#[test]
fn cargo_passes_the_subcommand_name_first() {
    let inv = run(&["xous", "build", "--release"]);
    assert_eq!(inv.subcommand.as_deref(), Some(OsStr::new("build")));
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
            .map(OsString::from)
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

/// `cargo xous <args>` split, with `\xff` standing for a byte that is not UTF-8.
fn parse_bytes(args: &[&[u8]]) -> Result<Parsed, String> {
    parse(
        args.iter()
            .map(|a| OsString::from_vec(a.to_vec()))
            .collect(),
    )
}

#[test]
fn non_utf8_arguments_pass_through_unless_cargo_xous_reads_them() {
    let bad = OsString::from_vec(b"\xff".to_vec());
    // After `--`, for the program: passed on unchanged.
    let Ok(Parsed::Run(inv)) = parse_bytes(&[b"xous", b"run", b"--", b"\xff"]) else {
        panic!("not a run")
    };
    assert_eq!(
        inv.cargo_args(),
        [OsString::from("run"), "--".into(), bad.clone()]
    );
    // A subcommand that does not build for the target: cargo's to judge.
    let Ok(Parsed::Run(inv)) = parse_bytes(&[b"xous", b"clean", b"\xff"]) else {
        panic!("not a run")
    };
    assert_eq!(inv.cargo_args(), [OsString::from("clean"), bad.clone()]);
    let Ok(Parsed::Run(inv)) = parse_bytes(&[b"xous", b"\xff", b"build"]) else {
        panic!("not a run")
    };
    assert_eq!(inv.subcommand, Some(bad.clone()));
    assert!(!inv.needs_target());
    // A global option's value (cargo -C takes any path).
    let Ok(Parsed::Run(inv)) = parse_bytes(&[b"xous", b"-C", b"/\xff", b"clean"]) else {
        panic!("not a run")
    };
    assert_eq!(inv.before[1], OsString::from_vec(b"/\xff".to_vec()));
    // Refused: before `--` of a target subcommand, and whatever cargo xous reads.
    for (args, says) in [
        (
            &[&b"xous"[..], b"build", b"\xff"][..],
            "the argument \"\\xFF\" of `cargo xous build` is not valid UTF-8",
        ),
        (
            &[b"xous", b"--frozen=\xff", b"test"],
            "the argument \"--frozen=\\xFF\" of `cargo xous test`",
        ),
        (
            &[b"xous", b"build", b"--target", b"\xff"],
            "the value of --target is not valid UTF-8: \"\\xFF\"",
        ),
        (
            &[b"xous", b"--config", b"\xff", b"clean"],
            "the value of --config is not valid UTF-8",
        ),
        (
            &[b"xous", b"+\xff", b"build"],
            "the toolchain name after `+` is not valid UTF-8",
        ),
    ] {
        let err = parse_bytes(args).unwrap_err();
        assert!(
            err.starts_with(says) && !err.contains('\n'),
            "{args:?}: {err}"
        );
    }
}
