//! A xous-core checkout as the `xous-core` backend uses it: checked once, before anything
//! is built, so that a wrong directory gets one clear error and nothing is written.

use crate::HarnessError;
use std::path::{Path, PathBuf};

/// The variable naming the xous-core checkout (`xous-run --xous-core <dir>`).
pub const XOUS_CORE_DIR_VAR: &str = "XOUS_CORE_DIR";

/// The variable giving the checkout's `git describe` (`v0.10.0-33-g73c094632`) when it has
/// no `.git` (a source snapshot): the xtask signs its images with that version and fails
/// without one.
pub const GIT_DESCRIBE_VAR: &str = "XOUS_CORE_GIT_DESCRIBE";

/// The files a checkout must have, with what each is for (the error names the first missing).
const REQUIRED: [(&str, &str); 5] = [
    ("Cargo.toml", "the workspace"),
    ("xtask/src/main.rs", "the xtask that builds images"),
    (
        "emulation/betrusted.resc",
        "the Renode script that lists the SoC's peripherals",
    ),
    (
        "emulation/soc/betrusted-soc.repl",
        "the SoC's platform description",
    ),
    (
        "emulation/ec/betrusted-ec.repl",
        "the EC's platform description",
    ),
];

/// The xtask verb that builds the minimal image around prebuilt programs.
const VERB: &str = "libstd-test";

/// A checked xous-core checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkout {
    /// Its root (the workspace with `xtask/`).
    pub root: PathBuf,
    /// `--git-describe` for the xtask: `None` when the tree has `.git` (the xtask asks git).
    pub git_describe: Option<String>,
}

impl Checkout {
    /// Checks that `dir` is a xous-core checkout whose xtask has the `libstd-test` verb,
    /// and works out its version (`.git`, else `git_describe`, else an error saying to set
    /// [`GIT_DESCRIBE_VAR`]).
    pub fn open(dir: &Path, git_describe: Option<String>) -> Result<Checkout, HarnessError> {
        let root = std::fs::canonicalize(dir).map_err(|e| {
            HarnessError::XousCore(format!(
                "the xous-core checkout {} ({XOUS_CORE_DIR_VAR} or --xous-core) cannot be opened: {e}\nhelp: clone https://github.com/betrusted-io/xous-core and name its directory",
                dir.display()
            ))
        })?;
        for (file, what) in REQUIRED {
            if !root.join(file).is_file() {
                return Err(HarnessError::XousCore(format!(
                    "{} is not a xous-core checkout: it has no {file} ({what})\nhelp: set {XOUS_CORE_DIR_VAR} (or --xous-core) to the root of a xous-core clone",
                    root.display()
                )));
            }
        }
        let main = root.join("xtask/src/main.rs");
        let text =
            std::fs::read_to_string(&main).map_err(|e| HarnessError::io("read", &main, e))?;
        if !text.contains(&format!("\"{VERB}\"")) {
            return Err(HarnessError::XousCore(format!(
                "the xtask of the xous-core checkout {} has no `{VERB}` verb, which builds the minimal image around a prebuilt program\nhelp: use a newer xous-core (its `dev` branch has it since 2023)",
                root.display()
            )));
        }
        let git_describe = match git_describe.filter(|d| !d.is_empty()) {
            Some(d) => Some(d),
            None if root.join(".git").exists() => None,
            None => {
                return Err(HarnessError::XousCore(format!(
                    "the xous-core checkout {} has no .git, so its xtask cannot tell the version it signs the images with\nhelp: set {GIT_DESCRIBE_VAR} to `git describe --long --abbrev=9` of the commit it was taken from, e.g. v0.10.0-33-g73c094632",
                    root.display()
                )));
            }
        };
        Ok(Checkout { root, git_describe })
    }

    /// The checkout's `emulation/` directory.
    pub fn emulation(&self) -> PathBuf {
        self.root.join("emulation")
    }

    /// The peripheral lines of the checkout's own `emulation/betrusted.resc`, in order:
    /// every `i @peripherals/<file>.cs` and `EnsureTypeIsLoaded "<type>"`.
    pub fn peripherals(&self) -> Result<Vec<Peripheral>, HarnessError> {
        let resc = self.emulation().join("betrusted.resc");
        let text =
            std::fs::read_to_string(&resc).map_err(|e| HarnessError::io("read", &resc, e))?;
        let lines = parse_peripherals(&text);
        if !lines.iter().any(|l| matches!(l, Peripheral::Source(_))) {
            return Err(HarnessError::XousCore(format!(
                "{} includes no C# peripherals (`i @peripherals/<file>.cs`), so the SoC cannot be described\nhelp: check the checkout; xous-run reads the peripheral list from that script",
                resc.display()
            )));
        }
        Ok(lines)
    }
}

/// One peripheral line of `betrusted.resc`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peripheral {
    /// A C# source under `emulation/`, e.g. `peripherals/ticktimer.cs`.
    Source(String),
    /// A type Renode must have loaded before the next source compiles.
    EnsureType(String),
}

/// The peripheral lines of a Renode script's text.
pub(crate) fn parse_peripherals(text: &str) -> Vec<Peripheral> {
    text.lines()
        .map(str::trim)
        .filter_map(|line| {
            if let Some(file) = line.strip_prefix("i @peripherals/") {
                return file
                    .ends_with(".cs")
                    .then(|| Peripheral::Source(format!("peripherals/{file}")));
            }
            let ty = line.strip_prefix("EnsureTypeIsLoaded ")?;
            Some(Peripheral::EnsureType(
                ty.trim().trim_matches('"').to_string(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in files {
            let path = dir.path().join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "").unwrap();
        }
        dir
    }

    const ALL: [&str; 5] = [
        "Cargo.toml",
        "xtask/src/main.rs",
        "emulation/betrusted.resc",
        "emulation/soc/betrusted-soc.repl",
        "emulation/ec/betrusted-ec.repl",
    ];

    #[test]
    fn a_directory_that_is_not_a_checkout_is_named() {
        let dir = tree(&["Cargo.toml"]);
        let err = Checkout::open(dir.path(), None).unwrap_err().to_string();
        assert!(
            err.contains("is not a xous-core checkout: it has no xtask/src/main.rs"),
            "{err}"
        );
        let err = Checkout::open(&dir.path().join("nope"), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("cannot be opened"), "{err}");
    }

    #[test]
    fn an_xtask_without_the_verb_is_refused() {
        let dir = tree(&ALL);
        std::fs::write(
            dir.path().join("xtask/src/main.rs"),
            "Some(\"renode-image\") => {}",
        )
        .unwrap();
        let err = Checkout::open(dir.path(), Some("v1.0.0-0-g0".into()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("has no `libstd-test` verb"), "{err}");
    }

    #[test]
    fn the_version_comes_from_git_or_the_variable() {
        let dir = tree(&ALL);
        std::fs::write(
            dir.path().join("xtask/src/main.rs"),
            "Some(\"libstd-test\") => {}",
        )
        .unwrap();
        let err = Checkout::open(dir.path(), None).unwrap_err().to_string();
        assert!(err.contains(GIT_DESCRIBE_VAR), "{err}");
        let c = Checkout::open(dir.path(), Some("v0.10.0-33-g73c094632".into())).unwrap();
        assert_eq!(c.git_describe.as_deref(), Some("v0.10.0-33-g73c094632"));
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        assert_eq!(Checkout::open(dir.path(), None).unwrap().git_describe, None);
    }

    #[test]
    fn peripheral_lines_keep_their_order() {
        let text = "path add $ORIGIN\ni @peripherals/A.cs\nEnsureTypeIsLoaded \"X.Y\"\n# i @peripherals/old.cs\ni @peripherals/B.cs\nmach create \"SoC\"\n";
        assert_eq!(
            parse_peripherals(text),
            vec![
                Peripheral::Source("peripherals/A.cs".into()),
                Peripheral::EnsureType("X.Y".into()),
                Peripheral::Source("peripherals/B.cs".into()),
            ]
        );
    }
}
