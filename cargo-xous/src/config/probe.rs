//! Which target-specific settings apply to the target, as cargo-config2 resolves them:
//! `target.<triple>`, `CARGO_TARGET_<TRIPLE>_*`, and every `target.'cfg(…)'` table whose
//! expression holds for the target, evaluated against `rustc --print cfg --target <target>` of
//! the rustc cargo xous selected for the build.
//!
//! cargo-config2 reads the files cargo reads, but not `include`d files and not `--config`
//! options; those layers are written, in their order, as nested `.cargo/config.toml` files in a
//! temporary directory and resolved there as a second configuration.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use cargo_config2::{Config, PathAndArgs, ResolveOptions};

use super::layers::{Layer, Origin};
use super::Flags;

/// Stands in for `build.rustflags`: a resolved value without it came from target settings.
const PROBE_FLAG: &str = "--cfg=cargo_xous_build_flags_probe";

/// The rustc whose `--print cfg` decides `target.'cfg(…)'` tables.
#[derive(Debug, Clone)]
pub struct CfgRustc {
    /// The program.
    pub program: PathBuf,
    /// Arguments before cargo-config2's own (e.g. `run <toolchain> rustc` for rustup).
    pub args: Vec<OsString>,
}

/// What applies to one target.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TargetSettings {
    /// Non-empty target-specific flags, indexed by [`Flags`]: cargo then ignores `build.*flags`.
    pub flags: [bool; 2],
    /// A runner is configured.
    pub runner: bool,
}

/// Resolves the target settings of the walked files plus the environment (`env`, the
/// `CARGO_*`/`RUST*` variables), and of the included and `--config` layers.
pub fn target_settings(
    cwd: &Path,
    cargo_home: Option<&Path>,
    env: &[(String, String)],
    layers: &[Layer],
    target: &str,
    rustc: &CfgRustc,
) -> Result<TargetSettings, String> {
    let main = resolve(cwd, cargo_home, env, target, rustc)?;
    let extra: Vec<&Layer> = layers
        .iter()
        .filter(|l| !matches!(l.origin, Origin::Walked(_)) && l.table.contains_key("target"))
        .collect();
    if extra.is_empty() {
        return Ok(main);
    }
    let other = extra_layers(cwd, cargo_home, &extra, target, rustc)?;
    Ok(TargetSettings {
        flags: [
            main.flags[0] || other.flags[0],
            main.flags[1] || other.flags[1],
        ],
        runner: main.runner || other.runner,
    })
}

/// The included and `--config` layers that have a `target` table, resolved on their own in a
/// temporary directory.
fn extra_layers(
    cwd: &Path,
    cargo_home: Option<&Path>,
    layers: &[&Layer],
    target: &str,
    rustc: &CfgRustc,
) -> Result<TargetSettings, String> {
    let tmp = tempfile::Builder::new()
        .prefix("cargo-xous-config-")
        .tempdir()
        .map_err(|e| format!("could not create a temporary directory: {e}\nhelp: set TMPDIR to a writable directory"))?;
    let mut dir = tmp.path().to_path_buf();
    for (i, layer) in layers.iter().enumerate() {
        // Only the `target` table: nothing else decides what applies to the target.
        let mut table = toml::Table::new();
        if let Some(t) = layer.table.get("target") {
            table.insert("target".into(), t.clone());
        }
        dir = dir.join(i.to_string());
        let file = dir.join(".cargo/config.toml");
        std::fs::create_dir_all(dir.join(".cargo"))
            .and_then(|()| std::fs::write(&file, table.to_string()))
            .map_err(|e| format!("could not write {}: {e}", file.display()))?;
    }
    // Files above the temporary directory (say `/.cargo/config.toml`) are read again; that is
    // harmless only when cargo reads them for the project too.
    let project: Vec<PathBuf> =
        cargo_config2::Walk::with_cargo_home(cwd, cargo_home.map(Path::to_path_buf)).collect();
    if let Some(stray) = cargo_config2::Walk::with_cargo_home(&dir, None)
        .find(|f| !f.starts_with(tmp.path()) && !project.contains(f))
    {
        return Err(format!(
            "cannot resolve your `include`d or `--config` settings: {} lies above the temporary directory {}\nhelp: set TMPDIR to a directory without a `.cargo` above it",
            stray.display(),
            tmp.path().display()
        ));
    }
    resolve(&dir, None, &[], target, rustc)
}

/// cargo-config2's view from `cwd`, with `build.*flags` replaced by [`PROBE_FLAG`].
fn resolve(
    cwd: &Path,
    cargo_home: Option<&Path>,
    env: &[(String, String)],
    target: &str,
    rustc: &CfgRustc,
) -> Result<TargetSettings, String> {
    let mut vars: Vec<(String, String)> = env
        .iter()
        .filter(|(k, _)| {
            !Flags::ALL
                .iter()
                .any(|f| *k == f.env() || *k == f.encoded_env())
        })
        .cloned()
        .collect();
    for kind in Flags::ALL {
        vars.push((kind.build_env(), PROBE_FLAG.to_string()));
    }
    let mut program = PathAndArgs::new(&rustc.program);
    program.args(rustc.args.iter().cloned());
    let options = ResolveOptions::default()
        .env(vars)
        .cargo_home(cargo_home.map(Path::to_path_buf))
        .rustc(program);
    let command: Vec<String> = std::iter::once(rustc.program.as_os_str())
        .chain(rustc.args.iter().map(OsString::as_os_str))
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let failed = |e: cargo_config2::Error| {
        format!(
            "could not resolve the cargo configuration for {target} in {}: {e}\nhelp: check the `[target]` tables of your .cargo/config.toml, and that `{} --print cfg --target {target}` works",
            cwd.display(),
            command.join(" ")
        )
    };
    let config = Config::load_with_options(cwd, options).map_err(failed)?;
    let resolved = config.target(target).map_err(failed)?;
    let from_target = |flags: Option<cargo_config2::Flags>| {
        flags.is_some_and(|f| f.flags != [PROBE_FLAG.to_string()])
    };
    Ok(TargetSettings {
        flags: [
            from_target(resolved.rustflags),
            from_target(resolved.rustdocflags),
        ],
        runner: resolved.runner.is_some(),
    })
}
