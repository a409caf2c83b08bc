//! A small OCI distribution (Docker Registry v2) client: the calls a copy needs, with
//! basic and bearer-token auth, the one retry policy of `retry` (transient failures only,
//! `Retry-After` honoured), deadlines from `deadline` on every request, and blobs
//! streamed (memory stays bounded for any layer size).
//!
//! Credentials belong to one host: a client never sends them to another, and reqwest
//! drops the Authorization header when a redirect leaves the host (ECR answers blob GETs
//! with redirects to S3).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{Method, RequestBuilder, Response, StatusCode, header};
use sha2::{Digest, Sha256};

use super::deadline;
use super::retry::{self, Failed, Notice};
use crate::error::{CliError, Result};
use crate::secret::Secret;

pub use crate::model::media_type::MANIFEST_TYPES;

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
    /// The per-request deadline the HTTP client was built with (blobs scale it).
    limit: Duration,
    /// Where long retry waits are announced.
    notice: Option<Notice>,
    /// A token realm on plain HTTP was warned about (once per client).
    warned_realm: std::sync::atomic::AtomicBool,
    /// Trips when the host stops answering (see `retry::Breaker`).
    breaker: retry::Breaker,
    /// The registry answered a cross-repository mount with 201 at least once: it
    /// honours mounts, so a mount from the target repository itself answers "is the
    /// blob there?" and starts the upload when it is not, in one request.
    mounts_honoured: std::sync::atomic::AtomicBool,
    /// The registry answered 404 to the referrers API: it has none (OCI 1.1: a
    /// registry offering the API never answers 404 for a repository that exists).
    no_referrers_api: std::sync::atomic::AtomicBool,
}

/// What a cross-repository mount request came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mount {
    /// 201: the blob is in the repository now.
    Mounted,
    /// 202: the registry did not mount it and started an ordinary upload instead; its
    /// location (resolved) takes the blob's bytes, as docker's client uses it.
    Upload(String),
    /// Neither: upload the blob the usual way.
    Declined,
}

/// An answer whose (small) body has been read within the request's deadline.
struct Fetched {
    status: StatusCode,
    headers: header::HeaderMap,
    body: Vec<u8>,
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
            limit: deadline::request_timeout().unwrap_or(deadline::DEFAULT_REQUEST),
            notice: None,
            warned_realm: std::sync::atomic::AtomicBool::new(false),
            breaker: retry::Breaker::default(),
            mounts_honoured: std::sync::atomic::AtomicBool::new(false),
            no_referrers_api: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Whether this registry has mounted a blob (answered 201 to a mount) in this run.
    pub fn honours_mounts(&self) -> bool {
        self.mounts_honoured
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Why this host is taken as down (its breaker tripped), if it is.
    pub fn down(&self) -> Option<String> {
        self.breaker.tripped()
    }

    /// Announces retry waits of a few seconds or more through `notice` (the printer), so
    /// a command never sits silent while it waits for a registry.
    pub fn with_notice(mut self, notice: Notice) -> Self {
        self.notice = Some(notice);
        self
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

    /// Sends a request built by `build` (called again for each retry and auth round) and
    /// returns the answer once its headers are in; `what` names it in errors. Transient
    /// failures are retried; any other status is the caller's to judge.
    async fn send(
        &self,
        scope: &str,
        what: &str,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Response> {
        let build = &build;
        retry::run_guarded(
            &self.host,
            self.notice.as_ref(),
            Some(&self.breaker),
            move || async move {
                let response = self
                    .authorized(scope, build)
                    .await
                    .map_err(|e| Failed::request(&e, &self.host, self.limit))?;
                if retry::transient_status(response.status()) {
                    let (status, headers) = (response.status(), response.headers().clone());
                    let error = check(response, what).await.err().unwrap_or_else(|| {
                        CliError::remote(format!("{what} failed")).with_cause(status.to_string())
                    });
                    return Err(Failed::status(status, &headers, error));
                }
                Ok(response)
            },
        )
        .await
    }

    /// Like `send`, and reads the whole (small) body inside the same attempt, so a body
    /// that stalls or breaks off is retried like any other transient failure.
    async fn fetch(
        &self,
        scope: &str,
        what: &str,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Fetched> {
        let build = &build;
        retry::run_guarded(
            &self.host,
            self.notice.as_ref(),
            Some(&self.breaker),
            move || async move {
                let response = self
                    .authorized(scope, build)
                    .await
                    .map_err(|e| Failed::request(&e, &self.host, self.limit))?;
                let (status, headers) = (response.status(), response.headers().clone());
                let body = match read_limited(response, MAX_SMALL_BODY).await {
                    Ok(body) => body,
                    Err(BodyError::Request(e)) => {
                        return Err(Failed::request(&e, &self.host, self.limit));
                    }
                    Err(BodyError::TooLarge) => {
                        return Err(Failed::stop(too_large(&self.host, what)));
                    }
                };
                let fetched = Fetched {
                    status,
                    headers,
                    body,
                };
                if retry::transient_status(status) {
                    let error = fetched.error(what);
                    return Err(Failed::status(status, &fetched.headers, error));
                }
                Ok(fetched)
            },
        )
        .await
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

    /// Whether `url` is on this registry's exact scheme, host and port: the only place
    /// its credentials (basic or bearer) may go, as containers/image keeps them.
    pub fn same_origin(&self, url: &str) -> bool {
        same_origin(&self.base, url)
    }

    /// `url` resolved against this registry (a `Location` or `Link` may be relative).
    fn resolve(&self, url: &str) -> String {
        url::Url::parse(&self.base)
            .and_then(|base| base.join(url))
            .map(String::from)
            .unwrap_or_else(|_| format!("{}{url}", self.base))
    }

    /// Adds this registry's credentials, unless the request goes to another origin (a
    /// foreign or plain-HTTP `Location`): that one is sent without any.
    fn with_auth(&self, request: RequestBuilder, scope: &str) -> RequestBuilder {
        let Some(built) = request.try_clone().and_then(|r| r.build().ok()) else {
            return request;
        };
        // `-vvv`: every request to a registry, one line each (no query: upload
        // locations carry state; credentials are never logged).
        tracing::trace!(host = %self.host, method = %built.method(), path = %built.url().path(), "request");
        if !self.same_origin(built.url().as_str()) {
            tracing::debug!(host = %self.host, url = %built.url(), "another origin: no credentials sent");
            return request;
        }
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
        if realm.to_ascii_lowercase().starts_with("http://")
            && !self
                .warned_realm
                .swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            let line = format!(
                "warning: {} asks for its credentials at {realm}, over plain HTTP: they travel in clear",
                self.host
            );
            tracing::warn!("{line}");
            if let Some(notice) = &self.notice {
                notice(&line);
            }
        }
        let request = match self.credentials() {
            // An identity token (docker's `identitytoken`, a helper's `<token>` user) is an
            // OAuth2 refresh token: POSTed as a form, as docker and containers/image do.
            Some(c) if c.username == crate::docker::config::IDENTITY_TOKEN_USER => {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                form.append_pair("grant_type", "refresh_token")
                    .append_pair("refresh_token", c.password.expose())
                    .append_pair("client_id", "ecrctl")
                    .append_pair("scope", scope);
                if let Some(service) = params.get("service") {
                    form.append_pair("service", service);
                }
                self.http
                    .post(realm.as_str())
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(form.finish())
            }
            credentials => {
                let mut request = self.http.get(realm.as_str()).query(&[("scope", scope)]);
                if let Some(service) = params.get("service") {
                    request = request.query(&[("service", service.as_str())]);
                }
                if let Some(c) = credentials {
                    request = request.basic_auth(&c.username, Some(c.password.expose()));
                }
                request
            }
        };
        let response = request.send().await.ok()?;
        let body: serde_json::Value =
            serde_json::from_slice(&read_limited(response, MAX_SMALL_BODY).await.ok()?).ok()?;
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
        let what = format!("reading {}/{repo}:{reference}", self.host);
        let fetched = self
            .fetch(&Self::pull_scope(repo), &what, |http| {
                http.get(&url).header(header::ACCEPT, MANIFEST_TYPES)
            })
            .await?;
        if fetched.status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !fetched.status.is_success() {
            return Err(fetched.error(&what));
        }
        let media_type = fetched
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(crate::model::media_type::OCI_MANIFEST)
            .to_string();
        let digest = sha256_digest(&fetched.body);
        if reference.contains(':') {
            check_digest(reference, &digest).map_err(|why| {
                CliError::remote(format!(
                    "the manifest {}/{repo}@{reference} does not match its digest",
                    self.host
                ))
                .with_cause(why)
                .with_hint("the registry (or something between) changed the bytes; nothing was copied from them")
            })?;
        }
        Ok(Some(Manifest {
            digest,
            bytes: fetched.body,
            media_type,
        }))
    }

    /// The OCI 1.1 referrers API: the index of manifests whose `subject` is `digest`, or
    /// `None` when the registry does not offer the API (404, as distribution 2.x answers).
    /// A 404 is remembered for the host: the next calls answer `None` without a request
    /// (a registry without the API, such as distribution 2.x, gets one probe per run).
    pub async fn referrers(&self, repo: &str, digest: &str) -> Result<Option<Vec<u8>>> {
        use std::sync::atomic::Ordering;
        if self.no_referrers_api.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let url = self.url(&format!("{repo}/referrers/{digest}"));
        let what = format!("reading the referrers of {}/{repo}@{digest}", self.host);
        let fetched = self
            .fetch(&Self::pull_scope(repo), &what, |http| {
                http.get(&url)
                    .header(header::ACCEPT, crate::model::media_type::OCI_INDEX)
            })
            .await?;
        if fetched.status == StatusCode::NOT_FOUND {
            self.no_referrers_api.store(true, Ordering::Relaxed);
            return Ok(None);
        }
        if !fetched.status.is_success() {
            return Err(fetched.error(&what));
        }
        Ok(Some(fetched.body))
    }

    /// Every repository the registry lists (`/v2/_catalog`, all pages).
    pub async fn catalog(&self) -> Result<Vec<String>> {
        self.paged(
            "registry:catalog:*",
            &self.url(&format!("_catalog?n={PAGE}")),
            "repositories",
        )
        .await
    }

    /// Every tag of a repository (`/v2/REPO/tags/list`, all pages).
    pub async fn tags(&self, repo: &str) -> Result<Vec<String>> {
        Ok(self.tag_listing(repo).await??.0)
    }

    /// Every tag of a repository, and whether the listing is known complete: `false`
    /// when a page came back full ([`PAGE`] names) without a `Link` to the next one, as
    /// from a registry that cuts long lists short without saying so. The inner error is
    /// a refusal the registry answered (e.g. 403: ECR wants `ecr:ListImages` for it);
    /// the outer one, no usable answer.
    pub async fn tag_listing(&self, repo: &str) -> Result<Result<(Vec<String>, bool)>> {
        self.paged_checked(
            &Self::pull_scope(repo),
            &self.url(&format!("{repo}/tags/list?n={PAGE}")),
            "tags",
        )
        .await
    }

    /// Follows `Link: <…>; rel="next"` pages, collecting the string list under `key`.
    async fn paged(&self, scope: &str, first: &str, key: &str) -> Result<Vec<String>> {
        Ok(self.paged_checked(scope, first, key).await??.0)
    }

    /// [`paged`](Self::paged), and whether no page was a full one without a next link;
    /// a page the registry refused (an error status) is the inner error.
    async fn paged_checked(
        &self,
        scope: &str,
        first: &str,
        key: &str,
    ) -> Result<Result<(Vec<String>, bool)>> {
        let mut out = Vec::new();
        let mut complete = true;
        let mut next = Some(first.to_string());
        while let Some(url) = next.take() {
            let what = format!("listing {url}");
            let fetched = self.fetch(scope, &what, |http| http.get(&url)).await?;
            if fetched.status == StatusCode::NOT_FOUND && key == "tags" {
                break;
            }
            if !fetched.status.is_success() {
                return Ok(Err(fetched.error(&what)));
            }
            next = fetched
                .headers
                .get(header::LINK)
                .and_then(|v| v.to_str().ok())
                .and_then(next_link)
                .map(|target| self.resolve(&target));
            if let Some(target) = &next
                && !self.same_origin(target)
            {
                return Err(CliError::remote(format!("{what} failed"))
                    .with_cause(format!(
                        "{} points its next page at {target}, another host or scheme: the listing is not followed there (the registry's credentials stay on {})",
                        self.host, self.base
                    ))
                    .with_hint("check the registry (or a proxy in front of it): its `Link` header leaves the registry"));
            }
            let body: serde_json::Value = serde_json::from_slice(&fetched.body)
                .map_err(|e| CliError::remote(what.clone()).with_cause(e.to_string()))?;
            let page: Vec<String> = body[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(String::from))
                .collect();
            if next.is_none() && page.len() >= PAGE {
                complete = false;
            }
            out.extend(page);
        }
        Ok(Ok((out, complete)))
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
        let what = format!("writing {}/{repo}:{reference}", self.host);
        let response = self
            .send(&Self::push_scope(repo), &what, |http| {
                http.put(&url)
                    .header(header::CONTENT_TYPE, &manifest.media_type)
                    .body(manifest.bytes.clone())
            })
            .await?;
        check(response, &what).await.map(|_| ())
    }

    /// The digest a tag or digest points at, from a HEAD (`Docker-Content-Digest`): cheap,
    /// and not counted as a pull by Docker Hub. A GET when the registry sends no usable
    /// digest header (or refuses the HEAD), so the answer is always a real digest.
    pub async fn head_manifest_digest(
        &self,
        repo: &str,
        reference: &str,
    ) -> Result<Option<String>> {
        let url = self.url(&format!("{repo}/manifests/{reference}"));
        let what = format!("resolving {}/{repo}:{reference}", self.host);
        let response = self
            .send(&Self::pull_scope(repo), &what, |http| {
                http.head(&url).header(header::ACCEPT, MANIFEST_TYPES)
            })
            .await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let header_digest = response
            .headers()
            .get("docker-content-digest")
            .and_then(|v| v.to_str().ok())
            .filter(|d| {
                d.strip_prefix("sha256:")
                    .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            })
            .map(str::to_ascii_lowercase);
        match header_digest {
            Some(digest) if response.status().is_success() => Ok(Some(digest)),
            _ => self.manifest_digest(repo, reference).await,
        }
    }

    /// A small blob (an image config), read whole within the manifest size bound and
    /// checked against its digest; `None` when the registry has none.
    pub async fn get_small_blob(&self, repo: &str, digest: &str) -> Result<Option<Vec<u8>>> {
        let url = self.url(&format!("{repo}/blobs/{digest}"));
        let what = format!("reading blob {digest} in {}/{repo}", self.host);
        let fetched = self
            .fetch(&Self::pull_scope(repo), &what, |http| http.get(&url))
            .await?;
        if fetched.status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !fetched.status.is_success() {
            return Err(fetched.error(&what));
        }
        check_digest(digest, &sha256_digest(&fetched.body)).map_err(|why| {
            CliError::remote(format!(
                "the blob {}/{repo}@{digest} does not match its digest",
                self.host
            ))
            .with_cause(why)
        })?;
        Ok(Some(fetched.body))
    }

    pub async fn blob_exists(&self, repo: &str, digest: &str) -> Result<bool> {
        let url = self.url(&format!("{repo}/blobs/{digest}"));
        let what = format!("looking for blob {digest} in {}/{repo}", self.host);
        let response = self
            .send(&Self::pull_scope(repo), &what, |http| http.head(&url))
            .await?;
        Ok(response.status().is_success())
    }

    /// Cross-repository mount of `digest` from `from` into `repo` (`from` may be `repo`
    /// itself: on a registry that honours mounts that is "is it there already?").
    /// ECR mounts only when the registry opted in; otherwise it answers 202 with an
    /// upload location, which [`copy_blob_from`](Self::copy_blob_from) then uses.
    pub async fn mount_blob(&self, repo: &str, digest: &str, from: &str) -> Result<Mount> {
        let url = self.url(&format!("{repo}/blobs/uploads/"));
        let what = format!("mounting blob {digest} into {}/{repo}", self.host);
        let response = self
            .send(&Self::push_scope(repo), &what, |http| {
                http.post(&url).query(&[("mount", digest), ("from", from)])
            })
            .await?;
        match response.status() {
            StatusCode::CREATED => {
                self.mounts_honoured
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                Ok(Mount::Mounted)
            }
            StatusCode::ACCEPTED => Ok(response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map_or(Mount::Declined, |l| Mount::Upload(self.resolve(l)))),
            _ => Ok(Mount::Declined),
        }
    }

    /// Streams a blob from `source` into this registry as one monolithic upload
    /// (POST, then a single PUT with the whole body: ECR breaks chunked PATCH uploads).
    /// The whole copy is one attempt of the retry policy: a stream that breaks off or
    /// stalls past its deadline (scaled by `size`) starts over with a new upload.
    /// `session`, an upload location a declined mount already opened, is used by the
    /// first attempt instead of a POST of its own.
    pub async fn copy_blob_from(
        &self,
        source: &RegistryClient,
        source_repo: &str,
        repo: &str,
        digest: &str,
        size: u64,
        session: Option<String>,
    ) -> Result<()> {
        let session = Mutex::new(session);
        retry::run_guarded(
            &self.host,
            self.notice.as_ref(),
            Some(&self.breaker),
            || {
                let opened = session.lock().expect("upload session").take();
                self.copy_blob_once(source, source_repo, repo, digest, size, opened)
            },
        )
        .await
    }

    /// POSTs a new upload; its location, resolved against this registry.
    async fn start_upload(&self, scope: &str, repo: &str) -> std::result::Result<String, Failed> {
        let url = self.url(&format!("{repo}/blobs/uploads/"));
        let started = self
            .authorized(scope, &|http: &reqwest::Client| http.post(&url))
            .await
            .map_err(|e| Failed::request(&e, &self.host, self.limit))?;
        let started = answer(
            started,
            &format!("starting an upload to {}/{repo}", self.host),
        )
        .await?;
        let location = started
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                Failed::stop(CliError::remote(format!(
                    "{} gave no upload location",
                    self.host
                )))
            })?;
        Ok(self.resolve(location))
    }

    async fn copy_blob_once(
        &self,
        source: &RegistryClient,
        source_repo: &str,
        repo: &str,
        digest: &str,
        size: u64,
        session: Option<String>,
    ) -> std::result::Result<(), Failed> {
        let scope = Self::push_scope(repo);
        let location = match session {
            Some(location) => location,
            None => self.start_upload(&scope, repo).await?,
        };
        let separator = if location.contains('?') { '&' } else { '?' };
        let put_url = format!("{location}{separator}digest={digest}");

        // Both sides of the stream get the deadline a blob of this size deserves.
        let source_limit = deadline::blob_timeout(source.limit, size);
        let source_url = source.url(&format!("{source_repo}/blobs/{digest}"));
        let download = source
            .authorized(&Self::pull_scope(source_repo), &|http: &reqwest::Client| {
                http.get(&source_url).timeout(source_limit)
            })
            .await
            .map_err(|e| Failed::request(&e, &source.host, source_limit).from_elsewhere())?;
        let download = answer(
            download,
            &format!("reading blob {digest} from {}", source.host),
        )
        .await
        .map_err(Failed::from_elsewhere)?;
        let mismatch = Arc::new(Mutex::new(None));
        let body = reqwest::Body::wrap_stream(verified(
            download.bytes_stream(),
            digest,
            size,
            mismatch.clone(),
        ));
        let limit = deadline::blob_timeout(self.limit, size);
        let request = self
            .with_auth(self.http.request(Method::PUT, &put_url), &scope)
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .header(header::CONTENT_LENGTH, size)
            .timeout(limit)
            .body(body);
        let sent = request.send().await;
        // Bytes that do not match their digest stop the upload before its last byte (the
        // destination never commits them) and fail the item: no retry.
        if let Some(why) = mismatch.lock().expect("blob check").take() {
            return Err(Failed::stop(
                CliError::remote(format!(
                    "the blob {digest} from {}/{source_repo} does not match its digest",
                    source.host
                ))
                .with_cause(why)
                .with_hint("the source registry (or something between) changed the bytes; nothing was written"),
            ));
        }
        let response = sent.map_err(|e| {
            // A stalled or broken download surfaces here, as the upload's body error.
            Failed::request(&e, &self.host, limit)
        })?;
        answer(
            response,
            &format!("uploading {digest} to {}/{repo}", self.host),
        )
        .await
        .map(|_| ())
    }
}

/// Entries asked for per page of a tag list or catalog.
const PAGE: usize = 1000;

/// The `rel="next"` target of a `Link` header (RFC 8288; a header may list several).
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|link| {
        let (target, params) = link.split_once(';').unwrap_or((link, ""));
        let next = params.split(';').any(|p| {
            p.trim()
                .strip_prefix("rel=")
                .is_some_and(|rel| rel.trim_matches('"').split(' ').any(|r| r == "next"))
        });
        // A bare `<…>` (no rel) is what older registries send for the next page.
        (next || params.trim().is_empty()).then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

/// Whether `url` has the scheme, host and port of `base` (`https://host[:port]`).
fn same_origin(base: &str, url: &str) -> bool {
    match (url::Url::parse(base), url::Url::parse(url)) {
        (Ok(a), Ok(b)) => {
            a.scheme() == b.scheme()
                && a.host_str().map(str::to_ascii_lowercase)
                    == b.host_str().map(str::to_ascii_lowercase)
                && a.port_or_known_default() == b.port_or_known_default()
        }
        _ => false,
    }
}

/// `Ok` when `actual` (`sha256:…` of the bytes read) is the `expected` digest; only
/// sha256 can be checked, and what cannot be checked is not trusted.
fn check_digest(expected: &str, actual: &str) -> std::result::Result<(), String> {
    if !expected.starts_with("sha256:") {
        return Err(format!(
            "{expected} uses a digest algorithm this tool cannot verify (only sha256)"
        ));
    }
    if expected.eq_ignore_ascii_case(actual) {
        Ok(())
    } else {
        Err(format!("the bytes received hash to {actual}"))
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Passes a blob's bytes on while hashing them; the chunk that reaches `size` bytes is
/// only passed on when the whole blob hashes to `digest`. Otherwise (or when the source
/// sends more than `size`) the stream ends in an error, so the upload it feeds is never
/// completed, and `mismatch` says why.
fn verified<S, B>(
    stream: S,
    digest: &str,
    size: u64,
    mismatch: Arc<Mutex<Option<String>>>,
) -> impl futures::Stream<Item = std::result::Result<B, BoxError>> + Send + 'static
where
    S: futures::Stream<Item = reqwest::Result<B>> + Send + 'static,
    B: AsRef<[u8]> + Send + 'static,
{
    use futures::StreamExt;
    let digest = digest.to_string();
    let mut hasher = Sha256::new();
    let mut seen = 0u64;
    let fail = move |why: String| -> BoxError {
        *mismatch.lock().expect("blob check") = Some(why.clone());
        why.into()
    };
    // An empty blob has no last chunk to hold back: its digest is checked up front.
    let empty = (size == 0)
        .then(|| check_digest(&digest, &sha256_digest(b"")).err())
        .flatten()
        .map(|why| Err(fail.clone()(why)));
    futures::stream::iter(empty).chain(stream.map(move |chunk| {
        let chunk = chunk.map_err(|e| Box::new(e) as BoxError)?;
        seen += chunk.as_ref().len() as u64;
        if seen > size {
            return Err(fail(format!(
                "the source sent more than the {size} bytes its manifest lists"
            )));
        }
        hasher.update(chunk.as_ref());
        if seen == size {
            let actual = format!("sha256:{}", hex::encode(hasher.clone().finalize()));
            check_digest(&digest, &actual).map_err(&fail)?;
        }
        Ok(chunk)
    }))
}

impl Fetched {
    /// The registry's error for this answer, as `check` words it.
    fn error(&self, what: &str) -> CliError {
        registry_error(self.status, &String::from_utf8_lossy(&self.body), what)
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

/// A successful answer, or the registry's error as a `Failed` (transient or not).
async fn answer(response: Response, what: &str) -> std::result::Result<Response, Failed> {
    if response.status().is_success() {
        return Ok(response);
    }
    let (status, headers) = (response.status(), response.headers().clone());
    let error = check(response, what)
        .await
        .err()
        .unwrap_or_else(|| CliError::remote(format!("{what} failed")));
    Err(Failed::status(status, &headers, error))
}

/// The most a manifest, tag list, catalog page, token or error answer may hold: manifests
/// are at most 4 MiB on ECR and in the OCI distribution spec's guidance. An endless body
/// from a hostile registry is cut off here instead of filling memory.
const MAX_SMALL_BODY: usize = 8 * 1024 * 1024;

enum BodyError {
    Request(reqwest::Error),
    TooLarge,
}

/// The whole body, or `TooLarge` as soon as it passes `limit` (nothing more is read).
async fn read_limited(
    mut response: Response,
    limit: usize,
) -> std::result::Result<Vec<u8>, BodyError> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Request)? {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn too_large(host: &str, what: &str) -> CliError {
    CliError::remote(format!("{what} failed"))
        .with_cause(format!(
            "{host} answered with more than {} MiB, where a manifest or list is expected",
            MAX_SMALL_BODY / (1024 * 1024)
        ))
        .with_hint("check that this is a registry (OCI distribution API) you trust")
}

/// A registry error (`{"errors":[{"code","message"}]}`) as a CliError.
async fn check(response: Response, what: &str) -> Result<Response> {
    if response.status().is_success() {
        return Ok(response);
    }
    let status = response.status();
    let body = read_limited(response, MAX_SMALL_BODY)
        .await
        .unwrap_or_default();
    Err(registry_error(
        status,
        &String::from_utf8_lossy(&body),
        what,
    ))
}

fn registry_error(status: StatusCode, body: &str, what: &str) -> CliError {
    let detail = serde_json::from_str::<serde_json::Value>(body)
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
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_stay_on_their_origin() {
        let base = "https://reg.example:5443";
        assert!(same_origin(
            base,
            "https://reg.example:5443/v2/x/blobs/uploads/1?a=b"
        ));
        assert!(same_origin(base, "https://REG.example:5443/v2/"));
        assert!(
            !same_origin(base, "http://reg.example:5443/v2/"),
            "downgrade"
        );
        assert!(!same_origin(base, "https://reg.example/v2/"), "other port");
        assert!(!same_origin(base, "https://other.example:5443/v2/"));
        assert!(!same_origin(
            base,
            "https://reg.example:5443@evil.example/v2/"
        ));
        assert!(same_origin(
            "https://ecr.example",
            "https://ecr.example:443/v2/"
        ));
        let client = RegistryClient::new(reqwest::Client::new(), "reg.example:5443", false, None);
        assert_eq!(
            client.resolve("/v2/x/blobs/uploads/1"),
            "https://reg.example:5443/v2/x/blobs/uploads/1"
        );
        assert!(!client.same_origin(&client.resolve("//evil.example/v2/")));
    }

    #[test]
    fn finds_the_next_page_among_links() {
        assert_eq!(
            next_link(r#"</v2/_catalog?last=a&n=2>; rel="next""#).as_deref(),
            Some("/v2/_catalog?last=a&n=2")
        );
        assert_eq!(
            next_link(r#"</v2/x?p=1>; rel="prev", </v2/x?p=3>; rel="next""#).as_deref(),
            Some("/v2/x?p=3")
        );
        assert_eq!(next_link(r#"</v2/x?p=1>; rel="prev""#), None);
    }

    #[test]
    fn digests_are_checked_and_unknown_algorithms_refused() {
        let d = sha256_digest(b"abc");
        assert!(check_digest(&d, &d).is_ok());
        assert!(check_digest(&d, &sha256_digest(b"abd")).is_err());
        assert!(
            check_digest("sha512:00", &d)
                .unwrap_err()
                .contains("cannot verify")
        );
    }

    #[tokio::test]
    async fn a_blob_stream_ends_in_an_error_when_its_bytes_do_not_match() {
        use futures::StreamExt;
        let run = |chunks: Vec<&'static [u8]>, digest: String, size: u64| async move {
            let flag = Arc::new(Mutex::new(None));
            let stream = futures::stream::iter(chunks.into_iter().map(Ok::<_, reqwest::Error>));
            let out: Vec<_> = verified(stream, &digest, size, flag.clone())
                .collect()
                .await;
            let passed: usize = out
                .iter()
                .filter_map(|r| r.as_ref().ok())
                .map(|c| c.len())
                .sum();
            let failed = out.iter().any(|r| r.is_err());
            let why = flag.lock().unwrap().clone();
            (passed, failed, why)
        };
        let good = sha256_digest(b"hello world");
        assert_eq!(
            run(vec![b"hello ", b"world"], good.clone(), 11).await,
            (11, false, None)
        );
        let (passed, failed, why) = run(vec![b"hello ", b"w0rld"], good.clone(), 11).await;
        assert!(passed < 11 && failed, "the last chunk is held back");
        assert!(why.unwrap().contains("hash to"));
        let (_, failed, why) = run(vec![b"hello world", b"!!"], good.clone(), 11).await;
        assert!(failed && why.unwrap().contains("more than the 11 bytes"));
        assert_eq!(run(vec![], sha256_digest(b""), 0).await, (0, false, None));
        let (_, failed, why) = run(vec![], good, 0).await;
        assert!(failed && why.unwrap().contains("hash to"));
    }

    /// Answers one canned HTTP response per connection, in order.
    fn canned_server(answers: Vec<String>) -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let host = listener.local_addr().unwrap().to_string();
        std::thread::spawn(move || {
            for answer in answers {
                let Ok((mut stream, _)) = listener.accept() else {
                    return;
                };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        host
    }

    fn tags_page(count: usize, link: Option<&str>) -> String {
        let tags: Vec<String> = (0..count).map(|i| format!("t{i}")).collect();
        let body = serde_json::json!({ "name": "r", "tags": tags }).to_string();
        let link = link
            .map(|l| format!("Link: <{l}>; rel=\"next\"\r\n"))
            .unwrap_or_default();
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{link}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    }

    #[tokio::test]
    async fn a_full_page_without_a_next_link_is_not_taken_as_whole() {
        let host = canned_server(vec![
            tags_page(PAGE, None),
            tags_page(PAGE, Some("/v2/r/tags/list?n=1000&last=t999")),
            tags_page(3, None),
        ]);
        let client = RegistryClient::new(reqwest::Client::new(), &host, true, None);
        let (tags, whole) = client.tag_listing("r").await.unwrap().unwrap();
        assert_eq!((tags.len(), whole), (PAGE, false), "cut short, maybe");
        let (tags, whole) = client.tag_listing("r").await.unwrap().unwrap();
        assert_eq!((tags.len(), whole), (PAGE + 3, true), "followed to its end");
    }

    #[test]
    fn parses_bearer_challenges() {
        let p = parse_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull""#,
        );
        assert_eq!(p["realm"], "https://auth.docker.io/token");
        assert_eq!(p["service"], "registry.docker.io");
    }
}
