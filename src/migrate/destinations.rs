//! The destinations of a migration: each registry's pacing and, for ECR, the repositories
//! the plan needs, looked up and created (with --repo-settings) before the first copy,
//! with their tag mutability.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::{StreamExt, stream};

use super::copy::{Destination, Pacer};
use super::plan::PlanItem;
use super::setup::{Ecr, is_ecr};
use crate::aws::{AwsContext, repositories};
use crate::cli::MigrateArgs;
use crate::error::{CliError, Result};
use crate::model::repository::{Field, Mutability, RepoSettings};
use crate::output::Printer;
use crate::registry::client::RegistryClient;

/// Destinations with pacing and, for ECR, their repositories created (unless a dry run)
/// and immutable ones noted.
pub async fn prepare(
    items: &[PlanItem],
    clients: HashMap<String, Arc<RegistryClient>>,
    ecr: Option<&Ecr>,
    args: &MigrateArgs,
    put_rate: Option<f64>,
    printer: &Printer,
) -> Result<(HashMap<String, Destination>, Vec<String>)> {
    let repo_settings = match &args.repo_settings {
        // `[defaults]` alone is the common case: every repository created alike.
        Some(path) => Some(crate::repo::file::read_settings(path)?),
        None => None,
    };
    let mut out = HashMap::new();
    let mut to_create = Vec::new();
    // In host-name order, so the "created" lines of several registries keep one order.
    let mut clients: Vec<(String, Arc<RegistryClient>)> = clients.into_iter().collect();
    clients.sort_by(|a, b| a.0.cmp(&b.0));
    for (host, client) in clients {
        let ecr_here = ecr.filter(|e| is_ecr(Some(&host), e.registry_endpoint.as_deref()));
        let mut tag_rules = HashMap::new();
        let mut created = HashSet::new();
        if let Some(ecr) = ecr_here {
            let mut repos: Vec<&str> = items
                .iter()
                .filter(|i| i.destination.host.as_deref() == Some(host.as_str()))
                .map(|i| i.destination.repository.as_str())
                .collect();
            repos.sort();
            repos.dedup();
            // The repositories are looked up and created in the registry the host names
            // (its region and account), never in the configured one.
            let ctx = ecr.ctx_for(&host);
            let place = if ctx.region == ecr.ctx.region {
                String::new()
            } else {
                format!(" in {}", ctx.region)
            };
            // Several at once (each is one or two API round trips); reported in order.
            // After a failure no further repository is touched, but those under way
            // finish, so that every repository the run created is reported before the
            // error (none is left behind unsaid).
            let failed = AtomicBool::new(false);
            let states: Vec<(&str, Result<Option<RepoState>>)> = stream::iter(repos)
                .map(|repo| {
                    let settings = settings_for(repo_settings.as_ref(), repo);
                    let (ctx, failed) = (&ctx, &failed);
                    async move {
                        if failed.load(Ordering::SeqCst) {
                            return (repo, Ok(None));
                        }
                        let state = ensure_repository(ctx, repo, &settings, args.dry_run).await;
                        if matches!(state, Err(_) | Ok(RepoState::Created(_, Some(_)))) {
                            failed.store(true, Ordering::SeqCst);
                        }
                        (repo, state.map(Some))
                    }
                })
                .buffered(REPOSITORIES_AT_ONCE)
                .collect()
                .await;
            let mut first_error = None;
            for (repo, state) in states {
                match state {
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                    Ok(None) => {}
                    Ok(Some(RepoState::Exists(mutability, lacking))) => {
                        if !lacking.is_empty() {
                            printer.warn(&lacking_settings(repo, &lacking, args));
                        }
                        tag_rules.insert(repo.to_string(), mutability);
                    }
                    Ok(Some(RepoState::WouldCreate)) => to_create.push(repo.to_string()),
                    Ok(Some(RepoState::Created(mutability, failed_policy))) => {
                        printer.info(&format!("created ECR repository {repo}{place}"));
                        if let Some(e) = failed_policy {
                            first_error.get_or_insert(e);
                        }
                        to_create.push(repo.to_string());
                        created.insert(repo.to_string());
                        if let Some(m) = mutability {
                            tag_rules.insert(repo.to_string(), m);
                        }
                    }
                }
            }
            if let Some(e) = first_error {
                return Err(e);
            }
        }
        let rate = ecr_here.and(put_rate);
        out.insert(
            host,
            Destination {
                client,
                pacer: rate.and_then(Pacer::per_second).map(Arc::new),
                tag_rules,
                created,
            },
        );
    }
    Ok((out, to_create))
}

/// ECR repositories looked up and created at once: API round trips, not bandwidth.
const REPOSITORIES_AT_ONCE: usize = 8;

/// What a destination repository is (or would be) once [`ensure_repository`] ran.
enum RepoState {
    /// It was there, with this tag mutability, lacking these policies that
    /// --repo-settings gives it.
    Exists(Mutability, Vec<Field>),
    /// A dry run: it would be created.
    WouldCreate,
    /// Created now, with the mutability asked for (if any); and the error of a policy
    /// that could not be put on it, if one failed.
    Created(Option<Mutability>, Option<CliError>),
}

async fn ensure_repository(
    ctx: &AwsContext,
    repo: &str,
    settings: &RepoSettings,
    dry_run: bool,
) -> Result<RepoState> {
    // The policies --repo-settings gives it are read too, to say which it lacks.
    let policies = RepoSettings {
        lifecycle_policy: settings.lifecycle_policy.clone(),
        repository_policy: settings.repository_policy.clone(),
        ..RepoSettings::default()
    };
    if let Some(existing) = repositories::observe(ctx, repo, &policies).await? {
        let lacking = POLICIES
            .into_iter()
            .filter(|&field| wanted(settings, field) && !has(&existing, field))
            .collect();
        return Ok(RepoState::Exists(existing.mutability, lacking));
    }
    if dry_run {
        return Ok(RepoState::WouldCreate);
    }
    match repositories::create(ctx, repo, settings).await {
        Ok((arn, _)) => {
            for field in POLICIES.into_iter().filter(|&f| wanted(settings, f)) {
                if let Err(e) = repositories::update(ctx, repo, &arn, field, settings).await {
                    let e = e.context(format!(
                        "created ECR repository {repo}, but not its {}",
                        field.as_str()
                    ));
                    return Ok(RepoState::Created(settings.mutability.clone(), Some(e)));
                }
            }
            Ok(RepoState::Created(settings.mutability.clone(), None))
        }
        // Another shard of the plan created it in between: that is success, with the
        // settings it was created with.
        Err(e) if already_exists(&e) => {
            let existing = repositories::observe(ctx, repo, &RepoSettings::default())
                .await?
                .ok_or(e)?;
            // Its creator puts its policies: not said to lack them.
            Ok(RepoState::Exists(existing.mutability, Vec::new()))
        }
        Err(e) => Err(e),
    }
}

/// The settings CreateRepository does not take: each is a call of its own.
const POLICIES: [Field; 2] = [Field::LifecyclePolicy, Field::RepositoryPolicy];

/// Whether `settings` gives the repository this policy.
fn wanted(settings: &RepoSettings, policy: Field) -> bool {
    match policy {
        Field::LifecyclePolicy => settings.lifecycle_policy.is_some(),
        Field::RepositoryPolicy => settings.repository_policy.is_some(),
        _ => false,
    }
}

/// Whether the repository, as observed, has this policy.
fn has(repo: &crate::model::repository::ObservedRepo, policy: Field) -> bool {
    match policy {
        Field::LifecyclePolicy => repo.lifecycle_policy.is_some(),
        Field::RepositoryPolicy => repo.repository_policy.is_some(),
        _ => false,
    }
}

/// The warning for an existing repository without policies --repo-settings gives it
/// (an earlier run created it but could not put them, or it was made by hand): migrate
/// never changes an existing repository (a lifecycle policy expires images), so it is
/// said, with the command that applies them.
fn lacking_settings(repo: &str, lacking: &[Field], args: &MigrateArgs) -> String {
    let fields: Vec<&str> = lacking.iter().map(|f| f.as_str()).collect();
    let file = args
        .repo_settings
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    format!(
        "ECR repository {repo} exists without the {} that --repo-settings gives it: migrate sets settings only on the repositories it creates; `ecrctl repo create --from-file {file}` applies them to the repositories the file lists",
        fields.join(" and ")
    )
}

/// `RepositoryAlreadyExistsException` from CreateRepository.
fn already_exists(e: &CliError) -> bool {
    e.causes()
        .iter()
        .any(|c| c.starts_with("RepositoryAlreadyExistsException"))
}

fn settings_for(file: Option<&crate::repo::file::RepoFile>, repo: &str) -> RepoSettings {
    match file {
        None => RepoSettings::default(),
        Some(f) => match f.entries.iter().find(|(name, _)| name == repo) {
            Some((_, entry)) => f.defaults.overlaid_with(entry),
            None => f.defaults.clone(),
        },
    }
}
