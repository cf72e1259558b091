use super::*;

#[test]
fn classifies_urls() {
    assert!(matches!(
        Location::parse("http://127.0.0.1:80/x", false),
        Ok(Location::Http(_))
    ));
    assert!(matches!(
        Location::parse("http://localhost/x", false),
        Ok(Location::Http(_))
    ));
    assert!(matches!(
        Location::parse("http://[::1]:8/x", false),
        Ok(Location::Http(_))
    ));
    assert!(matches!(
        Location::parse("http://example.com/x", false),
        Err(Error::InsecureUrl { .. })
    ));
    assert!(matches!(
        Location::parse("http://127.0.0.1.example.com/x", false),
        Err(Error::InsecureUrl { .. })
    ));
    assert!(matches!(
        Location::parse("http://example.com/x", true),
        Ok(Location::Http(_))
    ));
    assert_eq!(
        Location::parse("file:///tmp/d", false).unwrap(),
        Location::File("/tmp/d".into())
    );
    assert_eq!(
        Location::parse("some/dir", false).unwrap(),
        Location::File("some/dir".into())
    );
    assert!(matches!(
        Location::parse("ftp://h/x", false),
        Err(Error::UnsupportedUrl { .. })
    ));
}

#[test]
fn the_credential_goes_only_to_its_own_origin() {
    let policy = Policy::new(false).with_bearer("https://api.github.com", "t0ken".into());
    assert_eq!(
        policy
            .authorization("https://api.github.com/repos/o/r/releases?page=2")
            .as_deref(),
        Some("Bearer t0ken")
    );
    // Origins compare case-insensitively.
    assert!(policy
        .authorization("https://API.GitHub.com/repos")
        .is_some());
    for elsewhere in [
        "https://objects.githubusercontent.com/x.zip",
        "https://api.github.com.example.com/repos",
        "https://api.github.com:8443/repos",
        "http://api.github.com/repos",
        "https://evil.example/?https://api.github.com",
        "file:///etc/passwd",
    ] {
        assert_eq!(policy.authorization(elsewhere), None, "{elsewhere}");
    }
    assert_eq!(
        Policy::new(false).authorization("https://api.github.com/"),
        None
    );
    // The token never shows in debug output.
    assert!(!format!("{policy:?}").contains("t0ken"));
}

#[test]
fn a_redirect_keeps_the_credential_on_its_origin() {
    let api = "http://127.0.0.1:4000";
    let policy = Policy::new(false).with_bearer(api, "t0ken".into());
    // API host → asset host on another port: the next request carries no credential.
    let asset = policy
        .redirect(
            &format!("{api}/repos/o/r/releases/download/1/x.zip"),
            "http://127.0.0.1:4001/bounce/x.zip",
        )
        .unwrap();
    assert_eq!(asset, "http://127.0.0.1:4001/bounce/x.zip");
    assert_eq!(policy.authorization(&asset), None);
    // A relative redirect stays on the origin, and so does the credential.
    let back = policy.redirect(&format!("{api}/a/b"), "/c").unwrap();
    assert_eq!(back, format!("{api}/c"));
    assert!(policy.authorization(&back).is_some());
}

#[test]
fn a_redirect_is_checked_like_a_given_url() {
    let policy = Policy::new(false);
    let from = "https://example.com/dist/x.tar.xz";
    assert_eq!(
        policy.redirect(from, "https://cdn.example/x").unwrap(),
        "https://cdn.example/x"
    );
    // Plain http to another host: refused, naming the target.
    let err = policy
        .redirect(from, "http://downloads.example.com/x")
        .unwrap_err();
    assert!(matches!(&err, Error::InsecureUrl { url } if url == "http://downloads.example.com/x"));
    // A local file: refused, naming where the redirect came from.
    let err = policy.redirect(from, "file:///etc/passwd").unwrap_err();
    assert!(matches!(&err, Error::UnsupportedUrl { .. }), "{err}");
    assert!(err.to_string().contains(from), "{err}");
    // Another scheme: refused.
    assert!(matches!(
        policy.redirect(from, "ftp://example.com/x"),
        Err(Error::UnsupportedUrl { .. })
    ));
    // With plain http allowed, http to another host is followed.
    assert_eq!(
        Policy::new(true)
            .redirect(from, "http://mirror.example/x")
            .unwrap(),
        "http://mirror.example/x"
    );
}
