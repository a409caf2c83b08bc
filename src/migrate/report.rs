//! What `migrate` prints and writes: the table, the JSON document (also the `--report`
//! file) and the dry-run document (docs/json-output.md).

use comfy_table::Table;
use serde::Serialize;

use super::copy::{ItemReport, Status};
use crate::output::{Printer, SchemaVersion, human_bytes};

/// `migrate -o json` and the `--report` file.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunDocument<'a> {
    pub schema_version: SchemaVersion,
    pub items: &'a [ItemReport],
    pub totals: Totals,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub items: usize,
    pub copied: usize,
    pub retagged: usize,
    pub skipped: usize,
    pub failed: usize,
    pub bytes_uploaded: u64,
}

impl Totals {
    pub fn new(reports: &[ItemReport], bytes_uploaded: u64) -> Self {
        let count = |s: Status| reports.iter().filter(|r| r.status == s).count();
        Self {
            items: reports.len(),
            copied: count(Status::Copied),
            retagged: count(Status::Retagged),
            skipped: count(Status::Skipped),
            failed: count(Status::Failed),
            bytes_uploaded,
        }
    }

    /// The line under the table.
    pub fn summary(&self) -> String {
        format!(
            "{} copied, {} retagged, {} skipped, {} failed; {} uploaded",
            self.copied,
            self.retagged,
            self.skipped,
            self.failed,
            human_bytes(self.bytes_uploaded)
        )
    }
}

impl<'a> RunDocument<'a> {
    pub fn new(reports: &'a [ItemReport], bytes_uploaded: u64) -> Self {
        Self {
            schema_version: SchemaVersion,
            items: reports,
            totals: Totals::new(reports, bytes_uploaded),
        }
    }
}

/// `migrate --dry-run -o json` (and its `--report`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DryRunDocument<'a> {
    pub schema_version: SchemaVersion,
    /// Always `true`: tells this document from a run's.
    pub dry_run: bool,
    pub items: Vec<DryItem<'a>>,
    pub totals: DryTotals,
    pub repositories_to_create: &'a [String],
    pub blobs_to_upload: usize,
    pub bytes_to_upload: u64,
}

/// One item of a dry run: what the real run would do (`would-copy`, `would-retag`,
/// `skipped`, `would-fail`), never a status that claims something was done.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DryItem<'a> {
    pub source: &'a str,
    pub destination: &'a str,
    pub digest: Option<&'a str>,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<&'a str>,
    /// Bytes the destination lacks (before dedup across items).
    pub bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DryTotals {
    pub items: usize,
    pub would_copy: usize,
    pub would_retag: usize,
    pub skipped: usize,
    pub would_fail: usize,
}

impl DryTotals {
    /// The dry run's counts in words.
    pub fn summary(&self) -> String {
        format!(
            "{} would copy, {} would re-tag, {} skipped, {} would fail",
            self.would_copy, self.would_retag, self.skipped, self.would_fail
        )
    }
}

impl<'a> DryRunDocument<'a> {
    pub fn new(
        reports: &'a [ItemReport],
        repositories_to_create: &'a [String],
        blobs_to_upload: usize,
        bytes_to_upload: u64,
    ) -> Self {
        let count = |s: Status| reports.iter().filter(|r| r.status == s).count();
        Self {
            schema_version: SchemaVersion,
            dry_run: true,
            items: reports
                .iter()
                .map(|r| DryItem {
                    source: &r.source,
                    destination: &r.destination,
                    digest: r.digest.as_deref(),
                    status: dry_status(r),
                    detail: r.detail.as_deref(),
                    bytes: r.bytes,
                    error: r.error.as_deref(),
                })
                .collect(),
            totals: DryTotals {
                items: reports.len(),
                would_copy: count(Status::Copied),
                would_retag: count(Status::Retagged),
                skipped: count(Status::Skipped),
                would_fail: count(Status::Failed),
            },
            repositories_to_create,
            blobs_to_upload,
            bytes_to_upload,
        }
    }
}

/// The status of a dry-run item: what would happen.
pub fn dry_status(report: &ItemReport) -> &'static str {
    match report.status {
        Status::Copied => "would-copy",
        Status::Retagged => "would-retag",
        Status::Skipped => "skipped",
        Status::Failed => "would-fail",
    }
}

pub fn status_text(report: &ItemReport) -> &'static str {
    match report.status {
        Status::Copied => "copied",
        Status::Retagged => "retagged",
        Status::Skipped => "skipped",
        Status::Failed => "failed",
    }
}

pub fn table(printer: &Printer, reports: &[ItemReport], dry_run: bool) -> Table {
    let mut table = printer.table(&["SOURCE", "DESTINATION", "STATUS", "DIGEST", "BYTES"]);
    for r in reports {
        let status = match (&r.error, &r.detail, dry_run) {
            (Some(e), _, true) => format!("would fail: {e}"),
            (Some(e), _, false) => format!("failed: {e}"),
            (None, Some(d), true) if r.status == Status::Skipped => format!("would skip ({d})"),
            (None, Some(d), true) if matches!(r.status, Status::Copied | Status::Retagged) => {
                d.clone()
            }
            (None, Some(d), false) => format!("{} ({d})", status_text(r)),
            _ => status_text(r).to_string(),
        };
        table.add_row(vec![
            r.source.clone(),
            r.destination.clone(),
            status,
            r.digest
                .as_deref()
                .map(crate::lifecycle::engine::short_digest)
                .unwrap_or_else(|| "-".into()),
            human_bytes(r.bytes),
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reports() -> Vec<ItemReport> {
        let report =
            |source: &str, destination: &str, status, detail: Option<&str>, bytes| ItemReport {
                source: source.into(),
                destination: destination.into(),
                digest: (status != Status::Failed).then(|| format!("sha256:{}", "ab".repeat(32))),
                status,
                detail: detail.map(str::to_string),
                bytes,
                error: (status == Status::Failed)
                    .then(|| "registry said 403 Forbidden: denied".to_string()),
                source_digest: None,
            };
        let ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
        vec![
            report(
                "quay.io/team/api:v1",
                &format!("{ecr}/team/api:v1"),
                Status::Copied,
                None,
                52_428_800,
            ),
            report(
                "quay.io/team/api:v2",
                &format!("{ecr}/team/api:v2"),
                Status::Skipped,
                Some("already at the destination"),
                0,
            ),
            report(
                &format!("{ecr}/team/api:v1"),
                &format!("{ecr}/team/api:stable"),
                Status::Retagged,
                None,
                0,
            ),
            report(
                "quay.io/team/web:v1",
                &format!("{ecr}/team/web:v1"),
                Status::Failed,
                None,
                0,
            ),
        ]
    }

    #[test]
    fn table_and_summary() {
        let printer = crate::output::plain_printer();
        let reports = reports();
        insta::assert_snapshot!(format!(
            "{}\n{}",
            table(&printer, &reports, false),
            Totals::new(&reports, 52_428_800).summary()
        ));
    }

    #[test]
    fn dry_run_table() {
        let printer = crate::output::plain_printer();
        insta::assert_snapshot!(table(&printer, &reports(), true).to_string());
    }

    #[test]
    fn json() {
        let reports = reports();
        insta::assert_json_snapshot!(RunDocument::new(&reports, 52_428_800));
        insta::assert_json_snapshot!(DryRunDocument::new(
            &reports,
            &["team/web".to_string()],
            3,
            52_428_800
        ));
    }
}
