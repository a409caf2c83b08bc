//! `ecrctl logout [HOST…|--all]`: removes ecrctl's cached tokens for those registries and
//! the client's stored credentials (docker: config.json `auths` and the credential store
//! it names; podman: `podman logout`). `--dry-run` shows the plan and changes nothing.

use std::path::PathBuf;

use serde::Serialize;

use super::cache::{self, CacheEntry};
use super::client::find_on_path;
use super::command::{ECR_LOGIN, HELPER_NAME};
use crate::cli::{LogoutArgs, LogoutClientArg};
use crate::docker::config::{DockerConfig, config_dir, normalize_host};
use crate::docker::helpers::{self, HelperAnswer};
use crate::error::{CliError, Result};
use crate::outcome::{CommandResult, Outcome};
use crate::output::{Printer, SchemaVersion};
use crate::registry::endpoint::parse_ecr_host;

/// One thing removed (or, in a dry run, to be removed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Removal {
    registry: String,
    /// `ecrctl cache`, `docker auths`, `docker-credential-NAME`, `podman`.
    from: String,
    #[serde(skip)]
    how: How,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum How {
    Cache,
    DockerAuths,
    /// The store and the keys it holds the host's login under.
    Helper(String, Vec<String>),
    Podman,
}

/// `logout -o json` (docs/json-output.md).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LogoutDocument<'a> {
    schema_version: SchemaVersion,
    dry_run: bool,
    removed: &'a [Removal],
    /// Hosts docker still gets tokens for from a credential helper that fetches its own.
    still_served: &'a [String],
}

pub async fn run(args: &LogoutArgs, printer: &Printer) -> CommandResult {
    let named = named_hosts(&args.hosts)?;
    // Also with the cache switched off now (ECRCTL_NO_CACHE): tokens cached before go.
    let cache_dir = Some(cache::location()?);
    let entries = cache_dir.as_deref().map(cache::all).unwrap_or_default();
    let docker = match args.client {
        LogoutClientArg::Docker => Some(DockerConfig::load(&config_dir()?)?),
        LogoutClientArg::Podman => None,
    };
    let podman = match args.client {
        LogoutClientArg::Podman => Some(find_on_path("podman").ok_or_else(|| {
            CliError::usage("`podman` is not installed (not found on PATH)")
                .with_hint("install podman, or log out of docker with --client docker")
        })?),
        LogoutClientArg::Docker => None,
    };
    let mut unlisted = Vec::new();
    let hosts = match args.all {
        true => known_hosts(&entries, docker.as_ref(), podman.is_some(), &mut unlisted).await,
        false => named,
    };
    let mut plan = Vec::new();
    let mut still_served = Vec::new();
    for host in &hosts {
        if entries.iter().any(|e| e.registry == *host) {
            plan.push(removal(host, "ecrctl cache", How::Cache));
        }
        if let Some(config) = &docker {
            plan_docker(config, host, &mut plan, &mut still_served).await;
        }
        if let Some(podman) = &podman
            && podman_logged_in(podman, host).await
        {
            plan.push(removal(host, "podman", How::Podman));
        }
    }
    // What was removed is printed (table or JSON) even when some removals failed; the
    // failures are the error after it (exit 3).
    let (done, executed) = match args.dry_run {
        true => (plan.clone(), Ok(())),
        false => {
            let (failed, result) =
                execute(&plan, cache_dir, docker.as_ref(), podman.as_ref()).await;
            let done = plan
                .iter()
                .zip(failed)
                .filter(|(_, failed)| !failed)
                .map(|(r, _)| r.clone())
                .collect();
            (done, result)
        }
    };
    print(printer, args.dry_run, &plan, &done, &still_served, &hosts);
    executed?;
    // `--all` could not see what a store holds: it may still hold logins (fail closed).
    if !unlisted.is_empty() {
        let mut error = CliError::remote(
            "logout --all could not list every credential store: logins may remain",
        );
        for why in unlisted {
            error = error.with_cause(why);
        }
        return Err(error
            .with_hint("fix the store (see the cause), or name the hosts: `ecrctl logout HOST…`"));
    }
    Ok(Outcome::Success)
}

fn removal(host: &str, from: &str, how: How) -> Removal {
    Removal {
        registry: host.to_string(),
        from: from.to_string(),
        how,
    }
}

/// The hosts named on the command line, as docker keys them (`https://h/v1/` → `h`).
fn named_hosts(hosts: &[String]) -> Result<Vec<String>> {
    let mut named = Vec::new();
    for raw in hosts {
        let host = normalize_host(raw.trim());
        let valid = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        if !valid {
            return Err(CliError::usage(format!(
                "`{}` is not a registry host",
                raw.escape_debug()
            ))
            .with_hint("name it as docker does: HOST or HOST:PORT, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com"));
        }
        if !named.contains(&host) {
            named.push(host);
        }
    }
    Ok(named)
}

/// `--all`: every ECR registry ecrctl cached, docker holds (auths, credHelpers, its
/// store's list) or podman's auth file holds, plus any host ecrctl cached a token for.
async fn known_hosts(
    entries: &[CacheEntry],
    docker: Option<&DockerConfig>,
    podman: bool,
    unlisted: &mut Vec<String>,
) -> Vec<String> {
    let mut hosts: Vec<String> = entries.iter().map(|e| e.registry.clone()).collect();
    let ecr_or_cached =
        |host: &str| parse_ecr_host(host).is_some() || entries.iter().any(|e| e.registry == host);
    if let Some(config) = docker {
        hosts.extend(config.auths().into_iter().map(|(h, _)| h));
        hosts.extend(config.cred_helpers().into_iter().map(|(h, _)| h));
        if let Some(store) = config.creds_store() {
            match helpers::list(store).await {
                Ok(listed) => hosts.extend(listed.iter().map(|h| normalize_host(h))),
                Err(why) => unlisted.push(format!(
                    "could not list the credentials in docker-credential-{store}: {why}"
                )),
            }
        }
    }
    if podman
        && let Some(file) = podman_authfile()
        && let Ok(config) = DockerConfig::load_authfile(&file)
    {
        hosts.extend(config.auths().into_iter().map(|(h, _)| h));
    }
    let mut known = Vec::new();
    for host in hosts {
        if ecr_or_cached(&host) && !known.contains(&host) {
            known.push(host);
        }
    }
    known
}

/// podman's auth file: `REGISTRY_AUTH_FILE`, else `$XDG_RUNTIME_DIR/containers/auth.json`.
fn podman_authfile() -> Option<PathBuf> {
    if let Some(file) = std::env::var_os("REGISTRY_AUTH_FILE").filter(|f| !f.is_empty()) {
        return Some(PathBuf::from(file));
    }
    let runtime = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty())?;
    Some(PathBuf::from(runtime).join("containers/auth.json"))
}

/// What docker holds for `host`: an `auths` entry, and credentials in the helper docker
/// uses for it (a credHelpers entry, else credsStore). ecrctl's and ecr-login's helpers
/// fetch tokens themselves and store nothing: such hosts are reported as still served.
async fn plan_docker(
    config: &DockerConfig,
    host: &str,
    plan: &mut Vec<Removal>,
    still_served: &mut Vec<String>,
) {
    if config.auths().iter().any(|(h, _)| h == host) {
        plan.push(removal(host, "docker auths", How::DockerAuths));
    }
    let Some(helper) = config.helper_for(host) else {
        return;
    };
    if helper == HELPER_NAME || helper == ECR_LOGIN {
        if config.cred_helpers().iter().any(|(h, _)| h == host) {
            still_served.push(format!("{host} (docker-credential-{helper})"));
        }
        return;
    }
    // Only what the store really holds is listed, under every key docker would erase
    // (`HOST`, `https://HOST`, `http://HOST`); a store that cannot answer is listed too,
    // so the erase reports why it failed instead of the host being skipped silently.
    let mut keys = Vec::new();
    for key in helpers::spellings(host) {
        match helpers::get(&helper, &key).await {
            HelperAnswer::NotFound | HelperAnswer::Missing => {}
            HelperAnswer::Found { .. } | HelperAnswer::Failed { .. } => keys.push(key),
        }
    }
    if !keys.is_empty() {
        plan.push(removal(
            host,
            &format!("docker-credential-{helper}"),
            How::Helper(helper, keys),
        ));
    }
}

/// How long a podman probe or logout may take (as for docker-credential-* calls).
const PODMAN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

async fn podman_logged_in(podman: &PathBuf, host: &str) -> bool {
    let status = tokio::process::Command::new(podman)
        .args(["login", "--get-login", host])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .status();
    tokio::time::timeout(PODMAN_TIMEOUT, status)
        .await
        .is_ok_and(|s| s.is_ok_and(|s| s.success()))
}

/// Carries out the plan: every removal is tried; which failed (by plan row), and the
/// failures as one error (exit 3).
async fn execute(
    plan: &[Removal],
    cache_dir: Option<PathBuf>,
    docker: Option<&DockerConfig>,
    podman: Option<&PathBuf>,
) -> (Vec<bool>, Result<()>) {
    let mut failed = vec![false; plan.len()];
    let mark = |how: &dyn Fn(&How) -> bool, failed: &mut Vec<bool>| {
        for (i, r) in plan.iter().enumerate() {
            if how(&r.how) {
                failed[i] = true;
            }
        }
    };
    let mut failures = Vec::new();
    let cached: Vec<&str> = plan
        .iter()
        .filter(|r| r.how == How::Cache)
        .map(|r| r.registry.as_str())
        .collect();
    if let Some(dir) = cache_dir.filter(|_| !cached.is_empty())
        && let Err(e) = cache::remove_where(&dir, |e| cached.contains(&e.registry.as_str()))
    {
        failures.push(e.to_string());
        mark(&|h| *h == How::Cache, &mut failed);
    }
    let in_auths: Vec<String> = plan
        .iter()
        .filter(|r| r.how == How::DockerAuths)
        .map(|r| r.registry.clone())
        .collect();
    if let Some(config) = docker.filter(|_| !in_auths.is_empty()) {
        let dir = config.path.parent().map(PathBuf::from).unwrap_or_default();
        let saved = crate::docker::config::lock(&dir).and_then(|_lock| {
            // Reloaded under the lock, so a concurrent edit is not lost.
            let mut fresh = DockerConfig::load(&dir)?;
            fresh.remove_auths(&in_auths);
            // The backup guards the write; once it succeeded it would only keep the
            // removed credentials on disk (and pile up), so it goes.
            if let Some(backup) = fresh.save_with_backup()? {
                std::fs::remove_file(&backup).map_err(|e| {
                    CliError::remote(format!(
                        "could not remove the backup {} (it holds the removed login)",
                        backup.display()
                    ))
                    .with_cause(e.to_string())
                })?;
            }
            Ok(())
        });
        if let Err(e) = saved {
            failures.push(e.to_string());
            mark(&|h| *h == How::DockerAuths, &mut failed);
        }
    }
    for (i, r) in plan.iter().enumerate() {
        match &r.how {
            How::Helper(helper, keys) => {
                for key in keys {
                    if let Err(why) = helpers::erase(helper, key).await {
                        failures.push(format!("{key}: {why}"));
                        failed[i] = true;
                    }
                }
            }
            How::Podman => {
                if let Some(podman) = podman
                    && let Err(why) = podman_logout(podman, &r.registry).await
                {
                    failures.push(format!("{}: {why}", r.registry));
                    failed[i] = true;
                }
            }
            How::Cache | How::DockerAuths => {}
        }
    }
    if failures.is_empty() {
        return (failed, Ok(()));
    }
    let mut error = CliError::remote(format!(
        "{} could not be removed",
        crate::output::count(failures.len(), "login", "logins")
    ));
    for failure in failures {
        error = error.with_cause(failure);
    }
    (
        failed,
        Err(error.with_hint("the rest was removed; see the causes, then run the same logout again")),
    )
}

async fn podman_logout(podman: &PathBuf, host: &str) -> std::result::Result<(), String> {
    let output = tokio::process::Command::new(podman)
        .args(["logout", host])
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(PODMAN_TIMEOUT, output)
        .await
        .map_err(|_| "podman logout did not finish within 10 s".to_string())?
        .map_err(|e| format!("could not run podman: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&output.stderr);
    if !said.contains("not logged into") {
        return Err(format!(
            "podman logout failed: {}",
            said.lines().next().unwrap_or("").trim()
        ));
    }
    // "not logged into HOST" while podman still resolves a login for it (an auth.json
    // key `https://HOST`, which `podman logout HOST` does not remove): not removed.
    match podman_logged_in(podman, host).await {
        false => Ok(()),
        true => Err(format!(
            "podman still has a login for {host} (stored under another key, e.g. https://{host}, which `podman logout {host}` does not remove): edit its auth file (REGISTRY_AUTH_FILE or $XDG_RUNTIME_DIR/containers/auth.json)"
        )),
    }
}

/// `plan`: everything tried; `done`: what was removed (or would be, in a dry run).
fn print(
    printer: &Printer,
    dry_run: bool,
    plan: &[Removal],
    done: &[Removal],
    still_served: &[String],
    hosts: &[String],
) {
    if printer.is_json() {
        printer.json(&LogoutDocument {
            schema_version: SchemaVersion,
            dry_run,
            removed: done,
            still_served,
        });
        return;
    }
    for host in hosts
        .iter()
        .filter(|h| !plan.iter().any(|r| r.registry == **h))
    {
        if !still_served.iter().any(|s| s.starts_with(host.as_str())) {
            printer.info(&format!("nothing stored for {host}"));
        }
    }
    if !done.is_empty() && !printer.quiet {
        let header = match dry_run {
            true => ["REGISTRY", "WOULD BE REMOVED FROM"],
            false => ["REGISTRY", "REMOVED FROM"],
        };
        let mut table = printer.table(&header);
        for r in done {
            table.add_row(vec![r.registry.clone(), r.from.clone()]);
        }
        printer.print_table(&table);
    }
    for served in still_served {
        printer.info(&format!(
            "docker still gets tokens for {served} on demand: remove its credHelpers entry to stop that"
        ));
    }
    if dry_run {
        printer.info("dry run: nothing was removed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_normalized_and_validated() {
        assert_eq!(
            named_hosts(&[
                "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v1/".into(),
                "127.0.0.1:5000".into(),
                "127.0.0.1:5000".into(),
            ])
            .unwrap(),
            [
                "123456789012.dkr.ecr.us-east-1.amazonaws.com",
                "127.0.0.1:5000"
            ]
        );
        for bad in ["", "a b", "h;rm"] {
            assert_eq!(
                named_hosts(&[bad.into()]).unwrap_err().exit_code().code(),
                2,
                "{bad}"
            );
        }
    }
}
