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

/// The registry host of a server URL docker passes, parsed strictly: an optional
/// `https://`/`http://`, a host name, an optional port number (1–65535), an optional
/// trailing `/` — nothing else (no user info, path, query or fragment, which could make
/// the real authority another host than the ECR name it starts with).
fn strict_host(server: &str) -> Option<String> {
    let rest = server
        .strip_prefix("https://")
        .or_else(|| server.strip_prefix("http://"))
        .unwrap_or(server);
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (name, port) = match rest.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (rest, None),
    };
    let name_ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    let port_ok = port.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n))
    });
    (name_ok && port_ok).then(|| normalize_host(server))
}

fn get_and_print(server: &str) -> i32 {
    let Some(host) = strict_host(server) else {
        return reply(NOT_FOUND, 1);
    };
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
    if host == ECR_PUBLIC || host.split(':').next() == Some(ECR_PUBLIC) {
        return Err(CliError::usage(
            "ecrctl does not serve ECR Public (public.ecr.aws)",
        )
        .with_hint(
            "pulls from public.ecr.aws need no login: remove its credHelpers entry; to push, \
             `aws ecr-public get-login-password --region us-east-1 | docker login --username AWS --password-stdin public.ecr.aws`",
        ));
    }
    let dir = cache::cache_dir()?;
    let Some(recipe) = recipe_in(dir.as_deref(), host) else {
        return Ok(None);
    };
    refresh(host, &recipe, dir, true)
        .await
        .map(Some)
        .map_err(|error| error.context(format!("could not get an ECR token for {host}")))
}

/// Whether `docker-credential-ecrctl get HOST` could answer now (for `login status`):
/// ecrctl knows how to get a token for the host, the credentials in effect resolve, and
/// either a cached token of theirs has `ECRCTL_MIN_VALIDITY` left or a refresh works now.
/// Returns the expiry of the token it would serve.
pub async fn can_serve(host: &str) -> Result<Option<i64>> {
    let dir = cache::cache_dir()?;
    let recipe = recipe_in(dir.as_deref(), host).ok_or_else(|| {
        CliError::remote(format!("ecrctl has no token recipe for {host}")).with_hint(format!(
            "run `ecrctl login --install-helper` for it (with --registry-endpoint {host} if it stands for an ECR registry)"
        ))
    })?;
    // A fresh cached token for the credentials in effect, or a refresh that works now
    // (GetAuthorizationToken really answers); a still-valid cached token does not count
    // when the refresh fails — docker would get it only until it runs out.
    let token = refresh(host, &recipe, dir, false).await?;
    Ok(token.expires_at)
}

/// How to get a token for `host`: where (region, account, endpoint form). Whose
/// credentials is not part of it: the helper always uses the credentials in effect now.
struct Recipe {
    /// The profile a login for this host named (`--profile` or AWS_PROFILE then), used
    /// only when the environment now configures no credentials at all.
    fallback_profile: Option<String>,
    region: String,
    account: Option<String>,
    /// The ECR endpoint form the host names (FIPS, dual-stack), for GetAuthorizationToken.
    fips: bool,
    dual_stack: bool,
}

/// The recipe for `host` from the cache in `dir`: the newest entry for the host says
/// where, the newest one that named a profile gives the fallback profile.
fn recipe_in(dir: Option<&std::path::Path>, host: &str) -> Option<Recipe> {
    let entries: Vec<CacheEntry> = dir
        .map(cache::all)
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e.registry == host)
        .collect();
    let fallback_profile = entries
        .iter()
        .find(|e| e.profile != "default")
        .map(|e| e.profile.clone());
    recipe_for(host, entries.first(), fallback_profile)
}

fn recipe_for(
    host: &str,
    entry: Option<&CacheEntry>,
    fallback_profile: Option<String>,
) -> Option<Recipe> {
    let ecr = parse_ecr_host(host);
    match ecr {
        // An ECR host names its account, region and endpoint form.
        Some(h) => Some(Recipe {
            fallback_profile,
            region: h.region,
            account: Some(h.account),
            fips: h.fips,
            dual_stack: h.dual_stack,
        }),
        // A host that stands for an ECR registry (`--registry-endpoint`) is known only
        // through a login's entry.
        None => entry.map(|e| Recipe {
            fallback_profile,
            region: e.region.clone(),
            account: Some(e.account.clone()),
            fips: false,
            dual_stack: false,
        }),
    }
}

/// The settings and SDK configuration of the credentials in effect now, as any ecrctl
/// command would resolve them from the environment (AWS_PROFILE, AWS_ACCESS_KEY_ID, …,
/// AWS_ENDPOINT_URL): the same chain amazon-ecr-credential-helper uses. A named profile
/// that does not exist is an error. Only when the environment yields no credentials at
/// all, and sets no AWS_PROFILE, is the profile a login recorded for the host used.
async fn recipe_sdk(recipe: &Recipe) -> Result<(aws_config::SdkConfig, Settings)> {
    let flags = Flags {
        regions: vec![recipe.region.clone()],
        ..Flags::from_environment()?
    };
    let mut settings = Settings::resolve(flags)?;
    let mut sdk = crate::aws::load_sdk_config(&settings.aws, Some(&recipe.region)).await?;
    if settings.aws.profile.is_none()
        && let Some(name) = &recipe.fallback_profile
        && !credentials_resolve(&sdk).await
    {
        settings.aws.profile = Some(Profile {
            name: name.clone(),
            explicit: true,
        });
        sdk = crate::aws::load_sdk_config(&settings.aws, Some(&recipe.region)).await?;
    }
    let mut builder = sdk.into_builder();
    if recipe.fips {
        builder.set_use_fips(Some(true));
    }
    if recipe.dual_stack {
        builder.set_use_dual_stack(Some(true));
    }
    Ok((builder.build(), settings))
}

async fn credentials_resolve(sdk: &aws_config::SdkConfig) -> bool {
    use aws_credential_types::provider::ProvideCredentials;
    match sdk.credentials_provider() {
        Some(provider) => provider.provide_credentials().await.is_ok(),
        None => false,
    }
}

/// The token settings of a helper `get` for `host` under `settings`: the API endpoint
/// comes from the environment in effect, never from a cache entry.
fn token_settings(
    host: &str,
    settings: &Settings,
    dir: Option<std::path::PathBuf>,
) -> Result<TokenSettings> {
    Ok(TokenSettings {
        profile: settings.aws.profile_name().map(String::from),
        profile_explicit: settings.aws.profile.as_ref().is_some_and(|p| p.explicit),
        api_endpoint: fetch::effective_api_endpoint(None),
        // The token is served for the host docker asked about, in the form it asked.
        registry_endpoint: Some(host.to_string()),
        cache_dir: dir,
        min_validity: min_validity()?,
        force: false,
    })
}

/// The token for exactly `host`, from the cache under the credentials in effect or from
/// the GetAuthorizationToken endpoint that matches the host's form (FIPS, dual-stack).
async fn refresh(
    host: &str,
    recipe: &Recipe,
    dir: Option<std::path::PathBuf>,
    fall_back: bool,
) -> Result<RegistryToken> {
    let (sdk, settings) = recipe_sdk(recipe).await?;
    let settings = token_settings(host, &settings, dir)?;
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
                .filter(|_| fall_back)
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
            let r = recipe_for(host, None, None).unwrap();
            assert_eq!((r.fips, r.dual_stack), (fips, dual), "{host}");
            assert_eq!(r.region, "us-east-1");
        }
        assert!(recipe_for("ghcr.io", None, None).is_none());
    }

    #[test]
    fn server_urls_are_parsed_strictly() {
        let h = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
        for ok in [
            h.to_string(),
            format!("https://{h}"),
            format!("https://{h}/"),
            format!("{h}:443"),
        ] {
            assert_eq!(
                strict_host(&ok).as_deref(),
                Some(&*normalize_host(&ok)),
                "{ok}"
            );
        }
        for bad in [
            ":@evil.com",
            ":x@evil.com:443",
            ":443#@evil.com",
            ":443?@evil.com",
            ":99999",
            "/v2/x",
            "@evil.com",
        ] {
            assert!(strict_host(&format!("{h}{bad}")).is_none(), "{bad}");
        }
    }
}
