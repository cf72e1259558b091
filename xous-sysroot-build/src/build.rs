//! [`LibstdBuilder`]: runs cargo on rust-src's `library/` for the target, collects the
//! rlibs into `<out>/lib/rustlib/<target>/lib`, verifies that rustc accepts them and
//! installs them atomically, skipping all of it when the stamp says nothing changed.

use std::ffi::OsString;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use crate::info::BuildInfo;
use crate::toolchain::{self, RustSrc, RustcIdentity};
use crate::{
    BuildError, BuildStatus, CCompiler, DepSources, LibstdBuild, Profile, BUILD_INFO_FILE_NAME,
    STAMP_FILE_NAME,
};

/// Bumped whenever the way this crate builds changes, so old stamps stop matching.
const BUILD_LOGIC_VERSION: u32 = 2;

/// The library metadata the Xous fork's release job uses (`__CARGO_DEFAULT_LIB_METADATA`).
const STABLE_LIB_METADATA: &str = "stablestd";

/// How many lines of cargo's stderr a [`BuildError::CargoFailed`] carries.
const STDERR_TAIL_LINES: usize = 60;

type BuildStartHook<'a> = Box<dyn FnMut(&LibstdBuild) + 'a>;

/// Builds libstd for one target into a sysroot directory.
///
/// Every setting has a default; [`LibstdBuilder::build`] does the work. The rlibs end up
/// in `<out_dir>/lib/rustlib/<target>/lib`, so `out_dir` can be passed to rustc as
/// `--sysroot` for target builds.
pub struct LibstdBuilder<'a> {
    out_dir: PathBuf,
    target: String,
    rustc: PathBuf,
    cargo: Option<PathBuf>,
    rust_src: Option<PathBuf>,
    profile: Profile,
    c_compiler: CCompiler,
    compiler_rt_root: Option<PathBuf>,
    dep_sources: DepSources,
    extra_features: Vec<String>,
    remap_path_prefix: bool,
    require_linker: bool,
    verify: bool,
    show_cargo_output: bool,
    on_build_start: Option<BuildStartHook<'a>>,
}

impl std::fmt::Debug for LibstdBuilder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LibstdBuilder")
            .field("out_dir", &self.out_dir)
            .field("target", &self.target)
            .field("rustc", &self.rustc)
            .field("cargo", &self.cargo)
            .field("rust_src", &self.rust_src)
            .field("profile", &self.profile)
            .field("c_compiler", &self.c_compiler)
            .field("compiler_rt_root", &self.compiler_rt_root)
            .field("dep_sources", &self.dep_sources)
            .field("extra_features", &self.extra_features)
            .field("remap_path_prefix", &self.remap_path_prefix)
            .field("require_linker", &self.require_linker)
            .field("verify", &self.verify)
            .field("show_cargo_output", &self.show_cargo_output)
            .finish_non_exhaustive()
    }
}

/// Everything resolved before a build; hashed into the stamp.
struct Plan {
    rustc: RustcIdentity,
    cargo: PathBuf,
    cargo_version: String,
    src: RustSrc,
    features: Vec<String>,
    rustflags: Vec<String>,
    vendor_dir: Option<PathBuf>,
    c_compiler: Option<PathBuf>,
    compiler_rt_root: Option<PathBuf>,
    c_note: Option<String>,
    linker: Option<PathBuf>,
}

impl<'a> LibstdBuilder<'a> {
    /// Prepares a build of libstd for `target` (a built-in triple such as
    /// [`crate::DEFAULT_TARGET`], or a target JSON path) into the sysroot `out_dir`.
    ///
    /// Defaults: `rustc` from `PATH`, the `cargo` next to that rustc (else from
    /// `PATH`), rust-src from rustc's sysroot, [`Profile::Official`],
    /// [`CCompiler::Auto`], [`DepSources::Auto`], path remapping, linker check and
    /// verification on, cargo output captured.
    pub fn new(out_dir: impl Into<PathBuf>, target: impl Into<String>) -> Self {
        LibstdBuilder {
            out_dir: out_dir.into(),
            target: target.into(),
            rustc: PathBuf::from("rustc"),
            cargo: None,
            rust_src: None,
            profile: Profile::default(),
            c_compiler: CCompiler::default(),
            compiler_rt_root: None,
            dep_sources: DepSources::default(),
            extra_features: Vec::new(),
            remap_path_prefix: true,
            require_linker: true,
            verify: true,
            show_cargo_output: false,
            on_build_start: None,
        }
    }

    /// The rustc that builds (and will consume) libstd. Choose it explicitly: the one
    /// found on `PATH` is often a rustup proxy for another toolchain.
    pub fn rustc(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.rustc = path.into();
        self
    }

    /// The cargo to run. Defaults to the `cargo` beside the chosen rustc, so that a
    /// Debian `/usr/bin/rustc` gets `/usr/bin/cargo`.
    pub fn cargo(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.cargo = Some(path.into());
        self
    }

    /// A source tree holding `library/` to build instead of rustc's `rust-src`
    /// (e.g. a checkout of a patched fork). Its version file must still match rustc.
    pub fn rust_src(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.rust_src = Some(path.into());
        self
    }

    /// The build profile.
    pub fn profile(&mut self, profile: Profile) -> &mut Self {
        self.profile = profile;
        self
    }

    /// How to pick the C compiler for `compiler-builtins-c`.
    pub fn c_compiler(&mut self, choice: CCompiler) -> &mut Self {
        self.c_compiler = choice;
        self
    }

    /// The `llvm-project/compiler-rt` directory that `compiler-builtins-c` compiles.
    /// Defaults to `RUST_COMPILER_RT_ROOT`, else `<rust-src>/src/llvm-project/compiler-rt`.
    pub fn compiler_rt_root(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.compiler_rt_root = Some(path.into());
        self
    }

    /// Where the crates.io dependencies of `library/` come from.
    pub fn dep_sources(&mut self, sources: DepSources) -> &mut Self {
        self.dep_sources = sources;
        self
    }

    /// Enables one more feature of the `library/sysroot` crate (e.g. `backtrace`).
    pub fn feature(&mut self, feature: impl Into<String>) -> &mut Self {
        self.extra_features.push(feature.into());
        self
    }

    /// Whether to remap source paths in the rlibs (on by default): `library/` becomes
    /// `/rustc/<commit-hash>/library` as in official rust-std, crates.io sources become
    /// `/rust/deps`. With it, two builds from the same paths are byte-identical whether
    /// the dependencies came vendored or from crates.io.
    pub fn remap_path_prefix(&mut self, on: bool) -> &mut Self {
        self.remap_path_prefix = on;
        self
    }

    /// Whether a missing target linker (e.g. `rust-lld`) is an error (on by default).
    pub fn require_linker(&mut self, on: bool) -> &mut Self {
        self.require_linker = on;
        self
    }

    /// Whether to check, before installing, that rustc accepts the new rlibs by
    /// compiling `extern crate std;` against them (on by default).
    pub fn verify(&mut self, on: bool) -> &mut Self {
        self.verify = on;
        self
    }

    /// Whether cargo's progress and diagnostics go to this process's stderr (off by
    /// default: they are captured and the tail is put into [`BuildError::CargoFailed`]).
    pub fn show_cargo_output(&mut self, on: bool) -> &mut Self {
        self.show_cargo_output = on;
        self
    }

    /// Called once, with the planned result, when the stamp does not match and a build
    /// is about to start (e.g. to print "building libstd, this takes a minute").
    pub fn on_build_start(&mut self, hook: impl FnMut(&LibstdBuild) + 'a) -> &mut Self {
        self.on_build_start = Some(Box::new(hook));
        self
    }

    /// `<out_dir>/lib/rustlib/<target>`.
    pub fn target_root(&self) -> PathBuf {
        self.out_dir
            .join("lib/rustlib")
            .join(toolchain::target_dir_name(&self.target))
    }

    /// Builds libstd unless the stamp in the output directory matches every input.
    ///
    /// Holds an exclusive lock on `<out_dir>/lib/rustlib/.<target>.lock` throughout, so
    /// concurrent builders of the same output wait for each other.
    pub fn build(&mut self) -> Result<BuildStatus, BuildError> {
        let plan = self.plan()?;
        let hash = self.stamp_hash(&plan)?;
        let target_root = self.target_root();
        let rustlib = self.out_dir.join("lib/rustlib");
        fs::create_dir_all(&rustlib)
            .map_err(|e| BuildError::io("create directory", &rustlib, e))?;

        let lock_path = rustlib.join(format!(
            ".{}.lock",
            toolchain::target_dir_name(&self.target)
        ));
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| BuildError::io("open lock file", &lock_path, e))?;
        lock.lock()
            .map_err(|e| BuildError::io("lock", &lock_path, e))?;

        if read_stamp_hash(&target_root).as_deref() == Some(hash.as_str()) {
            let output = LibstdBuild {
                rlibs: list_rlibs(&target_root.join("lib"))?,
                ..planned_output(self, &plan, &hash)
            };
            return Ok(BuildStatus::AlreadyBuilt(output));
        }

        let planned = planned_output(self, &plan, &hash);
        if let Some(hook) = self.on_build_start.as_mut() {
            hook(&planned);
        }

        let started = Instant::now();
        // Staging dirs of this target left by a killed build; ours is the only builder
        // of this target now that we hold the lock.
        let staging_prefix = format!(
            ".xous-sysroot-build-{}-",
            toolchain::target_dir_name(&self.target)
        );
        remove_stale_staging(&rustlib, &staging_prefix);
        let staging = tempfile::Builder::new()
            .prefix(&staging_prefix)
            .tempdir_in(&rustlib)
            .map_err(|e| BuildError::io("create staging directory in", &rustlib, e))?;
        let cargo_target_dir = staging.path().join("cargo-target");
        let artifacts = self.run_cargo(&plan, &cargo_target_dir)?;

        let staged_sysroot = staging.path().join("sysroot");
        let staged_root = staged_sysroot
            .join("lib/rustlib")
            .join(toolchain::target_dir_name(&self.target));
        let staged_lib = staged_root.join("lib");
        fs::create_dir_all(&staged_lib)
            .map_err(|e| BuildError::io("create directory", &staged_lib, e))?;
        for artifact in &artifacts {
            let name = artifact
                .file_name()
                .expect("artifact paths have file names");
            let dest = staged_lib.join(name);
            fs::rename(artifact, &dest).map_err(|e| BuildError::io("move rlib", artifact, e))?;
        }
        if self.verify {
            verify_sysroot(&plan.rustc.path, &staged_sysroot, &self.target)?;
        }
        BuildInfo::of(&planned).write(&staged_root)?;
        let stamp = self.stamp_text(&plan, &hash);
        let stamp_path = staged_root.join(STAMP_FILE_NAME);
        fs::write(&stamp_path, stamp).map_err(|e| BuildError::io("write", &stamp_path, e))?;

        // Swap into place: the old tree (if any) moves into the staging dir, which is
        // deleted when `staging` drops.
        if target_root.exists() {
            let old = staging.path().join("old");
            fs::rename(&target_root, &old)
                .map_err(|e| BuildError::io("move aside old", &target_root, e))?;
        }
        fs::rename(&staged_root, &target_root)
            .map_err(|e| BuildError::io("install", &target_root, e))?;
        drop(staging);
        drop(lock);

        let output = LibstdBuild {
            rlibs: list_rlibs(&target_root.join("lib"))?,
            ..planned
        };
        Ok(BuildStatus::Built {
            output,
            duration: started.elapsed(),
        })
    }

    /// Resolves the toolchain, sources, features and flags.
    fn plan(&self) -> Result<Plan, BuildError> {
        let rustc = RustcIdentity::probe(&self.rustc)?;
        let cargo = self
            .cargo
            .clone()
            .unwrap_or_else(|| sibling_cargo(&self.rustc));
        let cargo_version =
            toolchain::run_stdout(&cargo, &["-V"], |source| BuildError::CargoNotFound {
                cargo: cargo.clone(),
                release: rustc.release().to_owned(),
                source,
            })?
            .trim()
            .to_owned();
        let src = RustSrc::locate(&rustc, self.rust_src.as_deref())?;
        src.check_version(&rustc)?;

        let spec_linker = toolchain::target_linker(&rustc, &self.target)?;
        let linker = match (&spec_linker, self.require_linker) {
            (Some(name), true) => Some(toolchain::find_linker(&rustc, name, None).map_err(
                |searched| BuildError::LinkerMissing {
                    linker: name.clone(),
                    target: self.target.clone(),
                    searched,
                },
            )?),
            _ => None,
        };

        let (c_compiler, compiler_rt_root, c_note) = self.plan_c(&rustc, &src)?;

        let vendor_dir = match &self.dep_sources {
            // compiler-builtins-c needs the `cc` build dependency, which Debian's
            // library/vendor lacks: fall back to crates.io then.
            DepSources::Auto => Some(src.library.join("vendor"))
                .filter(|d| d.is_dir())
                .filter(|d| c_compiler.is_none() || vendor_has(d, "cc")),
            DepSources::Vendored(dir) => {
                if !dir.is_dir() {
                    return Err(BuildError::VendorDirMissing { path: dir.clone() });
                }
                Some(fs::canonicalize(dir).unwrap_or_else(|_| dir.clone()))
            }
            DepSources::Registry => None,
        };

        let mut features = vec![
            "panic-unwind".to_owned(),
            "compiler-builtins-mem".to_owned(),
        ];
        if c_compiler.is_some() {
            features.push("compiler-builtins-c".to_owned());
        }
        for f in &self.extra_features {
            if !features.contains(f) {
                features.push(f.clone());
            }
        }

        let mut rustflags = vec![
            "-Cforce-unwind-tables=yes".to_owned(),
            "-Cembed-bitcode=yes".to_owned(),
            // Cargo's -Zbuild-std and bootstrap pass this for every std crate; without it
            // rustc >= 1.8x rejects std's const calls into hashbrown.
            "-Zforce-unstable-if-unmarked".to_owned(),
        ];
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

        Ok(Plan {
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

    /// Decides whether `compiler-builtins-c` is used: returns the compiler, the
    /// compiler-rt root, and the reason when it is off.
    #[allow(clippy::type_complexity)]
    fn plan_c(
        &self,
        rustc: &RustcIdentity,
        src: &RustSrc,
    ) -> Result<(Option<PathBuf>, Option<PathBuf>, Option<String>), BuildError> {
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
            BuildError::io("create temporary directory in", std::env::temp_dir(), e)
        })?;
        let works =
            toolchain::check_c_compiler(&compiler, &self.target, &rustc.host, scratch.path());
        match (
            works,
            rt_root,
            matches!(self.c_compiler, CCompiler::Path(_)),
        ) {
            (Ok(()), Some(rt), _) => Ok((Some(compiler), Some(rt), None)),
            (Err(reason), _, true) => Err(BuildError::CCompilerUnusable {
                compiler,
                target: self.target.clone(),
                reason,
            }),
            (Ok(()), None, true) => Err(BuildError::CompilerRtMissing { searched }),
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

    /// SHA-256 over every input of the build.
    fn stamp_hash(&self, plan: &Plan) -> Result<String, BuildError> {
        let mut h = Sha256::new();
        let mut field = |key: &str, value: &[u8]| {
            h.update((key.len() as u64).to_le_bytes());
            h.update(key.as_bytes());
            h.update((value.len() as u64).to_le_bytes());
            h.update(value);
        };
        field("logic", &BUILD_LOGIC_VERSION.to_le_bytes());
        field("rustc -vV", plan.rustc.verbose_version.as_bytes());
        field("cargo -V", plan.cargo_version.as_bytes());
        field("target", self.target.as_bytes());
        if Path::new(&self.target).is_file() {
            let spec = fs::read(&self.target)
                .map_err(|e| BuildError::io("read target spec", &self.target, e))?;
            field("target json", &spec);
        }
        field("profile", self.profile.name().as_bytes());
        field("features", plan.features.join(",").as_bytes());
        field("rustflags", plan.rustflags.join("\u{1f}").as_bytes());
        field(
            "entry",
            plan.src.entry_manifest.as_os_str().as_encoded_bytes(),
        );
        field(
            "vendor",
            plan.vendor_dir
                .as_deref()
                .map(|p| p.as_os_str().as_encoded_bytes())
                .unwrap_or(b"<registry>"),
        );
        field(
            "cc",
            plan.c_compiler
                .as_deref()
                .map(|p| p.as_os_str().as_encoded_bytes())
                .unwrap_or(b"<none>"),
        );
        field(
            "compiler-rt",
            plan.compiler_rt_root
                .as_deref()
                .map(|p| p.as_os_str().as_encoded_bytes())
                .unwrap_or(b"<none>"),
        );
        let lock = plan.src.library.join("Cargo.lock");
        let lock_bytes = fs::read(&lock).unwrap_or_default();
        field("Cargo.lock", &lock_bytes);
        let mut listing = Vec::new();
        hash_tree(&plan.src.library, &plan.src.library, &mut listing)?;
        if let Some(rt) = &plan.compiler_rt_root {
            hash_tree(&rt.join("lib/builtins"), rt, &mut listing)?;
        }
        field("tree", &listing);
        Ok(hex(&h.finalize()))
    }

    /// Human-readable stamp: first line is the hash, the rest is for people.
    fn stamp_text(&self, plan: &Plan, hash: &str) -> String {
        let mut s = format!("hash {hash}\n");
        s.push_str(&format!("profile {}\n", self.profile));
        s.push_str(&format!("target {}\n", self.target));
        s.push_str(&format!("features {}\n", plan.features.join(" ")));
        s.push_str(&format!("rustflags {}\n", plan.rustflags.join(" ")));
        s.push_str(&format!("rust-src {}\n", plan.src.root.display()));
        s.push_str(&format!("cargo {}\n", plan.cargo_version));
        if let Some(note) = &plan.c_note {
            s.push_str(&format!("compiler-builtins-c off: {note}\n"));
        }
        s.push_str("rustc -vV:\n");
        s.push_str(&plan.rustc.verbose_version);
        s
    }

    /// Runs cargo; returns the rlibs it reported, `sysroot` dummy excluded.
    fn run_cargo(&self, plan: &Plan, target_dir: &Path) -> Result<Vec<PathBuf>, BuildError> {
        let mut cmd = Command::new(&plan.cargo);
        cmd.arg("build")
            .arg("--manifest-path")
            .arg(&plan.src.entry_manifest)
            .arg("--target")
            .arg(&self.target)
            .arg("--release")
            .arg("-Zbinary-dep-depinfo")
            // Keeps dev-dependencies (rand, ...) out of the resolve, so that a vendor
            // directory holding only what libstd needs is enough.
            .arg("-Zavoid-dev-deps")
            .arg("--features")
            .arg(plan.features.join(" "))
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
        }
        // Cargo reads `.cargo/config.toml` from the working directory upwards: run it
        // in the library workspace, away from whatever project called us.
        cmd.current_dir(&plan.src.library);
        scrub_env(&mut cmd);
        cmd.env("RUSTC", &plan.rustc.path)
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_ENCODED_RUSTFLAGS", plan.rustflags.join("\u{1f}"))
            .env("__CARGO_DEFAULT_LIB_METADATA", STABLE_LIB_METADATA)
            .env("CARGO_PROFILE_RELEASE_DEBUG", "0")
            .env(
                "CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS",
                if self.profile.debug_assertions() {
                    "true"
                } else {
                    "false"
                },
            );
        if let (Some(cc), Some(rt)) = (&plan.c_compiler, &plan.compiler_rt_root) {
            let var = self.target.replace(['-', '.'], "_");
            cmd.env(format!("CC_{var}"), cc)
                .env("RUST_COMPILER_RT_ROOT", rt);
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
        let command_line = describe_command(&cmd);
        let mut child = cmd.spawn().map_err(|source| BuildError::CargoNotFound {
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
                    line.map_err(|e| BuildError::io("read cargo output of", &plan.cargo, e))?;
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
            .map_err(|e| BuildError::io("wait for", &plan.cargo, e))?;
        let stderr = stderr_reader
            .and_then(|t| t.join().ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        if !status.success() {
            return Err(BuildError::CargoFailed {
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
                return Err(BuildError::MissingArtifact {
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

/// The output description shared by the planned, built and already-built cases.
fn planned_output(builder: &LibstdBuilder<'_>, plan: &Plan, hash: &str) -> LibstdBuild {
    LibstdBuild {
        sysroot: builder.out_dir.clone(),
        target_libdir: builder.target_root().join("lib"),
        rlibs: Vec::new(),
        target: builder.target.clone(),
        rustc: plan.rustc.clone(),
        cargo_version: plan.cargo_version.clone(),
        profile: builder.profile,
        features: plan.features.clone(),
        compiler_builtins_c: plan.c_compiler.is_some(),
        compiler_builtins_c_note: plan.c_note.clone(),
        c_compiler: plan.c_compiler.clone(),
        linker: plan.linker.clone(),
        rust_src: plan.src.root.clone(),
        stamp_hash: hash.to_owned(),
    }
}

/// Checks that `rustc` accepts the libstd in `sysroot` for `target`, by compiling a
/// library with `extern crate std;` (metadata only, nothing is linked).
pub fn verify_sysroot(rustc: &Path, sysroot: &Path, target: &str) -> Result<(), BuildError> {
    let scratch = tempfile::tempdir()
        .map_err(|e| BuildError::io("create temporary directory in", std::env::temp_dir(), e))?;
    let src = scratch.path().join("probe.rs");
    fs::write(
        &src,
        "#![no_std]\nextern crate std;\nextern crate alloc;\n\
         pub fn probe() -> std::string::String { std::format!(\"{}\", 42) }\n",
    )
    .map_err(|e| BuildError::io("write", &src, e))?;
    let out = Command::new(rustc)
        .arg("--edition=2021")
        .arg("--crate-type=lib")
        .arg("--emit=metadata")
        .arg("--target")
        .arg(target)
        .arg("--sysroot")
        .arg(sysroot)
        .arg("--out-dir")
        .arg(scratch.path())
        .arg(&src)
        .env_remove("RUSTC_BOOTSTRAP")
        .stdin(Stdio::null())
        .output()
        .map_err(|source| BuildError::RustcNotFound {
            rustc: rustc.to_owned(),
            source,
        })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(BuildError::SysrootRejected {
            rustc: rustc.to_owned(),
            sysroot: sysroot.to_owned(),
            target: target.to_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        })
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

/// Deletes the directories in `dir` whose names start with `prefix` (best effort).
fn remove_stale_staging(dir: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        if entry.file_name().to_string_lossy().starts_with(prefix) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
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

/// Reads the hash line of the stamp in `target_root`, if it and `lib/` exist.
fn read_stamp_hash(target_root: &Path) -> Option<String> {
    if !target_root.join("lib").is_dir() || !target_root.join(BUILD_INFO_FILE_NAME).is_file() {
        return None;
    }
    let text = fs::read_to_string(target_root.join(STAMP_FILE_NAME)).ok()?;
    text.lines()
        .next()?
        .strip_prefix("hash ")
        .map(|h| h.trim().to_owned())
}

/// The rlibs in `dir`, sorted.
fn list_rlibs(dir: &Path) -> Result<Vec<PathBuf>, BuildError> {
    let entries = fs::read_dir(dir).map_err(|e| BuildError::io("list", dir, e))?;
    let mut rlibs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rlib"))
        .collect();
    rlibs.sort();
    Ok(rlibs)
}

/// Appends `relative-path size mtime` (or a symlink's target) for every entry under
/// `dir`, in sorted order, to `out`.
fn hash_tree(dir: &Path, base: &Path, out: &mut Vec<u8>) -> Result<(), BuildError> {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .map_err(|e| BuildError::io("list", dir, e))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let meta = fs::symlink_metadata(&path).map_err(|e| BuildError::io("stat", &path, e))?;
        let rel = path.strip_prefix(base).unwrap_or(&path);
        out.extend_from_slice(rel.as_os_str().as_encoded_bytes());
        if meta.is_dir() {
            out.extend_from_slice(b"/\n");
            hash_tree(&path, base, out)?;
        } else if meta.file_type().is_symlink() {
            let to = fs::read_link(&path).unwrap_or_default();
            out.extend_from_slice(b" -> ");
            out.extend_from_slice(to.as_os_str().as_encoded_bytes());
            out.push(b'\n');
        } else {
            let mtime = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .unwrap_or_default();
            out.extend_from_slice(
                format!(
                    " {} {}.{:09}\n",
                    meta.len(),
                    mtime.as_secs(),
                    mtime.subsec_nanos()
                )
                .as_bytes(),
            );
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_last_lines() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
    }

    #[test]
    fn stamp_hash_line_is_read_back() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_stamp_hash(dir.path()), None);
        fs::create_dir(dir.path().join("lib")).unwrap();
        fs::write(dir.path().join(STAMP_FILE_NAME), "hash abc\nprofile x\n").unwrap();
        assert_eq!(
            read_stamp_hash(dir.path()),
            None,
            "no build record: not built"
        );
        fs::write(dir.path().join(BUILD_INFO_FILE_NAME), "").unwrap();
        assert_eq!(read_stamp_hash(dir.path()).as_deref(), Some("abc"));
    }

    #[test]
    fn tree_listing_changes_with_contents() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("sub/a.rs"), "x").unwrap();
        let mut first = Vec::new();
        hash_tree(dir.path(), dir.path(), &mut first).unwrap();
        fs::write(dir.path().join("sub/a.rs"), "xy").unwrap();
        let mut second = Vec::new();
        hash_tree(dir.path(), dir.path(), &mut second).unwrap();
        assert_ne!(first, second);
        assert!(String::from_utf8_lossy(&first).starts_with("sub/\nsub/a.rs 1 "));
    }

    #[test]
    fn vendor_lookup_matches_versioned_dirs_only() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("cc-1.2.3")).unwrap();
        fs::create_dir(dir.path().join("cfg-if-1.0.4")).unwrap();
        assert!(vendor_has(dir.path(), "cc"));
        assert!(vendor_has(dir.path(), "cfg-if"));
        assert!(!vendor_has(dir.path(), "cfg"));
        assert!(!vendor_has(dir.path(), "shlex"));
    }

    #[test]
    fn sibling_cargo_falls_back_to_path() {
        assert_eq!(sibling_cargo(Path::new("rustc")), PathBuf::from("cargo"));
    }
}
