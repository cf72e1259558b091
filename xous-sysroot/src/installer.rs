//! The orchestration: the `Installer` builder and the locked install loop (each source in turn
//! → its offers → [`attempt`]), plus status, verify, uninstall and list. [`settings`] completes
//! the builder from the environment and holds the cheap already-installed check.

mod attempt;
mod linked;
mod settings;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::archive::Limits;
use crate::download::{DownloadCache, Transport};
use crate::env;
use crate::error::{Error, Result};
use crate::hash::sha256_bytes;
use crate::install::Destination;
use crate::lock::FileLock;
use crate::progress::{report, Progress, ProgressFn};
use crate::source::{resolve, CacheEntry, CacheIndex, Offer, Source};
use crate::stamp::{Fingerprint, Stamp};
use crate::sysroot::{InstallStatus, Mode, Sysroot};
use crate::version::{Rustc, RustcVersion};
pub use linked::LinkedToolchain;
use settings::Settings;

/// The file beside the rlibs holding the bare release (`rustc --version | awk '{print $2}'`),
/// which xous-core's xtask compares with the compiler's version.
const RUST_VERSION_FILE: &str = "RUST_VERSION";

/// The target installed when none is set.
pub const DEFAULT_TARGET: &str = "riscv32imac-unknown-xous-elf";

/// Installs (or finds) the libstd for one target and one rustc. See the crate docs for the
/// environment variables that supply defaults; a value set here wins over the environment.
#[derive(Clone)]
pub struct Installer {
    version: Option<RustcVersion>,
    target: String,
    mode: Option<Mode>,
    sources: Option<Vec<Source>>,
    dist_servers: Vec<String>,
    cache_dir: Option<PathBuf>,
    offline: Option<bool>,
    allow_http: Option<bool>,
    timeout: Duration,
    low_speed: u64,
    retries: u32,
    progress: Option<ProgressFn>,
    rustc: Option<Rustc>,
    sysroot: Option<PathBuf>,
    smoke_test: bool,
    limits: Limits,
    force: bool,
    #[cfg(feature = "build")]
    build_from_source: Option<bool>,
    #[cfg(feature = "build")]
    build_profile: Option<crate::build::Profile>,
    pin_sha256: Option<String>,
    toolchain_name: Option<String>,
    rustup_home: Option<PathBuf>,
}

impl std::fmt::Debug for Installer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Installer")
            .field("version", &self.version)
            .field("target", &self.target)
            .field("mode", &self.mode)
            .field("sources", &self.sources)
            .field("dist_servers", &self.dist_servers)
            .field("cache_dir", &self.cache_dir)
            .field("offline", &self.offline)
            .finish_non_exhaustive()
    }
}

impl Default for Installer {
    fn default() -> Self {
        Self::new()
    }
}

impl Installer {
    /// An installer for the active rustc's version and [`DEFAULT_TARGET`].
    pub fn new() -> Self {
        Installer {
            version: None,
            target: DEFAULT_TARGET.to_string(),
            mode: None,
            sources: None,
            dist_servers: Vec::new(),
            cache_dir: None,
            offline: None,
            allow_http: None,
            timeout: Duration::from_secs(30),
            low_speed: crate::download::DEFAULT_LOW_SPEED,
            retries: 3,
            progress: None,
            rustc: None,
            sysroot: None,
            smoke_test: true,
            limits: Limits::default(),
            force: false,
            #[cfg(feature = "build")]
            build_from_source: None,
            #[cfg(feature = "build")]
            build_profile: None,
            pin_sha256: None,
            toolchain_name: None,
            rustup_home: None,
        }
    }

    /// The rustc the library is for: a release (`1.96.0`), a `rustc -V` line or `rustc -vV`
    /// output. Unset: ask the compiler ([`Installer::rustc`]).
    pub fn version(&mut self, version: RustcVersion) -> &mut Self {
        self.version = Some(version);
        self
    }

    /// Parses and sets [`Installer::version`].
    pub fn version_str(&mut self, version: &str) -> Result<&mut Self> {
        self.version = Some(RustcVersion::parse(version)?);
        Ok(self)
    }

    /// The target triple (default [`DEFAULT_TARGET`]).
    pub fn target(&mut self, target: impl Into<String>) -> &mut Self {
        self.target = target.into();
        self
    }

    /// Private (default), toolchain or linked install; `XOUS_SYSROOT_MODE` when unset.
    pub fn mode(&mut self, mode: Mode) -> &mut Self {
        self.mode = Some(mode);
        self
    }

    /// Adds a dist server (tried in the order added, like mirrors): `https://…`, loopback
    /// `http://…`, `file://…` or a path to a local dist root. Replaces `XOUS_SYSROOT_DIST_SERVER`.
    pub fn dist_server(&mut self, url: impl Into<String>) -> &mut Self {
        self.dist_servers.push(url.into());
        self
    }

    /// Replaces the whole source order (default: cache, dist servers, GitHub releases).
    pub fn sources(&mut self, sources: Vec<Source>) -> &mut Self {
        self.sources = Some(sources);
        self
    }

    /// Where verified archives and private sysroots live (`XOUS_SYSROOT_CACHE_DIR`, else the
    /// user's cache directory + `xous-sysroot`).
    pub fn cache_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.cache_dir = Some(dir.into());
        self
    }

    /// Use only the cache (`XOUS_SYSROOT_OFFLINE` or `CARGO_NET_OFFLINE` when unset).
    pub fn offline(&mut self, offline: bool) -> &mut Self {
        self.offline = Some(offline);
        self
    }

    /// Allow plain `http://` to non-loopback hosts (`XOUS_SYSROOT_ALLOW_HTTP` when unset).
    pub fn allow_insecure_http(&mut self, allow: bool) -> &mut Self {
        self.allow_http = Some(allow);
        self
    }

    /// Connect, response and per-read timeout (default 30 s): a stalled server fails the
    /// attempt instead of hanging the build. A timeout of a century or more (e.g.
    /// `Duration::MAX`) means no deadline, and no end to a low-speed window.
    pub fn timeout(&mut self, timeout: Duration) -> &mut Self {
        self.timeout = timeout;
        self
    }

    /// The low-speed limit in bytes per second (default 1024; 0 disables): a download that
    /// receives less than this on average over a whole [`Installer::timeout`] window fails
    /// the attempt (and is retried, resuming), so that a trickling server cannot hang a build.
    pub fn low_speed_limit(&mut self, bytes_per_second: u64) -> &mut Self {
        self.low_speed = bytes_per_second;
        self
    }

    /// Extra attempts after a transient failure (default 3), with exponential backoff.
    pub fn retries(&mut self, retries: u32) -> &mut Self {
        self.retries = retries;
        self
    }

    /// A callback for progress events (none by default: build scripts stay quiet).
    pub fn progress(&mut self, callback: impl Fn(&Progress) + Send + Sync + 'static) -> &mut Self {
        self.progress = Some(Arc::new(callback));
        self
    }

    /// The compiler used for the version (when unset), the toolchain sysroot and the smoke
    /// compile (default [`Rustc::active`]).
    pub fn rustc(&mut self, rustc: Rustc) -> &mut Self {
        self.rustc = Some(rustc);
        self
    }

    /// Toolchain mode: install into this sysroot instead of asking the compiler for its own.
    /// Linked mode: the base toolchain directory to mirror.
    pub fn sysroot(&mut self, sysroot: impl Into<PathBuf>) -> &mut Self {
        self.sysroot = Some(sysroot.into());
        self
    }

    /// Whether to prove with a compile that the compiler accepts the library (default true).
    pub fn smoke_test(&mut self, enabled: bool) -> &mut Self {
        self.smoke_test = enabled;
        self
    }

    /// Caps on what an archive may unpack.
    pub fn limits(&mut self, limits: Limits) -> &mut Self {
        self.limits = limits;
        self
    }

    /// Reinstall even if a matching install is present.
    pub fn force(&mut self, force: bool) -> &mut Self {
        self.force = force;
        self
    }

    /// Whether to build libstd from the toolchain's `rust-src` when no other source has one,
    /// as the last source (feature `build`). Unset: `XOUS_SYSROOT_BUILD_FROM_SOURCE`, else off,
    /// so a build script never starts a build of a minute or two unasked. The build runs
    /// cargo with `RUSTC_BOOTSTRAP=1` for that one process only (std's build needs unstable
    /// flags, as the Xous fork's release job does); the caller's environment is untouched.
    #[cfg(feature = "build")]
    pub fn build_from_source(&mut self, enabled: bool) -> &mut Self {
        self.build_from_source = Some(enabled);
        self
    }

    /// The profile of a build from `rust-src`. Unset: `XOUS_SYSROOT_BUILD_PROFILE`, else
    /// [`Profile::Official`](crate::build::Profile::Official), the Xous fork's release build.
    #[cfg(feature = "build")]
    pub fn build_profile(&mut self, profile: crate::build::Profile) -> &mut Self {
        self.build_profile = Some(profile);
        self
    }

    /// Accept a GitHub release zip with this SHA-256 (`XOUS_SYSROOT_PIN_SHA256` when unset):
    /// one without a published digest is installed if its bytes have this hash, and one whose
    /// digest differs is refused. Get it by downloading the zip once and running `sha256sum`,
    /// or from the `.sha256` file published beside it.
    pub fn pin_sha256(&mut self, sha256: impl Into<String>) -> &mut Self {
        self.pin_sha256 = Some(sha256.into());
        self
    }

    /// Linked mode: the name to register the toolchain under with rustup (default
    /// `xous-<release>`, or `xous-<release>-<commit9>` for a pre-release).
    pub fn toolchain_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.toolchain_name = Some(name.into());
        self
    }

    /// Linked mode: the `RUSTUP_HOME` of the rustup that registers the toolchain (default:
    /// the environment's, else rustup's own default).
    pub fn rustup_home(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.rustup_home = Some(dir.into());
        self
    }

    /// Makes sure the library is installed and returns where. The already-installed path reads
    /// one small file (private mode with a version: no process is spawned). In linked mode the
    /// toolchain directory is made first when missing, and registered with rustup after.
    pub fn install(&self) -> Result<Sysroot> {
        let s = self.settings()?;
        if s.mode == Mode::Linked {
            return self.install_linked(s);
        }
        self.install_into(s)
    }

    /// The install loop for `s`'s destination.
    fn install_into(&self, s: Settings) -> Result<Sysroot> {
        let mut version = s.version.clone();
        if s.mode == Mode::Private {
            match &version {
                None => version = Some(s.rustc.version()?),
                // A release alone: the compiler's commit names the sysroot (a mismatch is
                // reported below).
                Some(v) if !v.is_exact() && self.smoke_test => {
                    let compiler = s.rustc.version()?;
                    if v.matches(&compiler) {
                        version = Some(compiler);
                    }
                }
                Some(_) => {}
            }
        }
        let dest = self.destination(&s, version.as_ref())?;
        if !self.force {
            if let Some(found) = self.installed(&s, &dest, version.as_ref()) {
                return Ok(found);
            }
        }
        let _lock = self.lock(&lock_path(&s, &dest))?;
        // Another process may have installed it while we waited.
        let compiler = match (&version, self.smoke_test) {
            (Some(_), false) => None,
            _ => Some(s.rustc.version()?),
        };
        let version = match (version, &compiler) {
            (Some(v), Some(c)) if !v.matches(c) => {
                return Err(Error::VersionMismatch {
                    url: format!("the compiler '{}'", s.rustc.program().display()),
                    offered: c.identity(),
                    wanted: v.identity(),
                })
            }
            (Some(v), Some(c)) if !v.is_exact() => c.clone(),
            (Some(v), _) => v,
            (None, Some(c)) => c.clone(),
            (None, None) => unreachable!("the compiler is asked when no version is given"),
        };
        if !self.force {
            if let Some(found) = self.installed(&s, &dest, Some(&version)) {
                return Ok(found);
            }
        }
        dest.clean_leftovers()?;

        let allow_http = match self.allow_http {
            Some(allow) => allow,
            None => env::flag("XOUS_SYSROOT_ALLOW_HTTP")?.unwrap_or(false),
        };
        let transport = Transport::new(
            self.timeout,
            self.retries,
            allow_http,
            self.progress.clone(),
        )
        .with_low_speed(self.low_speed);
        let cache = DownloadCache::new(s.cache_dir.join("downloads"));
        let index = CacheIndex::new(&s.cache_dir, &self.target);
        let mut attempts: Vec<(String, Error)> = Vec::new();
        let sources: Vec<&Source> = s
            .sources
            .iter()
            .filter(|source| !(s.offline && source.is_remote()))
            .collect();
        for (i, &source) in sources.iter().enumerate() {
            // After this source fails, if it could not be asked at all: say what comes next.
            let fall_through = |attempts: &[(String, Error)]| {
                let (Some(next), Some((_, e))) = (sources.get(i + 1), attempts.last()) else {
                    return;
                };
                if could_not_ask(e) {
                    report(
                        &self.progress,
                        Progress::FallingThrough {
                            source: source.to_string(),
                            error: e.to_string(),
                            next: next.to_string(),
                        },
                    );
                }
            };
            report(
                &self.progress,
                Progress::Resolving {
                    source: source.to_string(),
                },
            );
            let offers = match source {
                Source::Cache => index
                    .lookup(&version)
                    .into_iter()
                    .filter(|e| cache.get(&e.sha256).is_some())
                    .map(|e| Offer {
                        archive: crate::manifest::Archive {
                            url: e.url,
                            sha256: e.sha256,
                            format: e.format,
                        },
                        rustc: e.rustc,
                    })
                    .collect(),
                #[cfg(feature = "build")]
                Source::RustSrc { profile } => {
                    let build = crate::from_source::LocalBuild {
                        rustc: &s.rustc,
                        version: &version,
                        target: &self.target,
                        cache_dir: &s.cache_dir,
                        profile: *profile,
                        offline: s.offline,
                        progress: &self.progress,
                    };
                    match build.offer() {
                        Ok(offer) => vec![offer],
                        Err(e) => {
                            attempts.push((source.to_string(), e));
                            fall_through(&attempts);
                            continue;
                        }
                    }
                }
                _ => match resolve(
                    source,
                    &transport,
                    &version,
                    &self.target,
                    s.pin_sha256.as_deref(),
                ) {
                    Ok(offers) => offers,
                    // Bytes that fail verification are not a missing source: stop.
                    Err(e) if e.discredits_source() => return Err(e),
                    Err(e) => {
                        attempts.push((source.to_string(), e));
                        fall_through(&attempts);
                        continue;
                    }
                },
            };
            let tried = attempts.len();
            for offer in offers {
                let result = transport.with_retries(|| {
                    self.attempt(
                        &s,
                        &dest,
                        &transport,
                        &cache,
                        &offer,
                        &version,
                        compiler.as_ref(),
                    )
                });
                match result {
                    Ok(stamp) => {
                        index.record(CacheEntry {
                            rustc: offer.rustc.clone(),
                            url: offer.archive.url.clone(),
                            sha256: offer.archive.sha256.clone(),
                            format: offer.archive.format,
                        })?;
                        return Ok(Sysroot {
                            path: dest.root.clone(),
                            target: self.target.clone(),
                            mode: s.mode,
                            rustc: stamp.rustc,
                            source: stamp.source,
                            status: InstallStatus::Installed,
                            toolchain: None,
                        });
                    }
                    // Bytes the source vouched for that fail verification (a mismatch twice, a
                    // refused archive) are evidence against it, not a missing source; a local
                    // failure (disk full, permissions) would fail every source: stop. The bad
                    // file has already been removed from the cache.
                    Err(e) if e.discredits_source() || matches!(e, Error::Io { .. }) => {
                        return Err(e)
                    }
                    Err(e) => attempts.push((source.to_string(), e)),
                }
            }
            if attempts.len() > tried {
                fall_through(&attempts);
            }
        }
        if s.offline && attempts.is_empty() {
            return Err(Error::NotCached {
                version: version.identity(),
                target: self.target.clone(),
                cache: s.cache_dir.clone(),
            });
        }
        if attempts.len() == 1 {
            return Err(attempts.pop().expect("one attempt").1);
        }
        Err(Error::NotAvailable {
            version: version.identity(),
            target: self.target.clone(),
            attempts: attempts
                .into_iter()
                .map(|(s, e)| (s, e.to_string()))
                .collect(),
        })
    }

    /// Takes the lock at `path`, reporting a wait.
    fn lock(&self, path: &Path) -> Result<FileLock> {
        FileLock::exclusive(path, || {
            report(
                &self.progress,
                Progress::WaitingForLock {
                    path: path.display().to_string(),
                },
            )
        })
    }

    /// What is installed where this installer would install, without changing anything.
    pub fn status(&self) -> Result<(Sysroot, Option<Stamp>)> {
        let s = self.settings()?;
        let dest = self.destination(&s, s.version.as_ref())?;
        let stamp = dest.stamp();
        let sysroot = Sysroot {
            path: dest.root.clone(),
            target: self.target.clone(),
            mode: s.mode,
            rustc: stamp
                .as_ref()
                .map(|st| st.rustc.clone())
                .unwrap_or_default(),
            source: stamp
                .as_ref()
                .map(|st| st.source.clone())
                .unwrap_or_default(),
            status: InstallStatus::AlreadyInstalled,
            toolchain: None,
        };
        let sysroot = self.with_linked_name(&s, sysroot);
        Ok((sysroot, stamp))
    }

    /// Rehashes every installed file against the stamp.
    pub fn verify(&self) -> Result<Sysroot> {
        let (sysroot, stamp) = self.status()?;
        let stamp = stamp.ok_or_else(|| Error::NotInstalled {
            path: sysroot.target_dir(),
        })?;
        let problems = stamp.verify(&sysroot.target_dir());
        if problems.is_empty() {
            Ok(sysroot)
        } else {
            Err(Error::Damaged {
                path: sysroot.target_dir(),
                problems,
            })
        }
    }

    /// Removes the install (only one of ours, unless [`Installer::force`]); returns whether
    /// anything was removed.
    /// In linked mode: the whole toolchain directory, after unlinking it from rustup.
    pub fn uninstall(&self) -> Result<bool> {
        let s = self.settings()?;
        if s.mode == Mode::Linked {
            return self.uninstall_linked(&s);
        }
        let dest = self.destination(&s, s.version.as_ref())?;
        let lock_path = lock_path(&s, &dest);
        let _lock = FileLock::exclusive(&lock_path, || {})?;
        dest.clean_leftovers()?;
        dest.uninstall(self.force)
    }

    /// The private sysroots, linked toolchains and cached archives under the cache directory.
    pub fn list(&self) -> Result<Listing> {
        let s = self.settings()?;
        let mut private = Vec::new();
        if let Ok(entries) = std::fs::read_dir(s.cache_dir.join("sysroots")) {
            for entry in entries.flatten() {
                let dest = Destination {
                    root: entry.path(),
                    target: self.target.clone(),
                };
                if let Some(stamp) = dest.stamp() {
                    private.push((entry.path(), stamp));
                }
            }
        }
        private.sort_by(|a, b| a.0.cmp(&b.0));
        let cache = DownloadCache::new(s.cache_dir.join("downloads"));
        let cached = CacheIndex::new(&s.cache_dir, &self.target)
            .entries()
            .into_iter()
            .filter(|e| cache.get(&e.sha256).is_some())
            .collect();
        let linked = self.linked_list(&s);
        Ok(Listing {
            private,
            linked,
            cached,
        })
    }
}

/// What [`Installer::list`] found.
#[derive(Debug, Clone)]
pub struct Listing {
    /// Private sysroots holding the target, with their stamps.
    pub private: Vec<(PathBuf, Stamp)>,
    /// Linked toolchains, with what rustup and the base say about them.
    pub linked: Vec<LinkedToolchain>,
    /// Verified archives in the cache.
    pub cached: Vec<CacheEntry>,
}

/// Whether a source failed without answering (unreachable, the network, a rate limit), as
/// opposed to answering that it has no such libstd: only the former is worth a notice.
fn could_not_ask(e: &Error) -> bool {
    matches!(e, Error::Unreachable { .. } | Error::RateLimited { .. })
        || crate::download::is_transient(e)
}

/// The lock that serializes installs into one destination, kept in the cache directory so
/// that nothing extra is written into directories rustup owns.
fn lock_path(s: &Settings, dest: &Destination) -> PathBuf {
    let key = sha256_bytes(dest.target_dir().to_string_lossy().as_bytes());
    s.cache_dir
        .join("locks")
        .join(format!("{}.lock", &key[..16]))
}

/// The compiler binary's fingerprint in a sysroot (`bin/rustc`).
fn compiler_fingerprint(sysroot: &Path) -> Option<Fingerprint> {
    let exe = if cfg!(windows) { "rustc.exe" } else { "rustc" };
    Fingerprint::of(&sysroot.join("bin").join(exe))
}

/// `XOUS_SYSROOT_CACHE_DIR`, else the platform's per-user cache directory + `xous-sysroot`.
pub fn default_cache_dir() -> Result<PathBuf> {
    if let Some(dir) = env::var_os("XOUS_SYSROOT_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let base = if cfg!(windows) {
        env::var_os("LOCALAPPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        env::var_os("HOME").map(|h| PathBuf::from(h).join("Library").join("Caches"))
    } else {
        env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
    };
    base.map(|b| b.join("xous-sysroot"))
        .ok_or_else(|| Error::Io {
            action: "find a cache directory (set XOUS_SYSROOT_CACHE_DIR) for",
            path: PathBuf::from("xous-sysroot"),
            error: std::io::Error::from(std::io::ErrorKind::NotFound),
        })
}
