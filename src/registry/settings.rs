//! The registry slice of the settings: the data-plane endpoint override and extra CA.

use std::path::PathBuf;

/// The slice registry clients get.
#[derive(Debug, Clone, Default)]
pub struct RegistrySettings {
    /// `--registry-endpoint HOST[:PORT]`: the data-plane host standing for ECR.
    pub endpoint: Option<String>,
    /// `--ca-cert FILE`, checked readable PEM.
    pub ca_cert: Option<PathBuf>,
}
