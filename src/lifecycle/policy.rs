//! A lifecycle policy as typed rules, built from a document that passed `lint`.

use serde::Serialize;
use serde_json::Value;

use super::lint::{self, Problem};
use super::wildcard;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TagStatus {
    Tagged,
    Untagged,
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageClass {
    Standard,
    Archive,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagFilter {
    None,
    /// Every prefix must start at least one of the image's tags.
    Prefixes(Vec<String>),
    /// Every pattern must match at least one of the image's tags.
    Patterns(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// Keep the newest N of the selection.
    MoreThan(usize),
    SincePushed {
        days: u64,
    },
    SincePulled {
        days: u64,
    },
    SinceTransitioned {
        days: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Expire,
    /// Move to the archive storage class.
    Transition,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub priority: u32,
    pub description: Option<String>,
    pub tag_status: TagStatus,
    pub filter: TagFilter,
    pub storage_class: StorageClass,
    pub count: Count,
    pub action: Action,
}

impl Rule {
    /// Whether the rule's tag selection matches `tags` (storage class aside).
    pub fn selects_tags(&self, tags: &[String]) -> bool {
        match self.tag_status {
            TagStatus::Any => true,
            TagStatus::Untagged => tags.is_empty(),
            TagStatus::Tagged => match &self.filter {
                TagFilter::None => !tags.is_empty(),
                TagFilter::Prefixes(p) => p
                    .iter()
                    .all(|p| tags.iter().any(|t| t.starts_with(p.as_str()))),
                TagFilter::Patterns(p) => p
                    .iter()
                    .all(|p| tags.iter().any(|t| wildcard::matches(p, t))),
            },
        }
    }

    /// A one-line summary such as `tagged prod* · keep newest 10 · expire`.
    pub fn summary(&self) -> String {
        let selection = match (&self.tag_status, &self.filter) {
            (TagStatus::Tagged, TagFilter::Prefixes(p)) => {
                format!("tags starting {}", p.join(" + "))
            }
            (TagStatus::Tagged, TagFilter::Patterns(p)) => format!("tags {}", p.join(" + ")),
            (TagStatus::Tagged, TagFilter::None) => "tagged".into(),
            (TagStatus::Untagged, _) => "untagged".into(),
            (TagStatus::Any, _) => "any".into(),
        };
        let count = match self.count {
            Count::MoreThan(n) => format!("keep newest {n}"),
            Count::SincePushed { days } => format!("pushed > {days}d ago"),
            Count::SincePulled { days } => format!("not pulled for {days}d"),
            Count::SinceTransitioned { days } => format!("archived > {days}d ago"),
        };
        let storage = match self.storage_class {
            StorageClass::Standard => "",
            StorageClass::Archive => " (archived images)",
        };
        let action = match self.action {
            Action::Expire => "expire",
            Action::Transition => "archive",
        };
        format!("{selection}{storage}, {count}: {action}")
    }
}

/// Rules in ascending priority.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub rules: Vec<Rule>,
}

/// Parses policy text: lint first, then the typed policy.
pub fn parse(text: &str) -> Result<Policy, Vec<Problem>> {
    let problems = lint::lint_text(text);
    if !problems.is_empty() {
        return Err(problems);
    }
    let value: Value = serde_json::from_str(text).expect("lint parsed it");
    Ok(from_linted(&value))
}

/// Builds the typed policy from a document with no lint problems.
fn from_linted(value: &Value) -> Policy {
    let mut rules: Vec<Rule> = value["rules"]
        .as_array()
        .expect("linted")
        .iter()
        .map(rule_from_linted)
        .collect();
    rules.sort_by_key(|r| r.priority);
    Policy { rules }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn rule_from_linted(rule: &Value) -> Rule {
    let s = &rule["selection"];
    let tag_status = match s["tagStatus"].as_str() {
        Some("tagged") => TagStatus::Tagged,
        Some("untagged") => TagStatus::Untagged,
        _ => TagStatus::Any,
    };
    let filter = if s.get("tagPrefixList").is_some() {
        TagFilter::Prefixes(strings(&s["tagPrefixList"]))
    } else if s.get("tagPatternList").is_some() {
        TagFilter::Patterns(strings(&s["tagPatternList"]))
    } else {
        TagFilter::None
    };
    let n = s["countNumber"].as_u64().unwrap_or(1);
    let count = match s["countType"].as_str() {
        Some("imageCountMoreThan") => Count::MoreThan(n as usize),
        Some("sinceImagePulled") => Count::SincePulled { days: n },
        Some("sinceImageTransitioned") => Count::SinceTransitioned { days: n },
        _ => Count::SincePushed { days: n },
    };
    Rule {
        priority: rule["rulePriority"].as_u64().unwrap_or(1) as u32,
        description: rule["description"].as_str().map(String::from),
        tag_status,
        filter,
        storage_class: match s["storageClass"].as_str() {
            Some("archive") => StorageClass::Archive,
            _ => StorageClass::Standard,
        },
        count,
        action: match rule["action"]["type"].as_str() {
            Some("transition") => Action::Transition,
            _ => Action::Expire,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders_by_priority() {
        let policy = parse(
            r#"{"rules":[
              {"rulePriority":20,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}},
              {"rulePriority":3,"description":"prod","selection":{"tagStatus":"tagged","tagPatternList":["prod*"],"countType":"sinceImagePushed","countUnit":"days","countNumber":30},"action":{"type":"transition","targetStorageClass":"archive"}}]}"#,
        )
        .unwrap();
        assert_eq!(policy.rules[0].priority, 3);
        assert_eq!(policy.rules[0].count, Count::SincePushed { days: 30 });
        assert_eq!(policy.rules[0].action, Action::Transition);
        assert_eq!(policy.rules[1].count, Count::MoreThan(5));
        assert!(parse("{}").is_err());
    }

    #[test]
    fn tag_selection_needs_every_prefix_or_pattern() {
        let rule = |filter| Rule {
            priority: 1,
            description: None,
            tag_status: TagStatus::Tagged,
            filter,
            storage_class: StorageClass::Standard,
            count: Count::MoreThan(1),
            action: Action::Expire,
        };
        let tags = vec!["alpha-1".to_string(), "beta-1".to_string()];
        assert!(rule(TagFilter::Prefixes(vec!["alpha".into(), "beta".into()])).selects_tags(&tags));
        assert!(
            !rule(TagFilter::Prefixes(vec!["alpha".into(), "gamma".into()])).selects_tags(&tags)
        );
        assert!(rule(TagFilter::Patterns(vec!["*-1".into()])).selects_tags(&tags));
        assert!(!rule(TagFilter::Patterns(vec!["alpha".into()])).selects_tags(&tags));
        assert!(!rule(TagFilter::Prefixes(vec!["alpha".into()])).selects_tags(&[]));
    }
}
