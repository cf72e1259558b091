//! The benchmarks with rlsf's TLSF as the global allocator.

#[global_allocator]
static GLOBAL: bench::Counting<bench::alloc_wrap::Locked<bench::variants::rlsf_variant::Rlsf>> =
    bench::Counting::new(bench::alloc_wrap::Locked::new(
        bench::variants::rlsf_variant::Rlsf::new(),
    ));

fn main() {
    bench::run(&GLOBAL);
}
