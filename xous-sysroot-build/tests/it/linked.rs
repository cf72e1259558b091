//! Linked mode end to end with the real `rustup` and the shared libstd: rustup installs a
//! stand-in toolchain from 127.0.0.1 (its `rustc` made a compiler: Debian's, reporting the
//! shared build's identity and its own directory as sysroot), `xous-sysroot` makes the linked
//! toolchain from it (smoke compile included) and registers it, and cargo builds a std program
//! with the linked toolchain's `rustc` and no flags. The base is snapshotted (bytes, inodes,
//! mtimes) around install and uninstall.

use anyhow::{ensure, Result};
use xous_sysroot::{InstallStatus, Installer, Mode, Rustc, Source};

use crate::support::{
    build_app, copy_dist_root, local_dist, rustup, scratch, serve, stand_in_toolchain_rustc,
    stand_in_upstream, toolchain_snapshot, write_app, HOST,
};

fn run(mut cmd: std::process::Command) -> Result<String> {
    let out = cmd.output()?;
    ensure!(
        out.status.success(),
        "{cmd:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_linked_toolchain_builds_a_std_program_with_no_flags() -> Result<()> {
    let dist = local_dist();
    let dir = scratch("linked");
    let release = &dist.rustc.release;
    let upstream = stand_in_upstream(&dir)?;
    let (up_server, _) = serve(upstream.path(), None);
    let rustup_cmd = |args: &[&str]| {
        let mut cmd = rustup(&dir, &up_server.url());
        cmd.args(args);
        run(cmd)
    };
    rustup_cmd(&[
        "toolchain",
        "install",
        release,
        "--profile",
        "minimal",
        "--no-self-update",
    ])?;
    let base = dir
        .join("rustup/toolchains")
        .join(format!("{release}-{HOST}"));
    // rustup's stand-in rustc only prints its identity: make it a compiler of that identity.
    stand_in_toolchain_rustc(&base, &dist.rustc)?;
    let before = toolchain_snapshot(&base);

    let ours = dir.join("ours");
    copy_dist_root(&dist.dist_root, &ours)?;
    let (server, _) = serve(&ours, None);
    let mut installer = Installer::new();
    installer
        .mode(Mode::Linked)
        .rustc(Rustc::new(base.join("bin/rustc")))
        .rustup_home(dir.join("rustup"))
        .cache_dir(dir.join("cache"))
        .sources(vec![Source::DistServer(server.url())]);
    let installed = installer.install()?;
    let name = format!("xous-{release}");
    let root = dir.join("cache/toolchains").join(dist.rustc.dir_name());
    ensure!(installed.status == InstallStatus::Installed);
    ensure!(installed.toolchain.as_deref() == Some(name.as_str()));
    ensure!(installed.path == root && installed.rustflags()?.is_empty());
    let sysroot = rustup_cmd(&["run", &name, "rustc", "--print", "sysroot"])?;
    ensure!(sysroot.trim() == root.display().to_string(), "{sysroot}");

    // The linked toolchain's rustc finds the libstd by itself: no --sysroot, no config.
    let app = write_app(&dir.join("app"))?;
    build_app(&app, &root.join("bin/rustc"), &[], &dir.join("app-target"))?;
    ensure!(
        toolchain_snapshot(&base) == before,
        "the base after the install"
    );

    ensure!(installer.install()?.status == InstallStatus::AlreadyInstalled);
    ensure!(installer.uninstall()?);
    ensure!(!root.exists());
    ensure!(!rustup_cmd(&["toolchain", "list"])?.contains(&name));
    ensure!(
        toolchain_snapshot(&base) == before,
        "the base after the uninstall"
    );
    Ok(())
}
