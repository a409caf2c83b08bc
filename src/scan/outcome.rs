//! One gated image: what was scanned, the verdict, or why there is none.

use super::findings::{Finding, ScanResult};
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
}

/// `package@version`, or `-`.
pub fn package_text(f: &Finding) -> String {
    match (&f.package, &f.version) {
        (Some(p), Some(v)) => format!("{p}@{v}"),
        (Some(p), None) => p.clone(),
        _ => "-".into(),
    }
}
