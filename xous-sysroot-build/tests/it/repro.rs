//! Reproducibility: a second, independent build of libstd from the same inputs (another output
//! directory, a fresh cargo target directory) packages to byte-identical archives.

use std::time::Instant;

use anyhow::{ensure, Result};
use xous_sysroot_build::{package, LibstdBuilder, PackageOptions, Profile, DEFAULT_TARGET};

use crate::support::{cargo, local_dist, rustc, scratch, tree};

#[test]
fn two_builds_from_the_same_inputs_give_the_same_archives() -> Result<()> {
    let first = local_dist();
    let dir = scratch("repro");
    let started = Instant::now();
    let mut builder = LibstdBuilder::new(dir.join("sysroot"), DEFAULT_TARGET);
    builder
        .rustc(rustc())
        .cargo(cargo())
        .profile(Profile::Official);
    let second = builder.build()?;
    drop(builder);
    ensure!(second.was_built(), "the second build must really build");
    eprintln!("second build in {:.1?}", started.elapsed());
    ensure!(
        second.output().stamp_hash == first.build.stamp_hash,
        "different inputs"
    );
    ensure!(
        tree(&second.output().target_libdir) == tree(&first.build.target_libdir),
        "the rlibs differ"
    );

    let packaged = package(
        &dir.join("sysroot"),
        DEFAULT_TARGET,
        &dir.join("dist"),
        &PackageOptions {
            date: None,
            toolchain_sysroot: None,
            gz: true,
            legacy_zip: true,
        },
    )?;
    let sha = |p: &Option<(std::path::PathBuf, String)>| p.as_ref().map(|(_, s)| s.clone());
    eprintln!("rust-std .tar.xz sha256 {}", packaged.xz.1);
    ensure!(packaged.xz.1 == first.packaged.xz.1, ".tar.xz differs");
    ensure!(sha(&packaged.gz).is_some() && sha(&packaged.gz) == sha(&first.packaged.gz));
    ensure!(sha(&packaged.zip).is_some() && sha(&packaged.zip) == sha(&first.packaged.zip));
    ensure!(
        std::fs::read(&packaged.manifest)? == std::fs::read(&first.packaged.manifest)?,
        "the channel manifests differ"
    );
    Ok(())
}
