//! Repository settings as ECR names them: what is asked for (`RepoSettings`), what exists
//! (`ObservedRepo`), and the fields that can change. Plain data, shared by the `repo`
//! engine and the AWS adapter.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

/// Tag mutability as ECR names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MutabilityMode {
    Mutable,
    Immutable,
    ImmutableWithExclusion,
    MutableWithExclusion,
}

impl MutabilityMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mutable => "MUTABLE",
            Self::Immutable => "IMMUTABLE",
            Self::ImmutableWithExclusion => "IMMUTABLE_WITH_EXCLUSION",
            Self::MutableWithExclusion => "MUTABLE_WITH_EXCLUSION",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Mutable,
            Self::Immutable,
            Self::ImmutableWithExclusion,
            Self::MutableWithExclusion,
        ]
        .into_iter()
        .find(|m| m.as_str() == text)
    }

    pub fn takes_exclusions(self) -> bool {
        matches!(
            self,
            Self::ImmutableWithExclusion | Self::MutableWithExclusion
        )
    }
}

/// Mutability plus its exclusion filters (wildcard tag patterns), kept sorted.
/// Serialized with ECR's field names, to be flattened into a repository's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mutability {
    #[serde(rename = "imageTagMutability")]
    pub mode: MutabilityMode,
    #[serde(
        rename = "imageTagMutabilityExclusionFilters",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub exclusions: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EncryptionType {
    #[serde(rename = "AES256")]
    Aes256,
    #[serde(rename = "KMS")]
    Kms,
    #[serde(rename = "KMS_DSSE")]
    KmsDsse,
}

impl EncryptionType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aes256 => "AES256",
            Self::Kms => "KMS",
            Self::KmsDsse => "KMS_DSSE",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Aes256, Self::Kms, Self::KmsDsse]
            .into_iter()
            .find(|e| e.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Encryption {
    pub encryption_type: EncryptionType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<String>,
}

/// A JSON policy document: the text sent to ECR and its parsed value for comparison
/// (ECR may re-format a stored policy, so equality is on the parsed JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    pub text: String,
    pub value: Value,
}

/// Settings for one repository; `None` means "not asked for": left alone on an existing
/// repository and ECR's default on a new one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepoSettings {
    pub scan_on_push: Option<bool>,
    pub mutability: Option<Mutability>,
    pub encryption: Option<Encryption>,
    pub lifecycle_policy: Option<PolicyDocument>,
    pub repository_policy: Option<PolicyDocument>,
    pub tags: BTreeMap<String, String>,
}

impl RepoSettings {
    /// `self` with every setting that `over` specifies replaced by `over`'s; tags merge,
    /// `over` winning on equal keys.
    pub fn overlaid_with(&self, over: &RepoSettings) -> RepoSettings {
        let mut tags = self.tags.clone();
        tags.extend(over.tags.clone());
        RepoSettings {
            scan_on_push: over.scan_on_push.or(self.scan_on_push),
            mutability: over.mutability.clone().or_else(|| self.mutability.clone()),
            encryption: over.encryption.clone().or_else(|| self.encryption.clone()),
            lifecycle_policy: over
                .lifecycle_policy
                .clone()
                .or_else(|| self.lifecycle_policy.clone()),
            repository_policy: over
                .repository_policy
                .clone()
                .or_else(|| self.repository_policy.clone()),
            tags,
        }
    }
}

/// An existing repository as ECR describes it. Policies and tags are only fetched when
/// the request sets them, so `None` there means "absent or not looked at".
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedRepo {
    pub arn: String,
    pub uri: String,
    pub scan_on_push: bool,
    pub mutability: Mutability,
    pub encryption: Encryption,
    pub lifecycle_policy: Option<Value>,
    pub repository_policy: Option<Value>,
    pub tags: BTreeMap<String, String>,
}

/// A setting that can change on an existing repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Field {
    #[serde(rename = "scanOnPush")]
    ScanOnPush,
    #[serde(rename = "imageTagMutability")]
    TagMutability,
    #[serde(rename = "lifecyclePolicy")]
    LifecyclePolicy,
    #[serde(rename = "repositoryPolicy")]
    RepositoryPolicy,
    #[serde(rename = "tags")]
    Tags,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ScanOnPush => "scanOnPush",
            Self::TagMutability => "imageTagMutability",
            Self::LifecyclePolicy => "lifecyclePolicy",
            Self::RepositoryPolicy => "repositoryPolicy",
            Self::Tags => "tags",
        }
    }
}

/// Tags to add or change so that `wanted` holds; tags ECR has beyond them are kept.
pub fn missing_tags(
    wanted: &BTreeMap<String, String>,
    existing: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    wanted
        .iter()
        .filter(|(k, v)| existing.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The effective mutability when none is asked for on a new repository (ECR's default).
pub fn default_mutability() -> Mutability {
    Mutability {
        mode: MutabilityMode::Mutable,
        exclusions: Vec::new(),
    }
}
