//! An image reference a running workload uses, as its source wrote it, and who uses it
//! (`ECS service prod/api`, `Kubernetes pod default/web-1`…). Adapters produce these;
//! `lifecycle::in_use` parses the references and keeps those of the registry in question.

/// One image reference in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageUse {
    /// The reference as written: `HOST/REPO:TAG`, `HOST/REPO@sha256:…`, `repo:tag@sha256:…`.
    pub image: String,
    /// Who uses it, for people: `ECS service CLUSTER/SERVICE`.
    pub user: String,
}

impl ImageUse {
    pub fn new(image: impl Into<String>, user: impl Into<String>) -> Self {
        ImageUse {
            image: image.into(),
            user: user.into(),
        }
    }
}
