//! Makes sure the libstd for the toolchain's exact rustc is installed: from the cache, the dist
//! servers, the release zips, else built from the toolchain's `rust-src` (on by default here;
//! `XOUS_SYSROOT_BUILD_FROM_SOURCE=0` turns it off). A progress bar on a terminal, plain notice
//! lines elsewhere, nothing at all with `-q` or on the no-op path.

use xous_sysroot::{InstallStatus, Installer, Sysroot};

use crate::toolchain::Toolchain;

/// Installs (or finds) the libstd for `target` and the toolchain's rustc, in the mode and from
/// the sources the `XOUS_SYSROOT_*` variables choose (private mode by default). A private
/// sysroot whose path is not UTF-8 is refused first: cargo could not be told where it is.
pub fn ensure(toolchain: &Toolchain, target: &str, quiet: bool) -> Result<Sysroot, String> {
    // The installer's own cache directory (it reads XOUS_SYSROOT_CACHE_DIR first).
    let cache_dir = xous_sysroot::default_cache_dir().map_err(|e| e.to_string())?;
    let version = toolchain.version(&cache_dir)?;
    let mut installer = Installer::new();
    installer
        .rustc(toolchain.rustc())
        .version(version.clone())
        .target(target)
        .build_from_source(
            xous_sysroot::util::env::flag("XOUS_SYSROOT_BUILD_FROM_SOURCE")
                .map_err(|e| e.to_string())?
                .unwrap_or(true),
        );
    let (planned, _) = installer.status().map_err(|e| e.to_string())?;
    // A sysroot no flag can name (a path that is not UTF-8) is refused before installing.
    planned.rustflags().map_err(|e| e.to_string())?;
    if !quiet {
        installer.progress(xous_sysroot::stderr_progress());
    }
    let sysroot = installer.install().map_err(|e| e.to_string());
    drop(installer); // clears the progress bar before anything else is printed
    let sysroot = sysroot?;
    if sysroot.status == InstallStatus::Installed && !quiet {
        eprintln!(
            "     Xous libstd for rustc {} installed at {} (source: {})",
            version.identity(),
            sysroot.path.display(),
            sysroot.source
        );
    }
    Ok(sysroot)
}
