//! The campaign's network trials: forced installs over a good one from servers that fail in
//! every way seen in the field (resets, length lies, trickles, stalls, 5xx, TLS to a plain
//! port, redirect loops); each run must end as expected and leave a verifying install.

use super::*;

/// Forced installs over a good one from a server that `fault`s: each run must end as `check`
/// says within `limit`, and the install in place must verify afterwards whatever happened.
fn network_trial(
    name: &str,
    runs: u32,
    seed: u64,
    limit: Duration,
    configure: impl Fn(&Bench, &mut Installer, &mut Rng),
    check: impl Fn(&Bench, &xous_sysroot::Result<xous_sysroot::Sysroot>) -> Result<(), String>,
) -> Row {
    let mut row = Row::new(name);
    let b = Bench::new(600_000);
    b.installer().install().unwrap();
    let mut rng = Rng(seed);
    for run in 0..runs {
        row.runs += 1;
        let _ = std::fs::remove_dir_all(b.cache().join("downloads"));
        let mut i = b.server_only();
        configure(&b, &mut i, &mut rng);
        let start = Instant::now();
        let result = i.install();
        let took = start.elapsed();
        if took > limit {
            row.fail(format!("run {run}: took {took:?}, limit {limit:?}"));
        } else if let Err(why) = check(&b, &result) {
            row.fail(format!("run {run}: {why}"));
        }
        if b.installer().verify().is_err() {
            row.broken += 1;
            row.fail(format!("run {run}: the install in place is damaged"));
        }
    }
    if row.failures == 0 {
        row.note = format!("each within {limit:?}");
    }
    b.finish(&mut row);
    row
}

/// The run must have installed.
fn installed(_: &Bench, r: &xous_sysroot::Result<xous_sysroot::Sysroot>) -> Result<(), String> {
    r.as_ref().map(|_| ()).map_err(|e| e.to_string())
}

/// The run must have failed with a network error (or, for a host never reached, an
/// unreachable one) whose text contains `needle`.
fn network_error(
    needle: &'static str,
) -> impl Fn(&Bench, &xous_sysroot::Result<xous_sysroot::Sysroot>) -> Result<(), String> {
    move |_, r| match r {
        Err(
            e
            @ (Error::Network { .. } | Error::Unreachable { .. } | Error::TooManyRedirects { .. }),
        ) if e.to_string().contains(needle) => Ok(()),
        Err(e) => Err(format!("want a network error saying '{needle}', got: {e}")),
        Ok(_) => Err("installed through the fault".into()),
    }
}

/// Every network fault of the test server, `runs` times each, at random points of the body.
pub fn network_faults(runs: u32, seed: u64) -> Vec<Row> {
    let secs = Duration::from_secs;
    vec![
        network_trial(
            "reset mid-body, retried",
            runs,
            seed,
            secs(10),
            |b, i, rng| {
                b.server
                    .fault(&b.xz, Fault::ResetAfter(rng.below(b.xz_len) as usize));
                i.retries(2);
            },
            installed,
        ),
        network_trial(
            "cut mid-body, resumed with Range",
            runs,
            seed,
            secs(10),
            |b, i, rng| {
                b.server
                    .fault(&b.xz, Fault::CutAfter(1 + rng.below(b.xz_len - 1) as usize));
                i.retries(1);
            },
            |b, r| {
                installed(b, r)?;
                let ranges = b.server.requests(".tar.xz");
                match ranges.last() {
                    Some(Some(_)) => Ok(()),
                    other => Err(format!("the retry sent no Range: {other:?}")),
                }
            },
        ),
        network_trial(
            "5xx x3, retried with backoff",
            runs,
            seed,
            secs(10),
            |b, i, rng| {
                for _ in 0..3 {
                    b.server.fault(
                        &b.xz,
                        Fault::Status([500, 502, 503, 504][rng.below(4) as usize]),
                    );
                }
                i.retries(3);
            },
            installed,
        ),
        network_trial(
            "redirect loop",
            runs,
            seed,
            secs(10),
            |b, _, _| {
                for _ in 0..20 {
                    b.server.fault(&b.xz, Fault::Redirect(b.xz.clone()));
                }
            },
            network_error("redirect"),
        ),
        network_trial(
            "Content-Length too long",
            runs,
            seed,
            secs(10),
            |b, i, rng| {
                b.server
                    .fault(&b.xz, Fault::LengthLie(1 + rng.below(100_000) as i64));
                i.retries(1);
            },
            installed,
        ),
        network_trial(
            "Content-Length too short",
            runs,
            seed,
            secs(10),
            |b, i, rng| {
                b.server
                    .fault(&b.xz, Fault::LengthLie(-(1 + rng.below(100_000) as i64)));
                i.retries(1);
            },
            installed,
        ),
        network_trial(
            "trickle below the low-speed limit",
            runs,
            seed,
            secs(5),
            |b, i, _| {
                b.server.fault(
                    &b.xz,
                    Fault::Trickle {
                        bytes: 100,
                        pause: Duration::from_millis(50),
                    },
                );
                i.timeout(Duration::from_millis(700))
                    .low_speed_limit(64 * 1024);
            },
            network_error("too slow"),
        ),
        network_trial(
            "server stalls forever (1 s timeout)",
            runs,
            seed,
            secs(8),
            |b, i, rng| {
                let fault = if rng.below(2) == 0 {
                    Fault::Stall
                } else {
                    Fault::NoResponse
                };
                b.server.fault(&b.xz, fault.clone());
                b.server.fault(&b.xz, fault);
                i.timeout(Duration::from_secs(1)).retries(1);
            },
            network_error("timeout"),
        ),
        network_trial(
            "https to a plain http port",
            runs,
            seed,
            secs(5),
            |b, i, _| {
                let url = b.server.url().replace("http://", "https://");
                i.sources(vec![Source::DistServer(url)]);
            },
            network_error("TLS failed"),
        ),
    ]
}
