//! One push-check finding: status, evidence and the fix. Pure.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Skipped,
    Warn,
    Fail,
}

/// Every check push-check runs, in the order it reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckId {
    Reference,
    AwsCredentials,
    Repository,
    RegistryHost,
    DockerCredentials,
    TagImmutability,
    LayerSize,
    RepositoryPolicy,
    LifecyclePolicy,
    ScanOnPush,
    IamPermissions,
}

impl CheckId {
    pub const ALL: [CheckId; 11] = [
        Self::Reference,
        Self::AwsCredentials,
        Self::Repository,
        Self::RegistryHost,
        Self::DockerCredentials,
        Self::TagImmutability,
        Self::LayerSize,
        Self::RepositoryPolicy,
        Self::LifecyclePolicy,
        Self::ScanOnPush,
        Self::IamPermissions,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reference => "reference",
            Self::AwsCredentials => "aws-credentials",
            Self::Repository => "repository",
            Self::RegistryHost => "registry-host",
            Self::DockerCredentials => "docker-credentials",
            Self::TagImmutability => "tag-immutability",
            Self::LayerSize => "layer-size",
            Self::RepositoryPolicy => "repository-policy",
            Self::LifecyclePolicy => "lifecycle-policy",
            Self::ScanOnPush => "scan-on-push",
            Self::IamPermissions => "iam-permissions",
        }
    }
}

/// A fix `--fix` can apply itself (the others are printed for a person to run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoFix {
    CreateRepository,
    DockerLogin,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub id: CheckId,
    pub status: Status,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    #[serde(skip)]
    pub auto_fix: Option<AutoFix>,
}

impl Check {
    fn new(id: CheckId, status: Status, detail: String, fix: Option<String>) -> Self {
        Self {
            id,
            status,
            detail,
            fix,
            auto_fix: None,
        }
    }
    pub fn ok(id: CheckId, detail: impl Into<String>) -> Self {
        Self::new(id, Status::Ok, detail.into(), None)
    }
    pub fn warn(id: CheckId, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(id, Status::Warn, detail.into(), Some(fix.into()))
    }
    pub fn fail(id: CheckId, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(id, Status::Fail, detail.into(), Some(fix.into()))
    }
    pub fn skipped(id: CheckId, detail: impl Into<String>) -> Self {
        Self::new(id, Status::Skipped, detail.into(), None)
    }
    /// `--fix` can repair what this check found.
    pub fn with_auto_fix(mut self, fix: AutoFix) -> Self {
        self.auto_fix = Some(fix);
        self
    }
}

/// Largest layer ECR accepts.
pub const MAX_LAYER_BYTES: u64 = 52_000 * 1024 * 1024;

/// The layer-size check over known sizes.
pub fn layer_sizes(sizes: &[u64]) -> Check {
    let over: Vec<&u64> = sizes.iter().filter(|s| **s > MAX_LAYER_BYTES).collect();
    match over.first() {
        Some(biggest) => Check::fail(
            CheckId::LayerSize,
            format!(
                "{} of {} layers exceed ECR's 52,000 MiB limit (largest {} MiB)",
                over.len(),
                sizes.len(),
                **biggest / (1024 * 1024)
            ),
            "split the layer (fewer files per RUN/COPY step, or a multi-stage build); ECR refuses layers over 52,000 MiB",
        ),
        None => Check::ok(
            CheckId::LayerSize,
            format!("{} layers, all under 52,000 MiB", sizes.len()),
        ),
    }
}

/// Whether `tag` is protected from being overwritten under a mutability setting.
pub fn tag_is_immutable(mode: &str, exclusions: &[String], tag: &str) -> bool {
    let excluded = exclusions
        .iter()
        .any(|p| crate::lifecycle::wildcard::matches(p, tag));
    match mode {
        "IMMUTABLE" => true,
        "IMMUTABLE_WITH_EXCLUSION" => !excluded,
        "MUTABLE_WITH_EXCLUSION" => excluded,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_ids_print_as_they_serialize() {
        for id in CheckId::ALL {
            assert_eq!(serde_json::to_value(id).unwrap(), id.as_str());
        }
    }

    #[test]
    fn layer_limit() {
        assert_eq!(layer_sizes(&[1, 2]).status, Status::Ok);
        assert_eq!(layer_sizes(&[MAX_LAYER_BYTES + 1]).status, Status::Fail);
    }

    #[test]
    fn immutability_with_exclusions() {
        assert!(tag_is_immutable("IMMUTABLE", &[], "v1"));
        assert!(!tag_is_immutable(
            "IMMUTABLE_WITH_EXCLUSION",
            &["dev-*".into()],
            "dev-1"
        ));
        assert!(tag_is_immutable(
            "IMMUTABLE_WITH_EXCLUSION",
            &["dev-*".into()],
            "v1"
        ));
        assert!(tag_is_immutable(
            "MUTABLE_WITH_EXCLUSION",
            &["release-*".into()],
            "release-1"
        ));
        assert!(!tag_is_immutable("MUTABLE", &[], "v1"));
    }
}
