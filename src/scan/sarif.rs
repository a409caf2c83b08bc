//! SARIF 2.1.0 for GitHub code scanning, shaped so that GitHub accepts it (the SARIF
//! multitool's `Gh` rules pass, see tests/e2e/sarif.rs) and keeps alerts stable:
//!
//! - one run per ECR repository, with `runAutomationDetails.id` (GitHub's category)
//!   `ecrctl/scan-gate/REPOSITORY/`, so several images uploaded from one workflow do not
//!   replace each other's alerts;
//! - the location is the repository (as trivy does), never the tag or digest, and the
//!   `partialFingerprints` hash repository + vulnerability + package: a new tag or digest
//!   with the same findings keeps the same alerts. Image URI, tag and digest are
//!   properties of the run and of each result;
//! - one rule per vulnerability, one result per vulnerability and package;
//! - a repository with an image the gate could not judge (AWS error, timeout, failed
//!   scan) gets no run in its category — an empty run there would close every open
//!   alert as fixed. Its run goes to a category of its own
//!   (`ecrctl/scan-gate/REPOSITORY/:not-judged/`) with
//!   `invocations[0].executionSuccessful: false` and one `toolExecutionNotifications`
//!   entry per image that errored;
//! - ignored findings are left out (GitHub ignores SARIF suppressions, so they would show
//!   as open alerts) unless `--sarif-include-ignored` keeps them, as `note`s with an
//!   external suppression that carries the reason.
//!
//! The document is a handful of typed structs for the part of SARIF ecrctl writes
//! (rather than the serde-sarif crate's full generated model); the e2e suite also
//! validates it against the OASIS schema (tests/fixtures/sarif-schema-2.1.0.json).

use std::collections::BTreeMap;

use serde::Serialize;

use super::findings::{Finding, Severity};
use super::gate::GatePolicy;
use super::outcome::{ImageOutcome, package_text};

/// The partial fingerprint's name; its value hashes repository, vulnerability and package.
pub const FINGERPRINT_KEY: &str = "ecrctlFinding/v2";

/// GitHub's limit for a rule's name (characters).
const NAME_LIMIT: usize = 255;
/// GitHub's limit for descriptions and messages (characters).
const TEXT_LIMIT: usize = 1024;

#[derive(Debug, Clone, Copy, Default)]
pub struct SarifOptions {
    /// Keep ignored findings, as suppressed `note`s (`--sarif-include-ignored`).
    pub include_ignored: bool,
}

#[derive(Debug, Serialize)]
pub struct Sarif {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub tool: Tool,
    pub automation_details: AutomationDetails,
    pub invocations: Vec<Invocation>,
    pub results: Vec<SarifResult>,
    pub properties: RunProperties,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub driver: Driver,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    pub name: &'static str,
    pub information_uri: &'static str,
    pub version: &'static str,
    pub rules: Vec<Rule>,
}

/// `runAutomationDetails`: GitHub takes `id` up to its last `/` as the category.
#[derive(Debug, Serialize)]
pub struct AutomationDetails {
    pub id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invocation {
    pub execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_execution_notifications: Vec<Notification>,
}

#[derive(Debug, Serialize)]
pub struct Notification {
    pub level: &'static str,
    pub message: Message,
    pub properties: NotificationProperties,
}

#[derive(Debug, Serialize)]
pub struct NotificationProperties {
    pub image: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunProperties {
    pub repository: String,
    pub images: Vec<ImageProperties>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageProperties {
    /// The image as the user named it (a tag, a digest or a full URI).
    pub image: String,
    /// `HOST/REPOSITORY@DIGEST` (else `:TAG`) when the image was named with its registry
    /// host (`ACCOUNT.dkr.ecr.REGION.amazonaws.com/…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// `pass`, `fail` or `error`.
    pub state: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub short_description: Message,
    pub full_description: Message,
    pub default_configuration: Configuration,
    pub help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_uri: Option<String>,
    pub properties: RuleProperties,
}

#[derive(Debug, Serialize)]
pub struct Configuration {
    pub level: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Help {
    pub text: String,
    pub markdown: String,
}

#[derive(Debug, Serialize)]
pub struct Message {
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct RuleProperties {
    /// GitHub ranks alerts by it (CVSS-like, 0-10).
    #[serde(rename = "security-severity")]
    pub security_severity: String,
    pub precision: &'static str,
    pub tags: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: String,
    pub rule_index: usize,
    /// `error` (blocking), `warning` (found, not blocking) or `note` (ignored).
    pub level: &'static str,
    pub message: Message,
    pub locations: Vec<Location>,
    pub partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
    pub properties: ResultProperties,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultProperties {
    /// `blocking`, `allowed` or `ignored`.
    pub state: &'static str,
    pub severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_in: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Every image of the repository this finding was found in.
    pub images: Vec<ImageProperties>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub physical_location: PhysicalLocation,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    pub region: Region,
}

#[derive(Debug, Serialize)]
pub struct ArtifactLocation {
    pub uri: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

#[derive(Debug, Serialize)]
pub struct Suppression {
    pub kind: &'static str,
    pub justification: String,
}

/// GitHub ranks alerts by `security-severity` (CVSS-like, 0-10): the CVSS / Inspector
/// score when there is one, else a number in the band GitHub maps to the severity
/// (critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9).
fn security_severity(score: Option<f64>, s: Severity) -> String {
    match score {
        Some(x) => format!("{x:.1}"),
        None => match s {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "2.0",
            Severity::Informational => "0.0",
        }
        .to_string(),
    }
}

fn default_level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Informational => "note",
    }
}

/// Stable across re-scans and new tags or digests of the same repository: the
/// repository, the vulnerability and the package (not its version: an upgrade that is
/// still vulnerable is the same alert).
pub fn fingerprint(repository: &str, f: &Finding) -> String {
    use sha2::{Digest, Sha256};
    let key = format!(
        "{repository}\u{0}{}\u{0}{}",
        f.id,
        f.package.as_deref().unwrap_or("")
    );
    hex::encode(&Sha256::digest(key.as_bytes())[..16])
}

/// At most `limit` characters, cut with an ellipsis.
fn bounded(text: &str, limit: usize) -> String {
    // GitHub counts UTF-16 code units; a char is at most two.
    if text.encode_utf16().count() <= limit {
        return text.to_string();
    }
    let mut out = String::new();
    let mut units = 0;
    for c in text.chars() {
        if units + c.len_utf16() > limit - 1 {
            break;
        }
        units += c.len_utf16();
        out.push(c);
    }
    out.push('…');
    out
}

/// The repository an outcome belongs to: from the scan, else from the image as named
/// (a saved findings file without `repositoryName` is named by its path, made relative:
/// code scanning takes relative locations).
fn repository_of(outcome: &ImageOutcome) -> String {
    if let Some(repo) = outcome.scan.as_ref().and_then(|s| s.repository.clone()) {
        return repo;
    }
    let named = crate::model::reference::parse(&outcome.image)
        .map(|r| r.repository)
        .unwrap_or_else(|_| outcome.image.clone());
    named.trim_start_matches('/').to_string()
}

fn image_properties(outcome: &ImageOutcome) -> ImageProperties {
    let parsed = crate::model::reference::parse(&outcome.image).ok();
    let scan = outcome.scan.as_ref();
    let tag = scan
        .and_then(|s| s.tag.clone())
        .or_else(|| parsed.as_ref().and_then(|r| r.tag.clone()));
    let digest = scan
        .and_then(|s| s.digest.clone())
        .or_else(|| parsed.as_ref().and_then(|r| r.digest.clone()));
    let uri = parsed.as_ref().and_then(|r| {
        let host = r.host.as_deref()?;
        let pin = match (&digest, &tag) {
            (Some(d), _) => format!("@{d}"),
            (None, Some(t)) => format!(":{t}"),
            (None, None) => String::new(),
        };
        Some(format!("{host}/{}{pin}", r.repository))
    });
    ImageProperties {
        image: outcome.image.clone(),
        uri,
        tag,
        digest,
        state: outcome.state().as_str(),
    }
}

struct RuleFacts {
    first: Finding,
    severity: Severity,
    score: Option<f64>,
    basic: bool,
}

fn rule(facts: &RuleFacts) -> Rule {
    let f = &facts.first;
    let title = f
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| format!("{} in a container image", f.id));
    let severity = facts.severity.as_str();
    let score = facts
        .score
        .map(|s| format!(", score {s:.1}"))
        .unwrap_or_default();
    let link = f.uri.clone();
    let fix = "Upgrade the package to a version that fixes it (each alert names the package \
               and, when ECR knows one, the fixed version) and push a new image, or record a \
               reviewed exception with an expiry in the gate's --ignore-file.";
    let text = format!(
        "{id}: {title}\nSeverity: {severity}{score}\n{more}{fix}",
        id = f.id,
        more = link
            .as_deref()
            .map(|u| format!("More: {u}\n"))
            .unwrap_or_default(),
    );
    let markdown = format!(
        "**{id}**: {title}\n\n| Severity | Score |\n| --- | --- |\n| {severity} | {score_cell} |\n\n{more}{fix}",
        id = markdown_text(&f.id),
        title = markdown_text(&title),
        score_cell = facts
            .score
            .map(|s| format!("{s:.1}"))
            .unwrap_or_else(|| "-".into()),
        more = link
            .as_deref()
            .filter(|u| link_safe(u))
            .map(|u| format!("[{}]({u})\n\n", markdown_text(&f.id)))
            .unwrap_or_default(),
    );
    let mut tags = vec![
        "security".to_string(),
        "vulnerability".to_string(),
        "container".to_string(),
        severity.to_string(),
    ];
    tags.push(
        if facts.basic {
            "basic-scan"
        } else {
            "enhanced-scan"
        }
        .into(),
    );
    Rule {
        id: f.id.clone(),
        name: bounded(
            if facts.basic {
                "OsPackageVulnerability"
            } else {
                "PackageVulnerability"
            },
            NAME_LIMIT,
        ),
        short_description: Message {
            text: bounded(
                &if title.starts_with(f.id.as_str()) {
                    first_line(&title).to_string()
                } else {
                    format!("{}: {}", f.id, first_line(&title))
                },
                TEXT_LIMIT,
            ),
        },
        full_description: Message {
            text: bounded(&title, TEXT_LIMIT),
        },
        default_configuration: Configuration {
            level: default_level(facts.severity),
        },
        help: Help { text, markdown },
        help_uri: link.filter(|u| link_safe(u)),
        properties: RuleProperties {
            security_severity: security_severity(facts.score, facts.severity),
            precision: "very-high",
            tags,
        },
    }
}

/// An http(s) URL that can stand in a Markdown link and `helpUri` as it is.
fn link_safe(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.chars().all(|c| {
            c.is_ascii_graphic()
                && !matches!(c, '(' | ')' | '<' | '>' | '[' | ']' | '"' | '`' | '\\')
        })
}

/// GitHub code scanning rejects a file with more runs than this.
pub const GITHUB_MAX_RUNS: usize = 20;

/// Why GitHub would refuse the document, if it would.
pub fn github_limit_warning(doc: &Sarif) -> Option<String> {
    (doc.runs.len() > GITHUB_MAX_RUNS).then(|| {
        format!(
            "the SARIF file has {} runs (one per repository); GitHub code scanning refuses files \
             with more than {GITHUB_MAX_RUNS}: gate at most {GITHUB_MAX_RUNS} repositories per --sarif file",
            doc.runs.len()
        )
    })
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

/// Text safe in a Markdown paragraph or table cell.
fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#'
        ) {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

/// One finding in one repository, merged over the repository's images.
struct Entry {
    finding: Finding,
    severity: Severity,
    state: &'static str,
    level: &'static str,
    suppression: Option<String>,
    images: Vec<ImageProperties>,
}

fn rank(state: &str) -> u8 {
    match state {
        "blocking" => 2,
        "allowed" => 1,
        _ => 0,
    }
}

fn region() -> Region {
    Region {
        start_line: 1,
        start_column: 1,
        end_line: 1,
        end_column: 1,
    }
}

fn driver(rules: Vec<Rule>) -> Tool {
    Tool {
        driver: Driver {
            name: "ecrctl",
            information_uri: "https://github.com/ecrctl/ecrctl",
            version: env!("CARGO_PKG_VERSION"),
            rules,
        },
    }
}

/// `ecrctl/scan-gate/REPOSITORY/`: GitHub's category for the repository's alerts.
pub fn category(repository: &str) -> String {
    format!("ecrctl/scan-gate/{repository}/")
}

/// With the default options (ignored findings left out).
#[cfg(test)]
pub fn document(outcomes: &[ImageOutcome], policy: &GatePolicy) -> Sarif {
    document_with(outcomes, policy, SarifOptions::default())
}

pub fn document_with(
    outcomes: &[ImageOutcome],
    policy: &GatePolicy,
    options: SarifOptions,
) -> Sarif {
    // Repositories in the order first named.
    let mut order: Vec<String> = Vec::new();
    let mut by_repo: BTreeMap<String, Vec<&ImageOutcome>> = BTreeMap::new();
    for outcome in outcomes {
        let repo = repository_of(outcome);
        if !by_repo.contains_key(&repo) {
            order.push(repo.clone());
        }
        by_repo.entry(repo).or_default().push(outcome);
    }
    let runs = order
        .iter()
        .map(|repo| repository_run(repo, &by_repo[repo], policy, options))
        .collect();
    Sarif {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs,
    }
}

/// Why the findings of `outcome` cannot stand as the repository's full set of alerts: the
/// gate could not judge it, or ECR counts findings it did not list (uploading the list
/// would close the alerts of the unlisted ones as fixed).
fn not_judged(outcome: &ImageOutcome) -> Option<String> {
    if let Some(e) = &outcome.error {
        let hint = e.hint().map(|h| format!(" ({h})")).unwrap_or_default();
        return Some(format!("{e}{hint}"));
    }
    let counts = outcome.scan.as_ref()?.severity_counts.as_ref()?;
    let unlisted: u64 = counts
        .discrepancies()
        .iter()
        .filter(|(_, counted, listed)| counted > listed)
        .map(|(_, counted, listed)| counted - listed)
        .sum();
    (unlisted > 0).then(|| {
        format!("ECR counts {unlisted} findings that its findings list leaves out, so the list is not complete")
    })
}

fn repository_run(
    repository: &str,
    outcomes: &[&ImageOutcome],
    policy: &GatePolicy,
    options: SarifOptions,
) -> Run {
    let images: Vec<ImageProperties> = outcomes.iter().map(|o| image_properties(o)).collect();
    let properties = RunProperties {
        repository: repository.to_string(),
        images: images.clone(),
    };
    let errored: Vec<(&&ImageOutcome, String)> = outcomes
        .iter()
        .filter_map(|o| Some((o, not_judged(o)?)))
        .collect();
    if !errored.is_empty() {
        // Not judged: no results in the repository's own category, whose open alerts
        // would otherwise all be closed as fixed.
        let notifications = errored
            .iter()
            .map(|(o, why)| Notification {
                level: "error",
                message: Message {
                    text: bounded(
                        &format!("{} could not be judged: {why}", o.image),
                        TEXT_LIMIT,
                    ),
                },
                properties: NotificationProperties {
                    image: o.image.clone(),
                },
            })
            .collect();
        return Run {
            tool: driver(Vec::new()),
            automation_details: AutomationDetails {
                id: format!("{}:not-judged/", category(repository)),
            },
            invocations: vec![Invocation {
                execution_successful: false,
                tool_execution_notifications: notifications,
            }],
            results: Vec::new(),
            properties,
        };
    }

    let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
    let mut entry_order: Vec<String> = Vec::new();
    for (outcome, image) in outcomes.iter().zip(&images) {
        let Some(verdict) = &outcome.verdict else {
            continue;
        };
        let ignored = verdict
            .ignored
            .iter()
            .filter(|_| options.include_ignored)
            .map(|i| (&i.finding, "ignored", "note", Some(i.reason.clone())));
        let found = verdict
            .blocking
            .iter()
            .map(|f| (f, "blocking", "error", None))
            .chain(
                verdict
                    .remaining
                    .iter()
                    .map(|f| (f, "allowed", "warning", None)),
            )
            .chain(ignored);
        for (f, state, level, suppression) in found {
            let key = fingerprint(repository, f);
            match entries.get_mut(&key) {
                Some(entry) => {
                    if !entry.images.contains(image) {
                        entry.images.push(image.clone());
                    }
                    if rank(state) > rank(entry.state) {
                        (entry.state, entry.level, entry.suppression) = (state, level, suppression);
                    }
                }
                None => {
                    entry_order.push(key.clone());
                    entries.insert(
                        key,
                        Entry {
                            finding: f.clone(),
                            severity: policy.effective(f),
                            state,
                            level,
                            suppression,
                            images: vec![image.clone()],
                        },
                    );
                }
            }
        }
    }

    // One rule per vulnerability: the highest severity and score any package has.
    let mut rule_facts: Vec<RuleFacts> = Vec::new();
    let mut rule_index: BTreeMap<String, usize> = BTreeMap::new();
    let basic = |o: &&ImageOutcome| {
        o.scan
            .as_ref()
            .is_some_and(|s| s.scan_type == super::findings::ScanType::Basic)
    };
    let all_basic = outcomes.iter().all(basic);
    for key in &entry_order {
        let e = &entries[key];
        let f = &e.finding;
        match rule_index.get(&f.id) {
            Some(&i) => {
                let facts = &mut rule_facts[i];
                facts.severity = facts.severity.max(e.severity);
                facts.score = match (facts.score, f.score) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
            }
            None => {
                rule_index.insert(f.id.clone(), rule_facts.len());
                rule_facts.push(RuleFacts {
                    first: f.clone(),
                    severity: e.severity,
                    score: f.score,
                    basic: all_basic,
                });
            }
        }
    }
    let results = entry_order
        .iter()
        .map(|key| {
            let e = entries.remove(key).expect("every key has an entry");
            let f = &e.finding;
            let package = package_text(f);
            let fixed = f
                .fixed_in
                .as_deref()
                .map(|v| format!("; fixed in {v}"))
                .unwrap_or_default();
            let tags: Vec<&str> = e.images.iter().map(|i| i.image.as_str()).collect();
            SarifResult {
                rule_id: f.id.clone(),
                rule_index: rule_index[&f.id],
                level: e.level,
                message: Message {
                    text: bounded(
                        &format!(
                            "{} ({}) in {package} of {} ({}){fixed}",
                            f.id,
                            e.severity.as_str(),
                            repository,
                            tags.join(", ")
                        ),
                        TEXT_LIMIT,
                    ),
                },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: repository.to_string(),
                        },
                        region: region(),
                    },
                }],
                // Also as `primaryLocationLineHash`, the key GitHub's upload computes
                // from a source file when it is missing, which it cannot be here.
                partial_fingerprints: BTreeMap::from([
                    (FINGERPRINT_KEY, key.clone()),
                    ("primaryLocationLineHash", key.clone()),
                ]),
                suppressions: e
                    .suppression
                    .map(|reason| Suppression {
                        kind: "external",
                        justification: reason,
                    })
                    .into_iter()
                    .collect(),
                properties: ResultProperties {
                    state: e.state,
                    severity: e.severity.as_str(),
                    package: f.package.clone(),
                    version: f.version.clone(),
                    fixed_in: f.fixed_in.clone(),
                    score: f.score,
                    images: e.images,
                },
            }
        })
        .collect();
    Run {
        tool: driver(rule_facts.iter().map(rule).collect()),
        automation_details: AutomationDetails {
            id: category(repository),
        },
        invocations: vec![Invocation {
            execution_successful: true,
            tool_execution_notifications: Vec::new(),
        }],
        results,
        properties,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CliError;
    use crate::scan::findings::{ScanResult, ScanType, parse_severity};
    use crate::scan::gate::{Ignored, Verdict};

    fn finding(id: &str, package: &str, score: Option<f64>) -> Finding {
        Finding {
            id: id.into(),
            severity: parse_severity("HIGH"),
            reported: "HIGH".into(),
            package: Some(package.into()),
            version: Some("1".into()),
            fixed_in: None,
            fix_available: None,
            exploit_available: None,
            score,
            uri: None,
            title: None,
            status: "ACTIVE".into(),
        }
    }

    fn policy() -> GatePolicy {
        GatePolicy {
            fail_on: Some(Severity::Critical),
            budgets: BTreeMap::new(),
            ignore_unfixed: false,
            only_exploitable: false,
            unknown_as: Severity::Medium,
        }
    }

    fn judged(image: &str, findings: Vec<Finding>, ignored: Vec<Finding>) -> ImageOutcome {
        let (repository, tag) = image.split_once(':').unwrap();
        ImageOutcome {
            waited: std::time::Duration::ZERO,
            image: image.into(),
            scan: Some(ScanResult {
                repository: Some(repository.into()),
                digest: Some(format!("sha256:{tag}")),
                tag: Some(tag.into()),
                status: "COMPLETE".into(),
                status_description: None,
                scan_type: ScanType::Basic,
                findings: findings.clone(),
                severity_counts: None,
            }),
            verdict: Some(Verdict {
                pass: true,
                counts: BTreeMap::new(),
                blocking: Vec::new(),
                ignored: ignored
                    .into_iter()
                    .map(|finding| Ignored {
                        finding,
                        reason: "ignore file".into(),
                    })
                    .collect(),
                remaining: findings,
                notes: Vec::new(),
            }),
            error: None,
        }
    }

    fn json(outcomes: &[ImageOutcome], include_ignored: bool) -> serde_json::Value {
        serde_json::to_value(document_with(
            outcomes,
            &policy(),
            SarifOptions { include_ignored },
        ))
        .unwrap()
    }

    #[test]
    fn fingerprints_name_the_repository_never_the_tag_or_digest() {
        let f = finding("CVE-1", "openssl", None);
        let v1 = json(&[judged("app:v1", vec![f.clone()], vec![])], false);
        let v2 = json(&[judged("app:v2", vec![f.clone()], vec![])], false);
        let result = |doc: &serde_json::Value| doc["runs"][0]["results"][0].clone();
        assert_eq!(
            result(&v1)["partialFingerprints"],
            result(&v2)["partialFingerprints"]
        );
        assert_eq!(
            result(&v1)["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "app"
        );
        assert_eq!(
            result(&v1)["partialFingerprints"]["primaryLocationLineHash"],
            fingerprint("app", &f)
        );
        // Another package, another repository, another CVE: another alert.
        let base = fingerprint("app", &f);
        assert_ne!(base, fingerprint("web", &f));
        assert_ne!(base, fingerprint("app", &finding("CVE-1", "libssl", None)));
        assert_ne!(base, fingerprint("app", &finding("CVE-2", "openssl", None)));
        // A new version of the package that is still vulnerable is the same alert.
        let upgraded = Finding {
            version: Some("2".into()),
            ..f.clone()
        };
        assert_eq!(base, fingerprint("app", &upgraded));
    }

    #[test]
    fn one_run_and_category_per_repository_with_images_as_properties() {
        let f = finding("CVE-1", "openssl", Some(7.3));
        let doc = json(
            &[
                judged("app:v1", vec![f.clone()], vec![]),
                judged("web:v1", vec![f.clone()], vec![]),
                judged("app:v2", vec![f.clone()], vec![]),
            ],
            false,
        );
        let runs = doc["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0]["automationDetails"]["id"], "ecrctl/scan-gate/app/");
        assert_eq!(runs[1]["automationDetails"]["id"], "ecrctl/scan-gate/web/");
        let app = &runs[0]["results"];
        assert_eq!(app.as_array().unwrap().len(), 1, "one alert for both tags");
        assert_eq!(app[0]["properties"]["images"][1]["tag"], "v2");
        assert_eq!(app[0]["properties"]["images"][1]["digest"], "sha256:v2");
        assert_eq!(app[0]["properties"]["images"][1].get("uri"), None);
        let host = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
        let mut named = judged("app:v3", vec![f.clone()], vec![]);
        named.image = format!("{host}/app:v3");
        assert_eq!(
            image_properties(&named).uri.as_deref(),
            Some(format!("{host}/app@sha256:v3").as_str())
        );
        assert_eq!(app[0]["ruleIndex"], 0);
        let rule = &runs[0]["tool"]["driver"]["rules"][0];
        assert_eq!(rule["properties"]["security-severity"], "7.3");
        assert_eq!(rule["defaultConfiguration"]["level"], "error");
        assert_ne!(rule["name"], rule["id"]);
    }

    #[test]
    fn an_unjudged_image_gives_its_repository_no_all_fixed_run() {
        let f = finding("CVE-1", "openssl", None);
        let errored = ImageOutcome {
            waited: std::time::Duration::ZERO,
            image: "app:v2".into(),
            scan: None,
            verdict: None,
            error: Some(
                CliError::remote("the scan of app:v2 failed")
                    .with_cause("UnsupportedImageError")
                    .with_hint("see ECR"),
            ),
        };
        let doc = json(&[judged("app:v1", vec![f], vec![]), errored], false);
        let run = &doc["runs"][0];
        assert_eq!(
            run["automationDetails"]["id"],
            "ecrctl/scan-gate/app/:not-judged/"
        );
        assert_eq!(run["results"], serde_json::json!([]));
        assert_eq!(run["invocations"][0]["executionSuccessful"], false);
        assert_eq!(
            run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"],
            "app:v2 could not be judged: the scan of app:v2 failed: UnsupportedImageError (see ECR)"
        );
        assert_eq!(doc["runs"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn a_saved_file_without_a_repository_is_located_by_its_relative_path() {
        let mut outcome = judged("app:v1", vec![finding("CVE-1", "zlib", None)], vec![]);
        outcome.image = "/ci/out/findings.json".into();
        outcome.scan.as_mut().unwrap().repository = None;
        let doc = json(&[outcome], false);
        assert_eq!(
            doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "ci/out/findings.json"
        );
        assert_eq!(
            doc["runs"][0]["automationDetails"]["id"],
            "ecrctl/scan-gate/ci/out/findings.json/"
        );
    }

    #[test]
    fn ignored_findings_only_when_asked_for() {
        let kept = finding("CVE-1", "openssl", None);
        let ignored = finding("CVE-2", "zlib", None);
        let outcomes = [judged("app:v1", vec![kept], vec![ignored])];
        let ids = |doc: serde_json::Value| -> Vec<String> {
            doc["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["ruleId"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(ids(json(&outcomes, false)), ["CVE-1"]);
        let doc = json(&outcomes, true);
        assert_eq!(doc["runs"][0]["results"][1]["level"], "note");
        assert_eq!(
            doc["runs"][0]["results"][1]["suppressions"][0]["kind"],
            "external"
        );
        assert_eq!(ids(doc), ["CVE-1", "CVE-2"]);
    }

    #[test]
    fn texts_stay_within_githubs_limits() {
        assert_eq!(bounded("short", 10), "short");
        let cut = bounded(&"é".repeat(2000), TEXT_LIMIT);
        assert_eq!(cut.encode_utf16().count(), TEXT_LIMIT);
        assert!(cut.ends_with('…'));
        let emoji = bounded(&"🦀".repeat(600), TEXT_LIMIT);
        assert!(emoji.encode_utf16().count() <= TEXT_LIMIT);
        assert_eq!(security_severity(None, Severity::Critical), "9.5");
        assert_eq!(security_severity(Some(9.84), Severity::Low), "9.8");
        assert_eq!(markdown_text("a|b*c"), "a\\|b\\*c");
        assert!(link_safe("https://nvd.nist.gov/vuln/detail/CVE-2026-0001"));
        for bad in [
            "javascript:alert(1)",
            "https://x/a) [evil](https://y",
            "https://x/a b",
            "https://x/\u{1b}[2J",
        ] {
            assert!(!link_safe(bad), "{bad}");
        }
    }

    #[test]
    fn more_runs_than_github_takes_is_a_warning() {
        let outcomes: Vec<ImageOutcome> = (0..=GITHUB_MAX_RUNS)
            .map(|i| judged(&format!("repo{i}:v1"), vec![], vec![]))
            .collect();
        let doc = document_with(&outcomes, &policy(), SarifOptions::default());
        let warning = github_limit_warning(&doc).expect("21 runs");
        assert!(warning.contains("21 runs"), "{warning}");
        let doc = document_with(&outcomes[..20], &policy(), SarifOptions::default());
        assert_eq!(github_limit_warning(&doc), None);
    }
}
