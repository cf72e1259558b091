//! Linked mode's toolchain directory: `<cache>/toolchains/<rustc dir name>`, a tree of hard
//! links to a base toolchain's files (a copy where the filesystem cannot link), which then
//! receives the target's libstd like a toolchain-mode sysroot, and its registration with rustup
//! (`rustup toolchain link <name> <dir>`).
//!
//! Nothing is ever written through a link: the base's files are linked, read and unlinked,
//! never opened for writing. rustup's own bookkeeping, the files directly in `lib/rustlib`
//! (`multirust-channel-manifest.toml`, `multirust-config.toml`, `rust-installer-version`,
//! `components`, `manifest-*`), is copied instead: rustup rewrites some of those in place when
//! it updates the base, which through a link would change this toolchain too. The only files
//! written in the tree are new ones (the target directory, staged and renamed in; [`RECORD`],
//! replaced by a rename), and the base's own `lib/rustlib/<target>` is not carried over, so the
//! install never lands on a shared file.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::component::target_dir;
use crate::error::{Error, IoContext, Result};
use crate::version::{Channel, RustcVersion};

mod rustup;
pub(crate) use rustup::Rustup;

/// The record of a linked toolchain, at its root: written last when the tree is complete.
pub(crate) const RECORD: &str = "xous-sysroot-linked.toml";

/// Names in the toolchains directory that are work in progress, never a toolchain.
const TEMP_PREFIX: &str = ".xous-sysroot-";

/// What went wrong making, registering or removing a linked toolchain.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LinkedError {
    /// The base compiler's sysroot is not a toolchain directory of its own.
    #[error("the sysroot '{base}' of the base compiler is not a toolchain directory of its own ({why}), so it cannot be mirrored\nhelp: pick a rustup toolchain with --toolchain (or Installer::rustc), or use toolchain or private mode with this compiler")]
    NotAToolchain {
        /// The base sysroot.
        base: PathBuf,
        /// What it lacks or has.
        why: &'static str,
    },
    /// A toolchain name rustup could not take.
    #[error("'{name}' cannot name a linked toolchain: {why}\nhelp: choose a name such as 'xous-1.95.0' with --name (or Installer::toolchain_name)")]
    InvalidName {
        /// The name.
        name: String,
        /// Why it was refused.
        why: &'static str,
    },
    /// The name is already a rustup toolchain that is not this one.
    #[error("the rustup toolchain '{name}' already exists and is not this linked toolchain (it is '{existing}')\nhelp: choose another name with --name, or remove it first with 'rustup toolchain uninstall {name}'")]
    NameTaken {
        /// The name.
        name: String,
        /// What rustup's toolchain of that name is.
        existing: PathBuf,
    },
    /// A rustup command failed.
    #[error("could not run '{command}': {detail}\nhelp: check that rustup works ('rustup toolchain list'); the toolchain directory '{dir}' is complete and can be used without rustup through RUSTC='{dir}/bin/rustc'")]
    Rustup {
        /// The command line.
        command: String,
        /// What went wrong.
        detail: String,
        /// The linked toolchain directory.
        dir: PathBuf,
    },
}

impl From<LinkedError> for Error {
    fn from(e: LinkedError) -> Self {
        Error::Linked(Box::new(e))
    }
}

/// What [`RECORD`] holds: the compiler, the base it was mirrored from and the rustup names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Record {
    /// The rustc identity of the base.
    pub rustc: String,
    /// The base toolchain directory (symlinks resolved).
    pub base: PathBuf,
    /// The names it was registered under with rustup.
    #[serde(default)]
    pub names: Vec<String>,
    /// Files hard-linked to the base.
    pub linked_files: u64,
    /// Files copied: rustup's bookkeeping directly in `lib/rustlib`, and any file where the
    /// filesystem could not link.
    pub copied_files: u64,
}

impl Record {
    /// The record of the toolchain at `root`, if it is a complete one of ours.
    pub(crate) fn read(root: &Path) -> Option<Record> {
        let text = fs::read_to_string(root.join(RECORD)).ok()?;
        toml::from_str(&text).ok()
    }

    /// Writes the record at `root` (a new file renamed over the old one).
    pub(crate) fn write(&self, root: &Path) -> Result<()> {
        let text = toml::to_string(self).expect("a record serializes");
        crate::atomic::write_atomic(&root.join(RECORD), text.as_bytes())
    }
}

/// `<cache>/toolchains`.
pub(crate) fn toolchains_dir(cache_dir: &Path) -> PathBuf {
    cache_dir.join("toolchains")
}

/// The linked toolchain directory for `version`: one per exact rustc.
pub(crate) fn root(cache_dir: &Path, version: &RustcVersion) -> PathBuf {
    toolchains_dir(cache_dir).join(version.dir_name())
}

/// The linked toolchain directory for `version`: [`root`], unless `version` lacks its commit
/// and exactly one linked toolchain of that release matches it.
pub(crate) fn find(cache_dir: &Path, version: &RustcVersion) -> PathBuf {
    let exact = root(cache_dir, version);
    if version.is_exact() || exact.is_dir() {
        return exact;
    }
    let mut found: Vec<PathBuf> = fs::read_dir(toolchains_dir(cache_dir))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            Record::read(p)
                .and_then(|r| RustcVersion::parse(&r.rustc).ok())
                .is_some_and(|r| version.matches(&r))
        })
        .collect();
    if found.len() == 1 {
        found.remove(0)
    } else {
        exact
    }
}

/// The rustup name of the linked toolchain for `version`: `xous-<release>` for a stable rustc,
/// `xous-<release>-<commit9>` for a pre-release (whose release names many compilers).
pub fn default_name(version: &RustcVersion) -> String {
    match version.channel() {
        Channel::Stable => format!("xous-{}", version.release),
        _ => format!("xous-{}", version.dir_name()),
    }
}

/// Refuses a name rustup would take for something else, or that is not one path component.
pub(crate) fn check_name(name: &str) -> Result<(), LinkedError> {
    let why = if name.is_empty() {
        Some("it is empty")
    } else if name.contains(['/', '\\']) || name == "." || name == ".." {
        Some("it is not a single path component")
    } else if name.starts_with('-') || name.chars().any(char::is_whitespace) {
        Some("it starts with '-' or contains whitespace")
    } else if ["stable", "beta", "nightly"]
        .iter()
        .any(|c| name == *c || name.starts_with(&format!("{c}-")))
        || name.starts_with(|c: char| c.is_ascii_digit())
    {
        Some("it looks like an official channel or release, which rustup installs itself")
    } else {
        None
    };
    match why {
        Some(why) => Err(LinkedError::InvalidName {
            name: name.to_owned(),
            why,
        }),
        None => Ok(()),
    }
}

/// The base toolchain directory behind a compiler's sysroot, symlinks resolved (rustup's
/// `1.95.0-<host>` may be a symlink to its `stable-<host>`), refused when it is a shared prefix
/// such as `/usr` rather than a toolchain of its own.
pub(crate) fn resolve_base(sysroot: &Path) -> Result<PathBuf> {
    let base = fs::canonicalize(sysroot).ctx("resolve the base toolchain", sysroot)?;
    let refuse = |why| LinkedError::NotAToolchain {
        base: base.clone(),
        why,
    };
    if !base.join("bin").is_dir() || !base.join("lib/rustlib").is_dir() {
        return Err(refuse("no bin and lib/rustlib").into());
    }
    if !base.join("lib/rustlib/components").is_file() {
        return Err(refuse("no lib/rustlib/components, the list of installed components").into());
    }
    if ["include", "sbin", "local"]
        .iter()
        .any(|d| base.join(d).exists())
    {
        return Err(refuse("it is a shared prefix (it has include, sbin or local)").into());
    }
    Ok(base)
}

/// Makes `root` a mirror of `base` (hard links, copies where linking fails), without the
/// base's `lib/rustlib/<target>` and leftovers of ours: built beside `root` and renamed into
/// place, so `root` is a complete tree or absent. An existing `root` is replaced.
pub(crate) fn make_tree(
    base: &Path,
    root: &Path,
    target: &str,
    rustc: &RustcVersion,
) -> Result<Record> {
    let parent = root.parent().expect("a toolchain directory has a parent");
    fs::create_dir_all(parent).ctx("create directory", parent)?;
    let name = root.file_name().unwrap_or_default().to_string_lossy();
    remove_leftovers(parent, &name)?;
    let staging = parent.join(format!(
        "{TEMP_PREFIX}staging-{name}-{}",
        std::process::id()
    ));
    let mut record = Record {
        rustc: rustc.identity(),
        base: base.to_path_buf(),
        names: Vec::new(),
        linked_files: 0,
        copied_files: 0,
    };
    let result = mirror(base, &staging, target, &mut record).and_then(|()| {
        record.write(&staging)?;
        remove_tree(root)?;
        fs::rename(&staging, root).ctx("move the linked toolchain into place at", root)
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result.map(|()| record)
}

/// Removes a linked toolchain directory (renamed aside first, so it is whole or gone).
/// Unlinking a hard link never changes the base's file.
pub(crate) fn remove_tree(root: &Path) -> Result<bool> {
    if root.symlink_metadata().is_err() {
        return Ok(false);
    }
    let name = root.file_name().unwrap_or_default().to_string_lossy();
    let trash = root.with_file_name(format!("{TEMP_PREFIX}trash-{name}-{}", std::process::id()));
    fs::rename(root, &trash).ctx("move aside for removal", &trash)?;
    fs::remove_dir_all(&trash).ctx("remove", &trash)?;
    Ok(true)
}

/// Removes the staging and trash directories of the toolchain `name` that killed processes
/// left in `parent`. Call with the toolchain's lock held.
fn remove_leftovers(parent: &Path, name: &str) -> Result<()> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let leftover = ["staging", "trash"].iter().any(|kind| {
            file_name
                .strip_prefix(&format!("{TEMP_PREFIX}{kind}-{name}-"))
                .is_some_and(|pid| pid.bytes().all(|b| b.is_ascii_digit()))
        });
        if leftover {
            fs::remove_dir_all(entry.path()).ctx("remove leftover", entry.path())?;
        }
    }
    Ok(())
}

/// Whether `name` in the toolchains directory is a temporary of ours.
pub(crate) fn is_temporary(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX)
}

fn mirror(base: &Path, to: &Path, target: &str, record: &mut Record) -> Result<()> {
    let skip_target = Path::new(&target_dir(target)).to_path_buf();
    let mut stack = vec![PathBuf::new()];
    fs::create_dir_all(to).ctx("create directory", to)?;
    while let Some(rel) = stack.pop() {
        let dir = base.join(&rel);
        for entry in fs::read_dir(&dir).ctx("read directory", &dir)? {
            let entry = entry.ctx("read directory", &dir)?;
            let rel = rel.join(entry.file_name());
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if rel == skip_target
                || rel == Path::new(RECORD)
                || (rel.parent() == Some(Path::new("lib/rustlib")) && is_temporary(&name))
            {
                continue;
            }
            let (from, dest) = (base.join(&rel), to.join(&rel));
            let kind = entry.file_type().ctx("read the type of", &from)?;
            if kind.is_dir() {
                fs::create_dir(&dest).ctx("create directory", &dest)?;
                stack.push(rel);
            } else if kind.is_symlink() {
                let link = fs::read_link(&from).ctx("read the link", &from)?;
                copy_symlink(&link, &from, &dest)?;
            } else if rel.parent() != Some(Path::new("lib/rustlib"))
                && fs::hard_link(&from, &dest).is_ok()
            {
                record.linked_files += 1;
            } else {
                // rustup's bookkeeping, another filesystem (EXDEV), or one without hard links.
                fs::copy(&from, &dest).ctx("copy", &from)?;
                record.copied_files += 1;
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
fn copy_symlink(link: &Path, _from: &Path, dest: &Path) -> Result<()> {
    std::os::unix::fs::symlink(link, dest).ctx("create the link", dest)
}

#[cfg(not(unix))]
fn copy_symlink(_link: &Path, from: &Path, dest: &Path) -> Result<()> {
    fs::copy(from, dest).map(|_| ()).ctx("copy", from)
}

/// Whether the base still holds the compiler the toolchain at `root` was made from: its
/// `bin/rustc` is the same file (a hard link) or has the same bytes (a copy).
pub(crate) fn base_matches(root: &Path, base: &Path) -> bool {
    let exe = if cfg!(windows) { "rustc.exe" } else { "rustc" };
    let (ours, theirs) = (root.join("bin").join(exe), base.join("bin").join(exe));
    let (Ok(a), Ok(b)) = (fs::metadata(&ours), fs::metadata(&theirs)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if a.dev() == b.dev() && a.ino() == b.ino() {
            return true;
        }
    }
    a.len() == b.len()
        && matches!(
            (crate::hash::sha256_file(&ours), crate::hash::sha256_file(&theirs)),
            (Ok(x), Ok(y)) if x == y
        )
}

/// How to use a linked toolchain that is not (or could not be) registered with rustup.
pub fn usage_without_rustup(root: &Path, name: &str) -> String {
    let exe = if cfg!(windows) { "rustc.exe" } else { "rustc" };
    format!(
        "use it as RUSTC={} (cargo needs no other flag), or register it with rustup: \
         rustup toolchain link {name} {}",
        crate::text::shell_quote(&root.join("bin").join(exe).display().to_string()),
        crate::text::shell_quote(&root.display().to_string()),
    )
}

#[cfg(test)]
mod tests;
