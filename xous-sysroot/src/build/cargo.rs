//! The one cargo process of a libstd build: its command line (vendored or registry sources),
//! its environment (scrubbed of the caller's cargo settings; `RUSTC_BOOTSTRAP=1` for this
//! process only), and the rlibs read from its JSON messages.

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
        let quoted = |s: &str| serde_json::to_string(s).expect("a string serializes to JSON");
        // Cargo reads `.cargo/config.toml` from the working directory upwards: run it in the
        // library workspace, away from whatever project called us, so that the rust-src's own
        // configuration (rustup's nightly and beta ship one) applies.
        let mut work_dir = plan.src.library.as_path();
        match (&plan.vendor_dir, &plan.vendor_source) {
            // The toolchain's own definition of its vendor directory: use it, never define the
            // same directory twice (cargo refuses "Sources are not allowed to be defined
            // multiple times").
            (Some(_), Some(name)) => {
                cmd.arg("--offline")
                    .arg("--config")
                    .arg(format!("source.crates-io.replace-with={}", quoted(name)));
            }
            (Some(vendor), None) => {
                cmd.arg("--offline")
                    .arg("--config")
                    .arg("source.crates-io.replace-with=\"xous-sysroot-build-vendor\"")
                    .arg("--config")
                    .arg(format!(
                        "source.xous-sysroot-build-vendor.directory={}",
                        quoted(&vendor.to_string_lossy())
                    ));
            }
            (None, _) => {
                if self.offline == Some(false) {
                    // Asked to use the network: a CARGO_NET_OFFLINE of the caller does not apply.
                    cmd.env("CARGO_NET_OFFLINE", "false");
                }
                if plan.src.own_config().is_file() {
                    // From crates.io: the rust-src's configuration would send cargo to its
                    // vendor directory instead; run above it.
                    work_dir = plan.src.root.as_path();
                }
            }
        }
        cmd.current_dir(work_dir);
        crate::env::scrub_cargo_env(&mut cmd);
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
        let command_line = crate::text::command_line(&cmd);
        let mut child = cmd.spawn().map_err(|source| LibstdError::CargoNotFound {
            cargo: plan.cargo.clone(),
            release: plan.rustc.release().to_owned(),
            error: source,
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
                stderr_tail: crate::text::tail(&stderr, STDERR_TAIL_LINES),
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

#[cfg(test)]
mod tests;
