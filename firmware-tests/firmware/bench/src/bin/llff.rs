//! The benchmarks with embedded-alloc's LLFF heap as the global allocator.

#[global_allocator]
static GLOBAL: bench::Counting<bench::variants::embedded_variant::Llff> =
    bench::Counting::new(bench::variants::embedded_variant::Llff::new());

fn main() {
    bench::run(&GLOBAL);
}
