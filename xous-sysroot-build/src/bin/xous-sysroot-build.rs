//! `xous-sysroot-build`: build libstd for a tier-3 target, package it into a dist root,
//! overlay it on an official channel manifest, and serve the dist root.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use xous_sysroot_build::serve::DistServer;
use xous_sysroot_build::{
    overlay, package, BuildStatus, CCompiler, DepSources, LibstdBuilder, OverlayOptions,
    PackageOptions, Packaged, Profile, DEFAULT_TARGET,
};

#[derive(Parser)]
#[command(
    name = "xous-sysroot-build",
    version,
    about = "Build, package, overlay and serve the libstd of a tier-3 Rust target (default riscv32imac-unknown-xous-elf)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build libstd from rust-src with the matching rustc (a no-op when the stamp matches)
    Build(BuildArgs),
    /// Package a built libstd into a dist root (rust-std archives + channel manifest)
    Package {
        /// The sysroot directory the build wrote (`build --out`)
        #[arg(long, value_name = "DIR")]
        sysroot: PathBuf,
        /// Target triple (or target JSON) that was built
        #[arg(long, default_value = DEFAULT_TARGET)]
        target: String,
        #[command(flatten)]
        package: PackageArgs,
    },
    /// Build, then package: a complete dist root
    Dist {
        #[command(flatten)]
        build: BuildArgs,
        #[command(flatten)]
        package: PackageArgs,
    },
    /// Replace the dist root's manifest by the official one plus our rust-std
    Overlay {
        /// The dist root holding our rust-std (from `dist` or `package`)
        #[arg(long, value_name = "DIR")]
        dist_root: PathBuf,
        /// Upstream manifest: a .toml URL or path, or a dist server root
        #[arg(long, default_value = xous_sysroot::producer::UPSTREAM_DIST_SERVER)]
        upstream: String,
        /// Release to overlay [default: the only one in the dist root]
        #[arg(long)]
        release: Option<String>,
        /// Target whose rust-std is added
        #[arg(long, default_value = DEFAULT_TARGET)]
        target: String,
        /// Allow plain http:// to a non-loopback upstream
        #[arg(long)]
        allow_http: bool,
        /// Network timeout in seconds (1 to 86400)
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=86_400))]
        timeout: u64,
    },
    /// Serve a dist root over HTTP; missing official paths redirect upstream
    Serve {
        /// The dist root to serve
        #[arg(long, value_name = "DIR")]
        dist_root: PathBuf,
        /// Address to listen on (port 0: any free port; the URL is printed on stdout)
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Where missing /dist/ and /rustup/ paths redirect
        #[arg(long, default_value = xous_sysroot::producer::UPSTREAM_DIST_SERVER)]
        upstream: String,
        /// Answer missing official paths with 404 instead of redirecting
        #[arg(long, conflicts_with = "upstream")]
        no_upstream: bool,
        /// Do not log requests to stderr
        #[arg(long, short)]
        quiet: bool,
    },
}

#[derive(Args)]
struct BuildArgs {
    /// The rustc to build with (and the only one that can use the result)
    #[arg(long, env = "XOUS_SYSROOT_BUILD_RUSTC", default_value = "rustc")]
    rustc: PathBuf,
    /// The cargo to run [default: the one beside rustc]
    #[arg(long, env = "XOUS_SYSROOT_BUILD_CARGO")]
    cargo: Option<PathBuf>,
    /// A source tree holding library/ [default: rustc's rust-src]
    #[arg(long, value_name = "DIR")]
    rust_src: Option<PathBuf>,
    /// Target triple or target JSON path
    #[arg(long, default_value = DEFAULT_TARGET)]
    target: String,
    /// official (the Xous fork's current release job: debug assertions off, opt-level 3) or
    /// debug-assertions (the same with libstd's debug assertions on)
    #[arg(long, default_value = "official")]
    profile: Profile,
    /// Output sysroot [default: target/xous-libstd/<profile>/sysroot]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// C compiler for compiler-builtins-c: `auto`, `none`, or a path
    #[arg(long, default_value = "auto", value_name = "auto|none|PATH")]
    c_compiler: OsString,
    /// Take library/'s dependencies from this vendor directory (offline)
    #[arg(long, value_name = "DIR", conflicts_with = "registry")]
    vendor: Option<PathBuf>,
    /// Take library/'s dependencies from crates.io
    #[arg(long)]
    registry: bool,
    /// Never use the network: fail unless library/'s dependencies are vendored [default: on
    /// when CARGO_NET_OFFLINE is set]
    #[arg(long)]
    offline: bool,
    /// Extra feature of the library/sysroot crate (repeatable)
    #[arg(long = "feature", value_name = "FEATURE")]
    features: Vec<String>,
    /// Show cargo's output while building
    #[arg(long, short)]
    verbose: bool,
}

#[derive(Args)]
struct PackageArgs {
    /// The dist root to write [default: target/xous-libstd/<profile>/dist for `dist`]
    #[arg(long, value_name = "DIR")]
    dist_root: Option<PathBuf>,
    /// Dist date YYYY-MM-DD: the dist/<date>/ directory and a nightly's or beta's manifest
    /// path [default: the date of the rustup toolchain's own manifest, else the rustc's commit
    /// date (stable) or commit date + 1 (nightly, beta, dev)]
    #[arg(long)]
    date: Option<String>,
    /// The sysroot of the rustc's toolchain, whose rustup manifest
    /// (lib/rustlib/multirust-channel-manifest.toml) gives the default date [default for
    /// `dist`: `<rustc> --print sysroot`]
    #[arg(long, value_name = "DIR")]
    toolchain_sysroot: Option<PathBuf>,
    /// Do not write the .tar.gz
    #[arg(long)]
    no_gz: bool,
    /// Also write the legacy release zip for xtask-based workflows
    #[arg(long)]
    legacy_zip: bool,
}

impl PackageArgs {
    fn options(&self) -> PackageOptions {
        PackageOptions {
            date: self.date.clone(),
            toolchain_sysroot: self.toolchain_sysroot.clone(),
            gz: !self.no_gz,
            legacy_zip: self.legacy_zip,
        }
    }
}

fn default_dir(profile: Profile, leaf: &str) -> PathBuf {
    PathBuf::from("target")
        .join("xous-libstd")
        .join(profile.name())
        .join(leaf)
}

fn build(args: &BuildArgs) -> Result<(PathBuf, BuildStatus)> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_dir(args.profile, "sysroot"));
    let mut builder = LibstdBuilder::new(&out, &args.target);
    builder
        .rustc(&args.rustc)
        .profile(args.profile)
        .show_cargo_output(args.verbose)
        .c_compiler(match args.c_compiler.to_str() {
            Some("auto") => CCompiler::Auto,
            Some("none") => CCompiler::Disabled,
            _ => CCompiler::Path(args.c_compiler.clone().into()),
        })
        .dep_sources(match (&args.vendor, args.registry) {
            (Some(dir), _) => DepSources::Vendored(dir.clone()),
            (None, true) => DepSources::Registry,
            (None, false) => DepSources::Auto,
        })
        .on_build_start(|planned| {
            eprintln!(
                "building libstd for {} with rustc {} ({} profile); this takes a minute or two",
                planned.target,
                planned.rustc.version.identity(),
                planned.profile
            )
        });
    if args.offline {
        builder.offline(true);
    }
    if let Some(cargo) = &args.cargo {
        builder.cargo(cargo);
    }
    if let Some(src) = &args.rust_src {
        builder.rust_src(src);
    }
    for feature in &args.features {
        builder.feature(feature);
    }
    let status = builder.build()?;
    drop(builder);
    let b = status.output();
    match &status {
        BuildStatus::Built { duration, .. } => {
            eprintln!("built {} rlibs in {:.1?}", b.rlibs.len(), duration)
        }
        BuildStatus::AlreadyBuilt(_) => {
            eprintln!("up to date ({} rlibs)", b.rlibs.len())
        }
    }
    match &b.compiler_builtins_c_note {
        Some(note) => eprintln!("compiler-builtins-c: off ({note})"),
        None => eprintln!("compiler-builtins-c: on"),
    }
    Ok((out, status))
}

fn report(p: &Packaged) {
    println!("manifest {}", p.manifest.display());
    let files = [Some(&p.xz), p.gz.as_ref(), p.zip.as_ref()];
    for (path, sha) in files.into_iter().flatten() {
        println!("{sha}  {}", path.display());
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Build(args) => {
            let (out, _) = build(&args)?;
            println!("{}", out.display());
        }
        Command::Package {
            sysroot,
            target,
            package: args,
        } => {
            let dist_root = args
                .dist_root
                .clone()
                .context("`package` needs --dist-root")?;
            report(&package(&sysroot, &target, &dist_root, &args.options())?);
        }
        Command::Dist {
            build: build_args,
            package: args,
        } => {
            let (out, _) = build(&build_args)?;
            let dist_root = args
                .dist_root
                .clone()
                .unwrap_or_else(|| default_dir(build_args.profile, "dist"));
            let mut options = args.options();
            if options.toolchain_sysroot.is_none() {
                options.toolchain_sysroot =
                    Some(xous_sysroot::Rustc::new(&build_args.rustc).sysroot()?);
            }
            report(&package(&out, &build_args.target, &dist_root, &options)?);
        }
        Command::Overlay {
            dist_root,
            upstream,
            release,
            target,
            allow_http,
            timeout,
        } => {
            let done = overlay(
                &dist_root,
                &OverlayOptions {
                    upstream,
                    release,
                    target: target.clone(),
                    allow_http,
                    timeout: Duration::from_secs(timeout),
                },
            )?;
            if done.replaced_upstream_target {
                eprintln!("note: upstream already offered rust-std for {target}; ours replaces it");
            }
            eprintln!(
                "overlaid {} on rust {} (rust-std for {target} added as an extension for {} host(s))",
                done.upstream_url,
                done.release,
                done.hosts.len()
            );
            println!("{}", done.manifest.display());
        }
        Command::Serve {
            dist_root,
            addr,
            upstream,
            no_upstream,
            quiet,
        } => {
            let mut server = DistServer::bind(&dist_root, addr.as_str())?;
            server.upstream((!no_upstream).then_some(upstream.clone()));
            if !quiet {
                server.on_request(|r| {
                    let peer = r.peer.map(|p| p.to_string()).unwrap_or_default();
                    match &r.location {
                        Some(to) => {
                            eprintln!("{peer} {} {} {} -> {to}", r.method, r.target, r.status)
                        }
                        None => {
                            eprintln!("{peer} {} {} {} {}", r.method, r.target, r.status, r.bytes)
                        }
                    }
                });
            }
            println!("{}", server.url());
            eprintln!(
                "serving {} at {}; missing official paths {}. Use RUSTUP_DIST_SERVER={} or XOUS_SYSROOT_DIST_SERVER={}",
                dist_root.display(),
                server.url(),
                if no_upstream {
                    "answer 404".to_owned()
                } else {
                    format!("redirect to {upstream}")
                },
                server.url(),
                server.url()
            );
            server.run()?;
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
