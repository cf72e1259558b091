//! The result of an install: where the libstd is and how cargo should use it.

use std::path::PathBuf;

use crate::component::target_dir;

/// How the library is installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// In a per-release sysroot under the cache directory, outside every directory rustup
    /// owns; target builds use it through `--sysroot` (see [`Sysroot::rustflags`]).
    #[default]
    Private,
    /// Into the compiler's own sysroot, `$(rustc --print sysroot)/lib/rustlib/<target>`, where
    /// cargo finds it with no flags. rustup's files are never edited.
    Toolchain,
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "private" => Ok(Mode::Private),
            "toolchain" => Ok(Mode::Toolchain),
            other => Err(format!(
                "unknown install mode '{other}': expected 'private' or 'toolchain'"
            )),
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Mode::Private => "private",
            Mode::Toolchain => "toolchain",
        })
    }
}

/// Whether this call installed anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallStatus {
    /// A matching, complete install was already there.
    AlreadyInstalled,
    /// This call installed it.
    Installed,
}

/// An installed libstd.
#[derive(Debug, Clone, PartialEq, Eq)]
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
}

impl Sysroot {
    /// `<sysroot>/lib/rustlib/<target>`: the installed files.
    pub fn target_dir(&self) -> PathBuf {
        self.path.join(target_dir(&self.target))
    }

    /// The rustc flags that target builds need: `--sysroot <path>` in private mode, nothing in
    /// toolchain mode. Give them to target units only (cargo's `target.<triple>.rustflags`), so
    /// that build scripts and proc-macros keep the normal sysroot.
    pub fn rustflags(&self) -> Vec<String> {
        match self.mode {
            Mode::Private => vec!["--sysroot".into(), self.path.display().to_string()],
            Mode::Toolchain => Vec::new(),
        }
    }

    /// A `.cargo/config.toml` snippet applying [`Sysroot::rustflags`] to the target.
    pub fn cargo_config(&self) -> String {
        let flags: Vec<String> = self.rustflags().iter().map(|f| toml_string(f)).collect();
        format!(
            "[target.{}]\nrustflags = [{}]\n",
            self.target,
            flags.join(", ")
        )
    }

    /// The same as a `cargo --config` argument (quoting handles paths with spaces).
    pub fn cargo_config_arg(&self) -> String {
        let flags: Vec<String> = self.rustflags().iter().map(|f| toml_string(f)).collect();
        format!("target.{}.rustflags=[{}]", self.target, flags.join(", "))
    }

    /// The environment variable form: `CARGO_TARGET_<TRIPLE>_RUSTFLAGS` (space-separated, so
    /// prefer [`Sysroot::cargo_config_arg`] when the path may contain spaces).
    pub fn cargo_env(&self) -> (String, String) {
        let name = format!(
            "CARGO_TARGET_{}_RUSTFLAGS",
            self.target.to_ascii_uppercase().replace(['-', '.'], "_")
        );
        (name, self.rustflags().join(" "))
    }
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}
