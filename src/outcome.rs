//! What a command that ran to the end has to say: yes (exit 0) or a "no" verdict (exit 1).
//!
//! A verdict is a value, not an error: commands return `Ok(Outcome::Verdict(…))`, and
//! `crate::run` maps the outcome (and any failure) to the exit code in one place, after the
//! output was written — so no output failure can turn a "no" into exit 0.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Done; a gate passed; a check found nothing blocking.
    Success,
    /// The command worked and its answer is "no".
    Verdict(Verdict),
}

/// Why the answer is "no": printed on stderr as an `error:` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub message: String,
    pub causes: Vec<String>,
    pub hint: Option<String>,
}

impl Verdict {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            causes: Vec::new(),
            hint: None,
        }
    }

    pub fn with_cause(mut self, cause: impl Into<String>) -> Self {
        self.causes.push(cause.into());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl From<Verdict> for Outcome {
    fn from(verdict: Verdict) -> Self {
        Self::Verdict(verdict)
    }
}

/// What every command returns.
pub type CommandResult = crate::error::Result<Outcome>;
