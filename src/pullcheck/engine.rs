//! The pure checks that need no IAM: the reference, the platform and the region
//! (with the registry's replication rules).

use serde_json::Value;

use super::check::{Check, CheckId};
use crate::aws::replication::ReplicationRule;
use crate::model::platform::Platform;

/// What ECR says about the image the reference names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageState {
    /// ACTIVE: pullable.
    Active { digest: String },
    /// ARCHIVED or ACTIVATING (being restored): not pullable until restored.
    Archived { digest: String, status: String },
    /// No image with that tag or digest.
    Missing,
}

/// The reference check: the repository and the image exist, and the image can be pulled.
pub fn reference(
    repository: &str,
    account: &str,
    region: &str,
    reference: &str,
    state: &ImageState,
) -> Check {
    let id = CheckId::Reference;
    let tag_or_digest = if reference.starts_with("sha256:") {
        format!("imageDigest={reference}")
    } else {
        format!("imageTag={reference}")
    };
    match state {
        ImageState::Active { digest } => Check::ok(
            id,
            format!("{repository}:{reference} exists in account {account}, {region} ({digest})"),
        ),
        ImageState::Missing => Check::fail(
            id,
            format!(
                "{repository} in account {account}, {region} has no image `{reference}`: docker says \"manifest unknown\" / \"not found\""
            ),
            format!(
                "check the tag or digest: aws ecr describe-images --repository-name {repository} --registry-id {account} --region {region}"
            ),
        ),
        ImageState::Archived { digest, status } => Check::fail(
            id,
            format!(
                "{repository}:{reference} ({digest}) is {status}: an archived image cannot be pulled until it is restored"
            ),
            format!(
                "aws ecr update-image-storage-class --repository-name {repository} --registry-id {account} --region {region} --image-id {tag_or_digest} --target-storage-class STANDARD (then wait for ACTIVE)"
            ),
        ),
    }
}

/// What the image offers: the platforms of an index, or the one of a single image (from
/// its config; `None` when the config does not say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offered {
    Index(Vec<Platform>),
    Single(Option<Platform>),
}

/// The platforms an index manifest declares (entries without `platform` are skipped:
/// attestations and the like).
pub fn index_platforms(index: &Value) -> Vec<Platform> {
    index
        .get("manifests")
        .and_then(Value::as_array)
        .map(|entries| entries.iter().filter_map(declared).collect())
        .unwrap_or_default()
}

fn declared(entry: &Value) -> Option<Platform> {
    let p = entry.get("platform")?;
    let os = p.get("os")?.as_str()?;
    let architecture = p.get("architecture")?.as_str()?;
    if os == "unknown" {
        return None; // buildx attestation manifests
    }
    Some(Platform {
        os: os.to_string(),
        architecture: architecture.to_string(),
        variant: p.get("variant").and_then(Value::as_str).map(String::from),
    })
}

/// The platform an image config declares (`os`, `architecture`, `variant`).
pub fn config_platform(config: &Value) -> Option<Platform> {
    Some(Platform {
        os: config.get("os")?.as_str()?.to_string(),
        architecture: config.get("architecture")?.as_str()?.to_string(),
        variant: config
            .get("variant")
            .and_then(Value::as_str)
            .map(String::from),
    })
}

/// The platform check: does the image have what the consumer runs (`source` says where
/// `wanted` came from: `--platform`, the node group's AMI type…)?
pub fn platform(wanted: Option<(&Platform, &str)>, offered: &Offered, image: &str) -> Check {
    let id = CheckId::Platform;
    let Some((wanted, source)) = wanted else {
        return Check::skipped(
            id,
            "the consumer's platform is unknown: pass --platform linux/arm64 (or linux/amd64)",
        );
    };
    let has: Vec<&Platform> = match offered {
        Offered::Index(list) => list.iter().collect(),
        Offered::Single(Some(p)) => vec![p],
        Offered::Single(None) => {
            return Check::warn(
                id,
                format!(
                    "{image} is a single image whose config names no platform; the consumer runs {wanted} ({source})"
                ),
                "rebuild with `docker buildx build --platform ...` so the image says its platform",
            );
        }
    };
    let list = has
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if has.iter().any(|p| wanted.matches(p)) {
        return Check::ok(
            id,
            format!("{image} has {wanted} ({source}); it offers {list}"),
        );
    }
    Check::fail(
        id,
        format!(
            "{image} offers only {list}, the consumer runs {wanted} ({source}): \"no matching manifest for {wanted} in the manifest list entries\" (or exec format error)"
        ),
        format!(
            "build and push {wanted} too: docker buildx build --platform {},{wanted} --push ... (or run the workload on {} nodes)",
            has.first().map(ToString::to_string).unwrap_or_default(),
            has.first()
                .map(|p| p.architecture.clone())
                .unwrap_or_default()
        ),
    )
}

/// The platform an EKS AMI type, an ECS `cpuArchitecture` or a Lambda architecture means.
pub fn platform_of_arch(word: &str) -> Option<Platform> {
    let w = word.to_ascii_uppercase();
    let architecture = if w.contains("ARM") {
        "arm64"
    } else if w.contains("X86_64") || w == "AMD64" {
        "amd64"
    } else {
        return None;
    };
    let os = if w.starts_with("WINDOWS") {
        "windows"
    } else {
        "linux"
    };
    Some(Platform {
        os: os.to_string(),
        architecture: architecture.to_string(),
        variant: None,
    })
}

/// Where the repository is and who consumes it, for the region check.
#[derive(Debug, Clone)]
pub struct Placement<'a> {
    pub repository: &'a str,
    pub account: &'a str,
    pub region: &'a str,
    /// The consumer's region and where that came from; `None` when unknown.
    pub consumer: Option<(&'a str, &'a str)>,
}

/// Whether a rule's filters cover `repository`.
fn covers(rule: &ReplicationRule, repository: &str) -> Option<bool> {
    if !rule.unknown_filters.is_empty() {
        return None;
    }
    Some(
        rule.prefixes.is_empty()
            || rule
                .prefixes
                .iter()
                .any(|p| repository.starts_with(p.as_str())),
    )
}

/// The region check: same region, or cross-region with what replication does about it.
pub fn region(at: &Placement<'_>, rules: &Result<Vec<ReplicationRule>, String>) -> Check {
    let id = CheckId::Region;
    let Some((consumer, source)) = at.consumer else {
        return Check::skipped(
            id,
            format!(
                "the consumer's region is unknown (the repository is in {}): pass --region-of-consumer REGION",
                at.region
            ),
        );
    };
    if consumer == at.region {
        return Check::ok(
            id,
            format!("the consumer ({source}) and the repository are both in {consumer}"),
        );
    }
    let cross = format!(
        "cross-region pull: the consumer is in {consumer} ({source}), the repository in {}: slower pulls, data transfer is billed, and a regional outage of {} stops them",
        at.region, at.region
    );
    let rules = match rules {
        Ok(rules) => rules,
        Err(why) => {
            return Check::could_not_check(
                id,
                format!("{cross}; could not read the replication configuration"),
                why.clone(),
            );
        }
    };
    let to_there: Vec<&ReplicationRule> = rules
        .iter()
        .filter(|r| {
            r.destinations
                .iter()
                .any(|(region, registry)| region == consumer && registry == at.account)
        })
        .collect();
    let replica = format!(
        "{}.dkr.ecr.{consumer}.amazonaws.com/{}",
        at.account, at.repository
    );
    let put = format!(
        "aws ecr put-replication-configuration --region {} --replication-configuration '{{\"rules\":[{{\"destinations\":[{{\"region\":\"{consumer}\",\"registryId\":\"{}\"}}],\"repositoryFilters\":[{{\"filter\":\"{}\",\"filterType\":\"PREFIX_MATCH\"}}]}}]}}' (keep the existing rules in the list), then push again: only new pushes replicate",
        at.region, at.account, at.repository
    );
    if to_there.is_empty() {
        return Check::warn(
            id,
            format!("{cross}; the registry replicates nothing to {consumer}"),
            put,
        );
    }
    if to_there
        .iter()
        .any(|r| covers(r, at.repository) == Some(true))
    {
        return Check::warn(
            id,
            format!(
                "{cross}; replication copies {} to {consumer}",
                at.repository
            ),
            format!("pull the replica instead: {replica}"),
        );
    }
    if to_there.iter().any(|r| covers(r, at.repository).is_none()) {
        return Check::warn(
            id,
            format!(
                "{cross}; a replication rule to {consumer} has filters this version does not know"
            ),
            format!(
                "check that it covers {}: aws ecr describe-registry --region {}",
                at.repository, at.region
            ),
        );
    }
    let prefixes: Vec<String> = to_there
        .iter()
        .flat_map(|r| r.prefixes.iter().map(|p| format!("`{p}`")))
        .collect();
    Check::warn(
        id,
        format!(
            "{cross}; replication to {consumer} does not cover {}: its filters are PREFIX_MATCH {}",
            at.repository,
            prefixes.join(", ")
        ),
        format!(
            "add a PREFIX_MATCH filter `{}` to the rule for {consumer}: {put}",
            at.repository
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pullcheck::check::Status;

    fn p(text: &str) -> Platform {
        crate::model::platform::parse(text).unwrap()
    }

    #[test]
    fn an_amd64_only_image_fails_an_arm64_consumer() {
        let c = platform(
            Some((&p("linux/arm64"), "--platform")),
            &Offered::Single(Some(p("linux/amd64"))),
            "app:v1",
        );
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.reason.contains("no matching manifest for linux/arm64"),
            "{}",
            c.reason
        );
        let index = serde_json::json!({"manifests": [
            {"platform": {"os": "linux", "architecture": "amd64"}},
            {"platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
            {"platform": {"os": "unknown", "architecture": "unknown"}}]});
        let offered = Offered::Index(index_platforms(&index));
        assert_eq!(
            platform(Some((&p("linux/arm64"), "x")), &offered, "a").status,
            Status::Ok
        );
        assert_eq!(
            platform(Some((&p("linux/arm64/v8"), "x")), &offered, "a").status,
            Status::Ok
        );
        assert_eq!(
            platform(Some((&p("linux/s390x"), "x")), &offered, "a").status,
            Status::Fail
        );
        assert_eq!(platform(None, &offered, "a").status, Status::Skipped);
    }

    #[test]
    fn ami_types_and_architectures_name_platforms() {
        assert_eq!(
            platform_of_arch("AL2023_ARM_64_STANDARD"),
            Some(p("linux/arm64"))
        );
        assert_eq!(
            platform_of_arch("BOTTLEROCKET_x86_64"),
            Some(p("linux/amd64"))
        );
        assert_eq!(platform_of_arch("arm64"), Some(p("linux/arm64")));
        assert_eq!(platform_of_arch("X86_64"), Some(p("linux/amd64")));
        assert_eq!(
            platform_of_arch("WINDOWS_CORE_2022_x86_64"),
            Some(p("windows/amd64"))
        );
        assert_eq!(platform_of_arch("CUSTOM"), None);
    }

    fn rule(region: &str, prefixes: &[&str]) -> ReplicationRule {
        ReplicationRule {
            destinations: vec![(region.into(), "123456789012".into())],
            prefixes: prefixes.iter().map(|s| s.to_string()).collect(),
            unknown_filters: Vec::new(),
        }
    }

    #[test]
    fn replication_filters_decide_whether_a_cross_region_pull_has_a_replica() {
        let at = Placement {
            repository: "team/api",
            account: "123456789012",
            region: "us-east-1",
            consumer: Some(("eu-west-1", "EKS cluster")),
        };
        let same = Placement {
            consumer: Some(("us-east-1", "x")),
            ..at.clone()
        };
        assert_eq!(region(&same, &Ok(vec![])).status, Status::Ok);
        let none = region(&at, &Ok(vec![]));
        assert_eq!(none.status, Status::Warn);
        assert!(none.reason.contains("replicates nothing to eu-west-1"));
        let miss = region(&at, &Ok(vec![rule("eu-west-1", &["other/"])]));
        assert_eq!(miss.status, Status::Warn);
        assert!(
            miss.reason.contains("does not cover team/api") && miss.reason.contains("`other/`"),
            "{}",
            miss.reason
        );
        let hit = region(&at, &Ok(vec![rule("eu-west-1", &["team/"])]));
        assert!(
            hit.fix
                .unwrap()
                .contains("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api")
        );
        let all = region(&at, &Ok(vec![rule("eu-west-1", &[])]));
        assert!(all.reason.contains("replication copies"));
        let elsewhere = region(&at, &Ok(vec![rule("ap-south-1", &[])]));
        assert!(elsewhere.reason.contains("replicates nothing"));
        let unread = region(&at, &Err("AccessDenied".into()));
        assert_eq!(unread.status, Status::Skipped);
        assert!(unread.error.is_some());
        assert_eq!(
            region(
                &Placement {
                    consumer: None,
                    ..at
                },
                &Ok(vec![])
            )
            .status,
            Status::Skipped
        );
    }

    #[test]
    fn an_archived_or_missing_image_fails_the_reference() {
        let ok = reference(
            "r",
            "1",
            "us-east-1",
            "v1",
            &ImageState::Active {
                digest: "sha256:a".into(),
            },
        );
        assert_eq!(ok.status, Status::Ok);
        let archived = reference(
            "r",
            "1",
            "us-east-1",
            "v1",
            &ImageState::Archived {
                digest: "sha256:a".into(),
                status: "ARCHIVED".into(),
            },
        );
        assert_eq!(archived.status, Status::Fail);
        assert!(
            archived
                .fix
                .unwrap()
                .contains("--target-storage-class STANDARD")
        );
        assert_eq!(
            reference("r", "1", "x", "v1", &ImageState::Missing).status,
            Status::Fail
        );
    }
}
