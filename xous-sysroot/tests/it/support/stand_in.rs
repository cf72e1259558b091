//! A stand-in for static.rust-lang.org that the real `rustup` installs a toolchain from, and
//! `rustup` run in a throwaway home, and a snapshot of a toolchain directory. Shared by the integration tests of `xous-sysroot` and of
//! `xous-sysroot-build` (which includes this file by path), so that both test rustup against
//! the same upstream.

use std::path::{Path, PathBuf};
use std::process::Command;

use xous_sysroot::producer::{
    ComponentLayout, DistRoot, Manifest, Package, PackageRef, TargetedPackage,
};
use xous_sysroot::RustcVersion;

/// The host whose stand-in toolchain the upstream dist root carries.
pub const HOST: &str = "x86_64-unknown-linux-gnu";

/// Publishes `<dir>/upstream`, a dist root for `rustc`'s release dated `date`: small stand-in
/// host components (`rustc` and `cargo` scripts that print the identity, `rustc` also its
/// `-vV` and `--print sysroot` as the real one does, and a host `rust-std`),
/// the `rust` package listing them with a combined tarball, and a `minimal` profile, as the
/// official manifests have. Archive URLs are under the official server, as rustup expects.
pub fn stand_in_toolchain(
    dir: &Path,
    rustc: &RustcVersion,
    date: &str,
) -> xous_sysroot::Result<DistRoot> {
    let root = DistRoot::new(dir.join("upstream"));
    let mut manifest = Manifest::new(date);
    let package = |build: TargetedPackage| Package {
        version: rustc.identity(),
        git_commit_hash: rustc.commit_hash.clone(),
        target: [(HOST.to_owned(), build)].into(),
        other: Default::default(),
    };
    let mut components = Vec::new();
    for pkg in ["rustc", "cargo", "rust-std"] {
        let files = dir.join("stand-in").join(pkg);
        let (path, body) = match pkg {
            "rust-std" => (
                format!("lib/rustlib/{HOST}/lib/libstd-stand-in.rlib"),
                "not a real library\n".to_owned(),
            ),
            "rustc" => ("bin/rustc".to_owned(), stand_in_rustc(rustc)),
            tool => (
                format!("bin/{tool}"),
                format!("#!/bin/sh\necho '{tool} {}'\n", rustc.identity()),
            ),
        };
        let file = files.join(&path);
        let io = |e| xous_sysroot::Error::Io {
            action: "write stand-in file",
            path: file.clone(),
            error: e,
        };
        std::fs::create_dir_all(file.parent().expect("a file in a directory")).map_err(io)?;
        std::fs::write(&file, body).map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).map_err(io)?;
        }
        // rust-std is packaged from its `lib/rustlib/<host>`, the others from the sysroot root.
        let source = if pkg == "rust-std" {
            files.join("lib/rustlib").join(HOST)
        } else {
            files
        };
        let layout = ComponentLayout::package(pkg, &rustc.release, HOST);
        let published = root.add_component(&layout, date, &source, false)?;
        manifest
            .pkg
            .insert(pkg.to_owned(), package(published.build));
        components.push(PackageRef {
            pkg: pkg.to_owned(),
            target: HOST.to_owned(),
            other: Default::default(),
        });
    }
    // The combined `rust` tarball real manifests carry (rustup installs the components, not
    // this, but a manifest validator wants every available build to have a URL).
    let combined = root.add_component(
        &ComponentLayout::package("rust", &rustc.release, HOST),
        date,
        &dir.join("stand-in/rustc"),
        false,
    )?;
    let mut rust = combined.build;
    rust.components = components;
    manifest.pkg.insert("rust".into(), package(rust));
    manifest.profiles.insert(
        "minimal".into(),
        vec!["rustc".into(), "cargo".into(), "rust-std".into()],
    );
    root.publish_manifest(rustc, date, &manifest)?;
    Ok(root)
}

/// The stand-in `rustc`: `-vV` as the real one prints it, `--print sysroot` the directory
/// above its own `bin` (as the real one finds its sysroot from its own path, so that a hard
/// link elsewhere answers with its own tree), and `rustc <identity>` for anything else.
fn stand_in_rustc(rustc: &RustcVersion) -> String {
    let unknown = |field: &Option<String>| field.clone().unwrap_or_else(|| "unknown".into());
    format!(
        "#!/bin/sh\n\
         case \"$1 $2\" in\n\
         '-vV '*) printf 'rustc %s\\nbinary: rustc\\ncommit-hash: %s\\ncommit-date: %s\\nhost: %s\\nrelease: %s\\n' \
         '{identity}' '{hash}' '{date}' '{HOST}' '{release}' ;;\n\
         '--print sysroot') cd \"$(dirname \"$0\")/..\" && pwd -P ;;\n\
         *) echo 'rustc {identity}' ;;\n\
         esac\n",
        identity = rustc.identity(),
        hash = unknown(&rustc.commit_hash),
        date = unknown(&rustc.commit_date),
        release = rustc.release,
    )
}

/// `rustup` with its home and `CARGO_HOME` under `home`, installing from `server`, and no
/// other `RUSTUP_*` variable of ours.
pub fn rustup(home: &Path, server: &str) -> Command {
    let mut cmd = Command::new("rustup");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("RUSTUP_") {
            cmd.env_remove(&key);
        }
    }
    cmd.env("RUSTUP_HOME", home.join("rustup"))
        .env("CARGO_HOME", home.join("cargo"))
        .env("RUSTUP_DIST_SERVER", server)
        .env("RUSTUP_UPDATE_ROOT", format!("{server}/rustup"));
    cmd
}

/// Every path under a toolchain directory `dir` (symlinks not followed) with its kind, size,
/// SHA-256 (files), link target (symlinks), inode and modification time, sorted: two equal
/// snapshots mean that nothing was added, removed, replaced or written in place.
#[cfg(unix)]
pub fn toolchain_snapshot(dir: &Path) -> Vec<(PathBuf, String)> {
    use std::os::unix::fs::MetadataExt;
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("a readable directory") {
            let path = entry.expect("a directory entry").path();
            let meta = path.symlink_metadata().expect("metadata");
            let what = if meta.is_dir() {
                stack.push(path.clone());
                "dir".to_owned()
            } else if meta.file_type().is_symlink() {
                format!("link -> {}", std::fs::read_link(&path).unwrap().display())
            } else {
                let sha = xous_sysroot::util::sha256_file(&path).expect("a readable file");
                format!("file {} {sha}", meta.len())
            };
            let identity = format!(
                "{what} ino {} mtime {}.{}",
                meta.ino(),
                meta.mtime(),
                meta.mtime_nsec()
            );
            out.push((path, identity));
        }
    }
    out.sort();
    out
}
