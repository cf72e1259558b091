//! The bench firmware's output: one `variant` line, one `case=` line per case and a closing
//! `done cases=N`, turned into [`Record`]s; and where two runs' outputs first differ.

use std::collections::HashMap;

use super::{BenchError, Record, VariantInfo};

/// Parses one run's stdout: the `variant` record and one [`Record`] per `case=` line.
pub fn parse_output(stdout: &str, libstd: &str) -> Result<(VariantInfo, Vec<Record>), BenchError> {
    let mut info = None;
    let mut records = Vec::new();
    let mut done = None;
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        let fields: HashMap<&str, &str> = line
            .split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .collect();
        let bad = |reason: &str| BenchError::Parse {
            line: line.to_string(),
            reason: reason.to_string(),
        };
        let text = |k: &str| -> Result<String, BenchError> {
            fields
                .get(k)
                .map(|v| v.to_string())
                .ok_or_else(|| bad(&format!("no `{k}=`")))
        };
        let num = |k: &str| -> Result<u64, BenchError> {
            fields
                .get(k)
                .ok_or_else(|| bad(&format!("no `{k}=`")))?
                .parse()
                .map_err(|_| bad(&format!("`{k}` is not a number")))
        };
        if line.starts_with("variant ") {
            info = Some(VariantInfo {
                name: text("name")?,
                allocator: text("allocator")?,
                lock: text("lock")?,
                realloc: text("realloc")?,
                memory: text("memory")?,
                arena: num("arena")?,
            });
        } else if line.starts_with("case=") {
            let variant = info
                .as_ref()
                .ok_or_else(|| bad("a case before the variant record"))?
                .name
                .clone();
            let ops = num("ops")?;
            let loop_instret = num("loop")?;
            let empty_instret = num("empty")?;
            let instret = loop_instret.saturating_sub(empty_instret);
            records.push(Record {
                case: text("case")?,
                group: text("group")?,
                variant,
                libstd: libstd.to_string(),
                ops,
                loop_instret,
                empty_instret,
                instret,
                instret_per_op: instret as f64 / ops.max(1) as f64,
                peak_heap: num("peak_heap")?,
                span: num("span")?,
                allocs: num("allocs")?,
                frees: num("frees")?,
                reallocs: num("reallocs")?,
            });
        } else if line.starts_with("done ") {
            done = Some(num("cases")?);
        }
    }
    let info = info.ok_or_else(|| BenchError::Parse {
        line: String::new(),
        reason: "no `variant` record".into(),
    })?;
    if done != Some(records.len() as u64) {
        return Err(BenchError::Parse {
            line: String::new(),
            reason: format!(
                "the run ended without `done cases={}` (truncated output?)",
                records.len()
            ),
        });
    }
    Ok((info, records))
}

/// The first line where two outputs differ (1-based number, and both lines).
pub(crate) fn first_difference(a: &str, b: &str) -> Option<(usize, String, String)> {
    let (mut la, mut lb) = (a.lines(), b.lines());
    for n in 1.. {
        match (la.next(), lb.next()) {
            (None, None) => return None,
            (x, y) if x == y => continue,
            (x, y) => {
                return Some((
                    n,
                    x.unwrap_or("<end>").to_string(),
                    y.unwrap_or("<end>").to_string(),
                ))
            }
        }
    }
    None
}

#[cfg(test)]
mod tests;
