//! The reproducible writer of a component: sorted entries, fixed mtime, owner and modes,
//! directory entries, `manifest.in` listing every file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{target_dir, unix_path, ComponentLayout, INSTALLER_VERSION};
use crate::error::{IoContext, Result};

impl ComponentLayout {
    /// `<pkg>-<version>-<target>`: the top directory and the archive's base name.
    pub fn package_name(&self) -> String {
        format!("{}-{}-{}", self.pkg, self.version, self.target)
    }

    /// `rust-std-<version>-<target>.tar.xz` (or `.tar.gz`).
    pub fn archive_name(&self, extension: &str) -> String {
        format!("{}.{extension}", self.package_name())
    }

    /// `lib/rustlib/<target>`: where the files go, relative to a sysroot.
    pub fn target_dir(&self) -> PathBuf {
        target_dir(&self.target)
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

    /// Writes the component as a reproducible `.tar.xz`: multi-block xz (see [`crate::xz`]),
    /// compressed on every core, the same bytes whatever their number.
    pub fn write_tar_xz(&self, source: &Path, out: impl Write) -> Result<()> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
        let name = self.archive_name("tar.xz");
        let mut encoder = crate::xz::encoder(out, threads).ctx("start xz stream", &name)?;
        self.write_tar(source, &mut encoder)?;
        encoder.finish().ctx("finish xz stream", &name)?;
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
                    error: io::Error::from(io::ErrorKind::InvalidInput),
                });
            }
        }
    }
    out.sort();
    Ok(out)
}
