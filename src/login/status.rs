//! `ecrctl login status`: every ECR login known to ecrctl's cache and to docker's
//! config.json (auths, credHelpers, credsStore), with time left and a state.

use serde::Serialize;

use super::cache::{self, CacheEntry};
use super::command::HELPER_NAME;
use super::token::{self, TokenState};
use crate::cli::LoginStatusArgs;
use crate::docker::config::{DockerConfig, config_dir, normalize_host};
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
    let mut rows = cache_rows(&config, &entries, now, warn_within);
    rows.extend(docker_rows(&config, &entries, now, warn_within).await);
    let bad: Vec<&StatusRow> = rows.iter().filter(|r| needs_attention(r.state)).collect();
    // -q: nothing on success (the verdict still names what needs attention); JSON asked
    // for is printed.
    if !printer.quiet || printer.is_json() || !bad.is_empty() {
        print(printer, &rows);
    }
    if bad.is_empty() {
        return Ok(Outcome::Success);
    }
    let mut verdict = Verdict::new(format!(
        "{} expired, expiring within {}, broken or of unknown expiry",
        crate::output::count(bad.len(), "login is", "logins are"),
        describe_seconds(warn_within)
    ));
    for row in bad {
        let note = row
            .note
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        verdict = verdict.with_cause(format!(
            "{} ({}): {}{note}",
            row.registry,
            row.source,
            row.state.as_str()
        ));
    }
    Ok(Outcome::Verdict(verdict.with_hint(
        "refresh with `ecrctl login`, or let docker ask ecrctl: `ecrctl login --install-helper`; \
         remove logins you no longer use with `ecrctl logout HOST`",
    )))
}

/// States that make `login status` say "no" (exit 1). `unknown` is one: a login whose
/// expiry nobody can tell is not known to work (fail closed); `stale` is not: an old
/// cache entry no client uses breaks nothing.
fn needs_attention(state: TokenState) -> bool {
    match state {
        TokenState::Expired | TokenState::Expiring | TokenState::Broken | TokenState::Unknown => {
            true
        }
        TokenState::Valid | TokenState::Stale => false,
    }
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

/// Whether docker uses this entry's token: its `auths` entry for the host holds exactly
/// this password. Another login docker has for the host (another token in `auths`, a
/// credential store, ecr-login) gets its own row; ecrctl's leftover entry is then stale.
/// An entry that kept no password (issued expired) cannot be compared: it counts as used
/// when docker's token for the host has no readable expiry of its own either.
fn docker_uses(config: &DockerConfig, entry: &CacheEntry) -> bool {
    config.auths().iter().any(|(h, auth)| {
        *h == entry.registry
            && auth
                .as_ref()
                .is_some_and(|(_, pw)| match entry.password.as_deref() {
                    Some(password) => pw.expose() == password,
                    None => token::expiry_from_password(pw.expose()).is_none(),
                })
    })
}

/// The newest cache entry per registry. Hosts docker sends to ecrctl's helper are left to
/// the helper's row (the helper refreshes them); an expired entry no client uses is
/// `stale`, not a failing login.
fn cache_rows(
    config: &DockerConfig,
    entries: &[CacheEntry],
    now: i64,
    warn_within: i64,
) -> Vec<StatusRow> {
    let mut seen = Vec::new();
    let mut rows = Vec::new();
    for entry in entries {
        if seen.contains(&entry.registry) {
            continue;
        }
        seen.push(entry.registry.clone());
        if config.helper_for(&entry.registry).as_deref() == Some(HELPER_NAME) {
            continue;
        }
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
        if row.state == TokenState::Expired && !docker_uses(config, entry) {
            row.state = TokenState::Stale;
            row.note = Some(format!(
                "stale, not in use: `ecrctl logout {}` removes it",
                entry.registry
            ));
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
        // An ECR token tells its expiry; another (a stand-in's) is matched with the
        // token ecrctl cached for that host.
        let expiry = auth.as_ref().and_then(|(_, pw)| {
            token::expiry_from_password(pw.expose()).or_else(|| {
                entries
                    .iter()
                    .find(|e| e.registry == host && e.password.as_deref() == Some(pw.expose()))
                    .and_then(|e| e.expires_at)
            })
        });
        let mut row = status_row(&host, "docker auths".into(), expiry, now, warn_within);
        if expiry.is_none() {
            row.note = Some("not an ECR-shaped token: its expiry cannot be read".into());
        }
        rows.push(row);
    }
    for (host, helper) in config.cred_helpers() {
        if !known(&host) {
            continue;
        }
        let source = format!("docker credHelpers ({helper})");
        rows.push(match helper.as_str() {
            // ecrctl refreshes before handing out, so what counts is whether it can now.
            HELPER_NAME => ecrctl_helper_row(&host, source, now, warn_within).await,
            _ => helper_row(&host, &helper, source, now, warn_within).await,
        });
    }
    if let Some(store) = config.creds_store() {
        let source = format!("docker credsStore ({store})");
        let mut hosts: Vec<String> = entries.iter().map(|e| e.registry.clone()).collect();
        match helpers::list(store).await {
            Ok(listed) => hosts.extend(listed.iter().map(|h| normalize_host(h))),
            Err(why) => {
                // Nothing docker stores there can be read: the store itself is the row.
                let mut row = status_row(
                    &format!("(credsStore {store})"),
                    source.clone(),
                    None,
                    now,
                    warn_within,
                );
                row.state = TokenState::Broken;
                row.note = Some(store_broken_note(store, &why));
                rows.push(row);
            }
        }
        let mut seen = Vec::new();
        for host in hosts {
            if seen.contains(&host)
                || !known(&host)
                || config.helper_for(&host).as_deref() != Some(store)
                || config.cred_helpers().iter().any(|(h, _)| *h == host)
            {
                continue;
            }
            seen.push(host.clone());
            let row = helper_row(&host, store, source.clone(), now, warn_within).await;
            // A cache entry for a host the store knows nothing of is reported by its row.
            if row.note.as_deref() != Some(NOTHING_STORED) {
                rows.push(row);
            }
        }
    }
    rows
}

const NOTHING_STORED: &str = "no credentials stored";

fn store_broken_note(helper: &str, why: &str) -> String {
    match helpers::is_desktop_stub_error(why) {
        true => format!(
            "the `{helper}` store is broken (\"The stub received bad data\"): use `ecrctl login --install-helper` or `--no-creds-store`"
        ),
        false => format!("{why}: docker cannot read or store credentials through it"),
    }
}

/// A host docker sends to `docker-credential-ecrctl`: fine while the helper can get a
/// token now, whatever the cached token's age; broken when it cannot.
async fn ecrctl_helper_row(host: &str, source: String, now: i64, warn_within: i64) -> StatusRow {
    if super::client::find_on_path("docker-credential-ecrctl").is_none() {
        let mut row = status_row(host, source, None, now, warn_within);
        row.state = TokenState::Broken;
        row.note = Some(
            "docker-credential-ecrctl is not on PATH: run `ecrctl login --install-helper` again"
                .into(),
        );
        return row;
    }
    match super::helper::can_serve(host).await {
        Ok(expiry) => {
            let mut row = status_row(host, source, expiry, now, warn_within);
            row.state = TokenState::Valid;
            row.note = Some(
                "docker-credential-ecrctl can serve it now (a fresh cached token, or a refresh just worked)".into(),
            );
            row
        }
        Err(error) => {
            let mut row = status_row(host, source, None, now, warn_within);
            row.state = TokenState::Broken;
            row.note = Some(format!(
                "docker-credential-ecrctl cannot refresh it now: {}",
                crate::output::sanitize(&error.to_string())
            ));
            row
        }
    }
}

async fn helper_row(
    host: &str,
    helper: &str,
    source: String,
    now: i64,
    warn_within: i64,
) -> StatusRow {
    // Under any key docker resolves to the host (`HOST`, `https://HOST`).
    let answer = helpers::get_any(helper, host).await;
    let (expiry, note, broken) = match answer {
        HelperAnswer::Found { secret, .. } => {
            (token::expiry_from_password(secret.expose()), None, false)
        }
        HelperAnswer::NotFound => (None, Some(NOTHING_STORED.to_string()), false),
        HelperAnswer::Missing => (
            None,
            Some(format!("docker-credential-{helper} is not on PATH")),
            true,
        ),
        HelperAnswer::Failed { message } => (None, Some(store_broken_note(helper, &message)), true),
    };
    let mut row = status_row(host, source, expiry, now, warn_within);
    row.note = note;
    if broken {
        row.state = TokenState::Broken;
    }
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
