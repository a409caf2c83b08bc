//! `ecrctl login`: tokens from the cache or AWS, then the container client logged in with
//! the password on stdin (or the credential helper installed, or the password printed).

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::client::{self, ClientKind};
use super::diagnose::{self, Failure};
use super::fetch::{self, LoginTarget, Obtained, TokenSettings, TokenSource};
use super::token;
use crate::aws;
use crate::aws::AwsSettings;
use crate::cli::{ClientArg, LoginArgs};
use crate::docker::config::{DockerConfig, config_dir};
use crate::duration::describe_seconds;
use crate::error::{CliError, Result};
use crate::outcome::{CommandResult, Outcome};
use crate::output::{Printer, SchemaVersion};
use crate::registry::{endpoint, probe};
use crate::settings::Settings;

/// The name docker knows the helper by: `docker-credential-ecrctl`.
pub const HELPER_NAME: &str = "ecrctl";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    LoggedIn,
    AlreadyLoggedIn,
    CredentialHelper,
}

impl Action {
    fn label(self) -> &'static str {
        match self {
            Self::LoggedIn => "logged in",
            Self::AlreadyLoggedIn => "already logged in",
            Self::CredentialHelper => "via credential helper",
        }
    }
}

/// `login -o json` (docs/json-output.md).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LoginDocument<'a> {
    schema_version: SchemaVersion,
    registries: &'a [LoginRow],
}

/// `login --print-password -o json` (docs/json-output.md).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PasswordDocument<'a> {
    schema_version: SchemaVersion,
    registry: &'a str,
    username: &'a str,
    password: &'a str,
    expires_at: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LoginRow {
    registry: String,
    account: String,
    region: String,
    username: String,
    expires_at: Option<String>,
    #[serde(skip)]
    expires_at_secs: Option<i64>,
    token_source: TokenSource,
    client: &'static str,
    action: Action,
}

pub async fn run(settings: &Settings, args: &LoginArgs, printer: &Printer) -> CommandResult {
    let registry_endpoint = settings
        .registry
        .endpoint
        .as_deref()
        .map(endpoint::parse_registry_endpoint)
        .transpose()?;
    // Chosen before any AWS call, so a missing client fails fast.
    let client = match args.print_password {
        true => None,
        false => Some(client::choose(args.client.map(client_kind))?),
    };
    if args.no_creds_store
        && let Some((kind, _)) = client
        && kind != ClientKind::Docker
    {
        return Err(CliError::usage(format!(
            "--no-creds-store is for docker, not {}",
            kind.program()
        )));
    }
    let sdk = aws::load_sdk_config(&settings.aws, None).await?;
    let targets = targets(&settings.aws, &sdk)?;
    if registry_endpoint.is_some() && targets.len() > 1 {
        return Err(CliError::usage(
            "--registry-endpoint stands for one registry, but several were asked for",
        )
        .with_hint("log in to one --region and --registry-id at a time with --registry-endpoint"));
    }
    let token_settings = TokenSettings {
        registry_endpoint,
        force: args.force,
        ..TokenSettings::new(settings, args.min_validity.as_secs() as i64)?
    };
    let fetching = fetch::obtain(&sdk, &token_settings, &targets);
    let obtained = crate::registry::deadline::announce_if_slow(
        |waited| {
            printer.info(&format!(
                "still waiting for ECR to hand out a registry token ({} s)…",
                waited.as_secs()
            ))
        },
        fetching,
    )
    .await?;
    for o in obtained.iter().filter(|o| o.expired_at_birth) {
        printer.warn(&format!(
            "ECR issued a token for {} that had already expired (check this machine's clock); \
             it is used once and not cached",
            o.token.host
        ));
    }
    let Some((kind, program)) = client else {
        print_password(printer, &obtained)?;
        return Ok(Outcome::Success);
    };
    if args.install_helper {
        install_helper(printer, &obtained)?;
        return Ok(Outcome::Success);
    }
    let docker_dir = match args.no_creds_store {
        true => Some(plain_docker_config()?),
        false => None,
    };
    let mut rows = Vec::new();
    for o in &obtained {
        let action = log_in(
            kind,
            &program,
            o,
            docker_dir.as_deref(),
            settings.registry.ca_cert.as_deref(),
        )
        .await?;
        rows.push(row(o, kind, action));
    }
    print_rows(printer, &rows);
    if let Some(dir) = docker_dir {
        printer.info(&format!(
            "logged in through {}: run `export DOCKER_CONFIG={}` so docker uses it",
            dir.join("config.json").display(),
            dir.display()
        ));
    }
    Ok(Outcome::Success)
}

fn client_kind(arg: ClientArg) -> ClientKind {
    match arg {
        ClientArg::Docker => ClientKind::Docker,
        ClientArg::Podman => ClientKind::Podman,
        ClientArg::Nerdctl => ClientKind::Nerdctl,
        ClientArg::Finch => ClientKind::Finch,
        ClientArg::Helm => ClientKind::Helm,
        ClientArg::Oras => ClientKind::Oras,
    }
}

/// Every (account, region) pair asked for.
fn targets(aws: &AwsSettings, sdk: &aws_config::SdkConfig) -> Result<Vec<LoginTarget>> {
    let regions = match aws.regions.is_empty() {
        true => vec![aws::region_of(sdk)?],
        false => aws.regions.clone(),
    };
    let ids: Vec<Option<String>> = match aws.registry_ids.is_empty() {
        true => vec![None],
        false => aws.registry_ids.iter().cloned().map(Some).collect(),
    };
    let mut targets = Vec::new();
    for region in &regions {
        for id in &ids {
            let target = LoginTarget {
                registry_id: id.clone(),
                region: region.clone(),
            };
            if !targets.contains(&target) {
                targets.push(target);
            }
        }
    }
    Ok(targets)
}

fn row(o: &Obtained, kind: ClientKind, action: Action) -> LoginRow {
    LoginRow {
        registry: o.token.host.clone(),
        account: o.token.account.clone(),
        region: o.token.region.clone(),
        username: o.token.username.clone(),
        expires_at: o.token.expires_at.map(token::rfc3339),
        expires_at_secs: o.token.expires_at,
        token_source: o.source,
        client: kind.program(),
        action,
    }
}

async fn log_in(
    kind: ClientKind,
    program: &PathBuf,
    o: &Obtained,
    docker_dir: Option<&Path>,
    ca_cert: Option<&Path>,
) -> Result<Action> {
    let t = &o.token;
    let config = match kind {
        ClientKind::Docker => Some(match docker_dir {
            Some(dir) => DockerConfig::load(dir)?,
            None => DockerConfig::load(&config_dir()?)?,
        }),
        _ => None,
    };
    if let Some(config) = &config {
        if config.helper_for(&t.host).as_deref() == Some(HELPER_NAME) {
            return Ok(Action::CredentialHelper);
        }
        if config
            .stored_auth(&t.host)
            .is_some_and(|(user, pw)| user == t.username && pw == t.password)
        {
            return Ok(Action::AlreadyLoggedIn);
        }
    }
    let Err(said) =
        client::login(kind, program, &t.host, &t.username, &t.password, docker_dir).await
    else {
        return Ok(Action::LoggedIn);
    };
    let probe = probe::check_credentials(&t.host, &t.username, &t.password, ca_cert).await;
    let store = config.as_ref().and_then(|c| c.helper_for(&t.host));
    Err(diagnose::explain(&Failure {
        client: kind.program(),
        host: &t.host,
        account: &t.account,
        region: &t.region,
        said: &said,
        store: store.as_deref(),
        probe: Some(&probe),
    }))
}

fn print_password(printer: &Printer, obtained: &[Obtained]) -> Result<()> {
    let [o] = obtained else {
        return Err(CliError::usage(
            "--print-password prints one password, but several registries were asked for",
        )
        .with_hint("pass a single --region and --registry-id"));
    };
    if printer.is_json() {
        printer.json(&PasswordDocument {
            schema_version: SchemaVersion,
            registry: &o.token.host,
            username: &o.token.username,
            password: o.token.password.expose(),
            expires_at: o.token.expires_at.map(token::rfc3339),
        });
    } else {
        printer.stdout(&format!("{}\n", o.token.password.expose()));
    }
    Ok(())
}

fn print_rows(printer: &Printer, rows: &[LoginRow]) {
    if printer.is_json() {
        printer.json(&LoginDocument {
            schema_version: SchemaVersion,
            registries: rows,
        });
        return;
    }
    printer.print_table(&rows_table(printer, rows, token::now()));
}

fn rows_table(printer: &Printer, rows: &[LoginRow], now: i64) -> comfy_table::Table {
    let mut table = printer.table(&[
        "REGISTRY", "ACCOUNT", "REGION", "EXPIRES", "TOKEN", "CLIENT",
    ]);
    for row in rows {
        let expires = match (&row.expires_at, row.expires_at_secs) {
            (Some(at), Some(secs)) if secs > now => {
                format!("{at} (in {})", describe_seconds(secs - now))
            }
            (Some(at), Some(_)) => format!("{at} (expired)"),
            _ => "unknown".into(),
        };
        table.add_row(vec![
            row.registry.clone(),
            row.account.clone(),
            row.region.clone(),
            expires,
            match row.token_source {
                TokenSource::Cache => "cached".into(),
                TokenSource::Aws => "new".to_string(),
            },
            format!("{}: {}", row.client, row.action.label()),
        ]);
    }
    table
}

/// `credHelpers` entries for every host, and `docker-credential-ecrctl` on PATH.
fn install_helper(printer: &Printer, obtained: &[Obtained]) -> Result<()> {
    let link = ensure_helper_binary()?;
    let dir = config_dir()?;
    // Held from load to save, so parallel installs (other regions, accounts) all land.
    let _lock = crate::docker::config::lock(&dir)?;
    let mut config = DockerConfig::load(&dir)?;
    let hosts: Vec<String> = obtained.iter().map(|o| o.token.host.clone()).collect();
    let mut changed = config.set_cred_helpers(&hosts, HELPER_NAME);
    // Inline tokens for these hosts would only go stale: the helper replaces them.
    let removed = config.remove_auths(&hosts);
    if !removed.is_empty() {
        printer.info(&format!(
            "removed the stored tokens for {} (the helper serves them now)",
            removed.join(", ")
        ));
    }
    changed.extend(removed);
    changed.dedup();
    if changed.is_empty() {
        printer.info(&format!(
            "{} already sends these registries to ecrctl",
            config.path.display()
        ));
    } else {
        let backup = config.save_with_backup()?;
        printer.info(&format!(
            "wrote credHelpers for {} to {}",
            changed.join(", "),
            config.path.display()
        ));
        let undo = match backup {
            Some(b) => format!("to undo: mv {} {}", b.display(), config.path.display()),
            None => format!(
                "to undo: remove those credHelpers entries from {}",
                config.path.display()
            ),
        };
        printer.info(&undo);
    }
    if let Some(link) = link {
        printer.info(&format!("linked {} to this ecrctl", link.display()));
    }
    let rows: Vec<LoginRow> = obtained
        .iter()
        .map(|o| row(o, ClientKind::Docker, Action::CredentialHelper))
        .collect();
    print_rows(printer, &rows);
    Ok(())
}

/// Makes sure docker finds `docker-credential-ecrctl`; creates it as a link to this
/// binary next to it when missing. Returns the link made, if any.
fn ensure_helper_binary() -> Result<Option<PathBuf>> {
    let name = format!("docker-credential-{HELPER_NAME}");
    if client::find_on_path(&name).is_some() {
        return Ok(None);
    }
    let exe = std::env::current_exe().map_err(|e| {
        CliError::remote("cannot find this program's path").with_cause(e.to_string())
    })?;
    let dir = exe.parent().unwrap_or(Path::new("."));
    let link = dir.join(&name);
    let manual = format!(
        "ln -s {} ~/.local/bin/{name}  (any folder on PATH)",
        exe.display()
    );
    if !link.exists() {
        match std::os::unix::fs::symlink(&exe, &link) {
            // A parallel `login --install-helper` made it first.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            other => other.map_err(|e| {
                CliError::remote(format!("could not create {}", link.display()))
                    .with_cause(e.to_string())
                    .with_hint(format!("create it yourself: {manual}"))
            })?,
        }
    }
    if client::find_on_path(&name).is_none() {
        return Err(CliError::remote(format!(
            "{} is not on PATH, so docker cannot run it",
            dir.display()
        ))
        .with_hint(format!("add it to PATH, or {manual}")));
    }
    Ok(Some(link))
}

/// ecrctl's own docker config folder without credsStore (`--no-creds-store`).
fn plain_docker_config() -> Result<PathBuf> {
    let base = crate::fsutil::xdg_dir("XDG_CONFIG_HOME", ".config")?;
    let dir = base.join("ecrctl").join("docker");
    let _lock = crate::docker::config::lock(&dir)?;
    let plain = DockerConfig::load(&config_dir()?)?.without_creds_store(&dir);
    // ecrctl's own copy, rebuilt on every such login: no backup to pile up.
    plain.save()?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<LoginRow> {
        let row = |region: &str, at: Option<i64>, source, action| LoginRow {
            registry: format!("123456789012.dkr.ecr.{region}.amazonaws.com"),
            account: "123456789012".into(),
            region: region.into(),
            username: "AWS".into(),
            expires_at: at.map(token::rfc3339),
            expires_at_secs: at,
            token_source: source,
            client: "docker",
            action,
        };
        vec![
            row(
                "eu-west-1",
                Some(1_800_000_000 + 11 * 3600),
                TokenSource::Aws,
                Action::LoggedIn,
            ),
            row(
                "us-east-1",
                Some(1_800_000_000 - 60),
                TokenSource::Cache,
                Action::AlreadyLoggedIn,
            ),
            row(
                "ap-south-1",
                None,
                TokenSource::Cache,
                Action::CredentialHelper,
            ),
        ]
    }

    #[test]
    fn table() {
        let printer = crate::output::plain_printer();
        insta::assert_snapshot!(rows_table(&printer, &rows(), 1_800_000_000).to_string());
    }

    #[test]
    fn json() {
        insta::assert_json_snapshot!(LoginDocument {
            schema_version: SchemaVersion,
            registries: &rows(),
        });
        insta::assert_json_snapshot!(PasswordDocument {
            schema_version: SchemaVersion,
            registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            username: "AWS",
            password: "not-a-real-password",
            expires_at: Some(token::rfc3339(1_800_000_000)),
        });
    }
}
