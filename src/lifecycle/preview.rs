//! `ecrctl lifecycle preview`: evaluate a policy against a repository (live, offline, or
//! across the registry), check it against what must be protected, and report.

use super::engine::{self, Outcome};
use super::fleet;
use super::guard;
use super::images::{self, Image, Micros};
use super::in_use;
use super::inputs;
use super::judge::{Judge, Judged};
use super::policy::Policy;
use super::protect::Protection;
use super::report::{self, Preview};
use crate::aws::{self, AwsContext, images as ecr_images};
use crate::cli::LifecyclePreviewArgs;
use crate::error::{CliError, Result};
use crate::outcome::{self, CommandResult, Verdict};
use crate::output::Printer;
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
    let given = args.policy.as_deref().map(fleet::read_policy).transpose()?;
    let now = inputs::now(args.now.as_deref())?;
    let protection = inputs::protection(&args.protect)?;
    let in_use = in_use::sources(&args.protect.protect_in_use)?;
    let mut judge = Judge::new(now, args.horizon, &protection, printer);
    if args.source.all_repositories {
        return all_repositories(settings, args, given.map(|(_, p)| p), &in_use, judge).await;
    }
    let mut warnings = Vec::new();
    let (ctx, repository, images, policy, text) = match &args.source.images {
        Some(path) => {
            let (text, policy) = given.ok_or_else(|| {
                CliError::usage(
                    "--images needs --policy FILE (there is no repository to read a policy from)",
                )
            })?;
            let images::ImagesFile {
                images: file_images,
                facts,
                facts_by_repository,
            } = inputs::images_file(path)?;
            warnings = images::file_warnings(&facts, &policy);
            match fleet::split_by_repository(file_images)? {
                fleet::Split::Many(groups) => {
                    if args.explain.is_some() {
                        return Err(CliError::usage(
                            "--explain needs one repository, and the images file names several",
                        )
                        .with_hint(
                            "keep one repository's images: jq '.imageDetails |= map(select(.repositoryName == \"NAME\"))'",
                        ));
                    }
                    // Each repository's own facts: one's fields must not hide another's gaps.
                    let mut per_repository = std::collections::BTreeMap::new();
                    for (registry_id, name) in groups.keys() {
                        let key = (registry_id.clone(), Some(name.clone()));
                        let repository_warnings = facts_by_repository
                            .get(&key)
                            .map(|f| images::file_warnings(f, &policy))
                            .unwrap_or_default();
                        for warning in &repository_warnings {
                            printer.warn(&format!("{name}: {warning}"));
                        }
                        per_repository
                            .insert((registry_id.clone(), name.clone()), repository_warnings);
                    }
                    judge.read_workloads(&in_use, settings, &[]).await?;
                    let rows = fleet::offline_rows(groups, &policy, &judge, per_repository);
                    return fleet::report(&rows, args.price_per_gb_month, printer);
                }
                fleet::Split::One(images) => (None, None, images, policy, text),
            }
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
    let contexts: Vec<AwsContext> = ctx.iter().cloned().collect();
    judge.read_workloads(&in_use, settings, &contexts).await?;
    let region = ctx.as_ref().map(|c| c.region.as_str());
    let account = ctx.as_ref().and_then(|c| c.registry_id.as_deref());
    let protection = judge.protection_for(account, region, repository.as_deref(), &images);
    if let Some(wanted) = &args.explain {
        let place = repository.as_deref();
        explain(&policy, &images, now, wanted, place, &protection, printer)?;
        // Explaining one image is extra output, not a way around the guard: the verdict
        // (exit 1 when the policy touches a protected image) stays, with its reason.
        let Judged { preview, guard } =
            judge.judge_protected(&protection, repository, policy, images);
        guard::print(printer, &guard, &preview.images);
        return Ok(guard::verdict(&[(&preview, &guard)]));
    }
    let Judged { mut preview, guard } =
        judge.judge_protected(&protection, repository, policy, images);
    preview.warnings = warnings;
    // ECR's own preview first, so `-o json` says whether the comparison ran and agreed.
    let remote = match (args.remote, &ctx, &preview.repository) {
        (true, Some(ctx), Some(repository)) => {
            let remote =
                compare_with_ecr(ctx, repository, &text, &preview, args.timeout, printer).await;
            if let RemoteComparison::NotAvailable { reason } = &remote {
                preview.warnings.push(format!(
                    "--remote: ECR's own preview is not available, so only the local result is shown: {reason}"
                ));
            }
            Some(remote)
        }
        _ => None,
    };
    if printer.is_json() {
        printer.json(&WithRemote {
            document: guard::Guarded {
                document: preview.document(args.price_per_gb_month),
                protection_horizon: guard::report(&guard, &preview.images),
            },
            remote,
        });
    } else {
        // -q: only errors and the verdict (the exit code), as `apply -q`.
        if !printer.quiet {
            preview.print_limited(
                printer,
                args.price_per_gb_month,
                now,
                report::table_limit(args.limit),
            );
        }
        guard::print(printer, &guard, &preview.images);
    }
    Ok(guard::verdict(&[(&preview, &guard)]))
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
    let matcher = protection.matcher(repository.as_deref());
    let violations = images
        .iter()
        .zip(&evaluation.outcomes)
        .enumerate()
        .filter(|(_, (_, o))| !matches!(o, Outcome::Keep { .. }))
        .filter_map(|(i, (image, _))| matcher.reason(image).map(|why| (i, why)))
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

/// A document with the result of `--remote` (when asked for) added.
#[derive(serde::Serialize)]
struct WithRemote<D: serde::Serialize> {
    #[serde(flatten)]
    document: D,
    #[serde(skip_serializing_if = "Option::is_none")]
    remote: Option<RemoteComparison>,
}

/// What `--remote` found: ECR's own preview compared with the local one, or why it could
/// not run (a check that could not run is never reported as a pass).
#[derive(Debug, serde::Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
enum RemoteComparison {
    #[serde(rename_all = "camelCase")]
    Compared {
        agrees: bool,
        /// `digest (rule N)` that only ecrctl / only ECR acts on.
        only_ecrctl: Vec<String>,
        only_ecr: Vec<String>,
    },
    NotAvailable {
        reason: String,
    },
}

async fn compare_with_ecr(
    ctx: &AwsContext,
    repository: &str,
    text: &str,
    preview: &Preview,
    timeout: std::time::Duration,
    printer: &Printer,
) -> RemoteComparison {
    let local_now = jiff::Timestamp::now().as_microsecond();
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
            return RemoteComparison::NotAvailable {
                reason: error.to_string(),
            };
        }
    };
    // ECR evaluated at its time, not this machine's: compare as of ECR's clock.
    let outcomes = match crate::aws::clock::preview_time(ctx, repository).await {
        Ok(ecr_now) => {
            let skew = (ecr_now - local_now) / 1_000_000;
            printer.info(&format!(
                "comparing as of ECR's time {} (this machine's clock is {}s {})",
                super::images::format_micros(ecr_now),
                skew.abs(),
                if skew < 0 { "ahead" } else { "behind" }
            ));
            engine::evaluate(&preview.policy, &preview.images, ecr_now).outcomes
        }
        Err(error) => {
            printer.warn(&format!(
                "ECR's time is not known, so the comparison uses this machine's clock: {error}"
            ));
            preview.evaluation.outcomes.clone()
        }
    };
    let local: Vec<(String, u32)> = preview
        .images
        .iter()
        .zip(&outcomes)
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
    let listed = |only: &[&(String, u32)]| -> Vec<String> {
        only.iter()
            .map(|(digest, rule)| format!("{digest} (rule {rule})"))
            .collect()
    };
    let comparison = RemoteComparison::Compared {
        agrees: only_local.is_empty() && only_remote.is_empty(),
        only_ecrctl: listed(&only_local),
        only_ecr: listed(&only_remote),
    };
    if only_local.is_empty() && only_remote.is_empty() {
        printer.info(&format!(
            "ECR's preview agrees: the same {} images",
            local.len()
        ));
        return comparison;
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
    comparison
}

async fn all_repositories(
    settings: &Settings,
    args: &LifecyclePreviewArgs,
    given: Option<Policy>,
    in_use: &[in_use::Source],
    mut judge: Judge<'_>,
) -> CommandResult {
    let contexts = fleet::contexts(&settings.aws).await?;
    judge.read_workloads(in_use, settings, &contexts).await?;
    let rows = fleet::live_rows(
        &contexts,
        args.repository_prefix.as_deref(),
        given.as_ref(),
        usize::from(args.jobs),
        &judge,
    )
    .await;
    if rows.is_empty() {
        // A registry-wide check that reached nothing checked nothing: never a green run.
        return Err(
            CliError::usage("no repository matches; nothing was previewed")
                .with_hint("check --repository-prefix, --region and --registry-id"),
        );
    }
    fleet::report(&rows, args.price_per_gb_month, judge.printer)
}
