//! The installer's progress drawn as a terminal bar, for the CLI and `cargo xous`.

use crate::Progress;

/// A terminal progress bar (on stderr) drawn from the installer's [`Progress`] events: give it to
/// [`Installer::progress`](crate::Installer::progress) when stderr is a terminal.
pub fn progress_bar() -> impl Fn(&Progress) + Send + Sync + 'static {
    let bar =
        indicatif::ProgressBar::new_spinner().with_finish(indicatif::ProgressFinish::AndClear);
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
        Progress::Retrying { .. } | Progress::FallingThrough { .. } => {
            bar.println(event.notice().unwrap_or_default())
        }
        Progress::BuildingFromSource { .. } => {
            bar.println(event.notice().unwrap_or_default());
            bar.set_message("building libstd from rust-src");
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
        }
    }
}

/// What a command-line tool shows on stderr: the [`progress_bar`] on a terminal, otherwise
/// only the events' [`Progress::notice`] lines (no bar in logs and pipes).
pub fn stderr_progress() -> Box<dyn Fn(&Progress) + Send + Sync + 'static> {
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        Box::new(progress_bar())
    } else {
        Box::new(|event: &Progress| {
            if let Some(line) = event.notice() {
                eprintln!("{line}");
            }
        })
    }
}
