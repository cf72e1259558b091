//! Echoes its arguments and selected environment variables.
fn main() {
    for (i, a) in std::env::args().enumerate() {
        println!("arg[{i}]={a}");
    }
    println!("GREETING={:?}", std::env::var("GREETING"));
    println!("MISSING={:?}", std::env::var("MISSING").is_err());
    println!("vars={}", std::env::vars().count());
}
