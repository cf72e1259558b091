use super::*;
use crate::layout::Layout;

fn launch<'a>(dir: &'a Path) -> Launch<'a> {
    Launch {
        program: Path::new("renode"),
        kernel: Path::new("/k/kernel"),
        boot: "/w/boot.bin".into(),
        params: "/w/params.bin".into(),
        firmware: "/fw/app".into(),
        layout: Layout::new(256 << 20, 100, 5000).unwrap(),
        ram_mib: 256,
        dir,
    }
}

#[test]
fn script_loads_one_platform_every_image_at_its_address_and_captures_the_uart() {
    let s = script(
        &launch(Path::new("/w")),
        Path::new("/w/platform.repl"),
        Path::new("/w/console.bin"),
        "TMPDIR=/w/tmp renode --console --disable-xwt --plain /w/run.resc",
    );
    let (comments, lines): (Vec<&str>, Vec<&str>) = s.lines().partition(|l| l.starts_with('#'));
    assert_eq!(
        lines,
        [
            "mach create \"xous-run\"",
            "machine LoadPlatformDescription @/w/platform.repl",
            "sysbus LoadELF @/k/kernel",
            "sysbus LoadBinary @/w/boot.bin 0x80200000",
            "sysbus LoadBinary @/w/params.bin 0x80201000",
            "sysbus LoadBinary @/fw/app 0x80202000",
            "sysbus.cpu PC 0x80000000",
            "sysbus.uart0 CreateFileBackend @/w/console.bin true",
            "start",
        ]
    );
    assert!(
        comments[1].ends_with("TMPDIR=/w/tmp renode --console --disable-xwt --plain /w/run.resc"),
        "{comments:?}"
    );
}

#[test]
fn the_platform_uses_the_stock_one_and_updates_the_cpu_type() {
    let p = platform("rv32imacsu");
    let lines: Vec<&str> = p
        .lines()
        .filter(|l| !l.starts_with("//") && !l.is_empty())
        .collect();
    assert_eq!(
        lines,
        [
            "using \"platforms/cpus/riscv_virt.repl\"",
            "cpu:",
            "    cpuType: \"rv32imacsu\"",
        ]
    );
}

#[test]
fn the_cpu_type_follows_the_version() {
    assert_eq!(
        parse_version("Renode, version 1.13.3.31238 (b5e5ff28-202303071503)"),
        Some((1, 13, 3))
    );
    assert_eq!(
        parse_version("Renode v1.16.1.17033\nbuild: d66b0c2a"),
        Some((1, 16, 1))
    );
    assert_eq!(parse_version("command not found"), None);
    assert_eq!(cpu_type(Some((1, 13, 3))), "rv32imacsu");
    assert_eq!(cpu_type(Some((1, 12, 0))), "rv32imacsu");
    assert_eq!(cpu_type(Some((1, 14, 0))), "rv32imacsu_zicsr_zifencei");
    assert_eq!(cpu_type(Some((1, 16, 1))), "rv32imacsu_zicsr_zifencei");
    assert_eq!(cpu_type(None), "rv32imacsu_zicsr_zifencei");
}

#[test]
fn renode_s_error_lines_are_recognised() {
    for line in [
        "There was an error executing command 'machine LoadPlatformDescriptionFromString \"x\"'",
        "Error E35: Constructor attribute within entry for variable that is not created.",
        "12:00:01.1234 [ERROR] Error E12: something",
    ] {
        assert!(is_error(line), "{line}");
        assert_eq!(Renode.classify(line), Signal::Error);
    }
    for line in [
        "[WARNING] cpu: Error Etc is not a code",
        "[INFO] xous-run: Machine started.",
        "Error E: no digits",
    ] {
        assert!(!is_error(line), "{line}");
    }
    assert_eq!(
        Renode.classify("12:00:00.5 [INFO] xous-run: Machine started."),
        Signal::MachineStarted
    );
}

#[test]
fn renode_runs_headless_with_the_script() {
    let args = arguments(Path::new("/w/run.resc"));
    assert_eq!(
        args,
        ["--console", "--disable-xwt", "--plain", "/w/run.resc"]
    );
}
