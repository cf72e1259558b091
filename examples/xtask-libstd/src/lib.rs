//! The libstd check of an xtask shaped like xous-core's: [`ensure_compiler`] has the signature
//! of xous-core's `ensure_compiler` (`xtask/src/utils.rs`) and installs with the xous-sysroot
//! library instead of unzipping the fork's GitHub release into the sysroot.
//!
//! The xtask builds with a plain `cargo build --target riscv32imac-unknown-xous-elf`, so the
//! libstd goes where the compiler finds it by itself: toolchain mode, into the active rustc's
//! sysroot (under `cargo +xous-1.95.0 xtask …` that is the linked toolchain, already
//! installed: a stamp read). `XOUS_SYSROOT_MODE`, when set, chooses another mode. Every
//! install writes the `RUST_VERSION` the xtask's gate reads, so the rest of the xtask is
//! unchanged.

use std::sync::atomic::{AtomicBool, Ordering};

use xous_sysroot::{Installer, Mode, Sysroot};

/// The target xous-core builds for.
pub const TARGET_TRIPLE_RISCV32: &str = xous_sysroot::DEFAULT_TARGET;

/// Whether this process has already checked (the xtask calls the check before every build).
static DONE_COMPILER_CHECK: AtomicBool = AtomicBool::new(false);

/// Makes sure the libstd of `target` (default [`TARGET_TRIPLE_RISCV32`]) is installed for the
/// active rustc: the cache, dist servers (`XOUS_SYSROOT_DIST_SERVER`), the fork's release zips,
/// verified, with the atomic swap. `remove_existing` reinstalls (replacing the directory
/// atomically rather than deleting it first); `force_install` is accepted for xous-core's
/// call sites: no prompt is needed, since nothing unverified is ever installed.
pub fn ensure_compiler(
    target: &Option<&str>,
    force_install: bool,
    remove_existing: bool,
) -> Result<(), String> {
    if DONE_COMPILER_CHECK.load(Ordering::SeqCst) && !remove_existing {
        return Ok(());
    }
    let sysroot = ensure_with(Installer::new(), *target, force_install, remove_existing)?;
    println!(
        "libstd for {} (rustc {}) at {}",
        sysroot.target,
        sysroot.rustc,
        sysroot.target_dir().display()
    );
    DONE_COMPILER_CHECK.store(true, Ordering::SeqCst);
    Ok(())
}

/// [`ensure_compiler`] with an installer the caller prepared (its compiler, sources, cache):
/// what a test or an xtask with its own settings calls. Returns what is installed where.
pub fn ensure_with(
    mut installer: Installer,
    target: Option<&str>,
    _force_install: bool,
    remove_existing: bool,
) -> Result<Sysroot, String> {
    installer
        .target(target.unwrap_or(TARGET_TRIPLE_RISCV32))
        .force(remove_existing);
    if xous_sysroot::util::env::var("XOUS_SYSROOT_MODE")
        .map_err(|e| e.to_string())?
        .is_none()
    {
        installer.mode(Mode::Toolchain);
    }
    installer.install().map_err(|e| e.to_string())
}
