//! The smoke compile: proves that the compiler accepts the library before it is installed.

use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::error::{Error, Result};
use crate::version::Rustc;

const PROGRAM: &str = "#![no_std]\nextern crate std;\npub fn f() -> std::string::String { std::format!(\"{}\", 1) }\n";

/// Compiles a library crate that uses `std` for `target` against `sysroot` (metadata only, so
/// no linker is needed). `compiler` and `source` only word the errors.
pub(crate) fn smoke_compile(
    rustc: &Rustc,
    compiler: &str,
    sysroot: &Path,
    target: &str,
    source: &str,
) -> Result<()> {
    // Per process and call: several checks of one shared sysroot may run at once.
    static CALLS: AtomicU32 = AtomicU32::new(0);
    let out_dir = sysroot.join(format!(
        ".smoke-{}-{}",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    let failed = |e: std::io::Error| Error::Rustc {
        command: format!("{} (smoke compile)", rustc.program().display()),
        detail: e.to_string(),
    };
    let mut child = rustc
        .command()
        .args([
            "--crate-type",
            "lib",
            "--crate-name",
            "xous_sysroot_smoke",
            "--edition",
            "2021",
            "--emit",
            "metadata",
        ])
        .arg("--target")
        .arg(target)
        .arg("--sysroot")
        .arg(sysroot)
        .arg("--out-dir")
        .arg(&out_dir)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(failed)?;
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(PROGRAM.as_bytes())
        .map_err(failed)?;
    let output = child.wait_with_output().map_err(failed)?;
    let _ = std::fs::remove_dir_all(&out_dir);
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if stderr.contains("incompatible version of rustc") {
        // "crate `std` compiled by rustc 1.95.0 (59807616e 2026-04-14): <path>"
        let library = stderr
            .split("compiled by rustc ")
            .nth(1)
            .and_then(|rest| rest.split(':').next())
            .unwrap_or("an unknown rustc")
            .trim()
            .to_string();
        return Err(Error::Incompatible {
            source_url: source.to_string(),
            library,
            compiler: compiler.to_string(),
        });
    }
    Err(Error::SmokeCompile { stderr })
}
