//! The benchmarks with buddy_system_allocator as the global allocator.

#[global_allocator]
static GLOBAL: bench::Counting<bench::alloc_wrap::Locked<bench::variants::buddy_variant::Buddy>> =
    bench::Counting::new(bench::alloc_wrap::Locked::new(
        bench::variants::buddy_variant::Buddy::new(),
    ));

fn main() {
    bench::run(&GLOBAL);
}
