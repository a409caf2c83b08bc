//! Checks the global flags before any command runs, so a bad value is an input error
//! (exit 2) before anything touches the network.

use crate::aws::validate_account_id;
use crate::cli::GlobalArgs;
use crate::error::{CliError, Result};
use crate::registry::{endpoint, tls};

pub fn validate(args: &GlobalArgs) -> Result<()> {
    for id in &args.registry_id {
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

/// The one value of a flag that only `login` may repeat.
pub fn one<'a>(values: &'a [String], flag: &str) -> Result<Option<&'a str>> {
    match values {
        [] => Ok(None),
        [one] => Ok(Some(one.as_str())),
        _ => Err(CliError::usage(format!(
            "{flag} was given {} times; this command takes one",
            values.len()
        ))
        .with_hint(format!(
            "pass a single {flag} (only `ecrctl login` takes several)"
        ))),
    }
}
