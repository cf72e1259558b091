//! The build record that travels with a libstd: `lib/rustlib/<target>/xous-libstd-build.toml`,
//! written by the build beside `lib/` and shipped inside the rust-std component, so that an
//! installed libstd says how it was built (profile and its revision, features, whether
//! `compiler-builtins-c` was on and why not, what cargo was told: [`CargoRecipe`]) and which
//! rustc alone can use it.
//!
//! It holds nothing machine- or time-dependent (no output paths, no timestamps), so that two
//! builds from the same inputs package to the same bytes.

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{CargoRecipe, LibstdBuild, LibstdError, Profile};
use crate::RustcVersion;

/// File name of the build record in `<sysroot>/lib/rustlib/<target>/`.
pub const BUILD_INFO_FILE_NAME: &str = "xous-libstd-build.toml";

/// Version of the build record's format; bumped when a field changes meaning. Format 2 added
/// `profile-revision`, `c-compiler` and `[recipe]`.
pub const BUILD_INFO_FORMAT: u32 = 2;

/// How a libstd was built: the contents of [`BUILD_INFO_FILE_NAME`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct BuildInfo {
    /// [`BUILD_INFO_FORMAT`] of the writer.
    pub format: u32,
    /// The builder that built it: `xous-sysroot-build <version>` (the producer's name, kept
    /// since the builder moved into `xous-sysroot`'s `build` feature).
    pub producer: String,
    /// The target (the directory name under `lib/rustlib/`).
    pub target: String,
    /// The build profile.
    pub profile: Profile,
    /// The profile's [`Profile::revision`] at build time; 1 in records of format 1, written
    /// when every profile was at revision 1 (`official` then had debug assertions on; those of
    /// the removed `release` profile no longer parse).
    #[serde(default = "first_revision")]
    pub profile_revision: u32,
    /// Whether libstd was compiled with debug assertions.
    pub debug_assertions: bool,
    /// The cargo features enabled on the `library/sysroot` crate.
    pub features: Vec<String>,
    /// Whether the C parts of compiler-builtins (`compiler-builtins-c`) are in.
    pub compiler_builtins_c: bool,
    /// Why `compiler-builtins-c` is off, when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compiler_builtins_c_note: Option<String>,
    /// The file name of the C compiler that built the C parts, when they are in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub c_compiler: Option<String>,
    /// The identity of the rustc that built it, as a manifest writes it:
    /// `1.96.0 (ac68faa20 2026-05-25)`.
    pub rustc: String,
    /// That rustc's full `rustc -vV` output.
    pub rustc_verbose_version: String,
    /// `cargo -V` of the cargo that drove the build.
    pub cargo: String,
    /// What cargo was told (absent from records of format 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipe: Option<CargoRecipe>,
}

fn first_revision() -> u32 {
    1
}

impl BuildInfo {
    /// The record of `build`.
    pub fn of(build: &LibstdBuild) -> Self {
        BuildInfo {
            format: BUILD_INFO_FORMAT,
            producer: concat!("xous-sysroot-build ", env!("CARGO_PKG_VERSION")).to_owned(),
            target: crate::component::target_name(&build.target).to_owned(),
            profile: build.profile,
            profile_revision: build.profile.revision(),
            debug_assertions: build.profile.debug_assertions(),
            features: build.features.clone(),
            compiler_builtins_c: build.compiler_builtins_c,
            compiler_builtins_c_note: build.compiler_builtins_c_note.clone(),
            c_compiler: build
                .c_compiler
                .as_deref()
                .and_then(Path::file_name)
                .map(|n| n.to_string_lossy().into_owned()),
            rustc: build.rustc.version.identity(),
            rustc_verbose_version: build.rustc.verbose_version.clone(),
            cargo: build.cargo_version.clone(),
            recipe: Some(CargoRecipe::of(
                build.profile,
                &build.features,
                build.remap_path_prefix,
            )),
        }
    }

    /// Reads the record in `target_root` (`<sysroot>/lib/rustlib/<target>`).
    pub fn read(target_root: &Path) -> Result<Self, LibstdError> {
        let path = target_root.join(BUILD_INFO_FILE_NAME);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(LibstdError::NotBuilt {
                    path: target_root.to_owned(),
                })
            }
            Err(e) => return Err(LibstdError::io("read", &path, e)),
        };
        toml::from_str(&text).map_err(|e| LibstdError::InvalidBuildInfo {
            path,
            message: e.to_string(),
        })
    }

    /// Writes the record into `target_root`.
    pub fn write(&self, target_root: &Path) -> Result<(), LibstdError> {
        let path = target_root.join(BUILD_INFO_FILE_NAME);
        fs::write(&path, self.to_toml()).map_err(|e| LibstdError::io("write", &path, e))
    }

    /// The record as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a build record always serializes")
    }

    /// The rustc identity parsed from [`BuildInfo::rustc_verbose_version`].
    pub fn rustc_version(&self) -> Result<RustcVersion, LibstdError> {
        Ok(RustcVersion::parse(&self.rustc_verbose_version)?)
    }
}

#[cfg(test)]
mod tests;
