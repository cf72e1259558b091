//! The user's configuration as cargo layers it, lowest precedence first: the files cargo reads
//! (found by cargo-config2's walk: `$CARGO_HOME/config.toml` once, then each `.cargo/config.toml`
//! from the filesystem root down to the current directory), each preceded by the files its
//! `include` names, then the values of the user's `--config` options. Read as plain TOML for the
//! few keys whose form matters (`build.target`, `build.rustc`, and whether a flags value is one
//! string); cargo-config2 resolves the rest.

use std::path::{Path, PathBuf};

use toml::{Table, Value};

/// Where a layer came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file cargo finds on its own (`$CARGO_HOME` or a `.cargo` directory).
    Walked(PathBuf),
    /// A file named by `include` in another configuration file.
    Included(PathBuf),
    /// A `--config` option: `KEY=VALUE`, or the path of a TOML file.
    Cli(String),
}

/// One configuration source.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Its contents.
    pub table: Table,
    /// The directory its relative paths are relative to.
    pub base: PathBuf,
    /// Where it came from.
    pub origin: Origin,
}

/// Every layer for a cargo run in `cwd` with `cargo_home`, lowest precedence first.
pub fn load(
    cwd: &Path,
    cargo_home: Option<&Path>,
    cli_configs: &[String],
) -> Result<Vec<Layer>, String> {
    let walked: Vec<PathBuf> =
        cargo_config2::Walk::with_cargo_home(cwd, cargo_home.map(Path::to_path_buf)).collect();
    let mut layers = Vec::new();
    for file in walked.iter().rev() {
        push_file(&mut layers, file, Origin::Walked(file.clone()), 0)?;
    }
    for arg in cli_configs {
        let path = cwd.join(arg);
        let table = if arg.ends_with(".toml") && path.is_file() {
            read_toml(&path)?
        } else {
            arg.parse::<Table>().map_err(|e| {
                format!(
                    "could not parse `--config {arg}` as a TOML `KEY=VALUE` or a TOML file: {e}"
                )
            })?
        };
        layers.push(Layer {
            table,
            base: cwd.to_path_buf(),
            origin: Origin::Cli(arg.clone()),
        });
    }
    Ok(layers)
}

/// How deep `include`s may nest before cargo xous assumes a cycle.
const MAX_INCLUDE_DEPTH: usize = 16;

/// `file`, after the files its `include` names (they have lower precedence than `file` itself).
fn push_file(
    layers: &mut Vec<Layer>,
    file: &Path,
    origin: Origin,
    depth: usize,
) -> Result<(), String> {
    let table = read_toml(file)?;
    let dir = file.parent().unwrap_or(Path::new("."));
    for included in include_paths(&table, file)? {
        if depth >= MAX_INCLUDE_DEPTH {
            return Err(format!(
                "the `include`s starting at {} nest deeper than {MAX_INCLUDE_DEPTH} files\nhelp: look for a file that includes itself",
                file.display()
            ));
        }
        let path = dir.join(&included.path);
        if !path.is_file() {
            if included.optional {
                continue;
            }
            return Err(format!(
                "{} includes {}, which does not exist\nhelp: fix the `include` path (it is relative to the including file), or mark it `optional = true`",
                file.display(),
                path.display()
            ));
        }
        push_file(layers, &path, Origin::Included(path.clone()), depth + 1)?;
    }
    // A `.cargo/config.toml`'s paths are relative to the directory holding `.cargo`.
    let base = if dir.file_name().is_some_and(|n| n == ".cargo") {
        dir.parent().unwrap_or(dir)
    } else {
        dir
    };
    layers.push(Layer {
        table,
        base: base.to_path_buf(),
        origin,
    });
    Ok(())
}

/// One entry of `include`.
struct Include {
    path: String,
    optional: bool,
}

/// The entries of `include`: an array of paths and `{ path, optional }` tables (cargo refuses
/// a single string too).
fn include_paths(table: &Table, file: &Path) -> Result<Vec<Include>, String> {
    let bad = || {
        format!(
            "`include` in {} is not an array of paths and `{{ path = \"…\" }}` tables\nhelp: write it as `include = [\"other.toml\"]`",
            file.display()
        )
    };
    let entry = |v: &Value| match v {
        Value::String(path) => Some(Include {
            path: path.clone(),
            optional: false,
        }),
        Value::Table(t) => Some(Include {
            path: t.get("path")?.as_str()?.to_string(),
            optional: t.get("optional").and_then(Value::as_bool).unwrap_or(false),
        }),
        _ => None,
    };
    match table.get("include") {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items.iter().map(|v| entry(v).ok_or_else(bad)).collect(),
        Some(_) => Err(bad()),
    }
}

fn read_toml(path: &Path) -> Result<Table, String> {
    std::fs::read_to_string(path)
        .map_err(|e| format!("could not read {}: {e}", path.display()))?
        .parse()
        .map_err(|e| format!("could not parse {}: {e}", path.display()))
}

/// `key.sub` of a layer, e.g. `("build", "rustflags")`.
pub fn get<'a>(layer: &'a Layer, key: &str, sub: &str) -> Option<&'a Value> {
    layer.table.get(key)?.as_table()?.get(sub)
}
