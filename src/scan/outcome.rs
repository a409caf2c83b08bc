//! One gated image: what was scanned, the verdict, or why there is none.

use super::findings::{Finding, ScanResult};
use super::gate::Verdict;
use crate::error::CliError;

pub struct ImageOutcome {
    /// The image as the user named it.
    pub image: String,
    /// How long the gate waited for its scan (zero for a saved one).
    pub waited: std::time::Duration,
    pub scan: Option<ScanResult>,
    pub verdict: Option<Verdict>,
    pub error: Option<CliError>,
}

/// How one image (or the whole gate) came out. Ordered: an error outranks a fail,
/// which outranks a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GateState {
    Pass,
    Fail,
    /// No verdict: the scan could not be read, was not finished, or timed out.
    Error,
}

impl GateState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Error => "error",
        }
    }

    /// The gate's state over all images: the worst of them (a pass when there are none).
    pub fn overall(outcomes: &[ImageOutcome]) -> Self {
        outcomes
            .iter()
            .map(ImageOutcome::state)
            .max()
            .unwrap_or(Self::Pass)
    }
}

impl ImageOutcome {
    pub fn state(&self) -> GateState {
        match (&self.verdict, &self.error) {
            (Some(v), None) if v.pass => GateState::Pass,
            (Some(_), None) => GateState::Fail,
            _ => GateState::Error,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(error: bool) -> ImageOutcome {
        ImageOutcome {
            waited: std::time::Duration::ZERO,
            image: "a:1".into(),
            scan: None,
            verdict: None,
            error: error.then(|| CliError::remote("no scan")),
        }
    }

    #[test]
    fn the_gate_is_as_bad_as_its_worst_image() {
        assert_eq!(GateState::overall(&[]), GateState::Pass);
        assert_eq!(GateState::overall(&[outcome(true)]), GateState::Error);
        assert!(GateState::Error > GateState::Fail && GateState::Fail > GateState::Pass);
        assert_eq!(serde_json::to_value(GateState::Fail).unwrap(), "fail");
    }
}
