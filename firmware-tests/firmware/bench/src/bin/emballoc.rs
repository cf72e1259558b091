//! The benchmarks with emballoc as the global allocator.

#[global_allocator]
static GLOBAL: bench::Counting<bench::variants::emballoc_variant::Emballoc> =
    bench::Counting::new(bench::variants::emballoc_variant::Emballoc::new());

fn main() {
    bench::run(&GLOBAL);
}
