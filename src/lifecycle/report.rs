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
    /// What the input cannot show (an images file without archive state or index
    /// children); also printed on stderr.
    pub warnings: &'a [String],
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
    /// When ECR last recorded a pull (updated about once a day), or null.
    pub last_recorded_pull_time: Option<String>,
    pub rule_priority: u32,
}

/// An image that stays, and why.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeptImage<'a> {
    pub image_digest: &'a str,
    pub image_tags: &'a [String],
    /// Written straight into the JSON: formatting 100,000 strings first costs time.
    #[serde(serialize_with = "as_text")]
    pub reason: &'a KeepReason,
    pub reason_detail: &'a KeepReason,
}

fn as_text<S: serde::Serializer>(value: &impl std::fmt::Display, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
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
    /// What the input cannot show, for the report (see [`RepositoryPreview::warnings`]).
    pub warnings: Vec<String>,
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
    /// Always false: sizes are ECR's per-image sizes, and layers shared between images
    /// are counted once per image, so `bytesFreed` is an upper bound.
    pub layers_deduplicated: bool,
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

/// The bytes each image counts for in freed / archived totals. ECR reports an index's
/// `imageSizeInBytes` as the largest of its manifests, so an index whose children are
/// listed counts nothing of its own: its children count when they go (otherwise the
/// same bytes would count twice). An index whose children are unknown counts its size.
pub fn counted_sizes(images: &[Image]) -> Vec<u64> {
    if !images
        .iter()
        .any(|i| i.is_index() && !i.children.is_empty())
    {
        return images.iter().map(|i| i.size).collect();
    }
    let present: std::collections::HashSet<&str> =
        images.iter().map(|i| i.digest.as_str()).collect();
    images
        .iter()
        .map(|i| {
            let children_listed =
                i.is_index() && i.children.iter().any(|c| present.contains(c.as_str()));
            if children_listed { 0 } else { i.size }
        })
        .collect()
}

impl Preview {
    pub fn totals(&self, price_per_gb_month: f64) -> Totals {
        let mut t = Totals {
            images: self.images.len(),
            price_per_gb_month,
            ..Default::default()
        };
        let sizes = counted_sizes(&self.images);
        for (size, outcome) in sizes.iter().zip(&self.evaluation.outcomes) {
            match outcome {
                Outcome::Expire { .. } => {
                    t.expiring += 1;
                    t.bytes_freed = t.bytes_freed.saturating_add(*size);
                }
                Outcome::Transition { .. } => {
                    t.transitioning += 1;
                    t.bytes_archived = t.bytes_archived.saturating_add(*size);
                }
                Outcome::Keep { .. } => {}
            }
        }
        t.gib_freed = round2(t.bytes_freed as f64 / GIB);
        t.monthly_savings = round2(t.gib_freed * price_per_gb_month);
        t
    }

    /// Bytes each rule frees or archives, counted as in [`counted_sizes`], in rule order.
    pub fn rule_bytes(&self) -> Vec<u64> {
        let sizes = counted_sizes(&self.images);
        let mut bytes = vec![0u64; self.policy.rules.len()];
        for (size, outcome) in sizes.iter().zip(&self.evaluation.outcomes) {
            if let Outcome::Expire { rule } | Outcome::Transition { rule } = outcome
                && let Some(i) = self.policy.rules.iter().position(|r| r.priority == *rule)
            {
                bytes[i] = bytes[i].saturating_add(*size);
            }
        }
        bytes
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
                    last_recorded_pull_time: i.last_pull.map(format_micros),
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
                    reason,
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
            .zip(self.rule_bytes())
            .map(|((rule, stats), bytes)| RuleReport {
                rule_priority: rule.priority,
                description: rule.description.as_deref(),
                action: rule.action,
                selection: rule.summary(),
                selected: stats.selected,
                acting: stats.acted,
                bytes,
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
            warnings: &self.warnings,
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

    /// The rules table, then the images the policy acts on (if any), at most `limit`
    /// image rows (0: all); also returns how many rows were left out.
    pub fn tables_limited(
        &self,
        printer: &Printer,
        now: Micros,
        limit: usize,
    ) -> (Table, Option<Table>, usize) {
        let mut rules = printer.table(&[
            "PRIORITY",
            "DESCRIPTION",
            "SELECTION",
            "SELECTED",
            "ACTING",
            "SIZE",
        ]);
        for ((rule, stats), bytes) in self
            .policy
            .rules
            .iter()
            .zip(&self.evaluation.rules)
            .zip(self.rule_bytes())
        {
            rules.add_row(vec![
                rule.priority.to_string(),
                rule.description.clone().unwrap_or_default(),
                rule.summary(),
                stats.selected.to_string(),
                stats.acted.to_string(),
                human_bytes(bytes),
            ]);
        }
        let mut images = printer.table(&[
            "IMAGE",
            "TAGS",
            "AGE",
            "LAST PULLED",
            "SIZE",
            "RULE",
            "ACTION",
        ]);
        let mut left_out = 0;
        for action in [Action::Expire, Action::Transition] {
            for (image, rule) in self.acted(action) {
                if limit > 0 && images.row_count() >= limit {
                    left_out += 1;
                    continue;
                }
                images.add_row(vec![
                    short_digest(&image.digest),
                    tags_text(&image.tags),
                    describe_seconds((now - image.pushed_at) / 1_000_000),
                    last_pulled_text(image.last_pull, now),
                    human_bytes(image.size),
                    rule.to_string(),
                    match action {
                        Action::Expire => "expire".into(),
                        Action::Transition => "archive".to_string(),
                    },
                ]);
            }
        }
        (rules, (images.row_count() > 0).then_some(images), left_out)
    }

    /// The tables with at most `limit` image rows (0: all), a line saying how many more
    /// there are, then the summary.
    pub fn print_limited(
        &self,
        printer: &Printer,
        price_per_gb_month: f64,
        now: Micros,
        limit: usize,
    ) {
        let (rules, images, left_out) = self.tables_limited(printer, now, limit);
        printer.print_table(&rules);
        if let Some(images) = images {
            printer.print_table(&images);
        }
        if left_out > 0 {
            printer.stdout(&format!("… and {left_out} more (--limit 0 for all)\n"));
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
            "{} of {} images{place} expire, freeing {} (${:.2}/month at ${:.2}/GB-month); {} archived (sizes are an upper bound: layers shared between images are not deduplicated)",
            t.expiring,
            t.images,
            human_bytes(t.bytes_freed),
            t.monthly_savings,
            price_per_gb_month,
            t.transitioning
        )
    }
}

/// When ECR last recorded a pull, as an age ("3d ago"), or "never".
pub fn last_pulled_text(last_pull: Option<Micros>, now: Micros) -> String {
    match last_pull {
        Some(t) => format!("{} ago", describe_seconds((now - t) / 1_000_000)),
        None => "never".into(),
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
        Outcome::Keep { reason } => format!("kept: {reason}"),
    };
    out.push_str(&format!("  => {verdict}\n"));
    out
}

/// `--limit`, or 20 image rows when stdout is a terminal and all when it is not.
pub fn table_limit(flag: Option<usize>) -> usize {
    use std::io::IsTerminal;
    flag.unwrap_or(if std::io::stdout().is_terminal() {
        20
    } else {
        0
    })
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
        let (rules, images, _) = preview.tables_limited(&printer, NOW, 0);
        insta::assert_snapshot!(format!(
            "{rules}\n{}\n{}",
            images.expect("the policy acts on images"),
            preview.summary(0.10)
        ));
    }

    /// An index counts as ECR sizes it (the largest of its manifests); when its children
    /// are listed it counts nothing itself, so expiring it with its children frees each
    /// child's bytes once.
    #[test]
    fn an_index_and_its_children_are_not_counted_twice() {
        let policy = crate::lifecycle::policy::parse(
            r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}}]}"#,
        )
        .unwrap();
        let mut index = image('i', &["v1"], 10, 300);
        index.media_type = Some(crate::model::media_type::OCI_INDEX.into());
        let (amd, arm) = (image('a', &[], 10, 300), image('b', &[], 10, 200));
        index.children = vec![amd.digest.clone(), arm.digest.clone()];
        let protection = Protection::default();
        let with_children = evaluate(
            None,
            policy.clone(),
            vec![index.clone(), amd.clone(), arm.clone()],
            NOW,
            &protection,
        );
        let t = with_children.totals(0.10);
        assert_eq!((t.expiring, t.bytes_freed), (3, 500));
        assert_eq!(with_children.rule_bytes(), vec![500]);
        assert!(!t.layers_deduplicated);
        // Children unknown: the index's own size is all there is to count.
        index.children.clear();
        let alone = evaluate(None, policy, vec![index], NOW, &protection);
        assert_eq!(alone.totals(0.10).bytes_freed, 300);
        assert!(
            alone.summary(0.10).contains("upper bound"),
            "{}",
            alone.summary(0.10)
        );
    }

    #[test]
    fn the_image_table_is_limited_and_shows_last_pull() {
        let printer = crate::output::plain_printer();
        let mut preview = preview();
        preview.images[4].last_pull = Some(NOW - 3 * MICROS_PER_DAY);
        let (_, images, left_out) = preview.tables_limited(&printer, NOW, 2);
        let table = images.unwrap().to_string();
        assert_eq!(left_out, preview.totals(0.1).expiring - 2, "{table}");
        assert!(table.contains("LAST PULLED"), "{table}");
        let (_, all, none_left) = preview.tables_limited(&printer, NOW, 0);
        assert_eq!(none_left, 0);
        let all = all.unwrap().to_string();
        assert!(all.contains("3d ago") && all.contains("never"), "{all}");
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
