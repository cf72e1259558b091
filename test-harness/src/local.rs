//! The libstd this workspace's own tests run against, obtained the way a user would.

use crate::{HarnessError, Toolchain};
use std::path::Path;
use std::path::PathBuf;
use xous_sysroot::{InstallStatus, Installer, Mode, Source, Sysroot};
use xous_sysroot_build::local_dist::LocalDist;

/// A libstd already installed in private mode at `path` for the rustc `identity`
/// (as `rustc -vV` gives it to [`xous_sysroot::RustcVersion::identity`]).
pub fn private_sysroot(path: impl Into<PathBuf>, identity: impl Into<String>) -> Sysroot {
    Sysroot {
        path: path.into(),
        target: crate::TARGET.to_string(),
        mode: Mode::Private,
        rustc: identity.into(),
        source: String::new(),
        status: InstallStatus::AlreadyInstalled,
    }
}

/// Installs (or finds) a libstd for `toolchain` in private mode, with its cache under
/// `target_dir/xous-sysroot-cache`.
///
/// When `XOUS_SYSROOT_DIST_SERVER` is set, libstd comes from that dist server (this is
/// how a candidate release is qualified). Otherwise it is built once from the
/// toolchain's `rust-src` into `target_dir/xous-libstd` (see
/// [`xous_sysroot_build::local_dist`]), published there as a dist root, and installed
/// from it: the same path, verification and stamp as a real install.
pub fn local_sysroot(toolchain: &Toolchain, target_dir: &Path) -> Result<Sysroot, HarnessError> {
    let mut installer = Installer::new();
    installer
        .rustc(toolchain.rustc())
        .mode(Mode::Private)
        .cache_dir(target_dir.join("xous-sysroot-cache"));
    let server = match std::env::var("XOUS_SYSROOT_DIST_SERVER") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            let dist = LocalDist::new(target_dir)
                .rustc(&toolchain.rustc)
                .cargo(&toolchain.cargo)
                .ensure()?;
            dist.dist_root.display().to_string()
        }
    };
    // Only that server: never a cached or GitHub libstd of the same version by accident.
    installer.sources(vec![Source::DistServer(server)]);
    Ok(installer.install()?)
}
