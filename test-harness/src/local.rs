//! The libstd this workspace's own tests run against, obtained the way a user would: the
//! one place that finds the cargo target directory, builds a libstd there and installs it.
//!
//! Building and packaging are [`xous_sysroot_build::local_dist`]'s job (it lives in the
//! producer crate because the producer's own tests need it, and the target-directory finder
//! lives there for the same reason); everything a consumer needs on top (which dist server,
//! which cache, the private install, a stale install after a rebuild) is here, because
//! every crate that tests firmware (this harness's tests, `firmware-tests`' build script
//! and `xous-bench`) depends on this crate.
//!
//! Layout under the cargo target directory:
//!
//! ```text
//! xous-libstd/<profile>/          the local build and its dist root (LocalDist)
//! xous-sysroot-cache/             the official-profile libstd, installed (private mode)
//! xous-sysroot-cache-<profile>/   any other profile, installed
//! ```

use crate::{HarnessError, Toolchain};
use std::path::{Path, PathBuf};
use xous_sysroot::util::FileLock;
use xous_sysroot::{Installer, Mode, Source, Sysroot};
use xous_sysroot_build::local_dist::LocalDist;
use xous_sysroot_build::Profile;

pub use xous_sysroot_build::local_dist::find_cargo_target_dir as cargo_target_dir;

/// The variable naming a dist server (URL or dist root) to take the official-profile libstd
/// from instead of building it locally (how a candidate release is qualified).
pub const DIST_SERVER_ENV: &str = "XOUS_SYSROOT_DIST_SERVER";

/// A libstd already installed in private mode at `path` for the rustc `identity`
/// (as `rustc -vV` gives it to [`xous_sysroot::RustcVersion::identity`]).
pub fn private_sysroot(path: impl Into<PathBuf>, identity: impl Into<String>) -> Sysroot {
    Sysroot::existing(path, crate::TARGET, Mode::Private, identity)
}

/// Installs (or finds) the official-profile libstd for `toolchain` in private mode, with its
/// cache under `target_dir/xous-sysroot-cache`.
///
/// When `XOUS_SYSROOT_DIST_SERVER` is set, libstd comes from that dist server. Otherwise it
/// is [`profile_sysroot`] with [`Profile::Official`].
pub fn local_sysroot(toolchain: &Toolchain, target_dir: &Path) -> Result<Sysroot, HarnessError> {
    match xous_sysroot::util::env::var(DIST_SERVER_ENV)? {
        Some(server) => Ok(install_private(
            toolchain,
            &server,
            &cache_dir(target_dir, Profile::Official),
        )?),
        None => profile_sysroot(toolchain, target_dir, Profile::Official),
    }
}

/// Installs (or finds) the libstd of `profile` for `toolchain` in private mode: built once
/// from the toolchain's `rust-src` into `target_dir/xous-libstd/<profile>` (see
/// [`xous_sysroot_build::local_dist`]), published there as a dist root, and installed from
/// it into `target_dir/xous-sysroot-cache[-<profile>]`: the same path, verification and
/// stamp as a real install. An install from an earlier build of the same version is
/// replaced (the installer alone would keep it).
pub fn profile_sysroot(
    toolchain: &Toolchain,
    target_dir: &Path,
    profile: Profile,
) -> Result<Sysroot, HarnessError> {
    let dist = LocalDist::new(target_dir)
        .profile(profile)
        .rustc(&toolchain.rustc)
        .cargo(&toolchain.cargo)
        .ensure()?;
    let cache = cache_dir(target_dir, profile);
    let lock = cache.with_extension("lock");
    let _lock = FileLock::exclusive(&lock, || {})?;
    let stamp = cache.join("local-build.stamp");
    let current = std::fs::read_to_string(&stamp).is_ok_and(|s| s == dist.build.stamp_hash);
    if !current && cache.exists() {
        std::fs::remove_dir_all(&cache)
            .map_err(|e| HarnessError::io("remove the stale install", &cache, e))?;
    }
    let sysroot = install_private(toolchain, &dist.dist_root.display().to_string(), &cache)?;
    if !current {
        std::fs::write(&stamp, &dist.build.stamp_hash)
            .map_err(|e| HarnessError::io("write", &stamp, e))?;
    }
    Ok(sysroot)
}

/// Installs the libstd for `toolchain` from `dist_server` (a dist root path or URL) and from
/// nowhere else (no cache, no GitHub fallback: what is installed is that libstd or nothing)
/// into a private sysroot under `cache_dir`.
pub fn install_private(
    toolchain: &Toolchain,
    dist_server: &str,
    cache_dir: &Path,
) -> Result<Sysroot, xous_sysroot::Error> {
    let mut installer = Installer::new();
    installer
        .rustc(toolchain.rustc())
        .mode(Mode::Private)
        .cache_dir(cache_dir)
        .sources(vec![Source::DistServer(dist_server.to_string())]);
    installer.install()
}

/// `target_dir/xous-sysroot-cache` for the official profile, `…-<profile>` for the others.
pub fn cache_dir(target_dir: &Path, profile: Profile) -> PathBuf {
    match profile {
        Profile::Official => target_dir.join("xous-sysroot-cache"),
        other => target_dir.join(format!("xous-sysroot-cache-{}", other.name())),
    }
}
