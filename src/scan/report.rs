//! The gate's report for people (tables) and scripts (JSON, docs/json-output.md).

use std::collections::{BTreeMap, BTreeSet};

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
    /// Vulnerabilities per severity, counted as ECR counts them (`findingSeverityCounts`):
    /// one id hitting two packages is one.
    pub counts: SeverityCounts,
    /// Every finding (one per vulnerability and package) with its state.
    pub findings: Vec<FindingReport<'a>>,
    pub blocking: &'a [Finding],
    pub ignored: &'a [Ignored],
    pub notes: &'a [String],
}

/// What the gate made of one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingState {
    /// Fails the gate.
    Blocking,
    /// Counted, but within the policy (below --fail-on, within the budgets).
    Allowed,
    /// Does not count: an ignore-file entry, --ignore-unfixed, --only-exploitable, or
    /// suppressed/closed in Amazon Inspector.
    Ignored,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingReport<'a> {
    #[serde(flatten)]
    pub finding: &'a Finding,
    /// The severity the policy used (`unknown` mapped by --unknown-severity-as).
    pub effective_severity: Severity,
    pub state: FindingState,
    /// Why it is in that state.
    pub reason: String,
}

/// Every finding of a verdict with its state: blocking, then allowed, then ignored.
pub fn finding_states<'a>(v: &'a Verdict, policy: &GatePolicy) -> Vec<FindingReport<'a>> {
    let mut out = Vec::new();
    for f in &v.blocking {
        let s = policy.effective(f);
        let reason = match policy.fail_on {
            Some(t) if s >= t => format!("{} is at or above --fail-on {}", s.as_str(), t.as_str()),
            _ => format!(
                "more {} findings than --max-{} {}",
                s.as_str(),
                s.as_str(),
                policy.budgets.get(&s).copied().unwrap_or_default()
            ),
        };
        out.push((f, s, FindingState::Blocking, reason));
    }
    for f in &v.remaining {
        let s = policy.effective(f);
        let mut why = Vec::new();
        match policy.fail_on {
            Some(t) => why.push(format!("below --fail-on {}", t.as_str())),
            None => why.push("no --fail-on threshold".to_string()),
        }
        if let Some(max) = policy.budgets.get(&s) {
            why.push(format!("within --max-{} {max}", s.as_str()));
        }
        out.push((f, s, FindingState::Allowed, why.join(", ")));
    }
    for i in &v.ignored {
        let f = &i.finding;
        out.push((
            f,
            policy.effective(f),
            FindingState::Ignored,
            i.reason.clone(),
        ));
    }
    out.into_iter()
        .map(
            |(finding, effective_severity, state, reason)| FindingReport {
                finding,
                effective_severity,
                state,
                reason,
            },
        )
        .collect()
}

/// Counts per severity as ECR counts (`findingSeverityCounts`): distinct vulnerability
/// ids, so one CVE in two packages is one. A vulnerability is blocking when any of its
/// packages blocks, and ignored when all of them are ignored.
pub fn ecr_counts(v: &Verdict, policy: &GatePolicy) -> BTreeMap<Severity, Counts> {
    let ids = |findings: &mut dyn Iterator<Item = &Finding>| -> BTreeSet<(Severity, String)> {
        findings
            .map(|f| (policy.effective(f), f.id.to_ascii_uppercase()))
            .collect()
    };
    let blocking = ids(&mut v.blocking.iter());
    let counted = ids(&mut v.blocking.iter().chain(&v.remaining));
    let ignored = ids(&mut v.ignored.iter().map(|i| &i.finding));
    let mut counts: BTreeMap<Severity, Counts> = Severity::ALL
        .iter()
        .map(|s| (*s, Counts::default()))
        .collect();
    for key in counted.union(&ignored) {
        let c = counts.entry(key.0).or_default();
        c.found += 1;
        if blocking.contains(key) {
            c.blocking += 1;
        }
        if !counted.contains(key) {
            c.ignored += 1;
        }
    }
    counts
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
    fn new(verdict: &Verdict, policy: &GatePolicy) -> Self {
        let counts = ecr_counts(verdict, policy);
        let count = |s: Severity| counts.get(&s).copied().unwrap_or_default();
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
    pub fn new(outcome: &'a ImageOutcome, policy: &GatePolicy) -> Self {
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
                counts: SeverityCounts::new(v, policy),
                findings: finding_states(v, policy),
                blocking: &v.blocking,
                ignored: &v.ignored,
                notes: &v.notes,
            }),
            error: outcome.error.as_ref().map(|e| e.to_string()),
        }
    }
}

pub fn document<'a>(
    outcomes: &'a [ImageOutcome],
    policy: &GatePolicy,
    warnings: &'a [String],
) -> GateDocument<'a> {
    let overall = GateState::overall(outcomes);
    GateDocument {
        schema_version: SchemaVersion,
        verdict: overall,
        images: outcomes
            .iter()
            .map(|o| ImageReport::new(o, policy))
            .collect(),
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
    let ecr_counts = ecr_counts(v, policy);
    let mut counts = printer.table(&["SEVERITY", "FOUND", "IGNORED", "BLOCKING"]);
    for s in Severity::ALL {
        let c = ecr_counts.get(&s).copied().unwrap_or_default();
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
            reason: Some("accepted risk".into()),
            ..IgnoreEntry::default()
        }];
        let today = jiff::civil::date(2026, 6, 1);
        let outcome = |image: &str, scan: ScanResult| {
            let verdict = crate::scan::gate::gate(&scan, &policy(), &ignores, today, &mut [false]);
            ImageOutcome {
                waited: std::time::Duration::ZERO,
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
                waited: std::time::Duration::ZERO,
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
    fn counts_follow_ecr_and_every_finding_has_a_state() {
        let mut outcomes = outcomes();
        // One CVE in two packages: one vulnerability in the counts, two findings listed.
        let scan = outcomes[0].scan.as_mut().unwrap();
        let mut twin = scan.findings[0].clone();
        twin.package = Some("glibc-common".into());
        scan.findings.push(twin);
        let verdict = crate::scan::gate::gate(
            scan,
            &policy(),
            &[IgnoreEntry {
                id: "CVE-2025-2000".into(),
                ..IgnoreEntry::default()
            }],
            jiff::civil::date(2026, 6, 1),
            &mut [false],
        );
        outcomes[0].verdict = Some(verdict);
        let doc = serde_json::to_value(document(&outcomes, &policy(), &[])).unwrap();
        let image = &doc["images"][0];
        assert_eq!(image["counts"]["critical"]["found"], 1);
        assert_eq!(image["counts"]["critical"]["blocking"], 1);
        assert_eq!(image["counts"]["high"]["ignored"], 1);
        let states: Vec<(String, String, String)> = image["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["id"].as_str().unwrap().to_string(),
                    f["package"].as_str().unwrap().to_string(),
                    f["state"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(
            states,
            vec![
                s("CVE-2025-1000", "glibc", "blocking"),
                s("CVE-2025-1000", "glibc-common", "blocking"),
                s("CVE-2025-3000", "zlib", "allowed"),
                s("CVE-2025-2000", "openssl", "ignored"),
            ]
        );
        assert_eq!(
            image["findings"][0]["reason"],
            "critical is at or above --fail-on high"
        );
        assert_eq!(image["findings"][2]["reason"], "below --fail-on high");
        assert_eq!(image["findings"][3]["reason"], "ignore file");
    }

    #[test]
    fn json() {
        let outcomes = outcomes();
        let warnings = vec!["ignore entry CVE-2024-1 matched no finding".to_string()];
        insta::assert_json_snapshot!(document(&outcomes, &policy(), &warnings));
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
        let xml = crate::scan::junit::document(
            &outcomes,
            &policy(),
            crate::scan::junit::Layout::PerImage,
            std::time::Duration::from_secs(2),
        );
        roxmltree::Document::parse(&xml).expect("well-formed XML");
        insta::assert_snapshot!(xml);
    }
}
