//! Real failures from a real agent, classified by their types.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use super::*;
use crate::download::http::HttpClient;
use crate::download::policy::Policy;

/// What a GET of `url` fails with, classified; checked to be what the transport as a whole
/// returns.
fn fail(url: &str, timeout: Duration) -> Error {
    let client = HttpClient::new(timeout, 0);
    let raw = client
        .agent_for_tests()
        .get(url)
        .call()
        .expect_err("the request must fail");
    let classified = call_error(url, raw);
    // The transport as a whole says the same.
    let Err(whole) = client.open(&Policy::new(true), url.to_string(), 0) else {
        panic!("{url} opened")
    };
    assert_eq!(
        std::mem::discriminant(&whole),
        std::mem::discriminant(&classified),
        "{whole} vs {classified}"
    );
    classified
}

#[test]
fn a_closed_port_is_connection_refused_and_unreachable() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/x");
    let client = HttpClient::new(Duration::from_secs(5), 0);
    let raw = client.agent_for_tests().get(&url).call().unwrap_err();
    assert!(
        matches!(&raw, ureq::Error::Io(io) if io.kind() == io::ErrorKind::ConnectionRefused),
        "{raw:?}"
    );
    let err = fail(&url, Duration::from_secs(5));
    assert!(
        matches!(&err, Error::Unreachable { url: u, .. } if *u == url),
        "{err}"
    );
}

#[test]
fn a_name_that_does_not_resolve_is_told_by_its_type() {
    // RFC 6761 reserves `.invalid`: it never resolves.
    let url = "http://xous-sysroot-test.invalid/x";
    let client = HttpClient::new(Duration::from_secs(10), 0);
    let raw = client.agent_for_tests().get(url).call().unwrap_err();
    assert!(
        matches!(&raw, ureq::Error::Other(e) if e.is::<NameNotResolved>()),
        "{raw:?}"
    );
    let err = fail(url, Duration::from_secs(10));
    assert!(matches!(err, Error::Unreachable { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("the host name 'xous-sysroot-test.invalid' does not resolve"),
        "{err}"
    );
}

#[test]
fn a_server_that_never_answers_times_out_and_is_a_network_fault() {
    // Connections complete in the listen backlog; nothing ever reads or answers them.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/x", listener.local_addr().unwrap());
    let start = Instant::now();
    let client = HttpClient::new(Duration::from_millis(300), 0);
    let raw = client.agent_for_tests().get(&url).call().unwrap_err();
    assert!(matches!(raw, ureq::Error::Timeout(_)), "{raw:?}");
    let err = fail(&url, Duration::from_millis(300));
    // Retried, unlike an unreachable host.
    assert!(matches!(err, Error::Network { .. }), "{err}");
    assert!(err.to_string().contains("timeout"), "{err}");
    assert!(crate::download::is_transient(&err));
    assert!(start.elapsed() < Duration::from_secs(10));
    drop(listener);
}

#[test]
fn variants_without_a_socket_are_classified_by_variant() {
    for (e, unreachable) in [
        (ureq::Error::HostNotFound, true),
        (ureq::Error::ConnectionFailed, true),
        (ureq::Error::TlsRequired, true),
        (ureq::Error::Timeout(ureq::Timeout::Connect), false),
        (
            ureq::Error::Io(io::Error::from(io::ErrorKind::NetworkUnreachable)),
            true,
        ),
        (
            ureq::Error::Io(io::Error::from(io::ErrorKind::ConnectionReset)),
            false,
        ),
        // Text alone decides nothing: an uncategorised error saying what a failed lookup says
        // is not taken for one.
        (
            ureq::Error::Io(io::Error::other(
                "failed to lookup address information: Name or service not known",
            )),
            false,
        ),
    ] {
        let text = e.to_string();
        let err = call_error("http://h/", e);
        assert_eq!(
            matches!(err, Error::Unreachable { .. }),
            unreachable,
            "{text}: {err}"
        );
    }
}
