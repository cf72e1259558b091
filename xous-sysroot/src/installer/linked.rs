//! Linked mode's orchestration: the base toolchain resolved and mirrored (under a lock), the
//! target installed into the mirror as toolchain mode installs it, the rustup registration;
//! the uninstall, and linked toolchains in status and the listing.

use std::path::PathBuf;

use super::settings::Settings;
use super::Installer;
use crate::error::{Error, Result};
use crate::install::Destination;
use crate::linked::{self, Record, Rustup};
use crate::stamp::Stamp;
use crate::sysroot::{Mode, Sysroot};
use crate::version::RustcVersion;

/// A linked toolchain as [`Installer::list`] finds it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LinkedToolchain {
    /// Its directory (`<cache>/toolchains/<rustc dir name>`).
    pub path: PathBuf,
    /// The rustc identity of its compiler.
    pub rustc: String,
    /// The base toolchain directory it was made from.
    pub base: PathBuf,
    /// Whether the base still holds the same compiler. After rustup updated or removed the
    /// base, the linked toolchain keeps working (the hard links keep the files), but no rustup
    /// toolchain matches it any more.
    pub base_matches: bool,
    /// The names it was registered under with rustup.
    pub names: Vec<String>,
    /// Those of [`LinkedToolchain::names`] that rustup still links to it.
    pub registered: Vec<String>,
    /// The stamp of its target install, if complete.
    pub stamp: Option<Stamp>,
}

impl Installer {
    fn rustup(&self) -> Rustup {
        Rustup {
            home: self.rustup_home.clone(),
        }
    }

    /// The exact compiler of the base, which names the directory (`s.version` when exact and
    /// the base is given: then no compiler needs to run).
    fn linked_version(&self, s: &Settings) -> Result<RustcVersion> {
        match &s.version {
            Some(v) if v.is_exact() && self.sysroot.is_some() && !self.smoke_test => Ok(v.clone()),
            wanted => {
                let compiler = s.rustc.version()?;
                match wanted {
                    Some(v) if !v.matches(&compiler) => Err(Error::VersionMismatch {
                        url: format!("the compiler '{}'", s.rustc.program().display()),
                        offered: compiler.identity(),
                        wanted: v.identity(),
                    }),
                    _ => Ok(compiler),
                }
            }
        }
    }

    pub(super) fn install_linked(&self, s: Settings) -> Result<Sysroot> {
        let version = self.linked_version(&s)?;
        let root = linked::root(&s.cache_dir, &version);
        let name = self
            .toolchain_name
            .clone()
            .unwrap_or_else(|| linked::default_name(&version));
        let rustup = self.rustup();
        let rustup_there = rustup.available();
        // Bad input changes nothing: the name is checked before anything is made.
        if rustup_there {
            rustup.check_free(&name, &root, self.force)?;
        } else {
            linked::check_name(&name)?;
        }
        let _lock = self.lock(&linked_lock(s.cache_dir.as_path(), &root))?;
        let mut record = match Record::read(&root) {
            Some(record) if !self.force => record,
            previous => {
                let sysroot = match &self.sysroot {
                    Some(dir) => dir.clone(),
                    None => s.rustc.sysroot()?,
                };
                let base = linked::resolve_base(&sysroot)?;
                let mut record = linked::make_tree(&base, &root, &self.target, &version)?;
                record.names = previous.map(|r| r.names).unwrap_or_default();
                record
            }
        };
        let mut sysroot = self.install_into(Settings {
            version: Some(version),
            ..s
        })?;
        if rustup_there {
            rustup.link(&name, &root, self.force)?;
            sysroot.toolchain = Some(name.clone());
        }
        if !record.names.contains(&name) {
            record.names.push(name);
        }
        record.write(&root)?;
        Ok(sysroot)
    }

    pub(super) fn uninstall_linked(&self, s: &Settings) -> Result<bool> {
        let root = self.destination(s, s.version.as_ref())?.root;
        let _lock = self.lock(&linked_lock(&s.cache_dir, &root))?;
        let record = Record::read(&root);
        if record.is_none() && root.exists() && !self.force {
            return Err(Error::NotInstalled { path: root });
        }
        let rustup = self.rustup();
        if rustup.available() {
            let mut names = record.map(|r| r.names).unwrap_or_default();
            names.extend(self.toolchain_name.clone());
            for name in &names {
                rustup.unlink(name, &root)?;
            }
        }
        linked::remove_tree(&root)
    }

    /// `sysroot` with the name rustup knows it by, in linked mode.
    pub(super) fn with_linked_name(&self, s: &Settings, mut sysroot: Sysroot) -> Sysroot {
        if s.mode == Mode::Linked {
            let rustup = self.rustup();
            sysroot.toolchain = Record::read(&sysroot.path).and_then(|r| {
                r.names
                    .into_iter()
                    .find(|name| rustup.links_to(name, &sysroot.path))
            });
        }
        sysroot
    }

    pub(super) fn linked_list(&self, s: &Settings) -> Vec<LinkedToolchain> {
        let rustup = self.rustup();
        let rustup_there = rustup.available();
        let mut found: Vec<LinkedToolchain> =
            std::fs::read_dir(linked::toolchains_dir(&s.cache_dir))
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| !linked::is_temporary(&e.file_name().to_string_lossy()))
                .filter_map(|e| {
                    let path = e.path();
                    let record = Record::read(&path)?;
                    let dest = Destination {
                        root: path.clone(),
                        target: self.target.clone(),
                    };
                    Some(LinkedToolchain {
                        base_matches: linked::base_matches(&path, &record.base),
                        registered: record
                            .names
                            .iter()
                            .filter(|n| rustup_there && rustup.links_to(n, &path))
                            .cloned()
                            .collect(),
                        stamp: dest.stamp(),
                        rustc: record.rustc,
                        base: record.base,
                        names: record.names,
                        path,
                    })
                })
                .collect();
        found.sort_by(|a, b| a.path.cmp(&b.path));
        found
    }
}

/// The lock serializing the making, install and removal of the linked toolchain at `root`.
fn linked_lock(cache_dir: &std::path::Path, root: &std::path::Path) -> PathBuf {
    let name = root.file_name().unwrap_or_default().to_string_lossy();
    cache_dir.join("locks").join(format!("linked-{name}.lock"))
}
