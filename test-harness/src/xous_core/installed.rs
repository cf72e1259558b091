//! Finding the real Xous the tests run on: the variables, else what
//! `scripts/install-real-xous` wrote in `<target dir>/real-xous/env`.

use super::checkout::{GIT_DESCRIBE_VAR, XOUS_CORE_DIR_VAR};
use crate::backend::EMULATOR_VAR;
use std::path::{Path, PathBuf};

/// A xous-core checkout and the Renode to boot its images with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealXous {
    /// The checkout.
    pub checkout: PathBuf,
    /// Its `git describe`, when it has no `.git`.
    pub git_describe: Option<String>,
    /// The Renode program (`renode` on PATH when not named).
    pub renode: PathBuf,
}

impl RealXous {
    /// `XOUS_CORE_DIR` (with `XOUS_CORE_GIT_DESCRIBE` and `XOUS_RUN_EMULATOR`) when set,
    /// else the `env` file `scripts/install-real-xous` writes in `<target_dir>/real-xous/`;
    /// `Err` says, in one line, why there is none (for a test to print when it skips).
    pub fn find(target_dir: &Path) -> Result<RealXous, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        if let Some(checkout) = var(XOUS_CORE_DIR_VAR) {
            return Ok(RealXous {
                checkout: checkout.into(),
                git_describe: var(GIT_DESCRIBE_VAR),
                renode: var(EMULATOR_VAR)
                    .unwrap_or_else(|| crate::renode::RENODE.into())
                    .into(),
            });
        }
        let file = target_dir.join("real-xous/env");
        let text = std::fs::read_to_string(&file).map_err(|_| {
            format!(
                "no real Xous: {XOUS_CORE_DIR_VAR} is not set and {} does not exist (scripts/install-real-xous makes it from ../shared)",
                file.display()
            )
        })?;
        let value = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
                .map(str::to_string)
        };
        let checkout = value(XOUS_CORE_DIR_VAR)
            .ok_or_else(|| format!("{} names no {XOUS_CORE_DIR_VAR}", file.display()))?;
        Ok(RealXous {
            checkout: checkout.into(),
            git_describe: value(GIT_DESCRIBE_VAR),
            renode: value(EMULATOR_VAR)
                .unwrap_or_else(|| crate::renode::RENODE.into())
                .into(),
        })
    }

    /// The backend's settings for a program built by `toolchain` against the libstd in
    /// `sysroot`.
    pub fn setup(
        &self,
        toolchain: crate::Toolchain,
        sysroot: impl Into<PathBuf>,
    ) -> super::XousCore {
        super::XousCore {
            checkout: self.checkout.clone(),
            git_describe: self.git_describe.clone(),
            kernel_features: super::image::kernel_features_from_env(),
            toolchain,
            sysroot: sysroot.into(),
            cache_dir: None,
        }
    }
}
