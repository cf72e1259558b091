//! A real HTTP/1.1 file server on 127.0.0.1 with fault injection, for download tests.
//! Faults are queued per path and consumed one per request, so "500 then OK" is one fault;
//! a standing fault answers every request of its path. A request with a query string is served
//! from the file named `<path>?<query>` when there is one (pages of a listing), and every
//! request's headers are recorded.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the server does wrong for one request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this status and no body.
    Status(u16),
    /// Send the headers and this many body bytes, then close the connection.
    CutAfter(usize),
    /// Flip one byte in the middle of the body.
    Corrupt,
    /// Sleep this long between 16 KiB chunks.
    Slow(Duration),
    /// Send the headers, then nothing, until the client gives up.
    Stall,
    /// Redirect to this path.
    Redirect(String),
    /// Send the headers and this many body bytes, then reset the connection (TCP RST).
    ResetAfter(usize),
    /// Announce a `Content-Length` this many bytes off the real one (positive: longer than
    /// what is sent, then close; negative: shorter, and send the whole body anyway).
    LengthLie(i64),
    /// Send `bytes` of the body every `pause`: a trickle that never stalls a read.
    Trickle {
        /// Bytes per write.
        bytes: usize,
        /// Pause between writes.
        pause: Duration,
    },
    /// Read the request, then never answer, until the client gives up.
    NoResponse,
    /// Answer with this status, these headers and no body.
    StatusWith(u16, Vec<(String, String)>),
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The path, without the query.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// Every header, names lowercased, in order.
    pub headers: Vec<(String, String)>,
    /// When it arrived.
    pub at: Instant,
}

impl Seen {
    /// The value of header `name` (lowercase), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    faults: HashMap<String, VecDeque<Fault>>,
    standing: HashMap<String, Fault>,
    headers: HashMap<String, Vec<(String, String)>>,
    requests: Vec<Seen>,
}

/// The server; it stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    root: PathBuf,
    state: Arc<Mutex<State>>,
    ranges: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

impl TestServer {
    /// Serves the files under `root` on 127.0.0.1 at a free port; Range requests are honoured.
    pub fn start(root: impl Into<PathBuf>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let server = TestServer {
            addr: listener.local_addr().unwrap(),
            root: root.into(),
            state: Arc::default(),
            ranges: Arc::new(AtomicBool::new(true)),
            stop: Arc::default(),
        };
        let (root, state, ranges, stop) = (
            server.root.clone(),
            server.state.clone(),
            server.ranges.clone(),
            server.stop.clone(),
        );
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (root, state, ranges, stop) =
                            (root.clone(), state.clone(), ranges.clone(), stop.clone());
                        std::thread::spawn(move || {
                            let _ = handle(
                                stream,
                                &root,
                                &state,
                                ranges.load(Ordering::Relaxed),
                                &stop,
                            );
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        server
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues a fault for the next request of `path` (a URL path such as `/dist/x`).
    pub fn fault(&self, path: &str, fault: Fault) {
        self.state
            .lock()
            .unwrap()
            .faults
            .entry(path.to_string())
            .or_default()
            .push_back(fault);
    }

    /// Answers every request of `path` (after the queued faults) with `fault`.
    pub fn fault_always(&self, path: &str, fault: Fault) {
        self.state
            .lock()
            .unwrap()
            .standing
            .insert(path.to_string(), fault);
    }

    /// Adds `headers` to every successful answer for `target` (`/path` or `/path?query`).
    pub fn response_headers(&self, target: &str, headers: Vec<(String, String)>) {
        self.state
            .lock()
            .unwrap()
            .headers
            .insert(target.to_string(), headers);
    }

    /// Every request seen for paths ending in `suffix`, in order.
    pub fn seen_requests(&self, suffix: &str) -> Vec<Seen> {
        self.state
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|r| r.path.ends_with(suffix))
            .cloned()
            .collect()
    }

    /// Whether Range requests are honoured (default true).
    pub fn set_ranges(&self, on: bool) {
        self.ranges.store(on, Ordering::Relaxed);
    }

    /// The requests seen for paths ending in `suffix`, with their Range header.
    pub fn requests(&self, suffix: &str) -> Vec<Option<String>> {
        self.seen(suffix).into_iter().map(|(r, _)| r).collect()
    }

    /// When the requests for paths ending in `suffix` arrived, in order.
    pub fn request_times(&self, suffix: &str) -> Vec<Instant> {
        self.seen(suffix).into_iter().map(|(_, t)| t).collect()
    }

    fn seen(&self, suffix: &str) -> Vec<(Option<String>, Instant)> {
        self.seen_requests(suffix)
            .into_iter()
            .map(|r| (r.header("range").map(str::to_string), r.at))
            .collect()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn handle(
    stream: TcpStream,
    root: &std::path::Path,
    state: &Mutex<State>,
    ranges: bool,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    // Like a real server, answer what is not HTTP (a TLS ClientHello, say) at once with a 400
    // instead of waiting for a line that may never come.
    if !reader
        .fill_buf()?
        .first()
        .is_some_and(u8::is_ascii_uppercase)
    {
        let mut out = stream;
        return write!(
            out,
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
    }
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let request_target = line.split_whitespace().nth(1).unwrap_or("/");
    let (path, query) = match request_target.split_once('?') {
        Some((path, query)) => (path.to_string(), Some(query.to_string())),
        None => (request_target.to_string(), None),
    };
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let seen = Seen {
        path: path.clone(),
        query: query.clone(),
        headers,
        at: Instant::now(),
    };
    let range = seen.header("range").map(str::to_string);
    let with_query = match &query {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };
    let (fault, extra_headers) = {
        let mut s = state.lock().unwrap();
        s.requests.push(seen);
        let fault = s
            .faults
            .get_mut(&path)
            .and_then(VecDeque::pop_front)
            .or_else(|| s.standing.get(&path).cloned());
        let extra = s
            .headers
            .get(&with_query)
            .or_else(|| s.headers.get(&path))
            .cloned()
            .unwrap_or_default();
        (fault, extra)
    };
    let mut out = stream;
    let status_only = |out: &mut TcpStream, code: u16, extra: &str| {
        write!(
            out,
            "HTTP/1.1 {code} X\r\nContent-Length: 0\r\nConnection: close\r\n{extra}\r\n"
        )
    };
    match &fault {
        Some(Fault::Status(code)) => return status_only(&mut out, *code, ""),
        Some(Fault::StatusWith(code, headers)) => {
            let lines: String = headers
                .iter()
                .map(|(n, v)| format!("{n}: {v}\r\n"))
                .collect();
            return status_only(&mut out, *code, &lines);
        }
        Some(Fault::NoResponse) => return wait_for_close(&mut out, stop),
        Some(Fault::Redirect(to)) => {
            return status_only(&mut out, 302, &format!("Location: {to}\r\n"))
        }
        _ => {}
    }
    let file = root.join(with_query.trim_start_matches('/'));
    let file = if query.is_some() && file.is_file() {
        file
    } else {
        root.join(path.trim_start_matches('/'))
    };
    let Ok(mut body) = std::fs::read(&file) else {
        return status_only(&mut out, 404, "");
    };
    let total = body.len();
    let mut start = 0;
    let mut status = "200 OK".to_string();
    let mut extra: String = extra_headers
        .iter()
        .map(|(n, v)| format!("{n}: {v}\r\n"))
        .collect();
    if let (true, Some(r)) = (ranges, &range) {
        if let Some(from) = r
            .strip_prefix("bytes=")
            .and_then(|r| r.strip_suffix('-'))
            .and_then(|f| f.parse::<usize>().ok())
        {
            if from >= total {
                return status_only(&mut out, 416, "");
            }
            start = from;
            status = "206 Partial Content".into();
            extra += &format!("Content-Range: bytes {from}-{}/{total}\r\n", total - 1);
        }
    }
    if let Some(Fault::Corrupt) = fault {
        let mid = body.len() / 2;
        body[mid] ^= 0xff;
    }
    let body = &body[start..];
    let announced = match fault {
        Some(Fault::LengthLie(delta)) => (body.len() as i64 + delta).max(0),
        _ => body.len() as i64,
    };
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Length: {announced}\r\nConnection: close\r\n{extra}\r\n"
    )?;
    match fault {
        Some(Fault::ResetAfter(n)) => {
            out.write_all(&body[..n.min(body.len())])?;
            out.flush()?;
            // SO_LINGER 0: closing sends a RST instead of a FIN.
            socket2::SockRef::from(&out).set_linger(Some(Duration::ZERO))?;
            return Ok(());
        }
        Some(Fault::Trickle { bytes, pause }) => {
            for chunk in body.chunks(bytes) {
                if stop.load(Ordering::Relaxed) {
                    return Ok(());
                }
                out.write_all(chunk)?;
                out.flush()?;
                std::thread::sleep(pause);
            }
        }
        Some(Fault::CutAfter(n)) => {
            out.write_all(&body[..n.min(body.len())])?;
            out.flush()?;
            // Closing without the rest: the client sees a short body.
            return Ok(());
        }
        Some(Fault::Stall) => {
            out.flush()?;
            return wait_for_close(&mut out, stop);
        }
        Some(Fault::Slow(pause)) => {
            for chunk in body.chunks(16 * 1024) {
                out.write_all(chunk)?;
                out.flush()?;
                std::thread::sleep(pause);
            }
        }
        _ => out.write_all(body)?,
    }
    out.flush()
}

/// Holds the connection open, sending nothing, until the client closes it or the server stops.
fn wait_for_close(out: &mut TcpStream, stop: &AtomicBool) -> std::io::Result<()> {
    out.set_read_timeout(Some(Duration::from_millis(50)))?;
    while !stop.load(Ordering::Relaxed) {
        let mut probe = [0u8; 1];
        if let Ok(0) = out.read(&mut probe) {
            return Ok(());
        }
    }
    Ok(())
}
