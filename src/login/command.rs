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

/// amazon-ecr-credential-helper's name in docker's credHelpers.
pub const ECR_LOGIN: &str = "ecr-login";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    LoggedIn,
    AlreadyLoggedIn,
    CredentialHelper,
    /// docker's credHelpers send the host to amazon-ecr-credential-helper, which gets
    /// its own tokens: nothing to log in, and `docker login` would fail to store.
    EcrLogin,
}

impl Action {
    fn label(self) -> &'static str {
        match self {
            Self::LoggedIn => "logged in",
            Self::AlreadyLoggedIn => "already logged in",
            Self::CredentialHelper => "via credential helper",
            Self::EcrLogin => "served by ecr-login (amazon-ecr-credential-helper)",
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

/// Whether one target's login worked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum RowStatus {
    Ok,
    Failed,
}

/// One target's line: every field is known for a login that worked; a failed one has
/// what was known before it failed, and its error.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LoginRow {
    registry: Option<String>,
    account: Option<String>,
    region: String,
    username: Option<String>,
    expires_at: Option<String>,
    #[serde(skip)]
    expires_at_secs: Option<i64>,
    token_source: Option<TokenSource>,
    client: Option<&'static str>,
    action: Option<Action>,
    status: RowStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub async fn run(settings: &Settings, args: &LoginArgs, printer: &Printer) -> CommandResult {
    let registry_endpoint = settings
        .registry
        .endpoint
        .as_deref()
        .map(endpoint::parse_registry_endpoint)
        .transpose()?;
    if registry_endpoint.as_deref().is_some_and(|h| {
        h.split(':')
            .next()
            .unwrap_or(h)
            .eq_ignore_ascii_case(super::helper::ECR_PUBLIC)
    }) {
        // A private registry's token would be handed to ECR Public's host.
        return Err(CliError::usage("ecrctl does not log in to ECR Public (public.ecr.aws)")
            .with_hint(
                "pulls from public.ecr.aws need no login; to push: `aws ecr-public get-login-password \
                 --region us-east-1 | docker login --username AWS --password-stdin public.ecr.aws`",
            ));
    }
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
    // Checked before any AWS call or cache write (validate everything first).
    if args.print_password && targets.len() > 1 {
        return Err(several_passwords());
    }
    let token_settings = TokenSettings {
        registry_endpoint,
        force: args.force,
        ..TokenSettings::new(settings, args.min_validity.as_secs() as i64)?
    };
    let fetching = fetch::obtain_each(&sdk, &token_settings, &targets);
    let results = crate::registry::deadline::announce_if_slow(
        |waited| {
            printer.info(&format!(
                "still waiting for ECR to hand out a registry token ({} s)…",
                waited.as_secs()
            ))
        },
        fetching,
    )
    .await?;
    for o in results.iter().flatten() {
        if o.expired_at_birth {
            printer.warn(&format!(
                "ECR issued a token for {} that had already expired (check this machine's clock); \
                 it is used once and not cached",
                o.token.host
            ));
        }
        for warning in &o.warnings {
            printer.warn(warning);
        }
    }
    let Some((kind, program)) = client else {
        let obtained = match <[fetch::TargetResult; 1]>::try_from(results) {
            Ok([result]) => result?,
            Err(_) => return Err(several_passwords()),
        };
        print_password(printer, &obtained);
        return Ok(Outcome::Success);
    };
    if args.install_helper {
        let mut errors = Vec::new();
        let mut obtained = Vec::new();
        let mut rows = Vec::new();
        for (target, result) in targets.iter().zip(results) {
            match result {
                Ok(o) => obtained.push(o),
                Err(error) => rows.push(failed_row(&mut errors, error, target, None, None)),
            }
        }
        if !obtained.is_empty() {
            let mut done = install_helper(printer, &obtained)?;
            done.extend(rows);
            rows = done;
        }
        return finish(printer, &rows, errors);
    }
    let docker_dir = match args.no_creds_store {
        true => Some(plain_docker_config(printer)?),
        false => None,
    };
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (target, result) in targets.iter().zip(results) {
        let o = match result {
            Ok(o) => o,
            Err(error) => {
                rows.push(failed_row(&mut errors, error, target, None, Some(kind)));
                continue;
            }
        };
        let done = log_in(
            kind,
            &program,
            &o,
            docker_dir.as_deref(),
            settings.registry.ca_cert.as_deref(),
        )
        .await;
        rows.push(match done {
            Ok(action) => row(&o, kind, action),
            Err(error) => failed_row(&mut errors, error, target, Some(&o), Some(kind)),
        });
    }
    if let Some(dir) = docker_dir
        && rows.iter().any(|r| r.status == RowStatus::Ok)
    {
        printer.info(&format!(
            "logged in through {}: run `export DOCKER_CONFIG={}` so docker uses it",
            dir.join("config.json").display(),
            dir.display()
        ));
    }
    finish(printer, &rows, errors)
}

fn several_passwords() -> CliError {
    CliError::usage("--print-password prints one password, but several registries were asked for")
        .with_hint("pass a single --region and --registry-id")
}

/// Prints every target's row; a failed target fails the whole run (exit 3), after the
/// others were done. A single target's error is returned as it is, with its hint.
fn finish(printer: &Printer, rows: &[LoginRow], mut errors: Vec<CliError>) -> CommandResult {
    if errors.is_empty() {
        if !printer.quiet || printer.is_json() {
            print_rows(printer, rows);
        }
        return Ok(Outcome::Success);
    }
    if printer.is_json() || (rows.len() > 1 && !printer.quiet) {
        // With several targets the table shows which worked (-q: only the error);
        // JSON always shows them.
        print_rows(printer, rows);
    }
    if let ([_], Some(error)) = (rows, errors.pop()) {
        return Err(error);
    }
    let failed: Vec<&LoginRow> = rows
        .iter()
        .filter(|r| r.status == RowStatus::Failed)
        .collect();
    let mut error = CliError::remote(format!("{} of {} logins failed", failed.len(), rows.len()));
    for row in &failed {
        error = error.with_cause(format!(
            "{}: {}",
            target_label(row),
            row.error.as_deref().unwrap_or("failed")
        ));
    }
    Err(error.with_hint(
        "the other registries were logged in; fix the failed ones and run the same login again",
    ))
}

fn target_label(row: &LoginRow) -> String {
    match (&row.registry, &row.account) {
        (Some(registry), _) => registry.clone(),
        (None, Some(account)) => format!("account {account} in {}", row.region),
        (None, None) => format!("this account in {}", row.region),
    }
}

/// The row of a target that failed (before or after its token); keeps the error whole.
fn failed_row(
    errors: &mut Vec<CliError>,
    error: CliError,
    target: &LoginTarget,
    o: Option<&Obtained>,
    kind: Option<ClientKind>,
) -> LoginRow {
    let row = LoginRow {
        registry: o.map(|o| o.token.host.clone()),
        account: o
            .map(|o| o.token.account.clone())
            .or_else(|| target.registry_id.clone()),
        region: target.region.clone(),
        username: None,
        expires_at: None,
        expires_at_secs: None,
        token_source: o.map(|o| o.source),
        client: kind.map(ClientKind::program),
        action: None,
        status: RowStatus::Failed,
        error: Some(error.to_string()),
    };
    errors.push(error);
    row
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
        registry: Some(o.token.host.clone()),
        account: Some(o.token.account.clone()),
        region: o.token.region.clone(),
        username: Some(o.token.username.clone()),
        expires_at: o.token.expires_at.map(token::rfc3339),
        expires_at_secs: o.token.expires_at,
        token_source: Some(o.source),
        client: Some(kind.program()),
        action: Some(action),
        status: RowStatus::Ok,
        error: None,
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
        // docker runs `docker-credential-NAME`: one it cannot find is a failed login.
        let runnable = |helper: &str| {
            let program = format!("docker-credential-{helper}");
            match super::client::find_on_path(&program) {
                Some(_) => Ok(()),
                None => Err(CliError::remote(format!(
                    "docker sends {} to `{program}`, which is not on PATH",
                    t.host
                ))
                .with_hint(match helper {
                    HELPER_NAME => "run `ecrctl login --install-helper` again (it links the helper), or put it on PATH".to_string(),
                    _ => format!("install {program}, or remove the credHelpers entry for {}", t.host),
                })),
            }
        };
        if config.helper_for(&t.host).as_deref() == Some(HELPER_NAME) {
            runnable(HELPER_NAME)?;
            return Ok(Action::CredentialHelper);
        }
        if config
            .cred_helpers()
            .iter()
            .any(|(h, helper)| *h == t.host && helper == ECR_LOGIN)
        {
            runnable(ECR_LOGIN)?;
            return Ok(Action::EcrLogin);
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

fn print_password(printer: &Printer, o: &Obtained) {
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
        if row.status == RowStatus::Failed {
            table.add_row(vec![
                target_label(row),
                row.account.clone().unwrap_or_else(|| "-".into()),
                row.region.clone(),
                "-".into(),
                "-".into(),
                format!("FAILED: {}", row.error.as_deref().unwrap_or("failed")),
            ]);
            continue;
        }
        let expires = match (&row.expires_at, row.expires_at_secs) {
            (Some(at), Some(secs)) if secs > now => {
                format!("{at} (in {})", describe_seconds(secs - now))
            }
            (Some(at), Some(_)) => format!("{at} (expired)"),
            _ => "unknown".into(),
        };
        table.add_row(vec![
            row.registry.clone().unwrap_or_default(),
            row.account.clone().unwrap_or_default(),
            row.region.clone(),
            expires,
            match row.token_source {
                Some(TokenSource::Cache) => "cached".into(),
                _ => "new".to_string(),
            },
            format!(
                "{}: {}",
                row.client.unwrap_or("-"),
                row.action.map(Action::label).unwrap_or("-")
            ),
        ]);
    }
    table
}

/// `credHelpers` entries for every host, and `docker-credential-ecrctl` on PATH.
fn install_helper(printer: &Printer, obtained: &[Obtained]) -> Result<Vec<LoginRow>> {
    let link = ensure_helper_binary()?;
    let dir = config_dir()?;
    // Held from load to save, so parallel installs (other regions, accounts) all land.
    let _lock = crate::docker::config::lock(&dir)?;
    let mut config = DockerConfig::load(&dir)?;
    let hosts: Vec<String> = obtained.iter().map(|o| o.token.host.clone()).collect();
    // Another helper a host was sent to (ecr-login) is replaced: say so.
    for (host, helper) in config.cred_helpers() {
        if hosts.contains(&host) && helper != HELPER_NAME {
            printer.info(&format!(
                "replaced credHelpers `{helper}` for {host} with `{HELPER_NAME}`"
            ));
        }
    }
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
    Ok(obtained
        .iter()
        .map(|o| row(o, ClientKind::Docker, Action::CredentialHelper))
        .collect())
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

/// ecrctl's own docker config folder without credsStore (`--no-creds-store`). Docker
/// keeps more than config.json in its folder: `contexts/` (the `currentContext` Docker
/// Desktop sets) and `cli-plugins/` (buildx, compose). Both are linked from the user's
/// folder, so docker under the new DOCKER_CONFIG finds its context and plugins.
fn plain_docker_config(printer: &Printer) -> Result<PathBuf> {
    let base = crate::fsutil::xdg_dir("XDG_CONFIG_HOME", ".config")?;
    let dir = base.join("ecrctl").join("docker");
    let _lock = crate::docker::config::lock(&dir)?;
    let user_dir = config_dir()?;
    // ecrctl's own copy, rebuilt on every such login from the user's config (no backup
    // to pile up), keeping the logins docker stored in the copy since (an earlier
    // region's, `docker login ghcr.io` under the exported DOCKER_CONFIG).
    let earlier = DockerConfig::load(&dir)?;
    let plain = DockerConfig::load(&user_dir)?
        .without_creds_store(&dir)
        .keeping_auths_of(&earlier);
    plain.save()?;
    for name in LINKED_DOCKER_DIRS {
        link_docker_dir(printer, &user_dir, &dir, name)?;
    }
    Ok(dir)
}

/// What `--no-creds-store` links from the user's docker folder.
const LINKED_DOCKER_DIRS: [&str; 2] = ["contexts", "cli-plugins"];

fn link_docker_dir(printer: &Printer, user_dir: &Path, dir: &Path, name: &str) -> Result<()> {
    let source = user_dir.join(name);
    let link = dir.join(name);
    let source = match std::fs::canonicalize(&source) {
        Ok(source) if source.is_dir() => source,
        // Nothing to carry; a link left from an earlier login would now point nowhere.
        _ => {
            if link.is_symlink() {
                let _ = std::fs::remove_file(&link);
            }
            return Ok(());
        }
    };
    if link.is_symlink() {
        if std::fs::read_link(&link).is_ok_and(|t| t == source) {
            return Ok(());
        }
        let _ = std::fs::remove_file(&link);
    } else if link.exists() {
        printer.warn(&format!(
            "{} exists and is not a link to {}; docker under this DOCKER_CONFIG uses it as it is",
            link.display(),
            source.display()
        ));
        return Ok(());
    }
    std::os::unix::fs::symlink(&source, &link).map_err(|e| {
        CliError::remote(format!(
            "could not link {} to {}",
            link.display(),
            source.display()
        ))
        .with_cause(e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<LoginRow> {
        let row = |region: &str, at: Option<i64>, source, action| LoginRow {
            registry: Some(format!("123456789012.dkr.ecr.{region}.amazonaws.com")),
            account: Some("123456789012".into()),
            region: region.into(),
            username: Some("AWS".into()),
            expires_at: at.map(token::rfc3339),
            expires_at_secs: at,
            token_source: Some(source),
            client: Some("docker"),
            action: Some(action),
            status: RowStatus::Ok,
            error: None,
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
