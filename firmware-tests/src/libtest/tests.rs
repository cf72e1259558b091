use super::*;

/// What libtest prints with `--format json --report-time` for six tests, one of which wrote
/// to the console uncaptured (so its result event follows that text on the same line).
const RUN: &str = r#"{ "type": "suite", "event": "started", "test_count": 6 }
{ "type": "test", "event": "started", "name": "a::passes" }
{ "type": "test", "name": "a::passes", "event": "ok", "exec_time": 0.01 }
{ "type": "test", "event": "started", "name": "a::panics" }
{ "type": "test", "name": "a::panics", "event": "ok" }
{ "type": "test", "event": "started", "name": "b::ignored" }
{ "type": "test", "name": "b::ignored", "event": "ignored" }
{ "type": "test", "event": "started", "name": "b::ignored_why" }
{ "type": "test", "name": "b::ignored_why", "event": "ignored", "message": "needs a file system" }
{ "type": "test", "event": "started", "name": "c::fails" }
{ "type": "test", "name": "c::fails", "event": "failed", "exec_time": 1.5, "stdout": "\nthread 'c::fails' panicked at tests/c.rs:3:5:\nassertion failed\n" }
{ "type": "test", "event": "started", "name": "d::noisy" }
direct output{ "type": "test", "name": "d::noisy", "event": "ok" }
{ "type": "suite", "event": "failed", "passed": 3, "failed": 1, "ignored": 2, "measured": 0, "filtered_out": 0, "exec_time": 1.51 }
"#;

#[test]
fn json_output_parses() {
    let p = parse_events(RUN);
    assert!(p.finished);
    assert_eq!(p.in_flight, None);
    let names: Vec<&str> = p.results.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "a::passes",
            "a::panics",
            "b::ignored",
            "b::ignored_why",
            "c::fails",
            "d::noisy"
        ]
    );
    assert_eq!(p.results[0].1, Outcome::Passed);
    assert_eq!(p.results[0].2, Some(0.01));
    assert_eq!(p.results[2].1, Outcome::Ignored(None));
    assert_eq!(
        p.results[3].1,
        Outcome::Ignored(Some("needs a file system".into()))
    );
    assert_eq!(
        p.results[4],
        ("c::fails".into(), Outcome::Failed, Some(1.5))
    );
    assert_eq!(p.results[5].1, Outcome::Passed);
    assert!(
        p.failures["c::fails"].contains("assertion failed"),
        "{:?}",
        p.failures
    );
}

#[test]
fn a_failure_message_is_kept_with_the_output() {
    // `#[should_panic(expected = ...)]` with another panic message.
    let run = r#"{ "type": "test", "event": "started", "name": "x" }
{ "type": "test", "name": "x", "event": "failed", "stdout": "boom\n", "message": "panic did not contain expected string" }
"#;
    let p = parse_events(run);
    assert_eq!(p.results.len(), 1);
    assert_eq!(
        p.failures["x"],
        "boom\nnote: panic did not contain expected string"
    );
    assert!(!p.finished);
}

#[test]
fn a_crash_leaves_the_test_in_flight() {
    let p = parse_events(
        "{ \"type\": \"suite\", \"event\": \"started\", \"test_count\": 3 }\n\
         { \"type\": \"test\", \"event\": \"started\", \"name\": \"a\" }\n\
         { \"type\": \"test\", \"name\": \"a\", \"event\": \"ok\" }\n\
         { \"type\": \"test\", \"event\": \"started\", \"name\": \"b\" }\n\
         panicked at ",
    );
    assert!(!p.finished);
    assert_eq!(p.in_flight.as_deref(), Some("b"));
    assert_eq!(p.results.len(), 1);
}

#[test]
fn lists_parse() {
    let list = r#"{ "type": "suite", "event": "discovery" }
{ "type": "test", "event": "discovered", "name": "a::x", "ignore": false, "ignore_message": "", "source_path": "tests/a.rs", "start_line": 1, "start_col": 4, "end_line": 1, "end_col": 5 }
{ "type": "benchmark", "event": "discovered", "name": "b::y", "ignore": false, "ignore_message": "", "source_path": "tests/b.rs", "start_line": 2, "start_col": 4, "end_line": 2, "end_col": 5 }
{ "type": "suite", "event": "completed", "tests": 1, "benchmarks": 1, "total": 2, "ignored": 0 }
"#;
    assert_eq!(parse_list(list), ["a::x", "b::y"]);
    assert!(parse_list("a::x: test\n").is_empty());
}

#[test]
fn cargo_test_logs_give_results_per_binary_and_failures() {
    let log = "   Compiling firmware-tests v0.1.0
     Running unittests src/lib.rs (target/debug/deps/firmware_tests-1)

running 2 tests
test bench::tests::a ... ok
test bench::tests::b ... ok

test result: ok. 2 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s

     Running tests/conformance.rs (target/debug/deps/conformance-2)

running 3 tests
test alloc_x ... ok
test text_utf8 ... FAILED
test runtime_sleep ... ok

failures:

---- text_utf8 stdout ----
boom

test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 3.2s

   Doc-tests firmware_tests

running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
";
    let (binaries, failures) = parse_test_log(log);
    assert_eq!(
        binaries,
        vec![
            BinaryResults {
                name: "unittests src/lib.rs".into(),
                ok: true,
                passed: 2,
                failed: 0,
                ignored: 1
            },
            BinaryResults {
                name: "tests/conformance.rs".into(),
                ok: false,
                passed: 2,
                failed: 1,
                ignored: 0
            },
            BinaryResults {
                name: "doc-tests firmware_tests".into(),
                ok: true,
                passed: 0,
                failed: 0,
                ignored: 0
            },
        ]
    );
    assert_eq!(failures, vec!["text_utf8".to_string()]);
}

/// The same six tests in libtest's plain format, as a binary given no arguments prints
/// them (on the real Xous), with a `#[should_panic]` test and a failure section.
const PLAIN_RUN: &str = "
running 6 tests
test a::passes ... ok
test a::panics - should panic ... ok
test b::ignored ... ignored
test b::ignored_why ... ignored, needs a file system
test c::fails ... FAILED
test d::noisy ... direct output
ok

failures:

---- c::fails stdout ----

thread 'c::fails' panicked at tests/c.rs:3:5:
assertion failed


failures:
    c::fails

test result: FAILED. 3 passed; 1 failed; 2 ignored; 0 measured; 0 filtered out; finished in 1.51s
";

#[test]
fn plain_output_parses() {
    let p = parse_plain(PLAIN_RUN);
    assert!(p.finished);
    let results: Vec<(&str, &Outcome)> = p.results.iter().map(|r| (r.0.as_str(), &r.1)).collect();
    assert_eq!(
        results,
        [
            ("a::passes", &Outcome::Passed),
            ("a::panics", &Outcome::Passed),
            ("b::ignored", &Outcome::Ignored(None)),
            (
                "b::ignored_why",
                &Outcome::Ignored(Some("needs a file system".into()))
            ),
            ("c::fails", &Outcome::Failed),
        ]
    );
    assert_eq!(
        p.failures["c::fails"],
        "\nthread 'c::fails' panicked at tests/c.rs:3:5:\nassertion failed"
    );
    // Output a test writes uncaptured splits its line: the test is not reported, and the
    // caller's check that every listed test was reported catches it.
    assert_eq!(p.in_flight, None);
}

#[test]
fn plain_output_cut_short_names_the_test_in_flight() {
    let p = parse_plain(
        "\nrunning 2 tests\ntest a::passes ... ok\ntest a::aborts ... PANIC in PID 6:\n",
    );
    assert!(!p.finished);
    assert_eq!(p.results.len(), 1);
    assert_eq!(p.in_flight.as_deref(), Some("a::aborts"));
}
