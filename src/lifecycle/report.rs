//! The preview report: JSON (documented in docs/lifecycle.md) and tables.

use comfy_table::Table;
use serde::Serialize;

use super::engine::{Evaluation, KeepReason, Outcome, Step, short_digest};
use super::images::{Image, Micros, format_micros};
use super::policy::{Action, Policy};
use crate::duration::describe_seconds;
use crate::output::{Printer, SchemaVersion, human_bytes};

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// `lifecycle preview -o json` for one repository or a policy file and
/// `lifecycle apply -o json` (docs/json-output.md).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewDocument<'a> {
    pub schema_version: SchemaVersion,
    #[serde(flatten)]
    pub preview: RepositoryPreview<'a>,
}

/// What the policy does in one repository.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryPreview<'a> {
    /// `null` for a preview of a describe-images file.
    pub repository_name: Option<&'a str>,
    pub expiring: Vec<ActedImage<'a>>,
    pub transitioning: Vec<ActedImage<'a>>,
    pub kept: Vec<KeptImage<'a>>,
    pub rules: Vec<RuleReport<'a>>,
    pub protected_violations: Vec<Violation<'a>>,
    pub totals: Totals,
}

/// An image a rule expires or archives, oldest push first.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActedImage<'a> {
    pub image_digest: &'a str,
    pub image_tags: &'a [String],
    pub image_pushed_at: String,
    pub image_size_in_bytes: u64,
    pub rule_priority: u32,
}

/// An image that stays, and why.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeptImage<'a> {
    pub image_digest: &'a str,
    pub image_tags: &'a [String],
    pub reason: String,
    pub reason_detail: &'a KeepReason,
}

/// One rule: what it selects and what it acts on.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleReport<'a> {
    pub rule_priority: u32,
    pub description: Option<&'a str>,
    pub action: Action,
    pub selection: String,
    pub selected: usize,
    pub acting: usize,
    pub bytes: u64,
}

/// A protected image (`--protect`) the policy would expire or archive.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation<'a> {
    pub image_digest: &'a str,
    pub image_tags: &'a [String],
    pub protected_because: &'a str,
}

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

    /// This repository's part of the JSON report.
    pub fn report(&self, price_per_gb_month: f64) -> RepositoryPreview<'_> {
        let acted = |action| -> Vec<ActedImage<'_>> {
            self.acted(action)
                .into_iter()
                .map(|(i, rule)| ActedImage {
                    image_digest: &i.digest,
                    image_tags: &i.tags,
                    image_pushed_at: format_micros(i.pushed_at),
                    image_size_in_bytes: i.size,
                    rule_priority: rule,
                })
                .collect()
        };
        let kept = self
            .images
            .iter()
            .zip(&self.evaluation.outcomes)
            .filter_map(|(i, o)| match o {
                Outcome::Keep { reason } => Some(KeptImage {
                    image_digest: &i.digest,
                    image_tags: &i.tags,
                    reason: reason.describe(),
                    reason_detail: reason,
                }),
                _ => None,
            })
            .collect();
        let rules = self
            .policy
            .rules
            .iter()
            .zip(&self.evaluation.rules)
            .map(|(rule, stats)| RuleReport {
                rule_priority: rule.priority,
                description: rule.description.as_deref(),
                action: rule.action,
                selection: rule.summary(),
                selected: stats.selected,
                acting: stats.acted,
                bytes: stats.bytes,
            })
            .collect();
        let protected_violations = self
            .violations
            .iter()
            .map(|(i, why)| Violation {
                image_digest: &self.images[*i].digest,
                image_tags: &self.images[*i].tags,
                protected_because: why,
            })
            .collect();
        RepositoryPreview {
            repository_name: self.repository.as_deref(),
            expiring: acted(Action::Expire),
            transitioning: acted(Action::Transition),
            kept,
            rules,
            protected_violations,
            totals: self.totals(price_per_gb_month),
        }
    }

    /// `lifecycle preview -o json` for one repository or policy (and `lifecycle apply`).
    pub fn document(&self, price_per_gb_month: f64) -> PreviewDocument<'_> {
        PreviewDocument {
            schema_version: SchemaVersion,
            preview: self.report(price_per_gb_month),
        }
    }

    /// The rules table, then the images the policy acts on (if any).
    pub fn tables(&self, printer: &Printer, now: Micros) -> (Table, Option<Table>) {
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
        (rules, (images.row_count() > 0).then_some(images))
    }

    pub fn print(&self, printer: &Printer, price_per_gb_month: f64, now: Micros) {
        let (rules, images) = self.tables(printer, now);
        printer.print_table(&rules);
        if let Some(images) = images {
            printer.print_table(&images);
        }
        printer.info(&self.summary(price_per_gb_month));
    }

    /// The sentence under the tables.
    pub fn summary(&self, price_per_gb_month: f64) -> String {
        let t = self.totals(price_per_gb_month);
        let place = self
            .repository
            .as_deref()
            .map(|r| format!(" in {r}"))
            .unwrap_or_default();
        format!(
            "{} of {} images{place} expire, freeing {} (${:.2}/month at ${:.2}/GB-month); {} archived",
            t.expiring,
            t.images,
            human_bytes(t.bytes_freed),
            t.monthly_savings,
            price_per_gb_month,
            t.transitioning
        )
    }
}

pub fn tags_text(tags: &[String]) -> String {
    if tags.is_empty() {
        "<untagged>".into()
    } else {
        tags.join(", ")
    }
}

/// `lifecycle preview --explain -o json`: each rule's view of one image, then the outcome.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExplainDocument<'a> {
    pub schema_version: SchemaVersion,
    pub image_digest: &'a str,
    pub image_tags: &'a [String],
    pub outcome: &'a Outcome,
    pub steps: &'a [Step],
}

pub fn explain_json<'a>(
    image: &'a Image,
    outcome: &'a Outcome,
    steps: &'a [Step],
) -> ExplainDocument<'a> {
    ExplainDocument {
        schema_version: SchemaVersion,
        image_digest: &image.digest,
        image_tags: &image.tags,
        outcome,
        steps,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::images::MICROS_PER_DAY;
    use crate::lifecycle::preview::evaluate;
    use crate::lifecycle::protect::Protection;

    const NOW: Micros = 1_800_000_000 * 1_000_000;

    fn image(name: char, tags: &[&str], days: i64, size: u64) -> Image {
        let mut image = Image::new(
            format!("sha256:{}", name.to_string().repeat(64)),
            tags.iter().map(|t| t.to_string()).collect(),
            NOW - days * MICROS_PER_DAY,
        );
        image.size = size;
        image
    }

    /// Keep 2 release images, expire untagged ones after 7 days; `prod-*` is protected.
    fn preview() -> Preview {
        let policy = crate::lifecycle::policy::parse(
            r#"{"rules": [
                {"rulePriority": 1, "description": "keep two releases",
                 "selection": {"tagStatus": "tagged", "tagPatternList": ["v*"],
                               "countType": "imageCountMoreThan", "countNumber": 2},
                 "action": {"type": "expire"}},
                {"rulePriority": 2,
                 "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                               "countUnit": "days", "countNumber": 7},
                 "action": {"type": "expire"}}
            ]}"#,
        )
        .unwrap();
        let gib = 1024 * 1024 * 1024;
        let images = vec![
            image('a', &["v1", "prod-1"], 90, 2 * gib),
            image('b', &["v2"], 60, gib),
            image('c', &["v3"], 30, gib),
            image('d', &["v4"], 1, gib),
            image('e', &[], 10, gib / 2),
            image('f', &[], 2, gib / 2),
        ];
        let protection = Protection {
            tag_globs: vec!["prod-*".into()],
            in_use: vec![],
        };
        evaluate(Some("team/api".into()), policy, images, NOW, &protection)
    }

    #[test]
    fn tables_and_summary() {
        let printer = crate::output::plain_printer();
        let preview = preview();
        let (rules, images) = preview.tables(&printer, NOW);
        insta::assert_snapshot!(format!(
            "{rules}\n{}\n{}",
            images.expect("the policy acts on images"),
            preview.summary(0.10)
        ));
    }

    #[test]
    fn json() {
        insta::assert_json_snapshot!(preview().document(0.10));
    }

    #[test]
    fn explain() {
        let preview = preview();
        let steps = vec![Step {
            rule_priority: 1,
            note: "selected (tag v1); not among the newest 2".into(),
        }];
        let outcome = &preview.evaluation.outcomes[0];
        insta::assert_json_snapshot!(explain_json(&preview.images[0], outcome, &steps));
        insta::assert_snapshot!(explain_text(&preview.images[0], outcome, &steps));
    }
}
