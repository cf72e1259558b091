//! The user's cargo configuration, as far as `cargo xous` must respect it, and the plan: what
//! to add to cargo's command line and environment so that target units (and doctests) get
//! `--sysroot` and every flag the user set stays in effect.
//!
//! Cargo takes rustflags from the first of: `CARGO_ENCODED_RUSTFLAGS`, `RUSTFLAGS`, the
//! target-specific ones (`target.<triple>.rustflags`, `CARGO_TARGET_<TRIPLE>_RUSTFLAGS` and every
//! matching `target.'cfg(…)'.rustflags`, joined), `build.rustflags`; rustdoc's flags the same way
//! with `RUSTDOCFLAGS` and `rustdocflags`. [`probe`] asks cargo-config2 which of these apply to
//! the target (it evaluates `cfg(…)` with the rustc of the build); cargo itself merges the values.
//! So, for each kind:
//! * with `RUSTFLAGS` or `CARGO_ENCODED_RUSTFLAGS` set, the sysroot flags are folded into
//!   `CARGO_ENCODED_RUSTFLAGS` (with a target given, cargo applies them to target units only);
//! * with target-specific flags in effect, ours are added as `--config target.<triple>.rustflags`,
//!   which cargo joins to the user's arrays;
//! * otherwise as `--config build.rustflags`, which cargo joins to the user's `build.rustflags`
//!   from every file, `include`, `CARGO_BUILD_RUSTFLAGS` and `--config` (with a target given,
//!   cargo applies them to target units only).
//!
//! A value written as one string is not joined by cargo but replaced, so then ours go in as that
//! string plus our flags.

mod layers;
mod probe;

use std::path::{Path, PathBuf};

use toml::Value;

use layers::{Layer, Origin};
pub use probe::CfgRustc;

/// What the user's configuration files, `--config` options and environment say.
#[derive(Debug, Default)]
pub struct UserConfig {
    /// `build.target`.
    pub build_target: Option<String>,
    /// `build.rustc`, resolved against the configuration file it came from.
    pub build_rustc: Option<PathBuf>,
    /// Every configuration layer, lowest precedence first.
    layers: Vec<Layer>,
    /// The `CARGO*` and `RUST*` environment variables.
    env: Vec<(String, String)>,
    /// Where cargo runs.
    cwd: PathBuf,
    /// `$CARGO_HOME`.
    cargo_home: Option<PathBuf>,
}

/// The two kinds of compiler flags cargo configures alike.
#[derive(Debug, Clone, Copy)]
pub enum Flags {
    /// rustc's: `rustflags`, `RUSTFLAGS`.
    Rustc = 0,
    /// rustdoc's: `rustdocflags`, `RUSTDOCFLAGS` (doctests and `cargo doc`).
    Rustdoc = 1,
}

impl Flags {
    const ALL: [Flags; 2] = [Flags::Rustc, Flags::Rustdoc];

    /// The configuration key.
    fn key(self) -> &'static str {
        match self {
            Flags::Rustc => "rustflags",
            Flags::Rustdoc => "rustdocflags",
        }
    }

    /// The plain environment variable.
    fn env(self) -> &'static str {
        match self {
            Flags::Rustc => "RUSTFLAGS",
            Flags::Rustdoc => "RUSTDOCFLAGS",
        }
    }

    /// The `\x1f`-separated environment variable, which wins over the plain one.
    fn encoded_env(self) -> String {
        format!("CARGO_ENCODED_{}", self.env())
    }

    /// The environment variable for `build.<key>`.
    fn build_env(self) -> String {
        format!("CARGO_BUILD_{}", self.env())
    }
}

impl UserConfig {
    /// The configuration cargo will see when run here with `cli_configs` (the values of the
    /// user's `--config` options, in order).
    pub fn load(cli_configs: &[String]) -> Result<UserConfig, String> {
        let cwd = std::env::current_dir().map_err(|e| format!("no current directory: {e}"))?;
        let cargo_home = cargo_config2::cargo_home_with_cwd(&cwd);
        // vars() panics on any variable that is not UTF-8; cargo reports its own such variables.
        let env = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .filter(|(k, _)| k.starts_with("CARGO") || k.starts_with("RUST"))
            .collect();
        UserConfig::load_in(cwd, cargo_home, env, cli_configs)
    }

    /// [`UserConfig::load`] for cargo run in `cwd` with `cargo_home` and the `env` variables.
    pub fn load_in(
        cwd: PathBuf,
        cargo_home: Option<PathBuf>,
        env: Vec<(String, String)>,
        cli_configs: &[String],
    ) -> Result<UserConfig, String> {
        let layers = layers::load(&cwd, cargo_home.as_deref(), cli_configs)?;
        let mut config = UserConfig {
            layers,
            env,
            cwd,
            cargo_home,
            ..UserConfig::default()
        };
        if let Some((value, _)) = config.build_value("target", "CARGO_BUILD_TARGET") {
            config.build_target =
                match value {
                    Value::String(s) => Some(s),
                    Value::Array(a) if a.len() == 1 => a[0].as_str().map(str::to_string),
                    _ => return Err(
                        "cargo xous builds for one target at a time; `build.target` lists several"
                            .into(),
                    ),
                };
        }
        if let Some((Value::String(r), base)) = config.build_value("rustc", "CARGO_BUILD_RUSTC") {
            config.build_rustc = Some(config_path(&r, &base));
        }
        Ok(config)
    }

    /// `build.<key>` with cargo's precedence: files (and their includes), then the environment
    /// variable `env`, then `--config`; with the directory a relative path is relative to.
    fn build_value(&self, key: &str, env: &str) -> Option<(Value, PathBuf)> {
        let last = |cli: bool| {
            self.layers
                .iter()
                .rev()
                .filter(|l| matches!(l.origin, Origin::Cli(_)) == cli)
                .find_map(|l| Some((layers::get(l, "build", key)?.clone(), l.base.clone())))
        };
        last(true)
            .or_else(|| {
                let value = self.env_var(env)?;
                Some((Value::String(value.to_string()), self.cwd.clone()))
            })
            .or_else(|| last(false))
    }

    fn env_var(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `RUSTFLAGS` / `CARGO_ENCODED_RUSTFLAGS` (or the rustdoc pair), when set: they replace
    /// all config flags of their kind.
    fn env_flags(&self, kind: Flags) -> Option<Vec<String>> {
        if let Some(v) = self.env_var(&kind.encoded_env()) {
            return Some(
                v.split('\x1f')
                    .filter(|f| !f.is_empty())
                    .map(str::to_string)
                    .collect(),
            );
        }
        self.env_var(kind.env())
            .map(|v| v.split_whitespace().map(str::to_string).collect())
    }

    /// The highest-precedence `<table>.<key>`, when written as one string (cargo replaces
    /// strings instead of joining them). `table` is `build` or a target's name.
    fn string_value(&self, table: &[&str], key: &str) -> Option<&str> {
        self.layers.iter().rev().find_map(|l| {
            let mut v = l.table.get(table[0])?;
            for t in &table[1..] {
                v = v.get(t)?;
            }
            match v.get(key)? {
                Value::String(s) => Some(Some(s.as_str())),
                _ => Some(None),
            }
        })?
    }

    /// Adds `ours` to the flags of `kind` without losing the user's: see the module docs.
    fn add_flags(
        &self,
        kind: Flags,
        name: &str,
        target_specific: bool,
        ours: &[String],
        config_args: &mut Vec<String>,
        env: &mut Vec<(String, Option<String>)>,
    ) -> Result<(), String> {
        let config_key = kind.key();
        if let Some(theirs) = self.env_flags(kind) {
            let all: Vec<String> = theirs.iter().chain(ours).cloned().collect();
            env.push((kind.encoded_env(), Some(all.join("\x1f"))));
            env.push((kind.env().to_string(), None));
            return Ok(());
        }
        let (path, table): (String, Vec<&str>) = if target_specific {
            (format!("target.{}", toml_key(name)), vec!["target", name])
        } else {
            ("build".to_string(), vec!["build"])
        };
        if let Some(theirs) = self.string_value(&table, config_key) {
            if ours.iter().any(|f| f.contains(char::is_whitespace)) {
                return Err(format!(
                    "the libstd sysroot path has a space in it, and your `{path}.{config_key}` is one string, which cargo splits at spaces\nhelp: write it as an array ({config_key} = [\"…\"]), or set XOUS_SYSROOT_CACHE_DIR to a path without spaces"
                ));
            }
            let all = format!("{theirs} {}", ours.join(" "));
            config_args.push(format!("{path}.{config_key}={}", Value::String(all)));
        } else {
            config_args.push(format!("{path}.{config_key}={}", toml_array(ours)));
        }
        Ok(())
    }
}

/// What to add to the cargo command.
#[derive(Debug, PartialEq, Eq)]
pub struct Plan {
    /// The target (a triple or a target-JSON path).
    pub target: String,
    /// Whether `--target` must be added (none on the command line, none in `build.target`).
    pub add_target: bool,
    /// `--config` values to add.
    pub config_args: Vec<String>,
    /// Environment changes for cargo: set (`Some`) or remove (`None`).
    pub env: Vec<(String, Option<String>)>,
}

impl Plan {
    /// The additions for `target`, with `sysroot_flags` for target units and `runner` when the
    /// subcommand runs programs; `rustc` decides the user's `target.'cfg(…)'` tables.
    pub fn new(
        user: &UserConfig,
        target: &str,
        cli_target: bool,
        sysroot_flags: &[String],
        runner: Option<&Path>,
        rustc: &CfgRustc,
    ) -> Result<Plan, String> {
        let name = config_name(target);
        let mut config_args = Vec::new();
        let mut env = Vec::new();
        let needs_flags = !sysroot_flags.is_empty();
        let settings = if runner.is_some()
            || (needs_flags && Flags::ALL.iter().any(|&k| user.env_flags(k).is_none()))
        {
            probe::target_settings(
                &user.cwd,
                user.cargo_home.as_deref(),
                &user.env,
                &user.layers,
                target,
                rustc,
            )?
        } else {
            probe::TargetSettings::default()
        };
        if needs_flags {
            for kind in Flags::ALL {
                user.add_flags(
                    kind,
                    &name,
                    settings.flags[kind as usize],
                    sysroot_flags,
                    &mut config_args,
                    &mut env,
                )?;
            }
        }
        if let Some(runner) = runner {
            if !settings.runner {
                let runner = runner.display().to_string();
                config_args.push(format!(
                    "target.{}.runner={}",
                    toml_key(&name),
                    toml_array(&[runner])
                ));
            }
        }
        Ok(Plan {
            target: target.to_string(),
            add_target: !cli_target && user.build_target.is_none(),
            config_args,
            env,
        })
    }
}

/// The name of `target` in configuration keys: the triple, or a target JSON's file stem.
fn config_name(target: &str) -> String {
    if target.ends_with(".json") {
        Path::new(target)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| target.to_string())
    } else {
        target.to_string()
    }
}

/// A TOML key: bare when it can be, quoted otherwise.
fn toml_key(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        name.to_string()
    } else {
        Value::String(name.to_string()).to_string()
    }
}

fn toml_array(items: &[String]) -> String {
    Value::Array(items.iter().map(|s| Value::String(s.clone())).collect()).to_string()
}

/// A path from a configuration file: relative ones with a `/` are relative to the directory
/// holding `.cargo/`; bare names are looked up on `PATH` by whoever runs them.
fn config_path(value: &str, base: &Path) -> PathBuf {
    let path = Path::new(value);
    if path.is_relative() && path.components().count() > 1 {
        base.join(path)
    } else {
        path.to_path_buf()
    }
}

#[cfg(test)]
mod tests;
