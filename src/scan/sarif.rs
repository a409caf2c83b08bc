//! SARIF 2.1.0 for GitHub code scanning: one rule per vulnerability, one result per
//! finding and image; blocking findings are errors, others warnings, ignored ones carry
//! an external suppression with the reason.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::findings::{Finding, Severity};
use super::gate::GatePolicy;
use super::outcome::ImageOutcome;

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

pub fn document(outcomes: &[ImageOutcome], policy: &GatePolicy) -> Value {
    let mut rules: BTreeMap<String, Value> = BTreeMap::new();
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
            rules.entry(f.id.clone()).or_insert_with(|| {
                let mut rule = json!({
                    "id": f.id,
                    "name": f.id,
                    "shortDescription": { "text": f.title.clone().unwrap_or_else(|| f.id.clone()) },
                    "fullDescription": { "text": f.title.clone().unwrap_or_else(|| format!("{} in a container image", f.id)) },
                    "properties": { "security-severity": security_severity(severity), "tags": ["security", "vulnerability", "container"] },
                });
                if let Some(uri) = &f.uri {
                    rule["helpUri"] = json!(uri);
                }
                rule
            });
            let package = super::outcome::package_text(f);
            let fixed = f
                .fixed_in
                .as_deref()
                .map(|v| format!("; fixed in {v}"))
                .unwrap_or_default();
            let mut result = json!({
                "ruleId": f.id,
                "level": level,
                "message": { "text": format!("{} ({}) in {package} of {}{fixed}", f.id, severity.as_str(), outcome.image) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": artifact_uri(&outcome.image) } } }],
                "partialFingerprints": { "ecrctlFinding/v1": fingerprint(&outcome.image, f) },
            });
            if let Some(reason) = suppressed {
                result["suppressions"] = json!([{ "kind": "external", "justification": reason }]);
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "ecrctl",
                "informationUri": "https://github.com/ecrctl/ecrctl",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.into_values().collect::<Vec<_>>(),
            }},
            "results": results,
        }],
    })
}

/// Code scanning wants a relative path-like URI; an image reference becomes one.
fn artifact_uri(image: &str) -> String {
    image.replace(['@', ':'], "/")
}
