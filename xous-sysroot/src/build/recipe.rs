//! The Xous Rust fork's current release job as data: the cargo arguments that shape the
//! output, the environment the job sets, its `RUSTFLAGS` and its features, per [`Profile`].
//! `cargo.rs` runs cargo with it and the build record ([`super::BuildInfo`]) carries it, so
//! what was built and what the record says are one piece of code.
//!
//! The job (`rust-xous-release.yml`, current version) runs
//! `cargo build --target <target> -Zbinary-dep-depinfo --release --features "panic-unwind
//! compiler-builtins-c compiler-builtins-mem" --manifest-path library/sysroot/Cargo.toml` with
//! `CARGO_PROFILE_RELEASE_DEBUG=0`, `CARGO_PROFILE_RELEASE_OPT_LEVEL=3`,
//! `CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=false`, `RUSTC_BOOTSTRAP=1`,
//! `RUSTFLAGS="-Cforce-unwind-tables=yes -Cembed-bitcode=yes -Zforce-unstable-if-unmarked"` and
//! `__CARGO_DEFAULT_LIB_METADATA=stablestd`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Profile;

/// The fork's `RUSTFLAGS`. `-Zforce-unstable-if-unmarked` is also what cargo's `-Zbuild-std` and
/// bootstrap pass for every std crate; without it rustc >= 1.8x rejects std's const calls into
/// hashbrown.
const RUSTFLAGS: [&str; 3] = [
    "-Cforce-unwind-tables=yes",
    "-Cembed-bitcode=yes",
    "-Zforce-unstable-if-unmarked",
];

/// The library metadata the fork's job sets (`__CARGO_DEFAULT_LIB_METADATA`).
const STABLE_LIB_METADATA: &str = "stablestd";

/// The optimisation level the fork's job sets (cargo's `release` default too, set explicitly).
const OPT_LEVEL: &str = "3";

/// The feature that compiles compiler-builtins' C parts (from compiler-rt).
pub(super) const COMPILER_BUILTINS_C: &str = "compiler-builtins-c";

/// What cargo is told in a libstd build, minus everything local to the machine (paths, the
/// vendored source, `--locked`, the message format, and `-Zavoid-dev-deps`, which only keeps
/// dev-dependencies out of the resolve). Recorded in the build record as `[recipe]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CargoRecipe {
    /// The cargo arguments that shape the output: `--release`, `-Zbinary-dep-depinfo` and
    /// `--features <features>`.
    pub args: Vec<String>,
    /// The environment of the cargo process, as the fork's job sets it (the cargo profile's
    /// settings, `RUSTC_BOOTSTRAP`, the library metadata).
    pub env: BTreeMap<String, String>,
    /// `RUSTFLAGS`, without the path remapping.
    pub rustflags: Vec<String>,
    /// Whether the source paths embedded in the rlibs were remapped (`library/` to
    /// `/rustc/<commit>/library`, dependencies to `/rust/deps`, as official rust-std does), so
    /// that they name no directory of the building machine. The fork's job does not remap;
    /// only those embedded path strings differ.
    pub remap_path_prefix: bool,
}

impl CargoRecipe {
    /// The recipe of `profile` with the cargo features `features` (see [`features`]).
    pub(super) fn of(profile: Profile, features: &[String], remap_path_prefix: bool) -> Self {
        let flag = |on: bool| if on { "true" } else { "false" }.to_owned();
        let env = [
            ("CARGO_PROFILE_RELEASE_DEBUG", "0".to_owned()),
            ("CARGO_PROFILE_RELEASE_OPT_LEVEL", OPT_LEVEL.to_owned()),
            (
                "CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS",
                flag(profile.debug_assertions()),
            ),
            // Stable and beta compilers need it for std's `-Z` flags.
            ("RUSTC_BOOTSTRAP", "1".to_owned()),
            (
                "__CARGO_DEFAULT_LIB_METADATA",
                STABLE_LIB_METADATA.to_owned(),
            ),
        ];
        CargoRecipe {
            args: vec![
                "--release".to_owned(),
                "-Zbinary-dep-depinfo".to_owned(),
                "--features".to_owned(),
                features.join(" "),
            ],
            env: env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            rustflags: rustflags(),
            remap_path_prefix,
        }
    }
}

/// The features of the `library/sysroot` crate, in the fork's order, `compiler-builtins-c`
/// only when `with_c` (a C compiler for the target and compiler-rt sources were found), then
/// `extra` ones not already there.
pub(super) fn features(with_c: bool, extra: &[String]) -> Vec<String> {
    let mut features: Vec<String> = ["panic-unwind", COMPILER_BUILTINS_C, "compiler-builtins-mem"]
        .into_iter()
        .filter(|f| with_c || *f != COMPILER_BUILTINS_C)
        .map(str::to_owned)
        .collect();
    for f in extra {
        if !features.contains(f) {
            features.push(f.clone());
        }
    }
    features
}

/// The fork's `RUSTFLAGS`, owned.
pub(super) fn rustflags() -> Vec<String> {
    RUSTFLAGS.iter().map(|f| (*f).to_owned()).collect()
}

#[cfg(test)]
mod tests;
