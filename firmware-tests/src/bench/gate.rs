//! The release gate: a run held to a committed baseline, case by case and variant by
//! variant. Counts are compared only when they are comparable: the same emulator, the same
//! libstd profile and the same run length; anything else is refused ([`Incomparable`]).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::report::fmt_per_op;
use super::{Record, Report};

/// Why a run cannot be held to a baseline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Incomparable {
    /// The counts come from different emulators.
    #[error("cannot compare {} counts with a baseline of {} counts: the emulators count instructions differently\nhelp: run under the baseline's emulator (XOUS_RUN_BACKEND={baseline}), or hold {} runs to a baseline of their own (--baseline <file>, recorded with --update-baseline)", emulator_name(current), emulator_name(baseline), emulator_name(current))]
    Emulator {
        /// The baseline's emulator.
        baseline: String,
        /// This run's.
        current: String,
    },
    /// The libstds were built with different profiles, or different revisions of one profile
    /// (`official (revision 1)` had debug assertions on).
    #[error("cannot compare a libstd of the profile `{current}` with a baseline of the profile `{baseline}`: they are different builds\nhelp: gate a libstd of the baseline's profile, or record a baseline for `{current}` with --baseline <file> --update-baseline (to replace a committed baseline of another build, delete it first)")]
    Profile {
        /// The baseline libstd's profile and revision (`official (revision 1)`).
        baseline: String,
        /// This run's.
        current: String,
    },
    /// One ran with `--quick`, the other did not.
    #[error("the baseline and this run differ in --quick; they cannot be compared")]
    Quick,
}

fn emulator_name(name: &str) -> &str {
    match name {
        "qemu" => "QEMU",
        "renode" => "Renode",
        other => other,
    }
}

/// Checks that the `libstd` records of `current` may be held to `baseline`.
pub fn comparable(baseline: &Report, current: &Report, libstd: &str) -> Result<(), Incomparable> {
    if baseline.emulator != current.emulator {
        return Err(Incomparable::Emulator {
            baseline: baseline.emulator.clone(),
            current: current.emulator.clone(),
        });
    }
    if let (Some(b), Some(c)) = (baseline.libstds.first(), current.libstd(libstd)) {
        if (&b.profile, b.profile_revision) != (&c.profile, c.profile_revision) {
            return Err(Incomparable::Profile {
                baseline: b.profile_identity(),
                current: c.profile_identity(),
            });
        }
    }
    if baseline.quick != current.quick {
        return Err(Incomparable::Quick);
    }
    Ok(())
}

/// How a case changed against the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// More than the threshold worse: fails the gate.
    Regressed,
    /// More than the threshold better.
    Improved,
    /// Within the threshold.
    Unchanged,
    /// In the run but not in the baseline.
    New,
    /// In the baseline but not in the run: fails the gate.
    Missing,
}

/// One case and variant against the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Case name.
    pub case: String,
    /// Variant.
    pub variant: String,
    /// Baseline instructions per operation.
    pub baseline: Option<f64>,
    /// This run's.
    pub current: Option<f64>,
    /// Change in percent of the baseline.
    pub change_pct: Option<f64>,
    /// Baseline peak heap bytes.
    pub baseline_peak_heap: Option<u64>,
    /// This run's.
    pub current_peak_heap: Option<u64>,
    /// The verdict.
    pub verdict: Verdict,
}

/// A run against a baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Threshold in percent.
    pub threshold_pct: f64,
    /// The baseline's rustc.
    pub baseline_rustc: String,
    /// The run's rustc.
    pub current_rustc: String,
    /// Every case and variant in either.
    pub rows: Vec<Row>,
}

impl Comparison {
    /// Rows with this verdict.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.rows.iter().filter(|r| r.verdict == verdict).count()
    }

    /// No regression and nothing missing.
    pub fn passed(&self) -> bool {
        self.count(Verdict::Regressed) == 0 && self.count(Verdict::Missing) == 0
    }

    /// One line: the counts and the verdict.
    pub fn summary(&self) -> String {
        format!(
            "{}: {} regressed, {} improved, {} unchanged (threshold {}%), {} new, {} missing",
            if self.passed() { "PASS" } else { "FAIL" },
            self.count(Verdict::Regressed),
            self.count(Verdict::Improved),
            self.count(Verdict::Unchanged),
            self.threshold_pct,
            self.count(Verdict::New),
            self.count(Verdict::Missing)
        )
    }

    /// The diff table in Markdown: every row whose count or peak heap changed at all,
    /// regressions first.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(
            md,
            "Baseline: rustc {} · this run: rustc {}\n\n**{}**\n",
            self.baseline_rustc,
            self.current_rustc,
            self.summary()
        );
        let mut rows: Vec<&Row> = self
            .rows
            .iter()
            .filter(|r| {
                r.verdict != Verdict::Unchanged
                    || r.change_pct != Some(0.0)
                    || r.baseline_peak_heap != r.current_peak_heap
            })
            .collect();
        if rows.is_empty() {
            md.push_str("Every case retired exactly the baseline's instructions.\n");
            return md;
        }
        let rank = |v: Verdict| match v {
            Verdict::Regressed => 0,
            Verdict::Missing => 1,
            Verdict::Improved => 2,
            Verdict::New => 3,
            Verdict::Unchanged => 4,
        };
        rows.sort_by(|a, b| {
            rank(a.verdict).cmp(&rank(b.verdict)).then(
                b.change_pct
                    .unwrap_or(0.0)
                    .abs()
                    .total_cmp(&a.change_pct.unwrap_or(0.0).abs()),
            )
        });
        md.push_str("| case | variant | baseline/op | current/op | change | peak heap (baseline → current) | verdict |\n|---|---|---:|---:|---:|---:|---|\n");
        for r in rows {
            let heap = match (r.baseline_peak_heap, r.current_peak_heap) {
                (Some(a), Some(b)) if a == b => "=".to_string(),
                (Some(a), Some(b)) => format!("{a} → {b}"),
                _ => "–".to_string(),
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} |",
                r.case,
                r.variant,
                r.baseline.map_or("–".into(), fmt_per_op),
                r.current.map_or("–".into(), fmt_per_op),
                r.change_pct.map_or("–".into(), |c| format!("{c:+.2}%")),
                heap,
                match r.verdict {
                    Verdict::Regressed => "**regressed**",
                    Verdict::Improved => "improved",
                    Verdict::Unchanged => "within threshold",
                    Verdict::New => "new",
                    Verdict::Missing => "**missing**",
                }
            );
        }
        md
    }
}

/// Compares the `libstd` records of `current` with every record of `baseline` (a baseline
/// holds one libstd), case by case and variant by variant, after checking that they are
/// [`comparable`].
pub fn compare(
    baseline: &Report,
    current: &Report,
    libstd: &str,
    threshold_pct: f64,
) -> Result<Comparison, Incomparable> {
    comparable(baseline, current, libstd)?;
    let base_label = baseline.primary_libstd().unwrap_or_default().to_string();
    let key = |r: &Record| (r.case.clone(), r.variant.clone());
    let base: BTreeMap<_, &Record> = baseline
        .records
        .iter()
        .filter(|r| r.libstd == base_label)
        .map(|r| (key(r), r))
        .collect();
    let cur: BTreeMap<_, &Record> = current
        .records
        .iter()
        .filter(|r| r.libstd == libstd)
        .map(|r| (key(r), r))
        .collect();
    // Run order: the baseline's, then what is new.
    let mut order: Vec<(String, String)> = Vec::new();
    let mut seen = BTreeSet::new();
    for r in baseline.records.iter().chain(current.records.iter()) {
        let k = key(r);
        if (base.contains_key(&k) || cur.contains_key(&k)) && seen.insert(k.clone()) {
            order.push(k);
        }
    }
    let rows = order
        .into_iter()
        .map(|k| {
            let (b, c) = (base.get(&k), cur.get(&k));
            let change_pct = match (b, c) {
                (Some(b), Some(c)) if b.instret_per_op > 0.0 => {
                    // Rounded to 1e-6 %, so that a change of exactly the threshold is not
                    // pushed over it by floating-point error.
                    let pct = (c.instret_per_op / b.instret_per_op - 1.0) * 100.0;
                    Some((pct * 1e6).round() / 1e6)
                }
                (Some(b), Some(c)) if b.instret_per_op == c.instret_per_op => Some(0.0),
                _ => None,
            };
            let verdict = match (b, c, change_pct) {
                (None, _, _) => Verdict::New,
                (_, None, _) => Verdict::Missing,
                (_, _, Some(p)) if p > threshold_pct => Verdict::Regressed,
                (_, _, Some(p)) if p < -threshold_pct => Verdict::Improved,
                (_, _, Some(_)) => Verdict::Unchanged,
                // A zero baseline that is no longer zero.
                (_, _, None) => Verdict::Regressed,
            };
            Row {
                case: k.0,
                variant: k.1,
                baseline: b.map(|r| r.instret_per_op),
                current: c.map(|r| r.instret_per_op),
                change_pct,
                baseline_peak_heap: b.map(|r| r.peak_heap),
                current_peak_heap: c.map(|r| r.peak_heap),
                verdict,
            }
        })
        .collect();
    Ok(Comparison {
        threshold_pct,
        baseline_rustc: baseline.rustc.clone(),
        current_rustc: current.rustc.clone(),
        rows,
    })
}

/// The committed baseline for a rustc release: `firmware-tests/baselines/<release>.json`.
pub fn baseline_path(release: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("baselines")
        .join(format!("{release}.json"))
}

#[cfg(test)]
mod tests;
