//! Which rustc and cargo the wrapped cargo will use, found exactly as cargo finds them, and the
//! rustc's identity (cached by the binary's size and mtime, as cargo caches `rustc -vV`).

use std::path::{Path, PathBuf};
use std::process::Command;

use xous_sysroot::{Rustc, RustcVersion};

use crate::cli::Invocation;

/// The compiler pair cargo will use.
#[derive(Debug, Clone)]
pub struct Toolchain {
    /// The rustc: `RUSTC`, else `build.rustc`, else the toolchain's own `bin/rustc` when rustup
    /// runs us (it sets `RUSTUP_HOME` and `RUSTUP_TOOLCHAIN`), else `rustc` on `PATH`.
    pub rustc: PathBuf,
    /// The cargo: `CARGO` (cargo sets it for its subcommands), else `cargo` on `PATH`.
    pub cargo: PathBuf,
    /// `+toolchain` given to `cargo xous` itself: passed to rustup's proxies.
    toolchain: Option<String>,
}

impl Toolchain {
    /// Finds the pair for `plus_toolchain` (`cargo xous +name …`) and the user's `build.rustc`.
    pub fn resolve(plus_toolchain: Option<&str>, config_rustc: Option<&Path>) -> Toolchain {
        let env_path = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        if let Some(name) = plus_toolchain {
            // rustup's proxies pick the toolchain from RUSTUP_TOOLCHAIN, as for `cargo +name`.
            return Toolchain {
                rustc: env_path("RUSTC").unwrap_or_else(|| "rustc".into()),
                cargo: "cargo".into(),
                toolchain: Some(name.to_string()),
            };
        }
        let rustc = env_path("RUSTC")
            .or_else(|| config_rustc.map(Path::to_path_buf))
            .or_else(|| {
                let home = env_path("RUSTUP_HOME")?;
                let name = std::env::var("RUSTUP_TOOLCHAIN").ok()?;
                let rustc = home.join("toolchains").join(name).join("bin/rustc");
                rustc.is_file().then_some(rustc)
            })
            .unwrap_or_else(|| "rustc".into());
        Toolchain {
            rustc,
            cargo: env_path("CARGO").unwrap_or_else(|| "cargo".into()),
            toolchain: None,
        }
    }

    /// The rustc as xous-sysroot sees it.
    pub fn rustc(&self) -> Rustc {
        match &self.toolchain {
            Some(name) => Rustc::toolchain(name),
            None => Rustc::new(&self.rustc),
        }
    }

    /// The same rustc as a command for cargo-config2's `rustc --print cfg`: for `+toolchain`
    /// run by rustup with that toolchain (as cargo runs it with `RUSTUP_TOOLCHAIN`), else by path.
    pub fn cfg_rustc(&self) -> crate::config::CfgRustc {
        match &self.toolchain {
            Some(name) => crate::config::CfgRustc {
                program: "rustup".into(),
                args: vec!["run".into(), name.into(), self.rustc.clone().into()],
            },
            None => crate::config::CfgRustc {
                program: self.rustc.clone(),
                args: Vec::new(),
            },
        }
    }

    /// The rustdoc to give cargo when `RUSTC` names the rustc and `RUSTDOC` is unset: the one
    /// beside that rustc, since a rustdoc of another toolchain cannot read its libstd (E0514).
    /// `None` when cargo's own choice is right. When there is none beside it and `needed`
    /// (the subcommand runs rustdoc), an error naming both versions, before anything is built.
    pub fn rustdoc(&self, needed: bool) -> Result<Option<PathBuf>, String> {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        if self.toolchain.is_some() || !set("RUSTC") || set("RUSTDOC") {
            return Ok(None);
        }
        let name = format!("rustdoc{}", std::env::consts::EXE_SUFFIX);
        let beside = self.rustc.with_file_name(&name);
        if self.rustc.components().count() > 1 && beside.is_file() {
            return Ok(Some(beside));
        }
        if !needed {
            return Ok(None);
        }
        let rustc = self
            .rustc()
            .version()
            .map(|v| v.identity())
            .unwrap_or_else(|e| format!("of unknown version ({e})"));
        let on_path = Command::new(&name)
            .arg("-V")
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
            .unwrap_or_else(|| "none".to_owned());
        Err(format!(
            "RUSTC is {} (rustc {rustc}), but there is no {} beside it, and the rustdoc on PATH              ({on_path}) is of another toolchain: its doctests would fail with E0514
             help: set RUSTDOC to the rustdoc of the same toolchain as RUSTC",
            self.rustc.display(),
            beside.display()
        ))
    }

    /// `cargo <args>` for this toolchain.
    pub fn cargo_command(&self, inv: &Invocation) -> Command {
        let mut cmd = Command::new(&self.cargo);
        if let Some(name) = &self.toolchain {
            cmd.env("RUSTUP_TOOLCHAIN", name);
        }
        cmd.args(inv.cargo_args());
        cmd
    }

    /// The rustc's `-vV` identity. For a rustc named by path it is cached under `cache_dir`,
    /// keyed by the binary's path, size and mtime, so a no-op `cargo xous build` spawns no rustc.
    pub fn version(&self, cache_dir: &Path) -> Result<RustcVersion, String> {
        let key = self.cache_key();
        let file = key
            .as_ref()
            .map(|k| cache_dir.join("rustc-info").join(format!("{k}.txt")));
        if let Some(text) = file.as_ref().and_then(|f| std::fs::read_to_string(f).ok()) {
            if let Ok(v) = RustcVersion::parse(&text) {
                return Ok(v);
            }
        }
        let version = self.rustc().version().map_err(|e| e.to_string())?;
        if let Some(file) = file {
            // Best effort: a cache that cannot be written only costs a rustc run next time.
            let _ = xous_sysroot::util::write_atomic(&file, verbose_text(&version).as_bytes());
        }
        Ok(version)
    }

    fn cache_key(&self) -> Option<String> {
        if self.toolchain.is_some() || self.rustc.components().count() < 2 {
            return None;
        }
        let meta = std::fs::metadata(&self.rustc).ok()?;
        let mtime = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        let key = format!(
            "{}\n{}\n{}.{}",
            self.rustc.display(),
            meta.len(),
            mtime.as_secs(),
            mtime.subsec_nanos()
        );
        Some(xous_sysroot::util::sha256_bytes(key.as_bytes())[..32].to_string())
    }
}

/// `version` in the `rustc -vV` form that [`RustcVersion::parse`] reads back.
fn verbose_text(version: &RustcVersion) -> String {
    let field = |name: &str, value: &Option<String>| {
        value
            .as_ref()
            .map(|v| format!("{name}: {v}\n"))
            .unwrap_or_default()
    };
    format!(
        "rustc {}\nrelease: {}\n{}{}{}",
        version.identity(),
        version.release,
        field("commit-hash", &version.commit_hash),
        field("commit-date", &version.commit_date),
        field("host", &version.host)
    )
}

/// `xous-run`: beside this program (as `cargo install` puts both), else on `PATH`.
pub fn find_xous_run() -> Result<PathBuf, String> {
    let name = format!("xous-run{}", std::env::consts::EXE_SUFFIX);
    if let Some(beside) = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(&name)))
        .filter(|p| p.is_file())
    {
        return Ok(beside);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(&name))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            format!(
                "`xous-run` (the runner that boots target programs under QEMU) was not found beside cargo-xous or on PATH\n\
                 help: install it with `cargo install --git {} test-harness --bin xous-run`, or configure your own \
                 `target.<triple>.runner`",
                env!("CARGO_PKG_REPOSITORY")
            )
        })
}
