//! Output shared by all commands: stdout for results (table or JSON), stderr for people.
//!
//! A broken pipe on stdout (`ecrctl repo list | head`) ends the program quietly with exit 0.

use std::io::{self, IsTerminal, Write};

use comfy_table::{ContentArrangement, Table, presets};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::cli::{GlobalArgs, OutputFormat};

/// ANSI colours for stderr labels, or none.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    enabled: bool,
}

impl Paint {
    pub fn plain() -> Self {
        Self { enabled: false }
    }

    fn wrap(&self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn error(&self, text: &str) -> String {
        self.wrap("1;31", text)
    }
    pub fn warn(&self, text: &str) -> String {
        self.wrap("1;33", text)
    }
    pub fn hint(&self, text: &str) -> String {
        self.wrap("1;36", text)
    }
    pub fn dim(&self, text: &str) -> String {
        self.wrap("2", text)
    }
}

/// How this run prints: format, colour, verbosity, progress.
#[derive(Debug, Clone)]
pub struct Printer {
    pub format: OutputFormat,
    pub quiet: bool,
    pub stderr_paint: Paint,
    stdout_color: bool,
    progress: bool,
}

/// Raised when stdout's reader went away; main turns it into a quiet exit 0.
#[derive(Debug)]
pub struct BrokenPipe;

impl Printer {
    pub fn from_args(args: &GlobalArgs) -> Self {
        let no_color = args.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let stdout_tty = io::stdout().is_terminal();
        let stderr_tty = io::stderr().is_terminal();
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        Self {
            // Table stays the default when piped too: scripts ask for JSON explicitly.
            format: args.output.unwrap_or(OutputFormat::Table),
            quiet: args.quiet,
            stderr_paint: Paint {
                enabled: stderr_tty && !no_color,
            },
            stdout_color: stdout_tty && !no_color,
            progress: stderr_tty && !args.no_progress && !ci && !args.quiet,
        }
    }

    pub fn is_json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// Writes a result to stdout.
    pub fn stdout(&self, text: &str) -> Result<(), BrokenPipe> {
        let mut out = io::stdout().lock();
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(BrokenPipe),
            // Any other stdout failure is as final as a closed pipe for a CLI.
            Err(_) => Err(BrokenPipe),
            Ok(()) => Ok(()),
        }
    }

    /// Writes one JSON document (pretty, with a final newline) to stdout.
    pub fn json<T: Serialize>(&self, value: &T) -> Result<(), BrokenPipe> {
        let mut text = serde_json::to_string_pretty(value).expect("output types serialize");
        text.push('\n');
        self.stdout(&text)
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
    pub fn print_table(&self, table: &Table) -> Result<(), BrokenPipe> {
        self.stdout(&format!("{table}\n"))
    }

    /// A note for people on stderr, suppressed by --quiet.
    pub fn info(&self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }

    pub fn warn(&self, text: &str) {
        if !self.quiet {
            eprintln!("{} {text}", self.stderr_paint.warn("warning:"));
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

/// Asks `question` on a terminal before a change; `--yes` skips the question, and
/// without a terminal and without `--yes` the answer is `not_a_terminal` (exit 2).
/// A "no" is `declined` (exit 1). Either way nothing has changed yet.
pub fn confirm(
    yes: bool,
    question: &str,
    not_a_terminal: crate::error::CliError,
    declined: &str,
) -> Result<(), crate::error::CliError> {
    use std::io::BufRead;
    if yes {
        return Ok(());
    }
    if !io::stdin().is_terminal() {
        return Err(not_a_terminal);
    }
    eprint!("{question} [y/N] ");
    let _ = io::stderr().flush();
    let mut answer = String::new();
    let _ = io::stdin().lock().read_line(&mut answer);
    match answer.trim() {
        "y" | "Y" | "yes" => Ok(()),
        _ => Err(crate::error::CliError::verdict(declined)),
    }
}

/// "1 repository", "3 repositories".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `512 B`, `1.5 KiB`, `3.2 GiB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn human_bytes() {
        assert_eq!(super::human_bytes(512), "512 B");
        assert_eq!(super::human_bytes(1536), "1.5 KiB");
        assert_eq!(super::human_bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }
}
