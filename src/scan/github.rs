//! Under GitHub Actions: `::error::` annotations for blocking findings and a markdown
//! summary appended to `$GITHUB_STEP_SUMMARY`.

use std::io::Write;

use super::findings::Severity;
use super::outcome::{ImageOutcome, package_text};

pub fn active() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// Workflow-command escaping for annotation text.
fn escape(text: &str) -> String {
    crate::output::sanitize(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Annotation lines (written to stderr, which the runner reads too, so stdout stays data).
pub fn annotations(outcomes: &[ImageOutcome]) -> Vec<String> {
    let mut lines = Vec::new();
    for o in outcomes {
        if let Some(v) = &o.verdict {
            for f in &v.blocking {
                lines.push(format!(
                    "::error title={}::{}",
                    escape(&format!("{} in {}", f.id, o.image)).replace([',', ':'], " "),
                    escape(&format!(
                        "{} {} in {} (fixed in {})",
                        f.id,
                        f.reported,
                        package_text(f),
                        f.fixed_in.as_deref().unwrap_or("no fixed version")
                    ))
                ));
            }
        }
        if let Some(error) = &o.error {
            lines.push(format!(
                "::error title=scan gate::{}",
                escape(&format!("{}: {error}", o.image))
            ));
        }
    }
    lines
}

pub fn summary(outcomes: &[ImageOutcome]) -> String {
    let mut md = String::from(
        "## ECR scan gate\n\n| image | verdict | critical | high | medium | low | informational | ignored |\n|---|---|---|---|---|---|---|---|\n",
    );
    for o in outcomes {
        let count = |s: Severity| {
            o.verdict
                .as_ref()
                .and_then(|v| v.counts.get(&s))
                .map(|c| format!("{} ({} blocking)", c.found, c.blocking))
                .unwrap_or_else(|| "-".into())
        };
        let ignored = o
            .verdict
            .as_ref()
            .map(|v| v.ignored.len().to_string())
            .unwrap_or_else(|| "-".into());
        md.push_str(&format!(
            "| `{}` | **{}** | {} | {} | {} | {} | {} | {ignored} |\n",
            o.image,
            o.state().as_str(),
            count(Severity::Critical),
            count(Severity::High),
            count(Severity::Medium),
            count(Severity::Low),
            count(Severity::Informational)
        ));
    }
    md.push('\n');
    md
}

pub fn append_summary(outcomes: &[ImageOutcome]) -> std::io::Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(summary(outcomes).as_bytes())
}
