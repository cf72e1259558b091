//! The dist-root server over real sockets: files with lengths and ranges, HEAD, redirects of
//! missing official paths, 404s for the rest and for hidden files, refusals of traversal and
//! of other methods; and the installer following a redirect to a mirror.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;

use anyhow::{ensure, Result};
use xous_sysroot::{InstallStatus, Installer, Mode, Source};

use crate::support::{local_dist, scratch, serve, statuses, tree};

/// Status, headers (lowercase names) and body of a response.
type Response = (u16, Vec<(String, String)>, Vec<u8>);

/// Sends one raw request and returns the response.
fn request(url: &str, head: &str) -> Result<Response> {
    let addr = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr)?;
    stream.write_all(head.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok((status, headers, raw[split + 4..].to_vec()))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn serves_files_ranges_redirects_and_refusals() -> Result<()> {
    let dir = scratch("serve");
    let root = dir.join("root");
    fs::create_dir_all(root.join("dist/2026-05-25"))?;
    fs::create_dir_all(root.join("dist/.staging"))?;
    fs::write(root.join("dist/2026-05-25/a.tar.xz"), b"0123456789")?;
    fs::write(root.join("dist/.staging/x"), b"hidden")?;
    fs::write(dir.join("outside"), b"secret")?;
    let (server, log) = serve(&root, Some("https://upstream.example".into()));
    let url = server.url();
    let get = |path: &str, extra: &str| {
        request(
            &url,
            &format!("GET {path} HTTP/1.1\r\nHost: x\r\n{extra}\r\n"),
        )
    };

    let (status, headers, body) = get("/dist/2026-05-25/a.tar.xz", "")?;
    ensure!(status == 200 && body == b"0123456789");
    ensure!(header(&headers, "content-length") == Some("10"));
    ensure!(header(&headers, "content-type") == Some("application/x-xz"));
    ensure!(header(&headers, "accept-ranges") == Some("bytes"));

    let (status, headers, body) = get("/dist/2026-05-25/a.tar.xz", "Range: bytes=4-\r\n")?;
    ensure!(status == 206 && body == b"456789");
    ensure!(header(&headers, "content-range") == Some("bytes 4-9/10"));
    let (status, _, body) = get("/dist/2026-05-25/a.tar.xz", "Range: bytes=-3\r\n")?;
    ensure!(status == 206 && body == b"789");
    let (status, headers, _) = get("/dist/2026-05-25/a.tar.xz", "Range: bytes=10-\r\n")?;
    ensure!(status == 416 && header(&headers, "content-range") == Some("bytes */10"));

    let (status, headers, body) = request(
        &url,
        "HEAD /dist/2026-05-25/a.tar.xz HTTP/1.1\r\nHost: x\r\n\r\n",
    )?;
    ensure!(status == 200 && body.is_empty() && header(&headers, "content-length") == Some("10"));

    // Missing official paths go upstream, query and all; everything else missing is a 404.
    let (status, headers, _) = get("/dist/channel-rust-1.96.0.toml.sha256?x=1", "")?;
    ensure!(status == 302);
    ensure!(
        header(&headers, "location")
            == Some("https://upstream.example/dist/channel-rust-1.96.0.toml.sha256?x=1")
    );
    ensure!(get("/rustup/dist/x/rustup-init", "")?.0 == 302);
    ensure!(get("/index.html", "")?.0 == 404);
    ensure!(
        get("/dist/.staging/x", "")?.0 == 404,
        "hidden files are not served"
    );
    ensure!(
        get("/dist/2026-05-25", "")?.0 == 404,
        "directories are not listed"
    );
    ensure!(get("/dist/../outside", "")?.0 == 400);
    ensure!(get("/dist/%2e%2e/%2e%2e/outside", "")?.0 == 400);
    let (status, headers, _) = request(&url, "POST /dist/x HTTP/1.1\r\nHost: x\r\n\r\n")?;
    ensure!(status == 405 && header(&headers, "allow") == Some("GET, HEAD"));
    ensure!(request(&url, "\r\n\r\n")?.0 == 400);
    ensure!(statuses(&log, "a.tar.xz").len() == 5);
    Ok(())
}

/// A dist server that only redirects (a mirror front end): the installer follows it.
#[test]
fn installer_follows_a_redirect_to_the_real_dist_root() -> Result<()> {
    let dist = local_dist();
    let dir = scratch("serve-redirect");
    let (real, real_log) = serve(&dist.dist_root, None);
    let empty = dir.join("empty");
    fs::create_dir_all(&empty)?;
    let (front, front_log) = serve(&empty, Some(real.url()));
    let mut i = Installer::new();
    i.version(dist.rustc.clone())
        .rustc(xous_sysroot::Rustc::new(crate::support::rustc()))
        .mode(Mode::Private)
        .cache_dir(dir.join("cache"))
        .sources(vec![Source::DistServer(front.url())]);
    let s = i.install()?;
    ensure!(s.status == InstallStatus::Installed);
    ensure!(tree(&s.target_dir().join("lib")) == tree(&dist.build.target_libdir));
    ensure!(statuses(&front_log, ".tar.xz") == [302]);
    ensure!(statuses(&real_log, ".tar.xz") == [200]);
    Ok(())
}
