//! The user's cargo configuration, as far as `cargo xous` must respect it (`build.target`,
//! `build.rustc`, `build.rustflags`, `target.*.rustflags`, `target.*.runner`, `RUSTFLAGS`, and
//! the same for rustdoc), and the plan: what to add to cargo's command line and environment so
//! that target units (and doctests) get `--sysroot` and every flag the user set stays in effect.
//!
//! Cargo takes rustflags from the first of: `CARGO_ENCODED_RUSTFLAGS`, `RUSTFLAGS`, the
//! matching `target.<triple>.rustflags` and `target.<cfg>.rustflags` (joined), `build.rustflags`;
//! rustdoc's flags the same way with `RUSTDOCFLAGS` and `rustdocflags`. So, for each:
//! * with `RUSTFLAGS` or `CARGO_ENCODED_RUSTFLAGS` set, the sysroot flags are folded into
//!   `CARGO_ENCODED_RUSTFLAGS` (with a target given, cargo applies them to target units only);
//! * with target rustflags configured, ours are added as `--config target.<triple>.rustflags`,
//!   which cargo joins to the user's arrays (a value written as one string is not joined but
//!   replaced, so then ours go in as that string plus our flags);
//! * otherwise ours go to `target.<triple>.rustflags` too, which would hide `build.rustflags`,
//!   so those are copied in front of ours.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use toml::{Table, Value};

/// What the user's configuration files, `--config` options and environment say.
#[derive(Debug, Default)]
pub struct UserConfig {
    /// `build.target`.
    pub build_target: Option<String>,
    /// `build.rustc`, resolved against the configuration file it came from.
    pub build_rustc: Option<PathBuf>,
    /// `build.rustflags` and `build.rustdocflags`, merged as cargo merges arrays (lower
    /// precedence first), indexed by [`Flags`].
    build_flags: [Vec<String>; 2],
    /// Every `target` table, lower precedence first.
    target_tables: Vec<Table>,
    /// `RUSTFLAGS` / `CARGO_ENCODED_RUSTFLAGS` (and the rustdoc pair), when set: they replace
    /// all config flags of their kind.
    env_flags: [Option<Vec<String>>; 2],
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
}

impl UserConfig {
    /// Reads `$CARGO_HOME/config.toml`, every `.cargo/config.toml` from the filesystem root down
    /// to the current directory, then `CARGO_*` variables, then `cli_configs` (the values of the
    /// user's `--config` options), in cargo's order of precedence.
    pub fn load(cli_configs: &[String]) -> Result<UserConfig, String> {
        let cwd = std::env::current_dir().map_err(|e| format!("no current directory: {e}"))?;
        let mut layers: Vec<(Table, PathBuf)> = Vec::new();
        let mut files = Vec::new();
        if let Some(home) = cargo_home() {
            files.extend(config_file(&home));
        }
        let mut ancestors: Vec<&Path> = cwd.ancestors().collect();
        ancestors.reverse();
        for dir in ancestors {
            files.extend(config_file(&dir.join(".cargo")));
        }
        files.dedup();
        for file in files {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("could not read {}: {e}", file.display()))?;
            let table: Table = text
                .parse()
                .map_err(|e| format!("could not parse {}: {e}", file.display()))?;
            let base = file
                .parent()
                .and_then(Path::parent)
                .unwrap_or(&cwd)
                .to_path_buf();
            layers.push((table, base));
        }
        layers.push((env_layer(), cwd.clone()));
        for arg in cli_configs {
            let path = Path::new(arg);
            let table: Table = if arg.ends_with(".toml") && path.is_file() {
                std::fs::read_to_string(path)
                    .map_err(|e| format!("could not read {arg}: {e}"))?
                    .parse()
            } else {
                arg.parse()
            }
            .map_err(|e| format!("could not parse --config {arg}: {e}"))?;
            layers.push((table, cwd.clone()));
        }

        let mut config = UserConfig::default();
        for (table, base) in layers {
            if let Some(build) = table.get("build").and_then(Value::as_table) {
                if let Some(t) = build.get("target") {
                    config.build_target = match t {
                        Value::String(s) => Some(s.clone()),
                        Value::Array(a) if a.len() == 1 => a[0].as_str().map(str::to_string),
                        _ => return Err(
                            "cargo xous builds for one target at a time; `build.target` lists several"
                                .into(),
                        ),
                    };
                }
                if let Some(r) = build.get("rustc").and_then(Value::as_str) {
                    config.build_rustc = Some(config_path(r, &base));
                }
                for kind in Flags::ALL {
                    if let Some(flags) = build.get(kind.key()) {
                        config.build_flags[kind as usize].extend(string_list(flags));
                    }
                }
            }
            if let Some(target) = table.get("target").and_then(Value::as_table) {
                config.target_tables.push(target.clone());
            }
        }
        for kind in Flags::ALL {
            config.env_flags[kind as usize] = match std::env::var(kind.encoded_env()) {
                Ok(v) => Some(
                    v.split('\x1f')
                        .filter(|f| !f.is_empty())
                        .map(str::to_string)
                        .collect(),
                ),
                Err(_) => std::env::var(kind.env())
                    .ok()
                    .map(|v| v.split_whitespace().map(str::to_string).collect()),
            };
        }
        Ok(config)
    }

    /// The user's `target.<name>.<key>` when written as one string (cargo replaces strings
    /// instead of joining them): the value of the layer with the highest precedence.
    fn target_string(&self, name: &str, key: &str) -> Option<&str> {
        self.target_tables
            .iter()
            .rev()
            .find_map(|t| t.get(name)?.get(key)?.as_str())
    }

    /// Adds `ours` to the flags of `kind` for target `name` without losing the user's: see the
    /// module docs for the rules.
    fn add_flags(
        &self,
        kind: Flags,
        name: &str,
        key: &str,
        ours: &[String],
        config_args: &mut Vec<String>,
        env: &mut Vec<(String, Option<String>)>,
    ) -> Result<(), String> {
        let config_key = kind.key();
        if let Some(theirs) = &self.env_flags[kind as usize] {
            let all: Vec<String> = theirs.iter().chain(ours).cloned().collect();
            env.push((kind.encoded_env(), Some(all.join("\x1f"))));
            env.push((kind.env().to_string(), None));
        } else if let Some(theirs) = self.target_string(name, config_key) {
            if ours.iter().any(|f| f.contains(char::is_whitespace)) {
                return Err(format!(
                    "the libstd sysroot path has a space in it, and your `target.{name}.{config_key}` is one string, which cargo splits at spaces\nhelp: write it as an array ({config_key} = [\"…\"]), or set XOUS_SYSROOT_CACHE_DIR to a path without spaces"
                ));
            }
            let all = format!("{theirs} {}", ours.join(" "));
            config_args.push(format!("target.{key}.{config_key}={}", Value::String(all)));
        } else {
            let mut flags = Vec::new();
            if !self.has_target_key(name, config_key) {
                flags.extend(self.build_flags[kind as usize].iter().cloned());
            }
            flags.extend(ours.iter().cloned());
            config_args.push(format!("target.{key}.{config_key}={}", toml_array(&flags)));
        }
        Ok(())
    }

    /// Whether any `target.<name>.<key>` or `target.'cfg(…)'.<key>` is set.
    fn has_target_key(&self, name: &str, key: &str) -> bool {
        let env_name = name.to_ascii_uppercase().replace(['-', '.'], "_");
        self.target_tables.iter().any(|t| {
            t.iter().any(|(k, v)| {
                (k == name || *k == env_name || k.starts_with("cfg(")) && v.get(key).is_some()
            })
        })
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
    /// subcommand runs programs.
    pub fn new(
        user: &UserConfig,
        target: &str,
        cli_target: bool,
        sysroot_flags: &[String],
        runner: Option<&Path>,
    ) -> Result<Plan, String> {
        let name = config_name(target);
        let key = toml_key(&name);
        let mut config_args = Vec::new();
        let mut env = Vec::new();
        if !sysroot_flags.is_empty() {
            for kind in Flags::ALL {
                user.add_flags(kind, &name, &key, sysroot_flags, &mut config_args, &mut env)?;
            }
        }
        if let Some(runner) = runner {
            if !user.has_target_key(&name, "runner") {
                let runner = runner.display().to_string();
                config_args.push(format!("target.{key}.runner={}", toml_array(&[runner])));
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

/// `CARGO_BUILD_*` and `CARGO_TARGET_<T>_*` variables as one configuration layer.
fn env_layer() -> Table {
    let mut table = Table::new();
    let mut build = Table::new();
    let mut targets = Table::new();
    // vars() panics on any variable that is not UTF-8; cargo reports its own such variables.
    let utf8 = |(k, v): (OsString, OsString)| Some((k.into_string().ok()?, v.into_string().ok()?));
    for (key, value) in std::env::vars_os().filter_map(utf8) {
        let list = || {
            Value::Array(
                value
                    .split_whitespace()
                    .map(|s| Value::String(s.into()))
                    .collect(),
            )
        };
        match key.as_str() {
            "CARGO_BUILD_TARGET" => {
                build.insert("target".into(), Value::String(value.clone()));
            }
            "CARGO_BUILD_RUSTC" => {
                build.insert("rustc".into(), Value::String(value.clone()));
            }
            "CARGO_BUILD_RUSTFLAGS" | "CARGO_BUILD_RUSTDOCFLAGS" => {
                let field = key["CARGO_BUILD_".len()..].to_ascii_lowercase();
                build.insert(field, list());
            }
            _ => {
                let Some(rest) = key.strip_prefix("CARGO_TARGET_") else {
                    continue;
                };
                for field in ["RUSTFLAGS", "RUSTDOCFLAGS", "RUNNER"] {
                    if let Some(upper) = rest.strip_suffix(&format!("_{field}")) {
                        // The triple in upper case, `_` for `-` and `.`: see `has_target_key`.
                        let entry = targets
                            .entry(upper.to_string())
                            .or_insert_with(|| Value::Table(Table::new()));
                        if let Value::Table(t) = entry {
                            t.insert(field.to_ascii_lowercase(), list());
                        }
                    }
                }
            }
        }
    }
    if !build.is_empty() {
        table.insert("build".into(), Value::Table(build));
    }
    if !targets.is_empty() {
        table.insert("target".into(), Value::Table(targets));
    }
    table
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

/// A cargo string list: an array of strings, or one string split on whitespace.
fn string_list(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => s.split_whitespace().map(str::to_string).collect(),
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
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

fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// `<dir>/config.toml`, else the older `<dir>/config`, when present.
fn config_file(dir: &Path) -> Option<PathBuf> {
    ["config.toml", "config"]
        .iter()
        .map(|name| dir.join(name))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests;
