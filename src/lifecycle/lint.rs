//! A lifecycle policy document, parsed and checked in one step. serde reads the text into
//! raw typed structs (a wrong type, an unknown key or a value outside a closed set stops
//! there, with its JSON path and line); then every ECR constraint is checked and the typed
//! [`Policy`] is built — or every problem is returned, each with its JSON path
//! (`$.rules[2].selection.countNumber`). The engine only ever sees a checked policy.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde_json::Value;

use super::policy::{Action, Count, Policy, Rule, StorageClass, TagFilter, TagStatus};

/// One thing wrong with a policy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

pub const MAX_RULES: usize = 50;
pub const MAX_POLICY_CHARS: usize = 30_720;
pub const MAX_WILDCARDS: usize = 4;
/// Archived images must stay archived this long before a rule may delete them.
pub const MIN_ARCHIVE_DAYS: u64 = 90;
/// `rulePriority` is an AWS Integer.
pub const MAX_RULE_PRIORITY: u64 = i32::MAX as u64;
/// `imageCountMoreThan`: an AWS Integer.
pub const MAX_IMAGE_COUNT: u64 = i32::MAX as u64;
/// `since…` rules, in days: 100 years. No image is older, and the bound keeps
/// `days × 86,400,000,000 µs` far from overflowing (106,751,992 days would wrap).
pub const MAX_DAYS: u64 = 36_500;

// ---- the raw document, as serde reads it ----

#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a lifecycle policy: an object with a `rules` list"
)]
struct RawPolicy {
    rules: Option<Vec<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "a rule object"
)]
struct RawRule {
    rule_priority: Option<Number>,
    description: Option<String>,
    selection: Option<RawSelection>,
    action: Option<RawAction>,
}

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "a selection object"
)]
struct RawSelection {
    tag_status: Option<Choice<TagStatus>>,
    tag_pattern_list: Option<Vec<String>>,
    tag_prefix_list: Option<Vec<String>>,
    storage_class: Option<Choice<StorageClass>>,
    count_type: Option<Choice<CountType>>,
    count_unit: Option<Choice<CountUnit>>,
    count_number: Option<Number>,
}

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "an action object"
)]
struct RawAction {
    #[serde(rename = "type")]
    kind: Option<Choice<Action>>,
    target_storage_class: Option<Choice<TargetStorageClass>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
enum CountType {
    ImageCountMoreThan,
    SinceImagePushed,
    SinceImagePulled,
    SinceImageTransitioned,
}

impl CountType {
    fn name(self) -> &'static str {
        match self {
            Self::ImageCountMoreThan => "imageCountMoreThan",
            Self::SinceImagePushed => "sinceImagePushed",
            Self::SinceImagePulled => "sinceImagePulled",
            Self::SinceImageTransitioned => "sinceImageTransitioned",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum CountUnit {
    Days,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum TargetStorageClass {
    Archive,
}

/// A string from a closed set: the value, or serde's word on why it is none of them
/// (`unknown variant `remove`, expected `expire` or `transition``). A wrong *type* still
/// stops the parse; an unknown *value* is one problem among all the others.
#[derive(Debug, Clone, PartialEq)]
enum Choice<T> {
    Known(T),
    Unknown(String),
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Choice<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::IntoDeserializer;
        let text = String::deserialize(d)?;
        let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
            text.as_str().into_deserializer();
        Ok(match T::deserialize(de) {
            Ok(value) => Choice::Known(value),
            Err(e) => Choice::Unknown(e.to_string()),
        })
    }
}

/// Any JSON number, kept exactly enough to say what was wrong with it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Number {
    Whole(i128),
    Fraction(f64),
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Whole(n) => write!(f, "{n}"),
            Self::Fraction(x) => f.write_str(&crate::input::show_f64(*x)),
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number")
            }
            fn visit_u64<E>(self, n: u64) -> Result<Number, E> {
                Ok(Number::Whole(n.into()))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Number, E> {
                Ok(Number::Whole(n.into()))
            }
            fn visit_f64<E>(self, x: f64) -> Result<Number, E> {
                Ok(Number::Fraction(x))
            }
        }
        d.deserialize_any(Visit)
    }
}

// ---- entry points ----

/// Parses and checks a policy document's text: the typed policy, or every problem.
/// Text checks come first (size, a byte-order mark, keys given twice), and do not stop the
/// others: a policy over the size limit still hears about everything else.
pub fn check_text(text: &str) -> Result<Policy, Vec<Problem>> {
    let mut first = Vec::new();
    let chars = text.chars().count();
    if chars > MAX_POLICY_CHARS {
        first.push(problem(
            "$",
            format!("the policy is {chars} characters; ECR allows at most {MAX_POLICY_CHARS}"),
        ));
    }
    let body = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            first.push(problem(
                "$",
                "starts with a byte-order mark (U+FEFF), which is not JSON; save the file as UTF-8 without BOM",
            ));
            rest
        }
        None => text,
    };
    let duplicates = duplicate_keys(body);
    let checked = match serde_json::from_str::<Value>(body) {
        // serde's derive stops at a key given twice ("duplicate field"); read the document
        // as a value (the last one wins), so that every other problem is reported too.
        Ok(value) if !duplicates.is_empty() => check_value(&value),
        _ => crate::input::from_json::<RawPolicy>(body)
            .map_err(shape_problem)
            .and_then(check),
    };
    first.extend(duplicates);
    match checked {
        Ok(policy) if first.is_empty() => Ok(policy),
        Ok(_) => Err(first),
        Err(rest) => {
            first.extend(rest);
            Err(first)
        }
    }
}

/// Keys given twice in one object. serde_json keeps the last silently (and other readers
/// may keep the first), so what ecrctl checks might not be what ECR runs.
fn duplicate_keys(text: &str) -> Vec<Problem> {
    crate::model::json_keys::duplicate_keys(text, "$")
        .iter()
        .map(|path| {
            problem(
                path,
                "is given twice in the same object; JSON readers keep only one (ecrctl the last, others may keep the first), so remove one",
            )
        })
        .collect()
}

/// Parses and checks a policy document already read as JSON.
pub fn check_value(document: &Value) -> Result<Policy, Vec<Problem>> {
    let raw: RawPolicy = crate::input::from_value(document).map_err(shape_problem)?;
    check(raw)
}

/// Every problem of a policy's text; empty when ECR would accept it.
pub fn lint_text(text: &str) -> Vec<Problem> {
    check_text(text).err().unwrap_or_default()
}

/// Every problem of a parsed policy document; empty when ECR would accept it.
pub fn lint(document: &Value) -> Vec<Problem> {
    check_value(document).err().unwrap_or_default()
}

/// A usage error (exit 2) listing every problem with its JSON path.
pub fn problems_error(source: &str, problems: &[Problem]) -> crate::error::CliError {
    let mut error = crate::error::CliError::usage(format!(
        "lifecycle policy {source} is not valid ({})",
        crate::output::count(problems.len(), "problem", "problems")
    ));
    for p in problems {
        error = error.with_cause(format!("{}: {}", p.path, p.message));
    }
    error.with_hint("fix each place named above; `ecrctl lifecycle lint --policy FILE` checks a policy alone (docs/lifecycle.md)")
}

fn problem(path: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        path: path.into(),
        message: message.into(),
    }
}

/// A document serde could not read into the raw structs: where, and why.
fn shape_problem(e: crate::input::JsonProblem) -> Vec<Problem> {
    let message = if e.syntax {
        format!("not valid JSON: {}", e.message)
    } else {
        e.message
    };
    vec![problem(e.path, message)]
}

// ---- the checks ----

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(problem(path, message));
    }

    /// The value of a closed-set field that is present, or a problem.
    fn choice<T: Copy>(&mut self, path: &str, value: Option<&Choice<T>>) -> Option<T> {
        match value? {
            Choice::Known(v) => Some(*v),
            Choice::Unknown(why) => {
                self.add(path, why.clone());
                None
            }
        }
    }

    /// A whole number in `1..=max`, or a problem naming the range.
    fn whole(&mut self, path: &str, n: Number, max: u64, unit: &str) -> Option<u64> {
        match n {
            Number::Whole(v) if (1..=i128::from(max)).contains(&v) => Some(v as u64),
            Number::Whole(v) => {
                self.add(path, format!("{v} is out of range 1..={max}{unit}"));
                None
            }
            // A whole number written as a decimal (1.0, 5e0): say how to write it.
            Number::Fraction(x) if x.fract() == 0.0 && x >= 1.0 && x <= max as f64 => {
                self.add(
                    path,
                    format!(
                        "{} is written as a decimal; write {}",
                        crate::input::show_f64(x),
                        x as u64
                    ),
                );
                None
            }
            Number::Fraction(x) if x.fract() == 0.0 || !x.is_finite() => {
                self.add(
                    path,
                    format!(
                        "{} is out of range 1..={max}{unit}",
                        crate::input::show_f64(x)
                    ),
                );
                None
            }
            Number::Fraction(x) => {
                self.add(
                    path,
                    format!(
                        "{} is not a whole number; allowed: 1..={max}{unit}",
                        crate::input::show_f64(x)
                    ),
                );
                None
            }
        }
    }
}

/// What cross-rule checks need to know of one rule.
struct RuleSummary {
    path: String,
    priority: Option<u64>,
    tag_status: Option<TagStatus>,
    storage_class: StorageClass,
    filter: Option<Vec<String>>,
}

fn check(raw: RawPolicy) -> Result<Policy, Vec<Problem>> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    let Some(raw_rules) = raw.rules else {
        return Err(vec![problem("$.rules", "is required")]);
    };
    if raw_rules.is_empty() || raw_rules.len() > MAX_RULES {
        c.add(
            "$.rules",
            format!(
                "has {} rules; 1 to {MAX_RULES} are allowed",
                raw_rules.len()
            ),
        );
    }
    let mut rules = Vec::new();
    let mut summaries = Vec::new();
    for (i, raw) in raw_rules.into_iter().enumerate() {
        let (rule, summary) = check_rule(&mut c, &format!("$.rules[{i}]"), raw);
        rules.extend(rule);
        summaries.extend(summary);
    }
    check_across_rules(&mut c, &summaries);
    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    rules.sort_by_key(|r| r.priority);
    Ok(Policy { rules })
}

fn check_rule(c: &mut Checker, path: &str, raw: RawRule) -> (Option<Rule>, Option<RuleSummary>) {
    let priority = match raw.rule_priority {
        Some(n) => c.whole(&format!("{path}.rulePriority"), n, MAX_RULE_PRIORITY, ""),
        None => {
            c.add(format!("{path}.rulePriority"), "is required");
            None
        }
    };
    if raw.selection.is_none() {
        c.add(format!("{path}.selection"), "is required");
    }
    let action = match raw.action {
        Some(a) => check_action(c, &format!("{path}.action"), a),
        None => {
            c.add(format!("{path}.action"), "is required");
            None
        }
    };
    let Some(selection) = raw.selection else {
        return (None, None);
    };
    let sel_path = format!("{path}.selection");
    let checked = check_selection(c, &sel_path, &selection, action);
    let summary = RuleSummary {
        path: path.to_string(),
        priority,
        tag_status: checked.tag_status,
        storage_class: checked.storage_class,
        filter: checked.sorted_filter,
    };
    let rule = match (
        priority,
        action,
        checked.tag_status,
        checked.filter,
        checked.count,
    ) {
        (Some(priority), Some(action), Some(tag_status), Some(filter), Some(count)) => Some(Rule {
            priority: priority as u32,
            description: raw.description,
            tag_status,
            filter,
            storage_class: checked.storage_class,
            count,
            action,
        }),
        _ => None,
    };
    (rule, Some(summary))
}

fn check_action(c: &mut Checker, path: &str, action: RawAction) -> Option<Action> {
    // Only `archive` exists; anything else is reported here.
    c.choice(
        &format!("{path}.targetStorageClass"),
        action.target_storage_class.as_ref(),
    );
    let Some(raw_kind) = action.kind else {
        c.add(
            format!("{path}.type"),
            "is required (`expire` or `transition`)",
        );
        return None;
    };
    let kind = c.choice(&format!("{path}.type"), Some(&raw_kind))?;
    let target_given = action.target_storage_class.is_some();
    match (kind, target_given) {
        (Action::Transition, false) => c.add(
            format!("{path}.targetStorageClass"),
            "is required for `transition` (`archive`)",
        ),
        (Action::Expire, true) => c.add(
            format!("{path}.targetStorageClass"),
            "is only for `transition` actions",
        ),
        _ => {}
    }
    Some(kind)
}

struct CheckedSelection {
    tag_status: Option<TagStatus>,
    filter: Option<TagFilter>,
    /// The filter's strings, sorted, for the "same tags as" check.
    sorted_filter: Option<Vec<String>>,
    storage_class: StorageClass,
    count: Option<Count>,
}

fn check_selection(
    c: &mut Checker,
    path: &str,
    s: &RawSelection,
    action: Option<Action>,
) -> CheckedSelection {
    if s.tag_status.is_none() {
        c.add(
            format!("{path}.tagStatus"),
            "is required (`tagged`, `untagged` or `any`)",
        );
    }
    let tag_status = c.choice(&format!("{path}.tagStatus"), s.tag_status.as_ref());
    let (filter, sorted_filter) = check_tag_filter(c, path, s, tag_status);
    let storage_class = c
        .choice(&format!("{path}.storageClass"), s.storage_class.as_ref())
        .unwrap_or(StorageClass::Standard);
    if s.count_type.is_none() {
        c.add(format!("{path}.countType"), "is required");
    }
    let count_type = c.choice(&format!("{path}.countType"), s.count_type.as_ref());
    let number_path = format!("{path}.countNumber");
    let count_number = match (s.count_number, count_type) {
        (None, _) => {
            c.add(&number_path, "is required");
            None
        }
        (Some(n), Some(CountType::ImageCountMoreThan) | None) => {
            c.whole(&number_path, n, MAX_IMAGE_COUNT, " (images)")
        }
        (Some(n), Some(_)) => c.whole(&number_path, n, MAX_DAYS, " (days)"),
    };
    let count = count_type.and_then(|t| {
        check_count(c, path, s, t, count_number, storage_class, action);
        let n = count_number?;
        Some(match t {
            CountType::ImageCountMoreThan => Count::MoreThan(n as usize),
            CountType::SinceImagePushed => Count::SincePushed { days: n },
            CountType::SinceImagePulled => Count::SincePulled { days: n },
            CountType::SinceImageTransitioned => Count::SinceTransitioned { days: n },
        })
    });
    CheckedSelection {
        tag_status,
        filter,
        sorted_filter,
        storage_class,
        count,
    }
}

fn check_tag_filter(
    c: &mut Checker,
    path: &str,
    s: &RawSelection,
    tag_status: Option<TagStatus>,
) -> (Option<TagFilter>, Option<Vec<String>>) {
    let prefixes = s.tag_prefix_list.as_ref();
    let patterns = s.tag_pattern_list.as_ref();
    match (tag_status, prefixes, patterns) {
        (Some(TagStatus::Tagged), None, None) => {
            c.add(
                format!("{path}.tagStatus"),
                "`tagged` needs a tagPatternList or a tagPrefixList",
            );
            (None, None)
        }
        (Some(TagStatus::Tagged), Some(_), Some(_)) => {
            c.add(
                format!("{path}.tagPatternList"),
                "use tagPatternList or tagPrefixList, not both",
            );
            (None, None)
        }
        (Some(TagStatus::Untagged | TagStatus::Any), p, q) if p.is_some() || q.is_some() => {
            let key = if p.is_some() {
                "tagPrefixList"
            } else {
                "tagPatternList"
            };
            c.add(
                format!("{path}.{key}"),
                "is only allowed with tagStatus `tagged`",
            );
            (None, None)
        }
        (_, Some(list), None) => {
            let sorted = string_list(c, &format!("{path}.tagPrefixList"), list, false);
            (
                sorted.as_ref().map(|_| TagFilter::Prefixes(list.clone())),
                sorted,
            )
        }
        (_, None, Some(list)) => {
            let sorted = string_list(c, &format!("{path}.tagPatternList"), list, true);
            (
                sorted.as_ref().map(|_| TagFilter::Patterns(list.clone())),
                sorted,
            )
        }
        (_, None, None) => (Some(TagFilter::None), None),
        // No tagStatus and both lists: the missing tagStatus is already reported.
        _ => (None, None),
    }
}

/// The list, sorted, when every entry is fine.
fn string_list(
    c: &mut Checker,
    path: &str,
    items: &[String],
    patterns: bool,
) -> Option<Vec<String>> {
    if items.is_empty() {
        c.add(path, "must be a non-empty list of strings");
        return None;
    }
    let before = c.problems.len();
    for (i, s) in items.iter().enumerate() {
        if s.is_empty() {
            c.add(format!("{path}[{i}]"), "must be a non-empty string");
            continue;
        }
        if let Some(first) = items[..i].iter().position(|other| other == s) {
            c.add(
                format!("{path}[{i}]"),
                format!("`{s}` is already {path}[{first}]; list each entry once"),
            );
        }
        if s.contains('\u{feff}') {
            c.add(
                format!("{path}[{i}]"),
                "contains an invisible byte-order mark (U+FEFF), which no tag can contain",
            );
        }
        let stars = s.matches('*').count();
        if patterns && stars > MAX_WILDCARDS {
            c.add(
                format!("{path}[{i}]"),
                format!("`{s}` has {stars} wildcards; at most {MAX_WILDCARDS} are allowed"),
            );
        }
    }
    if c.problems.len() > before {
        return None;
    }
    let mut sorted = items.to_vec();
    sorted.sort();
    Some(sorted)
}

fn check_count(
    c: &mut Checker,
    path: &str,
    s: &RawSelection,
    count_type: CountType,
    count_number: Option<u64>,
    storage_class: StorageClass,
    action: Option<Action>,
) {
    let name = count_type.name();
    let unit = c.choice(&format!("{path}.countUnit"), s.count_unit.as_ref());
    match (count_type, s.count_unit.is_some(), unit) {
        (CountType::ImageCountMoreThan, true, _) => c.add(
            format!("{path}.countUnit"),
            "is not allowed with imageCountMoreThan",
        ),
        (CountType::ImageCountMoreThan, false, _) | (_, _, Some(CountUnit::Days)) => {}
        // An unknown unit is reported by `choice`.
        (_, true, None) => {}
        (_, false, None) => c.add(
            format!("{path}.countUnit"),
            format!("is required with {name} (`days`)"),
        ),
    }
    let archive_needed = count_type == CountType::SinceImageTransitioned;
    if archive_needed && storage_class != StorageClass::Archive {
        c.add(
            format!("{path}.storageClass"),
            "sinceImageTransitioned needs storageClass `archive`",
        );
    }
    if !archive_needed && storage_class == StorageClass::Archive {
        c.add(
            format!("{path}.storageClass"),
            format!("{name} only selects storageClass `standard`"),
        );
    }
    match (count_type, action) {
        (CountType::SinceImagePulled, Some(Action::Expire)) => c.add(
            format!("{path}.countType"),
            "sinceImagePulled only goes with a `transition` action: archive first, then expire with sinceImageTransitioned",
        ),
        (CountType::SinceImageTransitioned, Some(Action::Transition)) => c.add(
            format!("{path}.countType"),
            "sinceImageTransitioned only goes with an `expire` action",
        ),
        _ => {}
    }
    if archive_needed && count_number.is_some_and(|n| n < MIN_ARCHIVE_DAYS) {
        c.add(
            format!("{path}.countNumber"),
            format!("archived images must stay archived at least {MIN_ARCHIVE_DAYS} days before they can be expired"),
        );
    }
}

fn storage_name(class: StorageClass) -> &'static str {
    match class {
        StorageClass::Standard => "standard",
        StorageClass::Archive => "archive",
    }
}

fn check_across_rules(c: &mut Checker, rules: &[RuleSummary]) {
    let mut by_priority: BTreeMap<u64, &str> = BTreeMap::new();
    for r in rules {
        if let Some(p) = r.priority
            && let Some(first) = by_priority.insert(p, &r.path)
        {
            c.add(
                format!("{}.rulePriority", r.path),
                format!("{p} is also the priority of {first}; priorities must be unique"),
            );
        }
    }
    // `any` comes last among the rules of its storage class (AWS's own archive examples
    // pair an `any` standard rule with a later `any` archive rule).
    for r in rules
        .iter()
        .filter(|r| r.tag_status == Some(TagStatus::Any))
    {
        let highest = rules
            .iter()
            .filter(|o| o.storage_class == r.storage_class)
            .filter_map(|o| o.priority)
            .max();
        if r.priority.is_some() && r.priority != highest {
            c.add(
                format!("{}.rulePriority", r.path),
                format!(
                    "a rule with tagStatus `any` must have the highest rulePriority of the {} rules",
                    storage_name(r.storage_class)
                ),
            );
        }
    }
    let mut untagged: BTreeMap<&str, &str> = BTreeMap::new();
    let mut filters: BTreeMap<(&str, &Vec<String>), &str> = BTreeMap::new();
    for r in rules {
        let class = storage_name(r.storage_class);
        if r.tag_status == Some(TagStatus::Untagged)
            && let Some(first) = untagged.insert(class, &r.path)
        {
            c.add(
                format!("{}.selection.tagStatus", r.path),
                format!("only one rule per storage class may select untagged images ({first} does already)"),
            );
        }
        if let Some(filter) = &r.filter
            && let Some(first) = filters.insert((class, filter), &r.path)
        {
            c.add(
                format!("{}.selection", r.path),
                format!("selects the same tags as {first}; each rule needs its own set of tag prefixes/patterns"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(priority: u64, selection: Value, action: Value) -> Value {
        json!({ "rulePriority": priority, "selection": selection, "action": action })
    }

    fn expire() -> Value {
        json!({ "type": "expire" })
    }

    fn paths(policy: Value) -> Vec<String> {
        lint(&policy).into_iter().map(|p| p.path).collect()
    }

    #[test]
    fn valid_policies_pass() {
        let policy = json!({ "rules": [
            rule(1, json!({"tagStatus":"tagged","tagPatternList":["prod*"],"countType":"imageCountMoreThan","countNumber":10}), expire()),
            rule(2, json!({"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14}), expire()),
            rule(3, json!({"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":90}), json!({"type":"transition","targetStorageClass":"archive"})),
            rule(4, json!({"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":365}), expire()),
        ]});
        assert_eq!(lint(&policy), vec![]);
    }

    #[test]
    fn structure_problems_have_paths() {
        assert_eq!(paths(json!([])), ["$"]);
        assert_eq!(paths(json!({})), ["$.rules"]);
        // A key ECR does not know stops the parse there, with its path.
        assert_eq!(paths(json!({"rules": [], "extra": 1})), ["$.extra"]);
        assert_eq!(paths(json!({"rules": []})), ["$.rules"]);
        assert_eq!(
            paths(json!({"rules": [{"rulePriority": 1}]})),
            ["$.rules[0].selection", "$.rules[0].action"]
        );
        assert_eq!(lint_text("{").len(), 1);
    }

    #[test]
    fn every_documented_constraint() {
        let count = |extra: Value| {
            let mut s =
                json!({"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1});
            for (k, v) in extra.as_object().unwrap() {
                s[k] = v.clone();
            }
            s
        };
        let cases: Vec<(Value, &str)> = vec![
            (
                json!({"rules":[rule(0, count(json!({})), expire())]}),
                "$.rules[0].rulePriority",
            ),
            (
                json!({"rules":[rule(1, count(json!({})), expire()), rule(1, count(json!({"tagStatus":"any"})), expire())]}),
                "$.rules[1].rulePriority",
            ),
            (
                json!({"rules":[rule(1, count(json!({"tagStatus":"tagged"})), expire())]}),
                "$.rules[0].selection.tagStatus",
            ),
            (
                json!({"rules":[rule(1, count(json!({"tagStatus":"tagged","tagPrefixList":["a"],"tagPatternList":["a*"]})), expire())]}),
                "$.rules[0].selection.tagPatternList",
            ),
            (
                json!({"rules":[rule(1, count(json!({"tagPrefixList":["a"]})), expire())]}),
                "$.rules[0].selection.tagPrefixList",
            ),
            (
                json!({"rules":[rule(1, count(json!({"tagStatus":"tagged","tagPatternList":["a*b*c*d*e*f"]})), expire())]}),
                "$.rules[0].selection.tagPatternList[0]",
            ),
            (
                json!({"rules":[rule(1, count(json!({"countUnit":"days"})), expire())]}),
                "$.rules[0].selection.countUnit",
            ),
            (
                json!({"rules":[rule(1, count(json!({"countType":"sinceImagePushed"})), expire())]}),
                "$.rules[0].selection.countUnit",
            ),
            (
                json!({"rules":[rule(1, count(json!({"countType":"sinceImagePushed","countUnit":"hours"})), expire())]}),
                "$.rules[0].selection.countUnit",
            ),
            (
                json!({"rules":[rule(1, count(json!({"countNumber":0})), expire())]}),
                "$.rules[0].selection.countNumber",
            ),
            (
                json!({"rules":[rule(1, count(json!({"countType":"byAge"})), expire())]}),
                "$.rules[0].selection.countType",
            ),
            (
                json!({"rules":[rule(1, count(json!({"tagStatus":"any"})), expire()), rule(2, count(json!({})), expire())]}),
                "$.rules[0].rulePriority",
            ),
            (
                json!({"rules":[rule(1, count(json!({})), expire()), rule(2, count(json!({"countNumber":5})), expire())]}),
                "$.rules[1].selection.tagStatus",
            ),
            (
                json!({"rules":[rule(1, count(json!({"tagStatus":"tagged","tagPrefixList":["a","b"]})), expire()), rule(2, count(json!({"tagStatus":"tagged","tagPrefixList":["b","a"]})), expire())]}),
                "$.rules[1].selection",
            ),
            (
                json!({"rules":[rule(1, count(json!({"countType":"sinceImagePulled","countUnit":"days"})), expire())]}),
                "$.rules[0].selection.countType",
            ),
            (
                json!({"rules":[rule(1, count(json!({"countType":"sinceImageTransitioned","countUnit":"days","countNumber":100})), expire())]}),
                "$.rules[0].selection.storageClass",
            ),
            (
                json!({"rules":[rule(1, count(json!({"storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":30})), expire())]}),
                "$.rules[0].selection.countNumber",
            ),
            (
                json!({"rules":[rule(1, count(json!({"storageClass":"archive"})), expire())]}),
                "$.rules[0].selection.storageClass",
            ),
            (
                json!({"rules":[rule(1, count(json!({})), json!({"type":"transition"}))]}),
                "$.rules[0].action.targetStorageClass",
            ),
            (
                json!({"rules":[rule(1, count(json!({})), json!({"type":"expire","targetStorageClass":"archive"}))]}),
                "$.rules[0].action.targetStorageClass",
            ),
            (
                json!({"rules":[rule(1, count(json!({})), json!({"type":"delete"}))]}),
                "$.rules[0].action.type",
            ),
            (
                json!({"rules":[rule(1, count(json!({"colour":"red"})), expire())]}),
                "$.rules[0].selection.colour",
            ),
        ];
        for (policy, path) in cases {
            let found = paths(policy.clone());
            assert!(
                found.contains(&path.to_string()),
                "{path} not in {found:?} for {policy}"
            );
        }
    }

    #[test]
    fn text_problems_do_not_hide_the_others() {
        // Over the size limit, a BOM, a key given twice, and a bad countNumber: all four.
        let padding = " ".repeat(MAX_POLICY_CHARS);
        let text = format!(
            "\u{feff}{{\"rules\":[{{\"rulePriority\":1,\"rulePriority\":2,{padding}\"selection\":{{\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countNumber\":0}},\"action\":{{\"type\":\"expire\"}}}}]}}"
        );
        let problems = lint_text(&text);
        let messages: Vec<String> = problems
            .iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect();
        assert_eq!(problems.len(), 4, "{messages:#?}");
        assert!(messages[0].contains("characters; ECR allows at most"));
        assert!(messages[1].contains("byte-order mark"));
        assert!(messages[2].starts_with("$.rules[0].rulePriority: is given twice"));
        assert!(messages[3].starts_with("$.rules[0].selection.countNumber: 0 is out of range"));
    }

    #[test]
    fn duplicate_keys_are_found_at_any_depth() {
        let text = with_selection(
            r#"{"tagStatus":"tagged","tagPatternList":["a*"],"countType":"imageCountMoreThan","countNumber":5,"countNumber":1}"#,
        );
        let p = one(&text);
        assert_eq!(p.path, "$.rules[0].selection.countNumber");
        // Without the duplicate, the same policy passes.
        assert_eq!(
            lint_text(&text.replace(r#","countNumber":1}"#, "}")),
            vec![]
        );
        let top = r#"{"rules":[],"rules":[]}"#;
        assert!(
            lint_text(top)
                .iter()
                .any(|p| p.path == "$.rules" && p.message.contains("twice"))
        );
    }

    #[test]
    fn duplicate_and_invisible_list_entries() {
        let p = one(&with_selection(
            r#"{"tagStatus":"tagged","tagPatternList":["a*","b*","a*"],"countType":"imageCountMoreThan","countNumber":5}"#,
        ));
        assert_eq!(p.path, "$.rules[0].selection.tagPatternList[2]");
        assert!(
            p.message
                .contains("already $.rules[0].selection.tagPatternList[0]")
        );
        let p = one(&with_selection(
            r#"{"tagStatus":"tagged","tagPrefixList":["\ufeffprod"],"countType":"imageCountMoreThan","countNumber":5}"#,
        ));
        assert_eq!(p.path, "$.rules[0].selection.tagPrefixList[0]");
        assert!(p.message.contains("U+FEFF"));
    }

    #[test]
    fn too_many_rules() {
        let rules: Vec<Value> = (1..=51)
            .map(|i| rule(i, json!({"tagStatus":"tagged","tagPrefixList":[format!("t{i}")],"countType":"imageCountMoreThan","countNumber":1}), json!({"type":"expire"})))
            .collect();
        assert_eq!(paths(json!({ "rules": rules })), ["$.rules"]);
    }

    fn one(text: &str) -> Problem {
        let problems = lint_text(text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        problems.into_iter().next().unwrap()
    }

    fn with_selection(selection: &str) -> String {
        format!(
            r#"{{"rules":[{{"rulePriority":1,"selection":{selection},"action":{{"type":"expire"}}}}]}}"#
        )
    }

    #[test]
    fn numbers_are_range_checked_with_the_range_in_the_message() {
        let days = |n: &str| {
            with_selection(&format!(
                r#"{{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":{n}}}"#
            ))
        };
        let p = one(&days("106751992"));
        assert_eq!(p.path, "$.rules[0].selection.countNumber");
        assert_eq!(p.message, "106751992 is out of range 1..=36500 (days)");
        assert!(
            one(&days("18446744073709551615"))
                .message
                .contains("out of range 1..=36500")
        );
        assert!(one(&days("-3")).message.contains("-3 is out of range"));
        assert!(one(&days("0")).message.contains("out of range"));
        assert!(
            one(&days("1.5"))
                .message
                .contains("1.5 is not a whole number")
        );
        assert!(
            one(&days("1e300"))
                .message
                .starts_with("1e300 is out of range 1..=36500")
        );
        assert!(
            one(&days("5.0"))
                .message
                .starts_with("5 is written as a decimal; write 5"),
            "{}",
            one(&days("5.0")).message
        );
        assert!(lint_text(&days("36500")).is_empty());
        let count = |n: &str| {
            with_selection(&format!(
                r#"{{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":{n}}}"#
            ))
        };
        assert!(lint_text(&count("2147483647")).is_empty());
        assert_eq!(
            one(&count("2147483648")).message,
            "2147483648 is out of range 1..=2147483647 (images)"
        );
        let priority = r#"{"rules":[{"rulePriority":4294967297,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#;
        let p = one(priority);
        assert_eq!(p.path, "$.rules[0].rulePriority");
        assert!(p.message.contains("out of range 1..=2147483647"), "{p:?}");
    }

    #[test]
    fn wrong_shapes_name_their_path_and_line() {
        let p = one(&with_selection(
            r#"{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":"5"}"#,
        ));
        assert_eq!(p.path, "$.rules[0].selection.countNumber");
        assert!(
            p.message
                .starts_with(r#"invalid type: string "5", expected a whole number at line 1"#),
            "{p:?}"
        );
        let p = one(&with_selection(
            r#"{"tagStatus":"any","tagPrefixList":[1]}"#,
        ));
        assert_eq!(p.path, "$.rules[0].selection.tagPrefixList[0]");
        let p = one(r#"{"rules":[{"rulePriority":1,"selection":[],"action":{"type":"expire"}}]}"#);
        assert_eq!(p.path, "$.rules[0].selection");
        assert!(p.message.contains("expected a selection object"), "{p:?}");
        let p = one(r#"{"rules":{"rulePriority":1}}"#);
        assert_eq!(p.path, "$.rules");
        let p = one(&with_selection(
            r#"{"tagStatus":"some","countType":"imageCountMoreThan","countNumber":1}"#,
        ));
        assert_eq!(p.path, "$.rules[0].selection.tagStatus");
        assert!(
            p.message
                .contains("unknown variant `some`, expected one of `tagged`, `untagged`, `any`"),
            "{p:?}"
        );
        let p = one(&with_selection(r#"{"colour":"red"}"#));
        assert_eq!(p.path, "$.rules[0].selection.colour");
        assert!(p.message.contains("unknown field `colour`"), "{p:?}");
    }

    #[test]
    fn truncated_or_trailing_text_is_not_json() {
        let full = with_selection(
            r#"{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":5}"#,
        );
        assert!(lint_text(&full).is_empty());
        for cut in [1, 10, full.len() / 2, full.len() - 1] {
            let p = one(&full[..cut]);
            assert!(p.message.starts_with("not valid JSON"), "{cut}: {p:?}");
        }
        assert!(
            one(&format!("{full} {{}}"))
                .message
                .starts_with("not valid JSON")
        );
        assert!(one("").message.starts_with("not valid JSON"));
    }

    #[test]
    fn one_step_gives_the_checked_policy_or_every_problem() {
        let policy = check_text(&with_selection(
            r#"{"tagStatus":"tagged","tagPatternList":["b*","a*"],"countType":"sinceImagePulled","countUnit":"days","countNumber":30}"#,
        ));
        // sinceImagePulled with expire is a problem; every problem comes back at once.
        let problems = policy.unwrap_err();
        assert_eq!(problems.len(), 1);
        let text = r#"{"rules":[
          {"rulePriority":0,"selection":{"tagStatus":"tagged","countType":"sinceImagePushed","countNumber":99999999},"action":{"type":"transition"}},
          {"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1,"countUnit":"days"}}]}"#;
        let paths: Vec<String> = lint_text(text).into_iter().map(|p| p.path).collect();
        assert_eq!(
            paths,
            [
                "$.rules[0].rulePriority",
                "$.rules[0].action.targetStorageClass",
                "$.rules[0].selection.tagStatus",
                "$.rules[0].selection.countNumber",
                "$.rules[0].selection.countUnit",
                "$.rules[1].rulePriority",
                "$.rules[1].action",
                "$.rules[1].selection.countUnit",
            ]
        );
        // Unknown values of closed sets are problems among the others, not a stop.
        let text = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","storageClass":"cold","countType":"sinceImagePushed","countUnit":"hours","countNumber":0},"action":{"type":"remove"}}]}"#;
        let problems = lint_text(text);
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "$.rules[0].action.type",
                "$.rules[0].selection.storageClass",
                "$.rules[0].selection.countNumber",
                "$.rules[0].selection.countUnit",
            ]
        );
        assert_eq!(
            problems[0].message,
            "unknown variant `remove`, expected `expire` or `transition`"
        );
        let ok = check_text(&with_selection(
            r#"{"tagStatus":"tagged","tagPatternList":["b*","a*"],"countType":"imageCountMoreThan","countNumber":3}"#,
        ))
        .unwrap();
        assert_eq!(
            ok.rules[0].filter,
            TagFilter::Patterns(vec!["b*".into(), "a*".into()])
        );
        assert_eq!(ok.rules[0].count, Count::MoreThan(3));
    }
}
