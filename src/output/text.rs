//! Small text helpers every renderer shares: counts, sizes, the y/N question, and the
//! scrubbing of untrusted strings before they reach a terminal.

use std::io::{self, IsTerminal, Write};

/// Writes `text` to stderr and ignores a failure: stderr is where failures are reported,
/// so when it is gone (`2>/dev/full`, a closed pipe) there is nothing better to do, and a
/// panic (what `eprintln!` does) would lose the command's result and exit code.
pub fn to_stderr(text: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// `text` without control characters: untrusted strings (tags, package names, finding ids,
/// registry messages) could otherwise move the cursor, clear the screen or set the terminal
/// title, or (bidirectional overrides, zero-width characters) make a line read differently
/// from what it says. Newlines and tabs are kept; every other C0/C1 control, DEL and those
/// format characters become `?`.
pub fn sanitize(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| (c.is_control() && c != '\n' && c != '\t') || is_format_control(c);
    // Printable ASCII (the usual case, and megabytes of JSON) needs no char decoding.
    let plain = |b: &u8| matches!(b, b' '..=b'~' | b'\n' | b'\t');
    if text.as_bytes().iter().all(plain) || !text.chars().any(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().map(|c| if bad(c) { '?' } else { c }).collect())
}

/// `text` scrubbed like [`sanitize`] for a one-line field (a cause, a warning): a carriage
/// return becomes `?` and every line after the first is indented by `indent`, so quoted
/// registry or AWS text cannot start a line of its own (under GitHub Actions a line
/// starting with `::` is a workflow command).
pub fn sanitize_field(text: &str, indent: &str) -> String {
    sanitize(text)
        .replace('\r', "?")
        .replace('\n', &format!("\n{indent}"))
}

/// Unicode format characters that reorder or hide text: zero-width and direction marks,
/// bidirectional embeddings, overrides and isolates, word joiners, the BOM.
pub(crate) fn is_format_control(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

/// Asks `question` on a terminal before a change; `--yes` skips the question. Without a
/// terminal and without `--yes` the answer is `not_a_terminal` (exit 2). `Ok(false)` is a
/// "no", which the command reports as its verdict. Either way nothing has changed yet.
pub fn confirm(
    yes: bool,
    question: &str,
    not_a_terminal: crate::error::CliError,
) -> Result<bool, crate::error::CliError> {
    use std::io::BufRead;
    if yes {
        return Ok(true);
    }
    if !io::stdin().is_terminal() {
        return Err(not_a_terminal);
    }
    to_stderr(&format!("{question} [y/N] "));
    let mut answer = String::new();
    let _ = io::stdin().lock().read_line(&mut answer);
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
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
    use super::*;

    #[test]
    fn human_bytes_picks_a_unit() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }

    #[test]
    fn sanitize_replaces_escape_sequences_and_keeps_newlines() {
        assert_eq!(sanitize("a\x1b]0;title\x07b"), "a?]0;title?b");
        assert_eq!(sanitize("line1\nline2\tx"), "line1\nline2\tx");
        assert_eq!(sanitize("\u{9b}31m"), "?31m");
        assert_eq!(sanitize("ünïcode ok"), "ünïcode ok");
        assert_eq!(sanitize("ssl\u{202e}live"), "ssl?live");
        assert_eq!(sanitize("a\u{200b}b\u{2066}c"), "a?b?c");
    }
}
