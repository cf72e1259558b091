//! Fixtures shared by the alloc tests' unit tests.

pub(crate) const EXPECTATIONS: &str = r#"
# comment
[[failure]]
binary = "alloctests"
test = "x::fails" # trailing comment
reason = "needs a file system: \"fs\" # is unsupported"

[[failure]]
binary = "alloctests-lib"
test = "y::fixed"
reason = 'test kernel: bug'

[[failure]]
binary = "alloctests"
test = "slow::fails"
reason = "r"

[[failure]]
binary = "alloctests"
test = "gone"
reason = "r"

[[slow]]
binary = "alloctests"
filter = "slow::"
reason = "seconds each"
"#;
