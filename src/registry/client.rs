//! A small OCI distribution (Docker Registry v2) client: the calls a copy needs, with
//! basic and bearer-token auth, retries with backoff on 429/5xx/resets (honouring
//! Retry-After), and blobs streamed (memory stays bounded for any layer size).
//!
//! Credentials belong to one host: a client never sends them to another, and reqwest
//! drops the Authorization header when a redirect leaves the host (ECR answers blob GETs
//! with redirects to S3).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use reqwest::{Method, RequestBuilder, Response, StatusCode, header};
use sha2::{Digest, Sha256};

use crate::error::{CliError, Result};
use crate::secret::Secret;

pub use crate::model::media_type::MANIFEST_TYPES;

const ATTEMPTS: u32 = 5;

#[derive(Clone)]
pub struct Credentials {
    pub username: String,
    pub password: Secret,
}

/// Gets fresh credentials (an ECR token) when the registry rejects the current ones.
pub type Refresh =
    Box<dyn Fn() -> futures::future::BoxFuture<'static, Option<Credentials>> + Send + Sync>;

pub struct RegistryClient {
    http: reqwest::Client,
    /// `https://host` or `http://host`.
    base: String,
    pub host: String,
    credentials: Mutex<Option<Credentials>>,
    refresh: Option<Refresh>,
    /// When credentials were last renewed: at most once a minute, so wrong credentials
    /// do not turn every request into a token call.
    refreshed: Mutex<Option<std::time::Instant>>,
    /// Bearer tokens by scope.
    tokens: Mutex<HashMap<String, String>>,
}

/// A manifest exactly as stored: its bytes are never re-serialised.
pub struct Manifest {
    pub bytes: Vec<u8>,
    pub media_type: String,
    pub digest: String,
}

pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

impl RegistryClient {
    pub fn new(
        http: reqwest::Client,
        host: &str,
        plain_http: bool,
        credentials: Option<Credentials>,
    ) -> Self {
        let scheme = if plain_http { "http" } else { "https" };
        Self {
            http,
            base: format!("{scheme}://{host}"),
            host: host.to_string(),
            credentials: Mutex::new(credentials),
            refresh: None,
            refreshed: Mutex::new(None),
            tokens: Mutex::new(HashMap::new()),
        }
    }

    /// Credentials that expire (ECR tokens, 12 h) are renewed through `refresh` on a 401,
    /// so a long run goes on without stopping.
    pub fn with_refresh(mut self, refresh: Refresh) -> Self {
        self.refresh = Some(refresh);
        self
    }

    fn may_refresh(&self) -> bool {
        let mut last = self.refreshed.lock().expect("refresh time");
        let due = last.is_none_or(|t| t.elapsed() > Duration::from_secs(60));
        if due {
            *last = Some(std::time::Instant::now());
        }
        due
    }

    fn credentials(&self) -> Option<Credentials> {
        self.credentials.lock().expect("credentials").clone()
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v2/{path}", self.base)
    }

    /// Sends a request built by `build` (called again for each retry and auth round).
    async fn send(
        &self,
        scope: &str,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Response> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let response = self.authorized(scope, &build).await;
            let retry_after = match &response {
                Ok(r)
                    if r.status() == StatusCode::TOO_MANY_REQUESTS
                        || r.status().is_server_error() =>
                {
                    Some(retry_after(r).unwrap_or_else(|| backoff(attempt)))
                }
                Ok(_) => None,
                Err(e) if e.is_timeout() || e.is_connect() || e.is_request() => {
                    Some(backoff(attempt))
                }
                Err(_) => None,
            };
            match (retry_after, attempt < ATTEMPTS) {
                (Some(wait), true) => {
                    tracing::debug!(host = %self.host, attempt, wait_ms = wait.as_millis() as u64, "retrying");
                    tokio::time::sleep(wait).await;
                }
                _ => {
                    return response.map_err(|e| {
                        CliError::remote(format!("request to {} failed", self.host))
                            .with_cause(crate::error::display_chain(&e))
                    });
                }
            }
        }
    }

    /// One request with whatever auth the registry asks for.
    async fn authorized(
        &self,
        scope: &str,
        build: &impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> reqwest::Result<Response> {
        let response = self.with_auth(build(&self.http), scope).send().await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        let challenge = response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        if challenge.to_ascii_lowercase().starts_with("bearer")
            && self.fetch_token(&challenge, scope).await.is_some()
        {
            return self.with_auth(build(&self.http), scope).send().await;
        }
        if let Some(refresh) = &self.refresh
            && self.may_refresh()
            && let Some(fresh) = refresh().await
        {
            tracing::info!(host = %self.host, "the registry refused the token; renewed it");
            *self.credentials.lock().expect("credentials") = Some(fresh);
            return self.with_auth(build(&self.http), scope).send().await;
        }
        Ok(response)
    }

    fn with_auth(&self, request: RequestBuilder, scope: &str) -> RequestBuilder {
        if let Some(token) = self.tokens.lock().expect("token cache").get(scope) {
            return request.bearer_auth(token);
        }
        match self.credentials() {
            Some(c) => request.basic_auth(&c.username, Some(c.password.expose())),
            None => request,
        }
    }

    /// The bearer-token dance: GET realm?service=…&scope=… with our credentials.
    async fn fetch_token(&self, challenge: &str, scope: &str) -> Option<()> {
        let params = parse_challenge(challenge);
        let realm = params.get("realm")?;
        let mut request = self.http.get(realm.as_str()).query(&[("scope", scope)]);
        if let Some(service) = params.get("service") {
            request = request.query(&[("service", service.as_str())]);
        }
        if let Some(c) = self.credentials() {
            request = request.basic_auth(&c.username, Some(c.password.expose()));
        }
        let body: serde_json::Value = request.send().await.ok()?.json().await.ok()?;
        let token = body
            .get("token")
            .or_else(|| body.get("access_token"))?
            .as_str()?
            .to_string();
        self.tokens
            .lock()
            .expect("token cache")
            .insert(scope.to_string(), token);
        Some(())
    }

    fn pull_scope(repo: &str) -> String {
        format!("repository:{repo}:pull")
    }

    fn push_scope(repo: &str) -> String {
        format!("repository:{repo}:pull,push")
    }

    /// The manifest for a tag or digest, or `None` when there is none.
    pub async fn get_manifest(&self, repo: &str, reference: &str) -> Result<Option<Manifest>> {
        let url = self.url(&format!("{repo}/manifests/{reference}"));
        let response = self
            .send(&Self::pull_scope(repo), |http| {
                http.get(&url).header(header::ACCEPT, MANIFEST_TYPES)
            })
            .await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let response = check(
            response,
            &format!("reading {}/{repo}:{reference}", self.host),
        )
        .await?;
        let media_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(crate::model::media_type::OCI_MANIFEST)
            .to_string();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| {
                CliError::remote(format!("reading {repo}:{reference}")).with_cause(e.to_string())
            })?
            .to_vec();
        Ok(Some(Manifest {
            digest: sha256_digest(&bytes),
            bytes,
            media_type,
        }))
    }

    /// Every repository the registry lists (`/v2/_catalog`, all pages).
    pub async fn catalog(&self) -> Result<Vec<String>> {
        self.paged(
            "registry:catalog:*",
            &self.url("_catalog?n=1000"),
            "repositories",
        )
        .await
    }

    /// Every tag of a repository (`/v2/REPO/tags/list`, all pages).
    pub async fn tags(&self, repo: &str) -> Result<Vec<String>> {
        self.paged(
            &Self::pull_scope(repo),
            &self.url(&format!("{repo}/tags/list?n=1000")),
            "tags",
        )
        .await
    }

    /// Follows `Link: <…>; rel="next"` pages, collecting the string list under `key`.
    async fn paged(&self, scope: &str, first: &str, key: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut next = Some(first.to_string());
        while let Some(url) = next.take() {
            let response = self.send(scope, |http| http.get(&url)).await?;
            if response.status() == StatusCode::NOT_FOUND && key == "tags" {
                break;
            }
            let response = check(response, &format!("listing {url}")).await?;
            next = response
                .headers()
                .get(header::LINK)
                .and_then(|v| v.to_str().ok())
                .and_then(|link| link.split(';').next())
                .map(|target| {
                    target
                        .trim()
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .to_string()
                })
                .map(|target| {
                    if target.starts_with("http") {
                        target
                    } else {
                        format!("{}{target}", self.base)
                    }
                });
            let body: serde_json::Value = response.json().await.map_err(|e| {
                CliError::remote(format!("listing {url}")).with_cause(e.to_string())
            })?;
            out.extend(
                body[key]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(String::from)),
            );
        }
        Ok(out)
    }

    /// The digest a tag points at, or `None`.
    pub async fn manifest_digest(&self, repo: &str, reference: &str) -> Result<Option<String>> {
        Ok(self.get_manifest(repo, reference).await?.map(|m| m.digest))
    }

    pub async fn put_manifest(
        &self,
        repo: &str,
        reference: &str,
        manifest: &Manifest,
    ) -> Result<()> {
        let url = self.url(&format!("{repo}/manifests/{reference}"));
        let response = self
            .send(&Self::push_scope(repo), |http| {
                http.put(&url)
                    .header(header::CONTENT_TYPE, &manifest.media_type)
                    .body(manifest.bytes.clone())
            })
            .await?;
        check(
            response,
            &format!("writing {}/{repo}:{reference}", self.host),
        )
        .await
        .map(|_| ())
    }

    pub async fn blob_exists(&self, repo: &str, digest: &str) -> Result<bool> {
        let url = self.url(&format!("{repo}/blobs/{digest}"));
        let response = self
            .send(&Self::pull_scope(repo), |http| http.head(&url))
            .await?;
        Ok(response.status().is_success())
    }

    /// Cross-repository mount; `false` when the registry declined (ECR: opt-in).
    pub async fn mount_blob(&self, repo: &str, digest: &str, from: &str) -> Result<bool> {
        let url = self.url(&format!("{repo}/blobs/uploads/"));
        let response = self
            .send(&Self::push_scope(repo), |http| {
                http.post(&url).query(&[("mount", digest), ("from", from)])
            })
            .await?;
        Ok(response.status() == StatusCode::CREATED)
    }

    /// Streams a blob from `source` into this registry as one monolithic upload
    /// (POST, then a single PUT with the whole body: ECR breaks chunked PATCH uploads).
    pub async fn copy_blob_from(
        &self,
        source: &RegistryClient,
        source_repo: &str,
        repo: &str,
        digest: &str,
        size: u64,
    ) -> Result<()> {
        let url = self.url(&format!("{repo}/blobs/uploads/"));
        let started = self
            .send(&Self::push_scope(repo), |http| http.post(&url))
            .await?;
        let started = check(
            started,
            &format!("starting an upload to {}/{repo}", self.host),
        )
        .await?;
        let location = started
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| CliError::remote(format!("{} gave no upload location", self.host)))?;
        let location = if location.starts_with("http") {
            location.to_string()
        } else {
            format!("{}{location}", self.base)
        };
        let separator = if location.contains('?') { '&' } else { '?' };
        let put_url = format!("{location}{separator}digest={digest}");

        let source_url = source.url(&format!("{source_repo}/blobs/{digest}"));
        let download = source
            .send(&Self::pull_scope(source_repo), |http| http.get(&source_url))
            .await?;
        let download = check(
            download,
            &format!("reading blob {digest} from {}", source.host),
        )
        .await?;
        let body = reqwest::Body::wrap_stream(download.bytes_stream());
        let scope = Self::push_scope(repo);
        let request = self
            .with_auth(self.http.request(Method::PUT, &put_url), &scope)
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .header(header::CONTENT_LENGTH, size)
            .body(body);
        let response = request.send().await.map_err(|e| {
            CliError::remote(format!("uploading {digest} to {}", self.host))
                .with_cause(crate::error::display_chain(&e))
        })?;
        check(
            response,
            &format!("uploading {digest} to {}/{repo}", self.host),
        )
        .await
        .map(|_| ())
    }
}

/// `Bearer realm="…",service="…"` → its parameters.
fn parse_challenge(challenge: &str) -> HashMap<String, String> {
    let rest = challenge.split_once(' ').map(|(_, r)| r).unwrap_or("");
    let mut params = HashMap::new();
    for part in rest.split(',') {
        if let Some((k, v)) = part.trim().split_once('=') {
            params.insert(
                k.trim().to_ascii_lowercase(),
                v.trim().trim_matches('"').to_string(),
            );
        }
    }
    params
}

fn retry_after(response: &Response) -> Option<Duration> {
    let seconds: u64 = response
        .headers()
        .get(header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds.min(60)))
}

/// Exponential backoff with jitter: ~0.5 s, 1 s, 2 s, 4 s (± 25 %).
fn backoff(attempt: u32) -> Duration {
    let base = 500u64 << attempt.saturating_sub(1).min(6);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let jitter = (u64::from(nanos) % (base / 2 + 1)) as i64 - (base / 4) as i64;
    Duration::from_millis((base as i64 + jitter).max(50) as u64)
}

/// A registry error (`{"errors":[{"code","message"}]}`) as a CliError.
async fn check(response: Response, what: &str) -> Result<Response> {
    if response.status().is_success() {
        return Ok(response);
    }
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    let detail = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| {
            let e = v.get("errors")?.get(0)?.clone();
            Some(format!(
                "{}: {}",
                e.get("code")?.as_str()?,
                e.get("message").and_then(|m| m.as_str()).unwrap_or("")
            ))
        })
        .unwrap_or_else(|| status.to_string());
    let mut error = CliError::remote(format!("{what} failed")).with_cause(detail.clone());
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        error = error
            .with_hint("check the credentials for this registry (docker login / ecrctl login)");
    } else if detail.starts_with("NAME_UNKNOWN") {
        error = error.with_hint("the repository does not exist: ECR needs it created first (ecrctl creates ECR repositories it copies into)");
    }
    Err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bearer_challenges() {
        let p = parse_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull""#,
        );
        assert_eq!(p["realm"], "https://auth.docker.io/token");
        assert_eq!(p["service"], "registry.docker.io");
    }

    #[test]
    fn backoff_grows_and_stays_bounded() {
        assert!(backoff(1) <= Duration::from_millis(700));
        assert!(backoff(4) >= Duration::from_millis(3000));
        assert!(backoff(40) <= Duration::from_secs(40));
    }
}
