//! Getting registry tokens: from the cache while they have `min_validity` left, else with
//! one GetAuthorizationToken per region (concurrently). A token is valid for every
//! registry the caller may access, so several accounts in a region share one call.

use aws_config::SdkConfig;
use futures::future::join_all;

use super::cache::{self, CacheEntry, CacheKey};
use super::token::{self, RegistryToken};
use crate::aws::identity::{credentials_fingerprint, fingerprint};
use crate::aws::{ecr_client, sdk_error};
use crate::error::{CliError, Result};
use crate::registry::endpoint::{ecr_registry_host_in, parse_ecr_host};

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
    /// What went wrong around it without stopping it (a cache that could not be written,
    /// a refresh that failed while the cached token is still valid), for a warning.
    pub warnings: Vec<String>,
}

/// One target's token, or why it could not be had.
pub type TargetResult = std::result::Result<Obtained, CliError>;

/// Everything that decides where tokens come from and where they are cached.
#[derive(Debug, Clone)]
pub struct TokenSettings {
    pub profile: Option<String>,
    /// `--profile` (its credentials win over the environment's), not AWS_PROFILE.
    pub profile_explicit: bool,
    pub api_endpoint: Option<String>,
    pub registry_endpoint: Option<String>,
    /// `None`: the cache is switched off (`ECRCTL_NO_CACHE`, `AWS_ECR_DISABLE_CACHE`).
    pub cache_dir: Option<std::path::PathBuf>,
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

    /// The cache key of `target` for the credentials with fingerprint `identity`.
    pub fn key(&self, identity: &str, target: &LoginTarget) -> CacheKey {
        CacheKey {
            identity: identity.to_string(),
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

/// Tokens for every target, all or nothing (for `migrate` and `push-check`); what
/// went wrong around a token that is still used is a warning on stderr.
pub async fn obtain(
    sdk: &SdkConfig,
    settings: &TokenSettings,
    targets: &[LoginTarget],
) -> Result<Vec<Obtained>> {
    let obtained = obtain_each(sdk, settings, targets)
        .await?
        .into_iter()
        .collect::<Result<Vec<_>>>()?;
    for warning in obtained.iter().flat_map(|o| &o.warnings) {
        crate::output::to_stderr(&format!("warning: {}\n", crate::output::sanitize(warning)));
    }
    Ok(obtained)
}

/// Tokens for every target, from the cache where possible, in the order asked. Who the
/// caller is comes first (the cache is keyed by it): without credentials nothing is
/// served, and that is the only error for all targets at once. A region whose
/// GetAuthorizationToken fails fails only its own targets.
pub async fn obtain_each(
    sdk: &SdkConfig,
    settings: &TokenSettings,
    targets: &[LoginTarget],
) -> Result<Vec<TargetResult>> {
    let identity = identity(sdk, settings).await?;
    obtain_as(&identity, sdk, settings, targets).await
}

/// The fingerprint of the credentials in effect (the cache's key); an error when there
/// are none.
///
/// Long-term keys are keyed by the fingerprint of their access key id (local, no call).
/// Temporary credentials (an assumed role, SSO, a web identity) get new keys in every
/// process, so they are keyed by the principal STS names for them (GetCallerIdentity:
/// the role ARN without its session name, or the user ARN), asked once per key and
/// recorded next to the cache ([`cache::write_alias`]): the same role finds its token
/// again in the next process. When STS cannot say, the key's fingerprint is used.
pub async fn identity(sdk: &SdkConfig, settings: &TokenSettings) -> Result<String> {
    use aws_credential_types::provider::ProvideCredentials;
    let resolved = match sdk.credentials_provider() {
        Some(provider) => provider.provide_credentials().await.ok(),
        None => None,
    };
    let Some(credentials) = resolved else {
        // The same lookup again, for its precise error and hint.
        return credentials_fingerprint(sdk, settings.profile.as_deref()).await;
    };
    let key_id = fingerprint(credentials.access_key_id());
    if credentials.session_token().is_none() {
        return Ok(key_id);
    }
    let dir = settings.cache_dir.as_deref();
    if let Some(id) = dir.and_then(|d| cache::read_alias(d, &key_id)) {
        return Ok(id);
    }
    let sts = aws_sdk_sts::Client::new(sdk);
    let arn = match sts.get_caller_identity().send().await {
        Ok(out) => out.arn().map(String::from),
        Err(e) => {
            tracing::debug!(error = %crate::aws::sdk_error("GetCallerIdentity", e), "keying the cache by the access key");
            None
        }
    };
    let Some(arn) = arn else {
        return Ok(key_id);
    };
    let id = principal_fingerprint(&arn);
    if let Some(dir) = dir
        && let Err(e) = cache::write_alias(dir, &key_id, &id)
    {
        tracing::debug!(error = %e, "could not record the principal of the credentials");
    }
    Ok(id)
}

/// The cache identity of a principal: the role of an assumed-role session (its session
/// name changes with every process that assumes it), else the ARN itself.
pub fn principal_fingerprint(arn: &str) -> String {
    let principal = match arn.split_once(":assumed-role/") {
        Some((head, rest)) => {
            let role = rest.split_once('/').map_or(rest, |(role, _)| role);
            format!("{head}:assumed-role/{role}")
        }
        None => arn.to_string(),
    };
    fingerprint(&format!("principal:{principal}"))
}

/// [`obtain_each`] for credentials whose fingerprint is already known.
pub async fn obtain_as(
    identity: &str,
    sdk: &SdkConfig,
    settings: &TokenSettings,
    targets: &[LoginTarget],
) -> Result<Vec<TargetResult>> {
    let now = token::now();
    let cached_entry = |target: &LoginTarget| {
        let dir = settings.cache_dir.as_ref()?;
        cache::read(dir, &settings.key(identity, target))
    };
    let mut results: Vec<Option<TargetResult>> = vec![None; targets.len()];
    let mut missing = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        let hit = (!settings.force)
            .then(|| cached_entry(target))
            .flatten()
            .filter(|e| token::reusable(e.expires_at, now, settings.min_validity))
            .and_then(|e| e.token());
        match hit {
            Some(token) => {
                tracing::info!(registry = %token.host, expires_at = ?token.expires_at, "using the cached token");
                results[i] = Some(Ok(Obtained {
                    target: target.clone(),
                    token,
                    source: TokenSource::Cache,
                    expired_at_birth: false,
                    warnings: Vec::new(),
                }));
            }
            None => missing.push(i),
        }
    }
    let mut regions: Vec<String> = missing.iter().map(|&i| targets[i].region.clone()).collect();
    regions.sort();
    regions.dedup();
    // An explicit API endpoint (VPC endpoint, stand-in) is where the token request goes,
    // whatever form (FIPS, dual-stack) the registry host has: the SDK refuses both at once.
    let api_sdk = match settings.api_endpoint {
        Some(_) => sdk
            .clone()
            .into_builder()
            .use_fips(false)
            .use_dual_stack(false)
            .build(),
        None => sdk.clone(),
    };
    let answers = join_all(regions.iter().map(|r| get_authorization_token(&api_sdk, r))).await;
    for i in missing {
        let target = &targets[i];
        let answer = &answers[regions
            .iter()
            .position(|r| *r == target.region)
            .expect("region asked for")];
        let result = match answer {
            Ok(answer) => token_for(sdk, settings, target, answer).map(|mut obtained| {
                // Only a token with time left is worth storing; the recipe is stored regardless.
                let store = obtained.token.expires_at.is_some_and(|t| t > now);
                if let Some(dir) = &settings.cache_dir {
                    let key = settings.key(identity, target);
                    let entry = CacheEntry::new(&obtained.token, &key, now, store);
                    match cache::write(dir, &key, &entry) {
                        Ok(()) => {
                            tracing::debug!(registry = %obtained.token.host, cached = store, dir = %dir.display(), "wrote the token cache entry")
                        }
                        Err(e) => obtained.warnings.push(format!(
                            "could not cache the token for {} (it is used anyway): {}",
                            obtained.token.host,
                            e
                        )),
                    }
                }
                obtained
            }),
            // A forced refresh that failed is a failure: the old token is what it replaces.
            Err(error) if settings.force => Err(error.clone()),
            Err(error) => {
                // A token that is still valid (if below --min-validity) beats no token, as
                // for amazon-ecr-credential-helper; an expired one is never handed out.
                let still_valid = cached_entry(target)
                    .filter(|e| e.expires_at.is_some_and(|t| t > now))
                    .and_then(|e| e.token());
                match still_valid {
                    Some(token) => Ok(Obtained {
                        target: target.clone(),
                        warnings: vec![format!(
                            "could not refresh the ECR token for {}; using the cached one: {}",
                            token.host,
                            error
                        )],
                        token,
                        source: TokenSource::Cache,
                        expired_at_birth: false,
                    }),
                    None => Err(error.clone()),
                }
            }
        };
        results[i] = Some(result);
    }
    Ok(results
        .into_iter()
        .map(|r| r.expect("every target has a result"))
        .collect())
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
        None => ecr_registry_host_in(
            &account,
            &target.region,
            sdk.use_fips() == Some(true),
            sdk.use_dual_stack() == Some(true),
        ),
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
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_of_one_role_share_an_identity_and_other_principals_do_not() {
        let a = principal_fingerprint("arn:aws:sts::222222222222:assumed-role/x/aws-sdk-rust-1");
        let b = principal_fingerprint("arn:aws:sts::222222222222:assumed-role/x/aws-sdk-rust-2");
        assert_eq!(a, b);
        assert_eq!(a.len(), 16);
        assert_ne!(
            a,
            principal_fingerprint("arn:aws:sts::222222222222:assumed-role/y/s")
        );
        assert_ne!(
            a,
            principal_fingerprint("arn:aws:sts::333333333333:assumed-role/x/s")
        );
        assert_ne!(a, principal_fingerprint("arn:aws:iam::222222222222:user/x"));
    }
}
