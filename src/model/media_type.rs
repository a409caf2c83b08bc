//! Manifest media types of the OCI image spec and Docker's registry API v2.

pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// Every manifest type a copy must accept (an HTTP Accept value), so nothing is converted
/// on the way.
pub const MANIFEST_TYPES: &str = "application/vnd.oci.image.index.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.v2+json";

#[cfg(test)]
mod tests {
    #[test]
    fn the_accept_value_lists_every_manifest_type() {
        for t in [
            super::OCI_INDEX,
            super::DOCKER_MANIFEST_LIST,
            super::OCI_MANIFEST,
        ] {
            assert!(super::MANIFEST_TYPES.contains(t), "{t}");
        }
    }
}
