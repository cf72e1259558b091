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
//! The build is the Xous Rust fork's current release job (see [`Profile::Official`] and
//! [`CargoRecipe`]): `cargo build --release -Zbinary-dep-depinfo` of the `library/sysroot`
//! crate of `rust-src` for the target, debug assertions off, opt-level 3, the fork's
//! `RUSTFLAGS`, the features `panic-unwind compiler-builtins-c compiler-builtins-mem`
//! (`compiler-builtins-c` only when a C compiler for the target and compiler-rt sources are
//! available; when not, the build record says why), the stable library metadata `stablestd`,
//! and the rlibs collected into `<out>/lib/rustlib/<target>/lib`.
//!
//! All formats (component layout, manifest, dist root) are `xous-sysroot`'s own code, the
//! same the installer reads with.
//!
//! # Where the builder lives
//!
//! [`LibstdBuilder`] and its vocabulary ([`Profile`], [`BuildStatus`], [`BuildInfo`],
//! [`LibstdError`], ...) are `xous_sysroot::build`, behind `xous-sysroot`'s `build` feature,
//! and re-exported here: the installer builds libstd from `rust-src` when no prebuilt one
//! exists, and this crate depends on the installer, so the builder sits below both (the
//! reasons are in `xous_sysroot::build`'s docs). This crate keeps what only a producer does:
//! packaging, the overlay, `serve` and [`local_dist::LocalDist`].
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

mod error;
pub mod local_dist;
mod overlay;
mod package;
pub mod serve;

pub use error::BuildError;
pub use overlay::{overlay, Overlaid, OverlayOptions};
pub use package::{dist_date, package, PackageOptions, Packaged, TOOLCHAIN_MANIFEST};
pub use xous_sysroot::build::{
    verify_sysroot, BuildInfo, BuildStatus, CCompiler, CargoRecipe, DepSources, LibstdBuild,
    LibstdBuilder, LibstdError, ParseProfileError, Profile, RustcIdentity, BUILD_INFO_FILE_NAME,
    BUILD_INFO_FORMAT, STAMP_FILE_NAME,
};
pub use xous_sysroot::DEFAULT_TARGET;
