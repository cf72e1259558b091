//! `conformance <case>`: runs one std conformance case and prints `ok <case>` when it
//! passes (a failed assertion panics, which fails the run with the message).
//!
//! Without a case (real Xous gives a program no arguments) it runs the cases one after
//! another in one process, `case <name>` before and `ok <name>` or `FAILED <name>` after
//! each, and exits 101 if one failed.

mod alloc_cases;
mod collections;
mod concurrency;
#[path = "../../run_all.rs"]
mod run_all;
mod runtime;
mod text;
mod unsupported;

type Case = (&'static str, fn());

/// Every case, by name (the host test of the same name runs it).
const CASES: &[Case] = &[
    (
        "alloc_box_vec_string_growth",
        alloc_cases::box_vec_string_growth,
    ),
    ("alloc_shrink_and_realloc", alloc_cases::shrink_and_realloc),
    (
        "alloc_large_allocations_grow_the_heap",
        alloc_cases::large_allocations_grow_the_heap,
    ),
    (
        "alloc_alignments_1_to_4096",
        alloc_cases::alignments_1_to_4096,
    ),
    ("alloc_zero_sized_types", alloc_cases::zero_sized_types),
    ("alloc_many_small_cycles", alloc_cases::many_small_cycles),
    (
        "alloc_zeroed_is_zeroed",
        alloc_cases::alloc_zeroed_is_zeroed,
    ),
    ("collections_hashmap_hashset", collections::hashmap_hashset),
    ("collections_btree_ranges", collections::btree_ranges),
    (
        "collections_vecdeque_wraparound",
        collections::vecdeque_wraparound,
    ),
    ("collections_binary_heap", collections::binary_heap),
    ("collections_linked_list", collections::linked_list),
    ("collections_sorts_10k", collections::sorts_10k),
    ("collections_dedup_retain", collections::dedup_retain),
    ("text_format_every_formatter", text::format_every_formatter),
    (
        "text_floats_format_and_parse",
        text::floats_format_and_parse,
    ),
    ("text_utf8", text::utf8),
    ("text_to_string", text::to_string),
    ("concurrency_spawn_join", concurrency::spawn_join),
    ("concurrency_scoped_threads", concurrency::scoped_threads),
    ("concurrency_mutex", concurrency::mutex),
    ("concurrency_rwlock", concurrency::rwlock),
    ("concurrency_condvar", concurrency::condvar),
    (
        "concurrency_once_oncelock_lazylock",
        concurrency::once_oncelock_lazylock,
    ),
    ("concurrency_barrier", concurrency::barrier),
    ("concurrency_mpsc", concurrency::mpsc),
    ("concurrency_atomics", concurrency::atomics),
    ("concurrency_park", concurrency::park),
    (
        "concurrency_available_parallelism",
        concurrency::available_parallelism,
    ),
    (
        "runtime_thread_local_destructors",
        runtime::thread_local_destructors,
    ),
    (
        "runtime_instant_and_systemtime",
        runtime::instant_and_systemtime,
    ),
    ("runtime_sleep", runtime::sleep),
    (
        "runtime_catch_and_resume_unwind",
        runtime::catch_and_resume_unwind,
    ),
    ("runtime_process_exit", runtime::process_exit),
    ("runtime_args_and_vars", runtime::args_and_vars),
    ("runtime_stdout_stderr", runtime::stdout_stderr),
    ("runtime_random_state", runtime::random_state),
    ("unsupported_fs", unsupported::fs),
    ("unsupported_net", unsupported::net),
    ("unsupported_process_spawn", unsupported::process_spawn),
];

/// The cases left out of the run of all cases (docs/real-xous.md explains each): two end
/// the process or need arguments; one allocates 24 MiB, more than the Precursor's 16 MiB of
/// RAM and than real Xous lets a heap grow by default (512 KiB), and the failed allocation
/// aborts the process; two need a server the `libstd-test` image lacks (`SystemTime` the
/// time server, sockets the network server), and the lookup waits for it forever.
const NOT_IN_ALL: [&str; 5] = [
    "runtime_process_exit",
    "runtime_args_and_vars",
    "alloc_large_allocations_grow_the_heap",
    "runtime_instant_and_systemtime",
    "unsupported_net",
];

fn main() {
    let Some(name) = std::env::args().nth(1) else {
        // Real Xous passes no arguments: every case that can share this one process, in order.
        run_all::run_all(CASES.iter().filter(|(n, _)| !NOT_IN_ALL.contains(n)))
    };
    if name == "--list" {
        for (case, _) in CASES {
            println!("{case}");
        }
        return;
    }
    let Some((_, case)) = CASES.iter().find(|(n, _)| *n == name) else {
        eprintln!("unknown case `{name}`; `--list` lists them");
        std::process::exit(2);
    };
    case();
    println!("ok {name}");
}
