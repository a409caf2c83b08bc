//! One error type for the whole tool: what failed, why, what to do, and which exit code.
//!
//! Rendered as `error:` / `  cause:` / `  hint:` lines on stderr (docs/conventions.md).
//! Messages are built from our own words and from AWS/registry error *messages*, never from
//! `{:?}` of a request or response, so tokens cannot leak through them.

use std::fmt;

use crate::exit::ExitCode;

#[derive(Debug, Clone)]
pub struct CliError {
    pub exit: ExitCode,
    pub message: String,
    pub causes: Vec<String>,
    pub hint: Option<String>,
    /// Nothing to print: stdout's reader went away (`ecrctl … | head`), exit 0.
    pub silent: bool,
}

pub type Result<T, E = CliError> = std::result::Result<T, E>;

impl CliError {
    fn new(exit: ExitCode, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
            causes: Vec::new(),
            hint: None,
            silent: false,
        }
    }

    /// Bad flag, name or file: exit 2, nothing changed.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ExitCode::Usage, message)
    }

    /// AWS or registry failure after retries: exit 3.
    pub fn remote(message: impl Into<String>) -> Self {
        Self::new(ExitCode::Remote, message)
    }

    /// The command worked and its answer is "no": exit 1.
    pub fn verdict(message: impl Into<String>) -> Self {
        Self::new(ExitCode::Verdict, message)
    }

    /// Gave up waiting: exit 4.
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(ExitCode::Timeout, message)
    }

    pub fn interrupted() -> Self {
        Self::new(ExitCode::Interrupted, "interrupted")
    }

    pub fn with_cause(mut self, cause: impl Into<String>) -> Self {
        let cause = cause.into();
        if !cause.is_empty() && !self.causes.contains(&cause) {
            self.causes.push(cause);
        }
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Prefix the message with context, keeping the old message as the first cause.
    pub fn context(mut self, message: impl Into<String>) -> Self {
        let old = std::mem::replace(&mut self.message, message.into());
        self.causes.insert(0, old);
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        for cause in &self.causes {
            write!(f, ": {cause}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CliError {}

impl From<crate::output::BrokenPipe> for CliError {
    fn from(_: crate::output::BrokenPipe) -> Self {
        let mut error = Self::new(ExitCode::Success, "stdout closed");
        error.silent = true;
        error
    }
}

/// An error and its sources as one line (`a: b: c`), from their `Display` only — never
/// `Debug`, which can dump whole requests.
pub fn display_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}

/// Renders an error for stderr; `paint` colours the labels.
pub fn render(error: &CliError, paint: &crate::output::Paint) -> String {
    let mut out = format!("{} {}\n", paint.error("error:"), error.message);
    for cause in &error.causes {
        out.push_str(&format!("  {} {}\n", paint.dim("cause:"), cause));
    }
    if let Some(hint) = &error.hint {
        out.push_str(&format!("  {} {}\n", paint.hint("hint:"), hint));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Paint;

    #[test]
    fn renders_message_causes_and_hint_in_order() {
        let error = CliError::remote("could not create `a`")
            .with_cause("AccessDeniedException: no")
            .with_hint("ask for ecr:CreateRepository");
        let text = render(&error, &Paint::plain());
        assert_eq!(
            text,
            "error: could not create `a`\n  cause: AccessDeniedException: no\n  hint: ask for ecr:CreateRepository\n"
        );
        assert_eq!(error.exit.code(), 3);
    }

    #[test]
    fn context_keeps_the_original_message_as_first_cause() {
        let error = CliError::usage("bad json")
            .with_cause("line 3")
            .context("reading x.json");
        assert_eq!(error.message, "reading x.json");
        assert_eq!(error.causes, vec!["bad json", "line 3"]);
    }
}
