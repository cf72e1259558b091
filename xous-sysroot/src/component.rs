//! The rust-installer v3 component layout of `rust-std` for one target: its names, and a
//! reproducible tarball writer (sorted entries, fixed mtime, owner and modes, directory entries).
//!
//! ```text
//! rust-std-<version>-<target>/
//!     components                  "rust-std-<target>\n"
//!     rust-installer-version      "3\n"
//!     rust-std-<target>/
//!         manifest.in             "file:lib/rustlib/<target>/lib/libstd-....rlib\n" ...
//!         lib/rustlib/<target>/...
//! ```

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::{IoContext, Result};

/// The rust-installer format version this crate reads and writes.
pub const INSTALLER_VERSION: &str = "3";

/// Names of a component (by default `rust-std`) for one target and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentLayout {
    /// The package name: `rust-std`, or e.g. `rustc` for stand-in toolchains in tests.
    pub pkg: String,
    /// The version label in file names: a release (`1.96.0`) or a channel (`nightly`).
    pub version: String,
    /// The target triple.
    pub target: String,
}

impl ComponentLayout {
    /// The layout of `rust-std` for `target` at `version`.
    pub fn new(version: impl Into<String>, target: impl Into<String>) -> Self {
        Self::package(crate::manifest::RUST_STD, version, target)
    }

    /// The layout of any package; its files are packaged relative to the sysroot root.
    pub fn package(
        pkg: impl Into<String>,
        version: impl Into<String>,
        target: impl Into<String>,
    ) -> Self {
        ComponentLayout {
            pkg: pkg.into(),
            version: version.into(),
            target: target.into(),
        }
    }

    /// `<pkg>-<version>-<target>`: the top directory and the archive's base name.
    pub fn package_name(&self) -> String {
        format!("{}-{}-{}", self.pkg, self.version, self.target)
    }

    /// `<pkg>-<target>`: the component's name inside the package.
    pub fn component_name(&self) -> String {
        format!("{}-{}", self.pkg, self.target)
    }

    /// Where the packaged directory goes, relative to a sysroot: `lib/rustlib/<target>` for
    /// `rust-std`, the root for other packages.
    fn install_prefix(&self) -> PathBuf {
        if self.pkg == crate::manifest::RUST_STD {
            self.target_dir()
        } else {
            PathBuf::new()
        }
    }

    /// `rust-std-<version>-<target>.tar.xz` (or `.tar.gz`).
    pub fn archive_name(&self, extension: &str) -> String {
        format!("{}.{extension}", self.package_name())
    }

    /// `lib/rustlib/<target>`: where the files go, relative to a sysroot.
    pub fn target_dir(&self) -> PathBuf {
        target_dir(&self.target)
    }

    /// Writes the component as an uncompressed, reproducible tar of the files under
    /// `source` (for `rust-std`, a `lib/rustlib/<target>` directory; otherwise a tree relative
    /// to the sysroot root; only regular files and directories).
    pub fn write_tar(&self, source: &Path, out: impl Write) -> Result<()> {
        let files = list_files(source)?;
        let mut tar = tar::Builder::new(out);
        let top = PathBuf::from(self.package_name());
        let component = top.join(self.component_name());
        let prefix = self.install_prefix();
        let into = component.join(&prefix);

        let mut manifest_in = String::new();
        for file in &files {
            manifest_in.push_str(&format!("file:{}\n", unix_path(&prefix.join(file))));
        }
        let mut dirs = vec![top.clone(), component.clone()];
        let mut ancestor = PathBuf::new();
        for part in prefix.components() {
            ancestor.push(part);
            dirs.push(component.join(&ancestor));
        }
        for file in &files {
            let mut parent = file.parent();
            while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
                dirs.push(into.join(p));
                parent = p.parent();
            }
        }
        dirs.sort();
        dirs.dedup();

        let mut entries: Vec<(PathBuf, Entry)> =
            dirs.into_iter().map(|d| (d, Entry::Dir)).collect();
        entries.push((
            top.join("components"),
            Entry::Bytes(format!("{}\n", self.component_name()).into_bytes()),
        ));
        entries.push((
            top.join("rust-installer-version"),
            Entry::Bytes(format!("{INSTALLER_VERSION}\n").into_bytes()),
        ));
        entries.push((
            component.join("manifest.in"),
            Entry::Bytes(manifest_in.into_bytes()),
        ));
        for file in &files {
            entries.push((into.join(file), Entry::File(source.join(file))));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));

        for (path, entry) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_mtime(0);
            header.set_uid(0);
            header.set_gid(0);
            match entry {
                Entry::Dir => {
                    header.set_entry_type(tar::EntryType::Directory);
                    header.set_mode(0o755);
                    header.set_size(0);
                    tar.append_data(&mut header, &path, io::empty())
                        .ctx("write tar entry", &path)?;
                }
                Entry::Bytes(bytes) => {
                    header.set_mode(0o644);
                    header.set_size(bytes.len() as u64);
                    tar.append_data(&mut header, &path, bytes.as_slice())
                        .ctx("write tar entry", &path)?;
                }
                Entry::File(from) => {
                    let file = std::fs::File::open(&from).ctx("open", &from)?;
                    let meta = file.metadata().ctx("stat", &from)?;
                    header.set_mode(if is_executable(&meta) { 0o755 } else { 0o644 });
                    let len = meta.len();
                    header.set_size(len);
                    tar.append_data(&mut header, &path, file)
                        .ctx("write tar entry", &from)?;
                }
            }
        }
        tar.into_inner()
            .ctx("finish tar", &top)?
            .flush()
            .ctx("flush tar", &top)?;
        Ok(())
    }

    /// Writes the component as a reproducible `.tar.xz` (xz preset 6, single-threaded).
    pub fn write_tar_xz(&self, source: &Path, out: impl Write) -> Result<()> {
        let mut encoder = xz2::write::XzEncoder::new(out, 6);
        self.write_tar(source, &mut encoder)?;
        encoder
            .finish()
            .ctx("finish xz stream", self.archive_name("tar.xz"))?;
        Ok(())
    }
}

enum Entry {
    Dir,
    Bytes(Vec<u8>),
    File(PathBuf),
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::Metadata) -> bool {
    false
}

/// `lib/rustlib/<name>`, `name` as [`target_name`] decides: where a sysroot keeps a target's
/// files.
pub fn target_dir(target: &str) -> PathBuf {
    Path::new("lib").join("rustlib").join(target_name(target))
}

/// The directory name rustc uses under `lib/rustlib/` for `target`: the triple itself, or
/// the file stem for a target JSON path (`specs/armv7a-unknown-xous-elf.json` gives
/// `armv7a-unknown-xous-elf`). The one place that decides it, for the installer and the
/// builder alike.
pub fn target_name(target: &str) -> &str {
    let path = Path::new(target);
    match (path.extension(), path.file_stem()) {
        (Some(ext), Some(stem)) if ext == "json" => stem.to_str().unwrap_or(target),
        _ => target,
    }
}

/// The regular files under `root`, relative to it, sorted. Symlinks and special files are
/// refused: a component holds plain files only.
pub fn list_files(root: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let dir = root.join(&rel);
        for entry in std::fs::read_dir(&dir).ctx("read directory", &dir)? {
            let entry = entry.ctx("read directory", &dir)?;
            let kind = entry.file_type().ctx("stat", entry.path())?;
            let child = rel.join(entry.file_name());
            if kind.is_dir() {
                stack.push(child);
            } else if kind.is_file() {
                out.push(child);
            } else {
                return Err(crate::Error::Io {
                    action: "package (only regular files may be packaged)",
                    path: entry.path(),
                    source: io::Error::from(io::ErrorKind::InvalidInput),
                });
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A relative path with `/` separators, as manifests and archives spell them.
pub fn unix_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests;
