//! `cargo xtask install-toolkit [--force]`: the subcommand of xous-core's xtask that installs
//! the libstd, here on the library ([`xtask_libstd::ensure_compiler`]).

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("install-toolkit") => {
            let force = args.iter().any(|a| a == "--force");
            xtask_libstd::ensure_compiler(&None, true, force)
        }
        _ => Err("usage: xtask install-toolkit [--force]".to_owned()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
