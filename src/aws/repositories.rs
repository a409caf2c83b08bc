//! ECR repository API calls, translated to and from ecrctl's own types.

use std::collections::BTreeMap;

use aws_sdk_ecr::types::{
    EncryptionConfiguration, ImageScanningConfiguration, ImageTagMutability,
    ImageTagMutabilityExclusionFilter, ImageTagMutabilityExclusionFilterType, Repository, Tag,
};
use serde_json::Value;

use super::{AwsContext, error_code, sdk_error};
use crate::error::{CliError, Result};
use crate::model::repository::{
    Encryption, EncryptionType, Mutability, MutabilityMode, RepoSettings,
};
use crate::model::repository::{Field, ObservedRepo, default_mutability, missing_tags};

/// What ECR says about one repository, for listings.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RepoSummary {
    pub repository_name: String,
    pub repository_uri: String,
    pub repository_arn: String,
    pub image_tag_mutability: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub image_tag_mutability_exclusion_filters: Vec<String>,
    pub scan_on_push: bool,
    pub encryption_configuration: Encryption,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Filled by [`fetch_extras`] (`repo list --with policies`); absent when not fetched
    /// or when the repository has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle_policy: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository_policy: Option<Value>,
    /// Filled by [`fetch_extras`] (`repo list --with tags`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

/// Fetches a listed repository's policies and/or tags (one call each).
pub async fn fetch_extras(
    ctx: &AwsContext,
    summary: &mut RepoSummary,
    policies: bool,
    with_tags: bool,
) -> Result<()> {
    if policies {
        summary.lifecycle_policy = lifecycle_policy(ctx, &summary.repository_name).await?;
        summary.repository_policy = repository_policy(ctx, &summary.repository_name).await?;
    }
    if with_tags {
        summary.tags = Some(tags(ctx, &summary.repository_arn).await?);
    }
    Ok(())
}

/// The repository with every setting read back from ECR (policies and tags included),
/// or `None` if it does not exist.
pub async fn read_back(ctx: &AwsContext, name: &str) -> Result<Option<ObservedRepo>> {
    let Some(mut observed) = observe(ctx, name, &RepoSettings::default()).await? else {
        return Ok(None);
    };
    observed.lifecycle_policy = lifecycle_policy(ctx, name).await?;
    observed.repository_policy = repository_policy(ctx, name).await?;
    observed.tags = tags(ctx, &observed.arn).await?;
    Ok(Some(observed))
}

/// DeleteRepository; `force` also deletes the images in it.
pub async fn delete(ctx: &AwsContext, name: &str, force: bool) -> Result<()> {
    ctx.ecr
        .delete_repository()
        .set_registry_id(ctx.registry_id.clone())
        .repository_name(name)
        .force(force)
        .send()
        .await
        .map_err(|err| sdk_error(format!("could not delete repository `{name}`"), err))?;
    Ok(())
}

/// The repository as it stands, or `None` if it does not exist. Lifecycle policy,
/// repository policy and tags are fetched only when `wanted` sets them.
pub async fn observe(
    ctx: &AwsContext,
    name: &str,
    wanted: &RepoSettings,
) -> Result<Option<ObservedRepo>> {
    let result = ctx
        .ecr
        .describe_repositories()
        .set_registry_id(ctx.registry_id.clone())
        .repository_names(name)
        .send()
        .await;
    let repo = match result {
        Ok(out) => match out.repositories.unwrap_or_default().into_iter().next() {
            Some(repo) => repo,
            None => return Ok(None),
        },
        Err(err) if error_code(&err) == Some("RepositoryNotFoundException") => return Ok(None),
        Err(err) => {
            return Err(sdk_error(
                format!("could not describe repository `{name}`"),
                err,
            ));
        }
    };
    let mut observed = observed_from(&repo);
    if wanted.lifecycle_policy.is_some() {
        observed.lifecycle_policy = lifecycle_policy(ctx, name).await?;
    }
    if wanted.repository_policy.is_some() {
        observed.repository_policy = repository_policy(ctx, name).await?;
    }
    if !wanted.tags.is_empty() {
        observed.tags = tags(ctx, &observed.arn).await?;
    }
    Ok(Some(observed))
}

fn observed_from(repo: &Repository) -> ObservedRepo {
    let summary = summary_from(repo);
    ObservedRepo {
        arn: summary.repository_arn,
        uri: summary.repository_uri,
        scan_on_push: summary.scan_on_push,
        mutability: MutabilityMode::parse(&summary.image_tag_mutability)
            .map(|mode| Mutability {
                mode,
                exclusions: sorted(summary.image_tag_mutability_exclusion_filters),
            })
            .unwrap_or_else(default_mutability),
        encryption: summary.encryption_configuration,
        lifecycle_policy: None,
        repository_policy: None,
        tags: BTreeMap::new(),
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn summary_from(repo: &Repository) -> RepoSummary {
    let encryption = repo.encryption_configuration();
    RepoSummary {
        repository_name: repo.repository_name().unwrap_or_default().to_string(),
        repository_uri: repo.repository_uri().unwrap_or_default().to_string(),
        repository_arn: repo.repository_arn().unwrap_or_default().to_string(),
        image_tag_mutability: repo
            .image_tag_mutability()
            .map(|m| m.as_str().to_string())
            .unwrap_or_else(|| "MUTABLE".into()),
        image_tag_mutability_exclusion_filters: repo
            .image_tag_mutability_exclusion_filters()
            .iter()
            .map(|f| f.filter().to_string())
            .collect(),
        scan_on_push: repo
            .image_scanning_configuration()
            .is_some_and(|s| s.scan_on_push()),
        encryption_configuration: Encryption {
            encryption_type: encryption
                .and_then(|e| EncryptionType::parse(e.encryption_type().as_str()))
                .unwrap_or(EncryptionType::Aes256),
            kms_key: encryption.and_then(|e| e.kms_key()).map(String::from),
        },
        created_at: repo.created_at().map(|t| t.to_string()),
        lifecycle_policy: None,
        repository_policy: None,
        tags: None,
    }
}

async fn lifecycle_policy(ctx: &AwsContext, name: &str) -> Result<Option<Value>> {
    let text = super::images::get_lifecycle_policy(ctx, name).await?;
    text.map(|t| stored_policy(&t, "lifecycle policy", name))
        .transpose()
}

/// A policy text ECR holds, parsed. Text that does not parse is an error, never "no
/// policy": ECR accepted it, so it is in force, and dropping it would lose it from a copy
/// (or report a repository with a deny-all policy as having none).
fn stored_policy(text: &str, what: &str, name: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|err| {
        CliError::remote(format!(
            "the {what} of `{name}` could not be read as a policy: ECR holds text that is not plain JSON"
        ))
        .with_cause(err.to_string())
        .with_hint(format!(
            "see it with `aws ecr get-{}-policy --repository-name {name}`; put it back as plain JSON (no lone \\uD800-\\uDFFF escapes, numbers within range) and rerun",
            if what == "lifecycle policy" { "lifecycle" } else { "repository" }
        ))
    })
}

/// The repository (resource) policy, parsed, if the repository has one; a stored text
/// that does not parse is an error ("could not be read as a policy"), never `None`.
pub async fn repository_policy(ctx: &AwsContext, name: &str) -> Result<Option<Value>> {
    let result = ctx
        .ecr
        .get_repository_policy()
        .set_registry_id(ctx.registry_id.clone())
        .repository_name(name)
        .send()
        .await;
    match result {
        Ok(out) => out
            .policy_text()
            .map(|t| stored_policy(t, "repository policy", name))
            .transpose(),
        Err(err) if error_code(&err) == Some("RepositoryPolicyNotFoundException") => Ok(None),
        Err(err) => Err(sdk_error(
            format!("could not read the repository policy of `{name}`"),
            err,
        )),
    }
}

/// Replaces the repository policy with `text` (SetRepositoryPolicy).
pub async fn set_repository_policy(ctx: &AwsContext, name: &str, text: &str) -> Result<()> {
    ctx.ecr
        .set_repository_policy()
        .set_registry_id(ctx.registry_id.clone())
        .repository_name(name)
        .policy_text(text)
        .send()
        .await
        .map_err(|err| {
            sdk_error(
                format!("could not set the repository policy of `{name}`"),
                err,
            )
        })?;
    Ok(())
}

async fn tags(ctx: &AwsContext, arn: &str) -> Result<BTreeMap<String, String>> {
    let out = ctx
        .ecr
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(|err| sdk_error(format!("could not list the tags of {arn}"), err))?;
    Ok(out
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

/// Creates a repository with every setting CreateRepository takes (policies are put
/// afterwards with [`update`]). Returns its ARN and URI.
pub async fn create(
    ctx: &AwsContext,
    name: &str,
    settings: &RepoSettings,
) -> Result<(String, String)> {
    let mut request = ctx
        .ecr
        .create_repository()
        .set_registry_id(ctx.registry_id.clone())
        .repository_name(name)
        .set_tags(sdk_tags(&settings.tags));
    if let Some(scan) = settings.scan_on_push {
        request = request.image_scanning_configuration(scanning(scan));
    }
    if let Some(m) = &settings.mutability {
        request = request
            .image_tag_mutability(ImageTagMutability::from(m.mode.as_str()))
            .set_image_tag_mutability_exclusion_filters(exclusion_filters(m));
    }
    if let Some(e) = &settings.encryption {
        let config = EncryptionConfiguration::builder()
            .encryption_type(e.encryption_type.as_str().into())
            .set_kms_key(e.kms_key.clone())
            .build()
            .map_err(|err| CliError::usage(err.to_string()))?;
        request = request.encryption_configuration(config);
    }
    let out = request
        .send()
        .await
        .map_err(|err| sdk_error(format!("could not create repository `{name}`"), err))?;
    let repo = out
        .repository
        .ok_or_else(|| CliError::remote("CreateRepository returned no repository"))?;
    let summary = summary_from(&repo);
    Ok((summary.repository_arn, summary.repository_uri))
}

/// Brings one field of an existing repository to `settings`.
pub async fn update(
    ctx: &AwsContext,
    name: &str,
    arn: &str,
    field: Field,
    settings: &RepoSettings,
) -> Result<()> {
    let what = format!("could not update {} of `{name}`", field.as_str());
    let registry = ctx.registry_id.clone();
    let ecr = &ctx.ecr;
    match field {
        Field::ScanOnPush => {
            ecr.put_image_scanning_configuration()
                .set_registry_id(registry)
                .repository_name(name)
                .image_scanning_configuration(scanning(settings.scan_on_push.unwrap_or(false)))
                .customize()
                .interceptor(super::ExplicitScanOnPushFalse)
                .send()
                .await
                .map_err(|err| sdk_error(what, err))?;
        }
        Field::TagMutability => {
            let m = settings
                .mutability
                .clone()
                .unwrap_or_else(default_mutability);
            ecr.put_image_tag_mutability()
                .set_registry_id(registry)
                .repository_name(name)
                .image_tag_mutability(ImageTagMutability::from(m.mode.as_str()))
                .set_image_tag_mutability_exclusion_filters(exclusion_filters(&m))
                .send()
                .await
                .map_err(|err| sdk_error(what, err))?;
        }
        Field::LifecyclePolicy => {
            let text = settings.lifecycle_policy.as_ref().map(|p| p.text.clone());
            ecr.put_lifecycle_policy()
                .set_registry_id(registry)
                .repository_name(name)
                .set_lifecycle_policy_text(text)
                .send()
                .await
                .map_err(|err| sdk_error(what, err))?;
        }
        Field::RepositoryPolicy => {
            let text = settings.repository_policy.as_ref().map(|p| p.text.clone());
            ecr.set_repository_policy()
                .set_registry_id(registry)
                .repository_name(name)
                .set_policy_text(text)
                .send()
                .await
                .map_err(|err| sdk_error(what, err))?;
        }
        Field::Tags => {
            let current = tags(ctx, arn).await?;
            let delta = missing_tags(&settings.tags, &current);
            ecr.tag_resource()
                .resource_arn(arn)
                .set_tags(sdk_tags(&delta))
                .send()
                .await
                .map_err(|err| sdk_error(what, err))?;
        }
    }
    Ok(())
}

/// Every repository in the registry (all pages), optionally only names with `prefix`.
pub async fn list(ctx: &AwsContext, prefix: Option<&str>) -> Result<Vec<RepoSummary>> {
    let mut pages = ctx
        .ecr
        .describe_repositories()
        .set_registry_id(ctx.registry_id.clone())
        .max_results(1000)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|err| sdk_error("could not list repositories", err))?;
        out.extend(
            page.repositories()
                .iter()
                .map(summary_from)
                .filter(|r| prefix.is_none_or(|p| r.repository_name.starts_with(p))),
        );
    }
    out.sort_by(|a, b| a.repository_name.cmp(&b.repository_name));
    Ok(out)
}

fn scanning(scan_on_push: bool) -> ImageScanningConfiguration {
    ImageScanningConfiguration::builder()
        .scan_on_push(scan_on_push)
        .build()
}

fn exclusion_filters(m: &Mutability) -> Option<Vec<ImageTagMutabilityExclusionFilter>> {
    if m.exclusions.is_empty() {
        return None;
    }
    Some(
        m.exclusions
            .iter()
            .map(|f| {
                ImageTagMutabilityExclusionFilter::builder()
                    .filter_type(ImageTagMutabilityExclusionFilterType::Wildcard)
                    .filter(f)
                    .build()
                    .expect("filter type and filter are set")
            })
            .collect(),
    )
}

fn sdk_tags(tags: &BTreeMap<String, String>) -> Option<Vec<Tag>> {
    if tags.is_empty() {
        return None;
    }
    Some(
        tags.iter()
            .map(|(k, v)| {
                Tag::builder()
                    .key(k)
                    .value(v)
                    .build()
                    .expect("key and value are set")
            })
            .collect(),
    )
}

/// The repository policy as ECR holds it (the text, unparsed: a checker that must see
/// a key given twice cannot read it from a `Value`), if the repository has one.
pub async fn repository_policy_text(ctx: &AwsContext, name: &str) -> Result<Option<String>> {
    let result = ctx
        .ecr
        .get_repository_policy()
        .set_registry_id(ctx.registry_id.clone())
        .repository_name(name)
        .send()
        .await;
    match result {
        Ok(out) => Ok(out.policy_text().map(String::from)),
        Err(err) if error_code(&err) == Some("RepositoryPolicyNotFoundException") => Ok(None),
        Err(err) => Err(sdk_error(
            format!("could not read the repository policy of `{name}`"),
            err,
        )),
    }
}
