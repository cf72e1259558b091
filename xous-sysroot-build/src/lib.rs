//! Producer side of xous-sysroot: builds the Rust standard library for a tier-3 target
//! (by default `riscv32imac-unknown-xous-elf`) from a toolchain's `rust-src`, with the
//! exact rustc that will later consume it, packages it as a rustup component in a dist root,
//! overlays it on an official channel manifest, and serves the dist root.
//!
//! | step | API | CLI (feature `cli`) |
//! |---|---|---|
//! | build libstd into a sysroot directory | [`LibstdBuilder`] | `xous-sysroot-build build` |
//! | package it into a dist root (rust-std `.tar.xz`/`.tar.gz`, channel manifest + `.sha256`, optional legacy zip) | [`package()`] | `package` |
//! | both | | `dist` |
//! | official manifest + our rust-std | [`overlay()`] | `overlay` |
//! | static file server, redirecting missing official paths upstream | [`serve::DistServer`] | `serve` |
//! | one shared build + dist root per cargo target dir, for tests and build scripts | [`local_dist::LocalDist`] | |
//!
//! The build mirrors the Xous Rust fork's release job (see [`Profile::Official`]):
//! `cargo build` of the `library/sysroot` crate of `rust-src` for the target, with the
//! features `panic-unwind compiler-builtins-mem` (plus `compiler-builtins-c` when a C
//! compiler for the target and compiler-rt sources are available; when not, the build record
//! says why), the stable library metadata `stablestd`, and the rlibs collected into
//! `<out>/lib/rustlib/<target>/lib`.
//!
//! All formats (component layout, manifest, dist root) are `xous-sysroot`'s own code, the
//! same the installer reads with.
//!
//! ```no_run
//! use xous_sysroot_build::{package, LibstdBuilder, PackageOptions, Profile, DEFAULT_TARGET};
//!
//! let mut builder = LibstdBuilder::new("target/xous-sysroot", DEFAULT_TARGET);
//! builder.rustc("/usr/bin/rustc").profile(Profile::Official);
//! let status = builder.build()?;
//! println!("rlibs in {}", status.output().target_libdir.display());
//! let packaged = package(
//!     "target/xous-sysroot".as_ref(),
//!     DEFAULT_TARGET,
//!     "target/dist-root".as_ref(),
//!     &PackageOptions::default(),
//! )?;
//! println!("manifest {}", packaged.manifest.display());
//! # Ok::<(), xous_sysroot_build::BuildError>(())
//! ```
//!
//! # Why not `rustc-build-sysroot`
//!
//! The `rustc-build-sysroot` crate (Miri's sysroot builder) was considered first. It builds a
//! generated wrapper crate that depends on `library/std` by path, and that does not reproduce
//! the Xous release job:
//!
//! * it sets `__CARGO_DEFAULT_LIB_METADATA` to its own fixed value, while the official
//!   profile must use the fork's `stablestd` (it decides crate hashes and rlib names);
//! * its wrapper workspace drops `library/Cargo.toml`'s profile settings, among them
//!   `-Cpanic=abort` for `panic_abort` and `codegen-units = 10000` for `compiler_builtins`;
//! * it copies all of `deps/` (the wrapper's own rlib and `.d` files included) rather than
//!   the rlibs cargo reports, and has no switch for an offline vendored build from
//!   `library/vendor` (Debian's `rust-web-src`), typed errors or a cross-process lock.
//!
//! So [`LibstdBuilder`] runs cargo on rust-src's own `library/` workspace, as the fork does,
//! and borrows the crate's shape instead: builder with setters, a status enum
//! ([`BuildStatus`]), a stamp over every input, a hook before a slow build, staging and a
//! rename into place.
#![warn(missing_docs)]

mod build;
mod error;
mod info;
pub mod local_dist;
mod overlay;
mod package;
pub mod serve;
mod toolchain;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

pub use build::{verify_sysroot, LibstdBuilder};
pub use error::BuildError;
pub use info::{BuildInfo, BUILD_INFO_FILE_NAME, BUILD_INFO_FORMAT};
pub use overlay::{overlay, Overlaid, OverlayOptions};
pub use package::{package, PackageOptions, Packaged};
pub use toolchain::RustcIdentity;

/// The target whose libstd this project produces unless told otherwise.
pub const DEFAULT_TARGET: &str = "riscv32imac-unknown-xous-elf";

/// Name of the stamp file written beside `lib/` in `<out>/lib/rustlib/<target>/`.
///
/// It records what the rlibs were built from, local paths included; [`package()`] ships
/// `lib/` and the build record ([`BUILD_INFO_FILE_NAME`]), never the stamp.
pub const STAMP_FILE_NAME: &str = "xous-sysroot-build.stamp";

/// Which flavour of the build to run.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Reproduces the Xous fork's release job: cargo's `release` profile with
    /// `debug = 0` and **debug assertions on**.
    #[default]
    Official,
    /// Cargo's `release` profile with `debug = 0` and debug assertions off.
    Release,
}

impl Profile {
    /// The name used on command lines and in stamps: `official` or `release`.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Official => "official",
            Profile::Release => "release",
        }
    }

    /// Whether libstd is compiled with `debug-assertions` in this profile.
    pub fn debug_assertions(self) -> bool {
        matches!(self, Profile::Official)
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error returned when a profile name is neither `official` nor `release`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown libstd build profile `{0}`: expected `official` or `release`")]
pub struct ParseProfileError(pub String);

impl FromStr for Profile {
    type Err = ParseProfileError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "official" => Ok(Profile::Official),
            "release" => Ok(Profile::Release),
            other => Err(ParseProfileError(other.to_owned())),
        }
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
    /// `library/vendor` when the rust-src ships one (Debian's `rust-web-src` does),
    /// otherwise crates.io. Also crates.io when `compiler-builtins-c` is on and the
    /// vendor directory lacks its `cc` build dependency (Debian's does).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_round_trip() {
        for p in [Profile::Official, Profile::Release] {
            assert_eq!(p.name().parse::<Profile>(), Ok(p));
            assert_eq!(p.to_string(), p.name());
        }
        assert!(Profile::Official.debug_assertions());
        assert!(!Profile::Release.debug_assertions());
        let err = "dist".parse::<Profile>().unwrap_err();
        assert!(err.to_string().contains("`dist`"));
    }
}
