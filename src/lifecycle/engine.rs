//! The lifecycle evaluator: ECR's documented rules, applied to a list of images at a given
//! instant. Pure and deterministic.
//!
//! - All rules are evaluated, then applied in ascending `rulePriority`.
//! - An image is acted on (expired or archived) by at most one rule.
//! - An image that matches the selection (tags and storage class) of a rule can never be
//!   acted on by a lower-priority rule — but lower rules still *count* it, as if it stayed.
//! - `imageCountMoreThan N` keeps the newest N of the selection and marks the rest;
//!   the `since…` count types mark images older than N days by their reference time.
//! - An image referenced by a manifest list that stays is not acted on.
//! - Order is by push time (or the time an archived image was restored), newest first;
//!   equal times are ordered by digest, the greater digest counting as the newer image.

use serde::Serialize;

use super::images::{Image, MICROS_PER_DAY, Micros};
use super::policy::{Action, Count, Policy, Rule, StorageClass, TagFilter, TagStatus};
use super::wildcard::Glob;

/// What happens to one image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum Outcome {
    Expire { rule: u32 },
    Transition { rule: u32 },
    Keep { reason: KeepReason },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum KeepReason {
    /// No rule selects it.
    NotSelected,
    /// Among the newest `keep` of the rule's selection.
    WithinCount { rule: u32, keep: usize },
    /// Younger than the rule's age limit.
    TooRecent { rule: u32, days: u64 },
    /// Rule `rule` would act, but higher-priority rule `by` selects it.
    Shielded { rule: u32, by: u32 },
    /// A manifest list that stays references it.
    ReferencedBy { index: String },
}

impl std::fmt::Display for KeepReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotSelected => f.write_str("no rule selects it"),
            Self::WithinCount { rule, keep } => write!(f, "among the newest {keep} of rule {rule}"),
            Self::TooRecent { rule, days } => write!(f, "not older than {days} days (rule {rule})"),
            Self::Shielded { rule, by } => {
                write!(f, "rule {rule} would act, but rule {by} selects it first")
            }
            Self::ReferencedBy { index } => {
                write!(f, "referenced by manifest list {}", short_digest(index))
            }
        }
    }
}

pub fn short_digest(digest: &str) -> String {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    // By characters: a digest from an input file is not necessarily ASCII.
    format!("sha256:{}", hex.chars().take(12).collect::<String>())
}

/// Per-rule totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleStats {
    pub rule_priority: u32,
    pub selected: usize,
    pub acted: usize,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// One outcome per input image, in input order.
    pub outcomes: Vec<Outcome>,
    pub rules: Vec<RuleStats>,
}

/// One rule's view of one image, for `--explain`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub rule_priority: u32,
    pub note: String,
}

pub fn evaluate(policy: &Policy, images: &[Image], now: Micros) -> Evaluation {
    evaluate_traced(policy, images, now, None).0
}

/// Like [`evaluate`], also returning each rule's view of the image at `watch`.
pub fn evaluate_traced(
    policy: &Policy,
    images: &[Image],
    now: Micros,
    watch: Option<usize>,
) -> (Evaluation, Vec<Step>) {
    let order = newest_first(images);
    let times: Vec<Micros> = images.iter().map(order_time).collect();
    let n = images.len();
    let mut claimed: Vec<Option<u32>> = vec![None; n];
    let mut acted: Vec<Option<(u32, Action)>> = vec![None; n];
    let mut shielded: Vec<Option<(u32, u32)>> = vec![None; n];
    let mut first_reason: Vec<Option<KeepReason>> = vec![None; n];
    let mut selected_counts = Vec::with_capacity(policy.rules.len());
    let mut trace = Vec::new();
    let mut selection: Vec<usize> = Vec::with_capacity(n);

    let mut masks = SelectionMasks::default();
    for (r, rule) in policy.rules.iter().enumerate() {
        let selected = masks.for_rule(&policy.rules, r, images);
        selection.clear();
        selection.extend(order.iter().copied().filter(|&i| selected(i)));
        selected_counts.push(selection.len());
        for (rank, &i) in selection.iter().enumerate() {
            let mark = marks(rule, &images[i], times[i], rank, now);
            // Notes are only written for the watched image: formatting for every
            // image and rule would dominate the run time.
            let watched = watch == Some(i);
            let note = match (mark, acted[i], claimed[i]) {
                (Ok(()), Some((by, _)), _) => {
                    watched.then(|| format!("marks it, but rule {by} already acted on it"))
                }
                (Ok(()), None, Some(by)) => {
                    shielded[i].get_or_insert((rule.priority, by));
                    watched.then(|| {
                        format!("marks it, but rule {by} selected it first, so it cannot act")
                    })
                }
                (Ok(()), None, None) => {
                    acted[i] = Some((rule.priority, rule.action));
                    watched.then(|| format!("{} it", verb(rule.action)))
                }
                (Err(reason), _, _) => {
                    let text = watched.then(|| format!("selects it and keeps it: {reason}"));
                    first_reason[i].get_or_insert(reason);
                    text
                }
            };
            if let Some(note) = note {
                trace.push(Step {
                    rule_priority: rule.priority,
                    note,
                });
            }
        }
        if let Some(w) = watch
            && !selected(w)
        {
            trace.push(Step {
                rule_priority: rule.priority,
                note: not_selected_note(rule, &images[w]),
            });
        }
        for &i in &selection {
            claimed[i].get_or_insert(rule.priority);
        }
    }

    let protected_by = kept_index_parents(images, &acted);
    let outcomes: Vec<Outcome> = (0..n)
        .map(|i| match (acted[i], &protected_by[i]) {
            (Some(_), Some(index)) => Outcome::Keep {
                reason: KeepReason::ReferencedBy {
                    index: index.clone(),
                },
            },
            (Some((rule, Action::Expire)), None) => Outcome::Expire { rule },
            (Some((rule, Action::Transition)), None) => Outcome::Transition { rule },
            (None, _) => Outcome::Keep {
                reason: match (shielded[i], &first_reason[i]) {
                    (Some((rule, by)), _) => KeepReason::Shielded { rule, by },
                    (None, Some(reason)) => reason.clone(),
                    (None, None) => KeepReason::NotSelected,
                },
            },
        })
        .collect();
    if let Some(w) = watch
        && let (Some(_), Some(index)) = (acted[w], &protected_by[w])
    {
        trace.push(Step {
            rule_priority: 0,
            note: format!(
                "but manifest list {} stays and references it, so it stays too",
                short_digest(index)
            ),
        });
    }
    let rules = stats(policy, &selected_counts, images, &outcomes);
    (Evaluation { outcomes, rules }, trace)
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Expire => "expires",
        Action::Transition => "archives",
    }
}

fn not_selected_note(rule: &Rule, image: &Image) -> String {
    if image.storage != rule.storage_class {
        "does not select it (other storage class)".into()
    } else {
        format!("does not select it ({})", rule.summary())
    }
}

/// Indices ordered newest first; ties broken by the greater digest counting as newer,
/// then by input order (so equal entries keep a deterministic order).
fn newest_first(images: &[Image]) -> Vec<usize> {
    // Sorting (time, index) keys touches no image unless two times are equal.
    let mut keys: Vec<(Micros, usize)> = images
        .iter()
        .enumerate()
        .map(|(i, image)| (order_time(image), i))
        .collect();
    keys.sort_unstable_by(|&(ta, a), &(tb, b)| {
        tb.cmp(&ta)
            .then_with(|| images[b].digest.cmp(&images[a].digest))
            .then(a.cmp(&b))
    });
    keys.into_iter().map(|(_, i)| i).collect()
}

/// Which rules select each image, as bits, computed for up to 64 rules at a time in one
/// pass over the images in input order. Testing each rule against images taken in
/// newest-first order instead jumps around memory, and that dominated the run time.
#[derive(Default)]
struct SelectionMasks {
    /// The first rule the masks cover.
    first: usize,
    masks: Vec<u64>,
}

impl SelectionMasks {
    fn for_rule<'m>(
        &'m mut self,
        rules: &[Rule],
        r: usize,
        images: &[Image],
    ) -> impl Fn(usize) -> bool + 'm {
        if self.masks.is_empty() || r < self.first || r >= self.first + 64 {
            self.first = r - r % 64;
            let selectors: Vec<Selector> = rules[self.first..rules.len().min(self.first + 64)]
                .iter()
                .map(Selector::new)
                .collect();
            self.masks.clear();
            self.masks.extend(images.iter().map(|image| {
                selectors
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.selects(image))
                    .fold(0u64, |mask, (bit, _)| mask | 1 << bit)
            }));
        }
        let bit = 1u64 << (r - self.first);
        let masks = &self.masks;
        move |i| masks[i] & bit != 0
    }
}

/// ECR orders by push time, or by the time an archived image was restored.
fn order_time(image: &Image) -> Micros {
    image
        .activated_at
        .unwrap_or(image.pushed_at)
        .max(image.pushed_at)
}

/// A rule's selection (storage class and tags), with its patterns compiled once per
/// evaluation: matching every image against every rule is most of the engine's work.
/// Agrees with [`Rule::selects_tags`] (tested in engine_tests).
pub(crate) struct Selector<'r> {
    storage: StorageClass,
    tags: TagSelector<'r>,
}

enum TagSelector<'r> {
    Any,
    Untagged,
    Tagged,
    /// Every prefix must start at least one tag.
    Prefixes(&'r [String]),
    /// Every pattern must match at least one tag.
    Patterns(Vec<Glob<'r>>),
}

impl<'r> Selector<'r> {
    pub(crate) fn new(rule: &'r Rule) -> Self {
        let tags = match (rule.tag_status, &rule.filter) {
            (TagStatus::Any, _) => TagSelector::Any,
            (TagStatus::Untagged, _) => TagSelector::Untagged,
            (TagStatus::Tagged, TagFilter::None) => TagSelector::Tagged,
            (TagStatus::Tagged, TagFilter::Prefixes(p)) => TagSelector::Prefixes(p),
            (TagStatus::Tagged, TagFilter::Patterns(p)) => {
                TagSelector::Patterns(p.iter().map(|p| Glob::new(p)).collect())
            }
        };
        Selector {
            storage: rule.storage_class,
            tags,
        }
    }

    pub(crate) fn selects(&self, image: &Image) -> bool {
        let tags = &image.tags;
        image.storage == self.storage
            && match &self.tags {
                TagSelector::Any => true,
                TagSelector::Untagged => tags.is_empty(),
                TagSelector::Tagged => !tags.is_empty(),
                TagSelector::Prefixes(p) => p
                    .iter()
                    .all(|p| tags.iter().any(|t| t.starts_with(p.as_str()))),
                TagSelector::Patterns(globs) => {
                    globs.iter().all(|g| tags.iter().any(|t| g.matches(t)))
                }
            }
    }
}

/// Whether `rule` marks the image (`rank` = its place in the selection, newest first).
/// `order_time` is [`order_time`] of the image, computed once.
fn marks(
    rule: &Rule,
    image: &Image,
    order_time: Micros,
    rank: usize,
    now: Micros,
) -> Result<(), KeepReason> {
    let older_than = |reference: Option<Micros>, days: u64| match reference {
        Some(t) if now - t > days as i64 * MICROS_PER_DAY => Ok(()),
        _ => Err(KeepReason::TooRecent {
            rule: rule.priority,
            days,
        }),
    };
    match rule.count {
        Count::MoreThan(keep) if rank >= keep => Ok(()),
        Count::MoreThan(keep) => Err(KeepReason::WithinCount {
            rule: rule.priority,
            keep,
        }),
        Count::SincePushed { days } => older_than(Some(order_time), days),
        Count::SincePulled { days } => {
            // Never pulled: push time; restored and not pulled since: restore time.
            let since = image
                .last_pull
                .into_iter()
                .chain(image.activated_at)
                .chain([image.pushed_at])
                .max();
            older_than(since, days)
        }
        Count::SinceTransitioned { days } if image.storage == StorageClass::Archive => {
            older_than(image.archived_at, days)
        }
        Count::SinceTransitioned { days } => Err(KeepReason::TooRecent {
            rule: rule.priority,
            days,
        }),
    }
}

/// For each image, a manifest list that references it and stays, if any. An index stays
/// when no rule acts on it, or when an index that stays references it: the shield is
/// transitive (index → inner index → manifest), as `horizon::with_ancestors` walks it.
fn kept_index_parents(images: &[Image], acted: &[Option<(u32, Action)>]) -> Vec<Option<String>> {
    if images.iter().all(|i| i.children.is_empty()) {
        return vec![None; images.len()];
    }
    let position: std::collections::HashMap<&str, usize> = images
        .iter()
        .enumerate()
        .map(|(i, img)| (img.digest.as_str(), i))
        .collect();
    let mut parents: Vec<Option<String>> = vec![None; images.len()];
    // Indexes that stay, in input order first (the first one found names the parent).
    let mut staying: std::collections::VecDeque<usize> = (0..images.len())
        .filter(|&i| acted[i].is_none() && !images[i].children.is_empty())
        .collect();
    while let Some(i) = staying.pop_front() {
        for child in &images[i].children {
            let Some(&c) = position.get(child.as_str()) else {
                continue;
            };
            if c == i || parents[c].is_some() {
                continue;
            }
            parents[c] = Some(images[i].digest.clone());
            // A rule acted on it, but it stays now: so do its own children.
            if acted[c].is_some() && !images[c].children.is_empty() {
                staying.push_back(c);
            }
        }
    }
    parents
}

fn stats(
    policy: &Policy,
    selected: &[usize],
    images: &[Image],
    outcomes: &[Outcome],
) -> Vec<RuleStats> {
    let mut stats: Vec<RuleStats> = policy
        .rules
        .iter()
        .zip(selected)
        .map(|(rule, &selected)| RuleStats {
            rule_priority: rule.priority,
            selected,
            ..Default::default()
        })
        .collect();
    for (image, outcome) in images.iter().zip(outcomes) {
        if let Outcome::Expire { rule } | Outcome::Transition { rule } = outcome
            && let Some(s) = stats.iter_mut().find(|s| s.rule_priority == *rule)
        {
            s.acted += 1;
            s.bytes = s.bytes.saturating_add(image.size);
        }
    }
    stats
}
