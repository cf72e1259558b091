//! The benchmarks with dlmalloc over the static arena as the global allocator.

#[global_allocator]
static GLOBAL: bench::Counting<bench::alloc_wrap::Locked<bench::variants::dl::Dl>> =
    bench::Counting::new(bench::alloc_wrap::Locked::new(
        bench::variants::dl::Dl::new(),
    ));

fn main() {
    bench::run(&GLOBAL);
}
