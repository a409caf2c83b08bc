//! One pull-check finding: status, reason and the exact fix. Pure.

use serde::Serialize;

/// How a check came out. Ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Skipped,
    Warn,
    Fail,
}

impl Status {
    /// What the table prints (`FAIL` stands out).
    pub fn label(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Skipped => "skipped",
            Self::Warn => "warn",
            Self::Fail => "FAIL",
        }
    }
}

/// Every check pull-check runs, in the order it reports them. The `--vpc` ones are built
/// by `network` (the engine for `--vpc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckId {
    /// Account, region, repository, tag or digest, archived.
    Reference,
    /// Who pulls: the principal resolved from the flags.
    Principal,
    /// `ecr:GetAuthorizationToken` on `*`.
    IamAuthorizationToken,
    /// `ecr:BatchGetImage`, `GetDownloadUrlForLayer`, `BatchCheckLayerAvailability`.
    IamPull,
    /// The repository policy lets a cross-account principal pull.
    RepositoryPolicy,
    /// `kms:Decrypt` for a KMS-encrypted repository.
    KmsDecrypt,
    /// The image has the platform the consumer runs.
    Platform,
    /// Consumer region vs repository region, and replication.
    Region,
    /// `--vpc`: the VPC itself (exists, subnets found).
    Vpc,
    /// `--vpc`: interface endpoint `com.amazonaws.REGION.ecr.api`.
    EndpointEcrApi,
    /// `--vpc`: interface endpoint `com.amazonaws.REGION.ecr.dkr`.
    EndpointEcrDkr,
    /// `--vpc`: the S3 gateway endpoint on the subnets' route tables.
    EndpointS3,
}

impl CheckId {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reference => "reference",
            Self::Principal => "principal",
            Self::IamAuthorizationToken => "iam-authorization-token",
            Self::IamPull => "iam-pull",
            Self::RepositoryPolicy => "repository-policy",
            Self::KmsDecrypt => "kms-decrypt",
            Self::Platform => "platform",
            Self::Region => "region",
            Self::Vpc => "vpc",
            Self::EndpointEcrApi => "endpoint-ecr-api",
            Self::EndpointEcrDkr => "endpoint-ecr-dkr",
            Self::EndpointS3 => "endpoint-s3",
        }
    }
}

/// A fix `--fix` can apply itself (every other fix is printed for a person to run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AutoFix {
    /// Attach an AWS managed policy (by ARN) to a role.
    AttachRolePolicy {
        role_name: String,
        policy_arn: String,
    },
    /// Add one statement (JSON) to the repository policy.
    AddRepositoryStatement {
        repository: String,
        statement: serde_json::Value,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub id: CheckId,
    pub status: Status,
    /// Why: what was found, naming the principal, policy or resource.
    pub reason: String,
    /// The exact command or policy statement that fixes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The check could not run (an API call failed): never `ok`, and the run exits 3
    /// unless another check already fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip)]
    pub auto_fix: Option<AutoFix>,
}

impl Check {
    fn new(id: CheckId, status: Status, reason: String, fix: Option<String>) -> Self {
        Self {
            id,
            status,
            reason,
            fix,
            error: None,
            auto_fix: None,
        }
    }
    pub fn ok(id: CheckId, reason: impl Into<String>) -> Self {
        Self::new(id, Status::Ok, reason.into(), None)
    }
    pub fn warn(id: CheckId, reason: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(id, Status::Warn, reason.into(), Some(fix.into()))
    }
    pub fn fail(id: CheckId, reason: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(id, Status::Fail, reason.into(), Some(fix.into()))
    }
    pub fn skipped(id: CheckId, reason: impl Into<String>) -> Self {
        Self::new(id, Status::Skipped, reason.into(), None)
    }
    /// The check could not run: `skipped` with the failure, so the run exits 3 (fail closed).
    pub fn could_not_check(id: CheckId, what: impl Into<String>, error: impl Into<String>) -> Self {
        let mut check = Self::new(id, Status::Skipped, what.into(), None);
        check.error = Some(error.into());
        check
    }
    /// `--fix` can repair what this check found.
    pub fn with_auto_fix(mut self, fix: AutoFix) -> Self {
        self.auto_fix = Some(fix);
        self
    }
}

/// The run's verdict over all checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every check that ran passes (warnings allowed).
    Pass,
    /// A pull would fail: exit 1.
    Fail,
    /// Nothing fails, but some check could not run: exit 3.
    Unknown,
}

pub fn verdict(checks: &[Check]) -> Verdict {
    if checks.iter().any(|c| c.status == Status::Fail) {
        Verdict::Fail
    } else if checks.iter().any(|c| c.error.is_some()) {
        Verdict::Unknown
    } else {
        Verdict::Pass
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_print_as_they_serialize() {
        for id in [
            CheckId::Reference,
            CheckId::Principal,
            CheckId::IamAuthorizationToken,
            CheckId::IamPull,
            CheckId::RepositoryPolicy,
            CheckId::KmsDecrypt,
            CheckId::Platform,
            CheckId::Region,
            CheckId::Vpc,
            CheckId::EndpointEcrApi,
            CheckId::EndpointEcrDkr,
            CheckId::EndpointS3,
        ] {
            assert_eq!(serde_json::to_value(id).unwrap(), id.as_str());
        }
    }

    #[test]
    fn a_check_that_could_not_run_is_never_ok_and_makes_the_verdict_unknown() {
        let c = Check::could_not_check(
            CheckId::IamPull,
            "could not read the role's policies",
            "AccessDenied",
        );
        assert_eq!(c.status, Status::Skipped);
        assert_eq!(
            verdict(&[Check::ok(CheckId::Reference, "x"), c.clone()]),
            Verdict::Unknown
        );
        let failing = Check::fail(CheckId::Platform, "no arm64", "rebuild");
        assert_eq!(verdict(&[c, failing]), Verdict::Fail);
        assert_eq!(
            verdict(&[Check::warn(CheckId::Region, "x", "y")]),
            Verdict::Pass
        );
    }
}
