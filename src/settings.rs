//! Settings, resolved once from the global flags and the environment before any command
//! runs, so that a bad value is exit 2 before anything touches the network (as ripgrep
//! turns its low-level args into high-level ones). Each adapter gets only its slice:
//! `AwsSettings` for aws-config, `RegistrySettings` for registry clients, `OutputSettings`
//! for the printer. Nothing here knows clap: `cli` fills `Flags`; the credential helper,
//! which has no flags, fills it from the environment with `Flags::from_environment`.

use std::path::PathBuf;

use crate::error::{CliError, Result};
use crate::registry::{endpoint, tls};

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

/// Which AWS profile, and who chose it: this decides whether environment keys win.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    /// `--profile` on the command line: its credentials win over AWS_ACCESS_KEY_ID in the
    /// environment, as in the AWS CLI. From AWS_PROFILE: the standard chain's order
    /// (environment keys first).
    pub explicit: bool,
}

/// The slice aws-config gets.
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    pub profile: Option<Profile>,
    /// `--region`, validated (several only for `login`).
    pub regions: Vec<String>,
    /// `--registry-id`, validated (several only for `login`).
    pub registry_ids: Vec<String>,
    /// `--endpoint-url`, validated; AWS_ENDPOINT_URL(_ECR) are validated too but left to
    /// aws-config to apply.
    pub endpoint_url: Option<String>,
}

/// The slice registry clients get.
#[derive(Debug, Clone, Default)]
pub struct RegistrySettings {
    /// `--registry-endpoint HOST[:PORT]`: the data-plane host standing for ECR.
    pub endpoint: Option<String>,
    /// `--ca-cert FILE`, checked readable PEM.
    pub ca_cert: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
}

/// The slice the printer and logging get.
#[derive(Debug, Clone, Copy, Default)]
pub struct OutputSettings {
    pub format: OutputFormat,
    pub quiet: bool,
    pub verbose: u8,
    /// Colour allowed (no --no-color, no NO_COLOR); still only on a terminal.
    pub color: bool,
    /// Progress bars allowed (no --no-progress, not CI=true); still only on a terminal.
    pub progress: bool,
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

impl AwsSettings {
    /// The one `--region` of a command that takes one (only `login` takes several).
    pub fn region(&self) -> Result<Option<&str>> {
        one(&self.regions, "--region")
    }

    /// The one `--registry-id` of a command that takes one.
    pub fn registry_id(&self) -> Result<Option<&str>> {
        one(&self.registry_ids, "--registry-id")
    }

    /// The profile name, however it was chosen.
    pub fn profile_name(&self) -> Option<&str> {
        self.profile.as_ref().map(|p| p.name.as_str())
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

fn one<'a>(values: &'a [String], flag: &str) -> Result<Option<&'a str>> {
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

/// AWS region names: lowercase letters, digits and dashes, such as `us-east-1`,
/// `us-gov-west-1` or `cn-northwest-1`. Anything else would only surface as an SDK
/// request-construction error.
pub fn validate_region(region: &str, source: &str) -> Result<()> {
    let shape_ok = !region.is_empty()
        && region.len() <= 40
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && region.contains('-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if shape_ok {
        return Ok(());
    }
    Err(CliError::usage(format!(
        "{source} `{}` is not an AWS region name",
        region.escape_debug()
    ))
    .with_hint("a region looks like us-east-1 or eu-west-2: lowercase letters, digits and dashes"))
}

/// ECR account IDs are exactly 12 digits.
pub fn validate_account_id(id: &str) -> Result<()> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(
            CliError::usage(format!("--registry-id `{id}` is not an AWS account ID"))
                .with_hint("an account ID is 12 digits, e.g. 123456789012"),
        )
    }
}

/// An http(s) URL with a host and no spaces; `source` names where it came from.
pub fn validate_endpoint_url(url: &str, source: &str) -> Result<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    let ok = host.is_some_and(|h| {
        !h.is_empty()
            && h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-_:[]".contains(&b))
    }) && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(url.trim_end_matches('/').to_string())
    } else {
        Err(CliError::usage(format!(
            "{source} `{}` is not an http(s) URL",
            url.escape_debug()
        ))
        .with_hint(
            "give a URL such as https://ecr.us-east-1.amazonaws.com or http://127.0.0.1:5000",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_lowercase_names_with_dashes() {
        for good in [
            "us-east-1",
            "us-gov-west-1",
            "cn-northwest-1",
            "eu-isoe-west-1",
        ] {
            assert!(validate_region(good, "--region").is_ok(), "{good}");
        }
        for bad in [
            "",
            "us east 1",
            "US-EAST-1",
            "us-east-1/",
            "ús-east-1",
            "useast1",
            "-us",
        ] {
            let err = validate_region(bad, "--region").unwrap_err();
            assert_eq!(err.exit_code().code(), 2, "{bad}");
        }
    }

    #[test]
    fn endpoint_urls_need_a_scheme_and_a_host() {
        let ok = |u| validate_endpoint_url(u, "x");
        assert_eq!(
            ok("http://127.0.0.1:5000/").unwrap(),
            "http://127.0.0.1:5000"
        );
        assert!(ok("https://ecr.us-east-1.amazonaws.com").is_ok());
        assert!(ok("127.0.0.1:5000").is_err());
        assert!(ok("https://").is_err());
        assert!(ok("http://exa mple.com").is_err());
        assert!(ok("http://ex\u{e1}mple.com").is_err());
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(validate_account_id("123456789012").is_ok());
        assert!(validate_account_id("12345678901").is_err());
        assert!(validate_account_id("12345678901a").is_err());
    }

    #[test]
    fn the_flag_profile_is_explicit_and_wins_over_aws_profile() {
        let p = resolve_profile(Some("a".into()), Some("b".into())).unwrap();
        assert_eq!((p.name.as_str(), p.explicit), ("a", true));
        let p = resolve_profile(None, Some("b".into())).unwrap();
        assert_eq!((p.name.as_str(), p.explicit), ("b", false));
        assert_eq!(resolve_profile(None, Some(String::new())), None);
    }

    #[test]
    fn a_command_taking_one_region_refuses_two() {
        let aws = AwsSettings {
            regions: vec!["us-east-1".into(), "eu-west-1".into()],
            ..AwsSettings::default()
        };
        assert_eq!(aws.region().unwrap_err().exit_code().code(), 2);
    }
}
