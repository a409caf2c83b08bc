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
    let desired = request::desired_repos(args)?;
    let ctx = aws::load(&settings.aws).await?;
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
        desired
            .iter()
            .zip(&observed)
            .zip(&plans)
            .map(|((d, o), p)| dry_run_row(d, o.as_ref(), p))
            .collect()
    } else {
        apply_all(&ctx, &desired, &observed, &plans, jobs, printer).await
    };
    report::print(printer, &rows, args.dry_run);

    let failed: Vec<&RepoRow> = rows.iter().filter(|r| r.status == Status::Failed).collect();
    if failed.is_empty() {
        return Ok(Outcome::Success);
    }
    let mut error = CliError::remote(format!(
        "{} of {} failed",
        failed.len(),
        crate::output::count(rows.len(), "repository", "repositories")
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
                let row = apply_one(ctx, d, o.as_ref(), p).await;
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
            if let Err(error) = update_fields(ctx, desired, &current.arn, fields).await {
                row.status = Status::Failed;
                row.error = Some(error.to_string());
            }
            row
        }
        _ => row(desired, observed, Status::Unchanged, Vec::new()),
    }
}

/// CreateRepository, then the policies it cannot take. A repository created whose policy
/// failed is reported as failed, with its URI, so a re-run finishes it.
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
    if let Err(error) = update_fields(ctx, desired, &arn, &policies).await {
        row.status = Status::Failed;
        row.error = Some(format!("created, but {error}"));
    }
    row.repository_arn = Some(arn);
    row.repository_uri = Some(uri);
    row
}

async fn update_fields(
    ctx: &AwsContext,
    desired: &DesiredRepo,
    arn: &str,
    fields: &[Field],
) -> Result<()> {
    for field in fields {
        repositories::update(ctx, &desired.name, arn, *field, &desired.settings).await?;
    }
    Ok(())
}
