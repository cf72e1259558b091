//! Which of Rust's library test crates run, and which of their binaries and tests.

/// Which cargo target of the upstream crate a binary is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The library's unit tests (`cargo test --lib`).
    Lib,
    /// An integration test (`cargo test --test NAME`).
    Test(&'static str),
}

/// One libtest binary of a [`Suite`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binary {
    /// The name in reports and in the expectations file (unique over [`SUITES`]).
    pub name: &'static str,
    /// The cargo target it is built from.
    pub target: Target,
}

/// An upstream test crate under `library/` and the part of it that runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suite {
    /// The crate's directory under `library/` (also its package name).
    pub krate: &'static str,
    /// Its binaries.
    pub binaries: &'static [Binary],
    /// Name prefixes of the tests that run; empty for all.
    pub select: &'static [&'static str],
}

/// `library/alloctests`: its unit tests (`lib.rs`, which compiles alloc's collections,
/// raw_vec and wtf8 modules with their tests) and its integration tests.
pub const ALLOCTESTS: Suite = Suite {
    krate: "alloctests",
    binaries: &[
        Binary {
            name: "alloctests-lib",
            target: Target::Lib,
        },
        Binary {
            name: "alloctests",
            target: Target::Test("alloctests"),
        },
        Binary {
            name: "vec_deque_alloc_error",
            target: Target::Test("vec_deque_alloc_error"),
        },
    ],
    select: &[],
};

/// The collection tests of `library/coretests` (arrays, iterators, slices): the rest of
/// the crate (mostly `num::`, with tests that run for minutes here) is left out.
pub const CORETESTS_COLLECTIONS: Suite = Suite {
    krate: "coretests",
    binaries: &[Binary {
        name: "coretests",
        target: Target::Test("coretests"),
    }],
    select: &["array::", "iter::", "slice::"],
};

/// Every suite this module knows.
pub const SUITES: &[Suite] = &[ALLOCTESTS, CORETESTS_COLLECTIONS];

/// Set to `1` to run the tests the expectations file marks slow as well.
pub const FULL_ENV: &str = "XOUS_ALLOCTESTS_FULL";

/// Whether [`FULL_ENV`] asks for the slow tests too.
pub fn full_from_env() -> bool {
    std::env::var(FULL_ENV).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The report names of every binary of [`SUITES`], in order.
pub fn binary_names() -> Vec<&'static str> {
    SUITES
        .iter()
        .flat_map(|s| s.binaries.iter().map(|b| b.name))
        .collect()
}

#[cfg(test)]
mod tests;
