//! The gate: which findings are ignored (and why), which block, and the verdict. Pure.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::findings::{Finding, ReportedSeverity, ScanResult, ScanType, Severity};
use super::ignore::IgnoreEntry;

/// What fails a build.
#[derive(Debug, Clone, PartialEq)]
pub struct GatePolicy {
    /// Fail when any remaining finding is at or above this severity.
    pub fail_on: Option<Severity>,
    /// Fail when more than N remaining findings have this severity.
    pub budgets: BTreeMap<Severity, u32>,
    pub ignore_unfixed: bool,
    pub only_exploitable: bool,
    /// Where UNDEFINED / UNTRIAGED findings count.
    pub unknown_as: Severity,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub found: usize,
    pub ignored: usize,
    pub blocking: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ignored {
    #[serde(flatten)]
    pub finding: Finding,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub pass: bool,
    pub counts: BTreeMap<Severity, Counts>,
    pub blocking: Vec<Finding>,
    pub ignored: Vec<Ignored>,
    /// Findings that are neither ignored nor blocking.
    pub remaining: Vec<Finding>,
    pub notes: Vec<String>,
}

impl GatePolicy {
    pub fn effective(&self, finding: &Finding) -> Severity {
        match finding.severity {
            ReportedSeverity::Known(s) => s,
            ReportedSeverity::Unknown => self.unknown_as,
        }
    }
}

/// Why a finding does not count, if it does not. `used[i]` records ignore entries that
/// matched something.
fn ignore_reason(
    policy: &GatePolicy,
    f: &Finding,
    ignores: &[IgnoreEntry],
    today: Date,
    used: &mut [bool],
) -> Option<String> {
    match f.status.as_str() {
        "SUPPRESSED" => return Some("suppressed in Amazon Inspector".into()),
        "CLOSED" => return Some("closed in Amazon Inspector".into()),
        _ => {}
    }
    for (i, entry) in ignores.iter().enumerate() {
        if entry.matches_finding(f) && !entry.expired(today) {
            used[i] = true;
            let until = entry
                .until
                .map(|d| format!(" until {d}"))
                .unwrap_or_default();
            let why = entry
                .reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            return Some(format!("ignore file{until}{why}"));
        }
    }
    if policy.ignore_unfixed && f.fix_available == Some(false) {
        return Some("no fix available (--ignore-unfixed)".into());
    }
    if policy.only_exploitable && f.exploit_available == Some(false) {
        return Some("no known exploit (--only-exploitable)".into());
    }
    None
}

pub fn gate(
    scan: &ScanResult,
    policy: &GatePolicy,
    ignores: &[IgnoreEntry],
    today: Date,
    used: &mut [bool],
) -> Verdict {
    let mut counts: BTreeMap<Severity, Counts> = Severity::ALL
        .iter()
        .map(|s| (*s, Counts::default()))
        .collect();
    let mut ignored = Vec::new();
    let mut kept = Vec::new();
    let (unlisted, mut notes) = unlisted_findings(scan);
    let listed = scan.findings.len();
    for (i, f) in scan.findings.iter().chain(&unlisted).enumerate() {
        let severity = policy.effective(f);
        counts.entry(severity).or_default().found += 1;
        let reason = match i < listed {
            true => ignore_reason(policy, f, ignores, today, used),
            false => None,
        };
        match reason {
            Some(reason) => {
                counts.entry(severity).or_default().ignored += 1;
                ignored.push(Ignored {
                    finding: f.clone(),
                    reason,
                });
            }
            None => kept.push(f.clone()),
        }
    }
    let over_budget: Vec<Severity> = policy
        .budgets
        .iter()
        .filter(|(s, max)| {
            kept.iter().filter(|f| policy.effective(f) == **s).count() > **max as usize
        })
        .map(|(s, _)| *s)
        .collect();
    let (blocking, remaining): (Vec<Finding>, Vec<Finding>) = kept.into_iter().partition(|f| {
        let s = policy.effective(f);
        policy.fail_on.is_some_and(|t| s >= t) || over_budget.contains(&s)
    });
    for f in &blocking {
        counts.entry(policy.effective(f)).or_default().blocking += 1;
    }
    if scan.scan_type == ScanType::Basic && (policy.ignore_unfixed || policy.only_exploitable) {
        notes.push(
            "basic scan findings do not say whether a fix or an exploit exists, so --ignore-unfixed / \
             --only-exploitable ignore none of them (enhanced scanning does)"
                .into(),
        );
    }
    for s in over_budget {
        notes.push(format!(
            "more {} findings than the budget of {}",
            s.as_str(),
            policy.budgets[&s]
        ));
    }
    Verdict {
        pass: blocking.is_empty(),
        counts,
        blocking,
        ignored,
        remaining,
        notes,
    }
}

/// At most this many findings are stood in, over all severities of one scan (a crafted
/// file with many made-up severity keys must not exhaust memory); ECR counts far fewer.
const MAX_UNLISTED: u64 = 10_000;

/// When ECR's `findingSeverityCounts` count more findings than are listed, the gate does
/// not pass on the list alone: each finding counted but not listed stands in as a finding
/// of that severity (it cannot be ignored: its id is unknown), so thresholds and budgets
/// apply to the larger count. Also the notes that say so.
fn unlisted_findings(scan: &ScanResult) -> (Vec<Finding>, Vec<String>) {
    let mut unlisted = Vec::new();
    let mut notes = Vec::new();
    let Some(counts) = &scan.severity_counts else {
        return (unlisted, notes);
    };
    let mut room = MAX_UNLISTED;
    for (text, counted, listed) in counts.discrepancies() {
        let text = crate::output::sanitize(&text).into_owned();
        if counted > listed {
            notes.push(format!(
                "ECR counts {counted} {text} findings (findingSeverityCounts) but {listed} are listed: the {} not listed count as {text} findings that cannot be ignored",
                counted - listed
            ));
            let missing = (counted - listed).min(room);
            room -= missing;
            for _ in 0..missing {
                unlisted.push(Finding {
                    id: format!("UNLISTED-{text}"),
                    severity: super::findings::parse_severity(&text),
                    reported: text.clone(),
                    package: None,
                    version: None,
                    fixed_in: None,
                    fix_available: None,
                    exploit_available: None,
                    score: None,
                    uri: None,
                    title: Some(format!(
                        "counted by ECR (findingSeverityCounts {text}: {counted}) but not listed in the findings"
                    )),
                    status: "ACTIVE".into(),
                });
            }
        } else {
            notes.push(format!(
                "ECR counts {counted} {text} findings (findingSeverityCounts) but {listed} are listed: the larger count applies"
            ));
        }
    }
    (unlisted, notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::findings::{ScanType, parse_severity};

    fn finding(
        id: &str,
        severity: &str,
        package: &str,
        fix: Option<bool>,
        exploit: Option<bool>,
    ) -> Finding {
        Finding {
            id: id.into(),
            severity: parse_severity(severity),
            reported: severity.into(),
            package: Some(package.into()),
            version: Some("1".into()),
            fixed_in: None,
            fix_available: fix,
            exploit_available: exploit,
            score: None,
            uri: None,
            title: None,
            status: "ACTIVE".into(),
        }
    }

    fn scan(findings: Vec<Finding>, scan_type: ScanType) -> ScanResult {
        ScanResult {
            repository: None,
            digest: None,
            tag: None,
            status: "COMPLETE".into(),
            status_description: None,
            scan_type,
            findings,
            severity_counts: None,
        }
    }

    fn policy() -> GatePolicy {
        GatePolicy {
            fail_on: Some(Severity::High),
            budgets: BTreeMap::new(),
            ignore_unfixed: false,
            only_exploitable: false,
            unknown_as: Severity::Medium,
        }
    }

    const TODAY: Date = jiff::civil::date(2026, 6, 1);

    #[test]
    fn fail_on_threshold_and_unknown_mapping() {
        let s = scan(
            vec![
                finding("A", "HIGH", "p", None, None),
                finding("B", "UNDEFINED", "p", None, None),
            ],
            ScanType::Basic,
        );
        let v = gate(&s, &policy(), &[], TODAY, &mut []);
        assert!(!v.pass);
        assert_eq!(v.blocking.len(), 1);
        assert_eq!(v.counts[&Severity::Medium].found, 1);
        let mut critical = policy();
        critical.fail_on = Some(Severity::Critical);
        assert!(gate(&s, &critical, &[], TODAY, &mut []).pass);
        critical.unknown_as = Severity::Critical;
        assert!(!gate(&s, &critical, &[], TODAY, &mut []).pass);
    }

    #[test]
    fn budgets_count_remaining_findings() {
        let s = scan(
            vec![
                finding("A", "MEDIUM", "p", None, None),
                finding("B", "MEDIUM", "q", None, None),
            ],
            ScanType::Basic,
        );
        let mut p = policy();
        p.fail_on = None;
        p.budgets.insert(Severity::Medium, 2);
        assert!(gate(&s, &p, &[], TODAY, &mut []).pass);
        p.budgets.insert(Severity::Medium, 1);
        let v = gate(&s, &p, &[], TODAY, &mut []);
        assert!(!v.pass);
        assert_eq!(v.blocking.len(), 2);
    }

    #[test]
    fn ignore_entries_apply_until_they_expire() {
        let s = scan(
            vec![finding("CVE-1", "HIGH", "openssl", None, None)],
            ScanType::Basic,
        );
        let entry = |until| IgnoreEntry {
            id: "CVE-1".into(),
            package: None,
            until,
            reason: Some("reviewed".into()),
            ..IgnoreEntry::default()
        };
        let mut used = [false];
        let v = gate(
            &s,
            &policy(),
            &[entry(Some(jiff::civil::date(2026, 6, 1)))],
            TODAY,
            &mut used,
        );
        assert!(v.pass && used[0]);
        assert_eq!(
            v.ignored[0].reason,
            "ignore file until 2026-06-01: reviewed"
        );
        let mut used = [false];
        let v = gate(
            &s,
            &policy(),
            &[entry(Some(jiff::civil::date(2026, 5, 31)))],
            TODAY,
            &mut used,
        );
        assert!(!v.pass && !used[0]);
    }

    #[test]
    fn unfixed_and_unexploitable_only_for_enhanced() {
        let enhanced = scan(
            vec![
                finding("A", "CRITICAL", "p", Some(false), Some(true)),
                finding("B", "CRITICAL", "q", Some(true), Some(false)),
            ],
            ScanType::Enhanced,
        );
        let mut p = policy();
        p.ignore_unfixed = true;
        let v = gate(&enhanced, &p, &[], TODAY, &mut []);
        assert_eq!(
            v.blocking.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ["B"]
        );
        p.only_exploitable = true;
        assert!(gate(&enhanced, &p, &[], TODAY, &mut []).pass);
        let basic = scan(
            vec![finding("A", "CRITICAL", "p", None, None)],
            ScanType::Basic,
        );
        let v = gate(&basic, &p, &[], TODAY, &mut []);
        assert!(!v.pass);
        assert!(v.notes[0].contains("basic scan findings do not say"));
    }

    #[test]
    fn counts_beyond_the_list_count_and_cannot_be_ignored() {
        let mut s = scan(
            vec![finding("CVE-1", "HIGH", "p", None, None)],
            ScanType::Basic,
        );
        s.severity_counts = Some(crate::model::finding::SeverityCounts {
            reported: [("CRITICAL".to_string(), 1), ("HIGH".to_string(), 1)].into(),
            listed: [("HIGH".to_string(), 1)].into(),
        });
        let mut p = policy();
        p.fail_on = Some(Severity::Critical);
        let v = gate(&s, &p, &[], TODAY, &mut []);
        assert!(!v.pass);
        assert_eq!(v.blocking[0].id, "UNLISTED-CRITICAL");
        assert!(
            v.notes[0].contains("ECR counts 1 CRITICAL findings"),
            "{:?}",
            v.notes
        );
        // Budgets apply to the larger count.
        s.severity_counts = Some(crate::model::finding::SeverityCounts {
            reported: [("HIGH".to_string(), 3)].into(),
            listed: [("HIGH".to_string(), 1)].into(),
        });
        p.budgets.insert(Severity::High, 2);
        let entry = IgnoreEntry {
            id: "CVE-1".into(),
            ..IgnoreEntry::default()
        };
        let v = gate(&s, &p, &[entry], TODAY, &mut [false]);
        assert_eq!(v.counts[&Severity::High].found, 3);
        assert!(v.pass, "1 ignored + 2 unlisted = within the budget of 2");
        p.budgets.insert(Severity::High, 1);
        assert!(!gate(&s, &p, &[], TODAY, &mut []).pass);
    }

    #[test]
    fn inspector_suppressed_findings_do_not_count() {
        let mut f = finding("A", "CRITICAL", "p", None, None);
        f.status = "SUPPRESSED".into();
        assert!(
            gate(
                &scan(vec![f], ScanType::Enhanced),
                &policy(),
                &[],
                TODAY,
                &mut []
            )
            .pass
        );
    }

    #[test]
    fn made_up_severity_keys_cannot_multiply_stand_ins_without_bound() {
        let reported = (0..40)
            .map(|i| (format!("MADEUP{i}"), 100_000_u64))
            .collect();
        let scan = ScanResult {
            repository: Some("a".into()),
            digest: None,
            tag: Some("v1".into()),
            status: "COMPLETE".into(),
            status_description: None,
            scan_type: crate::model::finding::ScanType::Basic,
            findings: Vec::new(),
            severity_counts: Some(crate::model::finding::SeverityCounts {
                reported,
                listed: Default::default(),
            }),
        };
        let (unlisted, _) = unlisted_findings(&scan);
        assert_eq!(unlisted.len() as u64, MAX_UNLISTED);
    }
}
