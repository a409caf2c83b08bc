//! Policy diffs for people, through the `similar` crate (Myers' diff, as git uses).

use similar::{ChangeTag, TextDiff};

/// Lines around each change shown in a diff.
pub const CONTEXT: usize = 3;

/// A unified diff with `context` lines around each change: an `@@ -a,b +c,d @@` header
/// per hunk, then `  same`, `- removed` and `+ added` lines. Empty when nothing changed.
pub fn unified(old: &str, new: &str, context: usize) -> Vec<String> {
    let diff = TextDiff::from_lines(old, new);
    let mut out = Vec::new();
    for hunk in diff.unified_diff().context_radius(context).iter_hunks() {
        out.push(hunk.header().to_string());
        for change in hunk.iter_changes() {
            let sign = match change.tag() {
                ChangeTag::Equal => ' ',
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
            };
            let line = change.value();
            out.push(format!(
                "{sign} {}",
                line.strip_suffix('\n')
                    .unwrap_or(line)
                    .trim_end_matches('\r')
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_changed_lines_with_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n11\n";
        assert_eq!(
            unified(old, new, 1),
            [
                "@@ -4,3 +4,3 @@",
                "  4",
                "- 5",
                "+ five",
                "  6",
                "@@ -10 +10,2 @@",
                "  10",
                "+ 11",
            ]
        );
        assert_eq!(
            unified(old, new, 3)
                .iter()
                .filter(|l| l.starts_with("@@"))
                .count(),
            1
        );
    }

    #[test]
    fn nothing_for_equal_texts_and_all_lines_for_a_new_one() {
        assert!(unified("a\nb\n", "a\nb\n", CONTEXT).is_empty());
        assert!(unified("", "", CONTEXT).is_empty());
        assert_eq!(
            unified("", "a\nb", CONTEXT),
            ["@@ -0,0 +1,2 @@", "+ a", "+ b"]
        );
    }
}
