//! Under GitHub Actions: `::error::` annotations for blocking findings (a summarized set,
//! most severe first) and a markdown summary appended to `$GITHUB_STEP_SUMMARY`: the
//! verdicts, the thresholds used, the blocking findings, and why an image errored.

use std::io::Write;

use super::findings::Severity;
use super::gate::GatePolicy;
use super::outcome::{ImageOutcome, package_text};
use super::report::ecr_counts;

/// GitHub shows at most 10 error annotations per step; more are dropped silently, so the
/// gate writes at most this many and says how many it left out.
pub const MAX_ANNOTATIONS: usize = 10;

pub fn active() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// Workflow-command escaping for the message (the text after `::`).
fn escape_data(text: &str) -> String {
    crate::output::sanitize(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Workflow-command escaping for a property value (`title=…,file=…`): also `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Annotation lines (written to stderr, which the runner reads too, so stdout stays
/// data): images that could not be gated, then blocking findings most severe first, at
/// most [`MAX_ANNOTATIONS`], then a notice with how many were left out. With
/// `file`, each annotation is attached to that file (line 1).
pub fn annotations(
    outcomes: &[ImageOutcome],
    policy: &GatePolicy,
    file: Option<&str>,
) -> Vec<String> {
    let location = file
        .map(|f| format!(",file={},line=1", escape_property(f)))
        .unwrap_or_default();
    let mut all: Vec<(u8, String)> = Vec::new();
    for o in outcomes {
        if let Some(error) = &o.error {
            let title = format!("scan gate could not judge {}", o.image);
            all.push((
                u8::MAX,
                format!(
                    "::error title={}{location}::{}",
                    escape_property(&title),
                    escape_data(&format!("{}: {error}", o.image))
                ),
            ));
        }
        for f in o.verdict.iter().flat_map(|v| &v.blocking) {
            let severity = policy.effective(f);
            let title = format!("{} ({}) in {}", f.id, severity.as_str(), o.image);
            all.push((
                severity as u8,
                format!(
                    "::error title={}{location}::{}",
                    escape_property(&title),
                    escape_data(&format!(
                        "{} {} in {} (fixed in {})",
                        f.id,
                        f.reported,
                        package_text(f),
                        f.fixed_in.as_deref().unwrap_or("no fixed version")
                    ))
                ),
            ));
        }
    }
    // Stable: equal ranks keep the images' and findings' order.
    all.sort_by_key(|a| std::cmp::Reverse(a.0));
    let total = all.len();
    let mut lines: Vec<String> = all
        .into_iter()
        .take(MAX_ANNOTATIONS)
        .map(|(_, l)| l)
        .collect();
    if total > MAX_ANNOTATIONS {
        lines.push(format!(
            "::notice title=scan gate::{}",
            escape_data(&format!(
                "{} more not annotated; the step summary and the reports list them all",
                total - MAX_ANNOTATIONS
            ))
        ));
    }
    lines
}

/// Text for a markdown table cell: one line, `|` escaped, no control characters.
fn cell(text: &str) -> String {
    crate::output::sanitize(text)
        .replace(['\r', '\n'], " ")
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('`', "'")
}

/// The thresholds the gate used, as a sentence.
pub fn thresholds(policy: &GatePolicy) -> String {
    let mut parts = vec![match policy.fail_on {
        Some(s) => format!("`--fail-on {}`", s.as_str()),
        None => "no `--fail-on` threshold".to_string(),
    }];
    for (s, max) in &policy.budgets {
        parts.push(format!("`--max-{} {max}`", s.as_str()));
    }
    parts.push(format!(
        "unknown severities count as {}",
        policy.unknown_as.as_str()
    ));
    if policy.ignore_unfixed {
        parts.push("`--ignore-unfixed`".into());
    }
    if policy.only_exploitable {
        parts.push("`--only-exploitable`".into());
    }
    parts.join(", ")
}

/// Blocking findings listed in the step summary at most.
const SUMMARY_ROWS: usize = 200;

pub fn summary(outcomes: &[ImageOutcome], policy: &GatePolicy) -> String {
    let mut md = String::from("## ECR scan gate\n\n");
    md.push_str(&format!("Thresholds: {}.\n\n", thresholds(policy)));
    md.push_str(
        "| image | verdict | critical | high | medium | low | informational | ignored |\n|---|---|---|---|---|---|---|---|\n",
    );
    for o in outcomes {
        let counts = o.verdict.as_ref().map(|v| ecr_counts(v, policy));
        let count = |s: Severity| {
            counts
                .as_ref()
                .and_then(|c| c.get(&s))
                .map(|c| format!("{} ({} blocking)", c.found, c.blocking))
                .unwrap_or_else(|| "-".into())
        };
        let ignored = counts
            .as_ref()
            .map(|c| c.values().map(|c| c.ignored).sum::<usize>().to_string())
            .unwrap_or_else(|| "-".into());
        md.push_str(&format!(
            "| `{}` | **{}** | {} | {} | {} | {} | {} | {ignored} |\n",
            cell(&o.image),
            o.state().as_str(),
            count(Severity::Critical),
            count(Severity::High),
            count(Severity::Medium),
            count(Severity::Low),
            count(Severity::Informational)
        ));
    }
    let errors: Vec<_> = outcomes
        .iter()
        .filter_map(|o| Some((o, o.error.as_ref()?)))
        .collect();
    if !errors.is_empty() {
        md.push_str("\n### Images that could not be gated\n\n| image | why |\n|---|---|\n");
        for (o, e) in errors {
            md.push_str(&format!(
                "| `{}` | {} |\n",
                cell(&o.image),
                cell(&e.to_string())
            ));
        }
    }
    let blocking: Vec<_> = outcomes
        .iter()
        .flat_map(|o| {
            o.verdict
                .iter()
                .flat_map(|v| &v.blocking)
                .map(move |f| (o, f))
        })
        .collect();
    // Most severe first; GitHub refuses a summary over 1 MiB, so the table stops at
    // SUMMARY_ROWS rows (the reports list everything).
    let mut blocking = blocking;
    blocking.sort_by_key(|(_, f)| std::cmp::Reverse(policy.effective(f)));
    let more = blocking.len().saturating_sub(SUMMARY_ROWS);
    blocking.truncate(SUMMARY_ROWS);
    if !blocking.is_empty() {
        md.push_str("\n### Blocking findings\n\n| image | vulnerability | severity | package | fixed in |\n|---|---|---|---|---|\n");
        for (o, f) in blocking {
            let id = match &f.uri {
                Some(uri) if uri.starts_with("https://") => {
                    format!("[{}]({})", cell(&f.id), cell(uri).replace(['(', ')'], ""))
                }
                _ => cell(&f.id),
            };
            md.push_str(&format!(
                "| `{}` | {id} | {} | {} | {} |\n",
                cell(&o.image),
                cell(&format!(
                    "{} ({})",
                    policy.effective(f).as_str(),
                    f.reported
                )),
                cell(&package_text(f)),
                cell(f.fixed_in.as_deref().unwrap_or("-"))
            ));
        }
    }
    if more > 0 {
        md.push_str(&format!(
            "\n…and {more} more blocking findings (see the JSON, SARIF or JUnit report).\n"
        ));
    }
    md.push('\n');
    md
}

pub fn append_summary(outcomes: &[ImageOutcome], policy: &GatePolicy) -> std::io::Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(summary(outcomes, policy).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::report::tests::{outcomes, policy};

    #[test]
    fn properties_escape_colons_and_commas() {
        let mut outcomes = outcomes();
        outcomes[0].image = "registry:5000/app,x:v1".into();
        let lines = annotations(&outcomes, &policy(), Some("docker/Dockerfile,prod"));
        let first = &lines[1];
        assert!(
            first.starts_with("::error title=CVE-2025-1000 (critical) in registry%3A5000/app%2Cx%3Av1,file=docker/Dockerfile%2Cprod,line=1::"),
            "{first}"
        );
        // The unjudged image comes first, then the most severe findings.
        assert!(lines[0].starts_with("::error title=scan gate could not judge gone%3Av3"));
    }

    #[test]
    fn at_most_ten_annotations_most_severe_first() {
        let mut outcomes = outcomes();
        let v = outcomes[0].verdict.as_mut().unwrap();
        let high = v.blocking[0].clone();
        for i in 0..15 {
            let mut f = high.clone();
            f.id = format!("CVE-2025-9{i:03}");
            f.severity = crate::scan::findings::parse_severity("HIGH");
            v.blocking.insert(0, f);
        }
        let lines = annotations(&outcomes[..1], &policy(), None);
        assert_eq!(lines.len(), MAX_ANNOTATIONS + 1);
        assert!(
            lines[0].contains("CVE-2025-1000"),
            "critical first: {}",
            lines[0]
        );
        assert!(lines[10].starts_with("::notice title=scan gate::6 more not annotated"));
    }

    #[test]
    fn summary_has_thresholds_blocking_findings_and_errors() {
        let mut outcomes = outcomes();
        outcomes[0].verdict.as_mut().unwrap().blocking[0].package = Some("a|b".into());
        let md = summary(&outcomes, &policy());
        assert!(md.contains("Thresholds: `--fail-on high`"), "{md}");
        assert!(md.contains("### Blocking findings"), "{md}");
        assert!(md.contains("| `app:v1` | [CVE-2025-1000](https://nvd.nist.gov/vuln/detail/CVE-2025-1000) | critical (CRITICAL) | a\\|b@1.0 | 2.36-9 |"), "{md}");
        assert!(
            md.contains("| `gone:v3` | the image gone:v3 does not exist |"),
            "{md}"
        );
    }

    #[test]
    fn the_summary_lists_the_most_severe_first_and_stays_small() {
        let mut outcomes = outcomes();
        let v = outcomes[0].verdict.as_mut().unwrap();
        let critical = v.blocking[0].clone();
        for i in 0..(SUMMARY_ROWS + 50) {
            let mut f = critical.clone();
            f.id = format!("CVE-2025-{i:05}");
            f.severity = crate::scan::findings::parse_severity("HIGH");
            v.blocking.insert(0, f);
        }
        let md = summary(&outcomes, &policy());
        let rows = md
            .lines()
            .filter(|l| l.starts_with("| `app:v1` | "))
            .count();
        assert_eq!(
            rows,
            SUMMARY_ROWS + 1,
            "the image row plus the capped table"
        );
        assert!(md.contains("more blocking findings"), "{md}");
        let first = md
            .lines()
            .skip_while(|l| !l.starts_with("### Blocking findings"))
            .nth(4)
            .unwrap();
        assert!(first.contains("CVE-2025-1000"), "critical first: {first}");
        assert!(md.find("could not be gated") < md.find("### Blocking findings"));
    }
}
