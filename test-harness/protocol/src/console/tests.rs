use super::*;

#[test]
fn channel_bytes_round_trip_and_never_collide_with_the_switch() {
    for c in [
        Channel::Stdout,
        Channel::Stderr,
        Channel::Kernel,
        Channel::Exit,
    ] {
        assert_eq!(Channel::from_byte(c.byte()), Some(c));
        assert_ne!(c.byte(), SWITCH);
    }
    assert_eq!(Channel::from_byte(b'?'), None);
    assert_eq!(Channel::from_byte(SWITCH), None);
}
