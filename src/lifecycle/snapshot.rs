//! `ecrctl lifecycle snapshot`: what a lifecycle policy sees, saved as describe-images
//! JSON — every image in every storage state (`imageStatus` ANY), each naming its
//! repository, and each index with the `childManifests` that describe-images does not
//! print — so that `lifecycle preview --images FILE` on it is as exact as a live preview.

use futures::stream::{self, StreamExt, TryStreamExt};
use serde::Serialize;

use super::images::{Micros, StorageClass};
use crate::aws::images::{self as ecr_images, DescribedImage};
use crate::aws::{self, repositories};
use crate::cli::LifecycleSnapshotArgs;
use crate::outcome::{CommandResult, Outcome};
use crate::output::Printer;
use crate::settings::Settings;

/// `{"imageDetails":[…]}`, as `aws ecr describe-images --output json` prints it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotDocument<'a> {
    pub image_details: Vec<SnapshotDetail<'a>>,
}

/// One image detail with AWS's field names (and `childManifests` for indexes).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotDetail<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry_id: Option<&'a str>,
    pub repository_name: &'a str,
    pub image_digest: &'a str,
    /// Omitted when empty, as ECR does for untagged images.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub image_tags: &'a [String],
    pub image_size_in_bytes: u64,
    pub image_pushed_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_manifest_media_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_media_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_recorded_pull_time: Option<String>,
    pub image_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_archived_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_activated_at: Option<String>,
    /// Present (possibly empty) for every index, absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub child_manifests: Option<&'a [String]>,
}

/// RFC 3339 with every microsecond kept: order among images pushed in the same second
/// depends on it.
fn exact_time(micros: Micros) -> String {
    jiff::Timestamp::from_microsecond(micros)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| (micros / 1_000_000).to_string())
}

impl<'a> SnapshotDetail<'a> {
    pub fn new(d: &'a DescribedImage, repository: &'a str) -> Self {
        let i = &d.image;
        SnapshotDetail {
            registry_id: d.registry_id.as_deref(),
            repository_name: i.repository.as_deref().unwrap_or(repository),
            image_digest: &i.digest,
            image_tags: &i.tags,
            image_size_in_bytes: i.size,
            image_pushed_at: exact_time(i.pushed_at),
            image_manifest_media_type: i.media_type.as_deref(),
            artifact_media_type: d.artifact_media_type.as_deref(),
            last_recorded_pull_time: i.last_pull.map(exact_time),
            // The images were asked for with imageStatus ANY, so an image ECR gave no
            // status is one it judged active; writing it keeps the file self-describing.
            image_status: d.status.unwrap_or(match i.storage {
                StorageClass::Standard => "ACTIVE",
                StorageClass::Archive => "ARCHIVED",
            }),
            last_archived_at: i.archived_at.map(exact_time),
            last_activated_at: i.activated_at.map(exact_time),
            child_manifests: i.is_index().then_some(i.children.as_slice()),
        }
    }
}

/// The whole document for the repositories read, in the order given.
pub fn document(repositories: &[(String, Vec<DescribedImage>)]) -> SnapshotDocument<'_> {
    SnapshotDocument {
        image_details: repositories
            .iter()
            .flat_map(|(name, images)| images.iter().map(move |d| SnapshotDetail::new(d, name)))
            .collect(),
    }
}

pub async fn run(
    settings: &Settings,
    args: &LifecycleSnapshotArgs,
    printer: &Printer,
) -> CommandResult {
    let ctx = aws::load(&settings.aws).await?;
    let names: Vec<String> = match &args.source.repository {
        Some(name) => vec![name.clone()],
        None => repositories::list(&ctx, args.repository_prefix.as_deref())
            .await?
            .into_iter()
            .map(|r| r.repository_name)
            .collect(),
    };
    // Everything is read before anything is printed: a failure in any repository is
    // exit 3 with nothing on stdout, never a partial snapshot that looks whole.
    let read: Vec<(String, Vec<DescribedImage>)> = stream::iter(names)
        .map(|name| {
            let ctx = &ctx;
            async move {
                let images = ecr_images::describe_images_detailed(ctx, &name).await?;
                Ok::<_, crate::error::CliError>((name, images))
            }
        })
        .buffered(usize::from(args.jobs))
        .try_collect()
        .await?;
    let doc = document(&read);
    printer.info(&format!(
        "{} from {}",
        crate::output::count(doc.image_details.len(), "image", "images"),
        crate::output::count(read.len(), "repository", "repositories")
    ));
    printer.json(&doc);
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::images::{Image, parse_images_file};
    use crate::model::media_type;

    fn described(mut image: Image, status: Option<&'static str>) -> DescribedImage {
        image.repository = Some("team/api".into());
        image.registry_id = Some("123456789012".into());
        DescribedImage {
            image,
            registry_id: Some("123456789012".into()),
            status,
            artifact_media_type: None,
        }
    }

    /// Every kind of detail a snapshot writes reads back through the offline parser as
    /// the same image (an image being restored is in the archive for lifecycle purposes).
    #[test]
    fn every_detail_round_trips_through_the_parser() {
        let t = 1_767_225_600_123_456; // 2026-01-01T00:00:00.123456Z
        let mut index = Image::new("sha256:index", vec!["v1".into()], t);
        index.media_type = Some(media_type::OCI_INDEX.into());
        index.children = vec!["sha256:amd64".into(), "sha256:arm64".into()];
        index.size = 300;
        let mut child = Image::new("sha256:amd64", vec![], t - 1);
        child.media_type = Some(media_type::OCI_MANIFEST.into());
        child.size = 300;
        child.last_pull = Some(t + 7);
        let mut empty_index = Image::new("sha256:empty", vec![], t);
        empty_index.media_type = Some(media_type::DOCKER_MANIFEST_LIST.into());
        let mut archived = Image::new("sha256:old", vec!["v0".into(), "legacy".into()], 1);
        archived.storage = StorageClass::Archive;
        archived.archived_at = Some(t - 100 * 86_400_000_000);
        let mut restoring = archived.clone();
        restoring.digest = "sha256:restoring".into();
        restoring.activated_at = Some(t);
        let mut restored = restoring.clone();
        restored.digest = "sha256:restored".into();
        restored.storage = StorageClass::Standard;
        let silent = Image::new("sha256:silent", vec!["x".into()], t);
        let read = vec![(
            "team/api".to_string(),
            vec![
                described(index, Some("ACTIVE")),
                described(child, Some("ACTIVE")),
                described(empty_index, Some("ACTIVE")),
                described(archived, Some("ARCHIVED")),
                described(restoring, Some("ACTIVATING")),
                described(restored, Some("ACTIVE")),
                described(silent, None),
            ],
        )];
        let text = serde_json::to_string_pretty(&document(&read)).unwrap();
        let file = parse_images_file(&text).unwrap();
        let expected: Vec<&Image> = read[0].1.iter().map(|d| &d.image).collect();
        assert_eq!(file.images.len(), expected.len());
        for (got, want) in file.images.iter().zip(expected) {
            assert_eq!(got, want, "{text}");
        }
        assert!(file.facts.has_archive_fields);
        assert_eq!(file.facts.indexes_without_children, 0, "{text}");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let details = value["imageDetails"].as_array().unwrap();
        assert_eq!(details[0]["imagePushedAt"], "2026-01-01T00:00:00.123456Z");
        assert_eq!(details[0]["registryId"], "123456789012");
        assert_eq!(details[4]["imageStatus"], "ACTIVATING");
        assert_eq!(details[6]["imageStatus"], "ACTIVE");
        assert!(details[1].get("imageTags").is_none());
        assert!(details[1].get("childManifests").is_none());
        assert_eq!(details[2]["childManifests"], serde_json::json!([]));
        assert!(details.iter().all(|d| d["repositoryName"] == "team/api"));
    }

    #[test]
    fn several_repositories_make_one_document() {
        let a = described(Image::new("sha256:a", vec![], 1_000_000), None);
        let mut b = described(Image::new("sha256:b", vec![], 2_000_000), None);
        b.image.repository = Some("team/web".into());
        let read = vec![
            ("team/api".to_string(), vec![a]),
            ("team/web".into(), vec![b]),
        ];
        let text = serde_json::to_string(&document(&read)).unwrap();
        let images = parse_images_file(&text).unwrap().images;
        assert_eq!(images[0].repository.as_deref(), Some("team/api"));
        assert_eq!(images[1].repository.as_deref(), Some("team/web"));
    }
}
