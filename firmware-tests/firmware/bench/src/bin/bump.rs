//! The benchmarks with a bump allocator (the lower bound) as the global allocator.

#[global_allocator]
static GLOBAL: bench::Counting<bench::variants::BumpVariant> = bench::Counting::new(
    bench::alloc_wrap::Locked::new(bench::alloc_wrap::Bump::new()),
);

fn main() {
    bench::run(&GLOBAL);
}
