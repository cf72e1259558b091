//! Text for other programs and for messages: TOML strings (cargo `--config` values), POSIX
//! shell words and command lines a person can re-run, and the tail of a long output.

use std::borrow::Cow;
#[cfg(feature = "producer")]
use std::process::Command;

/// `s` as a TOML basic string, quoted and escaped (for `--config` values and manifests).
pub fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// `word` as one POSIX shell word: unchanged when it holds only characters no shell treats
/// specially, else in single quotes (a `'` inside becomes `'\''`).
pub fn shell_quote(word: &str) -> Cow<'_, str> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./,:=+@%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(format!("'{}'", word.replace('\'', r"'\''")))
    }
}

/// The command line of `cmd` as a person would type it: the variables it sets, the program
/// and its arguments, each a quoted shell word. The `0x1f` separators of
/// `CARGO_ENCODED_RUSTFLAGS` are shown as spaces, for reading.
#[cfg(feature = "producer")]
pub fn command_line(cmd: &Command) -> String {
    let mut words = Vec::new();
    for (key, value) in cmd.get_envs() {
        if let Some(value) = value {
            let value = value.to_string_lossy().replace('\u{1f}', " ");
            let assignment = format!("{}={}", key.to_string_lossy(), shell_quote(&value));
            words.push(assignment);
        }
    }
    words.push(shell_quote(&cmd.get_program().to_string_lossy()).into_owned());
    for arg in cmd.get_args() {
        words.push(shell_quote(&arg.to_string_lossy()).into_owned());
    }
    words.join(" ")
}

/// The last `n` lines of `text`, joined with `\n` (no trailing newline).
#[cfg(feature = "producer")]
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests;
