//! The std conformance suite: each case of `firmware/conformance` runs in its own boot
//! of the test kernel, as its own host test, on the emulator `firmware_tests::emulator`
//! selects (QEMU unless `XOUS_RUN_BACKEND=renode`).

use firmware_tests::{
    all_cases_run, assert_case_passed, conformance_firmware, on_real_xous, runner, stderr_of,
    suite_cases,
};
use test_harness::{Exit, RunOutput, Runner};

/// Runs `case` in its own boot; on the real Xous, returns the one run of all cases.
fn run_with(case: &str, setup: impl FnOnce(&mut Runner)) -> RunOutput {
    if on_real_xous() {
        return all_cases_run(conformance_firmware()).clone();
    }
    let mut r = runner();
    r.arg(case);
    setup(&mut r);
    r.run(conformance_firmware())
        .unwrap_or_else(|e| panic!("running {case}: {e}"))
}

/// Runs a case that must exit 0 after printing `ok <case>`.
fn passes(case: &str) -> RunOutput {
    let out = run_with(case, |_| {});
    assert_case_passed(case, &out);
    out
}

/// On the real Xous, the cases its run of all cases leaves out (the firmware's
/// `NOT_IN_ALL`) are not run; elsewhere, as [`passes`].
fn passes_except_on_real_xous(case: &str) {
    let why = match case {
        "alloc_large_allocations_grow_the_heap" => {
            "it allocates 24 MiB: the Precursor has 16 MiB of RAM and real Xous caps a heap at 512 KiB unless the program raises it"
        }
        _ => "SystemTime needs xous-core's time server, which the libstd-test image lacks (the lookup blocks)",
    };
    if !skipped_on_real_xous(why) {
        passes(case);
    }
}

suite_cases!(
    passes_except_on_real_xous;
    alloc_large_allocations_grow_the_heap,
    runtime_instant_and_systemtime,
);

suite_cases!(
    passes;
    alloc_box_vec_string_growth,
    alloc_shrink_and_realloc,
    alloc_alignments_1_to_4096,
    alloc_zero_sized_types,
    alloc_many_small_cycles,
    alloc_zeroed_is_zeroed,
    collections_hashmap_hashset,
    collections_btree_ranges,
    collections_vecdeque_wraparound,
    collections_binary_heap,
    collections_linked_list,
    collections_sorts_10k,
    collections_dedup_retain,
    text_format_every_formatter,
    text_floats_format_and_parse,
    text_utf8,
    text_to_string,
    concurrency_scoped_threads,
    concurrency_rwlock,
    concurrency_condvar,
    concurrency_once_oncelock_lazylock,
    concurrency_barrier,
    concurrency_mpsc,
    concurrency_atomics,
    concurrency_park,
    concurrency_available_parallelism,
    runtime_thread_local_destructors,
    runtime_sleep,
    unsupported_fs,
    unsupported_process_spawn,
);

#[test]
fn concurrency_spawn_join() {
    let out = passes("concurrency_spawn_join");
    assert!(
        stderr_of(&out).contains("thread panics"),
        "{}",
        out.report()
    );
}

#[test]
fn concurrency_mutex() {
    let out = passes("concurrency_mutex");
    assert!(stderr_of(&out).contains("poison it"), "{}", out.report());
}

#[test]
fn runtime_catch_and_resume_unwind() {
    let out = passes("runtime_catch_and_resume_unwind");
    assert!(
        stderr_of(&out).contains("index out of bounds: the len is 0 but the index is 3"),
        "{}",
        out.report()
    );
}

#[test]
fn runtime_process_exit() {
    if skipped_on_real_xous("it ends the process; test-harness's xous_core tests check exit codes")
    {
        return;
    }
    let out = run_with("runtime_process_exit", |_| {});
    assert_eq!(out.exit, Exit::Exited(42), "{}", out.report());
    assert_eq!(out.stdout(), "before exit\n");
}

#[test]
fn runtime_args_and_vars() {
    if skipped_on_real_xous("real Xous passes a program no arguments and no environment") {
        return;
    }
    let out = run_with("runtime_args_and_vars", |r| {
        r.args(["x", "y z"])
            .env("ALPHA", "1")
            .env("BETA", "two words");
    });
    assert_eq!(out.exit, Exit::Exited(0), "{}", out.report());
    assert!(
        out.stdout().ends_with("ok runtime_args_and_vars\n"),
        "{}",
        out.report()
    );
}

#[test]
fn runtime_stdout_stderr() {
    if on_real_xous() {
        // One console for both streams: each stream's lines in its own order.
        let out = passes("runtime_stdout_stderr");
        let lines: Vec<String> = out.stdout().lines().map(str::to_string).collect();
        let at = |l: &str| lines.iter().position(|x| x == l);
        let big = "x".repeat(10_000);
        for (first, second) in [
            ("out 1", "out 2"),
            ("out 2", big.as_str()),
            ("err 1", "err 2"),
        ] {
            assert!(
                matches!((at(first), at(second)), (Some(a), Some(b)) if a < b),
                "{first} then {second}:\n{}",
                out.report()
            );
        }
        return;
    }
    let out = passes("runtime_stdout_stderr");
    let big = "x".repeat(10_000);
    assert_eq!(
        out.stdout(),
        format!("out 1\nout 2\n{big}\nok runtime_stdout_stderr\n")
    );
    assert_eq!(out.stderr(), "err 1\nerr 2\n");
}

/// Within one run, RandomStates differ. Between runs they do not: libstd for Xous has no
/// entropy source (`std/src/sys/random/mod.rs` uses the `unsupported` keys, with a FIXME),
/// so every boot hashes alike. This test records that known limitation and fails the day
/// it changes, so the suite's expectations get updated.
#[test]
fn runtime_random_state() {
    if skipped_on_real_xous("it compares two boots, and the suite boots real Xous once") {
        return;
    }
    let first = passes("runtime_random_state").stdout();
    let second = passes("runtime_random_state").stdout();
    assert!(first.starts_with("hash="), "{first}");
    assert_eq!(
        first, second,
        "RandomState now differs between runs: update this test and docs/limits.md (RandomState has no entropy)"
    );
}

#[test]
fn unsupported_net() {
    if skipped_on_real_xous(
        "sockets need xous-core's network server, which the libstd-test image lacks (the lookup blocks)",
    ) {
        return;
    }
    let out = run_with("unsupported_net", |_| {});
    if on_real_xous() {
        assert_case_passed("unsupported_net", &out);
    } else {
        assert_eq!(out.exit, Exit::Exited(0), "{}", out.report());
        // The test kernel's own note; the real kernel has none.
        assert!(
            out.kernel_log()
                .contains("network and DNS are not available"),
            "{}",
            out.report()
        );
        assert!(
            out.stdout().ends_with("ok unsupported_net\n"),
            "{}",
            out.report()
        );
    }
    let stdout = out.stdout();
    assert!(
        stdout.contains("tcp connect: unable to connect or internal error"),
        "{stdout}"
    );
    assert!(stdout.contains("dns: DNS failure"), "{stdout}");
    assert!(stdout.contains("udp bind: "), "{stdout}");
}

#[test]
fn failing_case_shows_console_and_status() {
    if skipped_on_real_xous("it names an unknown case, and real Xous passes no arguments") {
        return;
    }
    // An unknown case name exits 2 with a message: the report carries both.
    let out = run_with("no_such_case", |_| {});
    assert_eq!(out.exit, Exit::Exited(2));
    let report = out.report();
    assert!(
        report.contains("exited with code 2") && report.contains("unknown case `no_such_case`"),
        "{report}"
    );
}

/// On the real Xous, says in one line why this test does not apply there (the guide's
/// table lists them) and returns true.
fn skipped_on_real_xous(why: &str) -> bool {
    if on_real_xous() {
        eprintln!("not run on real Xous: {why}");
    }
    on_real_xous()
}
