//! Building libstd for a tier-3 target from a toolchain's `rust-src`, with the exact rustc that
//! will consume it (feature `build`, off by default).
//!
//! [`LibstdBuilder`] runs cargo on `rust-src`'s own `library/` workspace for the target, as the
//! Xous Rust fork's release job does (see [`Profile::Official`]), collects the rlibs into
//! `<out>/lib/rustlib/<target>/lib`, checks that rustc accepts them, and moves them into place
//! atomically; a stamp over every input makes a second call a no-op.
//!
//! | file | responsible for |
//! |---|---|
//! | `builder.rs` | [`LibstdBuilder`]: settings, the lock, stamp check, staging and swap |
//! | `plan.rs` | resolving toolchain, sources, dependencies, features and flags before a build |
//! | `recipe.rs` | [`CargoRecipe`]: the fork's release job as data (arguments, environment, flags, features) |
//! | `cargo.rs` | the one cargo process: its command line, environment and JSON messages |
//! | `component.rs` | [`stage_component`]: which built files a rust-std component holds |
//! | `stamp.rs` | the stamp: the hash over every input, and reading it back |
//! | `toolchain.rs` | probing rustc, rust-src, the target's linker and a C compiler |
//! | `info.rs` | [`BuildInfo`], the build record shipped with the libstd |
//! | `error.rs` | [`LibstdError`] |
//!
//! # Behaviour worth knowing
//!
//! * **`RUSTC_BOOTSTRAP=1`**: std's build needs unstable flags (`-Zbinary-dep-depinfo`,
//!   `-Zforce-unstable-if-unmarked`), so stable and beta compilers get `RUSTC_BOOTSTRAP=1`, as
//!   the fork's release job sets it. It is set on the environment of that one cargo process
//!   (and of the rustc queries that need `-Z` flags), never on this process's environment, so it
//!   cannot leak into the caller's own builds.
//! * **Dependencies** of `library/` come from `library/vendor` when the rust-src ships one,
//!   otherwise from cargo's registry. Three layouts are known: `library/vendor` with a
//!   `library/.cargo/config.toml` defining it as a source (rustup's nightly and beta: the build
//!   replaces crates.io with that source, never defining the directory a second time, which
//!   cargo refuses); `library/vendor` alone (Debian's `rust-web-src`: the build defines the
//!   source); no vendor directory (rustup's stable: crates.io). With network use off
//!   ([`LibstdBuilder::offline`], else `CARGO_NET_OFFLINE`) and no vendor directory, the build
//!   stops before it starts with [`LibstdError::OfflineWithoutVendor`], saying what is missing.
//! * **Atomicity**: cargo builds into a staging directory beside the output (same file
//!   system); the rlibs, the build record and the stamp are written there and the directory is
//!   renamed into place, so a build killed at any point leaves the output as it was. Leftover
//!   staging directories are removed by the next build.
//! * **A slow build is announced**: [`LibstdBuilder::on_build_start`] is called only when the
//!   stamp does not match and cargo is about to run.
//!
//! # Why a feature of `xous-sysroot`
//!
//! The installer (`xous-sysroot`) falls back to building libstd from `rust-src` when no prebuilt
//! one exists, and the producer (`xous-sysroot-build`) depends on the installer for every format
//! it writes. So the builder cannot stay in the producer (that would be a cycle), and a third
//! crate would split one job (finding and checking a toolchain, staging, locking, the smoke
//! compile) between crates that then share it through public items. The builder therefore lives
//! here, reusing the installer's lock, hashing, staging and swap, smoke compile and rustc
//! identity, behind the `build` feature: a build script that only installs compiles none of it
//! (no `cc`, no `tempfile`). `xous-sysroot-build` keeps packaging, the overlay, `serve` and
//! `LocalDist`, and re-exports this module's items.

mod builder;
mod cargo;
mod component;
mod error;
mod info;
mod plan;
mod recipe;
mod stamp;
mod toolchain;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

pub use builder::LibstdBuilder;
pub use component::stage_component;
pub use error::LibstdError;
pub use info::{BuildInfo, BUILD_INFO_FILE_NAME, BUILD_INFO_FORMAT};
pub use recipe::CargoRecipe;
pub use toolchain::RustcIdentity;

/// Name of the stamp file written beside `lib/` in `<out>/lib/rustlib/<target>/`.
///
/// It records what the rlibs were built from, local paths included; packaging ships `lib/` and
/// the build record ([`BUILD_INFO_FILE_NAME`]), never the stamp.
pub const STAMP_FILE_NAME: &str = "xous-sysroot-build.stamp";

/// Which flavour of the build to run.
///
/// Both profiles run the Xous Rust fork's current release job (see [`Profile::Official`] and the
/// `recipe` module); they differ only in libstd's debug assertions. A profile's
/// [`Profile::revision`] is bumped whenever what it builds changes, so that benchmark baselines
/// and build records of an earlier build of the same name are told apart.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Exactly the Xous fork's current release job, what users download: cargo's `release`
    /// profile with `debug = 0`, `opt-level = 3` and **debug assertions off**, the fork's
    /// `RUSTFLAGS`, features and environment. Revision 2; revision 1 had debug assertions on
    /// (the fork's older workflow), which is now [`Profile::DebugAssertions`].
    #[default]
    Official,
    /// The official build with libstd's **debug assertions on**: what the fork's older
    /// workflow built and what `official` meant up to its revision 1. For comparison only.
    DebugAssertions,
}

impl Profile {
    /// Every profile, the default first.
    pub const ALL: [Profile; 2] = [Profile::Official, Profile::DebugAssertions];

    /// The name used on command lines and in stamps: `official` or `debug-assertions`.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Official => "official",
            Profile::DebugAssertions => "debug-assertions",
        }
    }

    /// The profile's revision: bumped whenever the build of this name changes (flags,
    /// environment, features), so that a record or baseline of an earlier revision is never
    /// taken for this one. Records without one are of revision 1.
    pub fn revision(self) -> u32 {
        match self {
            Profile::Official => 2,
            Profile::DebugAssertions => 1,
        }
    }

    /// Whether libstd is compiled with `debug-assertions` in this profile.
    pub fn debug_assertions(self) -> bool {
        matches!(self, Profile::DebugAssertions)
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error returned when a profile name is neither `official` nor `debug-assertions`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown libstd build profile `{0}`: expected `official` or `debug-assertions`{hint}", hint = removed_profile_hint(.0))]
pub struct ParseProfileError(pub String);

/// What became of a profile that no longer exists.
fn removed_profile_hint(name: &str) -> &'static str {
    match name {
        "release" => {
            "\nhelp: the `release` profile was removed: `official` now builds with debug \
             assertions off, which is what `release` did"
        }
        _ => "",
    }
}

impl FromStr for Profile {
    type Err = ParseProfileError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Profile::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| ParseProfileError(s.to_owned()))
    }
}

/// How to choose the C compiler that `compiler-builtins-c` needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CCompiler {
    /// Ask the `cc` crate for the target's C compiler (honouring `CC_<target>`,
    /// `TARGET_CC`, `CC` and the usual `riscv*-elf-gcc` names) and use it if it really
    /// produces objects for the target and compiler-rt sources are found; otherwise
    /// build without `compiler-builtins-c`.
    #[default]
    Auto,
    /// Use this compiler; the build fails if it does not work for the target or if no
    /// compiler-rt sources are found.
    Path(PathBuf),
    /// Never build the C parts of compiler-builtins.
    Disabled,
}

/// Where the crates.io dependencies of `library/` come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DepSources {
    /// `library/vendor` when the rust-src ships one (Debian's `rust-web-src` and rustup's
    /// nightly and beta `rust-src` do), otherwise crates.io. Also crates.io when `compiler-builtins-c` is on and the
    /// vendor directory lacks its `cc` build dependency (Debian's does); offline, that
    /// turns `compiler-builtins-c` off instead (with [`CCompiler::Auto`]).
    #[default]
    Auto,
    /// The given vendor directory (a `cargo vendor` layout), offline.
    Vendored(PathBuf),
    /// crates.io through cargo's normal registry configuration.
    Registry,
}

/// What a libstd build produced (or, for [`BuildStatus::AlreadyBuilt`], what is there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibstdBuild {
    /// The sysroot root to pass as `--sysroot` (the builder's `out_dir`).
    pub sysroot: PathBuf,
    /// `<sysroot>/lib/rustlib/<target>/lib`, holding the rlibs.
    pub target_libdir: PathBuf,
    /// The rlibs in `target_libdir`, sorted by file name.
    pub rlibs: Vec<PathBuf>,
    /// The target triple (or target JSON path) that was built.
    pub target: String,
    /// The rustc that built the rlibs and the only one that can use them.
    pub rustc: RustcIdentity,
    /// `cargo -V` of the cargo that built them.
    pub cargo_version: String,
    /// The build profile.
    pub profile: Profile,
    /// The cargo features enabled on the `library/sysroot` crate.
    pub features: Vec<String>,
    /// Whether `compiler-builtins-c` was enabled.
    pub compiler_builtins_c: bool,
    /// Why `compiler-builtins-c` is off, when it is.
    pub compiler_builtins_c_note: Option<String>,
    /// The C compiler used for `compiler-builtins-c`, if any.
    pub c_compiler: Option<PathBuf>,
    /// The linker that rustc will use for the target, where it was found (None when the
    /// check was disabled).
    pub linker: Option<PathBuf>,
    /// Whether source paths in the rlibs were remapped ([`LibstdBuilder::remap_path_prefix`]).
    pub remap_path_prefix: bool,
    /// The `rust-src` directory (the one holding `library/`) that was built.
    pub rust_src: PathBuf,
    /// Hex SHA-256 over every input of the build, as stored in the stamp file.
    pub stamp_hash: String,
}

/// Result of [`LibstdBuilder::build`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildStatus {
    /// The stamp matched: nothing was rebuilt.
    AlreadyBuilt(LibstdBuild),
    /// libstd was built now, taking `duration`.
    Built {
        /// What was built.
        output: LibstdBuild,
        /// Wall-clock time of the cargo build and installation.
        duration: Duration,
    },
}

impl BuildStatus {
    /// The build description, whichever way it was obtained.
    pub fn output(&self) -> &LibstdBuild {
        match self {
            BuildStatus::AlreadyBuilt(output) | BuildStatus::Built { output, .. } => output,
        }
    }

    /// Consumes the status and returns the build description.
    pub fn into_output(self) -> LibstdBuild {
        match self {
            BuildStatus::AlreadyBuilt(output) | BuildStatus::Built { output, .. } => output,
        }
    }

    /// True when a build ran (the stamp did not match).
    pub fn was_built(&self) -> bool {
        matches!(self, BuildStatus::Built { .. })
    }
}

/// Checks that `rustc` accepts the libstd in `sysroot` for `target`: the installer's smoke
/// compile (a library with `extern crate std;`, metadata only, nothing linked).
pub fn verify_sysroot(rustc: &Path, sysroot: &Path, target: &str) -> Result<(), LibstdError> {
    let rejected = |stderr: String| LibstdError::SysrootRejected {
        rustc: rustc.to_owned(),
        sysroot: sysroot.to_owned(),
        target: target.to_owned(),
        stderr: stderr.trim().to_owned(),
    };
    let compiler = rustc.display().to_string();
    let source = sysroot.display().to_string();
    match crate::smoke::smoke_compile(
        &crate::Rustc::new(rustc),
        &compiler,
        sysroot,
        target,
        &source,
    ) {
        Ok(()) => Ok(()),
        Err(crate::Error::SmokeCompile { stderr }) => Err(rejected(stderr)),
        Err(e @ crate::Error::Incompatible { .. }) => Err(rejected(e.to_string())),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests;
