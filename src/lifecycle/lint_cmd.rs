//! `ecrctl lifecycle lint`: every ECR constraint, checked locally.

use super::lint;
use crate::cli::LifecycleLintArgs;
use crate::outcome::{CommandResult, Outcome};
use crate::output::Printer;

pub fn run(args: &LifecycleLintArgs, printer: &Printer) -> CommandResult {
    let path = &args.policy;
    let text = crate::input::read_file(path, crate::input::POLICY)?;
    let problems = lint::lint_text(&text);
    if printer.is_json() {
        printer.json(&serde_json::json!({ "valid": problems.is_empty(), "problems": problems }));
    }
    if problems.is_empty() {
        if !printer.is_json() {
            printer.stdout(&format!("{}: valid\n", path.display()));
        }
        return Ok(Outcome::Success);
    }
    Err(lint::problems_error(&path.display().to_string(), &problems))
}
