//! Unit tests here run as a libtest binary on the target (`cargo test` with xous-run).

/// Adds two numbers (something for the tests below to call).
pub fn add(a: u32, b: u32) -> u32 {
    a + b
}

#[cfg(test)]
mod tests {
    #[test]
    fn adds() {
        assert_eq!(super::add(2, 2), 4);
    }

    #[test]
    fn vec_grows() {
        let v: Vec<u32> = (0..1000).collect();
        assert_eq!(v.iter().sum::<u32>(), 499_500);
    }

    #[test]
    fn deliberately_fails() {
        assert_eq!(super::add(1, 1), 3, "this one fails on purpose");
    }
}
