//! The one classified failure at the command edge: what failed, why, what to do, and which
//! kind of failure it is (which decides the exit code, in `crate::exit`).
//!
//! Inside engines and adapters, errors are `anyhow::Error`s built with `.context(…)`, so the
//! cause chain is kept. A `CliError` anywhere in such a chain classifies it (usage, timeout…)
//! and carries its hint; `CliError::from(anyhow::Error)` collects both at the edge, the way
//! uv collects hints from an error chain. An unclassified chain is an operational failure
//! (exit 3): "could not complete".
//!
//! Rendered as `error:` / `  cause:` / `  hint:` lines on stderr by `crate::output::failure`.
//! Messages are built from our own words and from AWS/registry error *messages*, never from
//! `{:?}` of a request or response, so tokens cannot leak through them.

use std::fmt;

use crate::exit::ExitCode;

/// Why a command could not give an answer. A "no" answer is not a failure: it is
/// `crate::outcome::Outcome::Verdict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Bad flag, name or input file (exit 2). Nothing was changed.
    Usage,
    /// Could not complete: AWS, registry, network or local I/O (exit 3).
    Operational,
    /// Gave up waiting (exit 4).
    Timeout,
    /// Ctrl-C (exit 130).
    Interrupted,
}

impl FailureKind {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Self::Usage => ExitCode::Usage,
            Self::Operational => ExitCode::Remote,
            Self::Timeout => ExitCode::Timeout,
            Self::Interrupted => ExitCode::Interrupted,
        }
    }
}

#[derive(Debug, Clone)]
pub struct CliError {
    kind: FailureKind,
    message: String,
    causes: Vec<String>,
    hint: Option<String>,
}

pub type Result<T, E = CliError> = std::result::Result<T, E>;

impl CliError {
    fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            causes: Vec::new(),
            hint: None,
        }
    }

    /// Bad flag, name or file: exit 2, nothing changed.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(FailureKind::Usage, message)
    }

    /// Could not complete (AWS, registry, network, local I/O): exit 3.
    pub fn remote(message: impl Into<String>) -> Self {
        Self::new(FailureKind::Operational, message)
    }

    /// Gave up waiting: exit 4.
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(FailureKind::Timeout, message)
    }

    pub fn interrupted() -> Self {
        Self::new(FailureKind::Interrupted, "interrupted")
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

    /// The same failure, reclassified (e.g. several per-image failures of which one
    /// timed out make the whole gate a timeout).
    pub fn with_kind(mut self, kind: FailureKind) -> Self {
        self.kind = kind;
        self
    }

    pub fn kind(&self) -> FailureKind {
        self.kind
    }

    pub fn exit_code(&self) -> ExitCode {
        self.kind.exit_code()
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn causes(&self) -> &[String] {
        &self.causes
    }

    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
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

/// Classifies an error chain at the edge: the outermost message is what failed, the rest of
/// the chain are causes; the first `CliError` in the chain gives the kind and the hint.
/// A chain without one is an operational failure (exit 3).
impl From<anyhow::Error> for CliError {
    fn from(error: anyhow::Error) -> Self {
        let classified = error.chain().find_map(|e| e.downcast_ref::<CliError>());
        let mut lines = error.chain().map(|e| match e.downcast_ref::<CliError>() {
            // Its own causes follow below; print its message alone here.
            Some(inner) => inner.message.clone(),
            None => e.to_string(),
        });
        let mut failure = Self::new(
            classified.map_or(FailureKind::Operational, |c| c.kind),
            lines.next().unwrap_or_default(),
        );
        for line in lines {
            failure = failure.with_cause(line);
        }
        if let Some(inner) = classified {
            for cause in &inner.causes {
                failure = failure.with_cause(cause.clone());
            }
            failure.hint = inner.hint.clone();
        }
        failure
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

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn context_keeps_the_original_message_as_first_cause() {
        let error = CliError::usage("bad json")
            .with_cause("line 3")
            .context("reading x.json");
        assert_eq!(error.message(), "reading x.json");
        assert_eq!(error.causes(), ["bad json", "line 3"]);
    }

    #[test]
    fn an_anyhow_chain_keeps_its_causes_and_is_operational_by_default() {
        let io = std::io::Error::other("No space left on device");
        let chain: anyhow::Result<()> = Err(io).context("could not write `out.sarif`");
        let failure = CliError::from(chain.unwrap_err());
        assert_eq!(failure.kind(), FailureKind::Operational);
        assert_eq!(failure.message(), "could not write `out.sarif`");
        assert_eq!(failure.causes(), ["No space left on device"]);
    }

    #[test]
    fn a_classified_error_deep_in_a_chain_gives_kind_and_hint() {
        let inner = CliError::usage("`x` is not a number")
            .with_cause("line 4")
            .with_hint("write a number");
        let chain: anyhow::Result<()> = Err(anyhow::Error::new(inner))
            .context("rules[0]")
            .context("reading policy.json");
        let failure = CliError::from(chain.unwrap_err());
        assert_eq!(failure.kind(), FailureKind::Usage);
        assert_eq!(failure.message(), "reading policy.json");
        assert_eq!(
            failure.causes(),
            ["rules[0]", "`x` is not a number", "line 4"]
        );
        assert_eq!(failure.hint(), Some("write a number"));
    }
}
