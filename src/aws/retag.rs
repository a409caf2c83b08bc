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

/// `tag or digest` → manifest, for those that exist. Several references per call; a
/// reference the answer does not name back (moto answers a tag with another tag of the
/// same image) is asked for alone, so every result maps to what was asked.
pub async fn get_manifests(
    client: &Client,
    registry_id: Option<&str>,
    repository: &str,
    references: &[String],
) -> Result<HashMap<String, StoredManifest>> {
    let mut unique: Vec<&str> = references.iter().map(String::as_str).collect();
    unique.sort();
    unique.dedup();
    let mut found = HashMap::new();
    let mut missing = Vec::new();
    for chunk in unique.chunks(100) {
        let Some((images, failed)) = batch(client, registry_id, repository, chunk).await? else {
            return Ok(found);
        };
        missing.extend(failed);
        for (tag, manifest) in images {
            if let Some(tag) = tag {
                found.insert(tag, manifest.clone());
            }
            found.insert(manifest.digest.clone(), manifest);
        }
    }
    let unanswered: Vec<&str> = unique
        .into_iter()
        .filter(|r| !found.contains_key(*r) && !missing.iter().any(|m| m == r))
        .collect();
    for reference in unanswered {
        if let Some((images, _)) = batch(client, registry_id, repository, &[reference]).await?
            && let Some((_, manifest)) = images.into_iter().next()
        {
            found.insert(reference.to_string(), manifest);
        }
    }
    Ok(found)
}

/// One BatchGetImage: (returned tag, manifest) pairs and the references that failed;
/// `None` when the repository does not exist.
async fn batch(
    client: &Client,
    registry_id: Option<&str>,
    repository: &str,
    references: &[&str],
) -> Result<Option<(Vec<(Option<String>, StoredManifest)>, Vec<String>)>> {
    let ids = references
        .iter()
        .map(|r| match r.starts_with("sha256:") {
            true => ImageIdentifier::builder().image_digest(*r).build(),
            false => ImageIdentifier::builder().image_tag(*r).build(),
        })
        .collect();
    let result = client
        .batch_get_image()
        .set_registry_id(registry_id.map(String::from))
        .repository_name(repository)
        .set_image_ids(Some(ids))
        .set_accepted_media_types(Some(
            crate::model::media_type::MANIFEST_TYPES
                .split(", ")
                .map(String::from)
                .collect(),
        ))
        .send()
        .await;
    let out = match result {
        Ok(out) => out,
        Err(e) if error_code(&e) == Some("RepositoryNotFoundException") => return Ok(None),
        Err(e) => {
            return Err(sdk_error(
                format!("could not read images of {repository}"),
                e,
            ));
        }
    };
    let images = out
        .images()
        .iter()
        .filter_map(|image| {
            let (id, text) = (image.image_id()?, image.image_manifest()?);
            let manifest = StoredManifest {
                text: text.to_string(),
                media_type: image.image_manifest_media_type().map(String::from),
                digest: id.image_digest().unwrap_or_default().to_string(),
            };
            Some((id.image_tag().map(String::from), manifest))
        })
        .collect();
    let failed = out
        .failures()
        .iter()
        .filter_map(|f| {
            f.image_id()
                .and_then(|id| id.image_tag().or(id.image_digest()))
                .map(String::from)
        })
        .collect();
    Ok(Some((images, failed)))
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
