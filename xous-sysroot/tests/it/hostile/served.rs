//! The corpus served for real: each case published on a 127.0.0.1 server under its own SHA-256
//! (a dist server's manifest for tarballs, a release API for zips), with later sources behind
//! it whose use is observable, then installed by the library or by the `xous-sysroot` CLI.

use std::path::{Path, PathBuf};

use xous_sysroot::producer::{release_zip_name, DistRoot, Manifest, UPSTREAM_DIST_SERVER};
use xous_sysroot::{Installer, Rustc, Source};

use super::{Case, Packing, LIMITS, T};
use crate::support::server::TestServer;
use crate::support::{changes, installer, snapshot, synthetic_dist, RUSTC, TARGET};

/// The sources after the one serving a case, each recording whether it was asked: a GitHub
/// release API answering 404 to everything (after a dist server), and a build from rust-src
/// whose rustc is a stand-in script that appends a line to a log each time it runs (and then
/// fails). Both are asked when the serving source falls through (see the controls in
/// `hostile.rs`), and neither may be when it stops the install.
pub struct Later {
    _dir: tempfile::TempDir,
    github: TestServer,
    rustc: PathBuf,
    runs: PathBuf,
}

impl Later {
    /// The GitHub stand-in and the recording rustc, in a directory of their own.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let github = TestServer::start(dir.path().join("github"));
        let runs = dir.path().join("rustc-runs.log");
        let rustc = dir.path().join("rustc");
        std::fs::write(
            &rustc,
            format!("#!/bin/sh\necho \"$*\" >> '{}'\nexit 1\n", runs.display()),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&rustc, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        Later {
            _dir: dir,
            github,
            rustc,
            runs,
        }
    }

    /// `first`, then the later sources that follow it in the default order.
    pub fn sources(&self, first: Source) -> Vec<Source> {
        let mut sources = vec![first.clone()];
        if matches!(first, Source::DistServer(_)) {
            sources.push(self.github());
        }
        #[cfg(feature = "build")]
        sources.push(Source::RustSrc {
            profile: xous_sysroot::build::Profile::Official,
        });
        sources
    }

    /// The GitHub release source that answers 404.
    pub fn github(&self) -> Source {
        Source::GithubReleases {
            api: self.github.url(),
            repo: "o/r".into(),
        }
    }

    /// The stand-in rustc (what a build from rust-src would run first).
    pub fn rustc(&self) -> &Path {
        &self.rustc
    }

    /// How often each later source has been asked so far: requests to the GitHub stand-in,
    /// runs of the stand-in rustc.
    pub fn asked(&self) -> (usize, usize) {
        let runs = std::fs::read_to_string(&self.runs).unwrap_or_default();
        (self.github.requests("").len(), runs.lines().count())
    }
}

/// A case published by [`Served::publish`].
pub struct Published {
    /// The archive's URL, as the error must name it.
    pub url: String,
    /// The source serving it.
    pub source: Source,
}

/// A dist root with a good libstd on a real server, whose manifest (or release listing) is
/// rewritten to point at each case in turn.
pub struct Served {
    /// Holds the dist root and the caches.
    pub tmp: tempfile::TempDir,
    root: DistRoot,
    manifest: Manifest,
    /// The server.
    pub server: TestServer,
    /// The later sources.
    pub later: Later,
}

impl Served {
    /// Publishes the good libstd.
    pub fn start() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let (root, _) = synthetic_dist(tmp.path(), RUSTC, TARGET, 1000, false);
        let server = TestServer::start(root.path());
        let manifest = root.read_manifest("1.96.0").unwrap().unwrap();
        Served {
            tmp,
            root,
            manifest,
            server,
            later: Later::start(),
        }
    }

    /// Serves `case` under its own SHA-256 (or a wrong one, for the wrong-hash case).
    pub fn publish(&self, case: &Case) -> Published {
        let sha = xous_sysroot::util::sha256_bytes(&case.bytes);
        let sha = if case.wrong_hash { "0".repeat(64) } else { sha };
        let root = self.root.path();
        match case.packing {
            Packing::Zip => {
                let name = release_zip_name(T, "1.96.0");
                write(&root.join("download").join(&name), &case.bytes);
                let url = format!("{}/download/{name}", self.server.url());
                let releases = format!(
                    r#"[{{"tag_name":"1.96.0","assets":[{{"name":"{name}","state":"uploaded","browser_download_url":"{url}","digest":"sha256:{sha}"}}]}}]"#,
                );
                write(&root.join("repos/o/r/releases"), releases.as_bytes());
                Published {
                    url,
                    source: Source::GithubReleases {
                        api: self.server.url(),
                        repo: "o/r".into(),
                    },
                }
            }
            packing => {
                write(&root.join("dist/hostile").join(case.file), &case.bytes);
                let path = format!("/dist/hostile/{}", case.file);
                let url = Some(format!("{UPSTREAM_DIST_SERVER}{path}"));
                let mut m = self.manifest.clone();
                let build = m
                    .pkg
                    .get_mut("rust-std")
                    .unwrap()
                    .target
                    .get_mut(T)
                    .unwrap();
                (build.url, build.hash, build.xz_url, build.xz_hash) = if packing == Packing::TarGz
                {
                    (url, Some(sha), None, None)
                } else {
                    (None, None, url, Some(sha))
                };
                self.root.write_manifest("1.96.0", &m).unwrap();
                Published {
                    url: format!("{}{path}", self.server.url()),
                    source: Source::DistServer(self.server.url()),
                }
            }
        }
    }

    /// An installer for `source` followed by the later sources, into `cache`.
    pub fn installer(&self, source: Source, cache: &Path) -> Installer {
        let mut i = installer(&self.server.url(), cache);
        i.force(true)
            .limits(LIMITS)
            .rustc(Rustc::new(self.later.rustc()))
            .sources(self.later.sources(source));
        i
    }

    /// `xous-sysroot install` for `source` followed by the later sources (as the CLI orders
    /// them: a build from rust-src on), into `cache`. The zip caps are the CLI's own.
    #[cfg(feature = "cli")]
    pub fn cli(&self, source: &Source, cache: &Path) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_xous-sysroot"));
        cmd.args([
            "install",
            RUSTC,
            "--no-smoke-test",
            "--retries",
            "0",
            "--force",
        ])
        .arg("--cache-dir")
        .arg(cache)
        .arg("--rustc")
        .arg(self.later.rustc())
        .env("XOUS_SYSROOT_BUILD_FROM_SOURCE", "1")
        .env_remove("XOUS_SYSROOT_DIST_SERVER")
        .env_remove("XOUS_SYSROOT_OFFLINE")
        .env_remove("CARGO_NET_OFFLINE")
        .env_remove("XOUS_SYSROOT_MODE")
        .env_remove("XOUS_SYSROOT_PIN_SHA256")
        .env("XOUS_SYSROOT_GITHUB_REPO", "o/r");
        match source {
            Source::DistServer(url) => {
                cmd.args(["--dist-server", url])
                    .env("XOUS_SYSROOT_GITHUB_API", self.later.github.url());
            }
            Source::GithubReleases { api, .. } => {
                cmd.env("XOUS_SYSROOT_GITHUB_API", api);
            }
            other => panic!("not a served source: {other}"),
        }
        cmd
    }
}

/// What one case did.
pub struct Outcome {
    /// The case's file.
    pub file: &'static str,
    /// The archive's URL.
    pub url: String,
    /// The error, or `None` if the install went through.
    pub error: Option<String>,
    /// Paths changed anywhere under the test's directory (lock files apart).
    pub changed: Vec<PathBuf>,
    /// Bytes of those paths.
    pub changed_bytes: u64,
    /// Whether the good install still verifies afterwards.
    pub previous_intact: bool,
    /// Requests to the later GitHub source and runs of the later build's rustc it caused.
    pub later_asked: (usize, usize),
}

fn is_lock(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "lock")
}

/// Installs a good libstd, then tries to install every case over it with the library, each
/// served from a real server on 127.0.0.1 with later sources behind it, snapshotting the whole
/// tree before and after each attempt.
pub fn through_the_installer(cases: &[Case]) -> Vec<Outcome> {
    let s = Served::start();
    let cache = s.tmp.path().join("cache");
    let good = installer(&s.server.url(), &cache);
    good.install().unwrap();
    cases
        .iter()
        .map(|case| {
            let published = s.publish(case);
            let i = s.installer(published.source, &cache);
            let before = snapshot(s.tmp.path());
            let asked = s.later.asked();
            let error = i.install().err().map(|e| e.to_string());
            let (changed, changed_bytes) = changes(&before, &snapshot(s.tmp.path()), is_lock);
            let now = s.later.asked();
            Outcome {
                file: case.file,
                url: published.url,
                error,
                changed,
                changed_bytes,
                previous_intact: good.verify().is_ok(),
                later_asked: (now.0 - asked.0, now.1 - asked.1),
            }
        })
        .collect()
}

/// Every case through `xous-sysroot install`, into a cache of its own (no install in it, so
/// that the cache source has nothing to offer); the error is the CLI's stderr. The directories
/// the first run creates in that cache (`downloads`, `sysroots/<rustc>/lib/rustlib`) are not
/// counted as changes: every file is.
#[cfg(feature = "cli")]
pub fn through_the_cli(cases: &[Case]) -> Vec<Outcome> {
    let s = Served::start();
    let cache = s.tmp.path().join("cli-cache");
    cases
        .iter()
        .map(|case| {
            let published = s.publish(case);
            let before = snapshot(s.tmp.path());
            let asked = s.later.asked();
            let out = s.cli(&published.source, &cache).output().unwrap();
            let (changed, changed_bytes) = changes(&before, &snapshot(s.tmp.path()), |p| {
                is_lock(p) || p.is_dir()
            });
            let now = s.later.asked();
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            Outcome {
                file: case.file,
                url: published.url,
                error: (!out.status.success()).then_some(stderr),
                changed,
                changed_bytes,
                previous_intact: true,
                later_asked: (now.0 - asked.0, now.1 - asked.1),
            }
        })
        .collect()
}

/// Writes `bytes` to `path`, creating its directory.
pub fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}
