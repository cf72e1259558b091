use super::*;
use crate::bench::test_support::*;

#[test]
fn markdown_shows_every_variant_the_lower_bound_and_the_profiles() {
    let mut records = Vec::new();
    for (v, x) in [("system", 200), ("talc", 100), ("bump", 50)] {
        records.push(rec("alloc_lifo", v, "official", x));
        records.push(rec("sort", v, "official", x * 2));
    }
    records.push(rec("alloc_lifo", "system", "debug-assertions", 150));
    records.push(rec("sort", "system", "debug-assertions", 400));
    records.push(rec("alloc_lifo", "bump", "debug-assertions", 50));
    let report = report_of(records, &["official", "debug-assertions"]);
    let md = markdown(&report);
    assert!(
        md.contains("| case | ops | system | talc | bump | system ÷ bump |"),
        "{md}"
    );
    // talc is the cheapest real allocator; bump is never bolded; system is 4x the bound.
    assert!(
        md.contains("| alloc_lifo | 100 | 200.0 | **100.0** | 50.0 | 4.00× |"),
        "{md}"
    );
    assert!(
        md.contains("| alloc_lifo | 200.0 | 150.0 | 0.75× | 50.0 | 50.0 | 1.00× |"),
        "{md}"
    );
    // Summary: talc costs half of system in both groups.
    assert!(
        md.contains(
            "| talc | talc-1.0 | xous-swap | own | arena 1024.0 KiB | 0.50× | 0.50× | 0.50× |"
        ),
        "{md}"
    );
    assert!(md.contains("## Heap"), "{md}");
}

#[test]
fn the_chart_has_a_bar_per_case_and_series() {
    let mut records = Vec::new();
    for v in ["system", "talc", "bump"] {
        records.push(rec("alloc_lifo", v, "official", 120));
        records.push(rec("sort", v, "official", 7));
    }
    records.push(rec("sort", "system", "debug-assertions", 6));
    let report = report_of(records, &["official", "debug-assertions"]);
    let svg = svg_chart(&report);
    assert!(svg.starts_with("<svg "));
    assert!(svg.trim_end().ends_with("</svg>"));
    // 2 cases x 3 variants + 1 debug-assertions bar.
    assert_eq!(svg.matches("<title>").count(), 7);
    assert!(svg.contains("sort · system (debug-assertions libstd): 6.0 instructions/op"));
    assert!(svg.contains("system (debug-assertions libstd)</text>"));
}

#[test]
fn geometric_mean() {
    assert!((geomean(&[2.0, 8.0]) - 4.0).abs() < 1e-12);
    assert_eq!(geomean(&[]), 1.0);
}
