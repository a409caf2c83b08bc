//! The output slice of the settings: format, verbosity, colour and progress.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
}

/// The slice the printer and logging get.
#[derive(Debug, Clone, Copy, Default)]
pub struct OutputSettings {
    pub format: OutputFormat,
    pub quiet: bool,
    pub verbose: u8,
    /// Colour allowed (no --no-color, no NO_COLOR); still only on a terminal.
    pub color: bool,
    /// Progress bars allowed (no --no-progress, not CI=true); still only on a terminal.
    pub progress: bool,
}
