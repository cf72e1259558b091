//! What the producer side shares with the installer (feature `producer`, which
//! `xous-sysroot-build` and this crate's tests enable): the formats it writes, so that reader
//! and writer are one code, and the small helpers both sides use. A build script that only
//! installs needs none of it.

// Writing a dist root in rustup's layout, and the Xous project's release zip.
pub use crate::dist::{
    fetch_manifest, write_release_zip, DistRoot, Published, PublishedComponent, RustStd,
};
pub use crate::source::{release_zip_name, UPSTREAM_DIST_SERVER};

// The channel manifest and its `.sha256`.
pub use crate::manifest::{
    parse_sha256_file, sha256_file_contents, Archive, Manifest, Package, PackageRef, Rename,
    TargetedPackage, RUST_STD,
};

// The rust-installer component layout, and the one reader of archives.
pub use crate::archive::{
    unpack_component, unpack_release_zip, unpack_release_zip_from, Extracted,
};
pub use crate::component::{list_files, target_dir, target_name, unix_path, ComponentLayout};

// Hashing, files, locks.
pub use crate::atomic::{write_atomic, write_atomic_with};
pub use crate::hash::{hex, sha256_bytes, sha256_file, HashingReader};
pub use crate::lock::FileLock;

// Text for other programs and for messages.
pub use crate::text::{command_line, shell_quote, tail, toml_string};

/// The environment: reads that print `cargo:rerun-if-env-changed` inside build scripts, and
/// the scrub that keeps a calling cargo's variables out of a child cargo.
pub mod env {
    pub use crate::env::{flag, scrub_cargo_env, var, var_os};
}

/// xz streams as the producer writes them and the installer reads them.
pub mod xz {
    pub use crate::xz::{decoder, encoder, BLOCK_SIZE};
}

/// Where a channel's manifest lives on a dist server, and the by-commit index.
pub mod layout {
    pub use crate::manifest::layout::{
        index_path, is_date, lookup_paths, next_day, published_paths, CommitIndex, INDEX_DIR,
    };
}
