//! The installer's last source (feature `build`): no prebuilt libstd matched, so build one from
//! the toolchain's `rust-src` with the exact rustc it is for, and pack it as an uncompressed
//! rust-std component into the download cache. The installer then installs it like any
//! download (verified against its SHA-256, unpacked into staging, smoke-compiled, stamped,
//! renamed into place), and the cache serves it to every later install for that rustc.

use std::path::{Path, PathBuf};

use crate::build::{stage_component, LibstdBuilder, Profile};
use crate::component::{target_name, ComponentLayout};
use crate::error::{Error, IoContext, Result};
use crate::hash::sha256_file;
use crate::manifest::{Archive, ArchiveFormat};
use crate::progress::{report, Progress, ProgressFn};
use crate::source::Offer;
use crate::version::{Rustc, RustcVersion};

/// What the build needs from the installer's settings.
pub(crate) struct LocalBuild<'a> {
    pub rustc: &'a Rustc,
    pub version: &'a RustcVersion,
    pub target: &'a str,
    pub cache_dir: &'a Path,
    pub profile: Profile,
    pub offline: bool,
    pub progress: &'a Option<ProgressFn>,
}

impl LocalBuild<'_> {
    /// Builds (or finds the earlier build of) libstd and packs it into the download cache.
    pub(crate) fn offer(&self) -> Result<Offer> {
        // The library can only be built by the rustc it is for.
        let compiler = self.rustc.version()?;
        if !self.version.matches(&compiler) {
            return Err(Error::VersionMismatch {
                url: format!("the compiler '{}'", self.rustc.program().display()),
                offered: compiler.identity(),
                wanted: self.version.identity(),
            });
        }
        let (rustc, cargo) = self.toolchain_binaries()?;
        let out = self.build_dir();
        let identity = self.version.identity();
        let mut builder = LibstdBuilder::new(&out, self.target);
        builder
            .rustc(&rustc)
            .profile(self.profile)
            .offline(self.offline)
            .on_build_start(|planned| {
                report(
                    self.progress,
                    Progress::BuildingFromSource {
                        rustc: identity.clone(),
                        rust_src: planned.rust_src.display().to_string(),
                    },
                )
            });
        if let Some(cargo) = cargo {
            builder.cargo(cargo);
        }
        let built = builder.build().map_err(Box::new)?.into_output();
        drop(builder);
        let sha256 = self.pack(&built.sysroot)?;
        Ok(Offer {
            archive: Archive {
                url: format!(
                    "built locally from rust-src at {} (profile {})",
                    built.rust_src.display(),
                    self.profile
                ),
                sha256,
                format: ArchiveFormat::Tar,
            },
            rustc: identity,
        })
    }

    /// The toolchain's own `bin/rustc` and `bin/cargo`: behind a rustup proxy (`rustc` on
    /// `PATH`, `RUSTUP_TOOLCHAIN`) these are what the proxy runs, and cargo must be the
    /// toolchain's own too.
    fn toolchain_binaries(&self) -> Result<(PathBuf, Option<PathBuf>)> {
        let sysroot = self.rustc.sysroot()?;
        let exe = |name: &str| {
            let path = sysroot
                .join("bin")
                .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
            path.is_file().then_some(path)
        };
        let rustc = exe("rustc").unwrap_or_else(|| self.rustc.program().to_owned());
        Ok((rustc, exe("cargo")))
    }

    /// `<cache>/builds/<target>/<release>-<commit>/<profile>`: one build per rustc and profile.
    fn build_dir(&self) -> PathBuf {
        let commit = self.version.commit_hash.as_deref().unwrap_or("unknown");
        let commit = &commit[..commit.len().min(12)];
        self.cache_dir
            .join("builds")
            .join(target_name(self.target))
            .join(format!("{}-{commit}", self.version.release))
            .join(self.profile.name())
    }

    /// Writes the component of the built `sysroot` as an uncompressed tar into the download
    /// cache under its SHA-256 and returns the hash.
    fn pack(&self, sysroot: &Path) -> Result<String> {
        let downloads = self.cache_dir.join("downloads");
        std::fs::create_dir_all(&downloads).ctx("create directory", &downloads)?;
        let staging = tempfile::Builder::new()
            .prefix(".local-build-")
            .tempdir_in(&downloads)
            .ctx("create a staging directory in", &downloads)?;
        let files = staging.path().join("files");
        let target_root = sysroot.join(crate::component::target_dir(self.target));
        stage_component(&target_root, &files).map_err(Box::new)?;
        let tar = staging.path().join("component.tar");
        let out = std::fs::File::create(&tar).ctx("create", &tar)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, out);
        ComponentLayout::new(&self.version.release, self.target).write_tar(&files, &mut out)?;
        let out = out
            .into_inner()
            .map_err(|e| e.into_error())
            .ctx("write", &tar)?;
        out.sync_all().ctx("sync", &tar)?;
        drop(out);
        let sha256 = sha256_file(&tar)?;
        let cached = downloads.join(&sha256);
        crate::atomic::rename_durably(&tar, &cached).ctx("move into the cache at", &cached)?;
        Ok(sha256)
    }
}

impl From<Box<crate::build::LibstdError>> for Error {
    fn from(e: Box<crate::build::LibstdError>) -> Self {
        Error::LocalBuild(e)
    }
}
