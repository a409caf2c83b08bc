//! The repository settings model shared by flags, bulk files and the convergence engine,
//! with the checks ECR would make, done locally so bad input fails before any change.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{CliError, Result};
use crate::model::repository::{
    Encryption, EncryptionType, Mutability, MutabilityMode, PolicyDocument, RepoSettings,
};

/// One repository the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredRepo {
    pub name: String,
    pub settings: RepoSettings,
}

const MAX_EXCLUSION_FILTERS: usize = 5;
const MAX_TAGS: usize = 50;
const MAX_REPOSITORY_POLICY_CHARS: usize = 10_240;

/// Builds a mutability setting from a mode and exclusion patterns, as ECR requires:
/// exclusions only with a `*_WITH_EXCLUSION` mode, and such a mode needs at least one.
/// Exclusions without a mode mean IMMUTABLE_WITH_EXCLUSION.
pub fn mutability(
    mode: Option<MutabilityMode>,
    exclusions: Vec<String>,
) -> Result<Option<Mutability>> {
    let mode = match (mode, exclusions.is_empty()) {
        (None, true) => return Ok(None),
        (None, false) => MutabilityMode::ImmutableWithExclusion,
        (Some(MutabilityMode::Immutable), false) => MutabilityMode::ImmutableWithExclusion,
        (Some(m), _) => m,
    };
    if mode.takes_exclusions() && exclusions.is_empty() {
        let flag = if mode == MutabilityMode::MutableWithExclusion {
            "--mutable-exclude"
        } else {
            "--immutable-exclude"
        };
        return Err(CliError::usage(format!(
            "{} needs at least one exclusion filter",
            mode.as_str()
        ))
        .with_hint(format!(
            "add {flag} PATTERN, e.g. {flag} 'dev-*' (in a file: imageTagMutabilityExclusionFilters)"
        )));
    }
    if !mode.takes_exclusions() && !exclusions.is_empty() {
        return Err(CliError::usage(format!(
            "exclusion filters need IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION, not {}",
            mode.as_str()
        ))
        .with_hint("use --tag-mutability IMMUTABLE_WITH_EXCLUSION (or --immutable)"));
    }
    if exclusions.len() > MAX_EXCLUSION_FILTERS {
        return Err(CliError::usage(format!(
            "{} exclusion filters given; ECR allows at most {MAX_EXCLUSION_FILTERS}",
            exclusions.len()
        )));
    }
    for pattern in &exclusions {
        check_exclusion_pattern(pattern)?;
    }
    let mut exclusions = exclusions;
    exclusions.sort();
    exclusions.dedup();
    Ok(Some(Mutability { mode, exclusions }))
}

fn check_exclusion_pattern(pattern: &str) -> Result<()> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '*' | '-');
    if (1..=128).contains(&pattern.len()) && pattern.chars().all(ok_char) {
        Ok(())
    } else {
        Err(
            CliError::usage(format!("invalid exclusion filter `{pattern}`")).with_hint(
                "a filter is 1-128 characters of letters, digits, `.`, `_`, `-` and `*` wildcards",
            ),
        )
    }
}

/// Builds an encryption setting; a KMS key only goes with KMS or KMS_DSSE.
pub fn encryption(
    kind: Option<EncryptionType>,
    kms_key: Option<String>,
) -> Result<Option<Encryption>> {
    match (kind, kms_key) {
        (None, None) => Ok(None),
        (None, Some(key)) => Ok(Some(Encryption {
            encryption_type: EncryptionType::Kms,
            kms_key: Some(key),
        })),
        (Some(EncryptionType::Aes256), Some(_)) => Err(CliError::usage(
            "a KMS key was given with AES256 encryption",
        )
        .with_hint("use --encryption KMS with --kms-key, or drop --kms-key")),
        (Some(kind), key) => Ok(Some(Encryption {
            encryption_type: kind,
            kms_key: key,
        })),
    }
}

/// Parses `KEY=VALUE` resource tags (repeatable flag).
pub fn parse_tag_flags(flags: &[String]) -> Result<BTreeMap<String, String>> {
    let mut tags = BTreeMap::new();
    for flag in flags {
        let (key, value) = flag.split_once('=').ok_or_else(|| {
            CliError::usage(format!("--tag `{flag}` is not KEY=VALUE"))
                .with_hint("write tags as --tag team=platform (repeat for more)")
        })?;
        insert_tag(&mut tags, key, value, "--tag")?;
    }
    check_tags(&tags)?;
    Ok(tags)
}

/// Adds one tag; the same key twice is bad input (ECR takes a list), whatever the values.
pub fn insert_tag(
    tags: &mut BTreeMap<String, String>,
    key: &str,
    value: &str,
    place: &str,
) -> Result<()> {
    if tags.insert(key.to_string(), value.to_string()).is_some() {
        return Err(
            CliError::usage(format!("{place}: tag key `{key}` is given more than once"))
                .with_hint("give each tag key once"),
        );
    }
    Ok(())
}

/// Parses `--tags` as the AWS CLI takes it: `Key=k,Value=v` shorthand (one tag per
/// value) or a JSON list `[{"Key":"k","Value":"v"}]`.
pub fn parse_aws_tags(values: &[String]) -> Result<BTreeMap<String, String>> {
    let mut tags = BTreeMap::new();
    for value in values {
        let text = value.trim();
        if text.starts_with('[') {
            let list: Vec<Value> = serde_json::from_str(text).map_err(|e| {
                CliError::usage(format!("--tags `{text}` is not a valid JSON list"))
                    .with_cause(e.to_string())
                    .with_hint(r#"write --tags '[{"Key":"team","Value":"platform"}]'"#)
            })?;
            for item in &list {
                let field = |name: &str| item.get(name).and_then(Value::as_str);
                match (field("Key"), field("Value")) {
                    (Some(k), Some(v)) => insert_tag(&mut tags, k, v, "--tags")?,
                    _ => {
                        return Err(CliError::usage(format!(
                            "--tags: `{item}` is not {{\"Key\": …, \"Value\": …}}"
                        ))
                        .with_hint(r#"write --tags '[{"Key":"team","Value":"platform"}]'"#));
                    }
                };
            }
            continue;
        }
        let (key, val) = shorthand_tag(text).ok_or_else(|| {
            CliError::usage(format!("--tags `{text}` is not Key=KEY,Value=VALUE")).with_hint(
                "write --tags Key=team,Value=platform Key=env,Value=prod (after the \
                     repository names), or --tag team=platform",
            )
        })?;
        insert_tag(&mut tags, &key, &val, "--tags")?;
    }
    check_tags(&tags)?;
    Ok(tags)
}

/// `Key=k,Value=v` (either order); the value may contain commas and `=` after `Value=`
/// when it comes last. A second `Key=`/`Value=` field in one word (two tags written
/// without a space) is refused rather than folded into a key or value.
fn shorthand_tag(text: &str) -> Option<(String, String)> {
    let (key, value) = if let Some(rest) = text.strip_prefix("Key=") {
        rest.split_once(",Value=")?
    } else {
        let rest = text.strip_prefix("Value=")?;
        let (value, key) = rest.rsplit_once(",Key=")?;
        (key, value)
    };
    let another_field = |s: &str| s.contains(",Key=") || s.contains(",Value=");
    if another_field(key) || another_field(value) {
        return None;
    }
    Some((key.to_string(), value.to_string()))
}

/// ECR resource tag limits.
pub fn check_tags(tags: &BTreeMap<String, String>) -> Result<()> {
    if tags.len() > MAX_TAGS {
        return Err(CliError::usage(format!(
            "{} tags given; ECR allows at most {MAX_TAGS}",
            tags.len()
        )));
    }
    for (key, value) in tags {
        if key.is_empty() || key.chars().count() > 128 {
            return Err(CliError::usage(format!(
                "tag key `{key}` must be 1-128 characters"
            )));
        }
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(CliError::usage(format!(
                "tag key `{key}` uses the reserved `aws:` prefix"
            )));
        }
        if value.chars().count() > 256 {
            return Err(CliError::usage(format!(
                "the value of tag `{key}` is over 256 characters"
            )));
        }
    }
    Ok(())
}

/// Checks a lifecycle policy's shape (full rule semantics belong to the lifecycle engine).
pub fn lifecycle_policy(text: String, source: &str) -> Result<PolicyDocument> {
    let doc = policy_document(text, source, crate::lifecycle::lint::MAX_POLICY_CHARS)?;
    let problems = crate::lifecycle::lint::lint(&doc.value);
    if problems.is_empty() {
        Ok(doc)
    } else {
        Err(crate::lifecycle::lint::problems_error(source, &problems))
    }
}

/// Checks a repository (IAM resource) policy's shape.
pub fn repository_policy(text: String, source: &str) -> Result<PolicyDocument> {
    let doc = policy_document(text, source, MAX_REPOSITORY_POLICY_CHARS)?;
    let bad = |why: &str| {
        CliError::usage(format!("repository policy {source} is not valid: {why}")).with_hint(
            "a repository policy is {\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":…,\"Action\":…}]}",
        )
    };
    let statements = match doc.value.get("Statement") {
        Some(Value::Array(list)) if !list.is_empty() => list.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        Some(_) => return Err(bad("`Statement` must be an object or a non-empty list")),
        None => return Err(bad("it has no `Statement`")),
    };
    let effect_ok = |s: &Value| {
        matches!(
            s.get("Effect").and_then(Value::as_str),
            Some("Allow" | "Deny")
        )
    };
    if !statements.iter().all(effect_ok) {
        return Err(bad("every statement needs `Effect`: `Allow` or `Deny`"));
    }
    Ok(doc)
}

fn policy_document(text: String, source: &str, max_chars: usize) -> Result<PolicyDocument> {
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        CliError::usage(format!("policy {source} is not valid JSON"))
            .with_cause(e.to_string())
            .with_hint("check the document with `jq . FILE`")
    })?;
    if !value.is_object() {
        return Err(CliError::usage(format!(
            "policy {source} is not a JSON object"
        )));
    }
    let chars = text.chars().count();
    if chars > max_chars {
        return Err(CliError::usage(format!(
            "policy {source} is {chars} characters; ECR allows at most {max_chars}"
        )));
    }
    Ok(PolicyDocument { text, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusions_imply_and_require_an_exclusion_mode() {
        let m = mutability(None, vec!["dev-*".into()]).unwrap().unwrap();
        assert_eq!(m.mode, MutabilityMode::ImmutableWithExclusion);
        let m = mutability(
            Some(MutabilityMode::Immutable),
            vec!["b*".into(), "a*".into()],
        )
        .unwrap()
        .unwrap();
        assert_eq!(m.exclusions, vec!["a*", "b*"]);
        assert!(mutability(Some(MutabilityMode::Mutable), vec!["x".into()]).is_err());
        assert!(mutability(Some(MutabilityMode::MutableWithExclusion), vec![]).is_err());
        assert!(mutability(None, vec!["bad pattern".into()]).is_err());
        assert_eq!(mutability(None, vec![]).unwrap(), None);
    }

    #[test]
    fn kms_key_goes_with_kms_only() {
        assert!(encryption(Some(EncryptionType::Aes256), Some("k".into())).is_err());
        let e = encryption(None, Some("alias/x".into())).unwrap().unwrap();
        assert_eq!(e.encryption_type, EncryptionType::Kms);
    }

    #[test]
    fn tags_parse_and_respect_limits() {
        let tags = parse_tag_flags(&["team=platform".into(), "empty=".into()]).unwrap();
        assert_eq!(tags["team"], "platform");
        assert_eq!(tags["empty"], "");
        assert!(parse_tag_flags(&["novalue".into()]).is_err());
        assert!(parse_tag_flags(&["aws:x=1".into()]).is_err());
        assert!(parse_tag_flags(&["=v".into()]).is_err());
        let twice = parse_tag_flags(&["k=1".into(), "k=2".into()]).unwrap_err();
        assert_eq!(twice.exit_code().code(), 2);
        assert!(twice.message().contains("`k`"), "{}", twice.message());
        assert!(parse_aws_tags(&["Key=k,Value=1".into(), "Key=k,Value=1".into()]).is_err());
    }

    #[test]
    fn aws_cli_tags_shorthand_and_json() {
        let tags = parse_aws_tags(&[
            "Key=team,Value=platform".into(),
            "Value=a,b,Key=csv".into(),
            r#"[{"Key":"env","Value":"prod"}]"#.into(),
            "Key=empty,Value=".into(),
        ])
        .unwrap();
        assert_eq!(tags["team"], "platform");
        assert_eq!(tags["csv"], "a,b");
        assert_eq!(tags["env"], "prod");
        assert_eq!(tags["empty"], "");
        for bad in [
            "team=platform",
            "Key=a",
            "[{\"Key\":\"a\"}]",
            "[x",
            "Key=aws:x,Value=1",
            "Key=a,Value=x,Key=b,Value=y",
            "Value=x,Key=k,Value=y",
            "Key=a,Key=b,Value=x",
            r#"[{"Key":"k","Value":"1"},{"Key":"k","Value":"2"}]"#,
        ] {
            let err = parse_aws_tags(&[bad.into()]).unwrap_err();
            assert_eq!(err.exit_code().code(), 2, "{bad}");
        }
    }

    #[test]
    fn lifecycle_policies_are_checked_for_shape() {
        let ok = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}]}"#;
        assert!(lifecycle_policy(ok.into(), "x").is_ok());
        assert!(lifecycle_policy("{".into(), "x").is_err());
        assert!(lifecycle_policy(r#"{"rules":[]}"#.into(), "x").is_err());
        let dup = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#;
        let err = lifecycle_policy(dup.into(), "x").unwrap_err();
        assert!(
            err.causes()
                .iter()
                .any(|c| c.starts_with("$.rules[1].rulePriority")),
            "{err:?}"
        );
    }

    #[test]
    fn repository_policies_need_statements_with_an_effect() {
        let ok = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*"}]}"#;
        assert!(repository_policy(ok.into(), "x").is_ok());
        for bad in [
            r#"{"Statement":"x"}"#,
            r#"{"Statement":[]}"#,
            r#"{"Statement":[{"Effect":"Maybe"}]}"#,
            "{}",
        ] {
            assert!(repository_policy(bad.into(), "x").is_err(), "{bad}");
        }
    }

    #[test]
    fn overlay_prefers_the_more_specific_settings() {
        let base = RepoSettings {
            scan_on_push: Some(true),
            tags: [("a".to_string(), "1".to_string()), ("b".into(), "1".into())].into(),
            ..Default::default()
        };
        let over = RepoSettings {
            scan_on_push: Some(false),
            tags: [("b".to_string(), "2".to_string())].into(),
            ..Default::default()
        };
        let merged = base.overlaid_with(&over);
        assert_eq!(merged.scan_on_push, Some(false));
        assert_eq!(merged.tags["a"], "1");
        assert_eq!(merged.tags["b"], "2");
    }
}
