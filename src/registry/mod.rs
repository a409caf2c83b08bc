//! The registry data plane (OCI distribution API): hosts and TLS trust. Later commands
//! (login, push-check, migrate) build their HTTP clients here.

pub mod client;
pub mod deadline;
pub mod endpoint;
pub mod probe;
pub mod retry;
mod settings;
pub mod tls;

pub use settings::RegistrySettings;
