use super::*;

#[test]
fn ranges() {
    assert_eq!(parse_range("bytes=0-", 10), Some(Ok((0, 9))));
    assert_eq!(parse_range("bytes=3-5", 10), Some(Ok((3, 5))));
    assert_eq!(parse_range("bytes=3-50", 10), Some(Ok((3, 9))));
    assert_eq!(parse_range("bytes=-4", 10), Some(Ok((6, 9))));
    assert_eq!(parse_range("bytes=-40", 10), Some(Ok((0, 9))));
    assert_eq!(parse_range("bytes=10-", 10), Some(Err(())));
    assert_eq!(parse_range("bytes=0-1,3-4", 10), None);
    assert_eq!(parse_range("bytes=5-3", 10), None);
    assert_eq!(parse_range("items=0-1", 10), None);
}

#[test]
fn percent_decoding() {
    assert_eq!(percent_decode("a%2Fb%20c").as_deref(), Some("a/b c"));
    assert_eq!(percent_decode("%2e%2e").as_deref(), Some(".."));
    assert_eq!(percent_decode("%zz"), None);
    assert_eq!(percent_decode("%4"), None);
}

/// A client that sends its bytes one at a time.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some((first, rest)) = self.0.split_first() else {
            return Ok(0);
        };
        buf[0] = *first;
        self.0 = rest;
        Ok(1)
    }
}

#[test]
fn request_heads() {
    let parse = |head: &str| read_request(&mut Trickle(head.as_bytes())).unwrap();
    let r = parse("GET /dist/a%20b?x HTTP/1.1\r\nHost: x\r\nRange:  bytes=5-\r\n\r\n").unwrap();
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("GET", "/dist/a%20b?x")
    );
    assert_eq!(r.range.as_deref(), Some("bytes=5-"));
    let r = parse("HEAD / HTTP/1.1\nhost: x\n\n").unwrap();
    assert_eq!((r.method.as_str(), r.range), ("HEAD", None));
    assert!(
        parse("GET /x HTTP/1.1\r\nHost: x\r\n").is_none(),
        "cut short"
    );
    assert!(parse("GET\r\n\r\n").is_none(), "no target");
    assert!(parse("\r\n\r\n").is_none(), "blank request line");
    assert!(parse("G\u{1}T / HTTP/1.1\r\n\r\n").is_none(), "bad method");
    let long = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
    assert!(parse(&long).is_none(), "too long");
}

fn shared(root: &Path) -> Shared {
    Shared {
        root: std::fs::canonicalize(root).unwrap(),
        upstream: Some("https://up.example".into()),
        on_request: None,
        active: AtomicUsize::new(0),
    }
}

#[test]
fn resolution() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist/2026-05-25")).unwrap();
    std::fs::write(dir.path().join("dist/channel-rust-1.96.0.toml"), "x").unwrap();
    std::fs::write(dir.path().join("dist/.partial"), "x").unwrap();
    let s = shared(dir.path());
    let file = |t: &str| matches!(resolve(&s, t), Answer::File(_));
    let status = |t: &str| match resolve(&s, t) {
        Answer::Status(code, _) => code,
        Answer::Redirect(_) => 302,
        Answer::File(_) => 200,
    };
    assert!(file("/dist/channel-rust-1.96.0.toml"));
    assert!(file("/dist//channel-rust-1.96.0.toml?x=1"));
    assert!(file("/dist/channel%2Drust-1.96.0.toml"));
    assert_eq!(status("/dist/../dist/channel-rust-1.96.0.toml"), 400);
    assert_eq!(status("/dist/%2e%2e/x"), 400);
    assert_eq!(status("/dist/.partial"), 404);
    assert_eq!(
        status("/dist/2026-05-25"),
        404,
        "directories are not served"
    );
    assert_eq!(status("/elsewhere"), 404);
    assert_eq!(status("relative"), 400);
    match resolve(
        &s,
        "/dist/2026-05-25/rustc-1.96.0-x86_64-unknown-linux-gnu.tar.xz?a",
    ) {
        Answer::Redirect(to) => assert_eq!(
            to,
            "https://up.example/dist/2026-05-25/rustc-1.96.0-x86_64-unknown-linux-gnu.tar.xz?a"
        ),
        _ => panic!("missing official path not redirected"),
    }
    assert_eq!(
        status("/rustup/dist/x86_64-unknown-linux-gnu/rustup-init"),
        302
    );
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "x").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("dist")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("dist/s")).unwrap();
    let s = shared(dir.path());
    assert!(matches!(resolve(&s, "/dist/s"), Answer::Status(404, _)));
}
