//! The `xous-sysroot-build` command line: `build` and `dist` on the shared build (answered
//! from the stamp, packaged again to the same bytes), `package` of nothing, `overlay`, and
//! `serve` on a free port.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use anyhow::{ensure, Context, Result};
use xous_sysroot::producer::Manifest;
use xous_sysroot_build::DEFAULT_TARGET;

use crate::support::{cargo, copy_dist_root, local_dist, rustc, scratch, stand_in_upstream};

fn cli() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xous-sysroot-build"));
    cmd.env_remove("XOUS_SYSROOT_BUILD_RUSTC")
        .env_remove("XOUS_SYSROOT_BUILD_CARGO");
    cmd
}

fn run(mut cmd: Command) -> Result<(String, String)> {
    let out = cmd.output()?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    ensure!(out.status.success(), "{cmd:?} failed:\n{stdout}{stderr}");
    Ok((stdout, stderr))
}

#[test]
fn build_and_dist_reuse_the_build_and_package_the_same_bytes() -> Result<()> {
    let dist = local_dist();
    let dir = scratch("cli-dist");
    let toolchain = |cmd: &mut Command| {
        cmd.arg("--rustc")
            .arg(rustc())
            .arg("--cargo")
            .arg(cargo())
            .arg("--out")
            .arg(&dist.sysroot);
    };

    let mut build = cli();
    build.arg("build");
    toolchain(&mut build);
    let (stdout, stderr) = run(build)?;
    ensure!(
        stdout.trim() == dist.sysroot.display().to_string(),
        "{stdout}"
    );
    ensure!(stderr.contains("up to date"), "{stderr}");
    ensure!(stderr.contains("compiler-builtins-c: "), "{stderr}");

    let mut cmd = cli();
    cmd.arg("dist");
    toolchain(&mut cmd);
    cmd.arg("--dist-root")
        .arg(dir.join("dist"))
        .args(["--no-gz", "--legacy-zip"]);
    let (stdout, _) = run(cmd)?;
    let zip = dist
        .packaged
        .zip
        .as_ref()
        .context("shared dist has the zip")?;
    for (path, sha) in [&dist.packaged.xz, zip] {
        let name = path.file_name().unwrap().to_string_lossy();
        let line = stdout
            .lines()
            .find(|l| l.ends_with(&*name))
            .with_context(|| format!("no {name} in {stdout}"))?;
        ensure!(line.starts_with(sha.as_str()), "{line} vs {sha}");
    }
    ensure!(
        !stdout.contains(".tar.gz"),
        "--no-gz wrote a .tar.gz: {stdout}"
    );
    let manifest = Manifest::parse(
        &std::fs::read_to_string(
            dir.join("dist/dist")
                .join(Manifest::file_name(&dist.rustc.release)),
        )?,
        "cli",
    )?;
    let (_, build) = manifest
        .rust_std(DEFAULT_TARGET)
        .context("rust-std listed")?;
    ensure!(build.xz_hash.as_deref() == Some(dist.packaged.xz.1.as_str()) && build.url.is_none());

    // Packaging something that was never built says what to run.
    let mut package = cli();
    package
        .args(["package", "--sysroot"])
        .arg(dir.join("nothing"))
        .arg("--dist-root")
        .arg(dir.join("dist2"));
    let out = package.output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(
        !out.status.success() && stderr.contains("xous-sysroot-build build"),
        "{stderr}"
    );
    Ok(())
}

#[test]
fn overlay_and_serve_from_the_command_line() -> Result<()> {
    let dist = local_dist();
    let dir = scratch("cli-overlay");
    let upstream = stand_in_upstream(&dir)?;
    let ours = dir.join("ours");
    copy_dist_root(&dist.dist_root, &ours)?;
    let mut overlay = cli();
    overlay
        .args(["overlay", "--dist-root"])
        .arg(&ours)
        .arg("--upstream")
        .arg(upstream.manifest_path(&dist.rustc.release));
    let (stdout, stderr) = run(overlay)?;
    ensure!(stderr.contains("1 host(s)"), "{stderr}");
    let manifest = Manifest::parse(&std::fs::read_to_string(stdout.trim())?, "overlay")?;
    ensure!(manifest.pkg.contains_key("rustc") && manifest.rust_std(DEFAULT_TARGET).is_some());

    let mut serve = cli();
    serve
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--upstream",
            "https://up.example",
            "--dist-root",
        ])
        .arg(&ours)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = serve.spawn()?;
    let result = (|| -> Result<()> {
        let mut url = String::new();
        BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut url)?;
        let addr = url
            .trim()
            .strip_prefix("http://")
            .context("a URL on stdout")?;
        let path = format!("/dist/{}", Manifest::file_name(&dist.rustc.release));
        let body = get(addr, &path)?;
        ensure!(body.starts_with("HTTP/1.1 200"), "{body}");
        ensure!(body.ends_with(&std::fs::read_to_string(ours.join(&path[1..]))?));
        let missing = get(
            addr,
            "/dist/2026-05-25/cargo-1.96.0-x86_64-unknown-linux-gnu.tar.xz",
        )?;
        ensure!(missing.starts_with("HTTP/1.1 302"), "{missing}");
        ensure!(missing.contains(
            "Location: https://up.example/dist/2026-05-25/cargo-1.96.0-x86_64-unknown-linux-gnu.tar.xz"
        ));
        Ok(())
    })();
    child.kill()?;
    let _ = child.wait();
    let mut log = String::new();
    child.stderr.take().unwrap().read_to_string(&mut log)?;
    result?;
    ensure!(
        log.contains(" 302 -> https://up.example/"),
        "request log: {log}"
    );
    ensure!(log.contains("redirect to https://up.example"), "{log}");
    Ok(())
}

fn get(addr: &str, path: &str) -> Result<String> {
    let mut stream = TcpStream::connect(addr)?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n")?;
    let mut out = String::new();
    stream.read_to_string(&mut out)?;
    Ok(out)
}
