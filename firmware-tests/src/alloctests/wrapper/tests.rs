use super::*;

#[test]
fn the_wrapper_manifest_points_at_the_sources() {
    let upstream = r#"[package]
name = "alloctests"
edition = "2024"

[lib]
path = "lib.rs"
test = true

[dev-dependencies]
rand = { version = "0.9.0", default-features = false, features = ["alloc"] }

[[test]]
name = "alloctests"
path = "tests/lib.rs"
"#;
    let m = wrapper_manifest(upstream, "alloctests", Path::new("/src/library/alloctests")).unwrap();
    assert!(
        m.contains("[lib]\nname = \"alloctests_lib\"\npath = \"/src/library/alloctests/lib.rs\"\n"),
        "{m}"
    );
    assert!(
        m.contains("path = \"/src/library/alloctests/tests/lib.rs\""),
        "{m}"
    );
    // The dependencies are upstream's, unchanged (the manifest is written from a table, so
    // compare tables rather than upstream's inline-table text).
    let written: Table = m.parse().unwrap();
    let rand = &written["dev-dependencies"]["rand"];
    assert_eq!(rand["version"].as_str(), Some("0.9.0"), "{m}");
    assert_eq!(rand["default-features"].as_bool(), Some(false), "{m}");
    assert_eq!(rand["features"].as_array().unwrap().len(), 1, "{m}");
    assert_eq!(rand["features"][0].as_str(), Some("alloc"), "{m}");
    let upstream_table: Table = upstream.parse().unwrap();
    assert_eq!(
        written["dev-dependencies"],
        upstream_table["dev-dependencies"]
    );
    assert!(m.trim_end().ends_with("[workspace]"), "{m}");
    assert!(wrapper_manifest("[package]\nname = \"x\"\n", "x", Path::new("/")).is_err());
}

#[test]
fn manifests_that_cannot_be_wrapped_are_refused() {
    let dir = Path::new("/src/library/x");
    let no_lib = wrapper_manifest("[package]\nname = \"x\"\n", "x", dir).unwrap_err();
    assert!(
        no_lib
            .to_string()
            .contains("x's manifest has no [lib] section"),
        "{no_lib}"
    );
    let workspace = "[package]\nname = \"x\"\n[lib]\npath = \"lib.rs\"\n[workspace]\n";
    let err = wrapper_manifest(workspace, "x", dir).unwrap_err();
    assert!(err.to_string().contains("declares a workspace"), "{err}");
    let err = wrapper_manifest("[lib\npath = 1", "x", dir).unwrap_err();
    assert!(
        err.to_string().contains("x's manifest is not TOML"),
        "{err}"
    );
}
