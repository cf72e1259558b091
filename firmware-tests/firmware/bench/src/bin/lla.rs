//! The benchmarks with linked_list_allocator as the global allocator.

#[global_allocator]
static GLOBAL: bench::Counting<bench::alloc_wrap::Locked<bench::variants::lla_variant::Lla>> =
    bench::Counting::new(bench::alloc_wrap::Locked::new(
        bench::variants::lla_variant::Lla::new(),
    ));

fn main() {
    bench::run(&GLOBAL);
}
