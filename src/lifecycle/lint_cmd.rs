//! `ecrctl lifecycle lint`: every ECR constraint, checked locally.

use super::lint;
use crate::cli::LifecycleLintArgs;
use crate::outcome::{CommandResult, Outcome};
use crate::output::{Printer, SchemaVersion};

/// `lifecycle lint -o json` (docs/json-output.md).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LintDocument<'a> {
    pub schema_version: SchemaVersion,
    pub valid: bool,
    pub problems: &'a [lint::Problem],
}

pub fn run(args: &LifecycleLintArgs, printer: &Printer) -> CommandResult {
    let path = &args.policy;
    let text = crate::input::read_file(path, crate::input::POLICY)?;
    // Reading drops a leading byte-order mark (what ecrctl puts has none), but other tools
    // may send the file as it is.
    if starts_with_bom(path) {
        printer.warn(&format!(
            "{} starts with a byte-order mark (U+FEFF): ecrctl ignores it and puts the policy without it, \
             but other tools (`aws ecr put-lifecycle-policy --lifecycle-policy-text file://…`) may send it; save the file as UTF-8 without BOM",
            path.display()
        ));
    }
    let problems = lint::lint_text(&text);
    if printer.is_json() {
        printer.json(&LintDocument {
            schema_version: SchemaVersion,
            valid: problems.is_empty(),
            problems: &problems,
        });
    }
    if problems.is_empty() {
        if !printer.is_json() {
            printer.stdout(&format!("{}: valid\n", path.display()));
        }
        return Ok(Outcome::Success);
    }
    Err(lint::problems_error(&path.display().to_string(), &problems))
}

fn starts_with_bom(path: &std::path::Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 3];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && head == [0xEF, 0xBB, 0xBF]
}
