//! Writing a dist root in rustup's layout: `dist/<date>/rust-std-<version>-<target>.tar.xz`
//! (and `.tar.gz`), `dist/channel-rust-<release>.toml` and its `.sha256`. The producer publishes
//! with it and the tests build their fixtures with it, so reader and writer share one format.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::component::ComponentLayout;
use crate::error::{IoContext, Result};
use crate::hash::HashingWriter;
use crate::manifest::{sha256_file, Manifest, TargetedPackage};
use crate::source::UPSTREAM_DIST_SERVER;

/// A dist root directory.
#[derive(Debug, Clone)]
pub struct DistRoot {
    root: PathBuf,
}

/// What [`DistRoot::add_rust_std`] wrote.
#[derive(Debug, Clone)]
pub struct Published {
    /// The channel manifest.
    pub manifest: PathBuf,
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

    /// Writes the manifest and its `.sha256` (each through a temporary file and a rename).
    pub fn write_manifest(&self, release: &str, manifest: &Manifest) -> Result<PathBuf> {
        let path = self.manifest_path(release);
        let text = manifest.stringify();
        let name = Manifest::file_name(release);
        write_atomic(&path, text.as_bytes())?;
        let sha = crate::hash::sha256_bytes(text.as_bytes());
        write_atomic(
            &path.with_file_name(format!("{name}.sha256")),
            sha256_file(&sha, &name).as_bytes(),
        )?;
        Ok(path)
    }

    /// Packages `std.files` as a component, writes it under `dist/<date>/`, and adds it to the
    /// release's manifest (creating it if needed). Archive URLs are written under the official
    /// server's prefix, which rustup and this crate rewrite to whatever dist server is in use,
    /// so the same dist root works from any address.
    pub fn add_rust_std(&self, std: &RustStd) -> Result<Published> {
        let layout = ComponentLayout::new(std.release, std.target);
        let dir = self.root.join("dist").join(std.date);
        fs::create_dir_all(&dir).ctx("create directory", &dir)?;
        let url = |name: &str| format!("{UPSTREAM_DIST_SERVER}/dist/{}/{name}", std.date);

        let xz_name = layout.archive_name("tar.xz");
        let xz_path = dir.join(&xz_name);
        let xz_sha = write_hashed(&xz_path, |w| layout.write_tar_xz(std.files, w))?;
        let mut build = TargetedPackage {
            available: true,
            xz_url: Some(url(&xz_name)),
            xz_hash: Some(xz_sha.clone()),
            ..Default::default()
        };
        let gz = if std.gz {
            let gz_name = layout.archive_name("tar.gz");
            let gz_path = dir.join(&gz_name);
            let gz_sha = write_hashed(&gz_path, |w| {
                // mtime 0 and no file name in the gzip header, so the bytes are reproducible.
                let mut enc = flate2::GzBuilder::new()
                    .mtime(0)
                    .write(w, flate2::Compression::best());
                layout.write_tar(std.files, &mut enc)?;
                enc.finish().ctx("finish gzip stream", &gz_name)?;
                Ok(())
            })?;
            build.url = Some(url(&gz_name));
            build.hash = Some(gz_sha.clone());
            Some((gz_path, gz_sha))
        } else {
            None
        };
        for (path, sha) in
            std::iter::once((&xz_path, &xz_sha)).chain(gz.as_ref().map(|(p, s)| (p, s)))
        {
            let name = path
                .file_name()
                .expect("archive has a name")
                .to_string_lossy()
                .into_owned();
            write_atomic(
                &path.with_file_name(format!("{name}.sha256")),
                sha256_file(sha, &name).as_bytes(),
            )?;
        }

        let mut manifest = self
            .read_manifest(std.release)?
            .unwrap_or_else(|| Manifest::new(std.date));
        manifest.add_rust_std(std.target, std.rustc, build);
        if let Some(package) = manifest.pkg.get_mut(crate::manifest::RUST_STD) {
            if package.git_commit_hash.is_none() {
                package.git_commit_hash = std.commit_hash.map(str::to_string);
            }
        }
        let manifest_path = self.write_manifest(std.release, &manifest)?;
        Ok(Published {
            manifest: manifest_path,
            xz: (xz_path, xz_sha),
            gz,
        })
    }
}

/// Writes a file through `write` into a temporary sibling, hashing it, then renames it into place.
fn write_hashed(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<String> {
    let tmp = path.with_extension("partial");
    let file = fs::File::create(&tmp).ctx("create", &tmp)?;
    let mut out = HashingWriter::new(std::io::BufWriter::new(file));
    write(&mut out)?;
    out.flush().ctx("write", &tmp)?;
    let sha = out.digest();
    fs::rename(&tmp, path).ctx("rename into place", path)?;
    Ok(sha)
}

/// Writes `bytes` to `path` through a temporary sibling and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).ctx("create directory", dir)?;
    }
    let tmp = path.with_extension("tmp-write");
    fs::write(&tmp, bytes).ctx("write", &tmp)?;
    fs::rename(&tmp, path).ctx("rename into place", path)
}
