//! Rendering a [`Report`]: the Markdown tables ([`markdown`], one function per section) and
//! the SVG chart ([`svg_chart`]).

use std::fmt::Write as _;
use std::path::Path;

use super::{write_file, BenchError, LibstdInfo, Report, LOWER_BOUND_VARIANT, REFERENCE_VARIANT};

/// Writes `bench.json`, `bench.md` and `bench.svg` of `report` into `out`.
pub fn write_outputs(report: &Report, out: &Path) -> Result<(), BenchError> {
    report.write(&out.join("bench.json"))?;
    write_file(&out.join("bench.md"), &markdown(report))?;
    write_file(&out.join("bench.svg"), &svg_chart(report))
}

pub(crate) fn fmt_per_op(x: f64) -> String {
    if x >= 1000.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn fmt_ratio(x: f64) -> String {
    format!("{x:.2}×")
}

fn fmt_kib(bytes: u64) -> String {
    if bytes >= 10 << 20 {
        format!("{:.1} MiB", bytes as f64 / (1 << 20) as f64)
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

/// Geometric mean (1.0 for an empty list).
pub fn geomean(xs: &[f64]) -> f64 {
    let xs: Vec<f64> = xs.iter().copied().filter(|x| *x > 0.0).collect();
    if xs.is_empty() {
        return 1.0;
    }
    (xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64).exp()
}

/// Ratios `variant / reference` per case of `group` (all groups with `None`).
fn ratios(
    report: &Report,
    variant: &str,
    libstd: &str,
    reference: (&str, &str),
    group: Option<&str>,
) -> Vec<f64> {
    report
        .cases()
        .iter()
        .filter(|(_, g)| group.is_none_or(|want| g == want))
        .filter_map(|(case, _)| {
            let v = report.get(case, variant, libstd)?;
            let r = report.get(case, reference.0, reference.1)?;
            (r.instret_per_op > 0.0).then(|| v.instret_per_op / r.instret_per_op)
        })
        .collect()
}

/// One Markdown table row: `| a | b |`.
pub(crate) fn row(cells: impl IntoIterator<Item = String>) -> String {
    let cells: Vec<String> = cells.into_iter().collect();
    format!("| {} |\n", cells.join(" | "))
}

/// The header of a table: its titles and the alignment rule (`---` or `---:` per column).
fn table(titles: &[String], rule: &[&str]) -> String {
    let mut t = row(titles.iter().cloned());
    t.push('|');
    for r in rule {
        t.push_str(r);
        t.push('|');
    }
    t.push('\n');
    t
}

/// `titles` followed by one column per variant and `last`, with numbers right-aligned after
/// the first column.
fn variant_table(first: &[&str], variants: &[String], last: &[&str]) -> String {
    let titles: Vec<String> = first
        .iter()
        .map(|s| s.to_string())
        .chain(variants.iter().cloned())
        .chain(last.iter().map(|s| s.to_string()))
        .collect();
    let mut rule = vec!["---"];
    rule.resize(titles.len(), "---:");
    table(&titles, &rule)
}

/// The Markdown report of a run: summary per variant, instructions per operation per case
/// and variant, the libstd profiles side by side, heap use, and how each variant is built.
pub fn markdown(report: &Report) -> String {
    let primary = report.primary_libstd().unwrap_or("official");
    let mut md = introduction(report, primary);
    md.push_str(&summary(report, primary));
    md.push_str(&per_case(report, primary));
    for other in report.libstds.iter().skip(1) {
        md.push_str(&against_primary(report, primary, &other.label));
    }
    md.push_str(&heap(report, primary));
    md
}

/// The title, what was measured and how, and the libstds.
fn introduction(report: &Report, primary: &str) -> String {
    let mut md = String::new();
    let (title, how) = if report.is_renode() {
        (
            "Benchmarks (Renode counts)",
            "test kernel under Renode (Renode counts: instructions retired as Renode counts \
             them, not comparable with QEMU's)",
        )
    } else {
        (
            "Benchmarks",
            "test kernel under QEMU `-icount shift=0` (exact counts)",
        )
    };
    let _ = writeln!(md, "# {title}: libstd for rustc {}\n", report.rustc);
    let _ = writeln!(
        md,
        "Instructions retired per operation, net of an empty loop of the same length, on the \
         {how}. Every variant ran {} times and the runs agreed exactly{}. Lower is better. \
         Figures are for the `{primary}` libstd unless a column says otherwise.\n",
        report.runs,
        if report.quick {
            " (quick mode: a tenth of the operations)"
        } else {
            ""
        }
    );
    for l in &report.libstds {
        md.push_str(&libstd_line(l));
    }
    md.push('\n');
    md
}

fn libstd_line(l: &LibstdInfo) -> String {
    format!(
        "- libstd `{}`: {}, profile `{}` (sysroot `{}`{})\n",
        l.label,
        l.rustc,
        l.profile_identity(),
        l.sysroot,
        if l.source.is_empty() {
            String::new()
        } else {
            format!(", from `{}`", l.source)
        }
    )
}

/// Each variant's cost relative to `system`, per group, and its whole run.
fn summary(report: &Report, primary: &str) -> String {
    let mut md = String::from(
        "## Summary: cost relative to libstd's allocator (`system`)\n\n\
         Geometric mean over the cases of each variant's instructions per operation divided by \
         `system`'s. `bump` is the lower bound: a bump pointer behind the same lock and the \
         same counting wrapper.\n\n",
    );
    md.push_str("| variant | allocator | lock | realloc | memory | alloc cases | collection cases | all cases | whole run (instructions) |\n|---|---|---|---|---|---:|---:|---:|---:|\n");
    for v in &report.variants {
        let r = |g| {
            let xs = ratios(report, &v.name, primary, (REFERENCE_VARIANT, primary), g);
            fmt_ratio(geomean(&xs))
        };
        let total = report
            .runs_detail
            .iter()
            .find(|x| x.variant == v.name && x.libstd == primary)
            .map_or(0, |x| x.total_instret);
        let memory = if v.memory == "arena" {
            format!("arena {}", fmt_kib(v.arena))
        } else {
            "heap (IncreaseHeap)".to_string()
        };
        md.push_str(&row([
            v.name.clone(),
            v.allocator.clone(),
            v.lock.clone(),
            v.realloc.clone(),
            memory,
            r(Some("alloc")),
            r(Some("collections")),
            r(None),
            total.to_string(),
        ]));
    }
    md.push('\n');
    md
}

/// Instructions per operation per case and variant, the cheapest real allocator in bold.
fn per_case(report: &Report, primary: &str) -> String {
    let variants = report.variant_names();
    let mut md = format!(
        "## Instructions per operation (`{primary}` libstd)\n\nThe cheapest allocator other \
         than the lower bound is in bold (unless all tie); the last column is what `system` \
         costs over the lower bound.\n\n"
    );
    md.push_str(&variant_table(
        &["case", "ops"],
        &variants,
        &["system ÷ bump"],
    ));
    for (case, _) in report.cases() {
        let ops = report
            .records
            .iter()
            .find(|r| r.case == case)
            .map_or(0, |r| r.ops);
        let real: Vec<f64> = variants
            .iter()
            .filter(|v| *v != LOWER_BOUND_VARIANT)
            .filter_map(|v| report.get(&case, v, primary))
            .map(|r| r.instret_per_op)
            .collect();
        let best = real.iter().copied().fold(f64::INFINITY, f64::min);
        let all_tied = real.iter().all(|x| *x == best);
        let mut cells = vec![case.clone(), ops.to_string()];
        for v in &variants {
            cells.push(match report.get(&case, v, primary) {
                Some(r) if r.instret_per_op == best && v != LOWER_BOUND_VARIANT && !all_tied => {
                    format!("**{}**", fmt_per_op(r.instret_per_op))
                }
                Some(r) => fmt_per_op(r.instret_per_op),
                None => "–".to_string(),
            });
        }
        cells.push(
            match (
                report.get(&case, REFERENCE_VARIANT, primary),
                report.get(&case, LOWER_BOUND_VARIANT, primary),
            ) {
                (Some(s), Some(b)) if b.instret_per_op > 0.0 => {
                    fmt_ratio(s.instret_per_op / b.instret_per_op)
                }
                _ => "–".to_string(),
            },
        );
        md.push_str(&row(cells));
    }
    md.push('\n');
    md
}

/// The libstd `other` against the primary one: `system` and `bump` per case, then the
/// geometric mean of the ratio per variant.
fn against_primary(report: &Report, primary: &str, other: &str) -> String {
    let o = other;
    let mut md = format!(
        "## libstd `{o}` against `{primary}`\n\nThe same firmware built against each \
         libstd (profiles: {}); a ratio below 1 is what `{o}` saves, above 1 what it \
         costs.\n\n",
        [primary, o]
            .iter()
            .map(|l| report.libstd(l).map_or_else(
                || format!("`{l}` unknown"),
                |i| format!("`{l}` is {}", i.profile_identity())
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = write!(
        md,
        "| case | system `{primary}` | system `{o}` | ratio | bump `{primary}` | bump `{o}` | ratio |\n|---|---:|---:|---:|---:|---:|---:|\n"
    );
    for (case, _) in report.cases() {
        let cell = |v: &str, l: &str| report.get(&case, v, l).map(|r| r.instret_per_op);
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if a > 0.0 => fmt_ratio(b / a),
            _ => "–".into(),
        };
        let show = |x: Option<f64>| x.map_or("–".into(), fmt_per_op);
        let (sp, so) = (cell("system", primary), cell("system", o));
        let (bp, bo) = (cell("bump", primary), cell("bump", o));
        md.push_str(&row([
            case.clone(),
            show(sp),
            show(so),
            ratio(sp, so),
            show(bp),
            show(bo),
            ratio(bp, bo),
        ]));
    }
    md.push_str("\nGeometric mean of the ratio per variant:\n\n| variant | alloc cases | collection cases | all cases |\n|---|---:|---:|---:|\n");
    for v in report.variant_names() {
        let g = |group| {
            let xs = ratios(report, &v, o, (&v, primary), group);
            if xs.is_empty() {
                "–".to_string()
            } else {
                fmt_ratio(geomean(&xs))
            }
        };
        let cells = [g(Some("alloc")), g(Some("collections")), g(None)];
        md.push_str(&row(std::iter::once(v.clone()).chain(cells)));
    }
    md.push('\n');
    md
}

/// Peak heap per case and the address range each variant's allocations covered.
fn heap(report: &Report, primary: &str) -> String {
    let variants = report.variant_names();
    let mut md = String::from(
        "## Heap\n\n`peak heap`: the most requested bytes in use at once during the case (the \
         same for every allocator). The other columns: the address range the case's \
         allocations covered, i.e. the allocator's footprint with its headers, alignment and \
         fragmentation (`bump` never reuses memory within a pass).\n\n",
    );
    md.push_str(&variant_table(&["case", "peak heap"], &variants, &[]));
    for (case, _) in report.cases() {
        let peak = report
            .get(&case, REFERENCE_VARIANT, primary)
            .or_else(|| report.records.iter().find(|r| r.case == case))
            .map_or(0, |r| r.peak_heap);
        let mut cells = vec![case.clone(), fmt_kib(peak)];
        cells.extend(variants.iter().map(|v| {
            report
                .get(&case, v, primary)
                .map_or("–".to_string(), |r| fmt_kib(r.span))
        }));
        md.push_str(&row(cells));
    }
    md
}

const PALETTE: &[&str] = &[
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#637939",
];

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An SVG chart of instructions per operation: one group of horizontal bars per case, one
/// bar per variant of the primary libstd plus `system` against every other libstd, on a
/// logarithmic axis. Hovering a bar shows its exact value.
pub fn svg_chart(report: &Report) -> String {
    let primary = report.primary_libstd().unwrap_or("official").to_string();
    let mut series: Vec<(String, String)> = report
        .variant_names()
        .into_iter()
        .map(|v| (v, primary.clone()))
        .collect();
    for l in report.libstds.iter().skip(1) {
        series.push((REFERENCE_VARIANT.to_string(), l.label.clone()));
    }
    let cases = report.cases();
    let values: Vec<f64> = report
        .records
        .iter()
        .map(|r| r.instret_per_op)
        .filter(|x| *x > 0.0)
        .collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    let (d0, d1) = if values.is_empty() {
        (0, 1)
    } else {
        (
            lo.log10().floor() as i32,
            (hi.log10().ceil() as i32).max(lo.log10().floor() as i32 + 1),
        )
    };
    let (left, plot_w, right) = (230.0, 640.0, 30.0);
    let bar_h = 4.0;
    let group_gap = 8.0;
    let legend_rows = series.len().div_ceil(4);
    let top = 56.0 + 18.0 * legend_rows as f64 + 20.0;
    let group_h = bar_h * series.len() as f64 + group_gap;
    let height = top + group_h * cases.len() as f64 + 30.0;
    let width = left + plot_w + right;
    let x = |v: f64| left + plot_w * ((v.log10() - d0 as f64) / (d1 - d0) as f64).clamp(0.0, 1.0);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{left}" y="20" font-size="14" font-weight="bold">Instructions retired per operation (log scale, lower is better)</text>"#
    );
    let _ = writeln!(
        s,
        r#"<text x="{left}" y="38">rustc {} · libstd `{}` unless marked · {}</text>"#,
        xml_escape(&report.rustc),
        xml_escape(&primary),
        if report.is_renode() {
            "Renode counts"
        } else {
            "exact counts under QEMU -icount"
        }
    );
    for (i, (v, l)) in series.iter().enumerate() {
        let (col, row) = (i % 4, i / 4);
        let lx = left + col as f64 * 160.0;
        let ly = 52.0 + row as f64 * 18.0;
        let label = if *l == primary {
            v.clone()
        } else {
            format!("{v} ({l} libstd)")
        };
        let _ = writeln!(
            s,
            r#"<rect x="{lx}" y="{ly}" width="12" height="10" fill="{}"/><text x="{}" y="{}">{}</text>"#,
            PALETTE[i % PALETTE.len()],
            lx + 16.0,
            ly + 9.0,
            xml_escape(&label)
        );
    }
    // Decades.
    for d in d0..=d1 {
        let gx = x(10f64.powi(d));
        let _ = writeln!(
            s,
            r##"<line x1="{gx:.1}" y1="{:.1}" x2="{gx:.1}" y2="{:.1}" stroke="#ddd"/><text x="{gx:.1}" y="{:.1}" text-anchor="middle" fill="#555">{}</text><text x="{gx:.1}" y="{:.1}" text-anchor="middle" fill="#555">{}</text>"##,
            top - 6.0,
            height - 24.0,
            top - 9.0,
            10f64.powi(d),
            height - 10.0,
            10f64.powi(d)
        );
    }
    for (ci, (case, _)) in cases.iter().enumerate() {
        let gy = top + ci as f64 * group_h;
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 6.0,
            gy + (group_h - group_gap) / 2.0 + 4.0,
            xml_escape(case)
        );
        for (si, (v, l)) in series.iter().enumerate() {
            if let Some(r) = report.get(case, v, l) {
                if r.instret_per_op <= 0.0 {
                    continue;
                }
                let by = gy + si as f64 * bar_h;
                let _ = writeln!(
                    s,
                    r#"<rect x="{left}" y="{by:.1}" width="{:.1}" height="{bar_h}" fill="{}"><title>{} · {v} ({l} libstd): {} instructions/op</title></rect>"#,
                    (x(r.instret_per_op) - left).max(0.5),
                    PALETTE[si % PALETTE.len()],
                    xml_escape(case),
                    fmt_per_op(r.instret_per_op)
                );
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests;
