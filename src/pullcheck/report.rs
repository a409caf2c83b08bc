//! What `pull-check` prints: a table of checks, or JSON (docs/json-output.md).

use comfy_table::Table;
use serde::Serialize;

use super::check::{Check, Verdict, verdict};
use crate::output::{Printer, SchemaVersion};

/// `pull-check -o json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PullCheckDocument<'a> {
    pub schema_version: SchemaVersion,
    pub image: &'a str,
    /// Who pulls, as resolved from the flags (`None` when it could not be resolved).
    pub principal: Option<&'a str>,
    pub checks: &'a [Check],
    /// `fail` when a pull would fail, `unknown` when a check could not run, else `pass`.
    pub verdict: Verdict,
}

pub fn print(printer: &Printer, image: &str, principal: Option<&str>, checks: &[Check]) {
    if printer.is_json() {
        printer.json(&PullCheckDocument {
            schema_version: SchemaVersion,
            image,
            principal,
            checks,
            verdict: verdict(checks),
        });
    } else {
        printer.print_table(&table(printer, checks));
    }
}

fn table(printer: &Printer, checks: &[Check]) -> Table {
    let mut table = printer.table(&["CHECK", "STATUS", "REASON", "FIX"]);
    for c in checks {
        let reason = match &c.error {
            Some(e) => format!("{} ({e})", c.reason),
            None => c.reason.clone(),
        };
        table.add_row(vec![
            c.id.as_str().to_string(),
            c.status.label().to_string(),
            reason,
            c.fix.clone().unwrap_or_default(),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pullcheck::check::CheckId;

    fn checks() -> Vec<Check> {
        vec![
            Check::ok(
                CheckId::Reference,
                "team/api:v1 exists in account 123456789012, eu-west-1 (sha256:aa)",
            ),
            Check::fail(
                CheckId::IamPull,
                "no identity policy of arn:aws:iam::123456789012:role/nodes allows ecr:BatchGetImage",
                "aws iam attach-role-policy --role-name nodes --policy-arn arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly (or --fix)",
            ),
            Check::warn(CheckId::Region, "cross-region pull", "pull the replica"),
            Check::could_not_check(
                CheckId::KmsDecrypt,
                "could not read the identity policies",
                "AccessDenied",
            ),
            Check::skipped(CheckId::Platform, "the consumer's platform is unknown"),
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
        let doc = PullCheckDocument {
            schema_version: SchemaVersion,
            image: "team/api:v1",
            principal: Some("arn:aws:iam::123456789012:role/nodes"),
            checks: &checks,
            verdict: verdict(&checks),
        };
        insta::assert_json_snapshot!(doc);
    }
}
