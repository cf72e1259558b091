//! `xous-sysroot`: install, inspect, verify and remove the prebuilt libstd of a tier-3 target.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use xous_sysroot::{InstallStatus, Installer, Mode, Rustc, RustcVersion};

#[derive(Parser)]
#[command(
    name = "xous-sysroot",
    version,
    about = "Install the prebuilt libstd of a tier-3 Rust target (default riscv32imac-unknown-xous-elf) for the exact rustc in use"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install the libstd (a no-op when a matching install is present)
    Install(Common),
    /// Show what is installed where, for which rustc, from where
    Status(Common),
    /// Rehash the installed files against the stamp
    Verify(Common),
    /// Remove the installed libstd
    Uninstall(Common),
    /// Print what cargo needs to use a private sysroot (installing it first if needed)
    Env {
        #[command(flatten)]
        common: Common,
        /// Output form
        #[arg(long, value_enum, default_value_t = EnvFormat::Shell)]
        format: EnvFormat,
    },
    /// List private sysroots, linked toolchains and cached archives
    List(Common),
}

#[derive(Clone, Copy, ValueEnum)]
enum EnvFormat {
    /// `export CARGO_TARGET_<TRIPLE>_RUSTFLAGS=...`
    Shell,
    /// A `.cargo/config.toml` snippet
    Config,
    /// A `cargo --config` argument
    ConfigArg,
    /// The rustc flags alone
    Flags,
}

#[derive(Args)]
struct Common {
    /// The rustc the libstd is for: a release (1.96.0), a `rustc -V` line, or the name of a
    /// private sysroot as `list` shows it (1.97.0-nightly-e50aa6fba) [default: the active rustc]
    rustc_version: Option<String>,
    /// Target triple
    #[arg(long, default_value = xous_sysroot::DEFAULT_TARGET)]
    target: String,
    /// Install mode [default: XOUS_SYSROOT_MODE, else private]
    #[arg(long)]
    mode: Option<ModeArg>,
    /// Dist server root (https://, loopback http://, file:// or a path); repeat for mirrors
    #[arg(long = "dist-server")]
    dist_servers: Vec<String>,
    /// Cache directory [default: XOUS_SYSROOT_CACHE_DIR, else the user cache dir]
    #[arg(long)]
    cache_dir: Option<PathBuf>,
    /// Use only the cache
    #[arg(long)]
    offline: bool,
    /// The rustc to use (path or name)
    #[arg(long, conflicts_with = "toolchain")]
    rustc: Option<PathBuf>,
    /// The rustup toolchain whose rustc to use
    #[arg(long)]
    toolchain: Option<String>,
    /// Toolchain mode: install into this sysroot instead of the compiler's (linked mode: the
    /// base toolchain directory to mirror)
    #[arg(long)]
    sysroot: Option<PathBuf>,
    /// Linked mode: the name to register with rustup [default: xous-<release>, or
    /// xous-<release>-<commit9> for a pre-release]
    #[arg(long)]
    name: Option<String>,
    /// Skip the smoke compile
    #[arg(long)]
    no_smoke_test: bool,
    /// Reinstall / remove even if the install is not ours or already matches
    #[arg(long)]
    force: bool,
    /// Network timeout in seconds (1 to 86400)
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    timeout: u64,
    /// Retries after transient failures (at most 100)
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=100))]
    retries: u32,
    /// Allow plain http:// to non-loopback hosts
    #[arg(long)]
    allow_http: bool,
    /// Never build libstd from the toolchain's rust-src when no prebuilt one exists
    /// [default: XOUS_SYSROOT_BUILD_FROM_SOURCE, else build]
    #[arg(long)]
    no_build: bool,
    /// Profile of a build from rust-src [default: XOUS_SYSROOT_BUILD_PROFILE, else official]
    #[arg(long)]
    build_profile: Option<xous_sysroot::build::Profile>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Private,
    Toolchain,
    Linked,
}

impl Common {
    fn installer(&self, progress: bool) -> anyhow::Result<Installer> {
        let mut i = Installer::new();
        i.target(&self.target)
            .timeout(Duration::from_secs(self.timeout))
            .retries(self.retries)
            .smoke_test(!self.no_smoke_test)
            .force(self.force);
        if let Some(d) = &self.cache_dir {
            i.cache_dir(d);
        }
        if let Some(v) = &self.rustc_version {
            i.version(self.version_named(&i, v)?);
        }
        if let Some(m) = self.mode {
            i.mode(match m {
                ModeArg::Private => Mode::Private,
                ModeArg::Toolchain => Mode::Toolchain,
                ModeArg::Linked => Mode::Linked,
            });
        }
        for s in &self.dist_servers {
            i.dist_server(s);
        }
        if self.offline {
            i.offline(true);
        }
        if self.allow_http {
            i.allow_insecure_http(true);
        }
        // On by default here, unlike in the library: a person at a prompt asked for a libstd.
        let build = xous_sysroot::util::env::flag("XOUS_SYSROOT_BUILD_FROM_SOURCE")?;
        i.build_from_source(!self.no_build && build.unwrap_or(true));
        if let Some(p) = self.build_profile {
            i.build_profile(p);
        }
        if let Some(r) = &self.rustc {
            i.rustc(Rustc::new(r));
        }
        if let Some(t) = &self.toolchain {
            i.rustc(Rustc::toolchain(t));
        }
        if let Some(s) = &self.sysroot {
            i.sysroot(s);
        }
        if let Some(n) = &self.name {
            i.toolchain_name(n);
        }
        if progress {
            i.progress(xous_sysroot::stderr_progress());
        }
        Ok(i)
    }
}

impl Common {
    /// The rustc `name` stands for: the one a private sysroot of that directory name was built
    /// for (as `list` prints them), else `name` parsed as a release or identity.
    fn version_named(&self, installer: &Installer, name: &str) -> anyhow::Result<RustcVersion> {
        let in_cache = installer.list().ok().and_then(|listing| {
            listing
                .private
                .into_iter()
                .find(|(path, _)| path.file_name().is_some_and(|n| n == name))
        });
        match in_cache {
            Some((path, stamp)) => RustcVersion::parse(&stamp.rustc).map_err(|e| {
                anyhow::anyhow!(
                    "the sysroot {} records a rustc that cannot be read: {e}",
                    path.display()
                )
            }),
            None => Ok(RustcVersion::parse(name)?),
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Install(c) => {
            let s = c.installer(true)?.install()?;
            let what = match s.status {
                InstallStatus::AlreadyInstalled => "already installed",
                _ => "installed",
            };
            println!(
                "{what}: {} for rustc {} at {} ({} mode, from {})",
                s.target,
                s.rustc,
                s.target_dir().display(),
                s.mode,
                s.source
            );
            if s.mode == Mode::Linked {
                print_linked_usage(&s, c.name.as_deref());
            }
        }
        Command::Status(c) => {
            let (s, stamp) = c.installer(false)?.status()?;
            match stamp {
                Some(stamp) => {
                    println!("target:    {}", s.target);
                    println!("mode:      {}", s.mode);
                    if s.mode == Mode::Linked {
                        let name = s
                            .toolchain
                            .as_deref()
                            .unwrap_or("(not registered with rustup)");
                        println!("toolchain: {name} at {}", s.path.display());
                    }
                    println!("path:      {}", s.target_dir().display());
                    println!("rustc:     {}", stamp.rustc);
                    println!("source:    {}", stamp.source);
                    println!("sha256:    {}", stamp.archive_sha256);
                    println!("files:     {}", stamp.files.len());
                    println!(
                        "installed: {} (unix time) by {}",
                        stamp.installed_at, stamp.installed_by
                    );
                }
                None => {
                    println!(
                        "not installed: {} at {}",
                        s.target,
                        s.target_dir().display()
                    );
                    return Err(xous_sysroot::Error::NotInstalled {
                        path: s.target_dir(),
                    }
                    .into());
                }
            }
        }
        Command::Verify(c) => {
            let s = c.installer(false)?.verify()?;
            println!(
                "ok: every file under {} matches its recorded sha256",
                s.target_dir().display()
            );
        }
        Command::Uninstall(c) => {
            let installer = c.installer(false)?;
            let (s, _) = installer.status()?;
            // Linked mode removes the whole toolchain directory.
            let removed = match s.mode {
                Mode::Linked => s.path.clone(),
                _ => s.target_dir(),
            };
            if installer.uninstall()? {
                if let Some(name) = &s.toolchain {
                    println!("unlinked the rustup toolchain {name}");
                }
                println!("removed {}", removed.display());
            } else {
                println!("nothing installed at {}", removed.display());
            }
        }
        Command::Env { common, format } => {
            let installer = common.installer(true)?;
            let (planned, _) = installer.status()?;
            // A sysroot no flag can name (a path that is not UTF-8) is refused before installing.
            planned.rustflags()?;
            let s = installer.install()?;
            match format {
                EnvFormat::Shell => println!("{}", s.cargo_env_export()?),
                EnvFormat::Config => print!("{}", s.cargo_config()?),
                EnvFormat::ConfigArg => println!("{}", s.cargo_config_arg()?),
                EnvFormat::Flags => println!("{}", s.rustflags()?.join(" ")),
            }
        }
        Command::List(c) => {
            let listing = c.installer(false)?.list()?;
            println!("private sysroots:");
            for (path, stamp) in &listing.private {
                println!(
                    "  {}  rustc {}  ({} files)  {}",
                    path.file_name().unwrap_or_default().to_string_lossy(),
                    stamp.rustc,
                    stamp.files.len(),
                    path.display()
                );
            }
            println!("linked toolchains:");
            for t in &listing.linked {
                let names = if t.registered.is_empty() {
                    "not registered with rustup".to_owned()
                } else {
                    t.registered.join(", ")
                };
                println!(
                    "  {}  rustc {}  ({names})  {}",
                    t.path.file_name().unwrap_or_default().to_string_lossy(),
                    t.rustc,
                    t.path.display()
                );
                if !t.base_matches {
                    println!(
                        "    base {} changed or removed: no rustup toolchain matches this one any \
                         more (it keeps working; `install --mode linked` for the new base makes \
                         another beside it)",
                        t.base.display()
                    );
                }
                if t.stamp.is_none() {
                    println!("    no complete {} install in it", c.target);
                }
            }
            println!("cached archives:");
            for e in &listing.cached {
                println!("  {}  rustc {}  {}", &e.sha256[..16], e.rustc, e.url);
            }
        }
    }
    Ok(())
}

/// How to use a linked toolchain: by name, or without rustup (`name`: the one asked for).
fn print_linked_usage(s: &xous_sysroot::Sysroot, name: Option<&str>) {
    match &s.toolchain {
        Some(name) => println!(
            "rustup toolchain: {name} (cargo +{name} build --target {}, or channel = \"{name}\" \
             in rust-toolchain.toml)",
            s.target
        ),
        None => {
            let name = name.map(str::to_owned).unwrap_or_else(|| {
                RustcVersion::parse(&s.rustc)
                    .map(|v| xous_sysroot::linked_toolchain_name(&v))
                    .unwrap_or_else(|_| "xous".to_owned())
            });
            println!(
                "rustup not found: the toolchain is not registered; {}",
                xous_sysroot::usage_without_rustup(&s.path, &name)
            )
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let text = format!("{e}");
            let mut lines = text.lines();
            eprintln!("error: {}", lines.next().unwrap_or_default());
            for line in lines {
                eprintln!("{line}");
            }
            ExitCode::FAILURE
        }
    }
}
