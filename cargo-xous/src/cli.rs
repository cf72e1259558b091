//! The command line: `cargo xous [+toolchain] [cargo options] <subcommand> [args] [-- args]`,
//! split just enough to add the target, the config and the runner; everything is passed on to
//! cargo in the order given.

use std::ffi::{OsStr, OsString};

/// What `cargo xous --help` prints.
pub const HELP: &str = "\
cargo xous: cargo for riscv32imac-unknown-xous-elf with any rustup toolchain

Usage: cargo [+toolchain] xous [cargo options] <subcommand> [args] [-- args]

Before running cargo it makes sure the libstd for the exact rustc cargo will use is installed
(cache, dist servers, the Xous project's release zips, else built from the toolchain's rust-src),
then adds `--target riscv32imac-unknown-xous-elf` (unless a target is given), `--sysroot` for
target units only, and `xous-run` as the runner for test, run and bench (unless one is
configured). Cargo's exit status is cargo xous's exit status.

Subcommands that build for the target: build, check, clippy, doc, test, run, bench, rustc,
rustdoc, fix. Any other subcommand is passed to cargo unchanged.

Options of its own (anywhere before `--`):
  -q, --quiet   print nothing of its own (also passed to cargo)
  -h, --help    this text (`cargo xous build --help` is cargo's)
  -V, --version

Environment: every XOUS_SYSROOT_* variable of xous-sysroot (dist servers, cache directory,
offline, mode), XOUS_SYSROOT_BUILD_FROM_SOURCE=0 to never build libstd from rust-src,
XOUS_SYSROOT_BUILD_PROFILE (official, release) for that build. With RUSTC set and RUSTDOC
unset, RUSTDOC is set to the rustdoc beside that rustc (doctests need the same toolchain).
";

/// Subcommands that compile for the target.
const TARGET_SUBCOMMANDS: &[&str] = &[
    "build", "b", "check", "c", "clippy", "doc", "d", "test", "t", "run", "r", "bench", "rustc",
    "rustdoc", "fix",
];

/// Subcommands that run target programs through the runner.
const RUNNING_SUBCOMMANDS: &[&str] = &["test", "t", "run", "r", "bench"];

/// Subcommands that run rustdoc (doctests, documentation).
const RUSTDOC_SUBCOMMANDS: &[&str] = &["test", "t", "doc", "d", "rustdoc"];

/// cargo's global options that take a separate value.
const GLOBAL_OPTIONS_WITH_VALUE: &[&str] = &["--config", "-Z", "--color", "-C", "--explain"];

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// `--help` before any subcommand.
    Help,
    /// `--version` before any subcommand.
    Version,
    /// Run cargo.
    Run(Invocation),
}

/// A cargo command line, split at the subcommand. Arguments are kept as the OS gave them, so
/// that what cargo xous does not read reaches cargo byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invocation {
    /// `+toolchain`, if given after `xous`.
    pub toolchain: Option<String>,
    /// Options before the subcommand.
    pub before: Vec<OsString>,
    /// The subcommand.
    pub subcommand: Option<OsString>,
    /// Arguments after the subcommand, up to `--`.
    pub after: Vec<OsString>,
    /// `--` and what follows it.
    pub trailing: Vec<OsString>,
    /// `-q`/`--quiet` was given.
    pub quiet: bool,
    /// The `--target` given, if any.
    pub target: Option<String>,
    /// The values of the user's `--config` options, in order.
    pub config_args: Vec<String>,
}

impl Invocation {
    /// The subcommand, when it is UTF-8 (cargo's own subcommands all are).
    fn subcommand_name(&self) -> Option<&str> {
        self.subcommand.as_deref().and_then(OsStr::to_str)
    }

    /// Whether the subcommand builds for the target (and so needs libstd).
    pub fn needs_target(&self) -> bool {
        self.subcommand_name()
            .is_some_and(|s| TARGET_SUBCOMMANDS.contains(&s))
    }

    /// Whether the subcommand runs target programs.
    pub fn runs_programs(&self) -> bool {
        self.subcommand_name()
            .is_some_and(|s| RUNNING_SUBCOMMANDS.contains(&s))
    }

    /// Whether the subcommand runs rustdoc.
    pub fn runs_rustdoc(&self) -> bool {
        self.subcommand_name()
            .is_some_and(|s| RUSTDOC_SUBCOMMANDS.contains(&s))
    }

    /// The same command with `extra` right after the subcommand's own arguments.
    pub fn with_extra_args(&self, extra: Vec<String>) -> Invocation {
        let mut inv = self.clone();
        inv.after.extend(extra.into_iter().map(OsString::from));
        inv
    }

    /// The arguments to give cargo (without `+toolchain`).
    pub fn cargo_args(&self) -> Vec<OsString> {
        let mut args = self.before.clone();
        args.extend(self.subcommand.clone());
        args.extend(self.after.iter().cloned());
        args.extend(self.trailing.iter().cloned());
        args
    }
}

/// Splits `args` (without the program name; a leading `xous`, as cargo passes it, is skipped).
///
/// What cargo xous reads (`+toolchain`, the values of `--target` and `--config`) must be UTF-8.
/// Any other argument that is not is passed on unchanged, except before `--` of a subcommand
/// that builds for the target: cargo refuses those, and refusing them here comes before
/// installing a libstd for nothing.
pub fn parse(args: Vec<OsString>) -> Result<Parsed, String> {
    let mut args = args.into_iter().peekable();
    if args.peek().is_some_and(|a| a == "xous") {
        args.next();
    }
    let mut inv = Invocation::default();
    if let Some(plus) = args.next_if(|a| a.as_encoded_bytes().starts_with(b"+")) {
        let plus = utf8(plus, "the toolchain name after `+`")?;
        if plus.len() == 1 {
            return Err("`+` must be followed by a toolchain name".into());
        }
        inv.toolchain = Some(plus[1..].to_string());
    }
    let mut not_utf8 = None;
    while let Some(arg) = args.next() {
        if arg == "--" {
            inv.trailing.push(arg);
            inv.trailing.extend(args.by_ref());
            break;
        }
        let arg = match arg.into_string() {
            Ok(arg) => arg,
            Err(arg) => {
                not_utf8.get_or_insert_with(|| arg.clone());
                if inv.subcommand.is_some() {
                    inv.after.push(arg);
                } else if arg.as_encoded_bytes().starts_with(b"-") {
                    inv.before.push(arg);
                } else {
                    inv.subcommand = Some(arg);
                }
                continue;
            }
        };
        if arg == "-q" || arg == "--quiet" {
            inv.quiet = true;
        }
        if inv.subcommand.is_none() {
            match arg.as_str() {
                "-h" | "--help" => return Ok(Parsed::Help),
                "-V" | "--version" => return Ok(Parsed::Version),
                _ => {}
            }
            if let Some(value) = option_value(&arg, "--config", &mut args)? {
                inv.config_args.push(value.clone());
                inv.before.extend(["--config".into(), value.into()]);
                continue;
            }
            if GLOBAL_OPTIONS_WITH_VALUE.contains(&arg.as_str()) {
                inv.before.push(arg.into());
                inv.before.extend(args.next());
                continue;
            }
            if arg.starts_with('-') {
                inv.before.push(arg.into());
            } else {
                inv.subcommand = Some(arg.into());
            }
            continue;
        }
        if let Some(value) = option_value(&arg, "--target", &mut args)? {
            if inv.target.as_ref().is_some_and(|t| *t != value) {
                return Err(format!(
                    "cargo xous builds for one target at a time; got --target {} and --target {value}",
                    inv.target.as_deref().unwrap_or_default()
                ));
            }
            inv.target = Some(value.clone());
            inv.after.extend(["--target".into(), value.into()]);
            continue;
        }
        if let Some(value) = option_value(&arg, "--config", &mut args)? {
            inv.config_args.push(value.clone());
            inv.after.extend(["--config".into(), value.into()]);
            continue;
        }
        inv.after.push(arg.into());
    }
    if inv.subcommand.is_none() {
        return Ok(Parsed::Help);
    }
    if let (true, Some(arg)) = (inv.needs_target(), not_utf8) {
        return Err(format!(
            "the argument {arg:?} of `cargo xous {}` is not valid UTF-8, and cargo accepts only UTF-8 before `--`",
            inv.subcommand_name().unwrap_or_default()
        ));
    }
    Ok(Parsed::Run(inv))
}

/// `arg` as a `String`, or an error naming `what` it is.
fn utf8(arg: OsString, what: &str) -> Result<String, String> {
    arg.into_string()
        .map_err(|arg| format!("{what} is not valid UTF-8: {arg:?}"))
}

/// The value of `--name value` or `--name=value` when `arg` is that option.
fn option_value(
    arg: &str,
    name: &str,
    rest: &mut impl Iterator<Item = OsString>,
) -> Result<Option<String>, String> {
    if arg == name {
        let value = rest.next().ok_or_else(|| format!("{name} needs a value"))?;
        return utf8(value, &format!("the value of {name}")).map(Some);
    }
    Ok(arg
        .strip_prefix(name)
        .and_then(|r| r.strip_prefix('='))
        .map(str::to_string))
}

#[cfg(test)]
mod tests;
