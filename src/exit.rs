//! The exit codes every command shares (docs/conventions.md, `ecrctl --help`).

/// Process exit codes. Scripts depend on these: never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Success; a gate passed; a check found nothing blocking.
    Success = 0,
    /// The command worked and its verdict is "no".
    Verdict = 1,
    /// Usage or input error; nothing was changed.
    Usage = 2,
    /// AWS or registry error after retries.
    Remote = 3,
    /// Timed out waiting.
    Timeout = 4,
    /// Interrupted by Ctrl-C.
    Interrupted = 130,
}

impl ExitCode {
    pub fn code(self) -> i32 {
        self as i32
    }
}
