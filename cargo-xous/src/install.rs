//! Makes sure the libstd for the toolchain's exact rustc is installed, with a progress bar on a
//! terminal and one plain line when something was installed (nothing on the no-op path).

use std::io::IsTerminal;

use xous_sysroot::{InstallStatus, Installer, Sysroot};

use crate::toolchain::Toolchain;

/// Installs (or finds) the libstd for `target` and the toolchain's rustc, in the mode and from
/// the sources the `XOUS_SYSROOT_*` variables choose (private mode by default).
pub fn ensure(toolchain: &Toolchain, target: &str, quiet: bool) -> Result<Sysroot, String> {
    let cache_dir = match std::env::var_os("XOUS_SYSROOT_CACHE_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => dir.into(),
        None => xous_sysroot::default_cache_dir().map_err(|e| e.to_string())?,
    };
    let version = toolchain.version(&cache_dir)?;
    let mut installer = Installer::new();
    installer
        .rustc(toolchain.rustc())
        .version(version.clone())
        .target(target);
    let bar = !quiet && std::io::stderr().is_terminal();
    if bar {
        installer.progress(xous_sysroot::progress_bar());
    }
    let sysroot = installer.install().map_err(|e| e.to_string())?;
    if sysroot.status == InstallStatus::Installed && !quiet {
        eprintln!(
            "     Xous libstd for rustc {} installed at {} (from {})",
            version.identity(),
            sysroot.path.display(),
            sysroot.source
        );
    }
    Ok(sysroot)
}
