//! Scan findings, from basic scanning (`imageScanFindings.findings[]`) and enhanced
//! scanning by Amazon Inspector (`imageScanFindings.enhancedFindings[]`), read from the
//! JSON of `aws ecr describe-image-scan-findings --output json` or built from the SDK.

use std::collections::BTreeMap;

use serde::Deserialize;

pub use crate::model::finding::{
    Finding, ReportedSeverity, ScanResult, ScanType, Severity, SeverityCounts, parse_severity,
    yes_no,
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
    finding_severity_counts: Option<BTreeMap<String, u64>>,
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

/// One page of `describe-image-scan-findings` output, read: the scan it shows, whether
/// more pages follow, and ECR's own severity counts next to the ones listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub scan: ScanResult,
    /// The page has a `nextToken` / `NextToken`: more findings follow on another page.
    pub more: bool,
}

/// Reads one `describe-image-scan-findings` document; a problem names its JSON path
/// (`$.imageScanFindings.findings[3].name: …`). A document that is one page of several
/// is an error: use [`parse_pages`] and [`merge_pages`] to read pages.
#[cfg(test)]
pub fn parse_json(text: &str) -> Result<ScanResult, String> {
    let pages = parse_pages(text)?
        .into_iter()
        .map(|p| ("the input".to_string(), p))
        .collect();
    let mut merged = merge_pages(pages)?;
    match merged.len() {
        1 => Ok(merged.remove(0).1),
        n => Err(format!("it holds the findings of {n} images, not one")),
    }
}

/// Every page in the text: one JSON document, several concatenated documents, or a JSON
/// array of pages (as a script that collects pages writes them).
pub fn parse_pages(text: &str) -> Result<Vec<Page>, String> {
    let mut values = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    for index in 0.. {
        match stream.next() {
            None => break,
            Some(Ok(value)) => values.push((index, value)),
            Some(Err(e)) => return Err(format!("not valid JSON: {e}")),
        }
    }
    if values.is_empty() {
        return Err("not valid JSON: the input is empty".into());
    }
    let several = values.len() > 1;
    let mut pages = Vec::new();
    for (index, value) in values {
        let documents = match value {
            serde_json::Value::Array(items) if !items.is_empty() => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (format!("[{i}]"), v))
                .collect(),
            other => vec![(String::new(), other)],
        };
        for (at, value) in documents {
            let raw: RawScanFindings = crate::input::from_value(&value).map_err(|e| {
                let e = e.to_string();
                let e = match at.as_str() {
                    "" => e,
                    at => e.replacen('$', &format!("${at}"), 1),
                };
                match several {
                    true => format!("document {}: {e}", index + 1),
                    false => e,
                }
            })?;
            pages.push(from_raw(raw).map_err(|e| match several {
                true => format!("document {}: {e}", index + 1),
                false => e,
            })?);
        }
    }
    Ok(pages)
}

/// Pages of the same image (same repository and digest, else tag) merged into one scan,
/// in first-seen order; each page comes with the input that held it, for messages.
/// Fails closed: pages that all say more follow, or fewer findings than ECR counts across
/// pages that say more follow, are an incomplete input.
pub fn merge_pages(pages: Vec<(String, Page)>) -> Result<Vec<(String, ScanResult)>, String> {
    // (repository, digest or tag) → the pages of that image, each with its input.
    type Group = (Option<(String, String)>, Vec<(String, Page)>);
    let mut groups: Vec<Group> = Vec::new();
    for (source, page) in pages {
        let key = page.scan.repository.clone().and_then(|r| {
            let id = page.scan.digest.clone().or_else(|| page.scan.tag.clone())?;
            Some((r, id))
        });
        match groups.iter_mut().find(|(k, _)| key.is_some() && *k == key) {
            Some((_, group)) => group.push((source, page)),
            None => groups.push((key, vec![(source, page)])),
        }
    }
    groups
        .into_iter()
        .map(|(_, group)| merge_group(group))
        .collect()
}

/// A finding (id, package, version) listed on two pages of one scan: ECR's pages never
/// overlap, so this is a page given twice.
fn repeated_finding(group: &[(String, Page)]) -> Option<String> {
    let mut seen = std::collections::HashMap::new();
    for (page, (_, p)) in group.iter().enumerate() {
        for f in &p.scan.findings {
            let key = (f.id.as_str(), f.package.as_deref(), f.version.as_deref());
            match seen.insert(key, page) {
                Some(other) if other != page => {
                    return Some(match f.package.as_deref() {
                        Some(package) => format!("{} ({package})", f.id),
                        None => f.id.clone(),
                    });
                }
                _ => {}
            }
        }
    }
    None
}

fn merge_group(group: Vec<(String, Page)>) -> Result<(String, ScanResult), String> {
    let paged = group.iter().any(|(_, p)| p.more);
    let last_page_seen = group.iter().any(|(_, p)| !p.more);
    let pages = group.len();
    let mut sources: Vec<&str> = Vec::new();
    for (source, _) in &group {
        if !sources.contains(&source.as_str()) {
            sources.push(source);
        }
    }
    let source = sources.join(", ");
    let last_pages = group.iter().filter(|(_, p)| !p.more).count();
    if last_pages > 1 {
        let (_, first) = &group[0];
        let image = match (&first.scan.repository, &first.scan.digest, &first.scan.tag) {
            (Some(r), Some(d), _) => format!("{r}@{d}"),
            (Some(r), None, Some(t)) => format!("{r}:{t}"),
            _ => "one image".to_string(),
        };
        return Err(format!(
            "{source} hold {last_pages} complete results (or last pages) for {image}: the same scan given twice, or two scans of one image; pass each page once"
        ));
    }
    if paged && let Some(repeated) = repeated_finding(&group) {
        return Err(format!(
            "{source}: {repeated} is on two pages of one scan: a page was given twice, and \
             it cannot stand in for a page that is missing; pass each page once"
        ));
    }
    let mut pages_iter = group.iter().map(|(_, p)| p.clone());
    let mut merged = pages_iter.next().expect("a group has a page").scan;
    for page in pages_iter {
        let scan = page.scan;
        if merged.tag.is_none() {
            merged.tag = scan.tag;
        }
        if merged.status_description.is_none() {
            merged.status_description = scan.status_description;
        }
        if scan.status != merged.status {
            return Err(format!(
                "its pages of {} disagree on the scan status ({} and {}): they are not from one scan",
                merged.repository.as_deref().unwrap_or("one image"),
                merged.status,
                scan.status
            ));
        }
        if scan.scan_type == ScanType::Enhanced {
            merged.scan_type = ScanType::Enhanced;
        }
        merged.findings.extend(scan.findings);
        merged.severity_counts = match (merged.severity_counts.take(), scan.severity_counts) {
            (Some(a), Some(b)) => Some(a.merge(b)),
            (a, b) => a.or(b),
        };
    }
    if paged && merged.severity_counts.is_none() {
        return Err(format!(
            "{source}: pages without findingSeverityCounts cannot be checked for a missing page; save the findings unpaged (drop --max-items)"
        ));
    }
    if paged {
        let counts = merged.severity_counts.as_ref();
        let (listed, counted) = counts
            .map(|c| (c.listed_total(), c.reported_total()))
            .unwrap_or_default();
        let missing = !last_page_seen || (counts.is_some() && listed < counted);
        if missing {
            let of = match counts {
                Some(_) => format!("one page of {counted} findings ({listed} listed)",),
                None => "one page of the findings (it has a nextToken)".to_string(),
            };
            let what = match pages {
                1 => format!("{source} is {of}"),
                n => format!("{source} has {n} pages of an image, but together they are {of}"),
            };
            return Err(format!(
                "{what}; save all pages (drop --max-items) or pass them all"
            ));
        }
    }
    Ok((source, merged))
}

fn from_raw(raw: RawScanFindings) -> Result<Page, String> {
    let more = raw.next_token.as_deref().is_some_and(|t| !t.is_empty());
    let status = match (&raw.image_scan_status, &raw.image_scan_findings) {
        (Some(s), _) => s.status.clone(),
        // Findings without a status could be from an unfinished scan: not judged as done.
        (None, Some(_)) => {
            return Err(
                "$.imageScanStatus: missing: without it the scan cannot be known to be finished"
                    .into(),
            );
        }
        (None, None) => {
            return Err(
                "no imageScanStatus or imageScanFindings: is this describe-image-scan-findings output?"
                    .into(),
            );
        }
    };
    let finished = matches!(status.as_str(), "COMPLETE" | "ACTIVE");
    let body = match raw.image_scan_findings {
        Some(body) => Some(body),
        None if finished => {
            return Err(format!(
                "$.imageScanFindings: missing, but the scan is {status}: a finished scan lists its findings (an empty list when there are none)"
            ));
        }
        None => None,
    };
    if finished
        && let Some(body) = &body
        && body.findings.is_none()
        && body.enhanced_findings.is_none()
        && body.finding_severity_counts.is_none()
    {
        return Err(format!(
            "$.imageScanFindings: no findings, enhancedFindings or findingSeverityCounts, but the scan is {status}: this is not what ECR prints for a finished scan"
        ));
    }
    let (basic, enhanced, reported) = match body {
        Some(body) => (
            body.findings,
            body.enhanced_findings,
            body.finding_severity_counts,
        ),
        None => (None, None, None),
    };
    let scan_type = if enhanced.is_some() {
        ScanType::Enhanced
    } else {
        ScanType::Basic
    };
    let mut listed: BTreeMap<String, u64> = BTreeMap::new();
    let mut findings: Vec<Finding> = Vec::new();
    for f in basic.into_iter().flatten() {
        let f = basic_finding(f);
        *listed.entry(f.reported.to_ascii_uppercase()).or_default() += 1;
        findings.push(f);
    }
    for (i, f) in enhanced.into_iter().flatten().enumerate() {
        let found = enhanced_findings(f)
            .map_err(|e| format!("$.imageScanFindings.enhancedFindings[{i}]: {e}"))?;
        if let Some(first) = found.first() {
            *listed
                .entry(first.reported.to_ascii_uppercase())
                .or_default() += 1;
        }
        findings.extend(found);
    }
    let severity_counts = reported.map(|reported| SeverityCounts {
        reported: reported
            .into_iter()
            .map(|(k, v)| (k.to_ascii_uppercase(), v))
            .collect(),
        listed,
    });
    let (digest, tag) = match raw.image_id {
        Some(id) => (id.image_digest, id.image_tag),
        None => (None, None),
    };
    Ok(Page {
        scan: ScanResult {
            repository: raw.repository_name,
            digest,
            tag,
            status,
            status_description: raw.image_scan_status.and_then(|s| s.description),
            scan_type,
            findings,
            severity_counts,
        },
        more,
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
        let e = err(
            r#"{"imageScanStatus":{"status":"COMPLETE"},"imageScanFindings":{"enhancedFindings":[{"title":"x","score":1e300}]}}"#,
        );
        assert!(e.contains("out of range 0..=10"), "{e}");
        let e = err(
            r#"{"imageScanStatus":{"status":"COMPLETE"},"imageScanFindings":{"findings":[]},"nextToken":"t"}"#,
        );
        assert!(e.contains("pages without findingSeverityCounts"), "{e}");
        // Wrong shapes of a finished scan are rejected, not read as "no findings".
        let e = err(r#"{"imageScanStatus":{"status":"COMPLETE"},"imageScanFindings":{}}"#);
        assert!(e.starts_with("$.imageScanFindings: no findings"), "{e}");
        let e = err(r#"{"imageScanStatus":{"status":"COMPLETE"}}"#);
        assert!(e.starts_with("$.imageScanFindings: missing"), "{e}");
        let e = err(r#"{"imageScanFindings":{"findings":[]}}"#);
        assert!(e.starts_with("$.imageScanStatus: missing"), "{e}");
        let e = err(
            r#"{"imageScanStatus":{"status":"COMPLETE"},"imageScanFindings":{"findings":"CRITICAL"}}"#,
        );
        assert!(
            e.starts_with("$.imageScanFindings.findings: invalid type: string"),
            "{e}"
        );
        // A clean scan as ECR prints it: counts, no findings key.
        let clean = parse_json(
            r#"{"imageScanStatus":{"status":"COMPLETE"},"imageScanFindings":{"findingSeverityCounts":{}}}"#,
        )
        .unwrap();
        assert!(clean.findings.is_empty());
        // Still running: no findings yet is fine (the command reports the status).
        assert!(parse_json(r#"{"imageScanStatus":{"status":"IN_PROGRESS"}}"#).is_ok());
        let e =
            err(r#"{"imageScanStatus":{"status":"COMPLETE"},"imageScanFindings":{"findings":["#);
        assert!(e.starts_with("not valid JSON"), "{e}");
        assert!(err("[]").contains("expected describe-image-scan-findings output"));
    }

    fn page(token: Option<&str>, names: &[&str], counted: u64) -> String {
        let findings: Vec<serde_json::Value> = names
            .iter()
            .map(|n| serde_json::json!({"name": n, "severity": "HIGH"}))
            .collect();
        let mut doc = serde_json::json!({
            "repositoryName": "app", "imageId": {"imageDigest": "sha256:1", "imageTag": "v1"},
            "imageScanStatus": {"status": "COMPLETE"},
            "imageScanFindings": {"findings": findings, "findingSeverityCounts": {"HIGH": counted}}
        });
        if let Some(t) = token {
            doc["NextToken"] = t.into();
        }
        doc.to_string()
    }

    fn merged(inputs: &[&str]) -> Result<Vec<ScanResult>, String> {
        let mut pages = Vec::new();
        for (i, text) in inputs.iter().enumerate() {
            pages.extend(parse_pages(text)?.into_iter().map(|p| (format!("f{i}"), p)));
        }
        Ok(merge_pages(pages)?.into_iter().map(|(_, s)| s).collect())
    }

    #[test]
    fn pages_of_one_image_merge_and_a_missing_page_fails() {
        let (first, last) = (page(Some("t1"), &["A", "B"], 3), page(None, &["C"], 3));
        // One page alone: incomplete, with how much is missing.
        let e = merged(&[&first]).unwrap_err();
        assert_eq!(
            e,
            "f0 is one page of 3 findings (2 listed); save all pages (drop --max-items) or pass them all"
        );
        // Two files, concatenated documents, a JSON array: one image, three findings.
        let concatenated = format!("{first}\n{last}");
        let array = format!("[{first},{last}]");
        for inputs in [
            vec![first.as_str(), last.as_str()],
            vec![&concatenated],
            vec![&array],
        ] {
            let scans = merged(&inputs).unwrap();
            assert_eq!(scans.len(), 1, "{inputs:?}");
            assert_eq!(scans[0].findings.len(), 3);
            let counts = scans[0].severity_counts.as_ref().unwrap();
            assert!(counts.discrepancies().is_empty(), "{counts:?}");
        }
        // The middle page missing: the last page is there, but the counts say more.
        let first = page(Some("t1"), &["A"], 3);
        let e = merged(&[&first, &last]).unwrap_err();
        assert!(
            e.contains("2 pages of an image") && e.contains("one page of 3 findings (2 listed)"),
            "{e}"
        );
        // The same scan twice is not twice the findings.
        let e = merged(&[&last, &last]).unwrap_err();
        assert!(
            e.starts_with("f0, f1 hold 2 complete results (or last pages) for app@sha256:1"),
            "{e}"
        );
        // A document that is not a page names where it is.
        let e = merged(&[&format!("{last}\n{{\"x\":1}}")]).unwrap_err();
        assert!(e.starts_with("document 2: no imageScanStatus"), "{e}");
        let e = merged(&[&format!(
            "[{last},{{\"imageScanFindings\":{{\"findings\":3}}}}]"
        )])
        .unwrap_err();
        assert!(
            e.starts_with("$[1].imageScanFindings.findings: invalid type"),
            "{e}"
        );
    }

    #[test]
    fn scores_from_text_are_finite_and_in_range() {
        assert_eq!(score_text("7.5"), Some(7.5));
        for bad in ["NaN", "inf", "-1", "11", "high"] {
            assert_eq!(score_text(bad), None, "{bad}");
        }
    }
}
