//! `ecrctl migrate`: validate the plan, set up clients and ECR repositories, copy items
//! concurrently (journaled, so a rerun resumes), and report.

use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::copy::{Copier, ItemReport, Status};
use super::generate;
use super::journal::{self, Journal};
use super::plan::{self, PlanItem};
use super::report::{DryRunDocument, RunDocument, status_text};
use super::setup;
use crate::cli::MigrateArgs;
use crate::error::{CliError, Result};
use crate::outcome::{CommandResult, Outcome, Verdict};
use crate::output::{Printer, human_bytes};
use crate::settings::Settings;

pub async fn run(settings: &Settings, args: &MigrateArgs, printer: &Printer) -> CommandResult {
    setup::check_plain_http(args)?;
    // Files to write are checked before anything is copied (a typo must not cost a run).
    if let Some(path) = &args.report {
        crate::fsutil::check_output_file(path, "--report")?;
    }
    let outputs: Vec<(&str, &std::path::Path)> =
        [("--report", &args.report), ("--journal", &args.journal)]
            .into_iter()
            .filter_map(|(flag, p)| Some((flag, p.as_deref()?)))
            .collect();
    let plan: Vec<(&str, &std::path::Path)> = args
        .plan
        .as_deref()
        .map(|p| ("--plan", p))
        .into_iter()
        .collect();
    crate::fsutil::check_distinct_files(&outputs, &plan)?;
    // Where the journal goes is settled before any repository is created.
    let journals_dir = match (&args.journal, args.dry_run) {
        (_, true) => None,
        (Some(path), false) => {
            crate::fsutil::check_output_file(path, "--journal")?;
            // A journal is read back to resume: a device or pipe is never one.
            if path.exists() && !path.is_file() {
                return Err(CliError::usage(format!(
                    "--journal {} is not a regular file",
                    path.display()
                ))
                .with_hint("name a file for the journal (it is read back to resume)"));
            }
            None
        }
        (None, false) => Some(journal::journals_dir()?),
    };
    let mut items = match (&args.plan, &args.from) {
        (Some(path), _) => read_plan(path)?,
        (None, Some(from)) => generated_plan(settings, args, from).await?,
        (None, None) => unreachable!("clap requires --plan or --from"),
    };
    if let Some((i, n)) = args.shard {
        items = items
            .into_iter()
            .enumerate()
            .filter(|(k, _)| k % n == i - 1)
            .map(|(_, item)| item)
            .collect();
    }
    let mut ecr = setup::ecr_access(settings, &mut items).await?;
    let (sources, dest_clients) = setup::clients(&items, &mut ecr, settings, args).await?;
    // A new tag in the same ECR repository: re-tag through the API (PutImage needs the
    // layers in the repository itself, so other repositories go through the copy path).
    let retag_host = |item: &PlanItem| {
        let ecr = ecr.as_ref()?;
        let host = item.source.host.as_deref()?;
        (Some(host) == item.destination.host.as_deref()
            && item.source.repository == item.destination.repository
            && setup::is_ecr(Some(host), ecr.registry_endpoint.as_deref()))
        .then(|| host.to_string())
    };
    // Sources are read before any repository is created: an unreadable source (a typo,
    // no access, a host that is down) leaves nothing behind at the destination.
    let to_read: Vec<PlanItem> = items
        .iter()
        .filter(|i| retag_host(i).is_none())
        .cloned()
        .collect();
    let (read_ahead, unreadable) =
        super::copy::read_sources(&sources, &to_read, usize::from(args.jobs)).await;
    let unreadable_keys: std::collections::HashSet<String> = unreadable
        .iter()
        .map(|r| format!("{} {}", r.source, r.destination))
        .collect();
    items.retain(|i| !unreadable_keys.contains(&i.key()));
    let (destinations, created) =
        setup::destinations(&items, dest_clients, ecr.as_ref(), args, printer).await?;
    let copier = Arc::new(
        Copier::new(sources, destinations, args.overwrite, args.verify)
            .with_host_limit(usize::from(args.jobs_per_host))
            .with_retries(args.retries)
            .with_read_ahead(read_ahead),
    );
    if args.dry_run {
        let reports = dry_run(
            &copier,
            &items,
            unreadable,
            &created,
            printer,
            args,
            &retag_host,
        )
        .await;
        // Same answer as the real run: items that would fail make it a "no".
        return Ok(
            failed_items(&reports, "would fail").map_or(Outcome::Success, |verdict| {
                Outcome::Verdict(verdict.with_hint(
                    "fix the causes (see the table) before the real run; nothing was changed",
                ))
            }),
        );
    }
    let keys: Vec<String> = items.iter().map(PlanItem::key).collect();
    let journal_path = match (&args.journal, &journals_dir) {
        (Some(path), _) => path.clone(),
        (None, Some(dir)) => journal::default_path(dir, &keys),
        (None, None) => journal::default_path(&journal::journals_dir()?, &keys),
    };
    let journal = Journal::open(&journal_path)?;
    tracing::info!(journal = %journal.path.display(), items = items.len(), "migrating");
    let (retags, copies): (Vec<PlanItem>, Vec<PlanItem>) =
        items.into_iter().partition(|i| retag_host(i).is_some());
    let mut reports = retag_items(&copier, ecr.as_ref(), &retags, &journal, args).await?;
    reports.extend(copy_all(&copier, &copies, &journal, args, printer).await?);
    reports.extend(unreadable);
    let result = finish(
        printer,
        args,
        &reports,
        copier.uploaded.load(std::sync::atomic::Ordering::Relaxed),
    );
    match host_down(&copier, &reports) {
        Some(error) => Err(error),
        None => result,
    }
}

/// A host whose breaker tripped ends the run with exit 3 and one cause, after the
/// report: the items that never ran say "not attempted", finished ones are journaled.
fn host_down(copier: &Copier, reports: &[ItemReport]) -> Option<CliError> {
    let down = copier.hosts_down();
    let (host, cause) = down.first()?;
    let failed = reports
        .iter()
        .filter(|r| r.status == Status::Failed)
        .count();
    let skipped = reports
        .iter()
        .filter(|r| r.detail.as_deref() == Some("not attempted"))
        .count();
    let mut error = CliError::remote(format!(
        "{host} stopped answering: {failed} of {} not copied ({skipped} not attempted)",
        crate::output::count(reports.len(), "item", "items")
    ))
    .with_cause(cause.clone());
    for (other, cause) in &down[1..] {
        error = error.with_cause(format!("{other} stopped answering too: {cause}"));
    }
    Some(error.with_hint(
        "check that the registry is up and reachable, then run the same command again: finished items are skipped",
    ))
}

fn plan_error(source: &str, problems: Vec<String>) -> CliError {
    let mut error = CliError::usage(format!(
        "the plan {source} is not valid; nothing was copied"
    ));
    for p in problems {
        error = error.with_cause(p);
    }
    error.with_hint("one `SOURCE DESTINATION` per line, e.g. `nginx:1.27 mirror/nginx:1.27` (see `ecrctl migrate --help`)")
}

/// `--from REGISTRY/PREFIX --to PREFIX/`: list the source, then select.
async fn generated_plan(
    settings: &Settings,
    args: &MigrateArgs,
    from: &str,
) -> Result<Vec<PlanItem>> {
    let bad = |e: String| CliError::usage(e);
    let (host, prefix) = generate::split_from(from).map_err(bad)?;
    let to = args.to.as_deref().unwrap_or_default();
    generate::check_to(to).map_err(bad)?;
    let rename = args
        .rename
        .as_deref()
        .map(generate::Rename::parse)
        .transpose()
        .map_err(bad)?;
    if !args.all_tags && args.tags.is_none() {
        return Err(CliError::usage("--from needs --all-tags or --tags GLOB"));
    }
    let listing = setup::list_source(settings, args, &host, &prefix).await?;
    let selection = generate::Selection {
        source_host: &host,
        source_prefix: &prefix,
        destination_prefix: to,
        include: &args.include,
        exclude: &args.exclude,
        tags: args.tags.as_deref(),
        rename: rename.as_ref(),
    };
    generate::plan(&selection, &listing).map_err(|problems| plan_error(from, problems))
}

fn read_plan(path: &std::path::Path) -> Result<Vec<PlanItem>> {
    let text = if path.as_os_str() == "-" {
        crate::input::read_stdin(crate::input::LIST)?
    } else {
        crate::input::read_file(path, crate::input::LIST)?
    };
    plan::parse_file(&text, &path.display().to_string())
        .map_err(|problems| plan_error(&path.display().to_string(), problems))
}

/// Same-registry ECR items: re-tagged through the API, journaled like copies.
async fn retag_items(
    copier: &Copier,
    ecr: Option<&setup::Ecr>,
    items: &[PlanItem],
    journal: &Journal,
    args: &MigrateArgs,
) -> Result<Vec<ItemReport>> {
    let (Some(ecr), Some(first)) = (ecr, items.first()) else {
        return Ok(Vec::new());
    };
    let pending: Vec<&PlanItem> = items
        .iter()
        .filter(|i| journal.finished(&i.key()).is_none())
        .collect();
    let mut reports: Vec<ItemReport> = items
        .iter()
        .filter_map(|i| journal.finished(&i.key()).map(|d| earlier(i, d)))
        .collect();
    let host = first.destination.host.clone().unwrap_or_default();
    let registry_id = crate::registry::endpoint::parse_ecr_host(&host)
        .map(|h| h.account)
        .or_else(|| ecr.ctx.registry_id.clone());
    let dst = &copier.destinations[&host];
    for report in super::retag::retag_all(
        &ecr.ctx.ecr,
        registry_id.as_deref(),
        dst,
        &pending,
        args.overwrite,
        usize::from(args.jobs),
    )
    .await
    {
        if report.status != Status::Failed {
            let key = format!("{} {}", report.source, report.destination);
            journal.record(
                &key,
                report.digest.as_deref().unwrap_or(""),
                status_text(&report),
            )?;
        }
        reports.push(report);
    }
    Ok(reports)
}

fn earlier(item: &PlanItem, digest: &str) -> ItemReport {
    ItemReport {
        source: item.source.to_string(),
        destination: item.destination.to_string(),
        digest: Some(digest.to_string()),
        status: Status::Skipped,
        detail: Some("done in an earlier run".into()),
        bytes: 0,
        error: None,
    }
}

async fn copy_all(
    copier: &Arc<Copier>,
    items: &[PlanItem],
    journal: &Journal,
    args: &MigrateArgs,
    printer: &Printer,
) -> Result<Vec<ItemReport>> {
    let total = items.len();
    let bar = printer.progress(total as u64, "copying images");
    let bar_shown = !bar.is_hidden();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let started = std::time::Instant::now();
    let started = &started;
    let reports: Vec<Result<ItemReport>> = stream::iter(items)
        .map(|item| {
            let (copier, bar, done) = (copier.clone(), bar.clone(), &done);
            async move {
                let report = match journal.finished(&item.key()) {
                    Some(digest) => earlier(item, digest),
                    None => {
                        let host = item.destination.host.clone().unwrap_or_default();
                        let report = copier.copy(item, &host).await;
                        if report.status != Status::Failed {
                            journal.record(
                                &item.key(),
                                report.digest.as_deref().unwrap_or(""),
                                status_text(&report),
                            )?;
                        }
                        report
                    }
                };
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                let uploaded = copier.uploaded.load(std::sync::atomic::Ordering::Relaxed);
                let rate = uploaded as f64 / started.elapsed().as_secs_f64().max(0.001);
                bar.set_message(format!(
                    "copying images, {} at {}/s",
                    human_bytes(uploaded),
                    human_bytes(rate as u64)
                ));
                bar.inc(1);
                if !bar_shown {
                    printer.info(&format!(
                        "[{n}/{total}] {} {} -> {}",
                        status_text(&report),
                        report.source,
                        report.destination
                    ));
                }
                Ok(report)
            }
        })
        .buffer_unordered(usize::from(args.jobs))
        .collect()
        .await;
    bar.finish_and_clear();
    let mut reports = reports.into_iter().collect::<Result<Vec<_>>>()?;
    let order: std::collections::HashMap<String, usize> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.destination.to_string(), i))
        .collect();
    reports.sort_by_key(|r| order.get(&r.destination).copied().unwrap_or(usize::MAX));
    Ok(reports)
}

async fn dry_run(
    copier: &Arc<Copier>,
    items: &[PlanItem],
    unreadable: Vec<ItemReport>,
    created: &[String],
    printer: &Printer,
    args: &MigrateArgs,
    retag_host: &dyn Fn(&PlanItem) -> Option<String>,
) -> Vec<ItemReport> {
    let results: Vec<super::copy::DryRun> = stream::iter(items)
        .map(|item| {
            let copier = copier.clone();
            let retag = retag_host(item).is_some();
            async move {
                if retag {
                    let mut dry = copier.dry_run_skeleton(item);
                    dry.report.status = Status::Retagged;
                    dry.report.detail = Some("would re-tag in ECR (no blobs move)".into());
                    return dry;
                }
                copier
                    .dry_run(item, item.destination.host.as_deref().unwrap_or_default())
                    .await
            }
        })
        .buffered(usize::from(args.jobs))
        .collect()
        .await;
    let mut blobs: Vec<(String, String, String, u64)> = results
        .iter()
        .flat_map(|r| r.missing_blobs.clone())
        .collect();
    blobs.sort();
    blobs.dedup();
    let bytes: u64 = blobs.iter().map(|b| b.3).sum();
    let mut reports: Vec<ItemReport> = results.into_iter().map(|r| r.report).collect();
    reports.extend(unreadable);
    if printer.is_json() {
        printer.json(&DryRunDocument {
            schema_version: crate::output::SchemaVersion,
            dry_run: true,
            items: &reports,
            repositories_to_create: created,
            blobs_to_upload: blobs.len(),
            bytes_to_upload: bytes,
        });
    } else {
        printer.print_table(&super::report::table(printer, &reports, true));
        printer.info(&format!(
            "dry run: {} to create, {} blobs ({}) to upload after dedup; nothing was changed",
            crate::output::count(created.len(), "repository", "repositories"),
            blobs.len(),
            human_bytes(bytes)
        ));
        for repo in created {
            printer.info(&format!("  would create ECR repository {repo}"));
        }
    }
    reports
}

fn finish(
    printer: &Printer,
    args: &MigrateArgs,
    reports: &[ItemReport],
    uploaded: u64,
) -> CommandResult {
    let document = RunDocument::new(reports, uploaded);
    if let Some(path) = &args.report {
        let bytes = crate::output::to_pretty_bytes(&document);
        // A report that cannot be written fails the run (exit 3) without hiding the result.
        if let Err(e) = crate::fsutil::write_atomic(path, &bytes, 0o644) {
            printer.record_failure(e);
        }
    }
    if printer.is_json() {
        printer.json(&document);
    } else {
        printer.print_table(&super::report::table(printer, reports, false));
        printer.info(&document.totals.summary());
    }
    Ok(
        failed_items(reports, "failed").map_or(Outcome::Success, |verdict| {
            Outcome::Verdict(verdict.with_hint(
                "fix the causes and run the same command again: finished items are skipped",
            ))
        }),
    )
}

/// "N of M items failed" (or "would fail") with each failed item as a cause; `None` when
/// every item went through.
fn failed_items(reports: &[ItemReport], failed: &str) -> Option<Verdict> {
    let failures: Vec<&ItemReport> = reports
        .iter()
        .filter(|r| r.status == Status::Failed)
        .collect();
    if failures.is_empty() {
        return None;
    }
    let mut verdict = Verdict::new(format!(
        "{} of {} {failed}",
        failures.len(),
        crate::output::count(reports.len(), "item", "items")
    ));
    for r in failures {
        verdict = verdict.with_cause(format!(
            "{} -> {}: {}",
            r.source,
            r.destination,
            r.error.as_deref().unwrap_or("")
        ));
    }
    Some(verdict)
}
