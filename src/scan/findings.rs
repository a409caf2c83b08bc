//! Scan findings, from basic scanning (`imageScanFindings.findings[]`) and enhanced
//! scanning by Amazon Inspector (`imageScanFindings.enhancedFindings[]`), read from the
//! JSON of `aws ecr describe-image-scan-findings --output json` or built from the SDK.

use serde::Serialize;
use serde_json::Value;

/// ECR's severities in order; `Undefined` (basic) and `Untriaged` (enhanced) are mapped
/// to a chosen severity by the gate (`--unknown-severity-as`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Self::Critical,
        Self::High,
        Self::Medium,
        Self::Low,
        Self::Informational,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Informational => "informational",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

/// A severity as ECR reports it; serialized as `critical` … `informational` or `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportedSeverity {
    Known(Severity),
    /// UNDEFINED, UNTRIAGED, or anything new.
    Unknown,
}

impl Serialize for ReportedSeverity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Known(s) => serializer.serialize_str(s.as_str()),
            Self::Unknown => serializer.serialize_str("unknown"),
        }
    }
}

pub fn parse_severity(text: &str) -> ReportedSeverity {
    match text.to_ascii_uppercase().as_str() {
        "INFORMATIONAL" => ReportedSeverity::Known(Severity::Informational),
        "LOW" => ReportedSeverity::Known(Severity::Low),
        "MEDIUM" => ReportedSeverity::Known(Severity::Medium),
        "HIGH" => ReportedSeverity::Known(Severity::High),
        "CRITICAL" => ReportedSeverity::Known(Severity::Critical),
        _ => ReportedSeverity::Unknown,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanType {
    Basic,
    Enhanced,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// CVE or finding name.
    pub id: String,
    pub severity: ReportedSeverity,
    /// The severity text ECR gave (e.g. `UNTRIAGED`).
    pub reported: String,
    pub package: Option<String>,
    pub version: Option<String>,
    pub fixed_in: Option<String>,
    /// Enhanced only; `None` when the scan does not say (basic scanning).
    pub fix_available: Option<bool>,
    pub exploit_available: Option<bool>,
    pub score: Option<f64>,
    pub uri: Option<String>,
    pub title: Option<String>,
    /// Inspector status (`ACTIVE`, `SUPPRESSED`, `CLOSED`); basic findings are active.
    pub status: String,
}

impl Finding {
    /// A basic-scanning finding; `attribute` looks up ECR's `attributes[]` by key.
    pub fn basic(
        id: String,
        reported: String,
        uri: Option<String>,
        description: Option<String>,
        attribute: impl Fn(&str) -> Option<String>,
    ) -> Self {
        Finding {
            id,
            severity: parse_severity(&reported),
            reported,
            package: attribute("package_name"),
            version: attribute("package_version"),
            fixed_in: None,
            fix_available: None,
            exploit_available: None,
            score: attribute("CVSS3_SCORE")
                .or_else(|| attribute("CVSS2_SCORE"))
                .and_then(|s| s.parse().ok()),
            uri,
            title: description,
            status: "ACTIVE".into(),
        }
    }

    /// Copies of an enhanced finding, one per vulnerable package (name, version,
    /// fixed-in), so each can be fixed and ignored on its own.
    pub fn per_package(
        self,
        packages: Vec<(Option<String>, Option<String>, Option<String>)>,
    ) -> Vec<Finding> {
        if packages.is_empty() {
            return vec![self];
        }
        packages
            .into_iter()
            .map(|(name, version, fixed)| Finding {
                package: name,
                version,
                fixed_in: fixed.filter(|v| !v.is_empty() && v != "NotAvailable"),
                ..self.clone()
            })
            .collect()
    }
}

/// Inspector's `YES` / `PARTIAL` / `NO`.
pub fn yes_no(value: Option<&str>) -> Option<bool> {
    match value.map(str::to_ascii_uppercase).as_deref() {
        Some("YES" | "PARTIAL") => Some(true),
        Some("NO") => Some(false),
        _ => None,
    }
}

/// One image's scan as read: status and findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanResult {
    pub repository: Option<String>,
    pub digest: Option<String>,
    pub tag: Option<String>,
    pub status: String,
    pub status_description: Option<String>,
    pub scan_type: ScanType,
    pub findings: Vec<Finding>,
}

/// Reads `describe-image-scan-findings` output.
pub fn from_json(doc: &Value) -> Result<ScanResult, String> {
    let object = doc
        .as_object()
        .ok_or("expected a JSON object from describe-image-scan-findings")?;
    let findings_doc = object.get("imageScanFindings");
    let status = object
        .get("imageScanStatus")
        .and_then(|s| s.get("status"))
        .and_then(Value::as_str)
        .map(String::from)
        .or_else(|| findings_doc.map(|_| "COMPLETE".to_string()))
        .ok_or(
            "no imageScanStatus or imageScanFindings: is this describe-image-scan-findings output?",
        )?;
    let basic = findings_doc
        .and_then(|f| f.get("findings"))
        .and_then(Value::as_array);
    let enhanced = findings_doc
        .and_then(|f| f.get("enhancedFindings"))
        .and_then(Value::as_array);
    let mut findings = Vec::new();
    for (i, f) in basic.into_iter().flatten().enumerate() {
        findings.push(basic_finding(f).map_err(|e| format!("findings[{i}]: {e}"))?);
    }
    for (i, f) in enhanced.into_iter().flatten().enumerate() {
        findings.extend(enhanced_findings(f).map_err(|e| format!("enhancedFindings[{i}]: {e}"))?);
    }
    let image = object.get("imageId");
    let text = |v: Option<&Value>, key: &str| {
        v.and_then(|v| v.get(key))
            .and_then(Value::as_str)
            .map(String::from)
    };
    Ok(ScanResult {
        repository: text(Some(doc), "repositoryName"),
        digest: text(image, "imageDigest"),
        tag: text(image, "imageTag"),
        status,
        status_description: text(object.get("imageScanStatus"), "description"),
        scan_type: if enhanced.is_some() {
            ScanType::Enhanced
        } else {
            ScanType::Basic
        },
        findings,
    })
}

fn basic_finding(f: &Value) -> Result<Finding, String> {
    let text = |key: &str| f.get(key).and_then(Value::as_str).map(String::from);
    let id = text("name").ok_or("no name")?;
    let attribute = |key: &str| {
        f.get("attributes")?
            .as_array()?
            .iter()
            .find(|a| a.get("key").and_then(Value::as_str) == Some(key))?
            .get("value")?
            .as_str()
            .map(String::from)
    };
    let reported = text("severity").unwrap_or_else(|| "UNDEFINED".into());
    Ok(Finding::basic(
        id,
        reported,
        text("uri"),
        text("description"),
        attribute,
    ))
}

/// One enhanced finding per vulnerable package.
fn enhanced_findings(f: &Value) -> Result<Vec<Finding>, String> {
    let details = f.get("packageVulnerabilityDetails");
    let text = |v: Option<&Value>, key: &str| {
        v.and_then(|v| v.get(key))
            .and_then(Value::as_str)
            .map(String::from)
    };
    let id = text(details, "vulnerabilityId")
        .or_else(|| text(Some(f), "title"))
        .ok_or("no packageVulnerabilityDetails.vulnerabilityId or title")?;
    let reported = text(Some(f), "severity").unwrap_or_else(|| "UNTRIAGED".into());
    let base = Finding {
        id,
        severity: parse_severity(&reported),
        reported,
        package: None,
        version: None,
        fixed_in: None,
        fix_available: yes_no(f.get("fixAvailable").and_then(Value::as_str)),
        exploit_available: yes_no(f.get("exploitAvailable").and_then(Value::as_str)),
        score: f.get("score").and_then(Value::as_f64),
        uri: text(details, "sourceUrl").or_else(|| {
            text(
                f.get("remediation").and_then(|r| r.get("recommendation")),
                "url",
            )
        }),
        title: text(Some(f), "title"),
        status: text(Some(f), "status").unwrap_or_else(|| "ACTIVE".into()),
    };
    let packages = details
        .and_then(|d| d.get("vulnerablePackages"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| {
            (
                text(Some(p), "name"),
                text(Some(p), "version"),
                text(Some(p), "fixedInVersion"),
            )
        })
        .collect();
    Ok(base.per_package(packages))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_basic_findings_as_moto_and_ecr_print_them() {
        let doc = json!({"repositoryName":"app","imageId":{"imageDigest":"sha256:1","imageTag":"v1"},
            "imageScanStatus":{"status":"COMPLETE","description":"done"},
            "imageScanFindings":{"findings":[{"name":"CVE-9999-9999","uri":"https://x","severity":"HIGH",
              "attributes":[{"key":"package_version","value":"9.9.9"},{"key":"package_name","value":"moto_fake"},{"key":"CVSS2_SCORE","value":"7.5"}]}],
              "findingSeverityCounts":{"HIGH":1}}});
        let scan = from_json(&doc).unwrap();
        assert_eq!(scan.scan_type, ScanType::Basic);
        let f = &scan.findings[0];
        assert_eq!(
            (f.id.as_str(), f.severity),
            ("CVE-9999-9999", ReportedSeverity::Known(Severity::High))
        );
        assert_eq!(f.package.as_deref(), Some("moto_fake"));
        assert_eq!(f.score, Some(7.5));
        assert_eq!(f.fix_available, None);
    }

    #[test]
    fn reads_enhanced_findings_one_per_package() {
        let doc = json!({"imageScanStatus":{"status":"ACTIVE"},"imageScanFindings":{"enhancedFindings":[
            {"severity":"CRITICAL","status":"ACTIVE","fixAvailable":"YES","exploitAvailable":"NO","score":9.8,"title":"CVE-1 - openssl",
             "packageVulnerabilityDetails":{"vulnerabilityId":"CVE-1","sourceUrl":"https://nvd/CVE-1",
               "vulnerablePackages":[{"name":"openssl","version":"1.1","fixedInVersion":"1.2"},{"name":"libssl","version":"1.1","fixedInVersion":"NotAvailable"}]}},
            {"severity":"UNTRIAGED","status":"SUPPRESSED","title":"GHSA-x","packageVulnerabilityDetails":{"vulnerabilityId":"GHSA-x"}}]}});
        let scan = from_json(&doc).unwrap();
        assert_eq!(scan.scan_type, ScanType::Enhanced);
        assert_eq!(scan.findings.len(), 3);
        assert_eq!(scan.findings[0].fixed_in.as_deref(), Some("1.2"));
        assert_eq!(scan.findings[1].fixed_in, None);
        assert_eq!(scan.findings[0].fix_available, Some(true));
        assert_eq!(scan.findings[2].severity, ReportedSeverity::Unknown);
        assert_eq!(scan.findings[2].status, "SUPPRESSED");
        assert!(from_json(&json!({"x":1})).is_err());
    }
}
