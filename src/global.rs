//! Checks the global flags before any command runs, so a bad value is an input error
//! (exit 2) before anything touches the network.

use crate::aws::validate_account_id;
use crate::cli::GlobalArgs;
use crate::error::Result;
use crate::registry::{endpoint, tls};

pub fn validate(args: &GlobalArgs) -> Result<()> {
    if let Some(id) = &args.registry_id {
        validate_account_id(id)?;
    }
    if let Some(host) = &args.registry_endpoint {
        endpoint::parse_registry_endpoint(host)?;
    }
    if let Some(path) = &args.ca_cert {
        tls::check_ca_file(path)?;
    }
    Ok(())
}
