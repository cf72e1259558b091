//! The plan of a libstd build: everything resolved before cargo runs (the toolchain, the
//! sources and where their dependencies come from, the linker, the C compiler, features and
//! flags). The plan is what the stamp hashes.

use std::fs;
use std::path::{Path, PathBuf};

use super::recipe;
use super::toolchain::{self, RustSrc, RustcIdentity};
use super::{CCompiler, DepSources, LibstdBuilder, LibstdError};

/// Everything resolved before a build; hashed into the stamp.
pub(super) struct Plan {
    pub(super) rustc: RustcIdentity,
    pub(super) cargo: PathBuf,
    pub(super) cargo_version: String,
    pub(super) src: RustSrc,
    pub(super) features: Vec<String>,
    pub(super) rustflags: Vec<String>,
    pub(super) vendor_dir: Option<PathBuf>,
    /// The name the rust-src's own `library/.cargo/config.toml` gives `vendor_dir`, if any.
    pub(super) vendor_source: Option<String>,
    pub(super) c_compiler: Option<PathBuf>,
    pub(super) compiler_rt_root: Option<PathBuf>,
    pub(super) c_note: Option<String>,
    pub(super) linker: Option<PathBuf>,
}

impl LibstdBuilder<'_> {
    /// Resolves the toolchain, sources, features and flags.
    pub(super) fn plan(&self) -> Result<Plan, LibstdError> {
        let rustc = RustcIdentity::probe(&self.rustc)?;
        let cargo = self
            .cargo
            .clone()
            .unwrap_or_else(|| sibling_cargo(&self.rustc));
        let cargo_version =
            toolchain::run_stdout(&cargo, &["-V"], |source| LibstdError::CargoNotFound {
                cargo: cargo.clone(),
                release: rustc.release().to_owned(),
                error: source,
            })?
            .trim()
            .to_owned();
        let src = RustSrc::locate(&rustc, self.rust_src.as_deref())?;
        src.check_version(&rustc)?;

        let spec_linker = toolchain::target_linker(&rustc, &self.target)?;
        let linker = match (&spec_linker, self.require_linker) {
            (Some(name), true) => Some(toolchain::find_linker(&rustc, name, None).map_err(
                |searched| LibstdError::LinkerMissing {
                    linker: name.clone(),
                    target: self.target.clone(),
                    searched,
                },
            )?),
            _ => None,
        };

        let (mut c_compiler, mut compiler_rt_root, mut c_note) = self.plan_c(&rustc, &src)?;

        let offline_because = self.offline_because()?;
        let offline_error = |missing: String| LibstdError::OfflineWithoutVendor {
            missing,
            offline_because: offline_because.clone().unwrap_or_default(),
        };
        let vendor_dir = match &self.dep_sources {
            DepSources::Auto => {
                let dir = src.library.join("vendor");
                if !dir.is_dir() {
                    if offline_because.is_some() {
                        return Err(offline_error(format!(
                            "there is no vendor directory at '{}'",
                            dir.display()
                        )));
                    }
                    None
                } else if c_compiler.is_none() || vendor_has(&dir, "cc") {
                    Some(dir)
                } else if offline_because.is_none() {
                    // compiler-builtins-c needs the `cc` build dependency, which Debian's
                    // library/vendor lacks: fall back to crates.io then.
                    None
                } else if matches!(self.c_compiler, CCompiler::Path(_)) {
                    return Err(offline_error(format!(
                        "the vendor directory '{}' has no `cc` crate, which                          compiler-builtins-c (asked for with a C compiler) needs",
                        dir.display()
                    )));
                } else {
                    c_compiler = None;
                    compiler_rt_root = None;
                    c_note = Some(format!(
                        "the vendor directory {} has no `cc` crate and network use is off",
                        dir.display()
                    ));
                    Some(dir)
                }
            }
            DepSources::Vendored(dir) => {
                if !dir.is_dir() {
                    return Err(LibstdError::VendorDirMissing { path: dir.clone() });
                }
                Some(fs::canonicalize(dir).unwrap_or_else(|_| dir.clone()))
            }
            DepSources::Registry => {
                if offline_because.is_some() {
                    return Err(offline_error(
                        "`DepSources::Registry` asks for crates.io rather than a vendor directory"
                            .to_owned(),
                    ));
                }
                None
            }
        };

        let features = recipe::features(c_compiler.is_some(), &self.extra_features);
        let mut rustflags = recipe::rustflags();
        if self.remap_path_prefix {
            let commit = rustc
                .version
                .commit_hash
                .as_deref()
                .unwrap_or(rustc.release());
            rustflags.push(format!(
                "--remap-path-prefix={}=/rustc/{commit}/library",
                src.library.display()
            ));
            if let Some(vendor) = &vendor_dir {
                rustflags.push(format!(
                    "--remap-path-prefix={}=/rust/deps",
                    vendor.display()
                ));
            }
            if let Some(registry_src) = cargo_home().map(|h| h.join("registry/src")) {
                rustflags.push(format!(
                    "--remap-path-prefix={}=/rust/deps",
                    registry_src.display()
                ));
            }
        }

        let vendor_source = vendor_dir
            .as_deref()
            .and_then(|dir| src.own_vendor_source(dir));
        Ok(Plan {
            vendor_source,
            rustc,
            cargo,
            cargo_version,
            src,
            features,
            rustflags,
            vendor_dir,
            c_compiler,
            compiler_rt_root,
            c_note,
            linker,
        })
    }

    /// Why network use is off, if it is: the builder's setting, else `CARGO_NET_OFFLINE`.
    fn offline_because(&self) -> crate::Result<Option<String>> {
        Ok(match self.offline {
            Some(true) => Some("`LibstdBuilder::offline(true)`".to_owned()),
            Some(false) => None,
            None => crate::env::flag("CARGO_NET_OFFLINE")?
                .filter(|&offline| offline)
                .map(|_| "CARGO_NET_OFFLINE is set".to_owned()),
        })
    }

    /// Decides whether `compiler-builtins-c` is used: returns the compiler, the
    /// compiler-rt root, and the reason when it is off.
    #[allow(clippy::type_complexity)]
    fn plan_c(
        &self,
        rustc: &RustcIdentity,
        src: &RustSrc,
    ) -> Result<(Option<PathBuf>, Option<PathBuf>, Option<String>), LibstdError> {
        let explicit = match &self.c_compiler {
            CCompiler::Disabled => {
                return Ok((None, None, Some("disabled by the caller".to_owned())));
            }
            CCompiler::Path(p) => Some(p.clone()),
            CCompiler::Auto => None,
        };
        let mut searched = Vec::new();
        let rt_candidates = self
            .compiler_rt_root
            .clone()
            .into_iter()
            .chain(std::env::var_os("RUST_COMPILER_RT_ROOT").map(PathBuf::from))
            .chain([src.root.join("src/llvm-project/compiler-rt")]);
        let mut rt_root = None;
        for candidate in rt_candidates {
            if candidate.join("lib/builtins").is_dir() {
                rt_root = Some(candidate);
                break;
            }
            searched.push(candidate);
        }
        let compiler = match explicit {
            Some(p) => p,
            None => match toolchain::detect_c_compiler(&self.target, &rustc.host) {
                Some(p) => p,
                None => {
                    return Ok((
                        None,
                        None,
                        Some(format!("no C compiler found for {}", self.target)),
                    ))
                }
            },
        };
        let scratch = tempfile::tempdir().map_err(|e| {
            LibstdError::io("create temporary directory in", std::env::temp_dir(), e)
        })?;
        let works =
            toolchain::check_c_compiler(&compiler, &self.target, &rustc.host, scratch.path());
        match (
            works,
            rt_root,
            matches!(self.c_compiler, CCompiler::Path(_)),
        ) {
            (Ok(()), Some(rt), _) => Ok((Some(compiler), Some(rt), None)),
            (Err(reason), _, true) => Err(LibstdError::CCompilerUnusable {
                compiler,
                target: self.target.clone(),
                reason,
            }),
            (Ok(()), None, true) => Err(LibstdError::CompilerRtMissing { searched }),
            (Err(reason), _, false) => Ok((
                None,
                None,
                Some(format!(
                    "C compiler {} does not work for {}: {reason}",
                    compiler.display(),
                    self.target
                )),
            )),
            (Ok(()), None, false) => Ok((
                None,
                None,
                Some(format!(
                    "C compiler {} found but no compiler-rt sources (looked at {})",
                    compiler.display(),
                    searched
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            )),
        }
    }
}

/// `<dir of rustc>/cargo` when it exists, else `cargo` from `PATH`.
fn sibling_cargo(rustc: &Path) -> PathBuf {
    let exe = format!("cargo{}", std::env::consts::EXE_SUFFIX);
    rustc
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.join(&exe))
        .filter(|c| c.is_file())
        .unwrap_or_else(|| PathBuf::from(exe))
}

/// Whether the vendor directory `dir` holds some version of `krate`.
fn vendor_has(dir: &Path, krate: &str) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    entries.filter_map(Result::ok).any(|e| {
        let name = e.file_name();
        let name = name.to_string_lossy();
        name == krate
            || name
                .strip_prefix(krate)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// `CARGO_HOME`, else `~/.cargo`.
fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

#[cfg(test)]
mod tests;
