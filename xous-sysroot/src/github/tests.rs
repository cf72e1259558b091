use super::*;

#[test]
fn rebuild_numbers_compare_as_numbers() {
    assert_eq!(rebuild_number("1.93.0", "1.93.0"), Some(0));
    assert_eq!(rebuild_number("1.93.0.9", "1.93.0"), Some(9));
    assert_eq!(rebuild_number("1.93.0.10", "1.93.0"), Some(10));
    assert_eq!(rebuild_number("1.93.01", "1.93.0"), None);
    assert_eq!(rebuild_number("1.93.0.x", "1.93.0"), None);
    assert_eq!(rebuild_number("1.93.0.", "1.93.0"), None);
    assert_eq!(rebuild_number("1.92.0.3", "1.93.0"), None);
}

fn release(tag: &str, draft: bool, prerelease: bool, state: &str, url: &str) -> String {
    format!(
        r#"{{"id":1,"tag_name":"{tag}","name":"{tag}","draft":{draft},"prerelease":{prerelease},
            "created_at":"2026-01-01T00:00:00Z","published_at":"2026-01-02T00:00:00Z",
            "assets":[{{"name":"z.zip","size":1,"state":"{state}","content_type":"application/zip",
            "digest":null,"browser_download_url":"{url}"}}]}}"#
    )
}

#[test]
fn chooses_the_highest_published_uploaded_rebuild() {
    let json = format!(
        "[{}]",
        [
            release("1.93.0.11", true, false, "uploaded", "draft"),
            release("1.93.0.12", false, true, "uploaded", "prerelease"),
            release("1.93.0.13", false, false, "starter", "not uploaded"),
            release("1.93.0.9", false, false, "uploaded", "nine"),
            release("1.93.0.10", false, false, "uploaded", "ten"),
            release("1.94.0.20", false, false, "uploaded", "other release"),
            release("1.93.0", false, false, "uploaded", "bare"),
        ]
        .join(",")
    );
    let releases: Vec<Release> = serde_json::from_str(&json).unwrap();
    let chosen = choose(&releases, "1.93.0", "z.zip").unwrap();
    assert_eq!(chosen.browser_download_url, "ten");
    assert!(choose(&releases, "1.93.0", "other.zip").is_none());
    assert!(choose(&releases, "1.95.0", "z.zip").is_none());
}
