//! The stand-in for GitHub the tests of `github.rs` run against: the release listing with the
//! real field set (pages, rebuilds, drafts, prereleases, an asset still uploading, a
//! digest-less asset), the asset host downloads are redirected to, zips made by Info-ZIP as
//! the fork's workflow makes them, and what xous-core's xtask checks.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use xous_sysroot::producer::release_zip_name;
use xous_sysroot::util::sha256_file;

use xous_sysroot::{Installer, Source};

use crate::support::server::{Fault, TestServer};
use crate::support::{synthetic_files, TARGET};

/// The repository the fixtures play.
pub const REPO: &str = "betrusted-io/rust";

/// The release only an older, digest-less asset exists for (on the second page).
pub const OLD: &str = "1.90.0";

/// GitHub's numeric id of the repository (its `Link` headers use `/repositories/<id>/…`).
pub const REPO_ID: u64 = 4_242_424;

/// A stand-in for GitHub with the fork's releases of `release` (and of [`OLD`]).
pub struct Site {
    /// Holds the files both servers serve.
    pub tmp: tempfile::TempDir,
    /// api.github.com, and github.com's download links.
    pub api: TestServer,
    /// The host downloads are redirected to.
    pub assets: TestServer,
    /// SHA-256 of each rebuild's zip, by tag.
    pub sha: std::collections::BTreeMap<String, String>,
}

/// One release of the listing: `(tag, draft, prerelease, asset state, with digest)`.
type Spec<'a> = (&'a str, bool, bool, &'a str, bool);

impl Site {
    /// Page 1 (newest first): rebuild 13 still uploading, 12 a draft, 11 a prerelease, then
    /// the published rebuilds 10 and 9 (string order would take 9). Page 2: `1.95.0.3` and the
    /// digest-less `1.90.0.1`.
    pub fn new(release: &str) -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let api = TestServer::start(tmp.path().join("api"));
        let assets = TestServer::start(tmp.path().join("assets"));
        let mut site = Site {
            tmp,
            api,
            assets,
            sha: Default::default(),
        };
        let t = |n: u32| format!("{release}.{n}");
        let (t13, t12, t11, t10, t9) = (t(13), t(12), t(11), t(10), t(9));
        let page1: Vec<Spec> = vec![
            (t13.as_str(), false, false, "starter", false),
            (t12.as_str(), true, false, "uploaded", true),
            (t11.as_str(), false, true, "uploaded", true),
            (t10.as_str(), false, false, "uploaded", true),
            (t9.as_str(), false, false, "uploaded", true),
        ];
        let page2: Vec<Spec> = vec![
            ("1.95.0.3", false, false, "uploaded", true),
            ("1.90.0.1", false, false, "uploaded", false),
        ];
        let next = format!(
            "{}/repositories/{REPO_ID}/releases?per_page=100&page=2",
            site.api.url()
        );
        let first = format!("/repos/{REPO}/releases");
        let page1 = site.listing(&page1, 100);
        site.write_api(&first, &page1);
        site.api.response_headers(
            &format!("{first}?per_page=100"),
            vec![(
                "Link".into(),
                format!(r#"<{next}>; rel="next", <{next}>; rel="last""#),
            )],
        );
        let page2 = site.listing(&page2, 200);
        let second = format!("/repositories/{REPO_ID}/releases?per_page=100&page=2");
        site.write_api(&second, &page2);
        let prev = format!("{}{first}?per_page=100", site.api.url());
        site.api.response_headers(
            &second,
            vec![(
                "Link".into(),
                format!(r#"<{prev}>; rel="prev", <{prev}>; rel="first""#),
            )],
        );
        site
    }

    /// Writes a page of the listing under the API host's root at `target` (path and query).
    pub fn write_api(&self, target: &str, releases: &Value) {
        let path = self
            .tmp
            .path()
            .join("api")
            .join(target.trim_start_matches('/'));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, serde_json::to_vec_pretty(releases).unwrap()).unwrap();
    }

    /// The listing of `specs` as the API returns it; each uploaded asset's zip is made, put on
    /// the asset host, and its download link on the API host redirects there.
    fn listing(&mut self, specs: &[Spec], first_id: u64) -> Value {
        let mut releases = Vec::new();
        for (i, (tag, draft, prerelease, state, with_digest)) in specs.iter().enumerate() {
            let id = first_id + i as u64;
            let version = tag.splitn(4, '.').take(3).collect::<Vec<_>>().join(".");
            let name = release_zip_name(TARGET, &version);
            let created = format!("2026-05-{:02}T10:00:00Z", 28 - i);
            let (size, digest) = if *state == "uploaded" {
                let zip = info_zip(&self.tmp.path().join("build").join(tag), &version, tag);
                let sha = sha256_file(&zip).unwrap();
                let served = self
                    .tmp
                    .path()
                    .join("assets/release-assets")
                    .join(id.to_string());
                std::fs::create_dir_all(&served).unwrap();
                std::fs::copy(&zip, served.join(&name)).unwrap();
                self.sha.insert(tag.to_string(), sha.clone());
                let size = std::fs::metadata(&zip).unwrap().len();
                (size, with_digest.then(|| format!("sha256:{sha}")))
            } else {
                (0, None)
            };
            let download = format!("/{REPO}/releases/download/{tag}/{name}");
            self.api.fault_always(
                &download,
                Fault::Redirect(format!(
                    "{}/release-assets/{id}/{name}?sp=r&sv=2018-11-09&sig=c2lnbmF0dXJl",
                    self.assets.url()
                )),
            );
            releases.push(json!({
                "url": format!("{}/repos/{REPO}/releases/{id}", self.api.url()),
                "id": id,
                "tag_name": tag,
                "target_commitish": format!("{version}-xous"),
                "name": tag,
                "draft": draft,
                "prerelease": prerelease,
                "created_at": created,
                "published_at": if *draft { Value::Null } else { json!(created) },
                "assets": [{
                    "url": format!("{}/repos/{REPO}/releases/assets/{}", self.api.url(), id * 10),
                    "id": id * 10,
                    "name": name,
                    "label": "",
                    "content_type": "application/zip",
                    "state": state,
                    "size": size,
                    "digest": digest,
                    "download_count": 3,
                    "created_at": created,
                    "updated_at": created,
                    "browser_download_url": format!("{}{download}", self.api.url()),
                }],
            }));
        }
        Value::Array(releases)
    }

    /// The GitHub source of this site.
    pub fn source(&self) -> Source {
        Source::GithubReleases {
            api: self.api.url(),
            repo: REPO.into(),
        }
    }

    /// A quiet installer for `release` from this site only, private mode, in `cache`.
    pub fn installer(&self, release: &str, cache: &Path) -> Installer {
        let mut i = Installer::new();
        i.version_str(release)
            .unwrap()
            .sources(vec![self.source()])
            .cache_dir(cache)
            .smoke_test(false)
            .retries(0)
            .timeout(std::time::Duration::from_secs(5));
        i
    }
}

/// A release zip made as the fork's workflow makes it: the rlibs and `RUST_VERSION`
/// (`rustc --version | awk '{print $2}'`, so the release and a newline) under
/// `<sysroot>/lib/rustlib/<target>/`, then, from the sysroot,
/// `zip -r riscv32imac-unknown-xous_X.Y.Z.zip lib/rustlib/riscv32imac-unknown-xous-elf/`.
/// `marker` becomes the content of `lib/libmarker.rlib`, to tell rebuilds apart.
pub fn info_zip(sysroot: &Path, release: &str, marker: &str) -> PathBuf {
    let dir = synthetic_files(sysroot, TARGET, 2000);
    std::fs::write(dir.join("lib/libmarker.rlib"), marker).unwrap();
    std::fs::write(dir.join("RUST_VERSION"), format!("{release}\n")).unwrap();
    let name = release_zip_name(TARGET, release);
    let out = Command::new("zip")
        .args(["-r", &name, &format!("lib/rustlib/{TARGET}/")])
        .current_dir(sysroot)
        .output()
        .expect("Info-ZIP's `zip` is needed for these fixtures (Debian: apt-get install zip)");
    assert!(
        out.status.success(),
        "zip failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    sysroot.join(name)
}

/// What xous-core's `cargo xtask` checks before every build (see DESIGN.md): the
/// `RUST_VERSION` beside the rlibs holds the semver of `rustc --version`. True: it keeps the
/// install; false: it would download and unzip the release over it.
pub fn xtask_accepts(sysroot: &Path, rustc: &Path) -> bool {
    let file = sysroot
        .join("lib/rustlib")
        .join(TARGET)
        .join("RUST_VERSION");
    let Ok(recorded) = std::fs::read_to_string(file) else {
        return false;
    };
    let out = Command::new(rustc).arg("--version").output().unwrap();
    let line = String::from_utf8(out.stdout).unwrap();
    let semver = line.split_whitespace().nth(1).unwrap_or_default();
    let parse = |v: &str| -> Option<Vec<u64>> { v.split('.').map(|p| p.parse().ok()).collect() };
    parse(recorded.trim()).is_some_and(|r| r.len() == 3 && Some(r) == parse(semver))
}
