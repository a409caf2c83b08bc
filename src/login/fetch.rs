//! Getting registry tokens: from the cache while they have `min_validity` left, else with
//! one GetAuthorizationToken per region (concurrently). A token is valid for every
//! registry the caller may access, so several accounts in a region share one call.

use aws_config::SdkConfig;
use futures::future::try_join_all;

use super::cache::{self, CacheEntry, CacheKey};
use super::token::{self, RegistryToken};
use crate::aws::{ecr_client, ensure_credentials, sdk_error};
use crate::error::{CliError, Result};
use crate::registry::endpoint::{ecr_registry_host, parse_ecr_host};

/// Which registry a login is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginTarget {
    /// `None`: the caller's own account.
    pub registry_id: Option<String>,
    pub region: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenSource {
    Cache,
    Aws,
}

/// A token and where it came from.
#[derive(Debug, Clone)]
pub struct Obtained {
    pub target: LoginTarget,
    pub token: RegistryToken,
    pub source: TokenSource,
    /// ECR issued it already expired (clock skew, or a stand-in): used once, not cached.
    pub expired_at_birth: bool,
}

/// Everything that decides where tokens come from and where they are cached.
#[derive(Debug, Clone)]
pub struct TokenSettings {
    pub profile: Option<String>,
    /// `--profile` (its credentials win over the environment's), not AWS_PROFILE.
    pub profile_explicit: bool,
    pub api_endpoint: Option<String>,
    pub registry_endpoint: Option<String>,
    pub cache_dir: std::path::PathBuf,
    pub min_validity: i64,
    pub force: bool,
}

impl TokenSettings {
    /// Settings for this run: the user's cache, no forced refresh.
    pub fn new(settings: &crate::settings::Settings, min_validity: i64) -> Result<Self> {
        Ok(Self {
            profile: settings.aws.profile_name().map(String::from),
            profile_explicit: settings.aws.profile.as_ref().is_some_and(|p| p.explicit),
            api_endpoint: effective_api_endpoint(settings.aws.endpoint_url.as_deref()),
            registry_endpoint: settings.registry.endpoint.clone(),
            cache_dir: super::cache::cache_dir()?,
            min_validity,
            force: false,
        })
    }

    pub fn key(&self, target: &LoginTarget) -> CacheKey {
        CacheKey {
            profile: self.profile.clone().unwrap_or_else(|| "default".into()),
            profile_explicit: self.profile_explicit,
            registry_id: target
                .registry_id
                .clone()
                .unwrap_or_else(|| "default".into()),
            region: target.region.clone(),
            api_endpoint: self.api_endpoint.clone(),
            registry_endpoint: self.registry_endpoint.clone(),
        }
    }
}

/// The API endpoint in effect: the flag, else what aws-config reads from the environment.
pub fn effective_api_endpoint(flag: Option<&str>) -> Option<String> {
    flag.map(String::from)
        .or_else(|| std::env::var("AWS_ENDPOINT_URL_ECR").ok())
        .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
        .filter(|s| !s.is_empty())
}

/// Tokens for every target, from the cache where possible.
pub async fn obtain(
    sdk: &SdkConfig,
    settings: &TokenSettings,
    targets: &[LoginTarget],
) -> Result<Vec<Obtained>> {
    let now = token::now();
    let mut cached = Vec::new();
    let mut missing = Vec::new();
    for target in targets {
        let hit = (!settings.force)
            .then(|| cache::read(&settings.cache_dir, &settings.key(target)))
            .flatten()
            .filter(|e| token::reusable(e.expires_at, now, settings.min_validity))
            .and_then(|e| e.token());
        match hit {
            Some(token) => {
                tracing::info!(registry = %token.host, expires_at = ?token.expires_at, "using the cached token");
                cached.push(Obtained {
                    target: target.clone(),
                    token,
                    source: TokenSource::Cache,
                    expired_at_birth: false,
                })
            }
            None => missing.push(target.clone()),
        }
    }
    if missing.is_empty() {
        return Ok(cached);
    }
    ensure_credentials(sdk, settings.profile.as_deref()).await?;
    let mut regions: Vec<String> = missing.iter().map(|t| t.region.clone()).collect();
    regions.sort();
    regions.dedup();
    let answers = try_join_all(regions.iter().map(|r| get_authorization_token(sdk, r))).await?;
    for target in missing {
        let answer = &answers[regions
            .iter()
            .position(|r| *r == target.region)
            .expect("region asked for")];
        let obtained = token_for(sdk, settings, &target, answer)?;
        // Only a token with time left is worth storing; the recipe is stored regardless.
        let store = obtained.token.expires_at.is_some_and(|t| t > now);
        let entry = CacheEntry::new(&obtained.token, &settings.key(&target), now, store);
        cache::write(&settings.cache_dir, &settings.key(&target), &entry)?;
        tracing::debug!(registry = %obtained.token.host, cached = store, dir = %settings.cache_dir.display(), "wrote the token cache entry");
        cached.push(obtained);
    }
    Ok(cached)
}

/// One region's GetAuthorizationToken answer.
struct TokenAnswer {
    username: String,
    password: crate::secret::Secret,
    expires_at: Option<i64>,
    proxy_host: String,
}

async fn get_authorization_token(sdk: &SdkConfig, region: &str) -> Result<TokenAnswer> {
    tracing::info!(region, "calling GetAuthorizationToken");
    let out = ecr_client(sdk, region)
        .get_authorization_token()
        .send()
        .await
        .map_err(|e| sdk_error(format!("could not get a registry token in {region}"), e))?;
    let data = out.authorization_data().first().ok_or_else(|| {
        CliError::remote(format!(
            "GetAuthorizationToken in {region} returned no token"
        ))
    })?;
    let (username, password) = data
        .authorization_token()
        .and_then(token::decode_authorization_token)
        .ok_or_else(|| {
            CliError::remote(format!(
                "GetAuthorizationToken in {region} returned a malformed token"
            ))
        })?;
    Ok(TokenAnswer {
        username,
        expires_at: data.expires_at().map(|t| t.secs()),
        proxy_host: data
            .proxy_endpoint()
            .map(crate::docker::config::normalize_host)
            .unwrap_or_default(),
        password,
    })
}

fn token_for(
    sdk: &SdkConfig,
    settings: &TokenSettings,
    target: &LoginTarget,
    answer: &TokenAnswer,
) -> Result<Obtained> {
    let account = match &target.registry_id {
        Some(id) => id.clone(),
        None => parse_ecr_host(&answer.proxy_host)
            .map(|h| h.account)
            .ok_or_else(|| {
                CliError::remote(format!(
                    "cannot tell the account from the registry endpoint `{}` ECR returned",
                    answer.proxy_host
                ))
                .with_hint("pass --registry-id ACCOUNT")
            })?,
    };
    let host = match &settings.registry_endpoint {
        Some(host) => host.clone(),
        None if sdk.use_fips() == Some(true) => {
            ecr_registry_host(&account, &target.region).replacen(".dkr.ecr.", ".dkr.ecr-fips.", 1)
        }
        None => ecr_registry_host(&account, &target.region),
    };
    let expired_at_birth = answer.expires_at.is_some_and(|t| t <= token::now());
    Ok(Obtained {
        target: target.clone(),
        token: RegistryToken {
            host,
            account,
            region: target.region.clone(),
            username: answer.username.clone(),
            password: answer.password.clone(),
            expires_at: answer.expires_at,
        },
        source: TokenSource::Aws,
        expired_at_birth,
    })
}
