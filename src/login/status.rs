//! `ecrctl login status`: every ECR login known to ecrctl's cache and to docker's
//! config.json (auths, credHelpers, credsStore), with time left and a state.

use serde::Serialize;

use super::cache::{self, CacheEntry};
use super::command::HELPER_NAME;
use super::token::{self, TokenState};
use crate::cli::LoginStatusArgs;
use crate::docker::config::{DockerConfig, config_dir};
use crate::docker::helpers::{self, HelperAnswer};
use crate::duration::describe_seconds;
use crate::outcome::{CommandResult, Outcome, Verdict};
use crate::output::{Printer, SchemaVersion};
use crate::registry::endpoint::parse_ecr_host;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusRow {
    pub registry: String,
    pub account: Option<String>,
    pub region: Option<String>,
    pub source: String,
    pub expires_at: Option<String>,
    pub seconds_left: Option<i64>,
    pub state: TokenState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

pub async fn run(args: &LoginStatusArgs, printer: &Printer) -> CommandResult {
    let now = token::now();
    let warn_within = args.warn_within.as_secs() as i64;
    let entries = cache::cache_dir()?
        .map(|dir| cache::all(&dir))
        .unwrap_or_default();
    let config = DockerConfig::load(&config_dir()?)?;
    let mut rows = cache_rows(&entries, now, warn_within);
    rows.extend(docker_rows(&config, &entries, now, warn_within).await);
    print(printer, &rows);
    let stale: Vec<&StatusRow> = rows
        .iter()
        .filter(|r| matches!(r.state, TokenState::Expired | TokenState::Expiring))
        .collect();
    if stale.is_empty() {
        return Ok(Outcome::Success);
    }
    let mut verdict = Verdict::new(format!(
        "{} expired or expiring within {}",
        crate::output::count(stale.len(), "login is", "logins are"),
        describe_seconds(warn_within)
    ));
    for row in stale {
        verdict = verdict.with_cause(format!(
            "{} ({}): {}",
            row.registry,
            row.source,
            row.state.as_str()
        ));
    }
    Ok(Outcome::Verdict(verdict.with_hint(
        "refresh with `ecrctl login`, or let docker ask ecrctl: `ecrctl login --install-helper`",
    )))
}

fn status_row(
    registry: &str,
    source: String,
    expires_at: Option<i64>,
    now: i64,
    warn_within: i64,
) -> StatusRow {
    let ecr = parse_ecr_host(registry);
    StatusRow {
        registry: registry.to_string(),
        account: ecr.as_ref().map(|h| h.account.clone()),
        region: ecr.map(|h| h.region),
        source,
        expires_at: expires_at.map(token::rfc3339),
        seconds_left: expires_at.map(|t| t - now),
        state: token::state(expires_at, now, warn_within),
        note: None,
    }
}

/// The newest cache entry per registry.
fn cache_rows(entries: &[CacheEntry], now: i64, warn_within: i64) -> Vec<StatusRow> {
    let mut seen = Vec::new();
    let mut rows = Vec::new();
    for entry in entries {
        if seen.contains(&entry.registry) {
            continue;
        }
        seen.push(entry.registry.clone());
        let mut row = status_row(
            &entry.registry,
            "ecrctl cache".into(),
            entry.expires_at,
            now,
            warn_within,
        );
        row.account = Some(entry.account.clone());
        row.region = Some(entry.region.clone());
        if entry.password.is_none() {
            row.note = Some("token was expired when issued; not cached".into());
        }
        rows.push(row);
    }
    rows
}

/// Logins docker holds for ECR registries (or for registries ecrctl logged in to).
async fn docker_rows(
    config: &DockerConfig,
    entries: &[CacheEntry],
    now: i64,
    warn_within: i64,
) -> Vec<StatusRow> {
    let known =
        |host: &str| parse_ecr_host(host).is_some() || entries.iter().any(|e| e.registry == host);
    let mut rows = Vec::new();
    for (host, auth) in config.auths() {
        if !known(&host) || config.helper_for(&host).is_some() {
            continue;
        }
        let expiry = auth
            .as_ref()
            .and_then(|(_, pw)| token::expiry_from_password(pw.expose()));
        rows.push(status_row(
            &host,
            "docker auths".into(),
            expiry,
            now,
            warn_within,
        ));
    }
    for (host, helper) in config.cred_helpers() {
        if !known(&host) {
            continue;
        }
        let source = format!("docker credHelpers ({helper})");
        rows.push(match helper.as_str() {
            // ecrctl refreshes before handing out, so what counts is whether it can.
            HELPER_NAME => {
                let mut row = status_row(&host, source, None, now, warn_within);
                row.note = Some("refreshed on demand by docker-credential-ecrctl".into());
                row
            }
            _ => helper_row(&host, &helper, source, now, warn_within).await,
        });
    }
    if let Some(store) = config.creds_store() {
        let hosts: Vec<String> = entries.iter().map(|e| e.registry.clone()).collect();
        for host in hosts
            .iter()
            .filter(|h| config.helper_for(h).as_deref() == Some(store))
        {
            if config.cred_helpers().iter().any(|(h, _)| h == host) {
                continue;
            }
            rows.push(
                helper_row(
                    host,
                    store,
                    format!("docker credsStore ({store})"),
                    now,
                    warn_within,
                )
                .await,
            );
        }
    }
    rows
}

async fn helper_row(
    host: &str,
    helper: &str,
    source: String,
    now: i64,
    warn_within: i64,
) -> StatusRow {
    let answer = helpers::get(helper, host).await;
    let (expiry, note) = match answer {
        HelperAnswer::Found { secret, .. } => (token::expiry_from_password(secret.expose()), None),
        HelperAnswer::NotFound => (None, Some("no credentials stored".to_string())),
        HelperAnswer::Missing => (
            None,
            Some(format!("docker-credential-{helper} is not on PATH")),
        ),
        HelperAnswer::Failed { message } if helpers::is_desktop_stub_error(&message) => (
            None,
            Some(format!(
                "the `{helper}` store is broken (\"The stub received bad data\"): use `ecrctl login --install-helper`"
            )),
        ),
        HelperAnswer::Failed { message } => (
            None,
            Some(format!("docker-credential-{helper} failed: {message}")),
        ),
    };
    let mut row = status_row(host, source, expiry, now, warn_within);
    row.note = note;
    row
}

/// `login status -o json` (docs/json-output.md).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusDocument<'a> {
    pub schema_version: SchemaVersion,
    pub registries: &'a [StatusRow],
}

fn print(printer: &Printer, rows: &[StatusRow]) {
    if printer.is_json() {
        printer.json(&StatusDocument {
            schema_version: SchemaVersion,
            registries: rows,
        });
        return;
    }
    if rows.is_empty() {
        printer.info("no ECR logins found (ecrctl's cache and docker's config.json are empty)");
        return;
    }
    printer.print_table(&table(printer, rows));
}

fn table(printer: &Printer, rows: &[StatusRow]) -> comfy_table::Table {
    let mut table = printer.table(&[
        "REGISTRY", "ACCOUNT", "REGION", "SOURCE", "EXPIRES", "LEFT", "STATE",
    ]);
    for row in rows {
        let state = match &row.note {
            Some(note) => format!("{} — {note}", row.state.as_str()),
            None => row.state.as_str().to_string(),
        };
        table.add_row(vec![
            row.registry.clone(),
            row.account.clone().unwrap_or_else(|| "-".into()),
            row.region.clone().unwrap_or_else(|| "-".into()),
            row.source.clone(),
            row.expires_at.clone().unwrap_or_else(|| "-".into()),
            row.seconds_left
                .map(describe_seconds)
                .unwrap_or_else(|| "-".into()),
            state,
        ]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<StatusRow> {
        let now = 1_800_000_000;
        let warn = 3600;
        let mut helper = status_row(
            "123456789012.dkr.ecr.ap-south-1.amazonaws.com",
            "docker credHelpers (ecrctl)".into(),
            None,
            now,
            warn,
        );
        helper.note = Some("refreshed on demand by docker-credential-ecrctl".into());
        vec![
            status_row(
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
                "ecrctl cache".into(),
                Some(now + 11 * 3600),
                now,
                warn,
            ),
            status_row(
                "123456789012.dkr.ecr.us-east-1.amazonaws.com",
                "docker auths".into(),
                Some(now + 600),
                now,
                warn,
            ),
            status_row(
                "registry.example.com",
                "docker auths".into(),
                Some(now - 60),
                now,
                warn,
            ),
            helper,
        ]
    }

    #[test]
    fn table() {
        let printer = crate::output::plain_printer();
        insta::assert_snapshot!(super::table(&printer, &rows()).to_string());
    }

    #[test]
    fn json() {
        insta::assert_json_snapshot!(StatusDocument {
            schema_version: SchemaVersion,
            registries: &rows(),
        });
    }
}
