//! One shared, locally built libstd and dist root per cargo target directory, for the rest of
//! a workspace: test suites and build scripts that need an installed libstd call
//! [`LocalDist::ensure`] instead of building their own.
//!
//! Layout, under `<target dir>/xous-libstd/<profile>/`:
//!
//! ```text
//! sysroot/        the LibstdBuilder output (`--sysroot` for target builds, as is)
//! dist/           a dist root: manifest + .sha256, rust-std .tar.xz/.tar.gz, legacy zip
//! dist.stamp      which build the dist root was packaged from
//! .lock           held while ensuring, so concurrent build scripts and tests wait
//! ```
//!
//! The first call builds libstd (a minute or so) and packages it; later calls check the build
//! stamp and the dist stamp and return (well under a second), whatever process makes them.
//! The dist root is what [`crate::package`] writes with gzip and the legacy zip on, so it is
//! byte-for-byte the dist root `xous-sysroot-build dist --legacy-zip` makes from the same build.

use std::fs;
use std::path::{Path, PathBuf};

use xous_sysroot::util::FileLock;
use xous_sysroot::RustcVersion;

use crate::package::{package, PackageOptions, Packaged};
use crate::{BuildError, LibstdBuild, LibstdBuilder, Profile, DEFAULT_TARGET};

/// Environment variable naming the rustc to build with when [`LocalDist::rustc`] is not set.
pub const RUSTC_ENV: &str = "XOUS_SYSROOT_BUILD_RUSTC";

/// Environment variable naming the cargo to build with when [`LocalDist::cargo`] is not set.
pub const CARGO_ENV: &str = "XOUS_SYSROOT_BUILD_CARGO";

/// Bumped when the dist root's contents change for the same build.
const DIST_LOGIC_VERSION: u32 = 3;

/// A shared libstd build + dist root in a cargo target directory. See the module docs.
///
/// ```no_run
/// use xous_sysroot_build::local_dist::LocalDist;
/// use xous_sysroot_build::Profile;
///
/// let dist = LocalDist::new("target")
///     .profile(Profile::Official)
///     .rustc("/usr/bin/rustc")
///     .ensure()?;
/// // Serve `dist.dist_root` (crate::serve) or hand it to xous-sysroot as a path:
/// let url = dist.dist_root.display().to_string();
/// # let _ = url;
/// # Ok::<(), xous_sysroot_build::BuildError>(())
/// ```
#[derive(Debug, Clone)]
pub struct LocalDist {
    target_dir: PathBuf,
    profile: Profile,
    target: String,
    rustc: Option<PathBuf>,
    cargo: Option<PathBuf>,
    show_cargo_output: bool,
}

/// What [`LocalDist::ensure`] found or made.
#[derive(Debug, Clone)]
pub struct LocalDistOutput {
    /// The dist root (`<dir>/dist`): a path the installer accepts as a dist server, or the
    /// directory to serve.
    pub dist_root: PathBuf,
    /// The built sysroot (`<dir>/sysroot`), usable directly as `--sysroot` for target builds.
    pub sysroot: PathBuf,
    /// The build.
    pub build: LibstdBuild,
    /// The packaging (archives, their SHA-256s, the manifest).
    pub packaged: Packaged,
    /// The rustc identity the libstd is for (what `ensure_installed` wants).
    pub rustc: RustcVersion,
    /// Whether libstd was built by this call.
    pub built: bool,
    /// Whether the dist root was (re)written by this call.
    pub packaged_now: bool,
}

impl LocalDist {
    /// The shared dist of `target_dir` (the cargo target directory, e.g. `target`; see
    /// [`find_cargo_target_dir`]), for [`Profile::Official`] and [`DEFAULT_TARGET`].
    pub fn new(target_dir: impl Into<PathBuf>) -> Self {
        LocalDist {
            target_dir: target_dir.into(),
            profile: Profile::Official,
            target: DEFAULT_TARGET.to_owned(),
            rustc: None,
            cargo: None,
            show_cargo_output: false,
        }
    }

    /// The build profile (each profile has its own directory).
    pub fn profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }

    /// The target triple.
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = target.into();
        self
    }

    /// The rustc to build with; default `XOUS_SYSROOT_BUILD_RUSTC`, else `rustc` on `PATH`
    /// (choose it explicitly: a rustup proxy on `PATH` may be another toolchain).
    pub fn rustc(mut self, rustc: impl Into<PathBuf>) -> Self {
        self.rustc = Some(rustc.into());
        self
    }

    /// The cargo to build with; default `XOUS_SYSROOT_BUILD_CARGO`, else the cargo beside
    /// the rustc.
    pub fn cargo(mut self, cargo: impl Into<PathBuf>) -> Self {
        self.cargo = Some(cargo.into());
        self
    }

    /// Whether cargo's output goes to stderr during a build (default off).
    pub fn show_cargo_output(mut self, on: bool) -> Self {
        self.show_cargo_output = on;
        self
    }

    /// `<target dir>/xous-libstd/<profile>`, or `…/<profile>-<target>` for another target.
    pub fn dir(&self) -> PathBuf {
        let name = if self.target == DEFAULT_TARGET {
            self.profile.name().to_owned()
        } else {
            format!(
                "{}-{}",
                self.profile.name(),
                xous_sysroot::producer::target_name(&self.target)
            )
        };
        self.target_dir.join("xous-libstd").join(name)
    }

    /// Builds libstd unless its stamp is current, packages it unless the dist root is
    /// current, and returns both. Holds `<dir>/.lock` throughout.
    pub fn ensure(&self) -> Result<LocalDistOutput, BuildError> {
        let dir = self.dir();
        let lock_path = dir.join(".lock");
        let _lock = FileLock::exclusive(&lock_path, || {})?;

        let sysroot = dir.join("sysroot");
        let mut builder = LibstdBuilder::new(&sysroot, &self.target);
        builder
            .profile(self.profile)
            .show_cargo_output(self.show_cargo_output);
        if let Some(rustc) = self
            .rustc
            .clone()
            .or_else(|| xous_sysroot::util::env::var_os(RUSTC_ENV).map(PathBuf::from))
        {
            builder.rustc(rustc);
        }
        if let Some(cargo) = self
            .cargo
            .clone()
            .or_else(|| xous_sysroot::util::env::var_os(CARGO_ENV).map(PathBuf::from))
        {
            builder.cargo(cargo);
        }
        let status = builder.build()?;
        drop(builder);
        let built = status.was_built();
        let build = status.into_output();

        let dist_root = dir.join("dist");
        let stamp_path = dir.join("dist.stamp");
        let expected = format!(
            "logic {DIST_LOGIC_VERSION}\nbuild {}\nproducer {}\n",
            build.stamp_hash,
            env!("CARGO_PKG_VERSION")
        );
        let options = PackageOptions {
            date: None,
            toolchain_sysroot: None,
            gz: true,
            legacy_zip: true,
        };
        let current = !built && fs::read_to_string(&stamp_path).is_ok_and(|s| s == expected);
        // Re-derive paths and hashes from what is on disk (cheap: the .sha256 files); anything
        // missing there means packaging again.
        let on_disk = current
            .then(|| read_packaged(&sysroot, &self.target, &dist_root).ok())
            .flatten();
        let (packaged, packaged_now) = if let Some(packaged) = on_disk {
            (packaged, false)
        } else {
            let _ = fs::remove_file(&stamp_path);
            if dist_root.exists() {
                fs::remove_dir_all(&dist_root)
                    .map_err(|e| BuildError::io("remove stale dist root", &dist_root, e))?;
            }
            let packaged = package(&sysroot, &self.target, &dist_root, &options)?;
            xous_sysroot::util::write_atomic(&stamp_path, expected.as_bytes())?;
            (packaged, true)
        };
        Ok(LocalDistOutput {
            dist_root,
            sysroot,
            rustc: packaged.rustc.clone(),
            build,
            packaged,
            built,
            packaged_now,
        })
    }
}

/// The description of an up-to-date dist root, read back from its files.
fn read_packaged(sysroot: &Path, target: &str, dist_root: &Path) -> Result<Packaged, BuildError> {
    let target_root = sysroot.join(xous_sysroot::producer::target_dir(target));
    let info = crate::BuildInfo::read(&target_root)?;
    let rustc = info.rustc_version()?;
    let not_packaged = || BuildError::NotPackaged {
        dist_root: dist_root.to_owned(),
        release: rustc.release.clone(),
        target: info.target.clone(),
    };
    // The by-commit index names the manifest and the date, whatever the channel.
    let root = xous_sysroot::producer::DistRoot::new(dist_root);
    let hash = rustc.commit_hash.as_deref().ok_or_else(not_packaged)?;
    let entry = root
        .commit_index()?
        .into_iter()
        .find(|e| e.commit_hash == hash)
        .ok_or_else(not_packaged)?;
    let manifest = root.join(&entry.manifest);
    if !manifest.is_file() {
        return Err(not_packaged());
    }
    let date = entry.date;
    let dir = dist_root.join("dist").join(&date);
    let layout = xous_sysroot::producer::ComponentLayout::new(&rustc.release, &info.target);
    let with_sha = |name: String| -> Option<(PathBuf, String)> {
        let path = dir.join(&name);
        let text = fs::read_to_string(dir.join(format!("{name}.sha256"))).ok()?;
        let sha = xous_sysroot::producer::parse_sha256_file(&text, &name).ok()?;
        path.is_file().then_some((path, sha))
    };
    let xz = with_sha(layout.archive_name("tar.xz")).ok_or_else(not_packaged)?;
    let gz = with_sha(layout.archive_name("tar.gz"));
    let zip = with_sha(xous_sysroot::producer::release_zip_name(
        &info.target,
        &rustc.release,
    ));
    Ok(Packaged {
        dist_root: dist_root.to_owned(),
        rustc,
        date,
        manifest,
        xz,
        gz,
        zip,
        info,
    })
}

/// Files cargo writes at the top of a target directory: `CACHEDIR.TAG` when it creates the
/// directory, `.rustc_info.json` whenever it caches `rustc -vV` (so a `target/` made by hand
/// is still found).
const TARGET_DIR_MARKERS: [&str; 2] = ["CACHEDIR.TAG", ".rustc_info.json"];

/// The cargo target directory of the running build script or test: the nearest ancestor of
/// `OUT_DIR` (build scripts) or of the running executable (tests, and binaries run from
/// `target/`) that holds one of cargo's marker files; else `CARGO_TARGET_DIR` (relative to
/// the current directory). The workspace's one way of finding it: build scripts, test suites
/// and tools call this rather than counting `OUT_DIR`'s components.
pub fn find_cargo_target_dir() -> Option<PathBuf> {
    let marked = |start: PathBuf| {
        start
            .ancestors()
            .find(|dir| TARGET_DIR_MARKERS.iter().any(|m| dir.join(m).is_file()))
            .map(Path::to_path_buf)
    };
    let from_out_dir = std::env::var_os("OUT_DIR").map(PathBuf::from);
    if let Some(dir) = from_out_dir
        .or_else(|| std::env::current_exe().ok())
        .and_then(marked)
    {
        return Some(dir);
    }
    let dir = PathBuf::from(
        xous_sysroot::util::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty())?,
    );
    Some(if dir.is_absolute() {
        dir
    } else {
        std::env::current_dir().ok()?.join(dir)
    })
}
