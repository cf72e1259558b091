//! The toolchain xous-core's xtask is given: a directory of its own, made once per rustc,
//! that looks to the xtask like a rustup toolchain with both targets it needs, while
//! nothing is written where the compiler itself lives (rustup's or Debian's directories).
//!
//! `<cache>/toolchains/<release>-<commit9>/`:
//! - `bin/rustc`: a script that runs the firmware rustc with `--sysroot` set to this
//!   directory, so `rustc --print sysroot` (the xtask's lookup) names it. A link or copy
//!   of the binary would not do: rustc finds its sysroot from its driver library's place;
//! - `bin/cargo`: a link to the firmware cargo;
//! - `lib/rustlib/<host>`, `src`, `etc`: links to the compiler's own;
//! - `lib/rustlib/riscv32imac-unknown-xous-elf`: a link to the installed Xous libstd (the
//!   xtask's gate reads its `RUST_VERSION`);
//! - `lib/rustlib/riscv32imac-unknown-none-elf` (kernel and loader): a link to the
//!   compiler's own when it has the target (`rustup target add`), else to `core`, `alloc`
//!   and `compiler_builtins` built once per rustc from the compiler's `rust-src` with
//!   `-Zbuild-std` (offline from `library/vendor` when rust-src has it), in
//!   `<cache>/none-elf/<release>-<commit9>/rustlib`, which outlives the toolchain directory
//!   when that is remade for another Xous libstd.

use crate::{HarnessError, Toolchain, TARGET};
use std::path::{Path, PathBuf};
use std::process::Command;
use xous_sysroot::util::{self, FileLock};

/// The bare-metal target of xous-core's kernel and loader.
pub const NONE_ELF: &str = "riscv32imac-unknown-none-elf";

/// The file that says a toolchain directory is complete, and what it was made from.
const MADE_FROM: &str = "made-from.txt";

/// A toolchain directory the xtask accepts.
#[derive(Debug, Clone)]
pub(crate) struct XtaskToolchain {
    /// The directory (`rustc --print sysroot` of its `bin/rustc`).
    pub dir: PathBuf,
}

impl XtaskToolchain {
    /// `bin/`, to put first on the xtask's `PATH`.
    pub fn bin(&self) -> PathBuf {
        self.dir.join("bin")
    }
}

/// The toolchain directory for `toolchain` and the Xous libstd installed in `xous_sysroot`,
/// made under `cache` unless it is there already; `note` tells the user about slow steps.
pub(crate) fn prepare(
    toolchain: &Toolchain,
    xous_sysroot: &Path,
    cache: &Path,
    note: &dyn Fn(&str),
) -> Result<XtaskToolchain, HarnessError> {
    let version = toolchain.rustc().version()?;
    let compiler_sysroot = toolchain.rustc().sysroot()?;
    let xous_target = xous_sysroot.join("lib/rustlib").join(TARGET);
    let gate = xous_target.join("RUST_VERSION");
    match std::fs::read_to_string(&gate) {
        Ok(release) if release.trim() == version.release => {}
        found => {
            return Err(HarnessError::XousCore(format!(
                "xous-core's xtask accepts a Xous libstd only with a RUST_VERSION file equal to rustc's release ({}), and {} {}\nhelp: install the libstd for this rustc with `xous-sysroot install --rustc {}` (or run `cargo xous build` once)",
                version.release,
                gate.display(),
                match found {
                    Ok(text) => format!("says {:?}", text.trim()),
                    Err(_) => "does not exist".to_string(),
                },
                toolchain.rustc.display()
            )))
        }
    }
    let host = version.host.clone().ok_or_else(|| {
        HarnessError::Toolchain(format!(
            "`{} -vV` names no host triple",
            toolchain.rustc.display()
        ))
    })?;
    // The binaries themselves, not a rustup proxy or a bare name: the wrapper is found
    // first on the xtask's PATH, and a proxy would find the wrapper again.
    let rustc = real_binary(&compiler_sysroot, &toolchain.rustc, "rustc")?;
    let cargo = real_binary(&compiler_sysroot, &toolchain.cargo, "cargo")?;
    let toolchain = &Toolchain::new(rustc, cargo);
    let dir = cache.join("toolchains").join(version.dir_name());
    let made_from = format!(
        "rustc {}\ncargo {}\ncompiler sysroot {}\nxous libstd {}\n",
        toolchain.rustc.display(),
        toolchain.cargo.display(),
        compiler_sysroot.display(),
        xous_target.display()
    );
    let _lock = FileLock::exclusive(&dir.with_extension("lock"), || {
        note("waiting for another xous-run preparing the same toolchain")
    })?;
    if std::fs::read_to_string(dir.join(MADE_FROM)).is_ok_and(|t| t == made_from) {
        return Ok(XtaskToolchain { dir });
    }
    let partial = dir.with_extension("partial");
    remove_dir(&partial)?;
    let rustlib = partial.join("lib/rustlib");
    mkdir(&partial.join("bin"))?;
    mkdir(&rustlib)?;
    let wrapper = format!(
        "#!/bin/sh\n# Made by xous-run for xous-core's xtask: the firmware rustc with this directory as its sysroot.\nexec {} --sysroot {} \"$@\"\n",
        util::shell_quote(&toolchain.rustc.to_string_lossy()),
        util::shell_quote(&dir.to_string_lossy()),
    );
    write_executable(&partial.join("bin/rustc"), &wrapper)?;
    symlink(&toolchain.cargo, &partial.join("bin/cargo"))?;
    let compiler_rustlib = compiler_sysroot.join("lib/rustlib");
    for name in [host.as_str(), "src", "etc"] {
        if compiler_rustlib.join(name).exists() {
            symlink(&compiler_rustlib.join(name), &rustlib.join(name))?;
        }
    }
    symlink(&xous_target, &rustlib.join(TARGET))?;
    let mut none_elf = compiler_rustlib.join(NONE_ELF);
    if !none_elf.join("lib").is_dir() {
        let built = cache.join("none-elf").join(version.dir_name());
        none_elf = built.join("rustlib");
        if !none_elf.is_dir() {
            note(&format!(
                "building core and alloc for {NONE_ELF} (xous-core's kernel and loader) from rust-src, once per rustc: about a minute"
            ));
            let rlibs = build_none_elf(toolchain, &compiler_rustlib, &built.join("build"))?;
            let partial = built.join("rustlib.partial");
            remove_dir(&partial)?;
            mkdir(&partial.join("lib"))?;
            for rlib in rlibs {
                let to = partial
                    .join("lib")
                    .join(rlib.file_name().unwrap_or_default());
                std::fs::copy(&rlib, &to).map_err(|e| HarnessError::io("copy", &rlib, e))?;
            }
            std::fs::rename(&partial, &none_elf)
                .map_err(|e| HarnessError::io("rename", &partial, e))?;
        }
    }
    symlink(&none_elf, &rustlib.join(NONE_ELF))?;
    util::write_atomic(&partial.join(MADE_FROM), made_from.as_bytes())?;
    remove_dir(&dir)?;
    std::fs::rename(&partial, &dir).map_err(|e| HarnessError::io("rename", &partial, e))?;
    Ok(XtaskToolchain { dir })
}

/// `<sysroot>/bin/<name>` when it is there (the compiler's own binary, also behind a rustup
/// proxy), else `given` looked up on PATH when it is a bare name.
fn real_binary(sysroot: &Path, given: &Path, name: &str) -> Result<PathBuf, HarnessError> {
    let own = sysroot.join("bin").join(name);
    if own.is_file() {
        return Ok(own);
    }
    super::find_program(given).ok_or_else(|| {
            HarnessError::Toolchain(format!(
                "`{}` is neither in {} nor on PATH\nhelp: set XOUS_FIRMWARE_RUSTC and XOUS_FIRMWARE_CARGO to full paths",
                given.display(),
                sysroot.join("bin").display()
            ))
        })
}

/// Builds `core`, `alloc` and `compiler_builtins` (with its `mem` functions, which the
/// kernel needs) for [`NONE_ELF`] in `work` and returns their rlibs. Bitcode is embedded
/// because the loader is built with LTO.
fn build_none_elf(
    toolchain: &Toolchain,
    compiler_rustlib: &Path,
    work: &Path,
) -> Result<Vec<PathBuf>, HarnessError> {
    let library = compiler_rustlib.join("src/rust/library");
    if !library.join("Cargo.lock").is_file() {
        return Err(HarnessError::Toolchain(format!(
            "the firmware rustc '{}' has no {NONE_ELF} target and no rust-src ({} is missing) to build one from; xous-core's kernel and loader need it\nhelp: `rustup target add {NONE_ELF}` for that toolchain, or install its rust-src (`rustup component add rust-src`, Debian's rust-src package)",
            toolchain.rustc.display(),
            library.display()
        )));
    }
    remove_dir(work)?;
    mkdir(&work.join("src"))?;
    mkdir(&work.join(".cargo"))?;
    write(
        &work.join("Cargo.toml"),
        "[package]\nname = \"none-elf-core\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[profile.release]\npanic = \"abort\"\n",
    )?;
    write(
        &work.join("src/lib.rs"),
        "#![no_std]\nextern crate alloc;\n",
    )?;
    let vendor = library.join("vendor");
    let offline = vendor.is_dir();
    if offline {
        write(
            &work.join(".cargo/config.toml"),
            &format!(
                "[source.crates-io]\nreplace-with = \"rust-src-vendor\"\n\n[source.rust-src-vendor]\ndirectory = {}\n",
                util::toml_string(&vendor.to_string_lossy())
            ),
        )?;
    }
    let mut cmd = Command::new(&toolchain.cargo);
    util::env::scrub_cargo_env(&mut cmd);
    cmd.current_dir(work)
        .env("RUSTC", &toolchain.rustc)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUSTFLAGS", "-Cembed-bitcode=yes")
        .env("CARGO_TARGET_DIR", work.join("target"))
        .args(["build", "--release", "--target", NONE_ELF])
        .args([
            "-Zbuild-std=core,alloc,compiler_builtins",
            "-Zbuild-std-features=compiler-builtins-mem",
        ]);
    if offline {
        cmd.arg("--offline");
    }
    let command = util::command_line(&cmd);
    let out = cmd
        .output()
        .map_err(|e| HarnessError::io("run", &toolchain.cargo, e))?;
    if !out.status.success() {
        return Err(HarnessError::Build {
            what: format!("core and alloc for {NONE_ELF}"),
            command,
            output: util::tail(&String::from_utf8_lossy(&out.stderr), 30),
        });
    }
    let deps = work.join("target").join(NONE_ELF).join("release/deps");
    let mut rlibs = Vec::new();
    for entry in std::fs::read_dir(&deps).map_err(|e| HarnessError::io("read", &deps, e))? {
        let path = entry
            .map_err(|e| HarnessError::io("read", &deps, e))?
            .path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.ends_with(".rlib") && !name.starts_with("libnone_elf_core") {
            rlibs.push(path);
        }
    }
    Ok(rlibs)
}

fn mkdir(path: &Path) -> Result<(), HarnessError> {
    std::fs::create_dir_all(path).map_err(|e| HarnessError::io("create", path, e))
}

fn remove_dir(path: &Path) -> Result<(), HarnessError> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(HarnessError::io("remove", path, e))
        }
        _ => Ok(()),
    }
}

fn write(path: &Path, text: &str) -> Result<(), HarnessError> {
    std::fs::write(path, text).map_err(|e| HarnessError::io("write", path, e))
}

fn write_executable(path: &Path, text: &str) -> Result<(), HarnessError> {
    write(path, text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| HarnessError::io("make executable", path, e))?;
    }
    Ok(())
}

fn symlink(target: &Path, link: &Path) -> Result<(), HarnessError> {
    #[cfg(unix)]
    let made = std::os::unix::fs::symlink(target, link);
    #[cfg(not(unix))]
    let made = Err(std::io::Error::other(
        "the xous-core backend needs symbolic links (Unix)",
    ));
    made.map_err(|e| HarnessError::io("link", link, e))
}
