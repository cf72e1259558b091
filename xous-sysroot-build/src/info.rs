//! The build record that travels with a libstd: `lib/rustlib/<target>/xous-libstd-build.toml`,
//! written by the build beside `lib/` and shipped inside the rust-std component, so that an
//! installed libstd says how it was built (profile, features, whether `compiler-builtins-c`
//! was on and why not) and which rustc alone can use it.
//!
//! It holds nothing machine- or time-dependent (no output paths, no timestamps), so that two
//! builds from the same inputs package to the same bytes.

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};
use xous_sysroot::RustcVersion;

use crate::{BuildError, LibstdBuild, Profile};

/// File name of the build record in `<sysroot>/lib/rustlib/<target>/`.
pub const BUILD_INFO_FILE_NAME: &str = "xous-libstd-build.toml";

/// Version of the build record's format; bumped when a field changes meaning.
pub const BUILD_INFO_FORMAT: u32 = 1;

/// How a libstd was built: the contents of [`BUILD_INFO_FILE_NAME`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct BuildInfo {
    /// [`BUILD_INFO_FORMAT`] of the writer.
    pub format: u32,
    /// The tool that built it: `xous-sysroot-build <version>`.
    pub producer: String,
    /// The target (the directory name under `lib/rustlib/`).
    pub target: String,
    /// The build profile.
    pub profile: Profile,
    /// Whether libstd was compiled with debug assertions.
    pub debug_assertions: bool,
    /// The cargo features enabled on the `library/sysroot` crate.
    pub features: Vec<String>,
    /// Whether the C parts of compiler-builtins (`compiler-builtins-c`) are in.
    pub compiler_builtins_c: bool,
    /// Why `compiler-builtins-c` is off, when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compiler_builtins_c_note: Option<String>,
    /// The identity of the rustc that built it, as a manifest writes it:
    /// `1.96.0 (ac68faa20 2026-05-25)`.
    pub rustc: String,
    /// That rustc's full `rustc -vV` output.
    pub rustc_verbose_version: String,
    /// `cargo -V` of the cargo that drove the build.
    pub cargo: String,
}

impl BuildInfo {
    /// The record of `build`.
    pub fn of(build: &LibstdBuild) -> Self {
        BuildInfo {
            format: BUILD_INFO_FORMAT,
            producer: concat!("xous-sysroot-build ", env!("CARGO_PKG_VERSION")).to_owned(),
            target: crate::toolchain::target_dir_name(&build.target),
            profile: build.profile,
            debug_assertions: build.profile.debug_assertions(),
            features: build.features.clone(),
            compiler_builtins_c: build.compiler_builtins_c,
            compiler_builtins_c_note: build.compiler_builtins_c_note.clone(),
            rustc: build.rustc.version.identity(),
            rustc_verbose_version: build.rustc.verbose_version.clone(),
            cargo: build.cargo_version.clone(),
        }
    }

    /// Reads the record in `target_root` (`<sysroot>/lib/rustlib/<target>`).
    pub fn read(target_root: &Path) -> Result<Self, BuildError> {
        let path = target_root.join(BUILD_INFO_FILE_NAME);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BuildError::NotBuilt {
                    path: target_root.to_owned(),
                })
            }
            Err(e) => return Err(BuildError::io("read", &path, e)),
        };
        toml::from_str(&text).map_err(|e| BuildError::InvalidBuildInfo {
            path,
            message: e.to_string(),
        })
    }

    /// Writes the record into `target_root`.
    pub fn write(&self, target_root: &Path) -> Result<(), BuildError> {
        let path = target_root.join(BUILD_INFO_FILE_NAME);
        fs::write(&path, self.to_toml()).map_err(|e| BuildError::io("write", &path, e))
    }

    /// The record as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a build record always serializes")
    }

    /// The rustc identity parsed from [`BuildInfo::rustc_verbose_version`].
    pub fn rustc_version(&self) -> Result<RustcVersion, BuildError> {
        Ok(RustcVersion::parse(&self.rustc_verbose_version)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_toml() {
        let info = BuildInfo {
            format: BUILD_INFO_FORMAT,
            producer: "xous-sysroot-build 0.1.0".into(),
            target: "riscv32imac-unknown-xous-elf".into(),
            profile: Profile::Official,
            debug_assertions: true,
            features: vec!["panic-unwind".into(), "compiler-builtins-mem".into()],
            compiler_builtins_c: false,
            compiler_builtins_c_note: Some("no C compiler found".into()),
            rustc: "1.96.0 (ac68faa20 2026-05-25)".into(),
            rustc_verbose_version: "rustc 1.96.0 (ac68faa20 2026-05-25)\nbinary: rustc\n\
                commit-hash: ac68faa20c58cbccd01ee7208bf3b6e93a7d7f96\n\
                commit-date: 2026-05-25\nhost: x86_64-unknown-linux-gnu\nrelease: 1.96.0\n"
                .into(),
            cargo: "cargo 1.96.0".into(),
        };
        let text = info.to_toml();
        assert!(text.contains("profile = \"official\""), "{text}");
        assert!(text.contains("compiler-builtins-c = false"), "{text}");
        let back: BuildInfo = toml::from_str(&text).unwrap();
        assert_eq!(back, info);
        let version = back.rustc_version().unwrap();
        assert_eq!(version.identity(), info.rustc);
        assert_eq!(version.commit_date.as_deref(), Some("2026-05-25"));
    }

    #[test]
    fn missing_record_says_build_first() {
        let dir = tempfile::tempdir().unwrap();
        let err = BuildInfo::read(dir.path()).unwrap_err();
        assert!(matches!(err, BuildError::NotBuilt { .. }), "{err}");
        assert!(
            err.to_string().contains("xous-sysroot-build build"),
            "{err}"
        );
    }
}
