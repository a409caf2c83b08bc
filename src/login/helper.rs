//! `docker-credential-ecrctl`: docker's credential-helper protocol, served from the token
//! cache and refreshed from AWS before a token runs out, so docker, buildx, skopeo, crane
//! and podman never see an expired ECR token.
//!
//! `get` reads a host on stdin and prints `{"ServerURL","Username","Secret"}`; `list`
//! prints the hosts it can serve. The helper is read-only: `store` and `erase` accept
//! and ignore their input, since ECR tokens come from AWS, not from `docker login`.

use std::io::Read;

use super::cache::{self, CacheEntry};
use super::fetch::{self, LoginTarget, TokenSettings};
use super::token::{self, RegistryToken};
use crate::aws::Profile;
use crate::docker::config::normalize_host;
use crate::error::{CliError, Result};
use crate::output::to_stderr;
use crate::registry::endpoint::parse_ecr_host;
use crate::settings::{Flags, Settings};

/// What docker treats as "no credentials for this host" (then it goes anonymous).
const NOT_FOUND: &str = "credentials not found in native keychain";

/// Runs one helper action; returns the exit code.
pub fn main(action: Option<&str>) -> i32 {
    let mut input = String::new();
    if matches!(action, Some("get" | "store" | "erase")) {
        let _ = std::io::stdin().read_to_string(&mut input);
    }
    match action {
        Some("get") => get_and_print(input.trim()),
        Some("list") => {
            // With no cache folder (no home at all) there is nothing this helper serves.
            let entries = match cache::cache_dir() {
                Ok(Some(dir)) => cache::all(&dir),
                _ => Vec::new(),
            };
            let hosts: serde_json::Map<String, serde_json::Value> = entries
                .into_iter()
                .map(|e| (e.registry, serde_json::Value::String(e.username)))
                .collect();
            reply(&serde_json::Value::Object(hosts).to_string(), 0)
        }
        // Read-only: nothing to store or erase; succeeding keeps `docker login/logout` quiet.
        Some("store" | "erase") => 0,
        Some("version") => {
            let version = env!("CARGO_PKG_VERSION");
            reply(&format!("docker-credential-ecrctl (ecrctl {version})"), 0)
        }
        _ => {
            to_stderr(
                "usage: docker-credential-ecrctl get|list|store|erase|version (docker runs this; see `ecrctl login --help`)\n",
            );
            2
        }
    }
}

/// Writes the helper's answer (one line) for docker; an answer that cannot be written did
/// not reach docker, so the helper fails (exit 1) instead of claiming success.
fn reply(text: &str, code: i32) -> i32 {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => code,
        Err(e) => {
            to_stderr(&format!(
                "docker-credential-ecrctl: could not write the answer: {e}\n"
            ));
            1
        }
    }
}

/// What docker's credential-helper protocol expects from `get` (no schemaVersion: the
/// shape is docker's, not ecrctl's).
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct HelperGetAnswer<'a> {
    #[serde(rename = "ServerURL")]
    server_url: &'a str,
    username: &'a str,
    secret: &'a str,
}

fn get_and_print(server: &str) -> i32 {
    let host = normalize_host(server);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the tokio runtime starts");
    match runtime.block_on(get(&host)) {
        Ok(Some(token)) => {
            let answer = HelperGetAnswer {
                server_url: server,
                username: &token.username,
                secret: token.password.expose(),
            };
            reply(
                &serde_json::to_string(&answer).expect("strings serialize"),
                0,
            )
        }
        Ok(None) => reply(NOT_FOUND, 1),
        Err(error) => {
            // docker shows what a failing helper prints on stdout.
            let message = crate::output::failure::render(&error, &crate::output::Paint::plain());
            to_stderr(&message);
            reply(message.trim_end(), 1)
        }
    }
}

/// Minimum time left for a cached token to be served (`ECRCTL_MIN_VALIDITY`, default 1h).
/// A malformed value is an error (docker shows it), never a silent 1h.
fn min_validity() -> Result<i64> {
    let Some(text) = std::env::var("ECRCTL_MIN_VALIDITY")
        .ok()
        .filter(|v| !v.is_empty())
    else {
        return Ok(3600);
    };
    crate::duration::parse_duration(&text)
        .map(|d| d.as_secs() as i64)
        .map_err(|why| {
            CliError::usage(format!(
                "ECRCTL_MIN_VALIDITY `{text}` is not a valid duration"
            ))
            .with_cause(why)
            .with_hint("set it to e.g. 30m or 2h, or unset it (default 1h)")
        })
}

/// ECR Public's registry: its tokens come from `ecr-public` GetAuthorizationToken, which
/// ecrctl does not call (docs/login.md).
pub const ECR_PUBLIC: &str = "public.ecr.aws";

/// A token for `host`: cached while fresh for the credentials in effect, else refreshed;
/// `None` if ecrctl does not serve that host. An expired token is never served, even
/// when a refresh fails, and a token cached for other credentials is never served.
async fn get(host: &str) -> Result<Option<RegistryToken>> {
    if host == ECR_PUBLIC {
        return Err(CliError::usage(
            "ecrctl does not serve ECR Public (public.ecr.aws)",
        )
        .with_hint(
            "pulls from public.ecr.aws need no login: remove its credHelpers entry; to push, \
             `aws ecr-public get-login-password --region us-east-1 | docker login --username AWS --password-stdin public.ecr.aws`",
        ));
    }
    let dir = cache::cache_dir()?;
    let entry = dir.as_deref().and_then(|d| cache::find_by_host(d, host));
    let Some(recipe) = recipe_for(host, entry.as_ref()) else {
        return Ok(None);
    };
    refresh(host, &recipe, dir)
        .await
        .map(Some)
        .map_err(|error| error.context(format!("could not get an ECR token for {host}")))
}

/// Whether `docker-credential-ecrctl get HOST` could answer now (for `login status`):
/// ecrctl knows how to get a token for the host and the credentials it would use
/// resolve. Returns the expiry of the cached token it would serve, if one is cached for
/// these credentials.
pub async fn can_serve(host: &str) -> Result<Option<i64>> {
    let dir = cache::cache_dir()?;
    let entry = dir.as_deref().and_then(|d| cache::find_by_host(d, host));
    let recipe = recipe_for(host, entry.as_ref()).ok_or_else(|| {
        CliError::remote(format!("ecrctl has no token recipe for {host}")).with_hint(format!(
            "run `ecrctl login --install-helper` for it (with --registry-endpoint {host} if it stands for an ECR registry)"
        ))
    })?;
    let sdk =
        crate::aws::load_sdk_config(&recipe_settings(&recipe)?.aws, Some(&recipe.region)).await?;
    let identity =
        crate::aws::identity::credentials_fingerprint(&sdk, recipe.profile.as_deref()).await?;
    Ok(dir.as_deref().and_then(|d| {
        cache::all(d)
            .into_iter()
            .find(|e| e.registry == host && e.identity.as_deref() == Some(identity.as_str()))
            .filter(|e| e.password.is_some())
            .and_then(|e| e.expires_at)
    }))
}

/// How to get a token for `host`.
struct Recipe {
    profile: Option<String>,
    profile_explicit: bool,
    region: String,
    account: Option<String>,
    api_endpoint: Option<String>,
    /// The ECR endpoint form the host names (FIPS, dual-stack), for GetAuthorizationToken.
    fips: bool,
    dual_stack: bool,
}

fn recipe_for(host: &str, entry: Option<&CacheEntry>) -> Option<Recipe> {
    let ecr = parse_ecr_host(host);
    let (fips, dual_stack) = ecr
        .as_ref()
        .map(|h| (h.fips, h.dual_stack))
        .unwrap_or_default();
    if let Some(e) = entry {
        return Some(Recipe {
            profile: (e.profile != "default").then(|| e.profile.clone()),
            profile_explicit: e.profile_explicit,
            region: e.region.clone(),
            account: Some(e.account.clone()),
            api_endpoint: e.api_endpoint.clone(),
            fips,
            dual_stack,
        });
    }
    // An ECR host names its account and region; the profile comes from the environment.
    let ecr = ecr?;
    Some(Recipe {
        profile: std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()),
        profile_explicit: false,
        region: ecr.region,
        account: Some(ecr.account),
        api_endpoint: None,
        fips,
        dual_stack,
    })
}

/// The same settings a command gets, from the environment (a helper has no flags) and
/// from what the recipe says about this host.
fn recipe_settings(recipe: &Recipe) -> Result<Settings> {
    let flags = Flags {
        regions: vec![recipe.region.clone()],
        endpoint_url: recipe.api_endpoint.clone(),
        ..Flags::from_environment()?
    };
    let mut settings = Settings::resolve(flags)?;
    if let Some(name) = &recipe.profile {
        settings.aws.profile = Some(Profile {
            name: name.clone(),
            explicit: recipe.profile_explicit,
        });
    }
    Ok(settings)
}

/// The token for exactly `host`, from the cache under the credentials in effect or from
/// the GetAuthorizationToken endpoint that matches the host's form (FIPS, dual-stack).
async fn refresh(
    host: &str,
    recipe: &Recipe,
    dir: Option<std::path::PathBuf>,
) -> Result<RegistryToken> {
    let sdk =
        crate::aws::load_sdk_config(&recipe_settings(recipe)?.aws, Some(&recipe.region)).await?;
    let mut builder = sdk.into_builder();
    if recipe.fips {
        builder.set_use_fips(Some(true));
    }
    if recipe.dual_stack {
        builder.set_use_dual_stack(Some(true));
    }
    let sdk = builder.build();
    let settings = TokenSettings {
        profile: recipe.profile.clone(),
        profile_explicit: recipe.profile_explicit,
        api_endpoint: fetch::effective_api_endpoint(recipe.api_endpoint.as_deref()),
        // The token is served for the host docker asked about, in the form it asked.
        registry_endpoint: Some(host.to_string()),
        cache_dir: dir,
        min_validity: min_validity()?,
        force: false,
    };
    let target = LoginTarget {
        registry_id: recipe.account.clone(),
        region: recipe.region.clone(),
    };
    // The newest token for this host that these credentials obtained (by a login or an
    // earlier `get`), whatever else its key says; never one of other credentials.
    let identity = fetch::identity(&sdk, &settings).await?;
    let now = token::now();
    let mine = settings.cache_dir.as_deref().and_then(|dir| {
        cache::all(dir)
            .into_iter()
            .find(|e| e.registry == host && e.identity.as_deref() == Some(identity.as_str()))
    });
    if let Some(token) = mine
        .as_ref()
        .filter(|e| token::reusable(e.expires_at, now, settings.min_validity))
        .and_then(CacheEntry::token)
    {
        return Ok(token);
    }
    let fetched = fetch::obtain_as(&identity, &sdk, &settings, &[target])
        .await?
        .pop()
        .ok_or_else(|| CliError::remote("no token returned"))?;
    let obtained = match fetched {
        Ok(obtained) => obtained,
        Err(error) => {
            // A token that is still valid beats none; an expired one is never served.
            let still_valid = mine
                .filter(|e| e.expires_at.is_some_and(|t| t > now))
                .and_then(|e| e.token());
            let Some(token) = still_valid else {
                return Err(error);
            };
            to_stderr(&format!(
                "warning: could not refresh the ECR token for {host}; serving the cached one: {}\n",
                crate::output::sanitize(&error.to_string())
            ));
            return Ok(token);
        }
    };
    for warning in &obtained.warnings {
        to_stderr(&format!("warning: {}\n", crate::output::sanitize(warning)));
    }
    if obtained.token.host != host {
        return Err(CliError::remote(format!(
            "the token obtained is for {}, not {host}",
            obtained.token.host
        )));
    }
    Ok(obtained.token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipes_follow_the_host_form() {
        for (host, fips, dual) in [
            ("123456789012.dkr.ecr.us-east-1.amazonaws.com", false, false),
            (
                "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com",
                true,
                false,
            ),
            ("123456789012.dkr-ecr.us-east-1.on.aws", false, true),
            ("123456789012.dkr-ecr-fips.us-east-1.on.aws", true, true),
        ] {
            let r = recipe_for(host, None).unwrap();
            assert_eq!((r.fips, r.dual_stack), (fips, dual), "{host}");
            assert_eq!(r.region, "us-east-1");
        }
        assert!(recipe_for("ghcr.io", None).is_none());
    }
}
