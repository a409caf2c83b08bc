//! Scan findings as ECR reports them, from basic scanning and from enhanced scanning by
//! Amazon Inspector: severities, findings, and one image's scan result.

use std::collections::BTreeMap;

use serde::Serialize;

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
                .and_then(|s| score_text(&s)),
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

/// Inspector's `fixAvailable: PARTIAL` means some of the vulnerable packages have a fix:
/// each package's own fixed-in version says which, so `--ignore-unfixed` can judge each
/// package. `findings` are the per-package copies of one finding.
pub fn fix_per_package(findings: &mut [Finding], fix_available: Option<&str>) {
    let partial = fix_available.is_some_and(|v| v.eq_ignore_ascii_case("PARTIAL"));
    if partial && findings.iter().any(|f| f.package.is_some()) {
        for f in findings {
            f.fix_available = Some(f.fixed_in.is_some());
        }
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
    /// ECR's `findingSeverityCounts` next to the findings listed, when ECR gave counts.
    #[serde(skip)]
    pub severity_counts: Option<SeverityCounts>,
}

/// Findings per severity as ECR counts them (`findingSeverityCounts`) and as listed
/// (one per basic finding, one per enhanced finding however many packages it names);
/// keys are ECR's upper-case severity text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeverityCounts {
    pub reported: BTreeMap<String, u64>,
    pub listed: BTreeMap<String, u64>,
}

impl SeverityCounts {
    /// Two pages of one scan: the findings listed add up; ECR's counts are the whole
    /// scan's on every page, so the larger of each is kept.
    pub fn merge(mut self, other: SeverityCounts) -> SeverityCounts {
        for (k, v) in other.reported {
            let e = self.reported.entry(k).or_default();
            *e = (*e).max(v);
        }
        for (k, v) in other.listed {
            *self.listed.entry(k).or_default() += v;
        }
        self
    }

    pub fn reported_total(&self) -> u64 {
        self.reported.values().fold(0, |a, b| a.saturating_add(*b))
    }

    pub fn listed_total(&self) -> u64 {
        self.listed.values().fold(0, |a, b| a.saturating_add(*b))
    }

    /// Severities where ECR counts more or fewer findings than are listed:
    /// (severity text, counted, listed).
    pub fn discrepancies(&self) -> Vec<(String, u64, u64)> {
        let keys: std::collections::BTreeSet<&String> =
            self.reported.keys().chain(self.listed.keys()).collect();
        keys.into_iter()
            .filter_map(|k| {
                let counted = self.reported.get(k).copied().unwrap_or(0);
                let listed = self.listed.get(k).copied().unwrap_or(0);
                (counted != listed).then(|| (k.clone(), counted, listed))
            })
            .collect()
    }
}

/// A CVSS score in 0..=10, from its text; anything else is no score.
pub fn score_text(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| (0.0..=10.0).contains(x))
}
