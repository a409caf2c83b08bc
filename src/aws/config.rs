//! Loads the standard AWS configuration chain (env, shared profiles incl. SSO, process
//! credentials, ECS/IMDS) once, checks region and credentials up front so that a missing one
//! is a clear error instead of an SDK dump, and builds the ECR client.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_ecr::config::ProvideCredentials;

use super::AwsSettings;
use crate::error::{CliError, Result};

use super::profiles;

/// Attempts per AWS call (standard retry mode: exponential backoff with jitter on
/// throttling, 5xx and connection resets) unless AWS_MAX_ATTEMPTS says otherwise.
const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// A loaded AWS configuration and the ECR client built from it.
#[derive(Debug, Clone)]
pub struct AwsContext {
    pub sdk: SdkConfig,
    pub ecr: aws_sdk_ecr::Client,
    pub region: String,
    /// `--registry-id`: the account whose registry is meant (default: the caller's).
    pub registry_id: Option<String>,
}

/// Loads configuration, verifies a region and credentials exist, and builds the client.
pub async fn load(aws: &AwsSettings) -> Result<AwsContext> {
    let sdk = load_sdk_config(aws, aws.region()?).await?;
    let region = region_of(&sdk)?;
    ensure_credentials(&sdk, aws.profile_name()).await?;
    Ok(AwsContext {
        ecr: ecr_client(&sdk, &region),
        sdk,
        region,
        registry_id: aws.registry_id()?.map(String::from),
    })
}

/// The shared configuration (profile, region, endpoint, retries, timeouts). Reads files
/// and the environment only: no credentials are resolved and no AWS call is made.
pub async fn load_sdk_config(aws: &AwsSettings, region: Option<&str>) -> Result<SdkConfig> {
    let retry = retry_config_from_env()?;
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry)
        .timeout_config(timeouts()?);
    if let Some(profile) = &aws.profile {
        profiles::ensure_exists(&profile.name).await?;
        loader = loader.profile_name(&profile.name);
    }
    if let Some(region) = region {
        loader = loader.region(Region::new(region.to_string()));
    }
    if let Some(url) = &aws.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let sdk = loader.load().await;
    Ok(match &aws.profile {
        Some(profile) if profile.explicit => profiles::with_profile_credentials(sdk, &profile.name),
        _ => sdk,
    })
}

/// The configured region (flag, AWS_REGION or the profile's), checked, or an error that
/// says how to set one.
pub fn region_of(sdk: &SdkConfig) -> Result<String> {
    let region = sdk.region().map(|r| r.to_string()).ok_or_else(|| {
        CliError::usage("no AWS region is configured")
            .with_hint("set AWS_REGION or pass --region (e.g. --region us-east-1)")
    })?;
    super::validate_region(&region, "the configured region")?;
    Ok(region)
}

/// An ECR client for `region`, sharing everything else with `sdk`.
pub fn ecr_client(sdk: &SdkConfig, region: &str) -> aws_sdk_ecr::Client {
    let config = aws_sdk_ecr::config::Builder::from(sdk)
        .region(Region::new(region.to_string()))
        .build();
    aws_sdk_ecr::Client::from_conf(config)
}

/// Connect fails fast; a single attempt (body included: the SDK reads it inside the
/// attempt) or a whole operation (with retries) never hangs. `ECRCTL_HTTP_TIMEOUT`
/// (default 60 s) bounds an attempt, and five of them the operation, so an endpoint that
/// trickles bytes fails like one that is silent.
fn timeouts() -> Result<TimeoutConfig> {
    let attempt = crate::registry::deadline::request_timeout()?;
    Ok(TimeoutConfig::builder()
        .connect_timeout(attempt.min(Duration::from_secs(5)))
        .read_timeout(attempt)
        .operation_attempt_timeout(attempt)
        .operation_timeout(attempt * 5)
        .build())
}

/// aws-config panics on a malformed AWS_MAX_ATTEMPTS / AWS_RETRY_MODE unless given an
/// explicit retry config, so we read and validate them ourselves.
fn retry_config_from_env() -> Result<RetryConfig> {
    let attempts = match std::env::var("AWS_MAX_ATTEMPTS") {
        Ok(raw) => parse_max_attempts(&raw)?,
        Err(_) => DEFAULT_MAX_ATTEMPTS,
    };
    let mode = std::env::var("AWS_RETRY_MODE").unwrap_or_default();
    let config = match mode.to_ascii_lowercase().as_str() {
        "" | "standard" | "legacy" => RetryConfig::standard(),
        "adaptive" => RetryConfig::adaptive(),
        _ => {
            return Err(CliError::usage(format!(
                "AWS_RETRY_MODE is `{mode}`, which is not a retry mode"
            ))
            .with_hint("set AWS_RETRY_MODE to `standard` or `adaptive`, or unset it"));
        }
    };
    Ok(config.with_max_attempts(attempts))
}

fn parse_max_attempts(raw: &str) -> Result<u32> {
    match raw.trim().parse::<u32>() {
        Ok(n) if (1..=20).contains(&n) => Ok(n),
        _ => Err(CliError::usage(format!(
            "AWS_MAX_ATTEMPTS is `{raw}`, not a whole number from 1 to 20"
        ))
        .with_hint("set AWS_MAX_ATTEMPTS to e.g. 5, or unset it")),
    }
}

/// Resolves credentials once, so that missing or expired ones are a clear error.
pub async fn ensure_credentials(sdk: &SdkConfig, profile: Option<&str>) -> Result<()> {
    let provider = sdk
        .credentials_provider()
        .ok_or_else(|| no_credentials(profile))?;
    match provider.provide_credentials().await {
        Ok(_) => Ok(()),
        Err(CredentialsError::CredentialsNotLoaded(_)) => Err(no_credentials(profile)),
        Err(err) => Err(credentials_failed(&err, profile)),
    }
}

fn no_credentials(profile: Option<&str>) -> CliError {
    match profile {
        Some(p) => CliError::remote(format!("no AWS credentials found for profile `{p}`")).with_hint(format!(
            "check that `[profile {p}]` exists in ~/.aws/config (or AWS_CONFIG_FILE) with credentials, \
             an SSO session (`aws sso login --profile {p}`) or a role to assume"
        )),
        None => CliError::remote("no AWS credentials found").with_hint(
            "set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, pass --profile NAME, \
             or run `aws configure` / `aws sso login`",
        ),
    }
}

fn credentials_failed(err: &CredentialsError, profile: Option<&str>) -> CliError {
    let detail = crate::error::display_chain(err);
    let sso = detail.to_ascii_lowercase().contains("sso");
    let hint = match (sso, profile) {
        (true, Some(p)) => {
            format!("the SSO session may have expired: run `aws sso login --profile {p}`")
        }
        (true, None) => "the SSO session may have expired: run `aws sso login`".to_string(),
        (false, Some(p)) => format!("check profile `{p}` in ~/.aws/config and ~/.aws/credentials"),
        (false, None) => "check AWS_PROFILE, ~/.aws/config and ~/.aws/credentials".to_string(),
    };
    CliError::remote("could not load AWS credentials")
        .with_cause(detail)
        .with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_attempts_must_be_a_small_whole_number() {
        assert_eq!(parse_max_attempts("3").unwrap(), 3);
        assert!(parse_max_attempts("0").is_err());
        assert!(parse_max_attempts("lots").is_err());
        assert_eq!(parse_max_attempts("99").unwrap_err().exit_code().code(), 2);
    }
}
