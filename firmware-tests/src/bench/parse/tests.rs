use super::*;
use crate::bench::test_support::*;

#[test]
fn firmware_output_becomes_records_net_of_the_empty_loop() {
    let (info, records) = parse_output(OUTPUT, "official").unwrap();
    assert_eq!(info.name, "talc");
    assert_eq!(info.arena, 32 << 20);
    assert_eq!(records.len(), 2);
    let r = &records[0];
    assert_eq!(
        (r.variant.as_str(), r.libstd.as_str()),
        ("talc", "official")
    );
    assert_eq!(r.instret, 10_000);
    assert_eq!(r.instret_per_op, 100.0);
    assert_eq!((r.peak_heap, r.span, r.allocs), (8192, 9000, 100));
}

#[test]
fn truncated_or_malformed_output_is_refused() {
    let truncated = OUTPUT.replace("done cases=2\n", "");
    let err = parse_output(&truncated, "official").unwrap_err();
    assert!(err.to_string().contains("done cases=2"), "{err}");
    let bad = OUTPUT.replace("loop=1000 ", "loop=many ");
    let err = parse_output(&bad, "official").unwrap_err();
    assert!(err.to_string().contains("`loop` is not a number"), "{err}");
    let err = parse_output("case=x ops=1\n", "official").unwrap_err();
    assert!(err.to_string().contains("before the variant"), "{err}");
}

#[test]
fn runs_that_differ_are_located_by_line() {
    assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
    assert_eq!(
        first_difference("a\nb\nc\n", "a\nB\nc\n"),
        Some((2, "b".into(), "B".into()))
    );
    assert_eq!(
        first_difference("a\n", "a\nb\n"),
        Some((2, "<end>".into(), "b".into()))
    );
}
