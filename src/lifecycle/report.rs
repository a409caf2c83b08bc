//! The preview report: JSON (documented in docs/lifecycle.md) and tables.

use serde::Serialize;
use serde_json::{Value, json};

use super::engine::{Evaluation, Outcome, Step, short_digest};
use super::images::{Image, Micros, format_micros};
use super::policy::{Action, Policy};
use crate::duration::describe_seconds;
use crate::output::{Printer, human_bytes};

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// One repository's preview.
pub struct Preview {
    pub repository: Option<String>,
    pub policy: Policy,
    pub images: Vec<Image>,
    pub evaluation: Evaluation,
    /// (image index, why it is protected) for protected images the policy acts on.
    pub violations: Vec<(usize, String)>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub images: usize,
    pub expiring: usize,
    pub transitioning: usize,
    pub bytes_freed: u64,
    pub gib_freed: f64,
    pub bytes_archived: u64,
    pub monthly_savings: f64,
    pub price_per_gb_month: f64,
}

impl Totals {
    pub fn add(&mut self, other: &Totals) {
        self.images += other.images;
        self.expiring += other.expiring;
        self.transitioning += other.transitioning;
        self.bytes_freed += other.bytes_freed;
        self.bytes_archived += other.bytes_archived;
        self.gib_freed = round2(self.bytes_freed as f64 / GIB);
        self.monthly_savings = round2(self.gib_freed * self.price_per_gb_month);
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl Preview {
    pub fn totals(&self, price_per_gb_month: f64) -> Totals {
        let mut t = Totals {
            images: self.images.len(),
            price_per_gb_month,
            ..Default::default()
        };
        for (image, outcome) in self.images.iter().zip(&self.evaluation.outcomes) {
            match outcome {
                Outcome::Expire { .. } => {
                    t.expiring += 1;
                    t.bytes_freed = t.bytes_freed.saturating_add(image.size);
                }
                Outcome::Transition { .. } => {
                    t.transitioning += 1;
                    t.bytes_archived = t.bytes_archived.saturating_add(image.size);
                }
                Outcome::Keep { .. } => {}
            }
        }
        t.gib_freed = round2(t.bytes_freed as f64 / GIB);
        t.monthly_savings = round2(t.gib_freed * price_per_gb_month);
        t
    }

    fn acted(&self, action: Action) -> Vec<(&Image, u32)> {
        let mut list: Vec<(&Image, u32)> = self
            .images
            .iter()
            .zip(&self.evaluation.outcomes)
            .filter_map(|(image, outcome)| match (outcome, action) {
                (Outcome::Expire { rule }, Action::Expire)
                | (Outcome::Transition { rule }, Action::Transition) => Some((image, *rule)),
                _ => None,
            })
            .collect();
        list.sort_by(|a, b| {
            a.0.pushed_at
                .cmp(&b.0.pushed_at)
                .then(a.0.digest.cmp(&b.0.digest))
        });
        list
    }

    pub fn json(&self, price_per_gb_month: f64) -> Value {
        let acted = |action| -> Vec<Value> {
            self.acted(action)
                .into_iter()
                .map(|(i, rule)| {
                    json!({
                        "imageDigest": i.digest, "imageTags": i.tags,
                        "imagePushedAt": format_micros(i.pushed_at),
                        "imageSizeInBytes": i.size, "rulePriority": rule,
                    })
                })
                .collect()
        };
        let kept: Vec<Value> = self
            .images
            .iter()
            .zip(&self.evaluation.outcomes)
            .filter_map(|(i, o)| match o {
                Outcome::Keep { reason } => Some(json!({
                    "imageDigest": i.digest, "imageTags": i.tags,
                    "reason": reason.describe(), "reasonDetail": reason,
                })),
                _ => None,
            })
            .collect();
        let rules: Vec<Value> = self
            .policy
            .rules
            .iter()
            .zip(&self.evaluation.rules)
            .map(|(rule, stats)| {
                json!({
                    "rulePriority": rule.priority, "description": rule.description,
                    "action": rule.action, "selection": rule.summary(),
                    "selected": stats.selected, "acting": stats.acted, "bytes": stats.bytes,
                })
            })
            .collect();
        let violations: Vec<Value> = self
            .violations
            .iter()
            .map(|(i, why)| json!({ "imageDigest": self.images[*i].digest, "imageTags": self.images[*i].tags, "protectedBecause": why }))
            .collect();
        json!({
            "repositoryName": self.repository,
            "expiring": acted(Action::Expire),
            "transitioning": acted(Action::Transition),
            "kept": kept,
            "rules": rules,
            "protectedViolations": violations,
            "totals": self.totals(price_per_gb_month),
        })
    }

    pub fn print(&self, printer: &Printer, price_per_gb_month: f64, now: Micros) {
        let mut rules = printer.table(&[
            "PRIORITY",
            "DESCRIPTION",
            "SELECTION",
            "SELECTED",
            "ACTING",
            "SIZE",
        ]);
        for (rule, stats) in self.policy.rules.iter().zip(&self.evaluation.rules) {
            rules.add_row(vec![
                rule.priority.to_string(),
                rule.description.clone().unwrap_or_default(),
                rule.summary(),
                stats.selected.to_string(),
                stats.acted.to_string(),
                human_bytes(stats.bytes),
            ]);
        }
        printer.print_table(&rules);
        let mut images = printer.table(&["IMAGE", "TAGS", "AGE", "SIZE", "RULE", "ACTION"]);
        for action in [Action::Expire, Action::Transition] {
            for (image, rule) in self.acted(action) {
                images.add_row(vec![
                    short_digest(&image.digest),
                    tags_text(&image.tags),
                    describe_seconds((now - image.pushed_at) / 1_000_000),
                    human_bytes(image.size),
                    rule.to_string(),
                    match action {
                        Action::Expire => "expire".into(),
                        Action::Transition => "archive".to_string(),
                    },
                ]);
            }
        }
        if images.row_count() > 0 {
            printer.print_table(&images);
        }
        let t = self.totals(price_per_gb_month);
        let place = self
            .repository
            .as_deref()
            .map(|r| format!(" in {r}"))
            .unwrap_or_default();
        printer.info(&format!(
            "{} of {} images{place} expire, freeing {} (${:.2}/month at ${:.2}/GB-month); {} archived",
            t.expiring,
            t.images,
            human_bytes(t.bytes_freed),
            t.monthly_savings,
            price_per_gb_month,
            t.transitioning
        ));
    }
}

pub fn tags_text(tags: &[String]) -> String {
    if tags.is_empty() {
        "<untagged>".into()
    } else {
        tags.join(", ")
    }
}

/// `--explain`: each rule's view of one image, then the outcome.
pub fn explain_json(image: &Image, outcome: &Outcome, steps: &[Step]) -> Value {
    json!({ "imageDigest": image.digest, "imageTags": image.tags, "outcome": outcome, "steps": steps })
}

pub fn explain_text(image: &Image, outcome: &Outcome, steps: &[Step]) -> String {
    let mut out = format!(
        "{} [{}] pushed {}\n",
        image.digest,
        tags_text(&image.tags),
        format_micros(image.pushed_at)
    );
    for step in steps {
        match step.rule_priority {
            0 => out.push_str(&format!("  then: {}\n", step.note)),
            p => out.push_str(&format!("  rule {p}: {}\n", step.note)),
        }
    }
    let verdict = match outcome {
        Outcome::Expire { rule } => format!("expired by rule {rule}"),
        Outcome::Transition { rule } => format!("archived by rule {rule}"),
        Outcome::Keep { reason } => format!("kept: {}", reason.describe()),
    };
    out.push_str(&format!("  => {verdict}\n"));
    out
}
