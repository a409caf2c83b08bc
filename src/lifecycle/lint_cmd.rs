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
