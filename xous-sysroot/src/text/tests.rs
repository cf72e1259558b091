use super::*;

#[test]
fn toml_strings_read_back_as_the_same_text() {
    for s in [
        "plain",
        "C:\\Program Files\\x",
        "say \"hi\"",
        "tab\tnew\nline",
        "",
        "ünï",
    ] {
        let quoted = toml_string(s);
        let table: toml::Table = toml::from_str(&format!("v = {quoted}")).unwrap();
        assert_eq!(table["v"].as_str(), Some(s), "{quoted}");
    }
    assert_eq!(toml_string("a b"), "\"a b\"");
}

#[cfg(unix)]
#[test]
fn shell_words_survive_a_real_shell() {
    for word in [
        "plain",
        "a b",
        "it's",
        "$HOME",
        "*",
        "",
        "a\"b",
        "x;y",
        "--sysroot=/p q",
    ] {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("printf %s {}", shell_quote(word)))
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            word,
            "{}",
            shell_quote(word)
        );
    }
    assert_eq!(shell_quote("lib/x-1.rlib"), "lib/x-1.rlib");
    assert_eq!(shell_quote("a b"), "'a b'");
}

#[test]
fn command_lines_quote_each_word() {
    let mut cmd = Command::new("cargo");
    cmd.args(["build", "--config", "target.x.rustflags=[\"a b\"]"])
        .env("CARGO_ENCODED_RUSTFLAGS", "-C\u{1f}opt-level=3")
        .env_remove("RUSTC");
    assert_eq!(
        command_line(&cmd),
        "CARGO_ENCODED_RUSTFLAGS='-C opt-level=3' cargo build --config 'target.x.rustflags=[\"a b\"]'"
    );
}

#[test]
fn tail_keeps_last_lines() {
    assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
    assert_eq!(tail("a", 5), "a");
    assert_eq!(tail("", 3), "");
}

#[test]
fn utc_times_match_the_calendar() {
    // Values checked with `date -u -d @<secs>`.
    assert_eq!(utc_time(0), "1970-01-01 00:00:00 UTC");
    assert_eq!(utc_time(951_782_400), "2000-02-29 00:00:00 UTC");
    assert_eq!(utc_time(1_780_000_000), "2026-05-28 20:26:40 UTC");
    assert_eq!(utc_time(4_102_444_799), "2099-12-31 23:59:59 UTC");
}

#[cfg(unix)]
#[test]
fn text_that_is_not_utf8_is_named_with_escapes_for_its_bad_bytes_only() {
    use std::os::unix::ffi::OsStrExt;
    let text = std::ffi::OsStr::from_bytes(b"/x/\xc3\xa9t\xe9\xff/y");
    assert_eq!(escape_non_utf8(text), r"/x/ét\xE9\xFF/y");
    assert_eq!(escape_non_utf8("plain".as_ref()), "plain");
}
