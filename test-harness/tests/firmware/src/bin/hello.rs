//! Prints on stdout and stderr, then exits with the code given as first argument (0).
fn main() {
    println!("hello from the xous test kernel");
    eprintln!("this line goes to stderr");
    let code: i32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    std::process::exit(code);
}
