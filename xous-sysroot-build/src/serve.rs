//! A static file server for a dist root (HTTP/1.1, `GET` and `HEAD`, single byte ranges), for
//! local testing and small teams.
//!
//! rustup rewrites every `https://static.rust-lang.org` URL in a channel manifest to its
//! `RUSTUP_DIST_SERVER`, so with an overlay manifest the official components are asked for
//! here, at their official paths. A request for a path under `/dist/` or `/rustup/` that the
//! dist root does not hold is therefore answered with `302 Found` to the same path on the
//! upstream server (default [`UPSTREAM_DIST_SERVER`]); the manifest's SHA-256 still guards
//! what comes back. Everything else that is missing is a 404. Hidden files (a path segment
//! starting with `.`, e.g. staging directories) are never served, and no path can leave the
//! root (`..` is refused, symlinks are followed only while they stay inside it).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use xous_sysroot::producer::UPSTREAM_DIST_SERVER;

use crate::BuildError;

/// Requests served at once; more are answered `503`.
const MAX_CONNECTIONS: usize = 64;

/// Longest request head (request line and headers) accepted.
const MAX_HEAD: usize = 16 * 1024;

/// Most headers a request may have.
const MAX_HEADERS: usize = 64;

/// How long a client may take to send its request, and to take each write of the answer.
const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// The path prefixes that are official dist-server paths, redirected upstream when missing.
const OFFICIAL_PREFIXES: [&str; 2] = ["dist", "rustup"];

type RequestHook = Arc<dyn Fn(&ServedRequest) + Send + Sync>;

/// One answered request, as given to [`DistServer::on_request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedRequest {
    /// The client's address.
    pub peer: Option<SocketAddr>,
    /// `GET`, `HEAD`, ...
    pub method: String,
    /// The request target as sent (path and query).
    pub target: String,
    /// The status answered.
    pub status: u16,
    /// Body bytes sent.
    pub bytes: u64,
    /// The `Location` of a redirect.
    pub location: Option<String>,
}

/// A dist-root file server bound to an address; [`DistServer::run`] serves in this thread,
/// [`DistServer::spawn`] in a background one.
pub struct DistServer {
    listener: TcpListener,
    root: PathBuf,
    upstream: Option<String>,
    on_request: Option<RequestHook>,
}

impl std::fmt::Debug for DistServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DistServer")
            .field("addr", &self.listener.local_addr().ok())
            .field("root", &self.root)
            .field("upstream", &self.upstream)
            .finish_non_exhaustive()
    }
}

impl DistServer {
    /// Binds `addr` (e.g. `127.0.0.1:8080`; port 0 picks a free one) to serve the dist root
    /// `root`. Missing official paths redirect to [`UPSTREAM_DIST_SERVER`] unless changed with
    /// [`DistServer::upstream`].
    pub fn bind(root: impl Into<PathBuf>, addr: impl ToSocketAddrs) -> Result<Self, BuildError> {
        let root = root.into();
        let root =
            std::fs::canonicalize(&root).map_err(|e| BuildError::io("open dist root", &root, e))?;
        let addrs: Vec<SocketAddr> = addr
            .to_socket_addrs()
            .map_err(|source| BuildError::Bind {
                addr: "<unresolvable>".into(),
                error: source,
            })?
            .collect();
        let listener = TcpListener::bind(&addrs[..]).map_err(|source| BuildError::Bind {
            addr: addrs
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            error: source,
        })?;
        Ok(DistServer {
            listener,
            root,
            upstream: Some(UPSTREAM_DIST_SERVER.to_owned()),
            on_request: None,
        })
    }

    /// Where missing official paths (`/dist/…`, `/rustup/…`) redirect; `None` answers them 404.
    pub fn upstream(&mut self, upstream: Option<String>) -> &mut Self {
        self.upstream = upstream.map(|u| u.trim_end_matches('/').to_owned());
        self
    }

    /// Called after every answered request (e.g. to log it).
    pub fn on_request(
        &mut self,
        hook: impl Fn(&ServedRequest) + Send + Sync + 'static,
    ) -> &mut Self {
        self.on_request = Some(Arc::new(hook));
        self
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// `http://<bound address>`: the value for `RUSTUP_DIST_SERVER` or
    /// `XOUS_SYSROOT_DIST_SERVER`.
    pub fn url(&self) -> String {
        format!("http://{}", self.local_addr())
    }

    /// Serves until the process ends (or the listener fails).
    pub fn run(self) -> Result<(), BuildError> {
        let never = Arc::new(AtomicBool::new(false));
        self.serve(&never)
    }

    /// Serves in a background thread until the returned handle is dropped.
    pub fn spawn(self) -> ServerHandle {
        let addr = self.local_addr();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let _ = self.serve(&flag);
        });
        ServerHandle {
            addr,
            stop,
            thread: Some(thread),
        }
    }

    fn serve(self, stop: &AtomicBool) -> Result<(), BuildError> {
        let shared = Arc::new(Shared {
            root: self.root,
            upstream: self.upstream,
            on_request: self.on_request,
            active: AtomicUsize::new(0),
        });
        for stream in self.listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let shared = shared.clone();
            if shared.active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                shared.active.fetch_sub(1, Ordering::SeqCst);
                let _ = busy(stream);
                continue;
            }
            std::thread::spawn(move || {
                let _ = handle(stream, &shared);
                shared.active.fetch_sub(1, Ordering::SeqCst);
            });
        }
        Ok(())
    }
}

/// A server running in the background; dropping it stops accepting connections.
#[derive(Debug)]
pub struct ServerHandle {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<bound address>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the loop sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Shared {
    root: PathBuf,
    upstream: Option<String>,
    on_request: Option<RequestHook>,
    active: AtomicUsize,
}

/// What a request resolves to.
enum Answer {
    File(PathBuf),
    Redirect(String),
    Status(u16, &'static str),
}

fn busy(mut stream: TcpStream) -> io::Result<()> {
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    write_head(&mut stream, 503, "Service Unavailable", &[], 0)
}

fn handle(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let peer = stream.peer_addr().ok();
    let (method, target, answer, range) = match read_request(&mut &stream)? {
        None => (
            String::new(),
            String::new(),
            Answer::Status(400, "Bad Request"),
            None,
        ),
        Some(r) if r.method != "GET" && r.method != "HEAD" => (
            r.method,
            r.target,
            Answer::Status(405, "Method Not Allowed"),
            None,
        ),
        Some(r) => {
            let answer = resolve(shared, &r.target);
            (r.method, r.target, answer, r.range)
        }
    };
    let mut out = stream;
    let (status, bytes, location) = respond(&mut out, &method, answer, range.as_deref())?;
    out.flush()?;
    if let Some(hook) = &shared.on_request {
        hook(&ServedRequest {
            peer,
            method,
            target,
            status,
            bytes,
            location,
        });
    }
    Ok(())
}

/// The parts of a request head the server looks at.
struct Request {
    method: String,
    target: String,
    range: Option<String>,
}

/// Reads and parses a request head (at most [`MAX_HEAD`] bytes); `None` when it is malformed,
/// too long, or the client stopped sending before its end.
fn read_request(stream: &mut impl Read) -> io::Result<Option<Request>> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 2048];
    loop {
        let n = stream.read(&mut chunk)?;
        head.extend_from_slice(&chunk[..n]);
        // httparse skips blank lines before the request line; this server has always taken
        // the first line as the request line, so a blank one is a bad request.
        if head.starts_with(b"\r\n") || head.starts_with(b"\n") {
            return Ok(None);
        }
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&head) {
            Ok(httparse::Status::Complete(_)) => {
                let range = request
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("range"))
                    .and_then(|h| std::str::from_utf8(h.value).ok())
                    .map(|v| v.trim().to_owned());
                return Ok(Some(Request {
                    method: request.method.unwrap_or_default().to_owned(),
                    target: request.path.unwrap_or_default().to_owned(),
                    range,
                }));
            }
            Ok(httparse::Status::Partial) if n > 0 && head.len() < MAX_HEAD => {}
            _ => return Ok(None),
        }
    }
}

/// Maps a request target to a file under the root, a redirect upstream, or an error status.
fn resolve(shared: &Shared, target: &str) -> Answer {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let Some(path) = path.strip_prefix('/') else {
        return Answer::Status(400, "Bad Request");
    };
    let Some(decoded) = percent_decode(path) else {
        return Answer::Status(400, "Bad Request");
    };
    let segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    if segments
        .iter()
        .any(|s| *s == "." || *s == ".." || s.contains(['\\', '\0']))
    {
        return Answer::Status(400, "Bad Request");
    }
    if segments.iter().any(|s| s.starts_with('.')) {
        return Answer::Status(404, "Not Found");
    }
    let file = segments
        .iter()
        .fold(shared.root.clone(), |acc, s| acc.join(s));
    match std::fs::canonicalize(&file) {
        Ok(real) if real.starts_with(&shared.root) && real.is_file() => return Answer::File(real),
        Ok(_) => return Answer::Status(404, "Not Found"),
        Err(_) => {}
    }
    let official = segments
        .first()
        .is_some_and(|first| OFFICIAL_PREFIXES.contains(first));
    match &shared.upstream {
        Some(upstream) if official => Answer::Redirect(format!("{upstream}{target}")),
        _ => Answer::Status(404, "Not Found"),
    }
}

/// Writes the answer; returns the status, body bytes sent and redirect location.
fn respond(
    out: &mut TcpStream,
    method: &str,
    answer: Answer,
    range: Option<&str>,
) -> io::Result<(u16, u64, Option<String>)> {
    let head_only = method == "HEAD";
    match answer {
        Answer::Status(code, reason) => {
            let body = format!("{code} {reason}\n");
            let allow = [("Allow", "GET, HEAD".to_owned())];
            let extra: &[(&str, String)] = if code == 405 { &allow } else { &[] };
            write_head(out, code, reason, extra, body.len() as u64)?;
            if !head_only {
                out.write_all(body.as_bytes())?;
            }
            Ok((code, if head_only { 0 } else { body.len() as u64 }, None))
        }
        Answer::Redirect(location) => {
            write_head(out, 302, "Found", &[("Location", location.clone())], 0)?;
            Ok((302, 0, Some(location)))
        }
        Answer::File(path) => {
            let mut file = File::open(&path)?;
            let len = file.metadata()?.len();
            let content_type = ("Content-Type", content_type(&path).to_owned());
            let ranges = ("Accept-Ranges", "bytes".to_owned());
            let (code, reason, start, count, extra) = match range.map(|r| parse_range(r, len)) {
                Some(Some(Ok((start, end)))) => (
                    206,
                    "Partial Content",
                    start,
                    end + 1 - start,
                    Some(("Content-Range", format!("bytes {start}-{end}/{len}"))),
                ),
                Some(Some(Err(()))) => {
                    let unsatisfiable = [("Content-Range", format!("bytes */{len}"))];
                    write_head(out, 416, "Range Not Satisfiable", &unsatisfiable, 0)?;
                    return Ok((416, 0, None));
                }
                // No Range header, or one we do not support (several ranges): the whole file.
                _ => (200, "OK", 0, len, None),
            };
            let mut headers = vec![content_type, ranges];
            headers.extend(extra);
            write_head(out, code, reason, &headers, count)?;
            let mut sent = 0;
            if !head_only {
                file.seek(SeekFrom::Start(start))?;
                sent = io::copy(&mut file.take(count), out)?;
            }
            Ok((code, sent, None))
        }
    }
}

fn write_head(
    out: &mut impl Write,
    code: u16,
    reason: &str,
    headers: &[(&str, String)],
    length: u64,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {code} {reason}\r\nContent-Length: {length}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    out.write_all(head.as_bytes())
}

/// A single `bytes=` range against a body of `len` bytes: `None` when there is nothing we
/// honour (not `bytes=`, several ranges, malformed), `Some(Err)` when unsatisfiable, else the
/// inclusive `(first, last)`.
fn parse_range(header: &str, len: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let (first, last) = (first.trim(), last.trim());
    let range = if first.is_empty() {
        let suffix: u64 = last.parse().ok()?;
        if suffix == 0 || len == 0 {
            return Some(Err(()));
        }
        (len.saturating_sub(suffix), len - 1)
    } else {
        let first: u64 = first.parse().ok()?;
        let last = if last.is_empty() {
            len.saturating_sub(1)
        } else {
            let last: u64 = last.parse().ok()?;
            if last < first {
                return None;
            }
            last.min(len.saturating_sub(1))
        };
        if first >= len {
            return Some(Err(()));
        }
        (first, last)
    };
    Some(Ok(range))
}

fn content_type(path: &Path) -> &'static str {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.ends_with(".toml") || name.ends_with(".sha256") {
        "text/plain; charset=utf-8"
    } else if name.ends_with(".tar.xz") {
        "application/x-xz"
    } else if name.ends_with(".tar.gz") {
        "application/gzip"
    } else if name.ends_with(".zip") {
        "application/zip"
    } else {
        "application/octet-stream"
    }
}

/// Decodes `%XX` escapes; `None` for a malformed escape (which `percent_encoding` would pass
/// through as it is) or a result that is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let malformed = s.match_indices('%').any(|(i, _)| {
        !s.get(i + 1..i + 3)
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
    });
    if malformed {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(s).decode_utf8().ok()?;
    Some(decoded.into_owned())
}

#[cfg(test)]
mod tests;
