//! [`LibstdBuilder`]: its settings, and the build itself: plan, lock, stamp check, the hook,
//! cargo into a staging directory, the smoke compile, the record and stamp, the swap.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::info::BuildInfo;
use super::plan::Plan;
use super::{
    stamp, verify_sysroot, BuildStatus, CCompiler, DepSources, LibstdBuild, LibstdError, Profile,
    STAMP_FILE_NAME,
};
use crate::component::target_name;
use crate::install::Destination;
use crate::lock::FileLock;

type BuildStartHook<'a> = Box<dyn FnMut(&LibstdBuild) + 'a>;

/// Builds libstd for one target into a sysroot directory.
///
/// Every setting has a default; [`LibstdBuilder::build`] does the work. The rlibs end up
/// in `<out_dir>/lib/rustlib/<target>/lib`, so `out_dir` can be passed to rustc as
/// `--sysroot` for target builds.
///
/// ```no_run
/// use xous_sysroot::build::{LibstdBuilder, Profile};
///
/// let mut builder = LibstdBuilder::new("target/xous-sysroot", xous_sysroot::DEFAULT_TARGET);
/// builder
///     .rustc("/usr/bin/rustc")
///     .profile(Profile::Official)
///     .on_build_start(|planned| {
///         eprintln!(
///             "no prebuilt libstd for rustc {}; building it from rust-src, about 1-2 minutes",
///             planned.rustc.version
///         )
///     });
/// let status = builder.build()?;
/// println!("rlibs in {}", status.output().target_libdir.display());
/// # Ok::<(), xous_sysroot::build::LibstdError>(())
/// ```
pub struct LibstdBuilder<'a> {
    pub(super) out_dir: PathBuf,
    pub(super) target: String,
    pub(super) rustc: PathBuf,
    pub(super) cargo: Option<PathBuf>,
    pub(super) rust_src: Option<PathBuf>,
    pub(super) profile: Profile,
    pub(super) c_compiler: CCompiler,
    pub(super) compiler_rt_root: Option<PathBuf>,
    pub(super) dep_sources: DepSources,
    pub(super) offline: Option<bool>,
    pub(super) extra_features: Vec<String>,
    pub(super) remap_path_prefix: bool,
    pub(super) require_linker: bool,
    pub(super) verify: bool,
    pub(super) show_cargo_output: bool,
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
            .field("offline", &self.offline)
            .field("extra_features", &self.extra_features)
            .field("remap_path_prefix", &self.remap_path_prefix)
            .field("require_linker", &self.require_linker)
            .field("verify", &self.verify)
            .field("show_cargo_output", &self.show_cargo_output)
            .finish_non_exhaustive()
    }
}

impl<'a> LibstdBuilder<'a> {
    /// Prepares a build of libstd for `target` (a built-in triple such as
    /// [`crate::DEFAULT_TARGET`], or a target JSON path) into the sysroot `out_dir`.
    ///
    /// Defaults: `rustc` from `PATH`, the `cargo` next to that rustc (else from
    /// `PATH`), rust-src from rustc's sysroot, [`Profile::Official`],
    /// [`CCompiler::Auto`], [`DepSources::Auto`], network use unless `CARGO_NET_OFFLINE`
    /// says otherwise, path remapping, linker check and verification on, cargo output
    /// captured.
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
            offline: None,
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

    /// Whether the build may use the network (for crates.io dependencies that are not
    /// vendored). Unset, `CARGO_NET_OFFLINE` decides (read when [`LibstdBuilder::build`] runs).
    /// Offline without a vendor directory, the build fails before it starts with
    /// [`LibstdError::OfflineWithoutVendor`].
    pub fn offline(&mut self, offline: bool) -> &mut Self {
        self.offline = Some(offline);
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
    /// default: they are captured and the tail is put into [`LibstdError::CargoFailed`]).
    pub fn show_cargo_output(&mut self, on: bool) -> &mut Self {
        self.show_cargo_output = on;
        self
    }

    /// Called once, with the planned result, when the stamp does not match and a build
    /// is about to start (e.g. to print "no prebuilt libstd for rustc 1.96.0 (ac68faa20);
    /// building it from rust-src, about 1-2 minutes"). Never called when the stamp matches or
    /// when the build stops before cargo runs.
    pub fn on_build_start(&mut self, hook: impl FnMut(&LibstdBuild) + 'a) -> &mut Self {
        self.on_build_start = Some(Box::new(hook));
        self
    }

    /// `<out_dir>/lib/rustlib/<target>`.
    pub fn target_root(&self) -> PathBuf {
        self.destination().target_dir()
    }

    /// `<out_dir>/lib/rustlib/.<target>.lock`: held by [`LibstdBuilder::build`] from the stamp
    /// check to the swap.
    pub fn lock_path(&self) -> PathBuf {
        self.destination()
            .rustlib()
            .join(format!(".{}.lock", target_name(&self.target)))
    }

    fn destination(&self) -> Destination {
        Destination {
            root: self.out_dir.clone(),
            target: self.target.clone(),
        }
    }

    /// Builds libstd unless the stamp in the output directory matches every input.
    ///
    /// Holds an exclusive lock ([`LibstdBuilder::lock_path`]) from the stamp check on, so
    /// concurrent builders of the same output wait for each other and then find the stamp.
    pub fn build(&mut self) -> Result<BuildStatus, LibstdError> {
        let plan = self.plan()?;
        let hash = stamp::hash(self, &plan)?;
        let dest = self.destination();
        let target_root = dest.target_dir();
        let lock = FileLock::exclusive(&self.lock_path(), || {})?;

        if stamp::read_hash(&target_root).as_deref() == Some(hash.as_str()) {
            let output = LibstdBuild {
                rlibs: list_rlibs(&target_root.join("lib"))?,
                ..self.planned_output(&plan, &hash)
            };
            return Ok(BuildStatus::AlreadyBuilt(output));
        }

        let planned = self.planned_output(&plan, &hash);
        if let Some(hook) = self.on_build_start.as_mut() {
            hook(&planned);
        }

        let started = Instant::now();
        // Staging directories of killed builds; ours is the only builder here now.
        dest.clean_leftovers()?;
        let staging = dest.stage()?;
        let artifacts = self.run_cargo(&plan, &staging.root().join("cargo-target"))?;

        let staged_root = staging.target_dir(&self.target);
        let staged_lib = staged_root.join("lib");
        fs::create_dir_all(&staged_lib)
            .map_err(|e| LibstdError::io("create directory", &staged_lib, e))?;
        for artifact in &artifacts {
            let name = artifact
                .file_name()
                .expect("artifact paths have file names");
            fs::rename(artifact, staged_lib.join(name))
                .map_err(|e| LibstdError::io("move rlib", artifact, e))?;
        }
        if self.verify {
            verify_sysroot(&plan.rustc.path, staging.root(), &self.target)?;
        }
        BuildInfo::of(&planned).write(&staged_root)?;
        let stamp_path = staged_root.join(STAMP_FILE_NAME);
        fs::write(&stamp_path, stamp::text(self, &plan, &hash))
            .map_err(|e| LibstdError::io("write", &stamp_path, e))?;
        dest.commit(staging)?;
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

    /// The output description shared by the planned, built and already-built cases.
    pub(super) fn planned_output(&self, plan: &Plan, hash: &str) -> LibstdBuild {
        LibstdBuild {
            sysroot: self.out_dir.clone(),
            target_libdir: self.target_root().join("lib"),
            rlibs: Vec::new(),
            target: self.target.clone(),
            rustc: plan.rustc.clone(),
            cargo_version: plan.cargo_version.clone(),
            profile: self.profile,
            features: plan.features.clone(),
            compiler_builtins_c: plan.c_compiler.is_some(),
            compiler_builtins_c_note: plan.c_note.clone(),
            c_compiler: plan.c_compiler.clone(),
            linker: plan.linker.clone(),
            remap_path_prefix: self.remap_path_prefix,
            rust_src: plan.src.root.clone(),
            stamp_hash: hash.to_owned(),
        }
    }
}

/// The rlibs in `dir`, sorted.
fn list_rlibs(dir: &Path) -> Result<Vec<PathBuf>, LibstdError> {
    let entries = fs::read_dir(dir).map_err(|e| LibstdError::io("list", dir, e))?;
    let mut rlibs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rlib"))
        .collect();
    rlibs.sort();
    Ok(rlibs)
}
