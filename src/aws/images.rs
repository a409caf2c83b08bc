//! ECR image and lifecycle-policy calls: DescribeImages (all pages), manifest lists'
//! children (BatchGetImage), Get/PutLifecyclePolicy and ECR's own lifecycle preview.

use std::time::Duration;

use aws_sdk_ecr::types::{
    DescribeImagesFilter, ImageIdentifier, ImageStatus, ImageStatusFilter,
    LifecyclePolicyPreviewStatus,
};
use aws_smithy_types::DateTime;

use super::{AwsContext, error_code, sdk_error};
use crate::error::{CliError, Result};
use crate::model::image::{Image, Micros, StorageClass};
use crate::model::manifest::Manifest;
use crate::model::media_type;

fn micros(t: &DateTime) -> Micros {
    t.secs() * 1_000_000 + i64::from(t.subsec_nanos() / 1000)
}

/// An image as DescribeImages described it, with what the lifecycle model does not keep
/// but a saved snapshot needs (the registry and ECR's own status word).
#[derive(Debug, Clone, PartialEq)]
pub struct DescribedImage {
    pub image: Image,
    pub registry_id: Option<String>,
    /// `ACTIVE`, `ARCHIVED` or `ACTIVATING`, as ECR said it (absent when it said nothing).
    pub status: Option<&'static str>,
    pub artifact_media_type: Option<String>,
}

/// Every image in `repository`, with the children of manifest lists filled in.
pub async fn describe_images(ctx: &AwsContext, repository: &str) -> Result<Vec<Image>> {
    Ok(describe_images_detailed(ctx, repository)
        .await?
        .into_iter()
        .map(|d| d.image)
        .collect())
}

/// The filter every lifecycle read sends: DescribeImages lists only ACTIVE images unless
/// `imageStatus` says otherwise, and a lifecycle policy sees the archive too.
fn every_status() -> DescribeImagesFilter {
    DescribeImagesFilter::builder()
        .image_status(ImageStatusFilter::Any)
        .build()
}

/// Where ECR keeps an image for lifecycle purposes: an image being restored
/// (`ACTIVATING`) is still in the archive until the restore completes.
fn storage_of(status: Option<&ImageStatus>) -> std::result::Result<StorageClass, String> {
    match status {
        None | Some(ImageStatus::Active) => Ok(StorageClass::Standard),
        Some(ImageStatus::Archived | ImageStatus::Activating) => Ok(StorageClass::Archive),
        Some(other) => Err(other.as_str().to_string()),
    }
}

fn status_word(status: Option<&ImageStatus>) -> Option<&'static str> {
    match status? {
        ImageStatus::Active => Some("ACTIVE"),
        ImageStatus::Archived => Some("ARCHIVED"),
        ImageStatus::Activating => Some("ACTIVATING"),
        _ => None,
    }
}

/// Every image in `repository` in every storage state (`imageStatus` ANY), with the
/// children of manifest lists filled in.
pub async fn describe_images_detailed(
    ctx: &AwsContext,
    repository: &str,
) -> Result<Vec<DescribedImage>> {
    let mut pages = ctx
        .ecr
        .describe_images()
        .set_registry_id(ctx.registry_id.clone())
        .repository_name(repository)
        .filter(every_status())
        .max_results(1000)
        .into_paginator()
        .send();
    let mut described = Vec::new();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| sdk_error(format!("could not list the images of `{repository}`"), e))?;
        for d in page.image_details() {
            let Some(digest) = d.image_digest() else {
                continue;
            };
            // A status this version does not know could be either storage class: refuse
            // rather than judge the image in the wrong one.
            let storage = storage_of(d.image_status()).map_err(|word| {
                CliError::remote(format!(
                    "ECR describes image {digest} in `{repository}` with status `{word}`, which this version of ecrctl does not know"
                ))
                .with_hint("update ecrctl; a lifecycle preview is not exact without knowing where each image is stored")
            })?;
            described.push(DescribedImage {
                image: Image {
                    repository: Some(repository.to_string()),
                    registry_id: d.registry_id().map(String::from),
                    digest: digest.to_string(),
                    tags: d.image_tags().to_vec(),
                    pushed_at: d.image_pushed_at().map(micros).unwrap_or(0),
                    size: d.image_size_in_bytes().unwrap_or(0).max(0) as u64,
                    media_type: d.image_manifest_media_type().map(String::from),
                    last_pull: d.last_recorded_pull_time().map(micros),
                    storage,
                    archived_at: d.last_archived_at().map(micros),
                    activated_at: d.last_activated_at().map(micros),
                    children: Vec::new(),
                },
                registry_id: d.registry_id().map(String::from),
                status: status_word(d.image_status()),
                artifact_media_type: d.artifact_media_type().map(String::from),
            });
        }
    }
    fill_children(ctx, repository, &mut described).await?;
    Ok(described)
}

/// Reads each manifest list / index (≤ 100 per BatchGetImage) for the digests it names.
async fn fill_children(
    ctx: &AwsContext,
    repository: &str,
    images: &mut [DescribedImage],
) -> Result<()> {
    let indexes: Vec<usize> = (0..images.len())
        .filter(|&i| images[i].image.is_index())
        .collect();
    for chunk in indexes.chunks(100) {
        let ids = chunk
            .iter()
            .map(|&i| {
                ImageIdentifier::builder()
                    .image_digest(&images[i].image.digest)
                    .build()
            })
            .collect();
        let out = ctx
            .ecr
            .batch_get_image()
            .set_registry_id(ctx.registry_id.clone())
            .repository_name(repository)
            .set_image_ids(Some(ids))
            .accepted_media_types(media_type::OCI_INDEX)
            .accepted_media_types(media_type::DOCKER_MANIFEST_LIST)
            .send()
            .await
            .map_err(|e| {
                sdk_error(
                    format!("could not read the manifest lists of `{repository}`"),
                    e,
                )
            })?;
        // An index whose children are unknown would leave them unprotected: every one
        // asked for must come back and be readable, or the preview is not exact.
        if let Some(failure) = out.failures().first() {
            return Err(CliError::remote(format!(
                "could not read the manifest lists of `{repository}`"
            ))
            .with_cause(format!(
                "{}: {}",
                failure
                    .failure_code()
                    .map(|c| c.as_str())
                    .unwrap_or("failure"),
                failure.failure_reason().unwrap_or("no reason given")
            ))
            .with_hint(
                "an index whose children cannot be read would leave them judged as unreferenced; \
                 check ecr:BatchGetImage permission (an archived index must be restored to be read)",
            ));
        }
        for got in out.images() {
            let (Some(digest), Some(manifest)) = (
                got.image_id().and_then(|id| id.image_digest()),
                got.image_manifest(),
            ) else {
                continue;
            };
            let children = Manifest::parse(manifest.as_bytes())
                .map_err(|why| {
                    CliError::remote(format!(
                        "the manifest list {digest} in `{repository}` cannot be read"
                    ))
                    .with_cause(why)
                })?
                .children();
            if let Some(image) = images.iter_mut().find(|i| i.image.digest == digest) {
                image.image.children = children;
            }
        }
    }
    Ok(())
}

/// The repository's lifecycle policy text, if it has one.
pub async fn get_lifecycle_policy(ctx: &AwsContext, repository: &str) -> Result<Option<String>> {
    let result = ctx
        .ecr
        .get_lifecycle_policy()
        .set_registry_id(ctx.registry_id.clone())
        .repository_name(repository)
        .send()
        .await;
    match result {
        Ok(out) => Ok(out.lifecycle_policy_text().map(String::from)),
        Err(e) if error_code(&e) == Some("LifecyclePolicyNotFoundException") => Ok(None),
        Err(e) => Err(sdk_error(
            format!("could not read the lifecycle policy of `{repository}`"),
            e,
        )),
    }
}

pub async fn put_lifecycle_policy(ctx: &AwsContext, repository: &str, text: &str) -> Result<()> {
    ctx.ecr
        .put_lifecycle_policy()
        .set_registry_id(ctx.registry_id.clone())
        .repository_name(repository)
        .lifecycle_policy_text(text)
        .send()
        .await
        .map_err(|e| {
            sdk_error(
                format!("could not put the lifecycle policy on `{repository}`"),
                e,
            )
        })?;
    Ok(())
}

/// What ECR's own preview says: digests it would act on, with the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemotePreviewItem {
    pub digest: String,
    pub rule: u32,
}

/// Runs ECR's asynchronous preview and waits for it (polling with backoff) up to
/// `timeout`. `on_wait` is called between polls (for progress output).
pub async fn remote_preview(
    ctx: &AwsContext,
    repository: &str,
    policy_text: &str,
    timeout: Duration,
    on_wait: &dyn Fn(Duration),
) -> Result<Vec<RemotePreviewItem>> {
    ctx.ecr
        .start_lifecycle_policy_preview()
        .set_registry_id(ctx.registry_id.clone())
        .repository_name(repository)
        .lifecycle_policy_text(policy_text)
        .send()
        .await
        .map_err(|e| {
            sdk_error(
                format!("ECR could not start a lifecycle preview of `{repository}`"),
                e,
            )
        })?;
    let started = std::time::Instant::now();
    let mut delay = Duration::from_secs(2);
    loop {
        let (status, items) = fetch_preview(ctx, repository).await?;
        match status {
            Some(LifecyclePolicyPreviewStatus::Complete) => return Ok(items),
            Some(LifecyclePolicyPreviewStatus::Failed | LifecyclePolicyPreviewStatus::Expired) => {
                return Err(CliError::remote(format!(
                    "ECR's lifecycle preview of `{repository}` failed"
                )));
            }
            _ => {}
        }
        let waited = started.elapsed();
        if waited + delay > timeout {
            return Err(CliError::remote(format!(
                "ECR's lifecycle preview of `{repository}` was not done after {}s",
                timeout.as_secs()
            )));
        }
        on_wait(waited);
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(15));
    }
}

async fn fetch_preview(
    ctx: &AwsContext,
    repository: &str,
) -> Result<(Option<LifecyclePolicyPreviewStatus>, Vec<RemotePreviewItem>)> {
    let mut items = Vec::new();
    let mut token = None;
    loop {
        let out = ctx
            .ecr
            .get_lifecycle_policy_preview()
            .set_registry_id(ctx.registry_id.clone())
            .repository_name(repository)
            .set_next_token(token)
            .max_results(100)
            .send()
            .await
            .map_err(|e| {
                sdk_error(
                    format!("could not read ECR's lifecycle preview of `{repository}`"),
                    e,
                )
            })?;
        items.extend(out.preview_results().iter().filter_map(|r| {
            Some(RemotePreviewItem {
                digest: r.image_digest()?.to_string(),
                rule: r.applied_rule_priority()? as u32,
            })
        }));
        token = out.next_token().map(String::from);
        if token.is_none() || out.status() != Some(&LifecyclePolicyPreviewStatus::Complete) {
            return Ok((out.status().cloned(), items));
        }
    }
}
