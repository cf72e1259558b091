//! The benchmarks with talc as the global allocator.

#[global_allocator]
static GLOBAL: bench::Counting<bench::variants::talc_variant::Talc> =
    bench::Counting::new(bench::variants::talc_variant::Talc::new());

fn main() {
    bench::run(&GLOBAL);
}
