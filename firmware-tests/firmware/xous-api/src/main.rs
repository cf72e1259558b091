//! `xous-api <case>`: runs one Xous API conformance case and prints `ok <case>` when it
//! passes (a failed assertion panics, which fails the run with the message). The cases
//! use the `xous`, `xous-api-log`, `xous-api-ticktimer` and `xous-api-names` crates as
//! a program for xous-core does.
//!
//! Without a case (real Xous gives a program no arguments) it runs the cases one after
//! another in one process, `case <name>` before and `ok <name>` or `FAILED <name>` after
//! each, and exits 101 if one failed.

mod ipc;
#[path = "../../run_all.rs"]
mod run_all;
mod services;
mod system;

type Case = (&'static str, fn());

/// Every case, by name (the host test of the same name runs it).
const CASES: &[Case] = &[
    (
        "log_records_at_each_level",
        services::log_records_at_each_level,
    ),
    (
        "log_standard_output_and_error",
        services::log_standard_output_and_error,
    ),
    ("ticktimer_elapsed_ms", services::ticktimer_elapsed_ms),
    ("ticktimer_sleep_ms", services::ticktimer_sleep_ms),
    ("ticktimer_get_version", services::ticktimer_get_version),
    ("ticktimer_mutex", services::ticktimer_mutex),
    ("ticktimer_condvar", services::ticktimer_condvar),
    (
        "names_register_and_lookup",
        services::names_register_and_lookup,
    ),
    (
        "names_connection_limit_refused",
        services::names_connection_limit_refused,
    ),
    ("names_token_disconnect", services::names_token_disconnect),
    (
        "names_blocking_connect_waits_for_registration",
        services::names_blocking_connect_waits_for_registration,
    ),
    (
        "names_duplicate_and_unregister",
        services::names_duplicate_and_unregister,
    ),
    (
        "server_answers_every_message_kind",
        ipc::server_answers_every_message_kind,
    ),
    (
        "lend_mut_round_trips_with_offsets",
        ipc::lend_mut_round_trips_with_offsets,
    ),
    (
        "move_gives_the_page_to_the_server",
        ipc::move_gives_the_page_to_the_server,
    ),
    ("reply_and_receive_next", ipc::reply_and_receive_next),
    (
        "try_receive_and_try_connect",
        ipc::try_receive_and_try_connect,
    ),
    (
        "connect_waits_for_the_server",
        ipc::connect_waits_for_the_server,
    ),
    (
        "destroyed_server_fails_waiting_clients",
        ipc::destroyed_server_fails_waiting_clients,
    ),
    (
        "disconnect_and_double_reply",
        ipc::disconnect_and_double_reply,
    ),
    ("process_and_thread_ids", system::process_and_thread_ids),
    ("memory_map_protect_unmap", system::memory_map_protect_unmap),
    (
        "unsupported_calls_are_errors",
        system::unsupported_calls_are_errors,
    ),
];

fn main() {
    // A process has one connection per server, shared by std and the API crates, and
    // dropping the last `Ticktimer` disconnects it: std's mutexes, condvars and sleeps
    // then fail. Programs for Xous keep one alive; so do these cases.
    let _ticktimer = ticktimer_server::Ticktimer::new().unwrap();
    let Some(name) = std::env::args().nth(1) else {
        // Real Xous passes no arguments: every case, in order, in this one process.
        run_all::run_all(CASES.iter())
    };
    match CASES.iter().find(|(n, _)| *n == name) {
        Some((_, case)) => {
            case();
            println!("ok {name}");
        }
        None => {
            eprintln!("unknown case `{name}`; the cases are:");
            for (n, _) in CASES {
                eprintln!("  {n}");
            }
            std::process::exit(2);
        }
    }
}
