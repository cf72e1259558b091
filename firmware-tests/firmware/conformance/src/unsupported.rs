//! What the Xous target does not provide must fail with errors, not crash.
use std::io::ErrorKind;

pub fn fs() {
    let e = std::fs::File::open("/etc/hosts").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported, "{e}");
    assert!(std::fs::write("/tmp/x", b"data").is_err());
    assert!(std::fs::read_dir("/").is_err());
    assert!(std::env::current_dir().is_err());
}

pub fn net() {
    let e = std::net::TcpStream::connect("10.0.2.2:80").unwrap_err();
    println!("tcp connect: {e}");
    let e = std::net::UdpSocket::bind("0.0.0.0:0").unwrap_err();
    println!("udp bind: {e}");
    use std::net::ToSocketAddrs;
    let e = "example.com:80".to_socket_addrs().unwrap_err();
    println!("dns: {e}");
}

pub fn process_spawn() {
    let e = std::process::Command::new("ls").spawn().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported, "{e}");
    assert!(std::process::Command::new("true").status().is_err());
}
