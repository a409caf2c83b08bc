//! Scan findings, from basic scanning (`imageScanFindings.findings[]`) and enhanced
//! scanning by Amazon Inspector (`imageScanFindings.enhancedFindings[]`), read from the
//! JSON of `aws ecr describe-image-scan-findings --output json` or built from the SDK.

use serde::Deserialize;

pub use crate::model::finding::{
    Finding, ReportedSeverity, ScanResult, ScanType, Severity, parse_severity, yes_no,
};

// ---- `describe-image-scan-findings` output, as serde reads it. Not
// `deny_unknown_fields`: AWS adds fields. Strings that AWS may extend (severity, status)
// stay text and are mapped deliberately (`parse_severity` → `Unknown`).

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "camelCase",
    expecting = "describe-image-scan-findings output: a JSON object"
)]
struct RawScanFindings {
    repository_name: Option<String>,
    image_id: Option<RawImageId>,
    image_scan_status: Option<RawScanStatus>,
    image_scan_findings: Option<RawFindingsBody>,
    #[serde(alias = "NextToken")]
    next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawImageId {
    image_digest: Option<String>,
    image_tag: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawScanStatus {
    status: String,
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawFindingsBody {
    findings: Option<Vec<RawBasicFinding>>,
    enhanced_findings: Option<Vec<RawEnhancedFinding>>,
}

#[derive(Debug, Deserialize)]
struct RawBasicFinding {
    name: String,
    description: Option<String>,
    uri: Option<String>,
    severity: Option<String>,
    #[serde(default)]
    attributes: Vec<RawAttribute>,
}

#[derive(Debug, Deserialize)]
struct RawAttribute {
    key: String,
    value: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEnhancedFinding {
    severity: Option<String>,
    status: Option<String>,
    fix_available: Option<String>,
    exploit_available: Option<String>,
    score: Option<Score>,
    title: Option<String>,
    package_vulnerability_details: Option<RawVulnerabilityDetails>,
    remediation: Option<RawRemediation>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawVulnerabilityDetails {
    vulnerability_id: Option<String>,
    source_url: Option<String>,
    #[serde(default)]
    vulnerable_packages: Vec<RawPackage>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPackage {
    name: Option<String>,
    version: Option<String>,
    fixed_in_version: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawRemediation {
    recommendation: Option<RawRecommendation>,
}

#[derive(Debug, Deserialize)]
struct RawRecommendation {
    url: Option<String>,
}

/// A CVSS score: a number in 0..=10.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Score(f64);

impl<'de> Deserialize<'de> for Score {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let x = f64::deserialize(d)?;
        if (0.0..=10.0).contains(&x) {
            Ok(Score(x))
        } else {
            Err(serde::de::Error::custom(format!(
                "{x} is out of range 0..=10 (a CVSS score)"
            )))
        }
    }
}

/// A CVSS score from text (basic findings' attributes): finite and in 0..=10, else none.
/// Reads `describe-image-scan-findings` output; a problem names its JSON path
/// (`$.imageScanFindings.findings[3].name: …`).
pub fn parse_json(text: &str) -> Result<ScanResult, String> {
    let raw: RawScanFindings = crate::input::from_json(text).map_err(|e| e.to_string())?;
    from_raw(raw)
}

fn from_raw(raw: RawScanFindings) -> Result<ScanResult, String> {
    if raw.next_token.is_some() {
        return Err("it has a `nextToken`: this is one page of the findings, and a gate must not pass on a part; save it without --max-items / --page-size so the AWS CLI fetches every page".into());
    }
    let status = match (&raw.image_scan_status, &raw.image_scan_findings) {
        (Some(s), _) => s.status.clone(),
        (None, Some(_)) => "COMPLETE".to_string(),
        (None, None) => {
            return Err(
                "no imageScanStatus or imageScanFindings: is this describe-image-scan-findings output?"
                    .into(),
            );
        }
    };
    let (basic, enhanced) = match raw.image_scan_findings {
        Some(body) => (body.findings, body.enhanced_findings),
        None => (None, None),
    };
    let scan_type = if enhanced.is_some() {
        ScanType::Enhanced
    } else {
        ScanType::Basic
    };
    let mut findings: Vec<Finding> = basic.into_iter().flatten().map(basic_finding).collect();
    for (i, f) in enhanced.into_iter().flatten().enumerate() {
        findings.extend(
            enhanced_findings(f)
                .map_err(|e| format!("$.imageScanFindings.enhancedFindings[{i}]: {e}"))?,
        );
    }
    let (digest, tag) = match raw.image_id {
        Some(id) => (id.image_digest, id.image_tag),
        None => (None, None),
    };
    Ok(ScanResult {
        repository: raw.repository_name,
        digest,
        tag,
        status,
        status_description: raw.image_scan_status.and_then(|s| s.description),
        scan_type,
        findings,
    })
}

fn basic_finding(f: RawBasicFinding) -> Finding {
    let attributes = f.attributes;
    let attribute = |key: &str| {
        attributes
            .iter()
            .find(|a| a.key == key)
            .and_then(|a| a.value.clone())
    };
    let reported = f.severity.unwrap_or_else(|| "UNDEFINED".into());
    Finding::basic(f.name, reported, f.uri, f.description, attribute)
}

/// One enhanced finding per vulnerable package.
fn enhanced_findings(f: RawEnhancedFinding) -> Result<Vec<Finding>, String> {
    let details = f.package_vulnerability_details;
    let id = details
        .as_ref()
        .and_then(|d| d.vulnerability_id.clone())
        .or_else(|| f.title.clone())
        .ok_or("no packageVulnerabilityDetails.vulnerabilityId or title")?;
    let reported = f.severity.unwrap_or_else(|| "UNTRIAGED".into());
    let fix_text = f.fix_available.clone();
    let recommendation_url = f
        .remediation
        .and_then(|r| r.recommendation)
        .and_then(|r| r.url);
    let (source_url, packages) = match details {
        Some(d) => (d.source_url, d.vulnerable_packages),
        None => (None, Vec::new()),
    };
    let base = Finding {
        id,
        severity: parse_severity(&reported),
        reported,
        package: None,
        version: None,
        fixed_in: None,
        fix_available: yes_no(f.fix_available.as_deref()),
        exploit_available: yes_no(f.exploit_available.as_deref()),
        score: f.score.map(|s| s.0),
        uri: source_url.or(recommendation_url),
        title: f.title,
        status: f.status.unwrap_or_else(|| "ACTIVE".into()),
    };
    let packages = packages
        .into_iter()
        .map(|p| (p.name, p.version, p.fixed_in_version))
        .collect();
    let mut findings = base.per_package(packages);
    crate::model::finding::fix_per_package(&mut findings, fix_text.as_deref());
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::finding::score_text;

    #[test]
    fn reads_basic_findings_as_moto_and_ecr_print_them() {
        let doc = r#"{"repositoryName":"app","imageId":{"imageDigest":"sha256:1","imageTag":"v1"},
            "imageScanStatus":{"status":"COMPLETE","description":"done"},
            "imageScanFindings":{"findings":[{"name":"CVE-9999-9999","uri":"https://x","severity":"HIGH",
              "attributes":[{"key":"package_version","value":"9.9.9"},{"key":"package_name","value":"moto_fake"},{"key":"CVSS2_SCORE","value":"7.5"}]}],
              "findingSeverityCounts":{"HIGH":1}}}"#;
        let scan = parse_json(doc).unwrap();
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
        let doc = r#"{"imageScanStatus":{"status":"ACTIVE"},"imageScanFindings":{"enhancedFindings":[
            {"severity":"CRITICAL","status":"ACTIVE","fixAvailable":"YES","exploitAvailable":"NO","score":9.8,"title":"CVE-1 - openssl",
             "packageVulnerabilityDetails":{"vulnerabilityId":"CVE-1","sourceUrl":"https://nvd/CVE-1",
               "vulnerablePackages":[{"name":"openssl","version":"1.1","fixedInVersion":"1.2"},{"name":"libssl","version":"1.1","fixedInVersion":"NotAvailable"}]}},
            {"severity":"UNTRIAGED","status":"SUPPRESSED","title":"GHSA-x","packageVulnerabilityDetails":{"vulnerabilityId":"GHSA-x"}}]}}"#;
        let scan = parse_json(doc).unwrap();
        assert_eq!(scan.scan_type, ScanType::Enhanced);
        assert_eq!(scan.findings.len(), 3);
        assert_eq!(scan.findings[0].fixed_in.as_deref(), Some("1.2"));
        assert_eq!(scan.findings[1].fixed_in, None);
        assert_eq!(scan.findings[0].fix_available, Some(true));
        // PARTIAL: per package, from its own fixed-in version.
        let partial = doc.replace("\"fixAvailable\":\"YES\"", "\"fixAvailable\":\"PARTIAL\"");
        let scan = parse_json(&partial).unwrap();
        assert_eq!(scan.findings[0].fix_available, Some(true));
        assert_eq!(scan.findings[1].fix_available, Some(false));
        assert_eq!(scan.findings[2].severity, ReportedSeverity::Unknown);
        assert_eq!(scan.findings[2].status, "SUPPRESSED");
        assert!(parse_json(r#"{"x":1}"#).is_err());
    }

    #[test]
    fn wrong_shapes_name_their_path() {
        let err = |doc: &str| parse_json(doc).unwrap_err();
        let e = err(r#"{"imageScanFindings":{"findings":[{"name":"a"},{"severity":"HIGH"}]}}"#);
        assert!(
            e.starts_with("$.imageScanFindings.findings[1]: missing field `name`"),
            "{e}"
        );
        let e = err(r#"{"imageScanFindings":{"findings":{"name":"a"}}}"#);
        assert!(
            e.starts_with("$.imageScanFindings.findings: invalid type: map"),
            "{e}"
        );
        let e = err(r#"{"imageScanFindings":{"enhancedFindings":[{"title":"x","score":"9.8"}]}}"#);
        assert!(
            e.starts_with("$.imageScanFindings.enhancedFindings[0].score: invalid type"),
            "{e}"
        );
        let e = err(r#"{"imageScanFindings":{"enhancedFindings":[{"title":"x","score":1e300}]}}"#);
        assert!(e.contains("out of range 0..=10"), "{e}");
        let e = err(
            r#"{"imageScanStatus":{"status":"COMPLETE"},"imageScanFindings":{"findings":[]},"nextToken":"t"}"#,
        );
        assert!(e.contains("nextToken"), "{e}");
        let e =
            err(r#"{"imageScanStatus":{"status":"COMPLETE"},"imageScanFindings":{"findings":["#);
        assert!(e.starts_with("not valid JSON"), "{e}");
        assert!(err("[]").contains("expected describe-image-scan-findings output"));
    }

    #[test]
    fn scores_from_text_are_finite_and_in_range() {
        assert_eq!(score_text("7.5"), Some(7.5));
        for bad in ["NaN", "inf", "-1", "11", "high"] {
            assert_eq!(score_text(bad), None, "{bad}");
        }
    }
}
