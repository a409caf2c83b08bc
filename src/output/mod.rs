//! Output shared by all commands: stdout for results (table or JSON), stderr for people.
//!
//! Printing never decides the exit code. A closed pipe (`ecrctl … | head`) only stops
//! further printing; any other failure to write stdout or a report (disk full, a folder
//! given as a file) is recorded here and turns a success into exit 3 at the edge, without
//! hiding a "no" verdict (docs/conventions.md, "Exit codes").

pub mod failure;
mod json;
mod paint;
mod schema;
mod settings;
mod text;

use std::io::{self, IsTerminal, Write};
use std::sync::Mutex;

use comfy_table::{ContentArrangement, Table, presets};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::error::CliError;

pub use json::to_pretty_bytes;
pub use paint::Paint;
pub use schema::{SCHEMA_VERSION, SchemaVersion};
pub use settings::{OutputFormat, OutputSettings};
pub use text::{confirm, count, human_bytes, sanitize, sanitize_field, to_stderr};

/// How this run prints: format, colour, verbosity, progress; and what went wrong printing.
#[derive(Debug)]
pub struct Printer {
    pub format: OutputFormat,
    pub quiet: bool,
    pub stderr_paint: Paint,
    stdout_color: bool,
    progress: bool,
    stdout: Mutex<StdoutState>,
    failures: Mutex<Vec<CliError>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StdoutState {
    Open,
    /// The reader went away (EPIPE): print nothing more, decide nothing.
    Closed,
    /// Another write failure, already recorded in `failures`.
    Failed,
}

impl Printer {
    pub fn new(settings: &OutputSettings) -> Self {
        let stdout_tty = io::stdout().is_terminal();
        let stderr_tty = io::stderr().is_terminal();
        Self {
            format: settings.format,
            quiet: settings.quiet,
            stderr_paint: Paint::new(stderr_tty && settings.color),
            stdout_color: stdout_tty && settings.color,
            progress: stderr_tty && settings.progress && !settings.quiet,
            stdout: Mutex::new(StdoutState::Open),
            failures: Mutex::new(Vec::new()),
        }
    }

    pub fn is_json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// Writes a result to stdout, scrubbed of control characters (JSON escapes its own).
    /// A failure is recorded, never returned: the command goes on to its verdict.
    pub fn stdout(&self, text: &str) {
        self.write_stdout(sanitize(text).as_bytes());
    }

    fn write_stdout(&self, bytes: &[u8]) {
        self.write_stdout_with(|out| out.write_all(bytes));
    }

    /// Runs `write` on stdout (buffered, then flushed) unless stdout is closed or failed,
    /// and records what went wrong.
    fn write_stdout_with(&self, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) {
        let mut state = self.stdout.lock().unwrap_or_else(|e| e.into_inner());
        if *state != StdoutState::Open {
            return;
        }
        let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
        match write(&mut out).and_then(|()| out.flush()) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => *state = StdoutState::Closed,
            Err(e) => {
                *state = StdoutState::Failed;
                self.record_failure(
                    CliError::remote("could not write the result to stdout")
                        .with_cause(e.to_string()),
                );
            }
        }
    }

    /// Writes one JSON document (pretty, with a final newline) to stdout.
    /// Characters that could fool a terminal are escaped by the JSON writer itself.
    pub fn json<T: Serialize>(&self, value: &T) {
        self.write_stdout_with(|out| json::write_pretty(out, value));
    }

    /// A table styled for this terminal.
    pub fn table(&self, header: &[&str]) -> Table {
        let mut table = Table::new();
        table
            .load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(header.to_vec());
        if !self.stdout_color {
            table.force_no_tty();
        }
        table
    }

    /// Prints a table (with a trailing newline) to stdout.
    pub fn print_table(&self, table: &Table) {
        self.stdout(&format!("{table}\n"));
    }

    /// Records a failure to write an output (stdout, a report file) that must not stop
    /// the command before its verdict; the edge prints it and exits 3 unless the outcome
    /// is already worse than success.
    pub fn record_failure(&self, failure: CliError) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(failure);
    }

    /// The output failures recorded so far, taken once by the edge.
    pub fn take_failures(&self) -> Vec<CliError> {
        std::mem::take(&mut *self.failures.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// A note for people on stderr, suppressed by --quiet.
    pub fn info(&self, text: &str) {
        if !self.quiet {
            to_stderr(&format!("{}\n", sanitize(text)));
        }
    }

    pub fn warn(&self, text: &str) {
        if !self.quiet {
            let label = self.stderr_paint.warn("warning:");
            let text = sanitize_field(text, "  ");
            to_stderr(&format!("{label} {text}\n"));
        }
    }

    /// A spinner on stderr, or `None` where progress bars are off (then callers print
    /// periodic lines instead, which CI logs keep).
    pub fn spinner(&self, what: &str) -> Option<ProgressBar> {
        if !self.progress {
            return None;
        }
        let spinner = ProgressBar::new_spinner();
        spinner.set_message(what.to_string());
        spinner.enable_steady_tick(std::time::Duration::from_millis(120));
        Some(spinner)
    }

    /// A progress bar on stderr for `len` items, hidden when stderr is not a terminal,
    /// with --no-progress or --quiet, and under CI=true.
    pub fn progress(&self, len: u64, what: &str) -> ProgressBar {
        if !self.progress {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(len);
        let style = ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {pos}/{len} ({elapsed}, ETA {eta})",
        )
        .expect("static template")
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(what.to_string());
        bar
    }
}

/// A table printer with no colour and no terminal width, for renderer unit tests.
#[cfg(test)]
pub(crate) fn plain_printer() -> Printer {
    Printer::new(&OutputSettings {
        format: OutputFormat::Table,
        quiet: true,
        verbose: 0,
        color: false,
        progress: false,
    })
}
