use super::*;

#[test]
fn target_name_is_the_triple_or_the_json_stem() {
    assert_eq!(
        target_name("riscv32imac-unknown-xous-elf"),
        "riscv32imac-unknown-xous-elf"
    );
    assert_eq!(
        target_name("/x/armv7a-unknown-xous-elf.json"),
        "armv7a-unknown-xous-elf"
    );
    assert_eq!(
        target_dir("specs/armv7a-unknown-xous-elf.json"),
        Path::new("lib/rustlib/armv7a-unknown-xous-elf")
    );
}
