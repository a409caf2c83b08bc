//! Image scan calls: DescribeImageScanFindings (all pages) into ecrctl's finding model,
//! and StartImageScan.

use aws_sdk_ecr::Client;
use aws_sdk_ecr::types::{EnhancedImageScanFinding, ImageIdentifier, ImageScanFinding};

use super::{error_code, sdk_error};
use crate::error::CliError;
use std::collections::BTreeMap;

use crate::model::finding::{
    Finding, ScanResult, ScanType, SeverityCounts, parse_severity, yes_no,
};

/// Where an image is: the client for its region, its registry and identity.
pub struct ImageTarget<'a> {
    pub client: &'a Client,
    pub registry_id: Option<String>,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageTarget<'_> {
    fn id(&self) -> ImageIdentifier {
        ImageIdentifier::builder()
            .set_image_tag(self.tag.clone())
            .set_image_digest(self.digest.clone())
            .build()
    }
}

/// Why a scan could not be read.
pub enum ScanError {
    /// No scan exists for the image (yet).
    NotFound,
    Other(CliError),
}

/// The scan's status and every finding (all pages).
pub async fn describe(target: &ImageTarget<'_>) -> Result<ScanResult, ScanError> {
    let mut pages = target
        .client
        .describe_image_scan_findings()
        .set_registry_id(target.registry_id.clone())
        .repository_name(&target.repository)
        .image_id(target.id())
        .max_results(1000)
        .into_paginator()
        .send();
    let mut result = ScanResult {
        repository: Some(target.repository.clone()),
        digest: target.digest.clone(),
        tag: target.tag.clone(),
        status: String::new(),
        status_description: None,
        scan_type: ScanType::Basic,
        findings: Vec::new(),
        severity_counts: None,
    };
    // Whether ECR said anything about findings: a finished scan with neither findings nor
    // counts is not judged clean (the offline reader refuses the same shape).
    let mut said_findings = false;
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(e) if error_code(&e) == Some("ScanNotFoundException") => {
                return Err(ScanError::NotFound);
            }
            Err(e) => {
                return Err(ScanError::Other(sdk_error(
                    format!("could not read the scan of {}", target.repository),
                    e,
                )));
            }
        };
        if let Some(status) = page.image_scan_status() {
            result.status = status
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default();
            result.status_description = status.description().map(String::from);
        }
        if let Some(digest) = page.image_id().and_then(|i| i.image_digest()) {
            result.digest = Some(digest.to_string());
        }
        if let Some(findings) = page.image_scan_findings() {
            said_findings |= findings.finding_severity_counts().is_some()
                || !findings.findings().is_empty()
                || !findings.enhanced_findings().is_empty();
            let mut listed: BTreeMap<String, u64> = BTreeMap::new();
            for f in findings.findings() {
                let f = basic(f);
                *listed.entry(f.reported.to_ascii_uppercase()).or_default() += 1;
                result.findings.push(f);
            }
            if !findings.enhanced_findings().is_empty() {
                result.scan_type = ScanType::Enhanced;
                for f in findings.enhanced_findings() {
                    let found = enhanced(f);
                    if let Some(first) = found.first() {
                        *listed
                            .entry(first.reported.to_ascii_uppercase())
                            .or_default() += 1;
                    }
                    result.findings.extend(found);
                }
            }
            // ECR's own counts, to check the findings listed against (the gate does).
            if let Some(reported) = findings.finding_severity_counts() {
                let page_counts = SeverityCounts {
                    reported: reported
                        .iter()
                        .map(|(k, v)| {
                            (
                                k.as_str().to_ascii_uppercase(),
                                u64::try_from(*v).unwrap_or(0),
                            )
                        })
                        .collect(),
                    listed,
                };
                result.severity_counts = Some(match result.severity_counts.take() {
                    Some(before) => before.merge(page_counts),
                    None => page_counts,
                });
            }
        }
    }
    if matches!(result.status.as_str(), "COMPLETE" | "ACTIVE") && !said_findings {
        return Err(ScanError::Other(
            CliError::remote(format!(
                "ECR reported the scan of {} as {} but listed no findings and no counts",
                target.repository, result.status
            ))
            .with_hint(
                "not judged as clean: run the gate again, or check the scan in the ECR console",
            ),
        ));
    }
    Ok(result)
}

fn basic(f: &ImageScanFinding) -> Finding {
    let attribute = |key: &str| {
        f.attributes()
            .iter()
            .find(|a| a.key() == key)
            .and_then(|a| a.value())
            .map(String::from)
    };
    let reported = f
        .severity()
        .map(|s| s.as_str().to_string())
        .unwrap_or_else(|| "UNDEFINED".into());
    Finding::basic(
        f.name().unwrap_or_default().to_string(),
        reported,
        f.uri().map(String::from),
        f.description().map(String::from),
        attribute,
    )
}

fn enhanced(f: &EnhancedImageScanFinding) -> Vec<Finding> {
    let details = f.package_vulnerability_details();
    let reported = f.severity().unwrap_or("UNTRIAGED").to_string();
    let base = Finding {
        id: details
            .and_then(|d| d.vulnerability_id())
            .or(f.title())
            .filter(|id| !id.is_empty())
            .unwrap_or("UNNAMED-FINDING")
            .to_string(),
        severity: parse_severity(&reported),
        reported,
        package: None,
        version: None,
        fixed_in: None,
        fix_available: yes_no(f.fix_available()),
        exploit_available: yes_no(f.exploit_available()),
        // Inspector scores are CVSS (0..=10); anything else is no score.
        score: Some(f.score()).filter(|s| *s > 0.0 && *s <= 10.0),
        uri: details.and_then(|d| d.source_url()).map(String::from),
        title: f.title().map(String::from),
        status: f.status().unwrap_or("ACTIVE").to_string(),
    };
    let packages = details
        .map(|d| d.vulnerable_packages())
        .unwrap_or_default()
        .iter()
        .map(|p| {
            (
                p.name().map(String::from),
                p.version().map(String::from),
                p.fixed_in_version().map(String::from),
            )
        })
        .collect();
    let mut findings = base.per_package(packages);
    crate::model::finding::fix_per_package(&mut findings, f.fix_available());
    findings
}

/// StartImageScan. `Ok(false)`: ECR's once-a-day scan quota says a scan already ran.
pub async fn start(target: &ImageTarget<'_>) -> Result<bool, CliError> {
    let result = target
        .client
        .start_image_scan()
        .set_registry_id(target.registry_id.clone())
        .repository_name(&target.repository)
        .image_id(target.id())
        .send()
        .await;
    match result {
        Ok(_) => Ok(true),
        Err(e) if error_code(&e) == Some("LimitExceededException") => Ok(false),
        Err(e) if error_code(&e) == Some("UnsupportedImageTypeException") => Err(sdk_error(
            format!("ECR cannot scan {}", target.repository),
            e,
        )
        .with_hint("basic scanning supports Linux images with a supported OS; enhanced scanning (Inspector) covers more")),
        Err(e) => Err(sdk_error(format!("could not start a scan of {}", target.repository), e)),
    }
}
