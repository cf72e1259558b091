//! Text for other programs and for messages: TOML strings (cargo `--config` values), POSIX
//! shell words and command lines a person can re-run, the tail of a long output, and UTC
//! times for messages.

use std::borrow::Cow;
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

/// `text` (a path, an environment variable's value) for a message: its UTF-8 parts as they
/// are, each byte that is not UTF-8 as `\xFF`, so that text which is not UTF-8 is still
/// named exactly rather than with replacement characters.
pub(crate) fn escape_non_utf8(text: &std::ffi::OsStr) -> String {
    let mut out = String::new();
    for chunk in text.as_encoded_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02X}"));
        }
    }
    out
}

/// The command line of `cmd` as a person would type it: the variables it sets, the program
/// and its arguments, each a quoted shell word. The `0x1f` separators of
/// `CARGO_ENCODED_RUSTFLAGS` are shown as spaces, for reading.
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
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// `secs` since the Unix epoch as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn utc_time(secs: u64) -> String {
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Days since 1970-01-01 to a proleptic Gregorian date, counting in 400-year eras that
    // start on March 1st so that the leap day is the last day of a year.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests;
