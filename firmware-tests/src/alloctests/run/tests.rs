use super::*;
use crate::alloctests::test_support::EXPECTATIONS;
use std::time::Duration;

/// libtest's JSON events for `started`/`ok` pairs, then `started` for `crashed` (if any).
fn events(ok: &[&str], crashed: Option<&str>, finished: bool) -> String {
    let mut s = String::new();
    for t in ok {
        s.push_str(&format!(
            "{{ \"type\": \"test\", \"event\": \"started\", \"name\": \"{t}\" }}\n"
        ));
        s.push_str(&format!(
            "{{ \"type\": \"test\", \"name\": \"{t}\", \"event\": \"ok\" }}\n"
        ));
    }
    if let Some(t) = crashed {
        s.push_str(&format!(
            "{{ \"type\": \"test\", \"event\": \"started\", \"name\": \"{t}\" }}\n"
        ));
    }
    if finished {
        s.push_str(&format!("{{ \"type\": \"suite\", \"event\": \"ok\", \"passed\": {}, \"failed\": 0, \"ignored\": 0, \"measured\": 0, \"filtered_out\": 0 }}\n", ok.len()));
    }
    s
}

fn output(stdout: &str, exit: Exit) -> RunOutput {
    RunOutput {
        console: test_harness::console::Console {
            stdout: stdout.as_bytes().to_vec(),
            ..Default::default()
        },
        exit,
        instret: None,
        wall_time: Duration::ZERO,
        command: "qemu".into(),
    }
}

#[test]
fn crashes_are_recorded_and_the_rest_retried() {
    let bin = TestBinary {
        name: "alloctests".into(),
        path: "x".into(),
        select: Vec::new(),
    };
    let asked: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
    let (results, retry, error) = interpret(
        &bin,
        &asked,
        &output(&events(&["a"], Some("b"), false), Exit::Fault),
    );
    assert_eq!(error, None);
    assert_eq!(results.len(), 2);
    assert!(matches!(&results[1].outcome, Outcome::Crashed(how) if how.contains("faulted")));
    assert_eq!(retry, Some(vec!["c".to_string(), "d".to_string()]));

    let done = events(&["c", "d"], None, true);
    let (results, retry, error) = interpret(&bin, &asked[2..], &output(&done, Exit::Exited(0)));
    assert_eq!((results.len(), retry, error), (2, None, None));

    let (_, retry, error) = interpret(&bin, &asked, &output("", Exit::Fault));
    assert_eq!(retry, None);
    assert!(error.is_some());
}

#[test]
fn selection_and_slow_tests_are_left_out() {
    let e = Expectations::parse(EXPECTATIONS).unwrap();
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let all = names(&["a::x", "slice::x", "slow::y", "slice::slow::z"]);
    let mut bin = TestBinary {
        name: "alloctests".into(),
        path: "x".into(),
        select: Vec::new(),
    };
    let picked = select_tests(&bin, all.clone(), &e, false);
    assert_eq!(picked, (names(&["a::x", "slice::x"]), 2, 0));
    assert_eq!(
        select_tests(&bin, all.clone(), &e, true),
        (all.clone(), 0, 0)
    );
    bin.select = names(&["slice::", "slow::"]);
    let picked = select_tests(&bin, all.clone(), &e, false);
    assert_eq!(picked, (names(&["slice::x"]), 2, 1));
}
