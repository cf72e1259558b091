//! The one cargo process of a libstd build: its command line (vendored or registry sources),
//! its environment (scrubbed of the caller's cargo settings; `RUSTC_BOOTSTRAP=1` for this
//! process only), and the rlibs read from its JSON messages.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::plan::Plan;
use super::recipe::CargoRecipe;
use super::{LibstdBuilder, LibstdError};

/// How many lines of cargo's stderr a [`LibstdError::CargoFailed`] carries.
const STDERR_TAIL_LINES: usize = 60;

impl LibstdBuilder<'_> {
    /// The cargo command of the build: the fork's job ([`CargoRecipe`]) plus what is local to
    /// this machine (manifest and target directory, vendored source, a scrubbed environment,
    /// the C compiler). Nothing is run.
    pub(super) fn cargo_command(&self, plan: &Plan, target_dir: &Path) -> Command {
        let recipe = CargoRecipe::of(self.profile, &plan.features, self.remap_path_prefix);
        let mut cmd = Command::new(&plan.cargo);
        cmd.arg("build")
            .arg("--manifest-path")
            .arg(&plan.src.entry_manifest)
            .arg("--target")
            .arg(&self.target)
            .args(&recipe.args)
            // Keeps dev-dependencies (rand, ...) out of the resolve, so that a vendor
            // directory holding only what libstd needs is enough.
            .arg("-Zavoid-dev-deps")
            .arg("--target-dir")
            .arg(target_dir)
            .arg("--locked")
            .arg("--message-format=json-render-diagnostics");
        if let Some(vendor) = &plan.vendor_dir {
            let dir = serde_json::to_string(&vendor.to_string_lossy())
                .expect("a string serializes to JSON");
            cmd.arg("--offline")
                .arg("--config")
                .arg("source.crates-io.replace-with=\"xous-sysroot-build-vendor\"")
                .arg("--config")
                .arg(format!("source.xous-sysroot-build-vendor.directory={dir}"));
        } else if self.offline == Some(false) {
            // Asked to use the network: a CARGO_NET_OFFLINE of the caller does not apply.
            cmd.env("CARGO_NET_OFFLINE", "false");
        }
        // Cargo reads `.cargo/config.toml` from the working directory upwards: run it
        // in the library workspace, away from whatever project called us.
        cmd.current_dir(&plan.src.library);
        scrub_env(&mut cmd);
        // The recipe's environment (RUSTC_BOOTSTRAP=1 among it) is this command's only, never
        // this process's. The flags go encoded so that remapped paths may hold spaces.
        cmd.env("RUSTC", &plan.rustc.path)
            .envs(&recipe.env)
            .env("CARGO_ENCODED_RUSTFLAGS", plan.rustflags.join("\u{1f}"));
        if let (Some(cc), Some(rt)) = (&plan.c_compiler, &plan.compiler_rt_root) {
            let var = self.target.replace(['-', '.'], "_");
            cmd.env(format!("CC_{var}"), cc)
                .env("RUST_COMPILER_RT_ROOT", rt);
            if let Some(ar) = archiver_beside(cc) {
                cmd.env(format!("AR_{var}"), ar);
            }
        }
        if !self.show_cargo_output {
            cmd.env("CARGO_TERM_COLOR", "never")
                .env("CARGO_TERM_PROGRESS_WHEN", "never");
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(if self.show_cargo_output {
                Stdio::inherit()
            } else {
                Stdio::piped()
            });
        cmd
    }

    /// Runs cargo; returns the rlibs it reported, `sysroot` dummy excluded.
    pub(super) fn run_cargo(
        &self,
        plan: &Plan,
        target_dir: &Path,
    ) -> Result<Vec<PathBuf>, LibstdError> {
        let mut cmd = self.cargo_command(plan, target_dir);
        let command_line = describe_command(&cmd);
        let mut child = cmd.spawn().map_err(|source| LibstdError::CargoNotFound {
            cargo: plan.cargo.clone(),
            release: plan.rustc.release().to_owned(),
            source,
        })?;
        let stderr_reader = child.stderr.take().map(|mut err| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = err.read_to_end(&mut buf);
                buf
            })
        });
        let mut rlibs = Vec::new();
        let mut reported = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            for line in BufReader::new(stdout).lines() {
                let line =
                    line.map_err(|e| LibstdError::io("read cargo output of", &plan.cargo, e))?;
                let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
                    continue;
                };
                if msg["reason"] != "compiler-artifact" {
                    continue;
                }
                let name = msg["target"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                reported.push(name.clone());
                if name == "sysroot" {
                    continue;
                }
                for file in msg["filenames"].as_array().into_iter().flatten() {
                    if let Some(f) = file.as_str().filter(|f| f.ends_with(".rlib")) {
                        rlibs.push(PathBuf::from(f));
                    }
                }
            }
        }
        let status = child
            .wait()
            .map_err(|e| LibstdError::io("wait for", &plan.cargo, e))?;
        let stderr = stderr_reader
            .and_then(|t| t.join().ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        if !status.success() {
            return Err(LibstdError::CargoFailed {
                command: command_line,
                status,
                stderr_tail: tail(&stderr, STDERR_TAIL_LINES),
            });
        }
        for required in ["core", "alloc", "std"] {
            let prefix = format!("lib{required}-");
            let found = rlibs.iter().any(|r| {
                r.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix))
            });
            if !found {
                return Err(LibstdError::MissingArtifact {
                    missing: required.to_owned(),
                    target: self.target.clone(),
                    found: reported.join(", "),
                });
            }
        }
        rlibs.sort();
        rlibs.dedup();
        Ok(rlibs)
    }
}

/// Removes the variables through which a calling cargo (build script, `cargo test`)
/// or the user's shell would change the libstd build: target dir, profiles, rustflags,
/// wrappers, build target. Registry, network and terminal settings stay.
fn scrub_env(cmd: &mut Command) {
    const KEEP_PREFIXES: [&str; 6] = [
        "CARGO_HOME",
        "CARGO_NET_",
        "CARGO_HTTP_",
        "CARGO_REGISTRIES_",
        "CARGO_REGISTRY_",
        "CARGO_TERM_",
    ];
    const REMOVE_EXACT: [&str; 7] = [
        "RUSTC",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTFLAGS",
        "RUSTDOCFLAGS",
        "RUSTC_LINKER",
        "CARGO",
    ];
    for (key, _) in std::env::vars_os() {
        let Some(k) = key.to_str() else { continue };
        let cargo_var = k.starts_with("CARGO_") && !KEEP_PREFIXES.iter().any(|p| k.starts_with(p));
        if cargo_var || k.starts_with("__CARGO") || REMOVE_EXACT.contains(&k) {
            cmd.env_remove(OsString::from(k));
        }
    }
}

/// The archiver of the C compiler `cc`, as the fork's job pairs `riscv-none-embed-gcc` with
/// `riscv-none-embed-ar`: `<prefix>ar` beside `<prefix>gcc`/`<prefix>cc`, `llvm-ar` beside
/// `clang`, if it exists. Otherwise the `cc` crate chooses.
fn archiver_beside(cc: &Path) -> Option<PathBuf> {
    let name = cc.file_name()?.to_str()?;
    let ar = if name.starts_with("clang") {
        "llvm-ar".to_owned()
    } else {
        let prefix = name
            .strip_suffix("gcc")
            .or_else(|| name.strip_suffix("cc"))?;
        format!("{prefix}ar")
    };
    let path = cc.with_file_name(ar);
    path.is_file().then_some(path)
}

/// The command line, quoted enough for a person to re-run it.
fn describe_command(cmd: &Command) -> String {
    let mut parts = Vec::new();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            let v = v.to_string_lossy().replace('\u{1f}', " ");
            parts.push(format!("{}={:?}", k.to_string_lossy(), v));
        }
    }
    parts.push(cmd.get_program().to_string_lossy().into_owned());
    for a in cmd.get_args() {
        let a = a.to_string_lossy();
        if a.contains([' ', '"']) {
            parts.push(format!("'{a}'"));
        } else {
            parts.push(a.into_owned());
        }
    }
    parts.join(" ")
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests;
