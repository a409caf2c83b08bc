//! Images as ECR describes them (DescribeImages), as the lifecycle engine and the AWS
//! adapter share them.

use serde::{Deserialize, Serialize};

use super::media_type;

/// Where ECR keeps an image: standard storage, or the archive storage class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageClass {
    Standard,
    Archive,
}

/// Microseconds since the Unix epoch: enough to keep pushes a moment apart in order.
pub type Micros = i64;

pub const MICROS_PER_DAY: i64 = 86_400 * 1_000_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    /// The repository it is in, when known (`repositoryName` in describe-images output).
    pub repository: Option<String>,
    /// The registry (account) it is in, when known (`registryId`); not in reports.
    #[serde(skip)]
    pub registry_id: Option<String>,
    pub digest: String,
    pub tags: Vec<String>,
    pub pushed_at: Micros,
    pub size: u64,
    pub media_type: Option<String>,
    pub last_pull: Option<Micros>,
    pub storage: StorageClass,
    pub archived_at: Option<Micros>,
    pub activated_at: Option<Micros>,
    /// Manifests this image (an index / manifest list) references.
    pub children: Vec<String>,
}

impl Image {
    /// An active (standard storage) image with nothing else known.
    pub fn new(digest: impl Into<String>, tags: Vec<String>, pushed_at: Micros) -> Self {
        Image {
            repository: None,
            registry_id: None,
            digest: digest.into(),
            tags,
            pushed_at,
            size: 0,
            media_type: None,
            last_pull: None,
            storage: StorageClass::Standard,
            archived_at: None,
            activated_at: None,
            children: Vec::new(),
        }
    }

    pub fn is_index(&self) -> bool {
        self.media_type
            .as_deref()
            .is_some_and(|m| m == media_type::OCI_INDEX || m == media_type::DOCKER_MANIFEST_LIST)
    }
}
