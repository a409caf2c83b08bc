//! AWS CLI profile semantics that aws-config does not give by itself: an unknown profile is
//! a usage error before any call, and a profile named with `--profile` supplies the
//! credentials even when AWS_ACCESS_KEY_ID is set (botocore drops the environment provider
//! when a profile is given explicitly; AWS_PROFILE keeps the standard order).

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_runtime::env_config::file::EnvConfigFiles as ProfileFiles;
use aws_types::os_shim_internal::{Env, Fs};

use crate::error::{CliError, Result};

/// Fails with the AWS CLI's words when `name` is in neither ~/.aws/config nor
/// ~/.aws/credentials (or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE).
pub async fn ensure_exists(name: &str) -> Result<()> {
    let loaded =
        aws_config::profile::load(&Fs::real(), &Env::real(), &ProfileFiles::default(), None).await;
    let known = match &loaded {
        Ok(set) => set.get_profile(name).is_some(),
        // A malformed file is reported by aws-config with its own words when used.
        Err(_) => true,
    };
    if known {
        return Ok(());
    }
    Err(
        CliError::usage(format!("the config profile ({name}) could not be found")).with_hint(
            format!(
                "add `[profile {name}]` to ~/.aws/config (or `[{name}]` to ~/.aws/credentials), \
                 run `aws configure --profile {name}`, or pass another --profile / AWS_PROFILE"
            ),
        ),
    )
}

/// `sdk` with the credentials of profile `name` only, ignoring environment keys.
pub fn with_profile_credentials(sdk: SdkConfig, name: &str) -> SdkConfig {
    let provider_config = ProviderConfig::default()
        .with_region(sdk.region().cloned())
        .with_behavior_version(Some(BehaviorVersion::latest()));
    let provider = ProfileFileCredentialsProvider::builder()
        .configure(&provider_config)
        .profile_name(name)
        .build();
    sdk.into_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build()
}
