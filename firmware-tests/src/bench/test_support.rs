//! Fixtures shared by the benchmark module's unit tests.

use super::*;

pub(crate) const OUTPUT: &str = "\
variant name=talc allocator=talc-5.1.1 lock=xous-swap realloc=own memory=arena arena=33554432
case=alloc_lifo group=alloc ops=100 loop=10400 empty=400 peak_heap=8192 span=9000 allocs=100 frees=100 reallocs=0
case=sort group=collections ops=10 loop=1000 empty=40 peak_heap=0 span=0 allocs=0 frees=0 reallocs=0
done cases=2
";

pub(crate) fn report_of(records: Vec<Record>, libstds: &[&str]) -> Report {
    let mut variants: Vec<VariantInfo> = Vec::new();
    for r in &records {
        if !variants.iter().any(|v| v.name == r.variant) {
            variants.push(VariantInfo {
                name: r.variant.clone(),
                allocator: format!("{}-1.0", r.variant),
                lock: "xous-swap".into(),
                realloc: "own".into(),
                memory: "arena".into(),
                arena: 1 << 20,
            });
        }
    }
    Report {
        schema: SCHEMA,
        rustc: "1.96.0 (ac68faa 2026-05-25)".into(),
        emulator: "qemu".into(),
        runs: RUNS,
        quick: false,
        libstds: libstds
            .iter()
            .map(|l| LibstdInfo {
                label: l.to_string(),
                rustc: "1.96.0".into(),
                sysroot: "/s".into(),
                source: String::new(),
                profile: "official".into(),
                profile_revision: xous_sysroot_build::Profile::Official.revision(),
            })
            .collect(),
        variants,
        runs_detail: Vec::new(),
        records,
    }
}

pub(crate) fn rec(case: &str, variant: &str, libstd: &str, per_op: u64) -> Record {
    Record {
        case: case.into(),
        group: if case.starts_with("alloc") {
            "alloc"
        } else {
            "collections"
        }
        .into(),
        variant: variant.into(),
        libstd: libstd.into(),
        ops: 100,
        loop_instret: per_op * 100 + 400,
        empty_instret: 400,
        instret: per_op * 100,
        instret_per_op: per_op as f64,
        peak_heap: 4096,
        span: 5000,
        allocs: 100,
        frees: 100,
        reallocs: 0,
    }
}
