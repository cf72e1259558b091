//! What of a built libstd goes into its rust-std component: the files of `lib/` (the rlibs)
//! and the build record, never the build stamp (it holds local paths). One selection for the
//! producer's packaging and the installer's local-build source.

use std::fs;
use std::path::Path;

use super::{LibstdError, BUILD_INFO_FILE_NAME};

/// Lays out the component's files of the built `<sysroot>/lib/rustlib/<target>` directory
/// `target_root` in the empty directory `into` (`lib/…` and the build record), as hard links
/// where the file system allows, else copies. Returns the number of rlibs.
pub fn stage_component(target_root: &Path, into: &Path) -> Result<usize, LibstdError> {
    let lib = target_root.join("lib");
    let staged_lib = into.join("lib");
    fs::create_dir_all(&staged_lib)
        .map_err(|e| LibstdError::io("create directory", &staged_lib, e))?;
    let mut rlibs = 0;
    let entries = fs::read_dir(&lib).map_err(|e| LibstdError::io("list", &lib, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| LibstdError::io("list", &lib, e))?;
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let from = entry.path();
        rlibs += usize::from(from.extension().is_some_and(|e| e == "rlib"));
        link_or_copy(&from, &staged_lib.join(entry.file_name()))?;
    }
    if rlibs == 0 {
        return Err(LibstdError::NotBuilt {
            path: target_root.to_owned(),
        });
    }
    link_or_copy(
        &target_root.join(BUILD_INFO_FILE_NAME),
        &into.join(BUILD_INFO_FILE_NAME),
    )?;
    Ok(rlibs)
}

/// Hard-links `from` to `to`, copying when the file systems differ.
fn link_or_copy(from: &Path, to: &Path) -> Result<(), LibstdError> {
    if fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    fs::copy(from, to)
        .map(drop)
        .map_err(|e| LibstdError::io("copy", from, e))
}
