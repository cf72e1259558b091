//! Probing the toolchain for a libstd build: rustc's identity, its rust-src, the target, the
//! linker and a C compiler for the target.

use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::LibstdError;
use crate::{Rustc, RustcVersion};

/// The rustc that builds (and alone can consume) a libstd: its path, its identity as
/// [`RustcVersion`] (the same parser the installer uses), and what a build needs
/// besides.
///
/// A libstd is usable only by the exact rustc that built it: compare `verbose_version` (or at
/// least `version` with its commit hash), never the release alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustcIdentity {
    /// The rustc binary that was probed.
    pub path: PathBuf,
    /// Release, commit hash and date, host, parsed from `rustc -vV`.
    pub version: RustcVersion,
    /// The full output of `rustc -vV` (it also names the LLVM version; hashed into the stamp).
    pub verbose_version: String,
    /// The `host:` line, e.g. `x86_64-unknown-linux-gnu`.
    pub host: String,
    /// `rustc --print sysroot`.
    pub sysroot: PathBuf,
}

impl RustcIdentity {
    /// Runs `rustc -vV` and `rustc --print sysroot` through [`Rustc`].
    pub fn probe(rustc: &Path) -> Result<Self, LibstdError> {
        let verbose_version = run_stdout(rustc, &["-vV"], |source| LibstdError::RustcNotFound {
            rustc: rustc.to_owned(),
            error: source,
        })?;
        let malformed = |detail: String| LibstdError::ToolFailed {
            command: format!("{} -vV", rustc.display()),
            status: detail,
            stderr: verbose_version.clone(),
        };
        let version =
            RustcVersion::parse(&verbose_version).map_err(|e| malformed(e.to_string()))?;
        let host = version
            .host
            .clone()
            .ok_or_else(|| malformed("output has no `host:` line".to_owned()))?;
        let sysroot = Rustc::new(rustc).sysroot()?;
        Ok(RustcIdentity {
            path: rustc.to_owned(),
            version,
            verbose_version,
            host,
            sysroot,
        })
    }

    /// The release, e.g. `1.96.0`.
    pub fn release(&self) -> &str {
        &self.version.release
    }

    /// The directory holding the `library/` a libstd build needs, when this rustc's sysroot
    /// has one (`rust-src`).
    pub fn rust_src(&self) -> Option<PathBuf> {
        RustSrc::locate(self, None).ok().map(|src| src.root)
    }

    /// The rustup toolchain this rustc belongs to: the name of its sysroot when that lies in a
    /// `toolchains` directory (`~/.rustup/toolchains/1.96.0-x86_64-unknown-linux-gnu`).
    pub fn rustup_toolchain(&self) -> Option<String> {
        let sysroot = fs::canonicalize(&self.sysroot).unwrap_or_else(|_| self.sysroot.clone());
        (sysroot.parent()?.file_name()? == "toolchains")
            .then(|| sysroot.file_name())
            .flatten()
            .map(|name| name.to_string_lossy().into_owned())
    }
}

/// Runs `program args` and returns its stdout; a start failure goes through `not_found`.
pub(crate) fn run_stdout(
    program: &Path,
    args: &[&str],
    not_found: impl FnOnce(std::io::Error) -> LibstdError,
) -> Result<String, LibstdError> {
    let out = Command::new(program)
        .args(args)
        .env("RUSTC_BOOTSTRAP", "1")
        .stdin(Stdio::null())
        .output()
        .map_err(not_found)?;
    if !out.status.success() {
        return Err(LibstdError::ToolFailed {
            command: format!("{} {}", program.display(), args.join(" ")),
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A located `rust-src`: the directory that holds `library/`.
#[derive(Debug, Clone)]
pub(crate) struct RustSrc {
    /// Canonical path of the directory holding `library/`.
    pub root: PathBuf,
    /// `root/library`.
    pub library: PathBuf,
    /// The crate cargo builds: `library/sysroot` (Rust >= 1.79) or `library/test`.
    pub entry_manifest: PathBuf,
}

impl RustSrc {
    /// Finds the sources under `root` (explicit) or in rustc's sysroot.
    pub fn locate(rustc: &RustcIdentity, root: Option<&Path>) -> Result<Self, LibstdError> {
        let root = match root {
            Some(r) => r.to_owned(),
            None => rustc.sysroot.join("lib/rustlib/src/rust"),
        };
        let root = fs::canonicalize(&root).unwrap_or(root);
        let library = root.join("library");
        let entry_manifest = ["sysroot", "test"]
            .iter()
            .map(|krate| library.join(krate).join("Cargo.toml"))
            .find(|m| m.is_file())
            .ok_or_else(|| LibstdError::RustSrcMissing {
                path: root.clone(),
                rustc: rustc.path.clone(),
                release: rustc.release().to_owned(),
                toolchain: rustc.rustup_toolchain(),
            })?;
        Ok(RustSrc {
            root,
            library,
            entry_manifest,
        })
    }

    /// The cargo configuration the sources ship for their own workspace,
    /// `library/.cargo/config.toml` (rustup's nightly and beta rust-src have one).
    pub fn own_config(&self) -> PathBuf {
        self.library.join(".cargo").join("config.toml")
    }

    /// The name under which [`RustSrc::own_config`] defines a directory source over `vendor`
    /// (`vendored-sources` in rustup's rust-src), if it does. Cargo refuses a second
    /// definition of the same directory, so a build must replace crates.io with this one.
    pub fn own_vendor_source(&self, vendor: &Path) -> Option<String> {
        let text = fs::read_to_string(self.own_config()).ok()?;
        let config: toml::Table = text.parse().ok()?;
        let vendor = fs::canonicalize(vendor).unwrap_or_else(|_| vendor.to_owned());
        config
            .get("source")?
            .as_table()?
            .iter()
            .find_map(|(name, source)| {
                let dir = source.get("directory")?.as_str()?;
                // Cargo resolves a relative path against the directory holding `.cargo`.
                let dir = self.library.join(dir);
                let dir = fs::canonicalize(&dir).unwrap_or(dir);
                (dir == vendor).then(|| name.clone())
            })
    }

    /// Fails if a version file in the sources names another release than rustc's.
    ///
    /// Debian's `rust-web-src` has `src/version`; plain source tarballs have `version`;
    /// rustup's `rust-src` component has neither (it lives inside the toolchain it
    /// belongs to), and then nothing is checked. Returns the version found, if any.
    pub fn check_version(&self, rustc: &RustcIdentity) -> Result<Option<String>, LibstdError> {
        for file in [self.root.join("version"), self.root.join("src/version")] {
            let Ok(text) = fs::read_to_string(&file) else {
                continue;
            };
            let src_version = text.split_whitespace().next().unwrap_or("").to_owned();
            if src_version != rustc.release() {
                return Err(LibstdError::VersionMismatch {
                    rust_src: self.root.clone(),
                    version_file: file,
                    src_version,
                    rustc: rustc.path.clone(),
                    rustc_release: rustc.release().to_owned(),
                });
            }
            return Ok(Some(src_version));
        }
        Ok(None)
    }
}

/// Checks that rustc knows `target`; returns the linker its spec names (if any).
pub(crate) fn target_linker(
    rustc: &RustcIdentity,
    target: &str,
) -> Result<Option<String>, LibstdError> {
    let is_json = Path::new(target).extension() == Some(OsStr::new("json"));
    if !is_json {
        let list = run_stdout(&rustc.path, &["--print", "target-list"], |source| {
            LibstdError::RustcNotFound {
                rustc: rustc.path.clone(),
                error: source,
            }
        })?;
        if !list.lines().any(|l| l.trim() == target) {
            return Err(LibstdError::TargetUnsupported {
                target: target.to_owned(),
                rustc: rustc.path.clone(),
            });
        }
    }
    let spec = run_stdout(
        &rustc.path,
        &[
            "-Zunstable-options",
            "--print",
            "target-spec-json",
            "--target",
            target,
        ],
        |source| LibstdError::RustcNotFound {
            rustc: rustc.path.clone(),
            error: source,
        },
    )?;
    let spec: serde_json::Value =
        serde_json::from_str(&spec).map_err(|e| LibstdError::ToolFailed {
            command: format!(
                "{} --print target-spec-json --target {target}",
                rustc.path.display()
            ),
            status: format!("unparsable JSON: {e}"),
            stderr: String::new(),
        })?;
    Ok(spec
        .get("linker")
        .and_then(|l| l.as_str())
        .map(str::to_owned))
}

/// Finds `linker` the way rustc does when it runs it: in
/// `<sysroot>/lib/rustlib/<host>/bin` (and its `gcc-ld`), then on `PATH`.
///
/// `extra_sysroot` is a `--sysroot` given to rustc, searched before rustc's own.
pub(crate) fn find_linker(
    rustc: &RustcIdentity,
    linker: &str,
    extra_sysroot: Option<&Path>,
) -> Result<PathBuf, Vec<PathBuf>> {
    let as_path = Path::new(linker);
    if as_path.components().count() > 1 {
        return if as_path.is_file() {
            Ok(as_path.to_owned())
        } else {
            Err(vec![as_path.to_owned()])
        };
    }
    let mut dirs = Vec::new();
    for sysroot in extra_sysroot.into_iter().chain([rustc.sysroot.as_path()]) {
        let bin = sysroot.join("lib/rustlib").join(&rustc.host).join("bin");
        dirs.push(bin.join("gcc-ld"));
        dirs.push(bin);
    }
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    for dir in &dirs {
        let candidate = dir.join(linker);
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    Err(dirs)
}

/// `cc`'s configuration for probing the C compiler of `target`, quiet outside build scripts.
fn cc_build(target: &str, host: &str) -> cc::Build {
    let mut build = cc::Build::new();
    build
        .target(target)
        .host(host)
        .opt_level(2)
        .cargo_metadata(false)
        .cargo_warnings(false)
        .warnings(false);
    build
}

/// Asks the `cc` crate for the C compiler of `target`.
pub(crate) fn detect_c_compiler(target: &str, host: &str) -> Option<PathBuf> {
    cc_build(target, host)
        .try_get_compiler()
        .ok()
        .map(|tool| tool.path().to_owned())
}

/// Compiles a one-line C file with `compiler` for `target` and checks that the object
/// is a 32- or 64-bit ELF for the target's architecture. Returns why not, on failure.
pub(crate) fn check_c_compiler(
    compiler: &Path,
    target: &str,
    host: &str,
    scratch: &Path,
) -> Result<(), String> {
    let tool = cc_build(target, host)
        .compiler(compiler)
        .try_get_compiler()
        .map_err(|e| e.to_string())?;
    let src = scratch.join("probe.c");
    let obj = scratch.join("probe.o");
    fs::File::create(&src)
        .and_then(|mut f| f.write_all(b"int xous_sysroot_probe(int x) { return x * 3; }\n"))
        .map_err(|e| format!("cannot write {}: {e}", src.display()))?;
    let out = tool
        .to_command()
        .arg("-c")
        .arg(&src)
        .arg("-o")
        .arg(&obj)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run it: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "compiling a probe failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let bytes = fs::read(&obj).map_err(|e| format!("no object produced: {e}"))?;
    let want = elf_machine_for(target);
    match (bytes.get(..4), bytes.get(18..20)) {
        (Some(b"\x7fELF"), Some(m)) => {
            let machine = u16::from_le_bytes([m[0], m[1]]);
            match want {
                Some(w) if w != machine => Err(format!(
                    "it produced objects for ELF machine {machine}, not {w} ({target})"
                )),
                _ => Ok(()),
            }
        }
        _ => Err("it did not produce an ELF object".to_owned()),
    }
}

/// The ELF `e_machine` of a target's architecture, for the architectures we know.
fn elf_machine_for(target: &str) -> Option<u16> {
    let arch = target.split('-').next()?;
    if arch.starts_with("riscv") {
        Some(243)
    } else if arch.starts_with("arm") || arch.starts_with("thumb") {
        Some(40)
    } else if arch.starts_with("aarch64") {
        Some(183)
    } else if arch == "x86_64" {
        Some(62)
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
