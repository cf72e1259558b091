//! What an install works with: the builder's settings completed from the environment, where
//! the library goes, and the cheap check whether a matching install is already there.

use std::path::PathBuf;

use super::{compiler_fingerprint, default_cache_dir, Installer};
use crate::env;
use crate::error::{Error, Result};
use crate::install::Destination;
use crate::source::Source;
use crate::sysroot::{InstallStatus, Mode, Sysroot};
use crate::version::{Rustc, RustcVersion};

/// Settings after the environment has filled what the builder left unset.
pub(super) struct Settings {
    pub(super) version: Option<RustcVersion>,
    pub(super) mode: Mode,
    pub(super) sources: Vec<Source>,
    pub(super) cache_dir: PathBuf,
    pub(super) offline: bool,
    pub(super) rustc: Rustc,
    pub(super) pin_sha256: Option<String>,
}

impl Installer {
    pub(super) fn settings(&self) -> Result<Settings> {
        let mode = match self.mode {
            Some(mode) => mode,
            None => match env::var("XOUS_SYSROOT_MODE")? {
                Some(v) => v.parse()?,
                None => Mode::default(),
            },
        };
        let offline = match self.offline {
            Some(offline) => offline,
            None => {
                env::flag("XOUS_SYSROOT_OFFLINE")?.unwrap_or(false)
                    || env::flag("CARGO_NET_OFFLINE")?.unwrap_or(false)
            }
        };
        let sources = match &self.sources {
            Some(sources) => sources.clone(),
            None => {
                let servers = if self.dist_servers.is_empty() {
                    env::var("XOUS_SYSROOT_DIST_SERVER")?
                        .map(|v| {
                            v.split([',', ' ', '\n'])
                                .filter(|s| !s.is_empty())
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default()
                } else {
                    self.dist_servers.clone()
                };
                let mut sources = vec![Source::Cache];
                sources.extend(servers.into_iter().map(Source::DistServer));
                let repo = env::var("XOUS_SYSROOT_GITHUB_REPO")?
                    .unwrap_or_else(|| crate::source::GITHUB_REPO.into());
                if repo != "none" {
                    let api = env::var("XOUS_SYSROOT_GITHUB_API")?
                        .unwrap_or_else(|| crate::source::GITHUB_API.into());
                    sources.push(Source::GithubReleases { api, repo });
                }
                #[cfg(feature = "build")]
                {
                    let build = match self.build_from_source {
                        Some(build) => build,
                        None => env::flag("XOUS_SYSROOT_BUILD_FROM_SOURCE")?.unwrap_or(false),
                    };
                    if build {
                        sources.push(Source::RustSrc {
                            profile: self.chosen_build_profile()?,
                        });
                    }
                }
                sources
            }
        };
        let cache_dir = match &self.cache_dir {
            Some(dir) => dir.clone(),
            None => default_cache_dir()?,
        };
        let pin = match &self.pin_sha256 {
            Some(pin) => Some(pin.clone()),
            None => env::var("XOUS_SYSROOT_PIN_SHA256")?,
        };
        let pin_sha256 = match pin {
            Some(pin) if crate::manifest::is_sha256(pin.trim()) => {
                Some(pin.trim().to_ascii_lowercase())
            }
            Some(pin) => {
                return Err(Error::InvalidPin {
                    value: pin.chars().take(80).collect(),
                })
            }
            None => None,
        };
        Ok(Settings {
            pin_sha256,
            version: self.version.clone(),
            mode,
            sources,
            cache_dir,
            offline,
            rustc: self.rustc.clone().unwrap_or_else(Rustc::active),
        })
    }

    #[cfg(feature = "build")]
    fn chosen_build_profile(&self) -> Result<crate::build::Profile> {
        match (self.build_profile, env::var("XOUS_SYSROOT_BUILD_PROFILE")?) {
            (Some(profile), _) => Ok(profile),
            (None, Some(value)) => value.parse().map_err(Error::InvalidProfile),
            (None, None) => Ok(crate::build::Profile::default()),
        }
    }

    pub(super) fn destination(
        &self,
        s: &Settings,
        version: Option<&RustcVersion>,
    ) -> Result<Destination> {
        let root = match s.mode {
            Mode::Toolchain => match &self.sysroot {
                Some(root) => root.clone(),
                None => s.rustc.sysroot()?,
            },
            Mode::Private => {
                let version = match version {
                    Some(v) => v.clone(),
                    None => s.rustc.version()?,
                };
                private_root(&s.cache_dir, &version, &self.target)
            }
            Mode::Linked => match version {
                Some(v) => crate::linked::find(&s.cache_dir, v),
                None => crate::linked::root(&s.cache_dir, &s.rustc.version()?),
            },
        };
        Ok(Destination {
            root,
            target: self.target.clone(),
        })
    }

    /// The complete, matching install at `dest`, if any. Costs a stamp read and a stat per file.
    pub(super) fn installed(
        &self,
        s: &Settings,
        dest: &Destination,
        version: Option<&RustcVersion>,
    ) -> Option<Sysroot> {
        let stamp = dest.stamp()?;
        let matches = match version {
            Some(v) => RustcVersion::parse(&stamp.rustc).is_ok_and(|r| v.matches(&r)),
            // No version given: in toolchain mode an unchanged compiler binary is the same compiler.
            None => {
                matches!(s.mode, Mode::Toolchain | Mode::Linked)
                    && stamp.compiler.is_some()
                    && stamp.compiler == compiler_fingerprint(&dest.root)
            }
        };
        if !matches || !stamp.files_present(&dest.target_dir()) {
            return None;
        }
        Some(Sysroot {
            path: dest.root.clone(),
            target: self.target.clone(),
            mode: s.mode,
            rustc: stamp.rustc,
            source: stamp.source,
            status: InstallStatus::AlreadyInstalled,
            toolchain: None,
        })
    }
}

/// Where the private sysroot for `version` lives: `sysroots/<dir name>` (one per exact rustc,
/// [`RustcVersion::dir_name`]), unless an existing sysroot already holds a matching libstd for
/// `target` under another name: `sysroots/<release>` as older versions made it, or, for a
/// version without its commit, the one sysroot of that release.
pub(crate) fn private_root(
    cache_dir: &std::path::Path,
    version: &RustcVersion,
    target: &str,
) -> PathBuf {
    let sysroots = cache_dir.join("sysroots");
    let exact = sysroots.join(version.dir_name());
    let matching = |root: &PathBuf| {
        let dest = Destination {
            root: root.clone(),
            target: target.to_owned(),
        };
        dest.stamp()
            .and_then(|stamp| RustcVersion::parse(&stamp.rustc).ok())
            .is_some_and(|built_for| version.matches(&built_for))
    };
    if exact.is_dir() {
        return exact;
    }
    let legacy = sysroots.join(&version.release);
    if legacy != exact && matching(&legacy) {
        return legacy;
    }
    if !version.is_exact() {
        let prefix = format!("{}-", version.release);
        let mut found: Vec<PathBuf> = std::fs::read_dir(&sysroots)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            .map(|e| e.path())
            .filter(matching)
            .collect();
        if found.len() == 1 {
            return found.remove(0);
        }
    }
    exact
}
