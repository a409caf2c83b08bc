//! Every constraint ECR puts on a lifecycle policy, checked locally, each problem with
//! the JSON path where it is (`$.rules[2].selection.countUnit`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

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

const RULE_KEYS: &[&str] = &["rulePriority", "description", "selection", "action"];
const SELECTION_KEYS: &[&str] = &[
    "tagStatus",
    "tagPatternList",
    "tagPrefixList",
    "storageClass",
    "countType",
    "countUnit",
    "countNumber",
];
const ACTION_KEYS: &[&str] = &["type", "targetStorageClass"];

struct Lint {
    problems: Vec<Problem>,
}

impl Lint {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
        });
    }

    fn unknown_keys(&mut self, path: &str, object: &Map<String, Value>, known: &[&str]) {
        for key in object.keys().filter(|k| !known.contains(&k.as_str())) {
            self.add(
                format!("{path}.{key}"),
                format!("unknown key `{key}` (allowed: {})", known.join(", ")),
            );
        }
    }

    /// A required object member, or a problem.
    fn object<'a>(
        &mut self,
        parent: &'a Map<String, Value>,
        path: &str,
        key: &str,
    ) -> Option<&'a Map<String, Value>> {
        match parent.get(key) {
            Some(Value::Object(o)) => Some(o),
            Some(_) => {
                self.add(format!("{path}.{key}"), "must be an object");
                None
            }
            None => {
                self.add(format!("{path}.{key}"), "is required");
                None
            }
        }
    }

    fn string<'a>(
        &mut self,
        parent: &'a Map<String, Value>,
        path: &str,
        key: &str,
        allowed: &[&str],
    ) -> Option<&'a str> {
        let value = parent.get(key)?;
        match value.as_str() {
            Some(s) if allowed.contains(&s) => Some(s),
            _ => {
                self.add(
                    format!("{path}.{key}"),
                    format!("is {value}; allowed: {}", allowed.join(", ")),
                );
                None
            }
        }
    }
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

/// Checks a policy document's text. An empty result means ECR would accept it.
pub fn lint_text(text: &str) -> Vec<Problem> {
    if text.chars().count() > MAX_POLICY_CHARS {
        return vec![Problem {
            path: "$".into(),
            message: format!("the policy is longer than {MAX_POLICY_CHARS} characters"),
        }];
    }
    match serde_json::from_str::<Value>(text) {
        Ok(value) => lint(&value),
        Err(e) => vec![Problem {
            path: "$".into(),
            message: format!("not valid JSON: {e}"),
        }],
    }
}

/// Checks a parsed policy document.
pub fn lint(document: &Value) -> Vec<Problem> {
    let mut l = Lint {
        problems: Vec::new(),
    };
    let Some(root) = document.as_object() else {
        l.add(
            "$",
            "a lifecycle policy is a JSON object with a `rules` list",
        );
        return l.problems;
    };
    l.unknown_keys("$", root, &["rules"]);
    let rules = match root.get("rules") {
        Some(Value::Array(rules)) => rules,
        Some(_) => {
            l.add("$.rules", "must be a list of rules");
            return l.problems;
        }
        None => {
            l.add("$.rules", "is required");
            return l.problems;
        }
    };
    if rules.is_empty() || rules.len() > MAX_RULES {
        l.add(
            "$.rules",
            format!("has {} rules; 1 to {MAX_RULES} are allowed", rules.len()),
        );
    }
    let summaries: Vec<Option<RuleSummary>> = rules
        .iter()
        .enumerate()
        .map(|(i, rule)| lint_rule(&mut l, &format!("$.rules[{i}]"), rule))
        .collect();
    lint_across_rules(&mut l, &summaries);
    l.problems
}

/// What cross-rule checks need to know of one rule.
struct RuleSummary {
    path: String,
    priority: Option<u64>,
    tag_status: Option<String>,
    storage_class: String,
    filter: Option<Vec<String>>,
}

fn lint_rule(l: &mut Lint, path: &str, rule: &Value) -> Option<RuleSummary> {
    let Some(rule) = rule.as_object() else {
        l.add(path, "a rule must be an object");
        return None;
    };
    l.unknown_keys(path, rule, RULE_KEYS);
    let priority = match rule.get("rulePriority") {
        Some(v) => match v.as_u64() {
            Some(p) if p >= 1 && p <= i32::MAX as u64 => Some(p),
            _ => {
                l.add(
                    format!("{path}.rulePriority"),
                    format!("is {v}; it must be a whole number from 1"),
                );
                None
            }
        },
        None => {
            l.add(format!("{path}.rulePriority"), "is required");
            None
        }
    };
    if let Some(d) = rule.get("description")
        && !d.is_string()
    {
        l.add(format!("{path}.description"), "must be a string");
    }
    let selection = l.object(rule, path, "selection");
    let action = l.object(rule, path, "action");
    let action_type = action.and_then(|a| lint_action(l, &format!("{path}.action"), a));
    let summary =
        selection.map(|s| lint_selection(l, &format!("{path}.selection"), s, action_type));
    summary.map(|(tag_status, storage_class, filter)| RuleSummary {
        path: path.to_string(),
        priority,
        tag_status,
        storage_class,
        filter,
    })
}

fn lint_action<'a>(l: &mut Lint, path: &str, action: &'a Map<String, Value>) -> Option<&'a str> {
    l.unknown_keys(path, action, ACTION_KEYS);
    if !action.contains_key("type") {
        l.add(
            format!("{path}.type"),
            "is required (`expire` or `transition`)",
        );
    }
    let kind = l.string(action, path, "type", &["expire", "transition"]);
    let target = l.string(action, path, "targetStorageClass", &["archive"]);
    match (kind, action.contains_key("targetStorageClass")) {
        (Some("transition"), false) => l.add(
            format!("{path}.targetStorageClass"),
            "is required for `transition` (`archive`)",
        ),
        (Some("expire"), true) => l.add(
            format!("{path}.targetStorageClass"),
            "is only for `transition` actions",
        ),
        _ => {}
    }
    let _ = target;
    kind
}

/// Returns (tagStatus, storageClass, tag filter) for the cross-rule checks.
fn lint_selection(
    l: &mut Lint,
    path: &str,
    s: &Map<String, Value>,
    action: Option<&str>,
) -> (Option<String>, String, Option<Vec<String>>) {
    l.unknown_keys(path, s, SELECTION_KEYS);
    if !s.contains_key("tagStatus") {
        l.add(
            format!("{path}.tagStatus"),
            "is required (`tagged`, `untagged` or `any`)",
        );
    }
    let tag_status = l.string(s, path, "tagStatus", &["tagged", "untagged", "any"]);
    let filter = lint_tag_filter(l, path, s, tag_status);
    if !s.contains_key("countType") {
        l.add(format!("{path}.countType"), "is required");
    }
    let count_type = l.string(
        s,
        path,
        "countType",
        &[
            "imageCountMoreThan",
            "sinceImagePushed",
            "sinceImagePulled",
            "sinceImageTransitioned",
        ],
    );
    let count_number = match s.get("countNumber") {
        None => {
            l.add(format!("{path}.countNumber"), "is required");
            None
        }
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 => Some(n),
            _ => {
                l.add(
                    format!("{path}.countNumber"),
                    format!("is {v}; it must be a whole number from 1"),
                );
                None
            }
        },
    };
    let storage_class = l
        .string(s, path, "storageClass", &["standard", "archive"])
        .unwrap_or("standard");
    if let Some(count_type) = count_type {
        lint_count(l, path, s, count_type, count_number, storage_class, action);
    }
    (
        tag_status.map(String::from),
        storage_class.to_string(),
        filter,
    )
}

fn lint_tag_filter(
    l: &mut Lint,
    path: &str,
    s: &Map<String, Value>,
    tag_status: Option<&str>,
) -> Option<Vec<String>> {
    let prefixes = s.get("tagPrefixList");
    let patterns = s.get("tagPatternList");
    match (tag_status, prefixes, patterns) {
        (Some("tagged"), None, None) => {
            l.add(
                format!("{path}.tagStatus"),
                "`tagged` needs a tagPatternList or a tagPrefixList",
            );
            None
        }
        (Some("tagged"), Some(_), Some(_)) => {
            l.add(
                format!("{path}.tagPatternList"),
                "use tagPatternList or tagPrefixList, not both",
            );
            None
        }
        (Some("untagged" | "any"), p, q) if p.is_some() || q.is_some() => {
            let key = if p.is_some() {
                "tagPrefixList"
            } else {
                "tagPatternList"
            };
            l.add(
                format!("{path}.{key}"),
                "is only allowed with tagStatus `tagged`",
            );
            None
        }
        (_, Some(list), None) => string_list(l, &format!("{path}.tagPrefixList"), list, false),
        (_, None, Some(list)) => string_list(l, &format!("{path}.tagPatternList"), list, true),
        _ => None,
    }
}

fn string_list(l: &mut Lint, path: &str, list: &Value, patterns: bool) -> Option<Vec<String>> {
    let Some(items) = list.as_array().filter(|a| !a.is_empty()) else {
        l.add(path, "must be a non-empty list of strings");
        return None;
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_str() {
            Some(s) if !s.is_empty() => {
                let stars = s.matches('*').count();
                if patterns && stars > MAX_WILDCARDS {
                    l.add(
                        format!("{path}[{i}]"),
                        format!("`{s}` has {stars} wildcards; at most {MAX_WILDCARDS} are allowed"),
                    );
                }
                out.push(s.to_string());
            }
            _ => l.add(format!("{path}[{i}]"), "must be a non-empty string"),
        }
    }
    out.sort();
    Some(out)
}

fn lint_count(
    l: &mut Lint,
    path: &str,
    s: &Map<String, Value>,
    count_type: &str,
    count_number: Option<u64>,
    storage_class: &str,
    action: Option<&str>,
) {
    let unit = s.get("countUnit");
    if count_type == "imageCountMoreThan" {
        if unit.is_some() {
            l.add(
                format!("{path}.countUnit"),
                "is not allowed with imageCountMoreThan",
            );
        }
    } else {
        match unit.and_then(Value::as_str) {
            Some("days") => {}
            Some(other) => l.add(
                format!("{path}.countUnit"),
                format!("is `{other}`; the only unit is `days`"),
            ),
            None => l.add(
                format!("{path}.countUnit"),
                format!("is required with {count_type} (`days`)"),
            ),
        }
    }
    let archive_needed = count_type == "sinceImageTransitioned";
    if archive_needed && storage_class != "archive" {
        l.add(
            format!("{path}.storageClass"),
            "sinceImageTransitioned needs storageClass `archive`",
        );
    }
    if !archive_needed && storage_class == "archive" {
        l.add(
            format!("{path}.storageClass"),
            format!("{count_type} only selects storageClass `standard`"),
        );
    }
    match (count_type, action) {
        ("sinceImagePulled", Some("expire")) => l.add(
            format!("{path}.countType"),
            "sinceImagePulled only goes with a `transition` action: archive first, then expire with sinceImageTransitioned",
        ),
        ("sinceImageTransitioned", Some("transition")) => {
            l.add(format!("{path}.countType"), "sinceImageTransitioned only goes with an `expire` action")
        }
        _ => {}
    }
    if archive_needed && count_number.is_some_and(|n| n < MIN_ARCHIVE_DAYS) {
        l.add(
            format!("{path}.countNumber"),
            format!("archived images must stay archived at least {MIN_ARCHIVE_DAYS} days before they can be expired"),
        );
    }
}

fn lint_across_rules(l: &mut Lint, rules: &[Option<RuleSummary>]) {
    let rules: Vec<&RuleSummary> = rules.iter().flatten().collect();
    let mut by_priority: BTreeMap<u64, &str> = BTreeMap::new();
    for r in &rules {
        if let Some(p) = r.priority
            && let Some(first) = by_priority.insert(p, &r.path)
        {
            l.add(
                format!("{}.rulePriority", r.path),
                format!("{p} is also the priority of {first}; priorities must be unique"),
            );
        }
    }
    // `any` comes last among the rules of its storage class (AWS's own archive examples
    // pair an `any` standard rule with a later `any` archive rule).
    for r in rules
        .iter()
        .filter(|r| r.tag_status.as_deref() == Some("any"))
    {
        let highest = rules
            .iter()
            .filter(|o| o.storage_class == r.storage_class)
            .filter_map(|o| o.priority)
            .max();
        if r.priority.is_some() && r.priority != highest {
            l.add(
                format!("{}.rulePriority", r.path),
                format!("a rule with tagStatus `any` must have the highest rulePriority of the {} rules", r.storage_class),
            );
        }
    }
    let mut untagged: BTreeMap<&str, &str> = BTreeMap::new();
    let mut filters: BTreeMap<(&str, &Vec<String>), &str> = BTreeMap::new();
    for r in &rules {
        if r.tag_status.as_deref() == Some("untagged")
            && let Some(first) = untagged.insert(&r.storage_class, &r.path)
        {
            l.add(
                format!("{}.selection.tagStatus", r.path),
                format!("only one rule per storage class may select untagged images ({first} does already)"),
            );
        }
        if let Some(filter) = &r.filter
            && let Some(first) = filters.insert((&r.storage_class, filter), &r.path)
        {
            l.add(
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
        assert_eq!(
            paths(json!({"rules": [], "extra": 1})),
            ["$.extra", "$.rules"]
        );
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
    fn too_many_rules() {
        let rules: Vec<Value> = (1..=51)
            .map(|i| rule(i, json!({"tagStatus":"tagged","tagPrefixList":[format!("t{i}")],"countType":"imageCountMoreThan","countNumber":1}), json!({"type":"expire"})))
            .collect();
        assert_eq!(paths(json!({ "rules": rules })), ["$.rules"]);
    }
}
