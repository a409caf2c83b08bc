//! What `push-check` prints: a table of checks, or JSON (docs/json-output.md).

use comfy_table::Table;
use serde::Serialize;

use super::check::{Check, Status};
use crate::output::{Printer, SchemaVersion};

/// `push-check -o json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushCheckDocument<'a> {
    pub schema_version: SchemaVersion,
    pub image: &'a str,
    pub checks: &'a [Check],
    /// `fail` when any check fails, else `pass`.
    pub verdict: &'static str,
}

impl<'a> PushCheckDocument<'a> {
    pub fn new(image: &'a str, checks: &'a [Check]) -> Self {
        let failed = checks.iter().any(|c| c.status == Status::Fail);
        Self {
            schema_version: SchemaVersion,
            image,
            checks,
            verdict: if failed { "fail" } else { "pass" },
        }
    }
}

pub fn print(printer: &Printer, image: &str, checks: &[Check]) {
    if printer.is_json() {
        printer.json(&PushCheckDocument::new(image, checks));
    } else {
        printer.print_table(&table(printer, checks));
    }
}

fn table(printer: &Printer, checks: &[Check]) -> Table {
    let mut table = printer.table(&["CHECK", "STATUS", "DETAIL", "FIX"]);
    for c in checks {
        let status = match c.status {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
            Status::Skipped => "skipped",
        };
        table.add_row(vec![
            c.id.as_str().to_string(),
            status.to_string(),
            c.detail.clone(),
            c.fix.clone().unwrap_or_default(),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pushcheck::check::CheckId;

    fn checks() -> Vec<Check> {
        vec![
            Check::ok(
                CheckId::AwsCredentials,
                "credentials work; got a registry token for 123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            ),
            Check::fail(
                CheckId::Repository,
                "team/api does not exist in 123456789012 eu-west-1",
                "ecrctl repo create team/api",
            ),
            Check::warn(
                CheckId::TagImmutability,
                "tag v1 exists and the repository is MUTABLE: the push overwrites it",
                "push a new tag",
            ),
            Check::skipped(CheckId::LayerSize, "no --local-image given"),
        ]
    }

    #[test]
    fn table() {
        let printer = crate::output::plain_printer();
        insta::assert_snapshot!(super::table(&printer, &checks()).to_string());
    }

    #[test]
    fn json() {
        let checks = checks();
        insta::assert_json_snapshot!(PushCheckDocument::new("team/api:v1", &checks));
        assert_eq!(PushCheckDocument::new("x", &checks[..1]).verdict, "pass");
    }
}
