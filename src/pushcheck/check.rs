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
            // An empty fix is no fix (an error without a hint gives one).
            fix: fix.filter(|f| !f.is_empty()),
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

/// Where the image's registry is, against what the caller's configuration points at.
/// A fix command names the image's region and account when they are not the caller's
/// defaults, so it acts on the image's registry and not on the caller's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The image's region.
    pub region: String,
    /// The account of the image's registry.
    pub account: String,
    /// The region the AWS configuration names (`None`: none configured).
    pub caller_region: Option<String>,
    /// The account of the credentials (`None`: unknown).
    pub caller_account: Option<String>,
}

impl Target {
    /// ` --region R --registry-id A`, each only when it is not the caller's default.
    pub fn flags(&self) -> String {
        let mut out = String::new();
        if self.caller_region.as_deref() != Some(self.region.as_str()) {
            out.push_str(&format!(" --region {}", self.region));
        }
        if self.caller_account.as_deref() != Some(self.account.as_str()) {
            out.push_str(&format!(" --registry-id {}", self.account));
        }
        out
    }

    /// The caller's credentials are of another account than the image's registry.
    pub fn cross_account(&self) -> Option<&str> {
        self.caller_account
            .as_deref()
            .filter(|caller| *caller != self.account)
    }
}

/// The push actions a cross-account push needs granted on both sides.
pub const PUSH_ACTIONS: &str = "ecr:BatchCheckLayerAvailability, ecr:InitiateLayerUpload, \
     ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage";

/// What a push into another account's registry needs, as a fix.
pub fn cross_account_fix(target: &Target, caller: &str, repository: &str) -> String {
    format!(
        "a cross-account push needs both sides: the owner of account {account} creates `{repository}` \
         (`ecrctl repo create {repository}` with that account's credentials) and grants account {caller} \
         {PUSH_ACTIONS} in its repository policy; and IAM in account {caller} allows the same actions \
         on arn:aws:ecr:{region}:{account}:repository/{repository}",
        account = target.account,
        region = target.region,
    )
}

/// Regions where ECR runs, as of this release (a region not listed here may be new, so
/// an unknown one is a warning, never a failure on its own).
pub const KNOWN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eusc-de-east-1",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-west-1",
    "us-west-2",
];

/// `None` for a known region; else a hint that names it (and the nearest known one).
pub fn unknown_region_hint(region: &str) -> Option<String> {
    if KNOWN_REGIONS.contains(&region) {
        return None;
    }
    // The fewest edits; of those, the longest common start (`us-weast-1` → us-west-1).
    let shared = |known: &str| {
        region
            .bytes()
            .zip(known.bytes())
            .take_while(|(a, b)| a == b)
            .count()
    };
    let nearest = KNOWN_REGIONS
        .iter()
        .map(|known| {
            (
                edit_distance(region, known),
                std::cmp::Reverse(shared(known)),
                *known,
            )
        })
        .min()
        .filter(|(distance, _, _)| *distance <= 3)
        .map(|(_, _, known)| format!(" (did you mean {known}?)"))
        .unwrap_or_default();
    Some(format!(
        "`{region}` is not an AWS region ECR is known to run in{nearest}: check the region in \
         the image's host or --region / AWS_REGION"
    ))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
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

    fn target(caller_region: Option<&str>, caller_account: Option<&str>) -> Target {
        Target {
            region: "us-west-2".into(),
            account: "222222222222".into(),
            caller_region: caller_region.map(String::from),
            caller_account: caller_account.map(String::from),
        }
    }

    #[test]
    fn fix_flags_name_what_differs_from_the_caller() {
        assert_eq!(target(Some("us-west-2"), Some("222222222222")).flags(), "");
        assert_eq!(
            target(Some("us-east-1"), Some("222222222222")).flags(),
            " --region us-west-2"
        );
        assert_eq!(
            target(Some("us-east-1"), Some("123456789012")).flags(),
            " --region us-west-2 --registry-id 222222222222"
        );
        assert_eq!(
            target(None, None).flags(),
            " --region us-west-2 --registry-id 222222222222"
        );
        assert_eq!(
            target(None, Some("123456789012")).cross_account(),
            Some("123456789012")
        );
        assert_eq!(target(None, Some("222222222222")).cross_account(), None);
        assert_eq!(target(None, None).cross_account(), None);
    }

    #[test]
    fn unknown_regions_are_named_with_the_nearest_known_one() {
        assert_eq!(unknown_region_hint("eu-west-1"), None);
        let hint = unknown_region_hint("us-weast-1").unwrap();
        assert!(hint.starts_with("`us-weast-1` is not"), "{hint}");
        assert!(hint.contains("did you mean us-west-1?"), "{hint}");
        let far = unknown_region_hint("mars-north-9").unwrap();
        assert!(!far.contains("did you mean"), "{far}");
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn an_empty_fix_is_none() {
        assert_eq!(Check::fail(CheckId::Repository, "x", "").fix, None);
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
