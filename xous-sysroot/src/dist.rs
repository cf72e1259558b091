//! Writing a dist root in rustup's layout: `dist/<date>/rust-std-<version>-<target>.tar.xz`
//! (and `.tar.gz`), the channel manifest at its channel's paths
//! (`dist/channel-rust-<release>.toml` for stable, dated for nightly and beta: see
//! [`layout`](crate::producer::layout)) with its `.sha256`, the by-commit index, and
//! optionally the legacy release zip; plus fetching a channel manifest checked against its
//! `.sha256`. The producer publishes with it and the tests build their fixtures with it, so
//! reader and writer share one format.

use std::fs;
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::atomic::{write_atomic, write_atomic_with};
use crate::component::ComponentLayout;
use crate::error::{IoContext, Result};
use crate::hash::HashingWriter;
use crate::manifest::layout::{self, CommitIndex};
use crate::manifest::{sha256_file_contents, Manifest, TargetedPackage};
use crate::source::{release_zip_name, UPSTREAM_DIST_SERVER};
use crate::version::RustcVersion;

/// A dist root directory.
#[derive(Debug, Clone)]
pub struct DistRoot {
    root: PathBuf,
}

/// What [`DistRoot::add_rust_std`] wrote.
#[derive(Debug, Clone)]
pub struct Published {
    /// The channel manifest (the main path of its channel, see
    /// [`published_paths`](crate::producer::layout::published_paths)).
    pub manifest: PathBuf,
    /// Every path the manifest was written at, the main one first.
    pub manifests: Vec<PathBuf>,
    /// The `.tar.xz` and its SHA-256.
    pub xz: (PathBuf, String),
    /// The `.tar.gz` and its SHA-256, when written.
    pub gz: Option<(PathBuf, String)>,
}

/// One `rust-std` to publish.
#[derive(Debug, Clone)]
pub struct RustStd<'a> {
    /// The release, e.g. `1.96.0` (names the manifest and archives).
    pub release: &'a str,
    /// The identity of the rustc that built it: `1.96.0 (ac68faa20 2026-05-25)`.
    pub rustc: &'a str,
    /// The full commit hash, when known.
    pub commit_hash: Option<&'a str>,
    /// The dist date, `YYYY-MM-DD`.
    pub date: &'a str,
    /// The target triple.
    pub target: &'a str,
    /// The `lib/rustlib/<target>` directory to package.
    pub files: &'a Path,
    /// Also write a `.tar.gz`.
    pub gz: bool,
}

impl DistRoot {
    /// The dist root at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DistRoot { root: root.into() }
    }

    /// The root directory.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// `<root>/dist/channel-rust-<release>.toml`.
    pub fn manifest_path(&self, release: &str) -> PathBuf {
        self.root.join("dist").join(Manifest::file_name(release))
    }

    /// Reads the release's manifest, if there is one.
    pub fn read_manifest(&self, release: &str) -> Result<Option<Manifest>> {
        let path = self.manifest_path(release);
        match fs::read_to_string(&path) {
            Ok(text) => Manifest::parse(&text, &path.display().to_string()).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).ctx("read", path),
        }
    }

    /// Writes the manifest and its `.sha256` (each atomically) at
    /// `dist/channel-rust-<release>.toml`, stable's only path (see [`DistRoot::publish_manifest`]
    /// for every channel).
    pub fn write_manifest(&self, release: &str, manifest: &Manifest) -> Result<PathBuf> {
        let path = self.manifest_path(release);
        write_manifest_file(&path, manifest)?;
        Ok(path)
    }

    /// `<root>/<rel>` for a `/`-separated path relative to the root, as
    /// [`layout`](crate::producer::layout) gives them.
    pub fn join(&self, rel: &str) -> PathBuf {
        rel.split('/')
            .fold(self.root.clone(), |path, part| path.join(part))
    }

    /// Reads the manifest at `rel` (relative to the root), if there is one.
    pub fn read_manifest_at(&self, rel: &str) -> Result<Option<Manifest>> {
        let path = self.join(rel);
        match fs::read_to_string(&path) {
            Ok(text) => Manifest::parse(&text, &path.display().to_string()).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).ctx("read", path),
        }
    }

    /// Publishes `manifest`, the channel manifest of `rustc` dated `date`, at every path its
    /// channel has in rustup's layout
    /// ([`published_paths`](crate::producer::layout::published_paths)), each with its
    /// `.sha256`, and, when the commit hash is known, writes the by-commit index entry naming
    /// the main path. Returns the paths written, the main one first.
    pub fn publish_manifest(
        &self,
        rustc: &RustcVersion,
        date: &str,
        manifest: &Manifest,
    ) -> Result<Vec<PathBuf>> {
        let rel = layout::published_paths(rustc, date);
        let mut written = Vec::new();
        for rel in &rel {
            let path = self.join(rel);
            write_manifest_file(&path, manifest)?;
            written.push(path);
        }
        if let Some(hash) = &rustc.commit_hash {
            let entry = CommitIndex {
                rustc: rustc.identity(),
                commit_hash: hash.clone(),
                date: date.to_owned(),
                manifest: rel[0].clone(),
            };
            write_atomic(
                &self.join(&layout::index_path(hash)),
                entry.to_toml().as_bytes(),
            )?;
        }
        Ok(written)
    }

    /// The by-commit index entries of this dist root (none when it has no index).
    pub fn commit_index(&self) -> Result<Vec<CommitIndex>> {
        let dir = self.join(layout::INDEX_DIR);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e).ctx("list", dir),
        };
        let mut found = Vec::new();
        for entry in entries {
            let path = entry.ctx("list", &dir)?.path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = fs::read_to_string(&path).ctx("read", &path)?;
                found.push(CommitIndex::parse(&text, &path.display().to_string())?);
            }
        }
        found.sort_by(|a, b| a.manifest.cmp(&b.manifest));
        Ok(found)
    }

    /// Packages `files` as the component `layout` under `dist/<date>/`: a `.tar.xz`, and a
    /// `.tar.gz` when `gz` is set, each beside its `.sha256`. Returns the manifest entry for it
    /// (URLs under the official server's prefix, see [`DistRoot::add_rust_std`]); no manifest is
    /// written, so this serves any package: `rust-std`, or the stand-in host components of a test
    /// toolchain.
    pub fn add_component(
        &self,
        layout: &ComponentLayout,
        date: &str,
        files: &Path,
        gz: bool,
    ) -> Result<PublishedComponent> {
        let dir = self.root.join("dist").join(date);
        fs::create_dir_all(&dir).ctx("create directory", &dir)?;
        let url = |name: &str| format!("{UPSTREAM_DIST_SERVER}/dist/{date}/{name}");

        let xz_name = layout.archive_name("tar.xz");
        let xz_path = dir.join(&xz_name);
        let xz_sha = write_hashed(&xz_path, |w| layout.write_tar_xz(files, w))?;
        let mut build = TargetedPackage {
            available: true,
            xz_url: Some(url(&xz_name)),
            xz_hash: Some(xz_sha.clone()),
            ..Default::default()
        };
        let gz = if gz {
            let gz_name = layout.archive_name("tar.gz");
            let gz_path = dir.join(&gz_name);
            let gz_sha = write_hashed(&gz_path, |w| {
                // mtime 0 and no file name in the gzip header, so the bytes are reproducible.
                let mut enc = flate2::GzBuilder::new()
                    .mtime(0)
                    .write(w, flate2::Compression::best());
                layout.write_tar(files, &mut enc)?;
                enc.finish().ctx("finish gzip stream", &gz_name)?;
                Ok(())
            })?;
            build.url = Some(url(&gz_name));
            build.hash = Some(gz_sha.clone());
            Some((gz_path, gz_sha))
        } else {
            None
        };
        write_sha256_file(&xz_path, &xz_sha)?;
        if let Some((path, sha)) = &gz {
            write_sha256_file(path, sha)?;
        }
        Ok(PublishedComponent {
            build,
            xz: (xz_path, xz_sha),
            gz,
        })
    }

    /// Packages `std.files` as a component, writes it under `dist/<date>/`, and adds it to the
    /// release's manifest (creating it if needed). Archive URLs are written under the official
    /// server's prefix, which rustup and this crate rewrite to whatever dist server is in use,
    /// so the same dist root works from any address.
    pub fn add_rust_std(&self, std: &RustStd) -> Result<Published> {
        let layout = ComponentLayout::new(std.release, std.target);
        let component = self.add_component(&layout, std.date, std.files, std.gz)?;
        let mut rustc = RustcVersion::parse(std.rustc)?;
        if let Some(hash) = std.commit_hash {
            rustc.commit_hash = Some(hash.to_owned());
        }
        let main = layout::published_paths(&rustc, std.date).remove(0);
        let mut manifest = self
            .read_manifest_at(&main)?
            .unwrap_or_else(|| Manifest::new(std.date));
        manifest.add_rust_std(std.target, std.rustc, component.build);
        if let Some(package) = manifest.pkg.get_mut(crate::manifest::RUST_STD) {
            if package.git_commit_hash.is_none() {
                package.git_commit_hash = std.commit_hash.map(str::to_string);
            }
        }
        let manifests = self.publish_manifest(&rustc, std.date, &manifest)?;
        Ok(Published {
            manifest: manifests[0].clone(),
            manifests,
            xz: component.xz,
            gz: component.gz,
        })
    }

    /// Writes the Xous project's legacy release zip of `std.files` as
    /// `dist/<date>/<target without -elf>_<release>.zip` beside its `.sha256` (see
    /// [`write_release_zip`]) and returns its path and SHA-256. The manifest is not touched.
    pub fn add_release_zip(&self, std: &RustStd) -> Result<(PathBuf, String)> {
        let dir = self.root.join("dist").join(std.date);
        fs::create_dir_all(&dir).ctx("create directory", &dir)?;
        let path = dir.join(release_zip_name(std.target, std.release));
        write_atomic_with(&path, |file, _| {
            write_release_zip(std.files, std.target, std.release, file).map(drop)
        })?;
        let sha = crate::hash::sha256_file(&path)?;
        write_sha256_file(&path, &sha)?;
        Ok((path, sha))
    }
}

/// What [`DistRoot::add_component`] wrote.
#[derive(Debug, Clone)]
pub struct PublishedComponent {
    /// The manifest entry: `available`, `xz_url`/`xz_hash` and, with gzip, `url`/`hash`.
    pub build: TargetedPackage,
    /// The `.tar.xz` and its SHA-256.
    pub xz: (PathBuf, String),
    /// The `.tar.gz` and its SHA-256, when written.
    pub gz: Option<(PathBuf, String)>,
}

/// Writes the Xous project's release zip (what xtask-based workflows unzip into
/// `$(rustc --print sysroot)`): every file under `files` (a `lib/rustlib/<target>` directory) as
/// `lib/rustlib/<target>/...`, plus `lib/rustlib/<target>/RUST_VERSION` holding `release`, where
/// those workflows compare it with the compiler's version. Reproducible: entries sorted, with
/// directory entries, the zip epoch (1980-01-01) as time and fixed permissions.
pub fn write_release_zip<W: Write + Seek>(
    files: &Path,
    target: &str,
    release: &str,
    out: W,
) -> Result<W> {
    use zip::write::SimpleFileOptions;
    enum Entry {
        Dir,
        File(PathBuf),
        Version,
    }
    let origin = release_zip_name(target, release);
    let zip_err = |e: zip::result::ZipError| crate::Error::Io {
        action: "write zip entry of",
        path: PathBuf::from(&origin),
        error: std::io::Error::other(e),
    };
    let prefix = crate::component::target_dir(target);
    let version_file = Path::new("RUST_VERSION");
    let mut entries: Vec<(PathBuf, Entry)> = vec![(prefix.join(version_file), Entry::Version)];
    let mut ancestor = PathBuf::new();
    for part in prefix.components() {
        ancestor.push(part);
        entries.push((ancestor.clone(), Entry::Dir));
    }
    for file in crate::component::list_files(files)? {
        let mut parent = file.parent();
        while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
            entries.push((prefix.join(p), Entry::Dir));
            parent = p.parent();
        }
        if file != version_file {
            entries.push((prefix.join(&file), Entry::File(files.join(&file))));
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.dedup_by(|a, b| a.0 == b.0);

    let options = |mode: u32| {
        SimpleFileOptions::default()
            .last_modified_time(zip::DateTime::default())
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(9))
            .unix_permissions(mode)
    };
    let mut zip = zip::ZipWriter::new(out);
    for (path, entry) in entries {
        let name = crate::component::unix_path(&path);
        match entry {
            Entry::Dir => zip
                .add_directory(format!("{name}/"), options(0o755))
                .map_err(zip_err)?,
            Entry::Version => {
                zip.start_file(name.as_str(), options(0o644))
                    .map_err(zip_err)?;
                zip.write_all(format!("{release}\n").as_bytes())
                    .ctx("write zip entry", &path)?;
            }
            Entry::File(from) => {
                zip.start_file(name.as_str(), options(0o644))
                    .map_err(zip_err)?;
                let mut file = fs::File::open(&from).ctx("open", &from)?;
                std::io::copy(&mut file, &mut zip).ctx("write zip entry", &from)?;
            }
        }
    }
    zip.finish().map_err(zip_err)
}

/// Fetches a channel manifest from `url` (`https://…`, loopback `http://…`, `file://…` or a
/// path) and checks it against `<url>.sha256`, which must exist for HTTP(S) URLs and is checked
/// for files when present. `allow_http` permits plain `http://` to other hosts.
pub fn fetch_manifest(url: &str, allow_http: bool, timeout: Duration) -> Result<Manifest> {
    let transport = crate::download::Transport::new(timeout, 2, allow_http, None);
    let sha_required = matches!(
        crate::download::Location::parse(url, allow_http)?,
        crate::download::Location::Http(_)
    );
    crate::source::fetch_verified_manifest(&transport, url, sha_required)
}

/// Writes `manifest` at `path` and its `.sha256` beside it (each atomically).
fn write_manifest_file(path: &Path, manifest: &Manifest) -> Result<()> {
    let text = manifest.stringify();
    write_atomic(path, text.as_bytes())?;
    write_sha256_file(path, &crate::hash::sha256_bytes(text.as_bytes()))
}

/// Writes a file atomically through `write`, hashing it; returns its SHA-256.
fn write_hashed(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<String> {
    write_atomic_with(path, |file, tmp| {
        let mut out = HashingWriter::new(std::io::BufWriter::new(file));
        write(&mut out)?;
        out.flush().ctx("write", tmp)?;
        Ok(out.digest())
    })
}

/// Writes `<path>.sha256` for the file `path` whose SHA-256 is `sha`.
fn write_sha256_file(path: &Path, sha: &str) -> Result<()> {
    let name = path
        .file_name()
        .expect("a published file has a name")
        .to_string_lossy()
        .into_owned();
    write_atomic(
        &path.with_file_name(format!("{name}.sha256")),
        sha256_file_contents(sha, &name).as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGET: &str = "riscv32imac-unknown-xous-elf";

    fn files(dir: &Path) -> PathBuf {
        let lib = dir.join("lib");
        fs::create_dir_all(&lib).unwrap();
        fs::write(lib.join("libstd-1.rlib"), vec![7u8; 5000]).unwrap();
        fs::write(lib.join("libcore-2.rlib"), b"core").unwrap();
        fs::write(dir.join("build.toml"), b"profile = 1\n").unwrap();
        dir.to_path_buf()
    }

    #[test]
    fn release_zip_is_reproducible_and_unpacks() {
        let tmp = tempfile::tempdir().unwrap();
        let tmp = tmp.path();
        let src = files(&tmp.join("src"));
        let write = || {
            write_release_zip(&src, TARGET, "1.96.0", std::io::Cursor::new(Vec::new()))
                .unwrap()
                .into_inner()
        };
        let bytes = write();
        assert_eq!(bytes, write(), "two writes differ");
        let zip_path = tmp.join("x.zip");
        fs::write(&zip_path, &bytes).unwrap();
        let out = tmp.join("out");
        let extracted = crate::archive::unpack_release_zip(
            &zip_path,
            TARGET,
            &out,
            "x.zip",
            crate::archive::Limits::default(),
        )
        .unwrap();
        let dir = out.join(crate::component::target_dir(TARGET));
        assert_eq!(
            fs::read(dir.join("lib/libstd-1.rlib")).unwrap(),
            vec![7u8; 5000]
        );
        assert_eq!(fs::read(dir.join("build.toml")).unwrap(), b"profile = 1\n");
        // xtask-based workflows read the version beside lib/.
        assert_eq!(
            fs::read_to_string(dir.join("RUST_VERSION")).unwrap(),
            "1.96.0\n"
        );
        assert_eq!(extracted.files.len(), 4);
    }

    #[test]
    fn fetched_manifest_is_checked_against_its_sha256() {
        let tmp = tempfile::tempdir().unwrap();
        let root = DistRoot::new(tmp.path());
        root.write_manifest("1.96.0", &Manifest::new("2026-05-25"))
            .unwrap();
        let path = root.manifest_path("1.96.0").display().to_string();
        let timeout = Duration::from_secs(5);
        assert_eq!(
            fetch_manifest(&path, false, timeout).unwrap().date,
            "2026-05-25"
        );
        // A local file without a .sha256 is read as it is; a wrong one is refused.
        let sha = format!("{path}.sha256");
        fs::remove_file(&sha).unwrap();
        assert!(fetch_manifest(&path, false, timeout).is_ok());
        fs::write(&sha, format!("{}  x\n", "0".repeat(64))).unwrap();
        assert!(matches!(
            fetch_manifest(&path, false, timeout),
            Err(crate::Error::ChecksumMismatch { .. })
        ));
    }
}
