//! The benchmarks with libstd's `System` (dlmalloc over `IncreaseHeap`) as the global allocator.

#[global_allocator]
static GLOBAL: bench::Counting<bench::variants::Std> =
    bench::Counting::new(bench::variants::Std::new());

fn main() {
    bench::run(&GLOBAL);
}
