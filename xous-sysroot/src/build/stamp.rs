//! The stamp beside a built libstd ([`STAMP_FILE_NAME`]): a SHA-256 over every input of the
//! build (toolchain, sources' sizes and mtimes, settings, flags), checked before anything is
//! built, and a readable account of the inputs below it.

use std::fs;
use std::path::Path;
use std::time::UNIX_EPOCH;

use sha2::{Digest, Sha256};

use super::plan::Plan;
use super::recipe::CargoRecipe;
use super::{LibstdBuilder, LibstdError, BUILD_INFO_FILE_NAME, STAMP_FILE_NAME};
use crate::hash::hex;

/// Bumped whenever the way libstd is built changes beyond the recipe (which is hashed), so old
/// stamps stop matching.
const BUILD_LOGIC_VERSION: u32 = 3;

/// SHA-256 over every input of the build.
pub(super) fn hash(builder: &LibstdBuilder<'_>, plan: &Plan) -> Result<String, LibstdError> {
    let mut h = Sha256::new();
    let mut field = |key: &str, value: &[u8]| {
        h.update((key.len() as u64).to_le_bytes());
        h.update(key.as_bytes());
        h.update((value.len() as u64).to_le_bytes());
        h.update(value);
    };
    field("logic", &BUILD_LOGIC_VERSION.to_le_bytes());
    field("rustc -vV", plan.rustc.verbose_version.as_bytes());
    field("cargo -V", plan.cargo_version.as_bytes());
    field("target", builder.target.as_bytes());
    if Path::new(&builder.target).is_file() {
        let spec = fs::read(&builder.target)
            .map_err(|e| LibstdError::io("read target spec", &builder.target, e))?;
        field("target json", &spec);
    }
    field("profile", builder.profile.name().as_bytes());
    // Everything cargo is told, so that a change to the recipe needs no logic bump.
    let recipe = CargoRecipe::of(builder.profile, &plan.features, builder.remap_path_prefix);
    field(
        "recipe",
        serde_json::to_string(&recipe)
            .expect("a recipe serializes")
            .as_bytes(),
    );
    field("features", plan.features.join(",").as_bytes());
    field("rustflags", plan.rustflags.join("\u{1f}").as_bytes());
    field(
        "entry",
        plan.src.entry_manifest.as_os_str().as_encoded_bytes(),
    );
    field(
        "vendor",
        plan.vendor_dir
            .as_deref()
            .map(|p| p.as_os_str().as_encoded_bytes())
            .unwrap_or(b"<registry>"),
    );
    field(
        "cc",
        plan.c_compiler
            .as_deref()
            .map(|p| p.as_os_str().as_encoded_bytes())
            .unwrap_or(b"<none>"),
    );
    field(
        "compiler-rt",
        plan.compiler_rt_root
            .as_deref()
            .map(|p| p.as_os_str().as_encoded_bytes())
            .unwrap_or(b"<none>"),
    );
    let lock = plan.src.library.join("Cargo.lock");
    let lock_bytes = fs::read(&lock).unwrap_or_default();
    field("Cargo.lock", &lock_bytes);
    let mut listing = Vec::new();
    hash_tree(&plan.src.library, &plan.src.library, &mut listing)?;
    if let Some(rt) = &plan.compiler_rt_root {
        hash_tree(&rt.join("lib/builtins"), rt, &mut listing)?;
    }
    field("tree", &listing);
    Ok(hex(&h.finalize()))
}

/// Human-readable stamp: first line is the hash, the rest is for people.
pub(super) fn text(builder: &LibstdBuilder<'_>, plan: &Plan, hash: &str) -> String {
    let mut s = format!("hash {hash}\n");
    s.push_str(&format!("profile {}\n", builder.profile));
    s.push_str(&format!("target {}\n", builder.target));
    s.push_str(&format!("features {}\n", plan.features.join(" ")));
    s.push_str(&format!("rustflags {}\n", plan.rustflags.join(" ")));
    s.push_str(&format!("rust-src {}\n", plan.src.root.display()));
    s.push_str(&format!("cargo {}\n", plan.cargo_version));
    if let Some(note) = &plan.c_note {
        s.push_str(&format!("compiler-builtins-c off: {note}\n"));
    }
    s.push_str("rustc -vV:\n");
    s.push_str(&plan.rustc.verbose_version);
    s
}

/// Reads the hash line of the stamp in `target_root`, if it and `lib/` exist.
pub(super) fn read_hash(target_root: &Path) -> Option<String> {
    if !target_root.join("lib").is_dir() || !target_root.join(BUILD_INFO_FILE_NAME).is_file() {
        return None;
    }
    let text = fs::read_to_string(target_root.join(STAMP_FILE_NAME)).ok()?;
    text.lines()
        .next()?
        .strip_prefix("hash ")
        .map(|h| h.trim().to_owned())
}

/// Appends `relative-path size mtime` (or a symlink's target) for every entry under
/// `dir`, in sorted order, to `out`.
fn hash_tree(dir: &Path, base: &Path, out: &mut Vec<u8>) -> Result<(), LibstdError> {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .map_err(|e| LibstdError::io("list", dir, e))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let meta = fs::symlink_metadata(&path).map_err(|e| LibstdError::io("stat", &path, e))?;
        let rel = path.strip_prefix(base).unwrap_or(&path);
        out.extend_from_slice(rel.as_os_str().as_encoded_bytes());
        if meta.is_dir() {
            out.extend_from_slice(b"/\n");
            hash_tree(&path, base, out)?;
        } else if meta.file_type().is_symlink() {
            let to = fs::read_link(&path).unwrap_or_default();
            out.extend_from_slice(b" -> ");
            out.extend_from_slice(to.as_os_str().as_encoded_bytes());
            out.push(b'\n');
        } else {
            let mtime = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .unwrap_or_default();
            out.extend_from_slice(
                format!(
                    " {} {}.{:09}\n",
                    meta.len(),
                    mtime.as_secs(),
                    mtime.subsec_nanos()
                )
                .as_bytes(),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
