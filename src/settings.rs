//! Settings, resolved once from the global flags and the environment before any command
//! runs, so that a bad value is exit 2 before anything touches the network (as ripgrep
//! turns its low-level args into high-level ones). Each adapter gets only its slice:
//! `AwsSettings` for aws-config, `RegistrySettings` for registry clients, `OutputSettings`
//! for the printer. Nothing here knows clap: `cli` fills `Flags`; the credential helper,
//! which has no flags, fills it from the environment with `Flags::from_environment`.

use std::path::PathBuf;

use crate::aws::{
    AwsSettings, Profile, validate_account_id, validate_endpoint_url, validate_region,
};
use crate::error::{CliError, Result};
use crate::output::{OutputFormat, OutputSettings};
use crate::registry::{RegistrySettings, endpoint, tls};

/// Environment variables that stand for flags (clap reads them for the command line; the
/// credential helper reads them here).
pub const ENV_REGION: &str = "AWS_REGION";
pub const ENV_PROFILE: &str = "AWS_PROFILE";
pub const ENV_REGISTRY_ENDPOINT: &str = "ECRCTL_REGISTRY_ENDPOINT";
pub const ENV_CA_CERT: &str = "ECRCTL_CA_CERT";
pub const ENV_OUTPUT: &str = "ECRCTL_OUTPUT";

/// The global flags as given, before resolution. Plain data: no clap.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// `--profile` on the command line only (AWS_PROFILE is read here, with its own rules).
    pub profile: Option<String>,
    pub regions: Vec<String>,
    pub registry_ids: Vec<String>,
    pub endpoint_url: Option<String>,
    pub registry_endpoint: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub output: Option<OutputFormat>,
    pub quiet: bool,
    pub verbose: u8,
    pub no_color: bool,
    pub no_progress: bool,
}

impl Flags {
    /// What the flags would be with none given: their environment variables only.
    pub fn from_environment() -> Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let output = match var(ENV_OUTPUT).as_deref() {
            None => None,
            Some("table") => Some(OutputFormat::Table),
            Some("json") => Some(OutputFormat::Json),
            Some(other) => {
                return Err(CliError::usage(format!(
                    "{ENV_OUTPUT} is `{other}`, which is not an output format"
                ))
                .with_hint(format!(
                    "set {ENV_OUTPUT} to `table` or `json`, or unset it"
                )));
            }
        };
        Ok(Self {
            regions: var(ENV_REGION).into_iter().collect(),
            registry_endpoint: var(ENV_REGISTRY_ENDPOINT),
            ca_cert: var(ENV_CA_CERT).map(PathBuf::from),
            output,
            ..Self::default()
        })
    }
}

/// Everything a command needs to know about this run, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub aws: AwsSettings,
    pub registry: RegistrySettings,
    pub output: OutputSettings,
}

impl Settings {
    /// Validates and resolves the flags and the environment. Reads no file but --ca-cert
    /// and makes no network call.
    pub fn resolve(flags: Flags) -> Result<Self> {
        let env = |name: &str| std::env::var(name).ok();
        for region in &flags.regions {
            validate_region(region, "--region")?;
        }
        for id in &flags.registry_ids {
            validate_account_id(id)?;
        }
        for name in ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECR"] {
            if let Some(url) = env(name).filter(|v| !v.is_empty()) {
                validate_endpoint_url(&url, name)?;
            }
        }
        let endpoint_url = match &flags.endpoint_url {
            Some(url) => Some(validate_endpoint_url(url, "--endpoint-url")?),
            None => None,
        };
        if let Some(host) = &flags.registry_endpoint {
            endpoint::parse_registry_endpoint(host)?;
        }
        if let Some(path) = &flags.ca_cert {
            tls::check_ca_file(path)?;
        }
        let profile = resolve_profile(flags.profile.clone(), env(ENV_PROFILE));
        let no_color = flags.no_color || env("NO_COLOR").is_some_and(|v| !v.is_empty());
        let ci = env("CI").is_some_and(|v| v == "true" || v == "1");
        Ok(Self {
            aws: AwsSettings {
                profile,
                regions: flags.regions,
                registry_ids: flags.registry_ids,
                endpoint_url,
            },
            registry: RegistrySettings {
                endpoint: flags.registry_endpoint,
                ca_cert: flags.ca_cert,
            },
            output: OutputSettings {
                // Table stays the default when piped too: scripts ask for JSON explicitly.
                format: flags.output.unwrap_or_default(),
                quiet: flags.quiet,
                verbose: flags.verbose,
                color: !no_color,
                progress: !flags.no_progress && !ci,
            },
        })
    }
}

fn resolve_profile(flag: Option<String>, env: Option<String>) -> Option<Profile> {
    match (
        flag.filter(|p| !p.is_empty()),
        env.filter(|p| !p.is_empty()),
    ) {
        (Some(name), _) => Some(Profile {
            name,
            explicit: true,
        }),
        (None, Some(name)) => Some(Profile {
            name,
            explicit: false,
        }),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_profile_is_explicit_and_wins_over_aws_profile() {
        let p = resolve_profile(Some("a".into()), Some("b".into())).unwrap();
        assert_eq!((p.name.as_str(), p.explicit), ("a", true));
        let p = resolve_profile(None, Some("b".into())).unwrap();
        assert_eq!((p.name.as_str(), p.explicit), ("b", false));
        assert_eq!(resolve_profile(None, Some(String::new())), None);
    }
}
