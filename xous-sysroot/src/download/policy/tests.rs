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
