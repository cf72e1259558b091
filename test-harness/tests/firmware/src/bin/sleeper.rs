//! Never ends, but keeps the system busy with timer messages (sleeps): the harness must
//! kill it at the timeout. (On real Xous a program that only spins, like `hang`, lets the
//! SoC watchdog expire instead.)
fn main() {
    println!("sleeping forever");
    loop {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
