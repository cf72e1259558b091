//! [`LibstdError`]: everything that can stop a libstd build from `rust-src`; every message
//! says what was tried, where, and what to do about it.

use std::io;
use std::path::PathBuf;
use std::process::ExitStatus;

/// Everything that can stop a libstd build (see [`super::LibstdBuilder`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LibstdError {
    /// The rustc binary could not be started.
    #[error(
        "could not run rustc `{}`: {error}. Pass the rustc of the toolchain the libstd is \
         for, e.g. /usr/bin/rustc (Debian: `apt-get install rustc-web`) or a rustup \
         toolchain's `bin/rustc`",
        rustc.display()
    )]
    RustcNotFound {
        /// The rustc that was tried.
        rustc: PathBuf,
        /// Why it could not be started.
        error: io::Error,
    },

    /// The cargo binary could not be started.
    #[error(
        "could not run cargo `{}`: {error}. Install the cargo that matches rustc {release} \
         (Debian: `apt-get install cargo-web`, giving /usr/bin/cargo; rustup: it is part of \
         the toolchain) or pass its path to `LibstdBuilder::cargo`",
        cargo.display()
    )]
    CargoNotFound {
        /// The cargo that was tried.
        cargo: PathBuf,
        /// The release of the rustc it should match.
        release: String,
        /// Why it could not be started.
        error: io::Error,
    },

    /// A tool ran but failed or printed something unexpected.
    #[error("`{command}` failed ({status}): {stderr}")]
    ToolFailed {
        /// The command line, for the reader.
        command: String,
        /// Its exit status, or a description of what was wrong with its output.
        status: String,
        /// What it printed on stderr (trimmed).
        stderr: String,
    },

    /// The toolchain has no `rust-src`.
    #[error(
        "rust-src not found: '{}' has no library/sysroot/Cargo.toml nor \
         library/test/Cargo.toml, so no libstd can be built for rustc {release} ('{}')\n{}",
        path.display(),
        rustc.display(),
        rust_src_help(toolchain.as_deref())
    )]
    RustSrcMissing {
        /// Where the sources were looked for.
        path: PathBuf,
        /// The rustc whose sysroot was searched.
        rustc: PathBuf,
        /// Its release.
        release: String,
        /// The rustup toolchain the rustc belongs to (its sysroot is
        /// `<rustup home>/toolchains/<name>`), when it is one.
        toolchain: Option<String>,
    },

    /// rust-src is for a different Rust release than rustc.
    #[error(
        "rust-src at `{}` is Rust {src_version} (from `{}`) but rustc `{}` is {rustc_release}: \
         a libstd must be built from the sources of the exact compiler. Install the matching \
         rust-src (`rustup component add rust-src`, or Debian's `rust-web-src` of the same \
         version as `rustc-web`) or choose the rustc that goes with these sources",
        rust_src.display(),
        version_file.display(),
        rustc.display()
    )]
    VersionMismatch {
        /// The rust-src directory.
        rust_src: PathBuf,
        /// The file the source version was read from.
        version_file: PathBuf,
        /// The version it names.
        src_version: String,
        /// The rustc.
        rustc: PathBuf,
        /// rustc's `release:` line.
        rustc_release: String,
    },

    /// rustc does not know the target.
    #[error(
        "rustc `{}` does not know the target `{target}` (not in `rustc --print target-list`); \
         it needs a rustc that has this built-in target, or a target JSON file path",
        rustc.display()
    )]
    TargetUnsupported {
        /// The target asked for.
        target: String,
        /// The rustc.
        rustc: PathBuf,
    },

    /// The target's linker cannot be found where rustc looks for it.
    #[error(
        "linker `{linker}` for target `{target}` not found (searched {}). Without it nothing \
         can be linked against this libstd. Debian: `apt-get install rust-web-llvm lld-22` \
         (gives /usr/bin/rust-lld); rustup toolchains ship it in \
         lib/rustlib/<host>/bin. Or disable the check with `LibstdBuilder::require_linker(false)`",
        searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    LinkerMissing {
        /// The linker named by the target spec.
        linker: String,
        /// The target.
        target: String,
        /// The directories searched.
        searched: Vec<PathBuf>,
    },

    /// The explicitly chosen C compiler does not work for the target.
    #[error(
        "C compiler `{}` cannot build objects for `{target}`: {reason}. Install one that can \
         (Debian: `apt-get install clang-22` or `gcc-riscv64-unknown-elf`) or use \
         `CCompiler::Disabled`",
        compiler.display()
    )]
    CCompilerUnusable {
        /// The compiler.
        compiler: PathBuf,
        /// The target.
        target: String,
        /// What went wrong.
        reason: String,
    },

    /// `compiler-builtins-c` was asked for but no compiler-rt sources were found.
    #[error(
        "a C compiler was given for compiler-builtins-c but no compiler-rt sources were found \
         (looked at {}). compiler-rt is not part of rust-src; point \
         `LibstdBuilder::compiler_rt_root` (or RUST_COMPILER_RT_ROOT) at an \
         llvm-project/compiler-rt checkout of rustc's LLVM version, or use `CCompiler::Disabled`",
        searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    CompilerRtMissing {
        /// The places that were checked.
        searched: Vec<PathBuf>,
    },

    /// A vendor directory was asked for but does not exist.
    #[error(
        "vendor directory `{}` does not exist; use `DepSources::Registry` to fetch from \
         crates.io or `DepSources::Auto`",
        path.display()
    )]
    VendorDirMissing {
        /// The directory.
        path: PathBuf,
    },

    /// Network use is off and the crates.io dependencies of `library/` are not all vendored.
    #[error(
        "cannot build libstd offline: {missing}, and network use is off ({offline_because}), so \
         std's crates.io dependencies cannot be fetched\nhelp: allow network use for this \
         build, or use a rust-src that ships library/vendor (Debian's rust-web-src and \
         rustup's nightly and beta rust-src do; rustup's stable rust-src does not), or pass a `cargo vendor` directory \
         (`DepSources::Vendored`)"
    )]
    OfflineWithoutVendor {
        /// What is missing, e.g. "no vendor directory at '<rust-src>/library/vendor'".
        missing: String,
        /// Why the build is offline: `LibstdBuilder::offline(true)` or `CARGO_NET_OFFLINE`.
        offline_because: String,
    },

    /// cargo failed while building libstd.
    #[error(
        "building libstd failed: `{command}` exited with {status}. Last lines of its output:\n\
         {stderr_tail}"
    )]
    CargoFailed {
        /// The command line.
        command: String,
        /// Its exit status.
        status: ExitStatus,
        /// The end of its stderr (empty when it was shown on the terminal).
        stderr_tail: String,
    },

    /// cargo succeeded but did not report the expected rlibs.
    #[error(
        "cargo reported success but produced no `{missing}` rlib for `{target}` (artifacts: \
         {found}); this rust-src layout is not supported"
    )]
    MissingArtifact {
        /// The crate that is missing.
        missing: String,
        /// The target.
        target: String,
        /// What was produced.
        found: String,
    },

    /// rustc refused to use the freshly built libstd.
    #[error(
        "rustc `{}` rejected the built libstd at `{}` (compiling `extern crate std;` for \
         `{target}`): {stderr}",
        rustc.display(),
        sysroot.display()
    )]
    SysrootRejected {
        /// The rustc.
        rustc: PathBuf,
        /// The sysroot tried.
        sysroot: PathBuf,
        /// The target.
        target: String,
        /// rustc's diagnostics.
        stderr: String,
    },

    /// There is no libstd build where one was expected.
    #[error(
        "no libstd build at `{}` (no build record or no rlibs in lib/). Build it first: \
         `xous-sysroot-build build --out <sysroot>` or `LibstdBuilder::build`, with the same \
         output directory and target",
        path.display()
    )]
    NotBuilt {
        /// The `<sysroot>/lib/rustlib/<target>` directory looked at.
        path: PathBuf,
    },

    /// The build record of a libstd could not be parsed.
    #[error(
        "invalid build record `{}`: {message}. It is written by the build; rebuild with \
         `xous-sysroot-build build`",
        path.display()
    )]
    InvalidBuildInfo {
        /// The file.
        path: PathBuf,
        /// The parser's complaint.
        message: String,
    },

    /// A file-system, lock or rustc error from the code shared with the installer; its message
    /// names what and where.
    #[error(transparent)]
    Sysroot(#[from] crate::Error),
}

impl LibstdError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        LibstdError::Sysroot(crate::Error::Io {
            action,
            path: path.into(),
            error: source,
        })
    }
}

/// The `help:` lines of [`LibstdError::RustSrcMissing`].
fn rust_src_help(toolchain: Option<&str>) -> String {
    match toolchain {
        Some(name) => format!("help: rustup component add rust-src --toolchain {name}"),
        None => "help: install the sources of exactly this rustc: Debian's rustc-web needs \
                 `apt-get install rust-web-src`, Debian's rustc `apt-get install rust-src`; for \
                 a rustup toolchain, `rustup component add rust-src --toolchain <name>`\n\
                 help: or pass a source tree holding library/ to `LibstdBuilder::rust_src`"
            .to_owned(),
    }
}
