//! Building firmware (and the test kernel) for the target with the firmware toolchain
//! against an installed libstd.

use crate::{HarnessError, Toolchain};
use std::path::{Path, PathBuf};
use std::process::Command;
use xous_sysroot::Sysroot;

/// The target every firmware build is for.
pub const TARGET: &str = xous_sysroot::DEFAULT_TARGET;

/// One built executable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// The cargo target name.
    pub name: String,
    /// The ELF file.
    pub path: PathBuf,
    /// Whether it is a libtest binary (`cargo test --no-run`).
    pub test: bool,
}

/// A cargo build of a firmware crate for the target.
#[derive(Debug, Clone)]
pub struct FirmwareBuild {
    manifest: PathBuf,
    toolchain: Toolchain,
    sysroot: Sysroot,
    target_dir: PathBuf,
    release: bool,
    tests: bool,
    args: Vec<String>,
    env: Vec<(String, String)>,
    running: bool,
}

impl FirmwareBuild {
    /// Builds the crate at `manifest` (its `Cargo.toml`) with `toolchain` against
    /// `sysroot`, into `target_dir` (keep it apart from the host build's).
    pub fn new(
        manifest: impl Into<PathBuf>,
        toolchain: &Toolchain,
        sysroot: &Sysroot,
        target_dir: impl Into<PathBuf>,
    ) -> Self {
        FirmwareBuild {
            manifest: manifest.into(),
            toolchain: toolchain.clone(),
            sysroot: sysroot.clone(),
            target_dir: target_dir.into(),
            release: true,
            tests: false,
            args: Vec::new(),
            env: Vec::new(),
            running: false,
        }
    }

    /// Release (default) or dev profile.
    pub fn release(&mut self, release: bool) -> &mut Self {
        self.release = release;
        self
    }

    /// Build the libtest binaries (`cargo test --no-run`) instead of the executables.
    pub fn tests(&mut self, tests: bool) -> &mut Self {
        self.tests = tests;
        self
    }

    /// Extra cargo arguments (`--bin x`, `--features y`, ...).
    pub fn arg(&mut self, arg: impl Into<String>) -> &mut Self {
        self.args.push(arg.into());
        self
    }

    /// An extra environment variable for cargo.
    pub fn env(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// The cargo command this build runs; fails if the sysroot cannot be given to cargo
    /// ([`xous_sysroot::Error::SysrootPathNotUtf8`]).
    pub fn command(&self) -> Result<Command, HarnessError> {
        let mut cmd = Command::new(&self.toolchain.cargo);
        // What a surrounding cargo (a build script, `cargo test`) sets must not leak in.
        xous_sysroot::util::env::scrub_cargo_env(&mut cmd);
        cmd.arg(if self.tests { "test" } else { "build" });
        if self.tests && !self.running {
            cmd.arg("--no-run");
        }
        cmd.arg("--manifest-path").arg(&self.manifest);
        cmd.args([
            "--target",
            &self.sysroot.target,
            "--message-format=json-render-diagnostics",
        ]);
        if self.release {
            cmd.arg("--release");
        }
        cmd.arg("--config").arg(self.sysroot.cargo_config_arg()?);
        cmd.args(&self.args);
        cmd.env("RUSTC", &self.toolchain.rustc);
        cmd.env("CARGO_TARGET_DIR", &self.target_dir);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        Ok(cmd)
    }

    /// Runs `cargo test` for the target with `runner` (e.g. `xous-run` and its options)
    /// as the cargo runner, passing `test_args` to the libtest binaries (filters,
    /// `--exact`, ...). Returns cargo's output whatever the tests' verdict.
    pub fn run_tests(
        &self,
        runner: &[String],
        test_args: &[&str],
    ) -> Result<std::process::Output, HarnessError> {
        let mut this = self.clone();
        this.tests = true;
        this.running = true;
        let mut cmd = this.command()?;
        let runner: Vec<String> = runner
            .iter()
            .map(|r| xous_sysroot::util::toml_string(r))
            .collect();
        cmd.arg("--config").arg(format!(
            "target.{}.runner=[{}]",
            self.sysroot.target,
            runner.join(", ")
        ));
        cmd.arg("--").args(test_args);
        cmd.output().map_err(|e| {
            HarnessError::Toolchain(format!(
                "could not run `{}`: {e}",
                self.toolchain.cargo.display()
            ))
        })
    }

    /// Runs cargo and returns the executables it produced.
    pub fn build(&self) -> Result<Vec<Artifact>, HarnessError> {
        let mut cmd = self.command()?;
        let line = xous_sysroot::util::command_line(&cmd);
        let what = self.manifest.display().to_string();
        let out = cmd.output().map_err(|e| {
            HarnessError::Toolchain(format!(
                "could not run the firmware cargo `{}`: {e}\nhelp: set XOUS_FIRMWARE_CARGO to the cargo that matches the firmware rustc",
                self.toolchain.cargo.display()
            ))
        })?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let tail: Vec<&str> = stderr.lines().rev().take(60).collect();
            let output = tail.into_iter().rev().collect::<Vec<_>>().join("\n");
            return Err(HarnessError::Build {
                what,
                command: line,
                output,
            });
        }
        let artifacts = parse_artifacts(&String::from_utf8_lossy(&out.stdout));
        if artifacts.is_empty() {
            return Err(HarnessError::Build {
                what,
                command: line,
                output: "cargo succeeded but reported no executable".into(),
            });
        }
        Ok(artifacts)
    }
}

/// Executables in cargo's `--message-format=json` output.
fn parse_artifacts(json_lines: &str) -> Vec<Artifact> {
    json_lines
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["reason"] == "compiler-artifact")
        .filter_map(|v| {
            Some(Artifact {
                name: v["target"]["name"].as_str()?.to_string(),
                path: PathBuf::from(v["executable"].as_str()?),
                test: v["profile"]["test"].as_bool().unwrap_or(false),
            })
        })
        .collect()
}

/// Source directory of the test kernel (shipped inside this crate).
pub fn kernel_source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("kernel")
}

/// Builds the test kernel with `toolchain` against `sysroot` (it needs only `core`) into
/// `target_dir`; cargo makes this a quick no-op when nothing changed.
pub fn build_kernel(
    toolchain: &Toolchain,
    sysroot: &Sysroot,
    target_dir: &Path,
) -> Result<PathBuf, HarnessError> {
    let built = FirmwareBuild::new(
        kernel_source().join("Cargo.toml"),
        toolchain,
        sysroot,
        target_dir,
    )
    .build()?;
    Ok(built
        .into_iter()
        .next()
        .expect("build() returns at least one artifact")
        .path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifacts_come_from_cargo_json() {
        let json = r#"{"reason":"compiler-artifact","target":{"name":"hello","kind":["bin"]},"profile":{"test":false},"executable":"/t/hello"}
{"reason":"compiler-artifact","target":{"name":"dep","kind":["lib"]},"profile":{"test":false},"executable":null}
{"reason":"compiler-artifact","target":{"name":"suite","kind":["test"]},"profile":{"test":true},"executable":"/t/suite-1a2b"}
{"reason":"build-finished","success":true}"#;
        let a = parse_artifacts(json);
        assert_eq!(a.len(), 2);
        assert_eq!(
            a[0],
            Artifact {
                name: "hello".into(),
                path: "/t/hello".into(),
                test: false
            }
        );
        assert!(a[1].test);
    }
}
