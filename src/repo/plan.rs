//! The convergence engine: compares what was asked for with what exists and decides,
//! per repository, to create it, update some fields, leave it, or refuse. Pure: no AWS.

use crate::model::repository::{
    Encryption, EncryptionType, Field, ObservedRepo, RepoSettings, missing_tags,
};

/// What to do with one repository.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    Create,
    Update(Vec<Field>),
    Unchanged,
    /// The request asks for something ECR cannot change on an existing repository.
    Conflict(String),
}

/// Decides what to do for one repository.
pub fn plan(desired: &RepoSettings, observed: Option<&ObservedRepo>) -> Plan {
    let Some(observed) = observed else {
        return Plan::Create;
    };
    if let Some(wanted) = &desired.encryption
        && let Some(conflict) = encryption_conflict(wanted, &observed.encryption, &observed.arn)
    {
        return Plan::Conflict(conflict);
    }
    let mut fields = Vec::new();
    if desired
        .scan_on_push
        .is_some_and(|s| s != observed.scan_on_push)
    {
        fields.push(Field::ScanOnPush);
    }
    if desired
        .mutability
        .as_ref()
        .is_some_and(|m| m != &observed.mutability)
    {
        fields.push(Field::TagMutability);
    }
    if desired
        .lifecycle_policy
        .as_ref()
        .is_some_and(|p| Some(&p.value) != observed.lifecycle_policy.as_ref())
    {
        fields.push(Field::LifecyclePolicy);
    }
    if desired
        .repository_policy
        .as_ref()
        .is_some_and(|p| Some(&p.value) != observed.repository_policy.as_ref())
    {
        fields.push(Field::RepositoryPolicy);
    }
    if !missing_tags(&desired.tags, &observed.tags).is_empty() {
        fields.push(Field::Tags);
    }
    if fields.is_empty() {
        Plan::Unchanged
    } else {
        Plan::Update(fields)
    }
}

/// Encryption is fixed at creation. A key given as an alias cannot be compared without
/// KMS, so only a different type, key ARN or key ID counts as a conflict. The AWS managed
/// key (KMS without a key) belongs to the repository's own account, so a repository
/// encrypted with a key of another account is not on it.
fn encryption_conflict(wanted: &Encryption, actual: &Encryption, arn: &str) -> Option<String> {
    if wanted.encryption_type != actual.encryption_type {
        return Some(format!(
            "encryption is {} and cannot be changed to {} after creation",
            actual.encryption_type.as_str(),
            wanted.encryption_type.as_str()
        ));
    }
    if wanted.encryption_type == EncryptionType::Aes256 {
        return None;
    }
    if wanted.kms_key.is_none()
        && let Some(actual_key) = &actual.kms_key
        && let Some(key_account) = crate::repo::kms::key_account(actual_key)
        && let Some(repo_account) = arn.split(':').nth(4).filter(|a| !a.is_empty())
        && key_account != repo_account
    {
        return Some(format!(
            "the repository is encrypted with KMS key {actual_key} of account {key_account}, \
             not the AWS managed key of {repo_account}; the key cannot be changed after creation"
        ));
    }
    let (Some(key), Some(actual_key)) = (&wanted.kms_key, &actual.kms_key) else {
        return None;
    };
    let same = key == actual_key
        || key.starts_with("alias/")
        || actual_key.ends_with(&format!("key/{key}"));
    (!same).then(|| {
        format!("the repository is encrypted with KMS key {actual_key}, not {key}; the key cannot be changed after creation")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::repository::{
        Mutability, MutabilityMode, PolicyDocument, default_mutability,
    };
    use crate::repo::settings::lifecycle_policy;

    fn observed() -> ObservedRepo {
        ObservedRepo {
            arn: "arn:aws:ecr:us-east-1:123456789012:repository/app".into(),
            uri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app".into(),
            scan_on_push: false,
            mutability: default_mutability(),
            encryption: Encryption {
                encryption_type: EncryptionType::Aes256,
                kms_key: None,
            },
            lifecycle_policy: None,
            repository_policy: None,
            tags: [("team".to_string(), "a".to_string())].into(),
        }
    }

    fn policy() -> PolicyDocument {
        lifecycle_policy(
            r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#.into(),
            "t",
        )
        .unwrap()
    }

    #[test]
    fn missing_repositories_are_created() {
        assert_eq!(plan(&RepoSettings::default(), None), Plan::Create);
    }

    #[test]
    fn nothing_asked_means_unchanged() {
        assert_eq!(
            plan(&RepoSettings::default(), Some(&observed())),
            Plan::Unchanged
        );
    }

    #[test]
    fn only_differing_fields_are_updated() {
        let desired = RepoSettings {
            scan_on_push: Some(true),
            mutability: Some(default_mutability()),
            lifecycle_policy: Some(policy()),
            tags: [
                ("team".to_string(), "a".to_string()),
                ("env".into(), "prod".into()),
            ]
            .into(),
            ..Default::default()
        };
        assert_eq!(
            plan(&desired, Some(&observed())),
            Plan::Update(vec![Field::ScanOnPush, Field::LifecyclePolicy, Field::Tags])
        );
    }

    #[test]
    fn policies_compare_as_json_not_text() {
        let mut current = observed();
        let doc = policy();
        current.lifecycle_policy = Some(doc.value.clone());
        let desired = RepoSettings {
            lifecycle_policy: Some(PolicyDocument {
                text: format!("  {}\n", doc.text),
                value: doc.value,
            }),
            ..Default::default()
        };
        assert_eq!(plan(&desired, Some(&current)), Plan::Unchanged);
    }

    #[test]
    fn extra_existing_tags_are_not_a_change() {
        let mut current = observed();
        current.tags.insert("other".into(), "x".into());
        let desired = RepoSettings {
            tags: [("team".to_string(), "a".to_string())].into(),
            ..Default::default()
        };
        assert_eq!(plan(&desired, Some(&current)), Plan::Unchanged);
        assert!(missing_tags(&desired.tags, &current.tags).is_empty());
    }

    #[test]
    fn exclusion_changes_are_mutability_changes() {
        let mut current = observed();
        current.mutability = Mutability {
            mode: MutabilityMode::ImmutableWithExclusion,
            exclusions: vec!["dev-*".into()],
        };
        let desired = RepoSettings {
            mutability: Some(Mutability {
                mode: MutabilityMode::ImmutableWithExclusion,
                exclusions: vec!["dev-*".into(), "test-*".into()],
            }),
            ..Default::default()
        };
        assert_eq!(
            plan(&desired, Some(&current)),
            Plan::Update(vec![Field::TagMutability])
        );
    }

    #[test]
    fn encryption_cannot_change_after_creation() {
        let kms = |key: Option<&str>| Encryption {
            encryption_type: EncryptionType::Kms,
            kms_key: key.map(String::from),
        };
        let desired = RepoSettings {
            encryption: Some(kms(None)),
            ..Default::default()
        };
        assert!(
            matches!(plan(&desired, Some(&observed())), Plan::Conflict(m) if m.contains("AES256"))
        );

        let mut current = observed();
        current.encryption = kms(Some("arn:aws:kms:us-east-1:111122223333:key/abcd"));
        let managed = RepoSettings {
            encryption: Some(kms(None)),
            ..Default::default()
        };
        assert!(
            matches!(plan(&managed, Some(&current)), Plan::Conflict(m) if m.contains("111122223333")),
            "another account's key is not the AWS managed key"
        );

        let mut current = observed();
        current.encryption = kms(Some("arn:aws:kms:us-east-1:123456789012:key/abc"));
        for (key, conflict) in [("abc", false), ("alias/any", false), ("def", true)] {
            let desired = RepoSettings {
                encryption: Some(kms(Some(key))),
                ..Default::default()
            };
            assert_eq!(
                matches!(plan(&desired, Some(&current)), Plan::Conflict(_)),
                conflict,
                "{key}"
            );
        }
    }
}
