//! Re-tagging inside one ECR registry through the API: BatchGetImage (≤ 100 images per
//! call) reads manifests, PutImage writes them under new tags. No blob moves.

use std::collections::HashMap;

use aws_sdk_ecr::Client;
use aws_sdk_ecr::types::ImageIdentifier;

use super::{error_code, sdk_error};
use crate::error::{CliError, Result};

/// A manifest as ECR stores it.
#[derive(Debug, Clone)]
pub struct StoredManifest {
    pub text: String,
    pub media_type: Option<String>,
    pub digest: String,
}

/// `tag or digest` → manifest, for those that exist.
pub async fn get_manifests(
    client: &Client,
    registry_id: Option<&str>,
    repository: &str,
    references: &[String],
) -> Result<HashMap<String, StoredManifest>> {
    let mut found = HashMap::new();
    for chunk in references.chunks(100) {
        let ids = chunk
            .iter()
            .map(|r| match r.starts_with("sha256:") {
                true => ImageIdentifier::builder().image_digest(r).build(),
                false => ImageIdentifier::builder().image_tag(r).build(),
            })
            .collect();
        let result = client
            .batch_get_image()
            .set_registry_id(registry_id.map(String::from))
            .repository_name(repository)
            .set_image_ids(Some(ids))
            .set_accepted_media_types(Some(
                crate::registry::client::MANIFEST_TYPES
                    .split(", ")
                    .map(String::from)
                    .collect(),
            ))
            .send()
            .await;
        let out = match result {
            Ok(out) => out,
            Err(e) if error_code(&e) == Some("RepositoryNotFoundException") => return Ok(found),
            Err(e) => {
                return Err(sdk_error(
                    format!("could not read images of {repository}"),
                    e,
                ));
            }
        };
        for image in out.images() {
            let (Some(id), Some(text)) = (image.image_id(), image.image_manifest()) else {
                continue;
            };
            let manifest = StoredManifest {
                text: text.to_string(),
                media_type: image.image_manifest_media_type().map(String::from),
                digest: id.image_digest().unwrap_or_default().to_string(),
            };
            if let Some(tag) = id.image_tag() {
                found.insert(tag.to_string(), manifest.clone());
            }
            found.insert(manifest.digest.clone(), manifest);
        }
    }
    Ok(found)
}

/// What PutImage said.
pub enum PutOutcome {
    Written,
    /// The tag already points at this digest.
    AlreadyThere,
}

pub async fn put_tag(
    client: &Client,
    registry_id: Option<&str>,
    repository: &str,
    tag: &str,
    manifest: &StoredManifest,
) -> Result<PutOutcome> {
    let result = client
        .put_image()
        .set_registry_id(registry_id.map(String::from))
        .repository_name(repository)
        .image_manifest(&manifest.text)
        .set_image_manifest_media_type(manifest.media_type.clone())
        .image_tag(tag)
        .image_digest(&manifest.digest)
        .send()
        .await;
    match result {
        Ok(_) => Ok(PutOutcome::Written),
        Err(e) if error_code(&e) == Some("ImageAlreadyExistsException") => {
            Ok(PutOutcome::AlreadyThere)
        }
        Err(e) if error_code(&e) == Some("ImageTagAlreadyExistsException") => {
            Err(CliError::remote(format!(
                "{repository} is IMMUTABLE and `{tag}` already exists"
            )))
        }
        Err(e) => Err(sdk_error(format!("could not tag {repository}:{tag}"), e)),
    }
}
