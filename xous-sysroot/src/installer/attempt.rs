//! One try at one archive: fresh staging, the verified streaming unpack, the checks of what
//! came out (RUST_VERSION, the smoke compile), the stamp, and the rename into place.

use std::path::Path;

use super::settings::Settings;
use super::{compiler_fingerprint, Installer, RUST_VERSION_FILE};
use crate::archive::{unpack_component, unpack_release_zip, Extracted};
use crate::download::{DownloadCache, Transport};
use crate::error::{Error, Result};
use crate::install::{Destination, Staging};
use crate::manifest::ArchiveFormat;
use crate::progress::{report, Progress};
use crate::smoke::smoke_compile;
use crate::source::Offer;
use crate::stamp::Stamp;
use crate::sysroot::Mode;
use crate::version::RustcVersion;

impl Installer {
    /// One try at one archive: fresh staging, verified unpack, smoke compile, stamp, commit.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn attempt(
        &self,
        s: &Settings,
        dest: &Destination,
        transport: &Transport,
        cache: &DownloadCache,
        offer: &Offer,
        version: &RustcVersion,
        compiler: Option<&RustcVersion>,
    ) -> Result<Stamp> {
        let staging: Staging = dest.stage()?;
        let archive = &offer.archive;
        let target = self.target.as_str();
        let mut extracted: Extracted = match archive.format {
            ArchiveFormat::Zip => {
                let path = cache.fetch(transport, archive)?;
                unpack_release_zip(&path, target, staging.root(), &archive.url, self.limits)
                    .map_err(|e| refused_zip(e, &path, &archive.sha256))?
            }
            format => {
                let mut out = None;
                cache.stream(transport, archive, &mut |reader| {
                    let decoded: Box<dyn std::io::Read + '_> = match format {
                        ArchiveFormat::TarXz => Box::new(crate::xz::decoder(reader)),
                        ArchiveFormat::TarGz => Box::new(flate2::read::GzDecoder::new(reader)),
                        _ => Box::new(reader),
                    };
                    let extracted = unpack_component(
                        decoded,
                        target,
                        staging.root(),
                        &archive.url,
                        self.limits,
                    )?;
                    out = Some(extracted);
                    Ok(())
                })?;
                out.expect("the sink ran")
            }
        };
        if let Some(declared) = &extracted.rust_version {
            let declared_version = RustcVersion::parse(declared)?;
            if !version.matches(&declared_version) {
                return Err(Error::VersionMismatch {
                    url: archive.url.clone(),
                    offered: declared.clone(),
                    wanted: version.identity(),
                });
            }
        }
        // xous-core's xtask reads this file on every build and reinstalls unless it holds the
        // compiler's release: a component tarball has none, so write it.
        if !extracted.files.iter().any(|f| f.path == RUST_VERSION_FILE) {
            let contents = format!("{}\n", version.release);
            let record = staging.write_file(target, RUST_VERSION_FILE, contents)?;
            extracted.files.push(record);
            extracted.files.sort_by(|a, b| a.path.cmp(&b.path));
        }
        let identity = compiler
            .map(RustcVersion::identity)
            .unwrap_or_else(|| offer.rustc.clone());
        if let Some(compiler) = compiler.filter(|_| self.smoke_test) {
            report(&self.progress, Progress::SmokeTest);
            smoke_compile(
                &s.rustc,
                &compiler.identity(),
                staging.root(),
                target,
                &archive.url,
            )?;
        }
        let mut stamp = Stamp::new(
            target,
            &identity,
            &archive.url,
            &archive.sha256,
            extracted.files,
        );
        if matches!(s.mode, Mode::Toolchain | Mode::Linked) && compiler.is_some() {
            stamp.compiler = compiler_fingerprint(&dest.root);
        }
        stamp.write(&staging.target_dir(target))?;
        dest.commit(staging)?;
        Ok(stamp)
    }
}

/// After unpacking the cached zip at `path` failed with `e`: a refused archive is not kept (the
/// cache holds only what can be installed, and a refusal leaves no trace). It is the source's
/// doing if the file still has the SHA-256 it was published with; a file changed since it was
/// verified is a local fault, reported as a mismatch of the cached file (and retried).
fn refused_zip(e: Error, path: &Path, sha256: &str) -> Error {
    if !e.discredits_source() {
        return e;
    }
    let actual = crate::hash::sha256_file(path);
    let _ = std::fs::remove_file(path);
    match actual {
        Ok(actual) if actual != sha256 => Error::ChecksumMismatch {
            url: path.display().to_string(),
            expected: sha256.to_string(),
            actual,
        },
        _ => e,
    }
}
