//! Prints a greeting and the program's arguments.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("{}", hello_xous::greeting(&args));
}
