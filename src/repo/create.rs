//! `ecrctl repo create`: validate everything, look at what exists, plan, then converge.

use futures::stream::{self, StreamExt, TryStreamExt};

use super::plan::{self, Plan};
use super::report::{self, EffectiveSettings, RepoRow, Status};
use super::request;
use super::settings::DesiredRepo;
use crate::aws::{self, AwsContext, repositories};
use crate::cli::RepoCreateArgs;
use crate::error::{CliError, Result};
use crate::model::repository::{Field, ObservedRepo};
use crate::outcome::{CommandResult, Outcome};
use crate::output::Printer;
use crate::settings::Settings;

pub async fn run(settings: &Settings, args: &RepoCreateArgs, printer: &Printer) -> CommandResult {
    let (desired, warnings) = request::desired_repos(args)?;
    for warning in &warnings {
        printer.warn(warning);
    }
    let ctx = aws::load(&settings.aws).await?;
    super::kms::check_regions(&desired, &ctx.region)?;
    if super::kms::any_key_arn(&desired) {
        let account = aws::identity::registry_account(&ctx).await?;
        super::kms::check_accounts(&desired, &account)?;
    }
    let jobs = usize::from(args.jobs);

    tracing::info!(
        count = desired.len(),
        jobs,
        "describing the requested repositories"
    );
    let observed = observe_all(&ctx, &desired, jobs).await?;
    let plans: Vec<Plan> = desired
        .iter()
        .zip(&observed)
        .map(|(d, o)| plan::plan(&d.settings, o.as_ref()))
        .collect();
    refuse_conflicts(&desired, &plans)?;

    let rows = if args.dry_run {
        // The settings an existing repository would have: what it holds now (policies and
        // tags included, read in full) with what was asked for on top.
        // A repository that cannot be read in full gets its own failed row (as the real
        // run's "settings not verified"), and the others are still reported.
        let current = read_existing(&ctx, &desired, &observed, jobs).await;
        desired
            .iter()
            .zip(current)
            .zip(&observed)
            .zip(&plans)
            .map(|(((d, c), o), p)| match c {
                Ok(c) => dry_run_row(d, c.as_ref(), p),
                Err(error) => {
                    let mut row = dry_run_row(d, o.as_ref(), p);
                    row.error = Some(format!("settings not read in full: {error}"));
                    row
                }
            })
            .collect()
    } else {
        apply_all(&ctx, &desired, &observed, &plans, jobs, printer).await
    };
    report::print(printer, &rows, args.dry_run);

    let failed: Vec<&RepoRow> = rows.iter().filter(|r| r.error.is_some()).collect();
    if failed.is_empty() {
        return Ok(Outcome::Success);
    }
    let mut error = CliError::remote(format!(
        "{} of {} failed{}",
        failed.len(),
        crate::output::count(rows.len(), "repository", "repositories"),
        if failed.iter().all(|r| r.status == Status::Failed) {
            ""
        } else {
            " (entirely or in part)"
        }
    ));
    for row in failed {
        error = error.with_cause(format!(
            "{}: {}",
            row.repository_name,
            row.error.as_deref().unwrap_or("")
        ));
    }
    Err(error.with_hint(
        "fix the cause and run the same command again: finished repositories are left as they are",
    ))
}

/// Describes every requested repository (concurrently) before anything changes.
async fn observe_all(
    ctx: &AwsContext,
    desired: &[DesiredRepo],
    jobs: usize,
) -> Result<Vec<Option<ObservedRepo>>> {
    stream::iter(desired)
        .map(|d| repositories::observe(ctx, &d.name, &d.settings))
        .buffered(jobs)
        .try_collect()
        .await
}

/// Every setting of the repositories that exist (for the dry-run report), one result
/// per repository.
async fn read_existing(
    ctx: &AwsContext,
    desired: &[DesiredRepo],
    observed: &[Option<ObservedRepo>],
    jobs: usize,
) -> Vec<Result<Option<ObservedRepo>>> {
    stream::iter(desired.iter().zip(observed))
        .map(|(d, o)| async move {
            match o {
                Some(_) => repositories::read_back(ctx, &d.name).await,
                None => Ok(None),
            }
        })
        .buffered(jobs)
        .collect()
        .await
}

fn refuse_conflicts(desired: &[DesiredRepo], plans: &[Plan]) -> Result<()> {
    let conflicts: Vec<String> = desired
        .iter()
        .zip(plans)
        .filter_map(|(d, p)| match p {
            Plan::Conflict(why) => Some(format!("{}: {why}", d.name)),
            _ => None,
        })
        .collect();
    if conflicts.is_empty() {
        return Ok(());
    }
    let mut error = CliError::usage(format!(
        "{} cannot be brought to the settings asked for; nothing was changed",
        crate::output::count(
            conflicts.len(),
            "existing repository",
            "existing repositories"
        )
    ));
    for conflict in conflicts {
        error = error.with_cause(conflict);
    }
    Err(error.with_hint(
        "drop the encryption settings for existing repositories, or create a new repository \
         and copy the images into it",
    ))
}

fn dry_run_row(desired: &DesiredRepo, observed: Option<&ObservedRepo>, plan: &Plan) -> RepoRow {
    let (status, changes) = match plan {
        Plan::Create => (Status::WouldCreate, Vec::new()),
        Plan::Update(fields) => (Status::WouldUpdate, fields.clone()),
        Plan::Unchanged | Plan::Conflict(_) => (Status::Unchanged, Vec::new()),
    };
    row(desired, observed, status, changes)
}

fn row(
    desired: &DesiredRepo,
    observed: Option<&ObservedRepo>,
    status: Status,
    changes: Vec<Field>,
) -> RepoRow {
    RepoRow {
        repository_name: desired.name.clone(),
        repository_uri: observed.map(|o| o.uri.clone()),
        repository_arn: observed.map(|o| o.arn.clone()),
        status,
        changes,
        settings: EffectiveSettings::new(&desired.settings, observed),
        failed_settings: Vec::new(),
        error: None,
    }
}

async fn apply_all(
    ctx: &AwsContext,
    desired: &[DesiredRepo],
    observed: &[Option<ObservedRepo>],
    plans: &[Plan],
    jobs: usize,
    printer: &Printer,
) -> Vec<RepoRow> {
    let bar = printer.progress(desired.len() as u64, "converging repositories");
    let rows = stream::iter(desired.iter().zip(observed).zip(plans))
        .map(|((d, o), p)| {
            let bar = bar.clone();
            async move {
                let mut row = apply_one(ctx, d, o.as_ref(), p).await;
                read_back(ctx, &mut row).await;
                bar.inc(1);
                row
            }
        })
        .buffered(jobs)
        .collect()
        .await;
    bar.finish_and_clear();
    rows
}

/// Replaces the row's settings with what ECR holds after the run, so the report shows
/// what is, not what was asked for. A repository that could not be read back keeps the
/// settings asked for, and the row says it was not verified.
async fn read_back(ctx: &AwsContext, row: &mut RepoRow) {
    if row.status == Status::Failed {
        return;
    }
    match repositories::read_back(ctx, &row.repository_name).await {
        Ok(Some(observed)) => {
            row.settings = EffectiveSettings::new(&Default::default(), Some(&observed));
        }
        Ok(None) => {
            row.error = Some(append(
                row.error.take(),
                "the repository was not found when read back".into(),
            ));
        }
        Err(error) => {
            row.error = Some(append(
                row.error.take(),
                format!("settings not verified: {error}"),
            ));
        }
    }
}

fn append(first: Option<String>, more: String) -> String {
    match first {
        Some(first) => format!("{first}; {more}"),
        None => more,
    }
}

async fn apply_one(
    ctx: &AwsContext,
    desired: &DesiredRepo,
    observed: Option<&ObservedRepo>,
    plan: &Plan,
) -> RepoRow {
    match (plan, observed) {
        (Plan::Create, _) => create_one(ctx, desired).await,
        (Plan::Update(fields), Some(current)) => {
            let mut row = row(desired, observed, Status::Updated, fields.clone());
            let failures = update_fields(ctx, desired, &current.arn, fields).await;
            if failures.len() == fields.len() {
                row.status = Status::Failed;
            }
            note_failures(&mut row, failures, "");
            row
        }
        _ => row(desired, observed, Status::Unchanged, Vec::new()),
    }
}

/// Records settings that could not be put: the row keeps its status (`created`,
/// `updated`), lists them in `failedSettings`, and its error says how many failed.
fn note_failures(row: &mut RepoRow, failures: Vec<(Field, CliError)>, prefix: &str) {
    if failures.is_empty() {
        return;
    }
    let count = crate::output::count(failures.len(), "setting", "settings");
    let causes: Vec<String> = failures.iter().map(|(_, e)| e.to_string()).collect();
    row.error = Some(if row.status == Status::Failed {
        causes.join("; ")
    } else {
        format!("{prefix}{count} failed: {}", causes.join("; "))
    });
    row.failed_settings = failures.into_iter().map(|(f, _)| f).collect();
}

/// CreateRepository, then the policies it cannot take. A repository created whose policy
/// failed stays `created` (with its URI) and lists the failed setting, so a re-run
/// finishes it.
async fn create_one(ctx: &AwsContext, desired: &DesiredRepo) -> RepoRow {
    tracing::debug!(repository = %desired.name, "CreateRepository");
    let mut row = row(desired, None, Status::Created, Vec::new());
    let (arn, uri) = match repositories::create(ctx, &desired.name, &desired.settings).await {
        Ok(created) => created,
        Err(error) => {
            row.status = Status::Failed;
            row.error = Some(error.to_string());
            return row;
        }
    };
    let mut policies = Vec::new();
    if desired.settings.lifecycle_policy.is_some() {
        policies.push(Field::LifecyclePolicy);
    }
    if desired.settings.repository_policy.is_some() {
        policies.push(Field::RepositoryPolicy);
    }
    let failures = update_fields(ctx, desired, &arn, &policies).await;
    note_failures(&mut row, failures, "created, ");
    row.repository_arn = Some(arn);
    row.repository_uri = Some(uri);
    row
}

/// Puts each field (one failing does not stop the others); returns the failures.
async fn update_fields(
    ctx: &AwsContext,
    desired: &DesiredRepo,
    arn: &str,
    fields: &[Field],
) -> Vec<(Field, CliError)> {
    let mut failures = Vec::new();
    for field in fields {
        if let Err(error) =
            repositories::update(ctx, &desired.name, arn, *field, &desired.settings).await
        {
            failures.push((*field, error));
        }
    }
    failures
}
