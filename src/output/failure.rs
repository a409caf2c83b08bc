//! How a failure or a "no" verdict reads on stderr: `error:` what, `  cause:` lines,
//! `  hint:` what to do (docs/conventions.md). Every line is scrubbed of control
//! characters, since causes quote registries and AWS.

use super::{Paint, sanitize_field};
use crate::error::CliError;

/// Renders a failure for stderr; `paint` colours the labels.
pub fn render(error: &CliError, paint: &Paint) -> String {
    render_block(
        &paint.error("error:"),
        error.message(),
        error.causes(),
        error.hint(),
        paint,
    )
}

/// `label message` then `  cause:` lines then `  hint:`: the one layout of every block of
/// text ecrctl prints about a failure or a "no" verdict.
pub fn render_block(
    label: &str,
    message: &str,
    causes: &[String],
    hint: Option<&str>,
    paint: &Paint,
) -> String {
    // Causes quote registries and AWS: continuation lines are indented.
    let clean = |text: &str| sanitize_field(text, "      ");
    let mut out = format!("{label} {}\n", clean(message));
    for cause in causes {
        out.push_str(&format!("  {} {}\n", paint.dim("cause:"), clean(cause)));
    }
    if let Some(hint) = hint {
        out.push_str(&format!("  {} {}\n", paint.hint("hint:"), clean(hint)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(error.exit_code().code(), 3);
    }

    #[test]
    fn rendering_strips_terminal_control_sequences() {
        let error = CliError::remote("bad tag \x1b]0;pwned\x07`v1`").with_cause("a\x1b[2Jb");
        let text = render(&error, &Paint::plain());
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
    }

    #[test]
    fn a_newline_in_a_cause_cannot_start_a_line_of_its_own() {
        let error = CliError::usage("bad tag").with_cause("v1\n::warning title=x::forged\r");
        let text = render(&error, &Paint::plain());
        assert!(text.lines().all(|l| !l.starts_with("::")), "{text}");
        assert!(!text.contains('\r'), "{text:?}");
    }
}
