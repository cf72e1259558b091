//! The installer's progress drawn as a terminal bar, for the CLI and `cargo xous`.

use crate::Progress;

/// A terminal progress bar (on stderr) drawn from the installer's [`Progress`] events: give it to
/// [`Installer::progress`](crate::Installer::progress) when stderr is a terminal.
pub fn progress_bar() -> impl Fn(&Progress) + Send + Sync + 'static {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {msg} {bytes}/{total_bytes} {wide_bar} {eta}",
        )
        .expect("valid template"),
    );
    move |event: &Progress| match event {
        Progress::WaitingForLock { path } => {
            bar.set_message(format!("waiting for another install ({path})"))
        }
        Progress::Resolving { source } => bar.set_message(format!("asking {source}")),
        Progress::Downloading { bytes, total, .. } => {
            bar.set_message("downloading");
            if let Some(total) = total {
                bar.set_length(*total);
            }
            bar.set_position(*bytes);
        }
        Progress::SmokeTest => bar.set_message("checking the library with rustc"),
        Progress::Retrying { error, attempt } => {
            bar.println(format!("retrying (attempt {attempt}) after: {error}"))
        }
    }
}
