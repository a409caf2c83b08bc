//! `--gitlab-report FILE`: a GitLab container-scanning report
//! (`gl-container-scanning-report.json`, schema version 15.0.6 of
//! gitlab-org/security-products/security-report-schemas), so the findings show in
//! GitLab's security widget and vulnerability report.
//!
//! Every finding that counts is listed (blocking and allowed; GitLab shows them all);
//! ignored findings are left out, as GitLab has no suppressions. A vulnerability's `id`
//! is derived from the repository, the vulnerability and the package, so it is the same
//! for every tag. When an image could not be gated, the scan's status is `failure` with
//! a `fatal` message for it: GitLab then does not take the report as "everything fixed".

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::findings::{Finding, ReportedSeverity, Severity};
use super::gate::GatePolicy;
use super::outcome::ImageOutcome;
use super::report::{FindingState, finding_states};

pub const SCHEMA_VERSION: &str = "15.0.6";
pub const SCHEMA_URL: &str = "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v15.0.6/dist/container-scanning-report-format.json";

#[derive(Debug, Serialize)]
pub struct GitlabReport {
    pub version: &'static str,
    pub schema: &'static str,
    pub scan: Scan,
    pub vulnerabilities: Vec<Vulnerability>,
    pub remediations: Vec<serde_json::Value>,
}

#[derive(Debug, Serialize)]
pub struct Scan {
    pub analyzer: Tool,
    pub scanner: Tool,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub start_time: String,
    pub end_time: String,
    /// `success`, or `failure` when an image could not be gated.
    pub status: &'static str,
    pub messages: Vec<Message>,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub id: &'static str,
    pub name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'static str>,
    pub version: String,
    pub vendor: Vendor,
}

#[derive(Debug, Serialize)]
pub struct Vendor {
    pub name: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Message {
    pub level: &'static str,
    pub value: String,
}

#[derive(Debug, Serialize)]
pub struct Vulnerability {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub severity: &'static str,
    pub solution: String,
    pub identifiers: Vec<Identifier>,
    pub links: Vec<Link>,
    pub location: Location,
}

#[derive(Debug, Serialize)]
pub struct Identifier {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Link {
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct Location {
    pub dependency: Dependency,
    pub operating_system: String,
    pub image: String,
}

#[derive(Debug, Serialize)]
pub struct Dependency {
    pub package: Package,
    pub version: String,
}

#[derive(Debug, Serialize)]
pub struct Package {
    pub name: String,
}

/// `yyyy-mm-ddThh:mm:ss` in UTC, as the schema asks.
pub fn time_text(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

fn severity(f: &Finding) -> &'static str {
    let s = match f.severity {
        ReportedSeverity::Known(s) => s,
        // GitLab has its own "Unknown"; the gate's mapping is in the description.
        ReportedSeverity::Unknown => return "Unknown",
    };
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Informational => "Info",
    }
}

/// A UUID-shaped id from the repository, vulnerability and package: the same for every
/// tag and digest of the repository.
fn stable_id(repository: &str, f: &Finding) -> String {
    let mut hash = Sha256::new();
    for part in [
        repository,
        &f.id.to_ascii_uppercase(),
        f.package.as_deref().unwrap_or(""),
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let h = hex::encode(&hash.finalize()[..16]);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn identifier(f: &Finding) -> Identifier {
    let upper = f.id.to_ascii_uppercase();
    let kind = if upper.starts_with("CVE-") {
        "cve"
    } else if upper.starts_with("GHSA-") {
        "ghsa"
    } else {
        "amazon_ecr"
    };
    Identifier {
        kind: kind.into(),
        name: f.id.clone(),
        value: f.id.clone(),
        url: f.uri.clone().filter(|u| link_ok(u)),
    }
}

/// The schema's URL pattern: `^(https?|ftp)://.+`.
fn link_ok(url: &str) -> bool {
    ["https://", "http://", "ftp://"]
        .iter()
        .any(|p| url.strip_prefix(p).is_some_and(|rest| !rest.is_empty()))
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

pub fn document(
    outcomes: &[ImageOutcome],
    policy: &GatePolicy,
    started: jiff::Timestamp,
    ended: jiff::Timestamp,
) -> GitlabReport {
    let mut vulnerabilities = Vec::new();
    let mut messages = Vec::new();
    for o in outcomes {
        if let Some(error) = &o.error {
            messages.push(Message {
                level: "fatal",
                value: format!("{} could not be gated: {error}", o.image),
            });
        }
        let (Some(scan), Some(v)) = (&o.scan, &o.verdict) else {
            continue;
        };
        let repository = scan.repository.clone().unwrap_or_else(|| o.image.clone());
        let image = match (&scan.repository, &scan.tag, &scan.digest) {
            (Some(r), Some(t), _) => format!("{r}:{t}"),
            (Some(r), None, Some(d)) => format!("{r}@{d}"),
            _ => o.image.clone(),
        };
        for r in finding_states(v, policy) {
            if r.state == FindingState::Ignored {
                continue;
            }
            let f = r.finding;
            let package = f.package.clone().unwrap_or_else(|| "unknown".into());
            let mut description = f.title.clone().unwrap_or_default();
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(&format!(
                "ECR severity {}; the gate counted it as {}: {} ({}).",
                f.reported,
                r.effective_severity.as_str(),
                match r.state {
                    FindingState::Blocking => "blocking",
                    _ => "allowed",
                },
                r.reason
            ));
            vulnerabilities.push(Vulnerability {
                id: stable_id(&repository, f),
                name: truncate(&f.id, 255),
                description: Some(truncate(&description, 1_048_576)),
                severity: severity(f),
                solution: truncate(
                    &match &f.fixed_in {
                        Some(v) => format!("Upgrade {package} to {v} or later."),
                        None => format!("No fixed version of {package} is known yet."),
                    },
                    7000,
                ),
                identifiers: vec![identifier(f)],
                links: f
                    .uri
                    .iter()
                    .filter(|u| link_ok(u))
                    .map(|u| Link { url: u.clone() })
                    .collect(),
                location: Location {
                    dependency: Dependency {
                        package: Package { name: package },
                        version: f.version.clone().unwrap_or_default(),
                    },
                    operating_system: "unknown".into(),
                    image: image.clone(),
                },
            });
        }
    }
    let status = if messages.is_empty() {
        "success"
    } else {
        "failure"
    };
    GitlabReport {
        version: SCHEMA_VERSION,
        schema: SCHEMA_URL,
        scan: Scan {
            analyzer: Tool {
                id: "ecrctl",
                name: "ecrctl scan gate",
                url: None,
                version: env!("CARGO_PKG_VERSION").into(),
                vendor: Vendor { name: "ecrctl" },
            },
            scanner: Tool {
                id: "amazon_ecr",
                name: "Amazon ECR image scanning",
                url: Some(
                    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html",
                ),
                version: "1".into(),
                vendor: Vendor {
                    name: "Amazon Web Services",
                },
            },
            kind: "container_scanning",
            start_time: time_text(started),
            end_time: time_text(ended),
            status,
            messages,
        },
        vulnerabilities,
        remediations: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::report::tests::{outcomes, policy};

    #[test]
    fn one_entry_per_counted_finding_with_stable_ids() {
        let t = jiff::Timestamp::from_second(1_780_000_000).unwrap();
        let doc = serde_json::to_value(document(&outcomes(), &policy(), t, t)).unwrap();
        assert_eq!(
            doc["scan"]["status"], "failure",
            "gone:v3 could not be gated"
        );
        assert_eq!(doc["scan"]["messages"][0]["level"], "fatal");
        assert_eq!(doc["scan"]["start_time"], "2026-05-28T20:26:40");
        let names: Vec<&str> = doc["vulnerabilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap())
            .collect();
        // The ignored CVE-2025-2000 is left out.
        assert_eq!(names, ["CVE-2025-1000", "CVE-2025-3000", "CVE-2025-4000"]);
        assert_eq!(doc["vulnerabilities"][0]["severity"], "Critical");
        assert_eq!(doc["vulnerabilities"][0]["location"]["image"], "app:v1");
        let mut next = outcomes();
        next[0].scan.as_mut().unwrap().tag = Some("v2".into());
        let again = serde_json::to_value(document(&next, &policy(), t, t)).unwrap();
        assert_eq!(
            again["vulnerabilities"][0]["id"],
            doc["vulnerabilities"][0]["id"]
        );
        assert_eq!(again["vulnerabilities"][0]["location"]["image"], "app:v2");
    }
}
