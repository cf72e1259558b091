//! The Xous API conformance suite: each case of `firmware/xous-api` (a program written
//! against `xous`, `xous-api-log`, `xous-api-ticktimer` and `xous-api-names` from
//! crates.io) runs in its own boot of the test kernel, as its own host test, on the
//! emulator `firmware_tests::emulator` selects (QEMU unless `XOUS_RUN_BACKEND=renode`).

use firmware_tests::{
    all_cases_run, assert_case_passed, on_real_xous, runner, stderr_of, suite_cases,
    xous_api_firmware,
};
use test_harness::{Exit, RunOutput};

/// Runs a case that must exit 0 after printing `ok <case>`, with no kernel report; on the
/// real Xous, checks the one run of all cases.
fn passes(case: &str) -> RunOutput {
    if on_real_xous() {
        let out = all_cases_run(xous_api_firmware());
        assert_case_passed(case, out);
        return out.clone();
    }
    let mut r = runner();
    r.arg(case);
    let out = r
        .run(xous_api_firmware())
        .unwrap_or_else(|e| panic!("running {case}: {e}"));
    assert_case_passed(case, &out);
    out
}

suite_cases!(
    passes;
    ticktimer_elapsed_ms,
    ticktimer_sleep_ms,
    ticktimer_get_version,
    ticktimer_mutex,
    ticktimer_condvar,
    names_register_and_lookup,
    names_connection_limit_refused,
    names_token_disconnect,
    names_blocking_connect_waits_for_registration,
    names_duplicate_and_unregister,
    server_answers_every_message_kind,
    lend_mut_round_trips_with_offsets,
    move_gives_the_page_to_the_server,
    reply_and_receive_next,
    try_receive_and_try_connect,
    connect_waits_for_the_server,
    destroyed_server_fails_waiting_clients,
    disconnect_and_double_reply,
    process_and_thread_ids,
    memory_map_protect_unmap,
    unsupported_calls_are_errors,
);

/// Each level is shown as the real log server shows it: level, module, text, file:line.
#[test]
fn log_records_at_each_level() {
    let out = passes("log_records_at_each_level");
    let stderr = stderr_of(&out);
    let mut lines: Vec<&str> = stderr.lines().collect();
    if on_real_xous() {
        // The records among the run's other lines: from the first one on.
        let first = lines
            .iter()
            .position(|l| l.contains("an error 1"))
            .unwrap_or(0);
        lines.drain(..first);
    }
    let expected = [
        ("ERR :", "an error 1", 13),
        ("WARN:", "a warning 2", 14),
        ("INFO:", "some info 3", 15),
        ("DBG :", "a debug line 4", 16),
        ("TRCE:", "a trace line 5", 17),
    ];
    for (i, (level, text, line)) in expected.iter().enumerate() {
        assert_eq!(
            lines.get(i).copied(),
            Some(format!("{level}xous_api::services: {text} (src/services.rs:{line})").as_str()),
            "{}",
            out.report()
        );
    }
    let long = format!("INFO:xous_api::services: ünïcødé {}", "x".repeat(300));
    assert!(lines[5].starts_with(&long), "{}", out.report());
}

#[test]
fn log_standard_output_and_error() {
    let out = passes("log_standard_output_and_error");
    if on_real_xous() {
        // One console for both streams, among the other cases' lines.
        let console = out.stdout();
        assert!(
            console.contains("to stdout\n") && console.contains("to stderr\n"),
            "{console}"
        );
        return;
    }
    assert_eq!(
        out.stdout(),
        "to stdout\nok log_standard_output_and_error\n"
    );
    assert_eq!(out.stderr(), "to stderr\n");
}

/// An unknown case name is refused with the list of cases (the suite's own check).
#[test]
fn an_unknown_case_lists_the_cases() {
    if on_real_xous() {
        eprintln!(
            "not run on real Xous: it names an unknown case, and real Xous passes no arguments"
        );
        return;
    }
    let mut r = runner();
    r.arg("no_such_case");
    let out = r.run(xous_api_firmware()).unwrap();
    assert_eq!(out.exit, Exit::Exited(2), "{}", out.report());
    assert!(out.stderr().contains("  unsupported_calls_are_errors\n"));
}
