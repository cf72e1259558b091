//! The `rustup` that registers linked toolchains: `toolchain link`, `toolchain uninstall`, and
//! what a name is now (read from rustup's home, never written by us).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{check_name, LinkedError};

/// The `rustup` on `PATH`, with `RUSTUP_HOME` set when one is given.
#[derive(Debug, Clone)]
pub(crate) struct Rustup {
    /// `RUSTUP_HOME` for the commands, else the environment's (or rustup's default).
    pub home: Option<PathBuf>,
}

impl Rustup {
    fn command(&self) -> Command {
        let mut cmd = Command::new("rustup");
        if let Some(home) = &self.home {
            cmd.env("RUSTUP_HOME", home);
        }
        // A `cargo +toolchain` or rust-toolchain.toml around us must not pick what rustup
        // manages here.
        cmd.env_remove("RUSTUP_TOOLCHAIN");
        cmd
    }

    fn run(&self, args: &[&str], dir: &Path) -> Result<String, LinkedError> {
        let describe = || format!("rustup {}", args.join(" "));
        let out = self
            .command()
            .args(args)
            .output()
            .map_err(|e| LinkedError::Rustup {
                command: describe(),
                detail: e.to_string(),
                dir: dir.to_path_buf(),
            })?;
        if !out.status.success() {
            return Err(LinkedError::Rustup {
                command: describe(),
                detail: format!(
                    "{}: {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
                dir: dir.to_path_buf(),
            });
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Whether rustup can be run here.
    pub(crate) fn available(&self) -> bool {
        self.command()
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// rustup's home (`RUSTUP_HOME`, else what `rustup show home` says).
    fn home(&self, dir: &Path) -> Result<PathBuf, LinkedError> {
        match &self.home {
            Some(home) => Ok(home.clone()),
            None => Ok(PathBuf::from(
                self.run(&["show", "home"], dir)?
                    .trim_end_matches(['\n', '\r']),
            )),
        }
    }

    /// What rustup's toolchain `name` is, if it exists: the directory a linked one points to,
    /// else rustup's own directory.
    pub(crate) fn existing(&self, name: &str, dir: &Path) -> Result<Option<PathBuf>, LinkedError> {
        let path = self.home(dir)?.join("toolchains").join(name);
        Ok(match fs::read_link(&path) {
            Ok(to) => Some(to),
            Err(_) if path.exists() => Some(path),
            Err(_) => None,
        })
    }

    /// Whether rustup's toolchain `name` is the link to `root`.
    pub(crate) fn links_to(&self, name: &str, root: &Path) -> bool {
        self.existing(name, root)
            .ok()
            .flatten()
            .is_some_and(|existing| same_dir(&existing, root))
    }

    /// Refuses `name` when it is a rustup toolchain other than `root` (unless `force`).
    pub(crate) fn check_free(
        &self,
        name: &str,
        root: &Path,
        force: bool,
    ) -> Result<(), LinkedError> {
        check_name(name)?;
        match self.existing(name, root)? {
            Some(existing) if !force && !same_dir(&existing, root) => Err(LinkedError::NameTaken {
                name: name.to_owned(),
                existing,
            }),
            _ => Ok(()),
        }
    }

    /// `rustup toolchain link <name> <root>`, refusing a name that is another toolchain.
    pub(crate) fn link(&self, name: &str, root: &Path, force: bool) -> Result<(), LinkedError> {
        self.check_free(name, root, force)?;
        if self.links_to(name, root) {
            return Ok(());
        }
        let root_text = root.to_string_lossy();
        self.run(&["toolchain", "link", name, &root_text], root)
            .map(|_| ())
    }

    /// Removes rustup's toolchain `name` if it is the link to `root`; returns whether it did.
    pub(crate) fn unlink(&self, name: &str, root: &Path) -> Result<bool, LinkedError> {
        match self.existing(name, root)? {
            Some(existing) if same_dir(&existing, root) => {
                self.run(&["toolchain", "uninstall", name], root)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
