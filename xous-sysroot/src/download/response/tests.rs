use super::*;

/// Interprets `status` with `headers` for a request from `offset`.
fn answer(status: u16, headers: &[(&str, &str)], offset: u64) -> Result<Answer> {
    let lookup = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    };
    interpret("https://h/x", status, &lookup, offset)
}

#[test]
fn redirects_need_a_location() {
    assert_eq!(
        answer(302, &[("location", "/y")], 0).unwrap(),
        Answer::Redirect("/y".into())
    );
    let err = answer(301, &[], 0).unwrap_err();
    assert!(matches!(err, Error::Network { .. }), "{err}");
    assert!(err.to_string().contains("without a Location"), "{err}");
}

#[test]
fn a_resumed_body_must_start_where_asked() {
    let body = answer(
        206,
        &[
            ("content-range", "bytes 10-99/100"),
            ("content-length", "90"),
        ],
        10,
    )
    .unwrap();
    assert_eq!(
        body,
        Answer::Body(Body {
            start: 10,
            total: Some(100),
            length: Some(90),
            next: None
        })
    );
    let err = answer(206, &[("content-range", "bytes 0-99/100")], 10).unwrap_err();
    assert!(err.to_string().contains("bad Content-Range"), "{err}");
    // A 206 to a request from 0, or a 416 to one, is an error status.
    assert!(matches!(
        answer(206, &[], 0),
        Err(Error::HttpStatus { status: 206, .. })
    ));
    assert!(matches!(
        answer(416, &[], 0),
        Err(Error::HttpStatus { status: 416, .. })
    ));
    assert_eq!(answer(416, &[], 5).unwrap(), Answer::StartOver);
}

#[test]
fn rate_limits_and_plain_forbidden_are_told_apart() {
    let err = answer(403, &[("x-ratelimit-remaining", "0")], 0).unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err}");
    let err = answer(429, &[("retry-after", "60")], 0).unwrap_err();
    assert!(matches!(&err, Error::RateLimited { resets, .. } if resets == "in 60 s (retry-after)"));
    assert!(matches!(
        answer(403, &[], 0),
        Err(Error::HttpStatus { status: 403, .. })
    ));
}

#[test]
fn a_listing_names_its_next_page() {
    let Answer::Body(body) =
        answer(200, &[("link", "<https://h/x?page=2>; rel=\"next\"")], 0).unwrap()
    else {
        panic!("not a body")
    };
    assert_eq!(body.next.as_deref(), Some("https://h/x?page=2"));
}
