//! The overlay manifest: upstream's manifest plus our rust-std, every upstream component (and
//! every key we do not interpret) exactly as published; from a file or a URL; idempotent;
//! refused for another rustc.

use std::fs;

use anyhow::{bail, ensure, Result};
use xous_sysroot::producer::{Manifest, TargetedPackage, RUST_STD};
use xous_sysroot_build::{overlay, BuildError, OverlayOptions, DEFAULT_TARGET};

use crate::support::{copy_dist_root, local_dist, scratch, serve, stand_in_upstream, HOST};

#[test]
fn overlay_keeps_upstream_and_adds_our_target() -> Result<()> {
    let dist = local_dist();
    let release = &dist.rustc.release;
    let dir = scratch("overlay");
    let upstream = stand_in_upstream(&dir)?;
    // Give upstream what real manifests have beyond our stand-ins: another rust-std target,
    // a rename, keys this code does not interpret.
    let mut up = upstream.read_manifest(release)?.unwrap();
    up.pkg.get_mut(RUST_STD).unwrap().target.insert(
        "thumbv7em-none-eabi".into(),
        TargetedPackage {
            available: false,
            ..Default::default()
        },
    );
    up.renames.insert(
        "rustfmt".into(),
        xous_sysroot::producer::Rename {
            to: "rustfmt-preview".into(),
        },
    );
    up.other.insert(
        "artifacts".into(),
        toml::Value::Table(toml::from_str("[source-code.target.\"*\"]\nurl = \"x\"\n")?),
    );
    upstream.write_manifest(release, &up)?;

    let ours = dir.join("ours");
    copy_dist_root(&dist.dist_root, &ours)?;
    let our_entry = Manifest::parse(&fs::read_to_string(&dist.packaged.manifest)?, "ours")?
        .rust_std(DEFAULT_TARGET)
        .unwrap()
        .1
        .clone();

    // From a file.
    let done = overlay(
        &ours,
        &OverlayOptions {
            upstream: upstream.manifest_path(release).display().to_string(),
            ..Default::default()
        },
    )?;
    ensure!(done.hosts == [HOST], "{:?}", done.hosts);
    ensure!(!done.replaced_upstream_target);
    let text = fs::read_to_string(&done.manifest)?;
    let merged = Manifest::parse(&text, "overlay")?;
    // The .sha256 beside it matches (rustup and the installer check it first).
    let sha = fs::read_to_string(done.manifest.with_extension("toml.sha256"))?;
    ensure!(sha.starts_with(&xous_sysroot::util::sha256_bytes(text.as_bytes())));

    // Everything upstream is there unchanged; ours is added; the rust package lists it.
    ensure!(merged.date == up.date && merged.renames == up.renames && merged.other == up.other);
    ensure!(merged.profiles == up.profiles);
    for (name, package) in &up.pkg {
        let m = &merged.pkg[name];
        for (target, build) in &package.target {
            let mut expected = build.clone();
            if name == "rust" {
                expected
                    .extensions
                    .push(xous_sysroot::producer::PackageRef {
                        pkg: RUST_STD.into(),
                        target: DEFAULT_TARGET.into(),
                        other: Default::default(),
                    });
            }
            ensure!(m.target[target] == expected, "{name} for {target} changed");
        }
        ensure!(m.version == package.version && m.git_commit_hash == package.git_commit_hash);
    }
    ensure!(merged.rust_std(DEFAULT_TARGET).unwrap().1 == &our_entry);
    ensure!(merged.pkg[RUST_STD].target.len() == up.pkg[RUST_STD].target.len() + 1);

    // From a URL, again: the same manifest, byte for byte.
    let (server, _) = serve(upstream.path(), None);
    let again = overlay(
        &ours,
        &OverlayOptions {
            upstream: server.url(),
            release: Some(release.clone()),
            ..Default::default()
        },
    )?;
    ensure!(again
        .upstream_url
        .ends_with(&format!("/dist/channel-rust-{release}.toml")));
    ensure!(
        fs::read_to_string(&again.manifest)? == text,
        "overlay is not idempotent"
    );

    // The installer still finds our rust-std in the overlay manifest (read as a path).
    ensure!(xous_sysroot::producer::DistRoot::new(&ours)
        .read_manifest(release)?
        .unwrap()
        .rust_std(DEFAULT_TARGET)
        .is_some());
    Ok(())
}

#[test]
fn overlay_refuses_another_rustc_and_a_tampered_manifest() -> Result<()> {
    let dist = local_dist();
    let release = &dist.rustc.release;
    let dir = scratch("overlay-refusals");
    let upstream = stand_in_upstream(&dir)?;
    let ours = dir.join("ours");
    copy_dist_root(&dist.dist_root, &ours)?;
    let options = || OverlayOptions {
        upstream: upstream.manifest_path(release).display().to_string(),
        ..Default::default()
    };

    // Another build of the same release: rustup would install a rustc that rejects our rlibs.
    let mut other = upstream.read_manifest(release)?.unwrap();
    for package in other.pkg.values_mut() {
        package.version = format!("{release} (0123456789 2020-01-01)");
        package.git_commit_hash = Some("0123456789abcdef0123456789abcdef01234567".into());
    }
    upstream.write_manifest(release, &other)?;
    match overlay(&ours, &options()) {
        Err(e @ BuildError::OverlayMismatch { .. }) => {
            let msg = e.to_string();
            ensure!(
                msg.contains("(012345678 2020-01-01)") && msg.contains(&dist.rustc.identity()),
                "{msg}"
            );
        }
        other => bail!("expected OverlayMismatch, got {other:?}"),
    }

    // A manifest that does not match its .sha256 is not used.
    let path = upstream.manifest_path(release);
    let text = fs::read_to_string(&path)?;
    fs::write(&path, text.replace("minimal", "minimal "))?;
    match overlay(&ours, &options()) {
        Err(BuildError::Dist(xous_sysroot::Error::ChecksumMismatch { .. })) => {}
        other => bail!("expected a checksum mismatch, got {other:?}"),
    }

    // A dist root without our rust-std says what to run.
    let empty = dir.join("empty");
    fs::create_dir_all(empty.join("dist"))?;
    match overlay(&empty, &options()) {
        Err(e @ BuildError::WhichRelease { .. }) => {
            ensure!(e.to_string().contains("--release"), "{e}")
        }
        other => bail!("expected WhichRelease, got {other:?}"),
    }
    let err = overlay(
        &empty,
        &OverlayOptions {
            release: Some(release.clone()),
            ..options()
        },
    )
    .unwrap_err();
    ensure!(matches!(err, BuildError::NotPackaged { .. }), "{err}");
    ensure!(err.to_string().contains("xous-sysroot-build dist"), "{err}");
    Ok(())
}
