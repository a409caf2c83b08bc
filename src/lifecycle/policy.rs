//! A lifecycle policy as typed rules, built by `lint::check_text` from a document that
//! passed every check.

pub use crate::model::image::StorageClass;
use serde::{Deserialize, Serialize};

use super::lint::{self, Problem};
#[cfg(test)]
use super::wildcard;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TagStatus {
    Tagged,
    Untagged,
    Any,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Whether the rule's tag selection matches `tags` (storage class aside): the plain
    /// reference the engine's compiled `Selector` is tested against.
    #[cfg(test)]
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

/// Parses and checks policy text in one step: the typed policy, or every problem.
pub fn parse(text: &str) -> Result<Policy, Vec<Problem>> {
    lint::check_text(text)
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
