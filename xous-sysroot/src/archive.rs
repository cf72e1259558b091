//! The only code that decides what an archive may write. It unpacks a `rust-std` component
//! (rust-installer tarball, or the Xous project's release zip) into a staging sysroot, accepting
//! regular files and directories under `lib/rustlib/<target>/` and nothing else.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

use crate::component::{target_dir, unix_path, ComponentLayout, INSTALLER_VERSION};
use crate::error::{Error, IoContext, Result};
use crate::hash::HashingWriter;
use crate::stamp::FileRecord;

/// Caps that bound what an archive can make us write.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Total bytes of unpacked files (default 2 GiB; a libstd is about 100 MiB).
    pub max_total_bytes: u64,
    /// Number of entries (default 100 000).
    pub max_entries: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_total_bytes: 2 << 30,
            max_entries: 100_000,
        }
    }
}

/// What an archive put into the staging sysroot.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    /// The files, relative to `lib/rustlib/<target>/`, sorted by path.
    pub files: Vec<FileRecord>,
    /// The `RUST_VERSION` of a release zip.
    pub rust_version: Option<String>,
}

/// Writes accepted entries into `<root>/lib/rustlib/<target>/`, enforcing the limits.
struct Writer<'a> {
    root: &'a Path,
    target: &'a str,
    origin: &'a str,
    limits: Limits,
    total: u64,
    entries: u64,
    seen: BTreeSet<String>,
    files: Vec<FileRecord>,
}

impl<'a> Writer<'a> {
    fn new(root: &'a Path, target: &'a str, origin: &'a str, limits: Limits) -> Self {
        Writer {
            root,
            target,
            origin,
            limits,
            total: 0,
            entries: 0,
            seen: BTreeSet::new(),
            files: Vec::new(),
        }
    }

    fn refuse(&self, entry: &str, reason: impl Into<String>) -> Error {
        Error::UnsafeArchive {
            archive: self.origin.to_string(),
            entry: entry.chars().take(300).collect(),
            reason: reason.into(),
        }
    }

    fn count_entry(&mut self, name: &str) -> Result<()> {
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            return Err(self.refuse(
                name,
                format!("is past the limit of {} entries", self.limits.max_entries),
            ));
        }
        if !self.seen.insert(name.to_string()) {
            return Err(self.refuse(name, "appears twice"));
        }
        Ok(())
    }

    /// `rel` is relative to `lib/rustlib/<target>/` and already checked to be plain.
    fn dir(&mut self, rel: &Path) -> Result<()> {
        let path = self.root.join(target_dir(self.target)).join(rel);
        fs::create_dir_all(&path).ctx("create directory", &path)
    }

    fn bomb(&self, name: &str, what: String) -> Error {
        self.refuse(
            name,
            format!(
                "{what} the unpacked size past the limit of {} bytes (a decompression bomb?)",
                self.limits.max_total_bytes
            ),
        )
    }

    /// Writes one file. `declared` is the size the archive's header states: an entry that
    /// declares more than the budget left is refused before a byte of it is written.
    fn file(&mut self, name: &str, rel: &Path, declared: u64, data: &mut dyn Read) -> Result<()> {
        let remaining = self.limits.max_total_bytes - self.total;
        if declared > remaining {
            return Err(self.bomb(name, format!("declares {declared} bytes, which takes")));
        }
        let dir = self.root.join(target_dir(self.target));
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).ctx("create directory", parent)?;
        }
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .ctx("create", &path)?;
        let mut out = HashingWriter::new(io::BufWriter::new(file));
        let mut buf = vec![0u8; 64 * 1024];
        let mut copied = 0u64;
        loop {
            let n = data.read(&mut buf).map_err(|e| self.stream_error(e))?;
            if n == 0 {
                break;
            }
            copied += n as u64;
            if copied > remaining {
                return Err(self.bomb(name, "takes".into()));
            }
            out.write_all(&buf[..n]).ctx("write", &path)?;
        }
        out.flush().ctx("write", &path)?;
        self.total += copied;
        self.files.push(FileRecord {
            path: unix_path(rel),
            size: copied,
            sha256: out.digest(),
        });
        Ok(())
    }

    /// An error while reading the archive: a transport failure, or a decoding failure.
    fn stream_error(&self, e: io::Error) -> Error {
        match crate::download::TransportError::from_io(&e) {
            Some(transport) => transport,
            None => Error::CorruptArchive {
                archive: self.origin.to_string(),
                message: e.to_string(),
            },
        }
    }

    fn finish(mut self) -> Vec<FileRecord> {
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
        self.files
    }
}

/// Splits an entry name into plain components, refusing absolute paths, `..`, drive prefixes
/// and empty names. `.` components are dropped.
fn plain_components(name: &str) -> std::result::Result<Vec<String>, &'static str> {
    if name.contains('\\') {
        return Err("contains a backslash");
    }
    let mut parts = Vec::new();
    for component in Path::new(name).components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str().ok_or("is not UTF-8")?.to_string()),
            Component::CurDir => {}
            Component::ParentDir => return Err("escapes the install directory with '..'"),
            Component::RootDir | Component::Prefix(_) => return Err("is an absolute path"),
        }
    }
    if parts.is_empty() {
        return Err("has an empty path");
    }
    Ok(parts)
}

/// Unpacks a rust-installer `rust-std` tarball (already decompressed) into
/// `<root>/lib/rustlib/<target>/`, checks its metadata against what it contained, and
/// returns the files written. `origin` names the archive in errors.
pub fn unpack_component(
    tar_stream: impl Read,
    target: &str,
    root: &Path,
    origin: &str,
    limits: Limits,
) -> Result<Extracted> {
    let mut w = Writer::new(root, target, origin, limits);
    let component = ComponentLayout::new("", target).component_name();
    let suffix = format!("-{target}");
    let mut package: Option<String> = None;
    let (mut components, mut installer_version, mut manifest_in) = (None, None, None);

    let mut archive = tar::Archive::new(tar_stream);
    let entries = archive.entries().map_err(|e| w.stream_error(e))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| w.stream_error(e))?;
        let raw = entry.path_bytes();
        let name = String::from_utf8_lossy(&raw).into_owned();
        w.count_entry(&name)?;
        let parts = plain_components(&name).map_err(|reason| w.refuse(&name, reason))?;
        let kind = entry.header().entry_type();
        let is_dir = kind == tar::EntryType::Directory;
        if !is_dir && kind != tar::EntryType::Regular {
            let what = match kind {
                tar::EntryType::Symlink => "is a symbolic link",
                tar::EntryType::Link => "is a hard link",
                tar::EntryType::Char | tar::EntryType::Block => "is a device file",
                tar::EntryType::Fifo => "is a fifo",
                _ => "is not a regular file or directory",
            };
            return Err(w.refuse(
                &name,
                format!("{what}; only files and directories are allowed"),
            ));
        }
        let top = &parts[0];
        match &package {
            None if top.starts_with("rust-std-") && top.ends_with(&suffix) => {
                package = Some(top.clone())
            }
            None => {
                return Err(w.refuse(
                    &name,
                    format!("is not in a 'rust-std-<version>{suffix}' directory"),
                ))
            }
            Some(p) if p != top => {
                return Err(w.refuse(&name, format!("is outside the package directory '{p}'")))
            }
            Some(_) => {}
        }
        let rest: Vec<&str> = parts[1..].iter().map(String::as_str).collect();
        let small = |entry: &mut tar::Entry<_>, w: &Writer| -> Result<String> {
            let mut s = String::new();
            entry
                .take(64 * 1024)
                .read_to_string(&mut s)
                .map_err(|e| w.stream_error(e))?;
            Ok(s)
        };
        match rest.as_slice() {
            [] if is_dir => {}
            ["components"] if !is_dir => components = Some(small(&mut entry, &w)?),
            ["rust-installer-version"] if !is_dir => {
                installer_version = Some(small(&mut entry, &w)?)
            }
            // rust-installer also ships install.sh and license files at the top: not installed.
            [_] if !is_dir => {
                io::copy(&mut entry, &mut io::sink()).map_err(|e| w.stream_error(e))?;
            }
            [c] if is_dir && *c == component => {}
            [c, "manifest.in"] if *c == component && !is_dir => {
                manifest_in = Some(small(&mut entry, &w)?)
            }
            [c, "lib"] | [c, "lib", "rustlib"] | [c, "lib", "rustlib", _]
                if *c == component && is_dir && rest.get(3).is_none_or(|t| *t == target) => {}
            [c, "lib", "rustlib", t, inner @ ..]
                if *c == component && *t == target && !inner.is_empty() =>
            {
                let rel: PathBuf = inner.iter().collect();
                if is_dir {
                    w.dir(&rel)?;
                } else {
                    let declared = entry.size();
                    w.file(&name, &rel, declared, &mut entry)?;
                }
            }
            _ => {
                return Err(w.refuse(
                    &name,
                    format!("is outside '{component}/lib/rustlib/{target}/'"),
                ));
            }
        }
    }
    // Read to the end, so that the decompressor checks its trailer (a truncated or corrupt
    // xz/gzip stream fails here even when the tar ended cleanly).
    io::copy(&mut archive.into_inner(), &mut io::sink()).map_err(|e| w.stream_error(e))?;
    let package = package.ok_or_else(|| Error::CorruptArchive {
        archive: origin.to_string(),
        message: "the archive is empty".into(),
    })?;
    let corrupt = |message: String| Error::CorruptArchive {
        archive: origin.to_string(),
        message,
    };
    if installer_version.as_deref().map(str::trim) != Some(INSTALLER_VERSION) {
        return Err(corrupt(format!(
            "'{package}/rust-installer-version' is missing or not '{INSTALLER_VERSION}'"
        )));
    }
    if !components
        .as_deref()
        .unwrap_or_default()
        .lines()
        .any(|l| l.trim() == component)
    {
        return Err(corrupt(format!(
            "'{package}/components' does not list '{component}'"
        )));
    }
    let manifest_in = manifest_in
        .ok_or_else(|| corrupt(format!("'{package}/{component}/manifest.in' is missing")))?;
    let files = w.finish();
    check_manifest_in(&manifest_in, target, &files).map_err(corrupt)?;
    Ok(Extracted {
        files,
        rust_version: None,
    })
}

/// Every `file:` line of manifest.in names an unpacked file, and every unpacked file is listed
/// (directly or under a `dir:` line).
fn check_manifest_in(
    text: &str,
    target: &str,
    files: &[FileRecord],
) -> std::result::Result<(), String> {
    let prefix = format!("{}/", unix_path(&target_dir(target)));
    let mut listed = BTreeSet::new();
    let mut dirs = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (kind, path) = line
            .split_once(':')
            .ok_or_else(|| format!("manifest.in line '{line}' has no 'file:' or 'dir:'"))?;
        let rel = path
            .strip_prefix(&prefix)
            .ok_or_else(|| format!("manifest.in lists '{path}', outside '{prefix}'"))?;
        match kind {
            "file" => {
                listed.insert(rel.to_string());
            }
            "dir" => dirs.push(format!("{rel}/")),
            _ => return Err(format!("manifest.in line '{line}' has an unknown kind")),
        }
    }
    let present: BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();
    if let Some(missing) = listed.difference(&present).next() {
        return Err(format!(
            "manifest.in lists '{missing}' but the archive does not contain it"
        ));
    }
    if let Some(extra) = present
        .iter()
        .find(|p| !listed.contains(*p) && !dirs.iter().any(|d| p.starts_with(d.as_str())))
    {
        return Err(format!(
            "the archive contains '{extra}' but manifest.in does not list it"
        ));
    }
    Ok(())
}

/// Unpacks the Xous project's release zip (`lib/rustlib/<target>/...` and `RUST_VERSION`,
/// at the top or beside the rlibs) into `<root>/lib/rustlib/<target>/`.
pub fn unpack_release_zip(
    zip_path: &Path,
    target: &str,
    root: &Path,
    origin: &str,
    limits: Limits,
) -> Result<Extracted> {
    let file = fs::File::open(zip_path).ctx("open", zip_path)?;
    unpack_release_zip_from(io::BufReader::new(file), target, root, origin, limits)
}

/// [`unpack_release_zip`] from any seekable reader (a zip's directory is at its end).
pub fn unpack_release_zip_from(
    reader: impl Read + io::Seek,
    target: &str,
    root: &Path,
    origin: &str,
    limits: Limits,
) -> Result<Extracted> {
    let mut w = Writer::new(root, target, origin, limits);
    let corrupt = |message: String| Error::CorruptArchive {
        archive: origin.to_string(),
        message,
    };
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| corrupt(e.to_string()))?;
    let mut rust_version = None;
    let expected_prefix = ["lib", "rustlib", target];
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| corrupt(e.to_string()))?;
        let name = entry.name().to_string();
        w.count_entry(&name)?;
        let parts = plain_components(&name).map_err(|reason| w.refuse(&name, reason))?;
        let mode = entry.unix_mode().unwrap_or(0);
        let file_type = mode & 0o170000;
        let is_dir = entry.is_dir();
        if entry.is_symlink() || (file_type != 0 && file_type != 0o100000 && file_type != 0o040000)
        {
            return Err(w.refuse(
                &name,
                "is a link or special file; only files and directories are allowed",
            ));
        }
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        match parts.as_slice() {
            ["RUST_VERSION"] if !is_dir => {
                let s = read_version_file(&mut entry, &w)?;
                rust_version = Some(s.trim().to_string());
            }
            p if is_dir && p.len() <= 3 && expected_prefix.starts_with(p) => {}
            // xous-core's release zips carry the version beside the rlibs: keep the file
            // (xtask reads it from the sysroot) and check it like the top-level one.
            [a, b, t, "RUST_VERSION"] if [*a, *b, *t] == expected_prefix && !is_dir => {
                let s = read_version_file(&mut entry, &w)?;
                w.file(
                    &name,
                    Path::new("RUST_VERSION"),
                    s.len() as u64,
                    &mut s.as_bytes(),
                )?;
                rust_version = Some(s.trim().to_string());
            }
            [a, b, t, inner @ ..] if [*a, *b, *t] == expected_prefix && !inner.is_empty() => {
                let rel: PathBuf = inner.iter().collect();
                if is_dir {
                    w.dir(&rel)?;
                } else {
                    let declared = entry.size();
                    w.file(&name, &rel, declared, &mut entry)?;
                }
            }
            _ => return Err(w.refuse(&name, format!("is outside 'lib/rustlib/{target}/'"))),
        }
    }
    let files = w.finish();
    if files.is_empty() {
        return Err(corrupt(format!("no files under 'lib/rustlib/{target}/'")));
    }
    Ok(Extracted {
        files,
        rust_version,
    })
}

/// The text of a release zip's `RUST_VERSION` (at most 4 KiB of it).
fn read_version_file(entry: &mut impl Read, w: &Writer) -> Result<String> {
    let mut s = String::new();
    entry
        .take(4096)
        .read_to_string(&mut s)
        .map_err(|e| w.stream_error(e))?;
    Ok(s)
}

#[cfg(test)]
mod tests;
