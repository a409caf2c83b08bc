//! `ecrctl lifecycle preview`: evaluate a policy against a repository (live, offline, or
//! across the registry), check it against what must be protected, and report.

use futures::stream::{self, StreamExt, TryStreamExt};

use super::engine::{self, Outcome};
use super::guard;
use super::images::{self, Image, Micros};
use super::in_use;
use super::inputs;
use super::policy::Policy;
use super::protect::Protection;
use super::report::{self, Preview, RegistryDocument, Totals};
use crate::aws::{self, AwsContext, images as ecr_images, repositories};
use crate::cli::LifecyclePreviewArgs;
use crate::error::{CliError, Result};
use crate::outcome::{self, CommandResult, Verdict};
use crate::output::{Printer, SchemaVersion};
use crate::settings::Settings;

pub async fn run(
    settings: &Settings,
    args: &LifecyclePreviewArgs,
    printer: &Printer,
) -> CommandResult {
    if args.remote {
        // --timeout (the wait for ECR's preview) bounds the whole command: a hung request
        // ends at the deadline with exit 4.
        let work = preview(settings, args, printer);
        return crate::registry::deadline::hard_bound(args.timeout, "--timeout", work).await;
    }
    preview(settings, args, printer).await
}

async fn preview(
    settings: &Settings,
    args: &LifecyclePreviewArgs,
    printer: &Printer,
) -> CommandResult {
    let given = args
        .policy
        .as_deref()
        .map(inputs::policy_file)
        .transpose()?;
    let now = inputs::now(args.now.as_deref())?;
    let protection = inputs::protection(&args.protect)?;
    let in_use = in_use::sources(&args.protect.protect_in_use)?;
    if args.source.all_repositories {
        return all_repositories(
            settings,
            args,
            given.map(|(_, p)| p),
            &protection,
            in_use,
            now,
            printer,
        )
        .await;
    }
    let mut warnings = Vec::new();
    let (ctx, repository, images, policy, text) = match &args.source.images {
        Some(path) => {
            let (text, policy) = given.ok_or_else(|| {
                CliError::usage(
                    "--images needs --policy FILE (there is no repository to read a policy from)",
                )
            })?;
            let file = inputs::images_file(path)?;
            warnings = images::file_warnings(&file.facts, &policy);
            (None, None, file.images, policy, text)
        }
        None => {
            let repository = args
                .source
                .repository
                .clone()
                .expect("clap requires a source");
            let ctx = aws::load(&settings.aws).await?;
            let (text, policy) = match given {
                Some(given) => given,
                None => repository_policy(&ctx, &repository).await?,
            };
            let images = ecr_images::describe_images(&ctx, &repository).await?;
            (Some(ctx), Some(repository), images, policy, text)
        }
    };
    for warning in &warnings {
        printer.warn(warning);
    }
    for warning in protection.warnings(repository.as_deref(), &images) {
        printer.warn(&warning);
    }
    let workloads = in_use::gather(in_use, settings, ctx.as_ref(), printer).await?;
    workloads.print_summary(printer);
    let protection = workloads.protection_for(&protection, repository.as_deref(), &images, printer);
    if let Some(wanted) = &args.explain {
        let place = repository.as_deref();
        explain(&policy, &images, now, wanted, place, &protection, printer)?;
        return Ok(outcome::Outcome::Success);
    }
    let mut preview = evaluate(repository, policy, images, now, &protection);
    preview.warnings = warnings;
    let guard = guard::check(&preview, &protection, now, args.horizon);
    if printer.is_json() {
        printer.json(&guard::Guarded {
            document: preview.document(args.price_per_gb_month),
            protection_horizon: guard::report(&guard, &preview.images),
        });
    } else {
        preview.print_limited(
            printer,
            args.price_per_gb_month,
            now,
            table_limit(args.limit),
        );
        guard::print(printer, &guard, &preview.images);
    }
    if args.remote
        && let (Some(ctx), Some(repository)) = (&ctx, &preview.repository)
    {
        compare_with_ecr(ctx, repository, &text, &preview, args.timeout, printer).await;
    }
    Ok(guard::verdict(&[(&preview, &guard)]))
}

/// `--limit`, or 20 image rows when stdout is a terminal and all when it is not.
fn table_limit(flag: Option<usize>) -> usize {
    use std::io::IsTerminal;
    flag.unwrap_or(if std::io::stdout().is_terminal() {
        20
    } else {
        0
    })
}

async fn repository_policy(ctx: &AwsContext, repository: &str) -> Result<(String, Policy)> {
    let text = ecr_images::get_lifecycle_policy(ctx, repository)
        .await?
        .ok_or_else(|| {
            CliError::usage(format!("repository `{repository}` has no lifecycle policy"))
                .with_hint("preview a policy before putting it on: --policy FILE")
        })?;
    let policy = inputs::parse_policy(&text, &format!("of `{repository}`"))?;
    Ok((text, policy))
}

/// Evaluates and collects protected images the policy would act on.
pub fn evaluate(
    repository: Option<String>,
    policy: Policy,
    images: Vec<Image>,
    now: Micros,
    protection: &Protection,
) -> Preview {
    let started = std::time::Instant::now();
    let evaluation = engine::evaluate(&policy, &images, now);
    tracing::info!(
        images = images.len(),
        rules = policy.rules.len(),
        "evaluated in {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let violations = images
        .iter()
        .zip(&evaluation.outcomes)
        .enumerate()
        .filter(|(_, (_, o))| !matches!(o, Outcome::Keep { .. }))
        .filter_map(|(i, (image, _))| {
            protection
                .reason(repository.as_deref(), image)
                .map(|why| (i, why))
        })
        .collect();
    Preview {
        repository,
        policy,
        images,
        evaluation,
        violations,
        warnings: Vec::new(),
    }
}

/// "No" (exit 1) when a protected image would be expired or archived.
pub fn verdict(previews: &[&Preview]) -> outcome::Outcome {
    let hits: Vec<String> = previews
        .iter()
        .flat_map(|p| {
            p.violations.iter().map(move |(i, why)| {
                let image = &p.images[*i];
                let place = p
                    .repository
                    .as_deref()
                    .map(|r| format!("{r} "))
                    .unwrap_or_default();
                format!(
                    "{place}{} [{}]: {why}",
                    engine::short_digest(&image.digest),
                    report::tags_text(&image.tags)
                )
            })
        })
        .collect();
    if hits.is_empty() {
        return outcome::Outcome::Success;
    }
    let mut verdict = Verdict::new(format!(
        "the policy would expire or archive {}",
        crate::output::count(hits.len(), "protected image", "protected images")
    ));
    for hit in hits {
        verdict = verdict.with_cause(hit);
    }
    outcome::Outcome::Verdict(verdict.with_hint(
        "add a higher-priority rule that selects those tags (rules below cannot touch what it selects), \
         or change the failing rule; see `--explain DIGEST|TAG`",
    ))
}

fn explain(
    policy: &Policy,
    images: &[Image],
    now: Micros,
    wanted: &str,
    repository: Option<&str>,
    protection: &Protection,
    printer: &Printer,
) -> Result<()> {
    let index = images
        .iter()
        .position(|i| i.tags.iter().any(|t| t == wanted))
        .or_else(|| {
            let matches: Vec<usize> = (0..images.len())
                .filter(|&i| {
                    images[i].digest.starts_with(wanted)
                        || images[i]
                            .digest
                            .strip_prefix("sha256:")
                            .is_some_and(|h| h.starts_with(wanted))
                })
                .collect();
            (matches.len() == 1).then(|| matches[0])
        })
        .ok_or_else(|| {
            CliError::usage(format!("no single image has the tag or digest `{wanted}`"))
                .with_hint("give a tag, or a digest prefix long enough to be unique")
        })?;
    let (evaluation, steps) = engine::evaluate_traced(policy, images, now, Some(index));
    let outcome = &evaluation.outcomes[index];
    let protected = guard::explain(policy, images, index, repository, protection, now);
    if printer.is_json() {
        printer.json(&guard::GuardedExplain {
            document: report::explain_json(&images[index], outcome, &steps),
            protection: protected,
        });
    } else {
        let text = report::explain_text(&images[index], outcome, &steps);
        printer.stdout(&format!("{text}{}", protected.text(now)));
    }
    Ok(())
}

async fn compare_with_ecr(
    ctx: &AwsContext,
    repository: &str,
    text: &str,
    preview: &Preview,
    timeout: std::time::Duration,
    printer: &Printer,
) {
    printer.info("running ECR's own lifecycle preview to compare…");
    let on_wait = |waited: std::time::Duration| {
        printer.info(&format!(
            "  still waiting for ECR's preview ({}s)",
            waited.as_secs()
        ))
    };
    let remote = match ecr_images::remote_preview(ctx, repository, text, timeout, &on_wait).await {
        Ok(remote) => remote,
        Err(error) => {
            printer.warn(&format!(
                "ECR's own preview is not available, so only the local result is shown: {error}"
            ));
            return;
        }
    };
    let local: Vec<(String, u32)> = preview
        .images
        .iter()
        .zip(&preview.evaluation.outcomes)
        .filter_map(|(i, o)| match o {
            Outcome::Expire { rule } | Outcome::Transition { rule } => {
                Some((i.digest.clone(), *rule))
            }
            Outcome::Keep { .. } => None,
        })
        .collect();
    let remote: Vec<(String, u32)> = remote.into_iter().map(|r| (r.digest, r.rule)).collect();
    let only_local: Vec<&(String, u32)> = local.iter().filter(|l| !remote.contains(l)).collect();
    let only_remote: Vec<&(String, u32)> = remote.iter().filter(|r| !local.contains(r)).collect();
    if only_local.is_empty() && only_remote.is_empty() {
        printer.info(&format!(
            "ECR's preview agrees: the same {} images",
            local.len()
        ));
        return;
    }
    for (digest, rule) in only_local {
        printer.warn(&format!(
            "only ecrctl acts on {} (rule {rule})",
            engine::short_digest(digest)
        ));
    }
    for (digest, rule) in only_remote {
        printer.warn(&format!(
            "only ECR acts on {} (rule {rule})",
            engine::short_digest(digest)
        ));
    }
}

async fn all_repositories(
    settings: &Settings,
    args: &LifecyclePreviewArgs,
    given: Option<Policy>,
    protection: &Protection,
    in_use: Vec<in_use::Source>,
    now: Micros,
    printer: &Printer,
) -> CommandResult {
    let ctx = aws::load(&settings.aws).await?;
    let workloads = in_use::gather(in_use, settings, Some(&ctx), printer).await?;
    workloads.print_summary(printer);
    let repos = repositories::list(&ctx, args.repository_prefix.as_deref()).await?;
    let results: Vec<(String, Option<Preview>)> = stream::iter(repos)
        .map(|repo| {
            let (ctx, given, workloads) = (&ctx, given.clone(), &workloads);
            async move {
                let name = repo.repository_name;
                let policy = match given {
                    Some(p) => p,
                    None => match ecr_images::get_lifecycle_policy(ctx, &name).await? {
                        Some(text) => inputs::parse_policy(&text, &format!("of `{name}`"))?,
                        None => return Ok::<_, CliError>((name, None)),
                    },
                };
                let images = ecr_images::describe_images(ctx, &name).await?;
                let protection =
                    workloads.protection_for(protection, Some(&name), &images, printer);
                let preview = evaluate(Some(name.clone()), policy, images, now, &protection);
                Ok((name, Some(preview)))
            }
        })
        .buffered(usize::from(args.jobs))
        .try_collect()
        .await?;
    let previews: Vec<&Preview> = results.iter().filter_map(|(_, p)| p.as_ref()).collect();
    let skipped: Vec<&String> = results
        .iter()
        .filter(|(_, p)| p.is_none())
        .map(|(n, _)| n)
        .collect();
    let mut totals = Totals {
        price_per_gb_month: args.price_per_gb_month,
        ..Default::default()
    };
    for p in &previews {
        totals.add(&p.totals(args.price_per_gb_month));
    }
    if printer.is_json() {
        printer.json(&RegistryDocument {
            schema_version: SchemaVersion,
            repositories: previews
                .iter()
                .map(|p| p.report(args.price_per_gb_month))
                .collect(),
            without_policy: &skipped,
            totals,
        });
    } else {
        print_registry(printer, &previews, &totals, args.price_per_gb_month)?;
        if !skipped.is_empty() {
            printer.info(&format!(
                "{} without a lifecycle policy {} skipped",
                crate::output::count(skipped.len(), "repository", "repositories"),
                if skipped.len() == 1 { "was" } else { "were" }
            ));
        }
    }
    let guards: Vec<guard::Guard> = previews
        .iter()
        .map(|p| guard::check(p, protection, now, args.horizon))
        .collect();
    let checked: Vec<(&Preview, &guard::Guard)> = previews.iter().copied().zip(&guards).collect();
    if !printer.is_json() {
        for (preview, guard) in &checked {
            if let (Some(line), Some(name)) = (
                guard::sentence(guard, &preview.images),
                preview.repository.as_deref(),
            ) {
                printer.info(&format!("{name}: {line}"));
            }
        }
    }
    Ok(guard::verdict(&checked))
}

fn print_registry(
    printer: &Printer,
    previews: &[&Preview],
    totals: &Totals,
    price: f64,
) -> Result<()> {
    let mut table = printer.table(&[
        "REPOSITORY",
        "IMAGES",
        "EXPIRING",
        "ARCHIVING",
        "FREED",
        "$/MONTH",
        "PROTECTED HIT",
    ]);
    for p in previews {
        let t = p.totals(price);
        table.add_row(vec![
            p.repository.clone().unwrap_or_default(),
            t.images.to_string(),
            t.expiring.to_string(),
            t.transitioning.to_string(),
            crate::output::human_bytes(t.bytes_freed),
            format!("{:.2}", t.monthly_savings),
            p.violations.len().to_string(),
        ]);
    }
    printer.print_table(&table);
    printer.info(&format!(
        "{} of {} images expire across {}, freeing {} (${:.2}/month)",
        totals.expiring,
        totals.images,
        crate::output::count(previews.len(), "repository", "repositories"),
        crate::output::human_bytes(totals.bytes_freed),
        totals.monthly_savings
    ));
    Ok(())
}
