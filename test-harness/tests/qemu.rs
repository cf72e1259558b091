//! The test kernel and xous-run under QEMU: real firmware, real emulator runs.
//!
//! libstd comes from `test_harness::local_sysroot` (built once per target directory from
//! Debian's rust-src, installed through xous-sysroot); the firmware in `tests/firmware`
//! is built once for all tests.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;
use test_harness::{build_kernel, local_sysroot, Exit, FirmwareBuild, Runner, Toolchain};

struct Setup {
    kernel: PathBuf,
    firmware: HashMap<String, PathBuf>,
    build: FirmwareBuild,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let target_dir =
            test_harness::cargo_target_dir().expect("running inside a cargo target dir");
        let toolchain = Toolchain::from_env().unwrap();
        let sysroot = local_sysroot(&toolchain, &target_dir).unwrap();
        let xous_dir = target_dir.join("xous-firmware");
        let kernel = build_kernel(&toolchain, &sysroot, &xous_dir).unwrap();
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/firmware/Cargo.toml");
        let build = FirmwareBuild::new(manifest, &toolchain, &sysroot, &xous_dir);
        let firmware = build
            .build()
            .unwrap()
            .into_iter()
            .map(|a| (a.name, a.path))
            .collect();
        Setup {
            kernel,
            firmware,
            build,
        }
    })
}

fn runner() -> Runner {
    let mut r = Runner::new(&setup().kernel);
    r.timeout(Duration::from_secs(60));
    r
}

fn firmware(name: &str) -> &'static Path {
    &setup().firmware[name]
}

#[test]
fn hello_world_on_stdout_and_stderr_exit_0() {
    let out = runner().run(firmware("hello")).unwrap();
    assert_eq!(out.exit, Exit::Exited(0), "{}", out.report());
    assert_eq!(out.stdout(), "hello from the xous test kernel\n");
    assert_eq!(out.stderr(), "this line goes to stderr\n");
    assert!(out.kernel_log().is_empty(), "{}", out.report());
    assert!(out.instret.unwrap() > 10_000);
}

#[test]
fn exit_code_3_is_the_run_status() {
    let out = runner().arg("3").run(firmware("hello")).unwrap();
    assert_eq!(out.exit, Exit::Exited(3), "{}", out.report());
    assert_eq!(out.status(), 3);
}

#[test]
fn arguments_and_environment_reach_the_firmware() {
    let out = runner()
        .args(["first", "with space", "ünïcode"])
        .env("GREETING", "hi there")
        .run(firmware("args_env"))
        .unwrap();
    assert!(out.success(), "{}", out.report());
    assert_eq!(
        out.stdout(),
        "arg[0]=args_env\narg[1]=first\narg[2]=with space\narg[3]=ünïcode\n\
         GREETING=Ok(\"hi there\")\nMISSING=true\nvars=1\n"
    );
}

#[test]
fn panic_fails_the_run_with_its_message() {
    let out = runner().run(firmware("panic")).unwrap();
    assert_eq!(out.exit, Exit::Exited(101), "{}", out.report());
    assert!(
        out.stderr().contains("the firmware gave up: 0 values"),
        "{}",
        out.report()
    );
}

#[test]
fn fault_is_reported_with_cause_pc_and_address() {
    let out = runner().run(firmware("fault")).unwrap();
    assert_eq!(out.exit, Exit::Fault, "{}", out.report());
    assert_eq!(out.status(), test_harness::FAULT_STATUS);
    let log = out.kernel_log();
    assert!(
        log.contains("firmware fault: load page fault in thread 1 at pc 0x"),
        "{log}"
    );
    assert!(log.contains("address 0x00000000"), "{log}");
    assert_eq!(out.stdout(), "about to fault\n");
}

#[test]
fn hang_is_killed_at_the_timeout() {
    let out = runner()
        .timeout(Duration::from_secs(3))
        .run(firmware("hang"))
        .unwrap();
    assert_eq!(
        out.exit,
        Exit::Timeout(Duration::from_secs(3)),
        "{}",
        out.report()
    );
    assert_eq!(out.status(), test_harness::TIMEOUT_STATUS);
    assert_eq!(out.stdout(), "spinning\n");
    assert!(out.wall_time < Duration::from_secs(10));
}

#[test]
fn eight_threads_share_a_mutex_and_hand_off_through_a_condvar() {
    let out = runner().run(firmware("threads")).unwrap();
    assert!(out.success(), "{}", out.report());
    assert_eq!(
        out.stdout(),
        "counter=4000 turns=8 ids=[0, 1, 2, 3, 4, 5, 6, 7]\n"
    );
}

#[test]
fn sleep_matches_instant_and_counters_are_readable() {
    let out = runner()
        .utc_ms(1_700_000_000_000)
        .run(firmware("timing"))
        .unwrap();
    assert!(out.success(), "{}", out.report());
    let stdout = out.stdout();
    assert!(stdout.contains("slept_ms=120\n"), "{stdout}");
    assert!(stdout.contains("utc_s=1700000000\n"), "{stdout}");
    // Two back-to-back rdinstret: the delta is one instruction, exactly.
    assert!(stdout.contains("instret_delta=1\n"), "{stdout}");
}

#[test]
fn thread_locals_catch_unwind_and_resume_unwind() {
    let out = runner().run(firmware("runtime")).unwrap();
    assert!(out.success(), "{}", out.report());
    assert_eq!(
        out.stdout(),
        "main_local=5 thread_local=42 drops_after_thread=1\ncaught=true\nresumed_payload=7\n"
    );
    assert!(
        out.stderr().contains("caught on purpose"),
        "{}",
        out.report()
    );
}

#[test]
fn the_same_firmware_retires_the_same_instructions_three_times() {
    let counts: Vec<(u64, Vec<u8>)> = (0..3)
        .map(|_| {
            let out = runner().utc_ms(0).run(firmware("threads")).unwrap();
            assert!(out.success(), "{}", out.report());
            (out.instret.unwrap(), out.console.stdout)
        })
        .collect();
    assert_eq!(counts[0], counts[1]);
    assert_eq!(counts[1], counts[2]);
}

#[test]
fn cargo_test_with_xous_run_as_runner_reports_libtest_results_and_filters() {
    let s = setup();
    let runner = vec![
        env!("CARGO_BIN_EXE_xous-run").to_string(),
        "--kernel".to_string(),
        s.kernel.display().to_string(),
    ];
    let mut lib = s.build.clone();
    lib.arg("--lib");
    // All tests: two pass, one fails on purpose, and the summary reaches the host.
    let all = lib.run_tests(&runner, &[]).unwrap();
    let stdout = String::from_utf8_lossy(&all.stdout);
    assert!(!all.status.success());
    assert!(stdout.contains("test tests::adds ... ok"), "{stdout}");
    assert!(
        stdout.contains("test tests::deliberately_fails ... FAILED"),
        "{stdout}"
    );
    assert!(stdout.contains("this one fails on purpose"), "{stdout}");
    assert!(
        stdout.contains("test result: FAILED. 2 passed; 1 failed"),
        "{stdout}"
    );
    // A filter selects one test; the run then succeeds.
    let one = lib.run_tests(&runner, &["vec_grows"]).unwrap();
    let stdout = String::from_utf8_lossy(&one.stdout);
    assert!(
        one.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&one.stderr)
    );
    assert!(
        stdout
            .contains("test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 2 filtered out"),
        "{stdout}"
    );
}

#[test]
fn xous_run_exit_status_and_streams_are_the_firmware_s() {
    let s = setup();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xous-run"))
        .arg("--kernel")
        .arg(&s.kernel)
        .arg(firmware("hello"))
        .arg("3")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "hello from the xous test kernel\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "this line goes to stderr\n"
    );
}

#[test]
fn missing_emulators_get_an_install_hint() {
    let mut r = runner();
    r.program("/nonexistent/qemu-system-riscv32");
    let err = r.run(firmware("hello")).unwrap_err().to_string();
    assert!(err.contains("apt-get install qemu-system-misc"), "{err}");
    let mut r = runner();
    r.backend(test_harness::Backend::Renode)
        .program("/nonexistent/renode");
    let err = r.run(firmware("hello")).unwrap_err().to_string();
    assert!(err.contains("https://renode.io"), "{err}");
}

/// A stand-in for `renode` (Renode cannot be installed here). It reads the generated
/// `.resc` and boots exactly what it names (the kernel ELF, each binary at its address,
/// the UART into the file backend) under QEMU, and plays what a real Renode 1.13.3 did
/// in the runs the issue reports:
/// - `--version` prints `Renode, version <version>.1 (stand-in)`;
/// - a second platform description overriding the CPU's constructor is refused with
///   `Error E35` and it waits at its prompt (as does `refuse`, for any script);
/// - it quits at the end of its standard input, stopping the machine;
/// - it prints `Machine started.` after `delay` seconds of start-up.
///
/// It also refuses to boot (exit 3) unless the platform description is one `using` the
/// stock `riscv_virt.repl` with the `cpuType` the harness picks for that version, the
/// boot block does not promise QEMU's exit device, and `TMPDIR` is a directory inside the
/// run's own (whose name does not start with `renode-`). It checks the harness's side of
/// these, not Renode itself.
fn fake_renode(dir: &Path, version: &str, delay: u32, refuse: bool) -> PathBuf {
    let fake = dir.join(format!("renode-{version}"));
    let cpu = if version.starts_with("1.13.") {
        "rv32imacsu"
    } else {
        "rv32imacsu_zicsr_zifencei"
    };
    let body = r#"#!/bin/sh
if [ "$1" = "--version" ]; then echo "Renode, version @VERSION@.1 (stand-in)"; exit 0; fi
script="$(eval echo \${$#})"
rundir="$(cd "$(dirname "$script")" && pwd)"
prompt_error() {
  echo "There was an error executing command '$1'"
  echo "$2"
  exec cat >/dev/null
}
stand_in_refuses() { echo "stand-in: $1" >&2; exit 3; }
case "$(basename "$rundir")" in renode-*) stand_in_refuses "run directory named renode-*";; esac
case "$TMPDIR" in "$rundir"/*) [ -d "$TMPDIR" ] || stand_in_refuses "TMPDIR $TMPDIR missing";;
  *) stand_in_refuses "TMPDIR ($TMPDIR) is not inside the run's directory $rundir";; esac
loads=$(grep -c '^machine LoadPlatformDescription' "$script")
if [ "$loads" -gt 1 ] && grep -q '^machine LoadPlatformDescriptionFromString.*cpuType' "$script"; then
  prompt_error "$(grep '^machine LoadPlatformDescriptionFromString' "$script" | head -1)" \
    "Error E35: Constructor attribute within entry for variable that is not created."
fi
if [ "@REFUSE@" = yes ]; then
  prompt_error "sysbus LoadELF" "Error E99: stand-in refuses this script on purpose."
fi
repl="$(sed -n 's/^machine LoadPlatformDescription @//p' "$script")"
[ "$(grep -v '^//' "$repl" | head -1)" = 'using "platforms/cpus/riscv_virt.repl"' ] \
  || stand_in_refuses "the platform does not start with using riscv_virt.repl"
grep -qx '    cpuType: "@CPU@"' "$repl" || stand_in_refuses "no cpuType @CPU@ in $repl"
set -- -machine virt -bios none -display none -monitor none -m 256M \
       -icount shift=0,align=off,sleep=off
while read -r a b c d; do
  case "$a $b" in
    "sysbus LoadELF") set -- "$@" -kernel "${c#@}" ;;
    "sysbus LoadBinary")
      set -- "$@" -device "loader,file=${c#@},addr=$d,force-raw=on"
      if [ "$d" = 0x80200000 ] && [ $(( $(od -An -t u4 -j 32 -N 4 "${c#@}") & 1 )) = 1 ]; then
        stand_in_refuses "the boot block promises QEMU's exit device"
      fi ;;
    "sysbus.uart0 CreateFileBackend") set -- "$@" -serial "file:${c#@}" ;;
  esac
done < "$script"
sleep @DELAY@
echo "12:00:00.0000 [INFO] xous-run: Machine started."
exec 3<&0
( cat <&3 >/dev/null; echo "stand-in: end of input, quitting"; kill $$ ) &
exec qemu-system-riscv32 "$@" 3<&-
"#;
    let text = body
        .replace("@VERSION@", version)
        .replace("@CPU@", cpu)
        .replace("@DELAY@", &delay.to_string())
        .replace("@REFUSE@", if refuse { "yes" } else { "no" });
    std::fs::write(&fake, text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    fake
}

/// The Renode backend end to end on the stand-in, as Renode 1.13.3 (with a start-up
/// longer than the run's timeout, which must not count) and as 1.16.1.
#[test]
fn renode_backend_script_boots_under_a_qemu_stand_in() {
    let dir = tempfile::tempdir().unwrap();
    for (version, delay) in [("1.13.3", 4), ("1.16.1", 0)] {
        let fake = fake_renode(dir.path(), version, delay, false);
        let out = runner()
            .backend(test_harness::Backend::Renode)
            .program(&fake)
            .timeout(Duration::from_secs(3))
            .arg("3")
            .run(firmware("hello"))
            .unwrap();
        assert_eq!(out.exit, Exit::Exited(3), "{version}: {}", out.report());
        assert_eq!(out.stdout(), "hello from the xous test kernel\n");
        assert_eq!(out.stderr(), "this line goes to stderr\n");
        assert!(out.kernel_log().is_empty(), "{}", out.report());
        assert!(out.wall_time >= Duration::from_secs(delay.into()));
    }
}

/// An error at Renode's prompt fails the run at once, with the message and its own exit
/// status, instead of waiting for the timeout.
#[test]
fn renode_errors_fail_the_run_at_once_with_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake_renode(dir.path(), "1.13.3", 0, true);
    let started = std::time::Instant::now();
    let err = runner()
        .backend(test_harness::Backend::Renode)
        .program(&fake)
        .timeout(Duration::from_secs(120))
        .run(firmware("hello"))
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(20));
    let test_harness::HarnessError::EmulatorError { message, dir, .. } = &err else {
        panic!("{err}")
    };
    assert!(
        message.contains("There was an error executing command 'sysbus LoadELF'"),
        "{message}"
    );
    assert!(message.contains("Error E99: stand-in refuses"), "{message}");
    // The script is kept to reproduce the run by hand.
    assert!(dir.join("run.resc").is_file(), "{err}");
    std::fs::remove_dir_all(dir).unwrap();

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xous-run"))
        .env("XOUS_RUN_BACKEND", "renode")
        .env("XOUS_RUN_EMULATOR", &fake)
        .arg("--kernel")
        .arg(&setup().kernel)
        .arg(firmware("hello"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(test_harness::EMULATOR_ERROR_STATUS),
        "{stderr}"
    );
    assert!(stderr.contains("Error E99"), "{stderr}");
    let kept = stderr
        .lines()
        .find_map(|l| l.strip_prefix("the run's files are kept in "))
        .and_then(|l| l.strip_suffix(" to reproduce it by hand"))
        .unwrap();
    std::fs::remove_dir_all(kept).unwrap();
}
