//! One gated image: what was scanned, the verdict, or why there is none.

use serde_json::{Value, json};

use super::findings::{Finding, ScanResult, Severity};
use super::gate::Verdict;
use crate::error::CliError;

pub struct ImageOutcome {
    /// The image as the user named it.
    pub image: String,
    pub scan: Option<ScanResult>,
    pub verdict: Option<Verdict>,
    pub error: Option<CliError>,
}

impl ImageOutcome {
    pub fn state(&self) -> &'static str {
        match (&self.verdict, &self.error) {
            (_, Some(_)) => "error",
            (Some(v), None) if v.pass => "pass",
            (Some(_), None) => "fail",
            (None, None) => "error",
        }
    }

    pub fn json(&self) -> Value {
        let mut out = json!({ "image": self.image, "verdict": self.state() });
        if let Some(scan) = &self.scan {
            out["repositoryName"] = json!(scan.repository);
            out["imageDigest"] = json!(scan.digest);
            out["scanType"] = json!(scan.scan_type);
            out["scanStatus"] = json!(scan.status);
        }
        if let Some(v) = &self.verdict {
            let counts: serde_json::Map<String, Value> = Severity::ALL
                .iter()
                .map(|s| {
                    (
                        s.as_str().to_string(),
                        json!(v.counts.get(s).copied().unwrap_or_default()),
                    )
                })
                .collect();
            out["counts"] = Value::Object(counts);
            out["blocking"] = json!(v.blocking.iter().map(finding_json).collect::<Vec<_>>());
            out["ignored"] = json!(v.ignored);
            out["notes"] = json!(v.notes);
        }
        if let Some(error) = &self.error {
            out["error"] = json!(error.to_string());
        }
        out
    }
}

pub fn finding_json(f: &Finding) -> Value {
    serde_json::to_value(f).expect("findings serialize")
}

/// `package@version`, or `-`.
pub fn package_text(f: &Finding) -> String {
    match (&f.package, &f.version) {
        (Some(p), Some(v)) => format!("{p}@{v}"),
        (Some(p), None) => p.clone(),
        _ => "-".into(),
    }
}
