//! Reads through a null pointer: the kernel must report a load page fault.
fn main() {
    println!("about to fault");
    let p = std::hint::black_box(0usize) as *const u32;
    let v = unsafe { core::ptr::read_volatile(p) };
    println!("unreachable: {v}");
}
