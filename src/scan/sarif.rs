//! SARIF 2.1.0 for GitHub code scanning: one rule per vulnerability, one result per
//! finding and image; blocking findings are errors, others warnings, ignored ones carry
//! an external suppression with the reason.
//!
//! The document is a handful of typed structs for the part of SARIF ecrctl writes
//! (rather than the serde-sarif crate's full generated model); the e2e suite validates
//! it against the OASIS schema (tests/fixtures/sarif-schema-2.1.0.json).

use std::collections::BTreeMap;

use serde::Serialize;

use super::findings::{Finding, Severity};
use super::gate::GatePolicy;
use super::outcome::ImageOutcome;

#[derive(Debug, Serialize)]
pub struct Sarif {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run>,
}

#[derive(Debug, Serialize)]
pub struct Run {
    pub tool: Tool,
    pub results: Vec<SarifResult>,
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

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub short_description: Message,
    pub full_description: Message,
    pub properties: RuleProperties,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_uri: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Message {
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct RuleProperties {
    /// GitHub ranks alerts by it (CVSS-like, 0-10).
    #[serde(rename = "security-severity")]
    pub security_severity: &'static str,
    pub tags: [&'static str; 3],
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: String,
    /// `error` (blocking), `warning` (found, not blocking) or `note` (ignored).
    pub level: &'static str,
    pub message: Message,
    pub locations: Vec<Location>,
    pub partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
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
}

#[derive(Debug, Serialize)]
pub struct ArtifactLocation {
    pub uri: String,
}

#[derive(Debug, Serialize)]
pub struct Fingerprints {
    #[serde(rename = "ecrctlFinding/v1")]
    pub finding: String,
}

#[derive(Debug, Serialize)]
pub struct Suppression {
    pub kind: &'static str,
    pub justification: String,
}

/// GitHub ranks alerts by `security-severity` (CVSS-like, 0-10).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "2.0",
        Severity::Informational => "0.0",
    }
}

fn fingerprint(image: &str, f: &Finding) -> String {
    use sha2::{Digest, Sha256};
    let key = format!("{image}|{}|{}", f.id, f.package.as_deref().unwrap_or(""));
    hex::encode(&Sha256::digest(key.as_bytes())[..16])
}

fn rule(f: &Finding, severity: Severity) -> Rule {
    Rule {
        id: f.id.clone(),
        name: f.id.clone(),
        short_description: Message {
            text: f.title.clone().unwrap_or_else(|| f.id.clone()),
        },
        full_description: Message {
            text: f
                .title
                .clone()
                .unwrap_or_else(|| format!("{} in a container image", f.id)),
        },
        properties: RuleProperties {
            security_severity: security_severity(severity),
            tags: ["security", "vulnerability", "container"],
        },
        help_uri: f.uri.clone(),
    }
}

pub fn document(outcomes: &[ImageOutcome], policy: &GatePolicy) -> Sarif {
    let mut rules: BTreeMap<String, Rule> = BTreeMap::new();
    let mut results = Vec::new();
    for outcome in outcomes {
        let Some(verdict) = &outcome.verdict else {
            continue;
        };
        let entries = verdict
            .blocking
            .iter()
            .map(|f| (f, "error", None))
            .chain(verdict.remaining.iter().map(|f| (f, "warning", None)))
            .chain(
                verdict
                    .ignored
                    .iter()
                    .map(|i| (&i.finding, "note", Some(i.reason.as_str()))),
            );
        for (f, level, suppressed) in entries {
            let severity = policy.effective(f);
            rules
                .entry(f.id.clone())
                .or_insert_with(|| rule(f, severity));
            let package = super::outcome::package_text(f);
            let fixed = f
                .fixed_in
                .as_deref()
                .map(|v| format!("; fixed in {v}"))
                .unwrap_or_default();
            results.push(SarifResult {
                rule_id: f.id.clone(),
                level,
                message: Message {
                    text: format!(
                        "{} ({}) in {package} of {}{fixed}",
                        f.id,
                        severity.as_str(),
                        outcome.image
                    ),
                },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: artifact_uri(&outcome.image),
                        },
                    },
                }],
                partial_fingerprints: Fingerprints {
                    finding: fingerprint(&outcome.image, f),
                },
                suppressions: suppressed
                    .map(|reason| Suppression {
                        kind: "external",
                        justification: reason.to_string(),
                    })
                    .into_iter()
                    .collect(),
            });
        }
    }
    Sarif {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "ecrctl",
                    information_uri: "https://github.com/ecrctl/ecrctl",
                    version: env!("CARGO_PKG_VERSION"),
                    rules: rules.into_values().collect(),
                },
            },
            results,
        }],
    }
}

/// Code scanning wants a relative path-like URI; an image reference becomes one.
fn artifact_uri(image: &str) -> String {
    image.replace(['@', ':'], "/")
}
