//! Progress events reported to the caller's callback (the CLI draws a bar from them; build
//! scripts stay quiet).

use std::sync::Arc;

/// One thing the installer is doing, reported through [`Installer::progress`](crate::Installer::progress).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Progress {
    /// Another process holds the install lock; waiting for it.
    WaitingForLock {
        /// The lock file.
        path: String,
    },
    /// Asking a source what it offers.
    Resolving {
        /// The source.
        source: String,
    },
    /// Bytes of an archive received (from the network, or re-read from a partial file).
    Downloading {
        /// The archive's URL.
        url: String,
        /// Bytes so far.
        bytes: u64,
        /// Total bytes when known.
        total: Option<u64>,
    },
    /// Checking the library with the compiler.
    SmokeTest,
    /// A transient failure; trying again after a pause.
    Retrying {
        /// What failed.
        error: String,
        /// The attempt about to start, from 2.
        attempt: u32,
    },
    /// A source could not be asked (unreachable, the network failed, a rate limit): the next
    /// source is tried. A source that answered "not here" falls through silently.
    FallingThrough {
        /// The source that failed.
        source: String,
        /// Its error, with its `help:` line.
        error: String,
        /// The source tried next.
        next: String,
    },
    /// No prebuilt libstd was found: building one from the toolchain's `rust-src` (the slow
    /// path, a minute or two), announced only when the build really starts.
    BuildingFromSource {
        /// The identity of the rustc it is built for and with.
        rustc: String,
        /// The `rust-src` directory it is built from.
        rust_src: String,
    },
}

impl Progress {
    /// The line worth printing for this event even where no progress bar is drawn, if any.
    pub fn notice(&self) -> Option<String> {
        match self {
            Progress::BuildingFromSource { rustc, rust_src } => Some(format!(
                "no prebuilt libstd for rustc {rustc}; building it from rust-src at {rust_src}, about 1-2 minutes"
            )),
            Progress::FallingThrough {
                source,
                error,
                next,
            } => Some(format!(
                "warning: {source} failed: {error}\nnote: trying {next} instead"
            )),
            Progress::Retrying { error, attempt } => {
                // The first line: the error's `help:` is said once, by whatever ends the tries.
                let what = error.lines().next().unwrap_or_default();
                Some(format!("retrying (attempt {attempt}) after: {what}"))
            }
            _ => None,
        }
    }
}

/// The callback type.
pub(crate) type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Calls the callback if there is one.
pub(crate) fn report(callback: &Option<ProgressFn>, event: Progress) {
    if let Some(f) = callback {
        f(&event);
    }
}
