//! The expectations file (`alloctests-expectations.toml`): `[[failure]]` entries (binary,
//! test, reason) for the tests known to fail on this target, and `[[slow]]` entries
//! (binary, filter, reason) for the tests left out of the default run. Read with serde and
//! `toml`, then checked: known binaries, no empty value, no failure listed twice.

use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{binary_names, AllocTestsError};

/// The path of the expectations file shipped with this crate.
pub fn expectations_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("alloctests-expectations.toml")
}

/// A test known to fail on this target.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnownFailure {
    /// The binary's report name (one of [`binary_names`]).
    pub binary: String,
    /// The exact libtest name.
    pub test: String,
    /// Why it fails here (an investigated cause).
    pub reason: String,
}

/// Tests left out of the default run to fit the time budget.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlowTests {
    /// The binary's report name.
    pub binary: String,
    /// A libtest `--skip` filter: every test whose name contains it.
    pub filter: String,
    /// What makes them slow here.
    pub reason: String,
}

/// The expectations file, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectations {
    /// Tests known to fail (`[[failure]]`).
    #[serde(default, rename = "failure")]
    pub failures: Vec<KnownFailure>,
    /// Tests run only when everything is asked for (`[[slow]]`, [`super::FULL_ENV`]).
    #[serde(default)]
    pub slow: Vec<SlowTests>,
}

impl Expectations {
    /// Reads and checks the file at `path`.
    pub fn load(path: &Path) -> Result<Expectations, AllocTestsError> {
        let text =
            std::fs::read_to_string(path).map_err(|e| AllocTestsError::io("read", path, e))?;
        Expectations::parse(&text).map_err(|message| AllocTestsError::Expectations {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses and checks the file's text; the error says what is wrong and where.
    pub fn parse(text: &str) -> Result<Expectations, String> {
        let e: Expectations = toml::from_str(text).map_err(|e| e.to_string())?;
        e.check()?;
        Ok(e)
    }

    fn check(&self) -> Result<(), String> {
        let known = binary_names();
        let entries = self
            .failures
            .iter()
            .enumerate()
            .map(|(i, f)| {
                (
                    "failure",
                    i,
                    &f.binary,
                    [("test", &f.test), ("reason", &f.reason)],
                )
            })
            .chain(self.slow.iter().enumerate().map(|(i, s)| {
                (
                    "slow",
                    i,
                    &s.binary,
                    [("filter", &s.filter), ("reason", &s.reason)],
                )
            }));
        for (kind, i, binary, values) in entries {
            let at = format!("[[{kind}]] number {}", i + 1);
            if !known.contains(&binary.as_str()) {
                return Err(format!(
                    "{at}: unknown binary `{binary}` (one of {known:?})"
                ));
            }
            if let Some((key, _)) = values.iter().find(|(_, v)| v.trim().is_empty()) {
                return Err(format!("{at}: `{key}` is empty"));
            }
        }
        let mut seen = BTreeSet::new();
        for (i, f) in self.failures.iter().enumerate() {
            if !seen.insert((&f.binary, &f.test)) {
                return Err(format!(
                    "[[failure]] number {}: {} {} listed twice",
                    i + 1,
                    f.binary,
                    f.test
                ));
            }
        }
        Ok(())
    }

    /// The known failure for `binary`'s `test`.
    pub fn failure(&self, binary: &str, test: &str) -> Option<&KnownFailure> {
        self.failures
            .iter()
            .find(|f| f.binary == binary && f.test == test)
    }

    /// The slow entry that leaves `binary`'s `test` out of the default run.
    pub fn slow(&self, binary: &str, test: &str) -> Option<&SlowTests> {
        self.slow
            .iter()
            .find(|s| s.binary == binary && test.contains(&s.filter))
    }
}

#[cfg(test)]
mod tests;
