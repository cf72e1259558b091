use super::*;

/// Builds `bench-system` and runs it in quick mode three times: the records must agree
/// exactly, and every case must be there (the full runs are `xous-bench`'s job).
#[test]
fn the_system_variant_repeats_exactly_in_quick_mode() {
    let dir = crate::cargo_target_dir().join("xous-bench/unit-test");
    let fw = build_firmware(&crate::toolchain(), &crate::sysroot(), &dir, true).unwrap();
    assert_eq!(fw.len(), 1);
    let runner = bench_runner(crate::kernel(), &crate::emulator());
    let (info, run, records) =
        run_variant(&runner, &fw[0], "official", RUNS, &["--quick".to_string()]).unwrap();
    assert_eq!(info.name, "system");
    assert_eq!(info.memory, "heap");
    assert_eq!(run.wall_ms.len(), RUNS);
    assert!(records.len() >= 40, "{records:?}");
    for r in &records {
        assert!(r.instret_per_op > 0.0, "{r:?}");
    }
}
