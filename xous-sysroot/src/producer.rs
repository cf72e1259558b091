//! What the producer side shares with the installer (feature `producer`, which
//! `xous-sysroot-build` and this crate's tests enable): the formats it writes, so that reader
//! and writer are one code. A build script that only installs needs none of it. The small
//! helpers both sides use (environment, atomic writes, hashing, locks, text) are
//! [`crate::util`], part of the public surface without any feature.

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
