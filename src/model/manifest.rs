//! Image manifests and indexes (OCI image spec 1.1; Docker's schema 2 manifest and
//! manifest list have the same shape), read strictly with the `oci-spec` types: a
//! descriptor without a valid digest or size fails the read instead of being skipped,
//! so a copy never leaves a blob behind because a field was missing or misspelled.

use oci_spec::image::{Descriptor, ImageIndex, ImageManifest};

/// A blob a manifest names: its digest (`sha256:…`) and size in bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Blob {
    pub digest: String,
    pub size: u64,
}

/// A manifest's content: one image, or an index of other manifests.
#[derive(Debug, Clone)]
pub enum Manifest {
    Image(Box<ImageManifest>),
    Index(Box<ImageIndex>),
}

impl Manifest {
    /// Reads manifest bytes. An index is recognised by its `manifests` list, an image
    /// manifest by its `config` and `layers`; anything else (e.g. Docker's old schema 1,
    /// with `fsLayers`) is refused with the reason.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let shape: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
        let has = |key: &str| shape.get(key).is_some();
        if has("manifests") {
            serde_json::from_value(shape)
                .map(|i| Manifest::Index(Box::new(i)))
                .map_err(|e| format!("not a valid image index: {e}"))
        } else if has("config") || has("layers") {
            serde_json::from_value(shape)
                .map(|m| Manifest::Image(Box::new(m)))
                .map_err(|e| format!("not a valid image manifest: {e}"))
        } else if has("fsLayers") {
            Err(
                "a Docker schema 1 manifest, which ECR does not accept: convert it \
                 (e.g. `skopeo copy --format v2s2`)"
                    .into(),
            )
        } else {
            Err("neither an image manifest (config, layers) nor an index (manifests)".into())
        }
    }

    /// The config and layer blobs of an image manifest that a copy moves; none for an
    /// index. Foreign / non-distributable layers (Windows base images) are left out: as
    /// skopeo does, they are not fetched and their descriptors are kept as they are.
    pub fn blobs(&self) -> Vec<Blob> {
        match self {
            Manifest::Image(m) => std::iter::once(m.config())
                .chain(m.layers().iter().filter(|d| !is_foreign(d)))
                .map(blob)
                .collect(),
            Manifest::Index(_) => Vec::new(),
        }
    }

    /// The foreign / non-distributable layers an image manifest names (not copied).
    pub fn foreign_layers(&self) -> Vec<Blob> {
        match self {
            Manifest::Image(m) => m
                .layers()
                .iter()
                .filter(|d| is_foreign(d))
                .map(blob)
                .collect(),
            Manifest::Index(_) => Vec::new(),
        }
    }

    /// The digests of the manifests an index lists; none for an image manifest.
    pub fn children(&self) -> Vec<String> {
        match self {
            Manifest::Index(i) => i
                .manifests()
                .iter()
                .map(|d| d.digest().to_string())
                .collect(),
            Manifest::Image(_) => Vec::new(),
        }
    }
}

/// Docker's foreign layer type and OCI's (deprecated) non-distributable layer types: the
/// bytes live elsewhere (the descriptor's `urls`) and registries never hold them.
pub fn is_foreign_media_type(media_type: &str) -> bool {
    media_type.starts_with("application/vnd.docker.image.rootfs.foreign.")
        || media_type.starts_with("application/vnd.oci.image.layer.nondistributable.")
}

fn is_foreign(descriptor: &Descriptor) -> bool {
    is_foreign_media_type(descriptor.media_type().as_ref())
}

fn blob(descriptor: &Descriptor) -> Blob {
    Blob {
        digest: descriptor.digest().to_string(),
        size: descriptor.size(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const D2: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    fn image(layers: &str) -> String {
        format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
              "config":{{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"{D1}","size":7}},
              "layers":[{layers}]}}"#
        )
    }

    #[test]
    fn an_image_manifest_names_its_config_and_layers() {
        let layer = format!(
            r#"{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{D2}","size":42}}"#
        );
        let m = Manifest::parse(image(&layer).as_bytes()).unwrap();
        assert_eq!(
            m.blobs(),
            [
                Blob {
                    digest: D1.into(),
                    size: 7
                },
                Blob {
                    digest: D2.into(),
                    size: 42
                }
            ]
        );
        assert!(m.children().is_empty());
    }

    #[test]
    fn foreign_layers_are_named_but_not_copied() {
        let layers = format!(
            r#"{{"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","digest":"{D2}","size":42,"urls":["https://mcr.microsoft.com/x"]}},
               {{"mediaType":"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip","digest":"{D1}","size":3}}"#
        );
        let m = Manifest::parse(image(&layers).as_bytes()).unwrap();
        assert_eq!(m.blobs().len(), 1, "only the config");
        assert_eq!(m.foreign_layers().len(), 2);
        assert!(!is_foreign_media_type(
            "application/vnd.oci.image.layer.v1.tar+gzip"
        ));
    }

    #[test]
    fn an_index_names_its_manifests() {
        let index = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
              {{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{D1}","size":1,"platform":{{"architecture":"amd64","os":"linux"}}}},
              {{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{D2}","size":2}}]}}"#
        );
        let m = Manifest::parse(index.as_bytes()).unwrap();
        assert_eq!(m.children(), [D1, D2]);
        assert!(m.blobs().is_empty());
    }

    #[test]
    fn a_descriptor_missing_its_digest_or_size_is_refused_not_skipped() {
        for layer in [
            r#"{"mediaType":"x","size":1}"#.to_string(),
            format!(r#"{{"mediaType":"x","digest":"{D2}"}}"#),
            format!(r#"{{"mediaType":"x","digest":"{D2}","size":"1"}}"#),
            r#"{"mediaType":"x","digest":"sha256:../../etc","size":1}"#.to_string(),
        ] {
            let err = Manifest::parse(image(&layer).as_bytes()).unwrap_err();
            assert!(
                err.starts_with("not a valid image manifest"),
                "{layer}: {err}"
            );
        }
    }

    #[test]
    fn schema_1_and_other_shapes_are_named() {
        let err = Manifest::parse(br#"{"schemaVersion":1,"fsLayers":[]}"#).unwrap_err();
        assert!(err.contains("schema 1"), "{err}");
        assert!(Manifest::parse(b"{}").is_err());
        assert!(
            Manifest::parse(b"not json")
                .unwrap_err()
                .starts_with("not JSON")
        );
    }
}
