//! The gate's report for people (tables) and scripts (JSON).

use serde_json::{Value, json};

use super::findings::Severity;
use super::gate::GatePolicy;
use super::outcome::{ImageOutcome, package_text};
use crate::output::Printer;

pub fn json(outcomes: &[ImageOutcome], warnings: &[String]) -> Value {
    let overall = if outcomes.iter().any(|o| o.state() == "error") {
        "error"
    } else if outcomes.iter().any(|o| o.state() == "fail") {
        "fail"
    } else {
        "pass"
    };
    json!({
        "verdict": overall,
        "images": outcomes.iter().map(ImageOutcome::json).collect::<Vec<_>>(),
        "warnings": warnings,
    })
}

pub fn print(printer: &Printer, outcomes: &[ImageOutcome], policy: &GatePolicy) {
    for o in outcomes {
        printer.stdout(&format!("{}: {}\n", o.image, o.state().to_uppercase()));
        if let Some(error) = &o.error {
            printer.stdout(&format!("  {error}\n"));
            continue;
        }
        let Some(v) = &o.verdict else { continue };
        let mut counts = printer.table(&["SEVERITY", "FOUND", "IGNORED", "BLOCKING"]);
        for s in Severity::ALL {
            let c = v.counts.get(&s).copied().unwrap_or_default();
            counts.add_row(vec![
                s.as_str().to_string(),
                c.found.to_string(),
                c.ignored.to_string(),
                c.blocking.to_string(),
            ]);
        }
        printer.print_table(&counts);
        if !v.blocking.is_empty() {
            let mut blocking =
                printer.table(&["BLOCKING", "SEVERITY", "PACKAGE", "FIXED IN", "LINK"]);
            for f in &v.blocking {
                blocking.add_row(vec![
                    f.id.clone(),
                    format!("{} ({})", policy.effective(f).as_str(), f.reported),
                    package_text(f),
                    f.fixed_in.clone().unwrap_or_else(|| "-".into()),
                    f.uri.clone().unwrap_or_else(|| "-".into()),
                ]);
            }
            printer.print_table(&blocking);
        }
        for i in &v.ignored {
            printer.stdout(&format!(
                "  ignored {} ({}): {}\n",
                i.finding.id,
                package_text(&i.finding),
                i.reason
            ));
        }
        for note in &v.notes {
            printer.warn(note);
        }
    }
}
