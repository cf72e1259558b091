//! The greeting, kept in a library so that it has tests to run on the target.

/// The line `hello-xous` prints for `args`.
pub fn greeting(args: &[String]) -> String {
    if args.is_empty() {
        "Hello from Xous! (no arguments)".to_string()
    } else {
        format!("Hello from Xous! arguments: {}", args.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greets_without_arguments() {
        assert_eq!(greeting(&[]), "Hello from Xous! (no arguments)");
    }

    #[test]
    fn lists_the_arguments() {
        let args = vec!["a".to_string(), "b".to_string()];
        assert_eq!(greeting(&args), "Hello from Xous! arguments: a b");
    }

    #[test]
    fn std_collections_and_threads_work_on_the_target() {
        let handle = std::thread::spawn(|| {
            let mut map = std::collections::HashMap::new();
            map.insert("xous", 1);
            map["xous"] + 1
        });
        assert_eq!(handle.join().unwrap(), 2);
    }

    #[cfg(feature = "failing-test")]
    #[test]
    fn fails_on_purpose() {
        assert_eq!(greeting(&[]), "something else", "this test fails on purpose");
    }
}
