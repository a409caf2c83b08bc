//! The gate's report for people (tables) and scripts (JSON, docs/json-output.md).

use serde::Serialize;

use super::findings::{Finding, ScanType, Severity};
use super::gate::{Counts, GatePolicy, Ignored, Verdict};
use super::outcome::{GateState, ImageOutcome, package_text};
use crate::output::{Printer, SchemaVersion};

/// `scan gate -o json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GateDocument<'a> {
    pub schema_version: SchemaVersion,
    /// `pass`, `fail` or `error` for the whole run (an error wins over a fail).
    pub verdict: GateState,
    pub images: Vec<ImageReport<'a>>,
    pub warnings: &'a [String],
}

/// One gated image.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageReport<'a> {
    pub image: &'a str,
    /// `pass`, `fail` or `error`.
    pub verdict: GateState,
    #[serde(flatten)]
    pub scan: Option<ScanFields<'a>>,
    #[serde(flatten)]
    pub gate: Option<GateFields<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What was scanned, when a scan was read.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanFields<'a> {
    pub repository_name: Option<&'a str>,
    pub image_digest: Option<&'a str>,
    pub scan_type: ScanType,
    pub scan_status: &'a str,
}

/// The gate's view of the findings, when there is a verdict.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GateFields<'a> {
    pub counts: SeverityCounts,
    pub blocking: &'a [Finding],
    pub ignored: &'a [Ignored],
    pub notes: &'a [String],
}

/// Found / ignored / blocking findings for each severity, most severe first.
#[derive(Debug, Serialize)]
pub struct SeverityCounts {
    pub critical: Counts,
    pub high: Counts,
    pub medium: Counts,
    pub low: Counts,
    pub informational: Counts,
}

impl SeverityCounts {
    fn new(verdict: &Verdict) -> Self {
        let count = |s: Severity| verdict.counts.get(&s).copied().unwrap_or_default();
        Self {
            critical: count(Severity::Critical),
            high: count(Severity::High),
            medium: count(Severity::Medium),
            low: count(Severity::Low),
            informational: count(Severity::Informational),
        }
    }
}

impl<'a> ImageReport<'a> {
    pub fn new(outcome: &'a ImageOutcome) -> Self {
        Self {
            image: &outcome.image,
            verdict: outcome.state(),
            scan: outcome.scan.as_ref().map(|scan| ScanFields {
                repository_name: scan.repository.as_deref(),
                image_digest: scan.digest.as_deref(),
                scan_type: scan.scan_type,
                scan_status: &scan.status,
            }),
            gate: outcome.verdict.as_ref().map(|v| GateFields {
                counts: SeverityCounts::new(v),
                blocking: &v.blocking,
                ignored: &v.ignored,
                notes: &v.notes,
            }),
            error: outcome.error.as_ref().map(|e| e.to_string()),
        }
    }
}

pub fn document<'a>(outcomes: &'a [ImageOutcome], warnings: &'a [String]) -> GateDocument<'a> {
    let overall = GateState::overall(outcomes);
    GateDocument {
        schema_version: SchemaVersion,
        verdict: overall,
        images: outcomes.iter().map(ImageReport::new).collect(),
        warnings,
    }
}

pub fn print(printer: &Printer, outcomes: &[ImageOutcome], policy: &GatePolicy) {
    for o in outcomes {
        printer.stdout(&image_text(printer, o, policy));
        for note in o.verdict.iter().flat_map(|v| &v.notes) {
            printer.warn(note);
        }
    }
}

/// One image's part of the table report.
fn image_text(printer: &Printer, o: &ImageOutcome, policy: &GatePolicy) -> String {
    let mut out = format!("{}: {}\n", o.image, o.state().as_str().to_uppercase());
    if let Some(error) = &o.error {
        out.push_str(&format!("  {error}\n"));
        return out;
    }
    let Some(v) = &o.verdict else { return out };
    let mut counts = printer.table(&["SEVERITY", "FOUND", "IGNORED", "BLOCKING"]);
    for s in Severity::ALL {
        let c = v.counts.get(&s).copied().unwrap_or_default();
        counts.add_row(vec![
            s.as_str().to_string(),
            c.found.to_string(),
            c.ignored.to_string(),
            c.blocking.to_string(),
        ]);
    }
    out.push_str(&format!("{counts}\n"));
    if !v.blocking.is_empty() {
        let mut blocking = printer.table(&["BLOCKING", "SEVERITY", "PACKAGE", "FIXED IN", "LINK"]);
        for f in &v.blocking {
            blocking.add_row(vec![
                f.id.clone(),
                format!("{} ({})", policy.effective(f).as_str(), f.reported),
                package_text(f),
                f.fixed_in.clone().unwrap_or_else(|| "-".into()),
                f.uri.clone().unwrap_or_else(|| "-".into()),
            ]);
        }
        out.push_str(&format!("{blocking}\n"));
    }
    for i in &v.ignored {
        out.push_str(&format!(
            "  ignored {} ({}): {}\n",
            i.finding.id,
            package_text(&i.finding),
            i.reason
        ));
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::error::CliError;
    use crate::scan::findings::{ScanResult, parse_severity};
    use crate::scan::ignore::IgnoreEntry;

    fn finding(id: &str, severity: &str, package: &str, fixed_in: Option<&str>) -> Finding {
        Finding {
            id: id.into(),
            severity: parse_severity(severity),
            reported: severity.into(),
            package: Some(package.into()),
            version: Some("1.0".into()),
            fixed_in: fixed_in.map(str::to_string),
            fix_available: fixed_in.map(|_| true),
            exploit_available: None,
            score: None,
            uri: Some(format!("https://nvd.nist.gov/vuln/detail/{id}")),
            title: None,
            status: "ACTIVE".into(),
        }
    }

    pub(crate) fn policy() -> GatePolicy {
        GatePolicy {
            fail_on: Some(Severity::High),
            budgets: BTreeMap::new(),
            ignore_unfixed: false,
            only_exploitable: false,
            unknown_as: Severity::Medium,
        }
    }

    /// A failing image (one ignored finding), a passing one and one that could not be read.
    pub(crate) fn outcomes() -> Vec<ImageOutcome> {
        let scan = |repository: &str, findings| ScanResult {
            repository: Some(repository.into()),
            digest: Some(format!("sha256:{:0>64}", repository.len() * 7)),
            tag: Some("v1".into()),
            status: "COMPLETE".into(),
            status_description: None,
            scan_type: ScanType::Basic,
            findings,
            severity_counts: None,
        };
        let ignores = [IgnoreEntry {
            id: "CVE-2025-2000".into(),
            package: None,
            until: None,
            reason: Some("accepted risk".into()),
        }];
        let today = jiff::civil::date(2026, 6, 1);
        let outcome = |image: &str, scan: ScanResult| {
            let verdict = crate::scan::gate::gate(&scan, &policy(), &ignores, today, &mut [false]);
            ImageOutcome {
                image: image.into(),
                scan: Some(scan),
                verdict: Some(verdict),
                error: None,
            }
        };
        vec![
            outcome(
                "app:v1",
                scan(
                    "app",
                    vec![
                        finding("CVE-2025-1000", "CRITICAL", "glibc", Some("2.36-9")),
                        finding("CVE-2025-2000", "HIGH", "openssl", None),
                        finding("CVE-2025-3000", "MEDIUM", "zlib", None),
                    ],
                ),
            ),
            outcome(
                "web:v2",
                scan("web", vec![finding("CVE-2025-4000", "LOW", "curl", None)]),
            ),
            ImageOutcome {
                image: "gone:v3".into(),
                scan: None,
                verdict: None,
                error: Some(CliError::remote("the image gone:v3 does not exist")),
            },
        ]
    }

    #[test]
    fn table() {
        let printer = crate::output::plain_printer();
        let text: String = outcomes()
            .iter()
            .map(|o| image_text(&printer, o, &policy()))
            .collect();
        insta::assert_snapshot!(text);
    }

    #[test]
    fn json() {
        let outcomes = outcomes();
        let warnings = vec!["ignore entry CVE-2024-1 matched no finding".to_string()];
        insta::assert_json_snapshot!(document(&outcomes, &warnings));
    }

    #[test]
    fn sarif() {
        let mut sarif =
            serde_json::to_value(crate::scan::sarif::document(&outcomes(), &policy())).unwrap();
        sarif["runs"][0]["tool"]["driver"]["version"] = "[version]".into();
        insta::assert_json_snapshot!(sarif);
    }

    #[test]
    fn junit() {
        let mut outcomes = outcomes();
        // Control characters and markup from a registry never break the XML.
        outcomes[2].error = Some(CliError::remote("bad <answer> & \u{1b}]0;title\u{7}"));
        let xml = crate::scan::junit::document(&outcomes);
        roxmltree::Document::parse(&xml).expect("well-formed XML");
        insta::assert_snapshot!(xml);
    }
}
