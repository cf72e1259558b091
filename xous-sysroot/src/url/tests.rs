use super::*;

#[test]
fn origins() {
    assert_eq!(
        origin("https://API.github.com/repos/x?page=2").as_deref(),
        Some("https://api.github.com")
    );
    assert_eq!(
        origin("http://127.0.0.1:8080").as_deref(),
        Some("http://127.0.0.1:8080")
    );
    // Another port is another origin.
    assert_ne!(origin("http://127.0.0.1:1/"), origin("http://127.0.0.1:2/"));
    assert_eq!(origin("/just/a/path"), None);
    assert_eq!(origin("https:///no-host"), None);
}

#[test]
fn joins_redirect_targets() {
    let base = "https://github.com/o/r/releases/download/1.0.0.1/x.zip?a=b";
    assert_eq!(
        join(base, "https://objects.example/x?sig=1"),
        "https://objects.example/x?sig=1"
    );
    assert_eq!(join(base, "//cdn.example/y"), "https://cdn.example/y");
    assert_eq!(join(base, "/z"), "https://github.com/z");
    assert_eq!(
        join(base, "y.zip"),
        "https://github.com/o/r/releases/download/1.0.0.1/y.zip"
    );
    assert_eq!(join("http://h:1", "p"), "http://h:1/p");
    assert_eq!(join(base, "file:///etc/passwd"), "file:///etc/passwd");
    assert_eq!(join(base, "/a:b"), "https://github.com/a:b");
}

#[test]
fn finds_the_next_page() {
    let header = r#"<https://api.github.com/repositories/1/releases?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/1/releases?per_page=100&page=5>; rel="last""#;
    assert_eq!(
        next_link(header).as_deref(),
        Some("https://api.github.com/repositories/1/releases?per_page=100&page=2")
    );
    let last = r#"<https://a/x?page=1>; rel="prev", <https://a/x?page=1>; rel="first""#;
    assert_eq!(next_link(last), None);
    assert_eq!(
        next_link("<https://a/n>; rel=next").as_deref(),
        Some("https://a/n")
    );
    assert_eq!(next_link("garbage"), None);
}
