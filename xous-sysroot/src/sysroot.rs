//! The result of an install: where the libstd is and how cargo should use it.

use std::path::PathBuf;

use crate::component::target_dir;
use crate::error::Error;
use crate::text::{shell_quote, toml_string};

/// How the library is installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Mode {
    /// In a per-release sysroot under the cache directory, outside every directory rustup
    /// owns; target builds use it through `--sysroot` (see [`Sysroot::rustflags`]).
    #[default]
    Private,
    /// Into the compiler's own sysroot, `$(rustc --print sysroot)/lib/rustlib/<target>`, where
    /// cargo finds it with no flags. rustup's files are never edited.
    Toolchain,
    /// Into a toolchain of xous-sysroot's own under the cache directory, made of hard links to
    /// a base toolchain's files plus the target, and registered with rustup by name
    /// (`xous-1.95.0`): `cargo +xous-1.95.0 build --target <triple>` needs no flags, and
    /// nothing rustup owns is written.
    Linked,
}

impl std::str::FromStr for Mode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "private" => Ok(Mode::Private),
            "toolchain" => Ok(Mode::Toolchain),
            "linked" => Ok(Mode::Linked),
            _ => Err(Error::InvalidMode {
                value: s.chars().take(100).collect(),
            }),
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Mode::Private => "private",
            Mode::Toolchain => "toolchain",
            Mode::Linked => "linked",
        })
    }
}

/// Whether this call installed anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InstallStatus {
    /// A matching, complete install was already there.
    AlreadyInstalled,
    /// This call installed it.
    Installed,
}

/// An installed libstd.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Sysroot {
    /// The sysroot root: pass it as `--sysroot` (private mode) or it is the compiler's own.
    pub path: PathBuf,
    /// The target triple.
    pub target: String,
    /// How it is installed.
    pub mode: Mode,
    /// The identity of the rustc the library is for.
    pub rustc: String,
    /// Where the archive came from.
    pub source: String,
    /// Whether this call installed it.
    pub status: InstallStatus,
    /// Linked mode: the name rustup knows the toolchain by (`cargo +<name>`), when it is
    /// registered; `None` in the other modes, or when rustup is not there.
    pub toolchain: Option<String>,
}

impl Sysroot {
    /// A libstd for `target` already installed at `path` (for example by an earlier run)
    /// for the rustc `rustc` (its identity, `1.96.0 (ac68faa20 2026-05-25)`): the status is
    /// [`InstallStatus::AlreadyInstalled`] and the source unknown (empty). Nothing is checked;
    /// [`Installer::status`](crate::Installer::status) reads what is really there.
    pub fn existing(
        path: impl Into<PathBuf>,
        target: impl Into<String>,
        mode: Mode,
        rustc: impl Into<String>,
    ) -> Self {
        Sysroot {
            path: path.into(),
            target: target.into(),
            mode,
            rustc: rustc.into(),
            source: String::new(),
            status: InstallStatus::AlreadyInstalled,
            toolchain: None,
        }
    }

    /// `<sysroot>/lib/rustlib/<target>`: the installed files.
    pub fn target_dir(&self) -> PathBuf {
        self.path.join(target_dir(&self.target))
    }

    /// The rustc flags that target builds need: `--sysroot <path>` in private mode, nothing in
    /// toolchain and linked mode. Give them to target units only (cargo's
    /// `target.<triple>.rustflags`), so that build scripts and proc-macros keep the normal
    /// sysroot.
    ///
    /// Fails with [`Error::SysrootPathNotUtf8`] for a private sysroot whose path is not valid
    /// UTF-8: cargo takes rustflags only as UTF-8 text, so no flag could name it. The methods
    /// below that build on these flags fail the same way.
    pub fn rustflags(&self) -> Result<Vec<String>, Error> {
        match self.mode {
            Mode::Private => {
                let path = self
                    .path
                    .to_str()
                    .ok_or_else(|| Error::SysrootPathNotUtf8 {
                        path: self.path.clone(),
                    })?;
                Ok(vec!["--sysroot".into(), path.to_string()])
            }
            Mode::Toolchain | Mode::Linked => Ok(Vec::new()),
        }
    }

    /// [`Sysroot::rustflags`] as TOML strings, for cargo's configuration.
    fn toml_rustflags(&self) -> Result<String, Error> {
        let flags: Vec<String> = self.rustflags()?.iter().map(|f| toml_string(f)).collect();
        Ok(flags.join(", "))
    }

    /// A `.cargo/config.toml` snippet applying [`Sysroot::rustflags`] to the target.
    pub fn cargo_config(&self) -> Result<String, Error> {
        Ok(format!(
            "[target.{}]\nrustflags = [{}]\n",
            self.target,
            self.toml_rustflags()?
        ))
    }

    /// The same as a `cargo --config` argument (quoting handles paths with spaces).
    pub fn cargo_config_arg(&self) -> Result<String, Error> {
        Ok(format!(
            "target.{}.rustflags=[{}]",
            self.target,
            self.toml_rustflags()?
        ))
    }

    /// The environment variable form: `CARGO_TARGET_<TRIPLE>_RUSTFLAGS` (space-separated, so
    /// prefer [`Sysroot::cargo_config_arg`] when the path may contain spaces).
    pub fn cargo_env(&self) -> Result<(String, String), Error> {
        let name = format!(
            "CARGO_TARGET_{}_RUSTFLAGS",
            self.target.to_ascii_uppercase().replace(['-', '.'], "_")
        );
        Ok((name, self.rustflags()?.join(" ")))
    }

    /// [`Sysroot::cargo_env`] as a POSIX shell line: `export NAME='value'`.
    pub fn cargo_env_export(&self) -> Result<String, Error> {
        let (name, value) = self.cargo_env()?;
        Ok(format!("export {name}={}", shell_quote(&value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_and_an_unknown_one_is_an_invalid_mode() {
        assert_eq!(" Toolchain ".parse::<Mode>().unwrap(), Mode::Toolchain);
        assert_eq!("private".parse::<Mode>().unwrap(), Mode::Private);
        assert_eq!("linked".parse::<Mode>().unwrap(), Mode::Linked);
        assert_eq!(Mode::Linked.to_string(), "linked");
        match "system".parse::<Mode>() {
            Err(e @ Error::InvalidMode { .. }) => {
                let text = e.to_string();
                assert!(text.starts_with("unknown install mode 'system'"), "{text}");
                assert!(text.contains("\nhelp: set XOUS_SYSROOT_MODE"), "{text}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_existing_sysroot_gives_the_same_flags_as_an_installed_one() {
        let s = Sysroot::existing(
            "/opt/my sysroot",
            "riscv32imac-unknown-xous-elf",
            Mode::Private,
            "1.96.0",
        );
        assert_eq!(s.status, InstallStatus::AlreadyInstalled);
        assert_eq!(s.rustflags().unwrap(), ["--sysroot", "/opt/my sysroot"]);
        assert_eq!(
            s.cargo_config_arg().unwrap(),
            "target.riscv32imac-unknown-xous-elf.rustflags=[\"--sysroot\", \"/opt/my sysroot\"]"
        );
        assert_eq!(
            s.cargo_env_export().unwrap(),
            "export CARGO_TARGET_RISCV32IMAC_UNKNOWN_XOUS_ELF_RUSTFLAGS='--sysroot /opt/my sysroot'"
        );
        let t = Sysroot::existing("/usr/lib/rust", "x", Mode::Toolchain, "1.96.0");
        assert_eq!(
            t.cargo_env_export().unwrap(),
            "export CARGO_TARGET_X_RUSTFLAGS=''"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_private_sysroot_whose_path_is_not_utf8_gives_no_flags_but_an_error_naming_it() {
        use std::os::unix::ffi::OsStrExt;
        let path = PathBuf::from(std::ffi::OsStr::from_bytes(b"/opt/sys\xffroot"));
        let s = Sysroot::existing(&path, "x", Mode::Private, "1.96.0");
        let results = [
            s.rustflags().map(|_| ()),
            s.cargo_config().map(|_| ()),
            s.cargo_config_arg().map(|_| ()),
            s.cargo_env().map(|_| ()),
            s.cargo_env_export().map(|_| ()),
        ];
        for r in results {
            match r {
                Err(e @ Error::SysrootPathNotUtf8 { .. }) => {
                    let text = e.to_string();
                    assert!(text.contains(r#"'/opt/sys\xFFroot'"#), "{text}");
                    assert!(text.contains("\nhelp: "), "{text}");
                }
                other => panic!("{other:?}"),
            }
        }
        // Toolchain and linked mode pass no path: nothing to refuse.
        let t = Sysroot::existing(&path, "x", Mode::Linked, "1.96.0");
        assert_eq!(t.rustflags().unwrap(), Vec::<String>::new());
    }
}
