//! Panics in main: the run must fail with the message on stderr.
fn main() {
    let values: Vec<u32> = Vec::new();
    panic!("the firmware gave up: {} values", values.len());
}
