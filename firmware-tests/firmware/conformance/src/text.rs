//! Formatting, float conversion, UTF-8.

pub fn format_every_formatter() {
    #[derive(Debug)]
    #[allow(dead_code)]
    struct P {
        x: i32,
        name: &'static str,
    }
    assert_eq!(format!("{}", 42), "42");
    assert_eq!(format!("{:?}", "q\"uote"), "\"q\\\"uote\"");
    assert_eq!(format!("{:x} {:X} {:#x}", 255, 255, 255), "ff FF 0xff");
    assert_eq!(format!("{:o} {:#o}", 8, 8), "10 0o10");
    assert_eq!(format!("{:b} {:#010b}", 5, 5), "101 0b00000101");
    assert_eq!(
        format!("{:e} {:E}", 1234.5f64, 0.00012f64),
        "1.2345e3 1.2E-4"
    );
    assert_eq!(format!("{:p}", std::ptr::null::<u8>()), "0x0");
    assert_eq!(
        format!("[{:>6}] [{:<6}] [{:^6}] [{:*^7}]", "ab", "ab", "ab", "ab"),
        "[    ab] [ab    ] [  ab  ] [**ab***]"
    );
    assert_eq!(format!("{:+} {:05} {:<5}|", 7, -42, 3), "+7 -0042 3    |");
    assert_eq!(
        format!("{:.3} {:8.2} {:.*}", 3.14159, 2.5, 1, 9.99),
        "3.142     2.50 10.0"
    );
    assert_eq!(format!("{0} {0} {name}", 1, name = "n"), "1 1 n");
    assert_eq!(
        format!("{:?}", P { x: 1, name: "p" }),
        "P { x: 1, name: \"p\" }"
    );
    assert_eq!(format!("{:#?}", (1, 2)), "(\n    1,\n    2,\n)");
    assert_eq!(
        format!("{:?} {:?}", Some(1u8), [1.5f32, -0.0]),
        "Some(1) [1.5, -0.0]"
    );
    assert_eq!(
        format!("{}", u128::MAX),
        "340282366920938463463374607431768211455"
    );
    assert_eq!(format!("{}", i64::MIN), "-9223372036854775808");
}

pub fn floats_format_and_parse() {
    assert_eq!(format!("{}", 0.1f64 + 0.2), "0.30000000000000004");
    assert_eq!(format!("{}", 1e21f64), "1000000000000000000000");
    assert_eq!(
        format!("{} {} {}", f64::INFINITY, f64::NEG_INFINITY, f64::NAN),
        "inf -inf NaN"
    );
    assert_eq!(
        format!("{}", f32::MAX),
        "340282350000000000000000000000000000000"
    );
    assert_eq!(format!("{:?}", 1.0f64), "1.0");
    assert_eq!("3.25".parse::<f32>(), Ok(3.25));
    assert_eq!("-1e-7".parse::<f64>(), Ok(-1e-7));
    assert_eq!("inf".parse::<f64>(), Ok(f64::INFINITY));
    assert!("nan".parse::<f64>().unwrap().is_nan());
    assert!("1.2.3".parse::<f64>().is_err());
    // Round trip of awkward values.
    for v in [
        f64::MIN_POSITIVE,
        5e-324,
        123456.789e-3,
        2f64.powi(60) + 1.0,
        -0.0,
    ] {
        assert_eq!(v.to_string().parse::<f64>().unwrap().to_bits(), v.to_bits());
    }
    assert_eq!((2.0f64).sqrt().to_string(), "1.4142135623730951");
    assert_eq!((1.5f64).powf(2.5).to_string(), "2.7556759606310752");
}

pub fn utf8() {
    let s = "héllo wörld ✓ 𝄞";
    assert_eq!(s.len(), 22);
    assert_eq!(s.chars().count(), 15);
    assert_eq!(s.to_uppercase(), "HÉLLO WÖRLD ✓ 𝄞");
    assert_eq!(s.char_indices().nth(2), Some((3, 'l')));
    assert!(std::str::from_utf8(std::hint::black_box(&[0xff, 0xfe])).is_err());
    assert_eq!(String::from_utf8_lossy(b"ok\xffok"), "ok\u{fffd}ok");
    let utf16: Vec<u16> = s.encode_utf16().collect();
    assert_eq!(String::from_utf16(&utf16).unwrap(), s);
    assert_eq!(
        s.split(' ').collect::<Vec<_>>(),
        ["héllo", "wörld", "✓", "𝄞"]
    );
    assert!(s.is_char_boundary(1) && !s.is_char_boundary(2));
    assert_eq!('ß'.len_utf8(), 2);
    assert_eq!("Straße".replace('ß', "ss"), "Strasse");
}

pub fn to_string() {
    assert_eq!(42u8.to_string(), "42");
    assert_eq!((-7i128).to_string(), "-7");
    assert_eq!('x'.to_string(), "x");
    assert_eq!(true.to_string(), "true");
    assert_eq!(2.5f32.to_string(), "2.5");
    assert_eq!(std::net::Ipv4Addr::new(10, 0, 0, 1).to_string(), "10.0.0.1");
    assert_eq!(
        std::time::Duration::from_millis(1500)
            .as_secs_f32()
            .to_string(),
        "1.5"
    );
    let e: Box<dyn std::error::Error> = "boom".into();
    assert_eq!(e.to_string(), "boom");
    assert_eq!("12".parse::<u16>().unwrap().to_string() + "3", "123");
}
