//! The benchmarks with embedded-alloc's TLSF heap as the global allocator.

#[global_allocator]
static GLOBAL: bench::Counting<bench::variants::embedded_variant::ETlsf> =
    bench::Counting::new(bench::variants::embedded_variant::ETlsf::new());

fn main() {
    bench::run(&GLOBAL);
}
