//! `ensure_compiler`'s body against a stand-in toolchain (a `rustc` script that answers
//! `-vV` and `--print sysroot` like rustup's, in a toolchain directory) and a dist root on
//! disk: the first call installs, the second finds it installed, `remove_existing`
//! reinstalls, and xous-core's gate (`RUST_VERSION` against `rustc --version`) accepts it.

use std::path::{Path, PathBuf};
use std::process::Command;

use xous_sysroot::producer::{DistRoot, RustStd};
use xous_sysroot::{InstallStatus, Installer, Mode, Rustc, Source};
use xtask_libstd::{ensure_with, TARGET_TRIPLE_RISCV32 as TARGET};

const IDENTITY: &str = "1.96.0 (ac68faa20 2026-05-25)";

/// `<dir>/toolchain` with a `bin/rustc` that reports [`IDENTITY`] and its own directory.
fn stand_in_toolchain(dir: &Path) -> PathBuf {
    let root = dir.join("toolchain");
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::create_dir_all(root.join("lib/rustlib")).unwrap();
    let rustc = root.join("bin/rustc");
    std::fs::write(
        &rustc,
        format!(
            "#!/bin/sh\n\
             case \"$*\" in\n\
             \x20 -vV) printf 'rustc {IDENTITY}\\nbinary: rustc\\ncommit-hash: \
             ac68faa20c58cbccd01ee7208bf3b6e93a7d7f96\\ncommit-date: 2026-05-25\\n\
             host: x86_64-unknown-linux-gnu\\nrelease: 1.96.0\\n' ;;\n\
             \x20 --version) echo 'rustc {IDENTITY}' ;;\n\
             \x20 '--print sysroot') cd \"$(dirname \"$0\")/..\" && pwd ;;\n\
             \x20 *) exit 1 ;;\n\
             esac\n"
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&rustc, std::fs::Permissions::from_mode(0o755)).unwrap();
    root
}

/// A dist root publishing a small rust-std for [`IDENTITY`].
fn dist_root(dir: &Path) -> DistRoot {
    let files = dir.join("files/lib/rustlib").join(TARGET);
    std::fs::create_dir_all(files.join("lib")).unwrap();
    std::fs::write(files.join("lib/libstd-0123.rlib"), "not a real rlib").unwrap();
    let root = DistRoot::new(dir.join("dist-root"));
    root.add_rust_std(&RustStd {
        release: "1.96.0",
        rustc: IDENTITY,
        commit_hash: None,
        date: "2026-05-25",
        target: TARGET,
        files: &files,
        gz: false,
    })
    .unwrap();
    root
}

/// xous-core's gate: `RUST_VERSION` in the compiler's sysroot holds its release.
fn gate_accepts(rustc: &Path) -> bool {
    let out = |arg: &[&str]| {
        let out = Command::new(rustc).args(arg).output().unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let sysroot = PathBuf::from(out(&["--print", "sysroot"]));
    let release = out(&["--version"]).split(' ').nth(1).unwrap().to_owned();
    std::fs::read_to_string(
        sysroot
            .join("lib/rustlib")
            .join(TARGET)
            .join("RUST_VERSION"),
    )
    .is_ok_and(|v| v.trim() == release)
}

#[test]
fn ensure_compiler_installs_once_reinstalls_on_request_and_passes_the_gate() {
    let tmp = tempfile::tempdir().unwrap();
    let toolchain = stand_in_toolchain(tmp.path());
    let rustc = toolchain.join("bin/rustc");
    let dist = dist_root(tmp.path());
    let mut installer = Installer::new();
    installer
        .rustc(Rustc::new(&rustc))
        .cache_dir(tmp.path().join("cache"))
        .sources(vec![Source::DistServer(dist.path().display().to_string())])
        .smoke_test(false);
    assert!(!gate_accepts(&rustc));

    let first = ensure_with(installer.clone(), None, false, false).unwrap();
    assert_eq!(first.status, InstallStatus::Installed);
    assert_eq!(first.mode, Mode::Toolchain);
    assert_eq!(first.path, toolchain);
    assert!(gate_accepts(&rustc));

    let again = ensure_with(installer.clone(), None, false, false).unwrap();
    assert_eq!(again.status, InstallStatus::AlreadyInstalled);

    let forced = ensure_with(installer, Some(TARGET), true, true).unwrap();
    assert_eq!(forced.status, InstallStatus::Installed);
    assert!(gate_accepts(&rustc));
    assert!(forced.target_dir().join("lib/libstd-0123.rlib").is_file());
}
