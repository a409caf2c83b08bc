//! Everything a migration needs before the first copy: ECR tokens for ECR hosts, docker
//! credentials for the rest, and one HTTP client per host (the destinations' ECR
//! repositories: `destinations`).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::plan::{self, PlanItem};
use crate::aws::{self, AwsContext, repositories};
use crate::cli::MigrateArgs;
use crate::docker::config::{DockerConfig, config_dir};
use crate::docker::helpers::{self, HelperAnswer};
use crate::error::{CliError, Result};
use crate::login::fetch;
use crate::registry::client::{Credentials, RegistryClient};
use crate::registry::endpoint::parse_ecr_host;
use crate::registry::tls;
use crate::settings::Settings;

/// AWS access, loaded only when an ECR registry is involved.
pub struct Ecr {
    pub ctx: AwsContext,
    pub registry_endpoint: Option<String>,
    /// Registry host → (username, password) from GetAuthorizationToken.
    pub tokens: HashMap<String, Credentials>,
    /// Registry host → how to get a new token for it.
    targets: HashMap<String, fetch::LoginTarget>,
    settings: fetch::TokenSettings,
}

impl Ecr {
    /// The account and region whose ECR API serves `host`: an explicit ECR host is its
    /// own (another region's client, its account as the registry id); the endpoint and
    /// host-less destinations are the configured account and region.
    pub fn ctx_for(&self, host: &str) -> AwsContext {
        if self
            .registry_endpoint
            .as_deref()
            .is_some_and(|e| same_host(e, host))
        {
            return self.ctx.clone();
        }
        ctx_of_host(&self.ctx, host)
    }

    /// Renews the token for `host` (forced past the cache) when the registry refuses it.
    fn refresher(&self, host: &str) -> Option<crate::registry::client::Refresh> {
        let target = self.targets.get(host)?.clone();
        let (sdk, settings) = (
            self.ctx.sdk.clone(),
            fetch::TokenSettings {
                force: true,
                ..self.settings.clone()
            },
        );
        Some(Box::new(move || {
            let (sdk, settings, target) = (sdk.clone(), settings.clone(), target.clone());
            Box::pin(async move {
                let obtained = fetch::obtain(&sdk, &settings, &[target]).await.ok()?;
                let token = obtained.into_iter().next()?.token;
                Some(Credentials {
                    username: token.username,
                    password: token.password,
                })
            })
        }))
    }
}

/// The context for an explicit ECR host: its region's client and its account as the
/// registry id; any other host (the endpoint) is `ctx` itself.
fn ctx_of_host(ctx: &AwsContext, host: &str) -> AwsContext {
    match parse_ecr_host(host) {
        Some(h) => AwsContext {
            ecr: if h.region == ctx.region {
                ctx.ecr.clone()
            } else {
                aws::ecr_client(&ctx.sdk, &h.region)
            },
            sdk: ctx.sdk.clone(),
            region: h.region,
            registry_id: Some(h.account),
        },
        None => ctx.clone(),
    }
}

pub fn is_ecr(host: Option<&str>, endpoint: Option<&str>) -> bool {
    match host {
        None => true,
        Some(h) => parse_ecr_host(h).is_some() || endpoint.is_some_and(|e| same_host(h, e)),
    }
}

/// Two spellings of one host: case ignored, an explicit `:443` is the default port.
pub fn same_host(a: &str, b: &str) -> bool {
    plan::bare_host(a) == plan::bare_host(b)
}

/// The one spelling a plan's ECR host is given: lowercased without `:443`, and the
/// `--registry-endpoint` for the registry it stands for (the caller's account in the
/// configured region), so every spelling of one registry is one destination with one
/// client and one token. Other hosts are kept as written.
pub fn canonical_host(host: &str, endpoint: Option<&str>, default: &(String, String)) -> String {
    let bare = plan::bare_host(host);
    if let Some(endpoint) = endpoint {
        if bare == plan::bare_host(endpoint) {
            return endpoint.to_string();
        }
        if parse_ecr_host(&bare).is_some_and(|h| (h.account, h.region) == *default) {
            return endpoint.to_string();
        }
    }
    if parse_ecr_host(&bare).is_some() {
        bare
    } else {
        host.to_string()
    }
}

/// Resolves destinations without a host to this account's ECR registry, gives every ECR
/// host its one spelling ([`canonical_host`]) and gets tokens for every ECR registry in
/// the plan (each host gets the token of its own account and region).
pub async fn ecr_access(settings: &Settings, items: &mut [PlanItem]) -> Result<Option<Ecr>> {
    let endpoint = settings.registry.endpoint.clone();
    let involved = items.iter().any(|i| {
        is_ecr(i.destination.host.as_deref(), endpoint.as_deref())
            || is_ecr(i.source.host.as_deref(), endpoint.as_deref())
    });
    if !involved {
        return Ok(None);
    }
    let ctx = aws::load(&settings.aws).await?;
    let token_settings = fetch::TokenSettings::new(settings, 3600)?;
    let mut targets = vec![fetch::LoginTarget {
        registry_id: ctx.registry_id.clone(),
        region: ctx.region.clone(),
    }];
    for host in items
        .iter()
        .flat_map(|i| [i.source.host.as_deref(), i.destination.host.as_deref()])
        .flatten()
    {
        if let Some(h) = parse_ecr_host(host) {
            let target = fetch::LoginTarget {
                registry_id: Some(h.account),
                region: h.region,
            };
            if !targets.contains(&target) {
                targets.push(target);
            }
        }
    }
    let obtained = fetch::obtain(&ctx.sdk, &token_settings, &targets).await?;
    // `obtain` answers cached tokens first: the default registry is found by its target.
    let default = obtained
        .iter()
        .find(|o| o.target == targets[0])
        .unwrap_or(&obtained[0]);
    let default_host = default.token.host.clone();
    let default_id = (default.token.account.clone(), default.token.region.clone());
    for item in items.iter_mut() {
        for host in [&mut item.source.host, &mut item.destination.host] {
            if let Some(h) = host.as_mut() {
                *h = canonical_host(h, endpoint.as_deref(), &default_id);
            }
        }
        if item.destination.host.is_none() {
            item.destination.host = Some(default_host.clone());
        }
    }
    // Each host's token is its registry's (account, region): with an endpoint, every
    // token names the endpoint as its host, so host names alone would mix them up.
    let mut tokens = HashMap::new();
    let mut by_host = HashMap::new();
    let hosts: BTreeSet<String> = items
        .iter()
        .flat_map(|i| [i.source.host.clone(), i.destination.host.clone()])
        .flatten()
        .chain([default_host.clone()])
        .collect();
    for host in hosts {
        let id = if endpoint.as_deref() == Some(host.as_str()) {
            Some(default_id.clone())
        } else {
            parse_ecr_host(&host).map(|h| (h.account, h.region))
        };
        let Some(o) = id.and_then(|id| {
            obtained
                .iter()
                .find(|o| (o.token.account.clone(), o.token.region.clone()) == id)
        }) else {
            continue;
        };
        tokens.insert(
            host.clone(),
            Credentials {
                username: o.token.username.clone(),
                password: o.token.password.clone(),
            },
        );
        by_host.insert(host, o.target.clone());
    }
    Ok(Some(Ecr {
        ctx,
        registry_endpoint: endpoint,
        tokens,
        targets: by_host,
        settings: token_settings,
    }))
}

/// Credentials for a non-ECR host, as docker would use them: its credential helper
/// (a helper that is configured but missing or broken is an error, never silent
/// anonymous access), then `auths` (Docker Hub under any of its keys; `identitytoken`
/// entries too), then none.
async fn docker_credentials(config: &DockerConfig, host: &str) -> Result<Option<Credentials>> {
    if let Some((helper, server)) = config.helper_and_server(host) {
        let program = format!("docker-credential-{helper}");
        match helpers::get(&helper, &server).await {
            HelperAnswer::Found { username, secret } => {
                return Ok(Some(Credentials {
                    username,
                    password: secret,
                }));
            }
            HelperAnswer::NotFound => {}
            HelperAnswer::Missing => {
                return Err(CliError::remote(format!(
                    "{} names the credential helper `{helper}` for {host}, but {program} is not on PATH",
                    config.path.display()
                ))
                .with_hint(format!(
                    "install {program}, or remove the helper from {} (nothing was copied)",
                    config.path.display()
                )));
            }
            HelperAnswer::Failed { message } => {
                return Err(CliError::remote(format!(
                    "the credential helper {program} failed for {host}"
                ))
                .with_cause(message)
                .with_hint(format!(
                    "fix the helper (try `{program} list`); nothing was copied"
                )));
            }
        }
    }
    Ok(config
        .login_for(host)?
        .map(|(username, password)| Credentials { username, password }))
}

/// Where credentials for non-ECR hosts come from: `--src-authfile` for sources,
/// `--dest-authfile` for destinations, else docker's `config.json`.
pub struct AuthFiles {
    docker: DockerConfig,
    source: Option<DockerConfig>,
    destination: Option<DockerConfig>,
}

impl AuthFiles {
    pub fn load(args: &MigrateArgs) -> Result<Self> {
        let load = |p: &Option<std::path::PathBuf>| {
            p.as_deref().map(DockerConfig::load_authfile).transpose()
        };
        Ok(Self {
            source: load(&args.src_authfile)?,
            destination: load(&args.dest_authfile)?,
            docker: DockerConfig::load(&config_dir()?)?,
        })
    }

    /// The file for `host`: a destination's authfile first (pushing needs more rights),
    /// then a source's.
    fn for_host(&self, host: &str, items: &[PlanItem]) -> &DockerConfig {
        let is = |f: fn(&PlanItem) -> Option<&str>| items.iter().any(|i| f(i) == Some(host));
        if let Some(d) = &self.destination
            && is(|i| i.destination.host.as_deref())
        {
            return d;
        }
        if let Some(s) = &self.source
            && is(|i| i.source.host.as_deref())
        {
            return s;
        }
        &self.docker
    }

    fn for_source(&self) -> &DockerConfig {
        self.source.as_ref().unwrap_or(&self.docker)
    }
}

/// Long retry waits are announced on stderr (unless --quiet).
fn notice(settings: &Settings) -> crate::registry::retry::Notice {
    let printer = crate::output::Printer::new(&settings.output);
    Arc::new(move |line: &str| printer.info(line))
}

/// One client per host, with the right credentials and transport.
pub async fn clients(
    items: &[PlanItem],
    ecr: &mut Option<Ecr>,
    settings: &Settings,
    args: &MigrateArgs,
) -> Result<(
    HashMap<String, Arc<RegistryClient>>,
    HashMap<String, Arc<RegistryClient>>,
)> {
    let files = AuthFiles::load(args)?;
    let hosts: BTreeSet<String> = items
        .iter()
        .flat_map(|i| [i.source.host.clone(), i.destination.host.clone()])
        .flatten()
        .collect();
    let mut all = HashMap::new();
    for host in hosts {
        let plain = args
            .plain_http
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&host));
        let http = tls::http_client(
            &host,
            settings.registry.ca_cert.as_deref(),
            &tls::docker_certs_dir(),
        )?;
        let token = ecr.as_mut().and_then(|e| e.tokens.remove(&host));
        let refresh = token
            .as_ref()
            .and(ecr.as_ref())
            .and_then(|e| e.refresher(&host));
        let credentials = match token {
            Some(token) => Some(token),
            None => docker_credentials(files.for_host(&host, items), &host).await?,
        };
        let mut client =
            RegistryClient::new(http, &host, plain, credentials).with_notice(notice(settings));
        if let Some(refresh) = refresh {
            client = client.with_refresh(refresh);
        }
        all.insert(host.clone(), Arc::new(client));
    }
    let pick = |hosts: Vec<String>| {
        hosts
            .into_iter()
            .map(|h| (h.clone(), all[&h].clone()))
            .collect::<HashMap<_, _>>()
    };
    let sources = pick(items.iter().filter_map(|i| i.source.host.clone()).collect());
    let destinations = pick(
        items
            .iter()
            .filter_map(|i| i.destination.host.clone())
            .collect(),
    );
    Ok((sources, destinations))
}

/// A clear error when a source host needs a scheme it cannot get.
pub fn check_plain_http(args: &MigrateArgs) -> Result<()> {
    for host in &args.plain_http {
        crate::registry::endpoint::parse_registry_endpoint(host).map_err(|e| {
            CliError::usage(format!("--plain-http `{host}` is not HOST[:PORT]"))
                .with_cause(e.message().to_string())
        })?;
    }
    Ok(())
}

/// `--plain-http` never names an ECR registry of the plan: its token would travel in
/// clear. Checked once destinations have their hosts, before anything is read or created.
pub fn check_plain_http_hosts(
    args: &MigrateArgs,
    items: &[PlanItem],
    ecr: Option<&Ecr>,
) -> Result<()> {
    let endpoint = ecr.and_then(|e| e.registry_endpoint.as_deref());
    for plain in &args.plain_http {
        let named = |host: Option<&str>| host.is_some_and(|h| h.eq_ignore_ascii_case(plain));
        let ecr_host = parse_ecr_host(plain).is_some()
            || named(endpoint)
            || ecr.is_some_and(|e| e.tokens.keys().any(|h| named(Some(h))))
            || items.iter().any(|i| {
                [&i.source.host, &i.destination.host]
                    .into_iter()
                    .any(|h| named(h.as_deref()) && is_ecr(h.as_deref(), endpoint) && ecr.is_some())
            });
        if ecr_host {
            return Err(CliError::usage(format!(
                "--plain-http `{plain}` names an ECR registry: its token would travel in clear"
            ))
            .with_hint(
                "ECR is always HTTPS; give --plain-http only for a source registry without TLS",
            ));
        }
    }
    Ok(())
}

/// The source's repositories under `prefix` with their tags: the registry API, or
/// DescribeRepositories + DescribeImages for an ECR source.
pub async fn list_source(
    settings: &Settings,
    args: &MigrateArgs,
    host: &str,
    prefix: &str,
) -> Result<Vec<(String, Vec<String>)>> {
    let under =
        |repo: &str| prefix.is_empty() || repo == prefix || repo.starts_with(&format!("{prefix}/"));
    if is_ecr(Some(host), settings.registry.endpoint.as_deref()) {
        // Another region's or account's ECR host is listed there.
        let ctx = ctx_of_host(&aws::load(&settings.aws).await?, host);
        let mut out = Vec::new();
        for repo in repositories::list(&ctx, None)
            .await?
            .into_iter()
            .filter(|r| under(&r.repository_name))
        {
            let images = aws::images::describe_images(&ctx, &repo.repository_name).await?;
            out.push((
                repo.repository_name,
                images.into_iter().flat_map(|i| i.tags).collect(),
            ));
        }
        return Ok(out);
    }
    let plain = args.plain_http.iter().any(|p| p.eq_ignore_ascii_case(host));
    let http = tls::http_client(
        host,
        settings.registry.ca_cert.as_deref(),
        &tls::docker_certs_dir(),
    )?;
    let files = AuthFiles::load(args)?;
    let credentials = docker_credentials(files.for_source(), host).await?;
    let client = RegistryClient::new(http, host, plain, credentials).with_notice(notice(settings));
    let mut out = Vec::new();
    for repo in client.catalog().await?.into_iter().filter(|r| under(r)) {
        let tags = client.tags(&repo).await?;
        out.push((repo, tags));
    }
    Ok(out)
}

/// The tags of each (host, repository): the registry API, or DescribeImages for ECR.
pub async fn list_tags(
    settings: &Settings,
    args: &MigrateArgs,
    wanted: &[(String, String)],
) -> Result<HashMap<(String, String), Vec<String>>> {
    let mut out = HashMap::new();
    if wanted.is_empty() {
        return Ok(out);
    }
    let files = AuthFiles::load(args)?;
    let mut ecr_ctx = None;
    let mut clients: HashMap<String, RegistryClient> = HashMap::new();
    for (host, repo) in wanted {
        if out.contains_key(&(host.clone(), repo.clone())) {
            continue;
        }
        let tags = if is_ecr(Some(host), settings.registry.endpoint.as_deref()) {
            if ecr_ctx.is_none() {
                ecr_ctx = Some(aws::load(&settings.aws).await?);
            }
            let ctx = ctx_of_host(ecr_ctx.as_ref().expect("loaded above"), host);
            aws::images::describe_images(&ctx, repo)
                .await?
                .into_iter()
                .flat_map(|i| i.tags)
                .collect()
        } else {
            if !clients.contains_key(host) {
                let plain = args.plain_http.iter().any(|p| p.eq_ignore_ascii_case(host));
                let http = tls::http_client(
                    host,
                    settings.registry.ca_cert.as_deref(),
                    &tls::docker_certs_dir(),
                )?;
                let credentials = docker_credentials(files.for_source(), host).await?;
                let client = RegistryClient::new(http, host, plain, credentials)
                    .with_notice(notice(settings));
                clients.insert(host.clone(), client);
            }
            clients[host].tags(repo).await?
        };
        out.insert((host.clone(), repo.clone()), tags);
    }
    Ok(out)
}
