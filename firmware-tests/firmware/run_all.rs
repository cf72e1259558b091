//! The run of every case in one process, shared by the suites' firmware (included with
//! `#[path]`): real Xous passes a program no arguments, so a suite's firmware given no case
//! runs these, printing `case <name>` before and `ok <name>` or `FAILED <name>` after each,
//! and exits 101 if one failed.

/// Runs `cases` in order, each caught (a failed assertion fails its case only), and exits.
pub fn run_all<'a>(cases: impl Iterator<Item = &'a (&'static str, fn())>) -> ! {
    let mut failed = 0;
    for (name, case) in cases {
        println!("case {name}");
        if std::panic::catch_unwind(case).is_ok() {
            println!("ok {name}");
        } else {
            println!("FAILED {name}");
            failed += 1;
        }
    }
    println!("all cases ran: {failed} failed");
    std::process::exit(if failed == 0 { 0 } else { 101 });
}
