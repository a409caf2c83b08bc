//! `ecrctl migrate`: validate the plan, set up clients and ECR repositories, copy items
//! concurrently (journaled, so a rerun resumes), and report.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::stream::{self, StreamExt};

use super::copy::{Copier, ItemReport, Status};
use super::generate;
use super::journal::{self, EARLIER, Journal, Resume, SOURCE_CHANGED};
use super::plan::{self, PlanItem};
use super::report::{DryRunDocument, RunDocument, dry_status, status_text};
use super::{setup, shard};
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
    let journals_dir = match (&args.journal, args.no_journal) {
        (_, true) => None,
        (Some(path), false) => {
            if !args.dry_run {
                crate::fsutil::check_output_file(path, "--journal")?;
            }
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
    let env = |name: &str| std::env::var(name).ok();
    let shard = shard::resolve(args.shard, args.shard_count, &env)?;
    let (mut items, unit) = match (&args.plan, &args.from) {
        (Some(path), _) if super::sync_yaml::is_sync_plan(path) => {
            (sync_plan(settings, args, path).await?, None)
        }
        (Some(path), _) => {
            if args.to.is_some() {
                return Err(CliError::usage(
                    "--to goes with --from or a skopeo sync plan (FILE.yaml)",
                )
                .with_hint("a plan file names each destination itself"));
            }
            read_plan(path)?
        }
        (None, Some(from)) => (generated_plan(settings, args, from).await?, None),
        (None, None) => unreachable!("clap requires --plan or --from"),
    };
    // Host-less destinations get their ECR host before duplicates are looked for, and
    // the whole plan is checked before it is split into shards.
    let mut ecr = setup::ecr_access(settings, &mut items).await?;
    setup::check_plain_http_hosts(args, &items, ecr.as_ref())?;
    plan::check_destinations(&items, unit).map_err(|problems| {
        let name = match (&args.plan, &args.from) {
            (Some(path), _) => path.display().to_string(),
            (None, from) => from.clone().unwrap_or_default(),
        };
        plan_error(&name, problems)
    })?;
    if let Some(shard) = &shard {
        let planned = items.len();
        items = items
            .into_iter()
            .enumerate()
            .filter(|(k, _)| shard.owns(*k))
            .map(|(_, item)| item)
            .collect();
        printer.info(&format!(
            "shard {}/{} (from {}): {} of {} items",
            shard.index,
            shard.count,
            shard.from,
            items.len(),
            planned
        ));
    }
    // One journal, one writer: taken (locked) before anything is changed.
    let keys: Vec<String> = items.iter().map(PlanItem::key).collect();
    let journal_path = match (args.no_journal, &args.journal, &journals_dir) {
        (true, _, _) => None,
        (false, Some(path), _) => Some(path.clone()),
        (false, None, Some(dir)) => Some(journal::default_path(dir, &keys)),
        (false, None, None) => Some(journal::default_path(&journal::journals_dir()?, &keys)),
    };
    let journal = match (&journal_path, args.dry_run) {
        (None, _) => Journal::none(),
        (Some(path), true) => Journal::peek(path, args.fresh),
        (Some(path), false) => Journal::open(path, args.fresh)?,
    };
    let (sources, dest_clients) = setup::clients(&items, &mut ecr, settings, args).await?;
    // A new tag in the same ECR repository: re-tag through the API (PutImage needs the
    // layers in the repository itself, so other repositories go through the copy path).
    let retag_host = |item: &PlanItem| {
        let ecr = ecr.as_ref()?;
        let host = item.source.host.as_deref()?;
        // --platform and --referrers are honoured by the copy path only: such items
        // go through it (it writes nothing but the new tag, the blobs being there).
        (Some(host) == item.destination.host.as_deref()
            && item.source.repository == item.destination.repository
            && args.platform.is_empty()
            && !args.referrers
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
    let put_rate = shard::put_rate(args.max_put_rate, shard.as_ref());
    let (destinations, created) =
        super::destinations::prepare(&items, dest_clients, ecr.as_ref(), args, put_rate, printer)
            .await?;
    let copier = Arc::new(
        Copier::new(sources, destinations, args.overwrite, args.verify)
            .with_host_limit(usize::from(args.jobs_per_host))
            .with_platforms(args.platform.clone())
            .with_referrers(args.referrers)
            .with_retries(args.retries)
            .with_read_ahead(read_ahead),
    );
    tracing::info!(journal = ?journal.path, items = items.len(), dry_run = args.dry_run, "migrating");
    let order: HashMap<String, usize> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.key(), i))
        .collect();
    let (retags, copies): (Vec<PlanItem>, Vec<PlanItem>) =
        items.into_iter().partition(|i| retag_host(i).is_some());
    let progress = Progress::new(printer, retags.len() + copies.len(), args.dry_run);
    let mut reports =
        retag_items(&copier, ecr.as_ref(), &retags, &journal, args, &progress).await?;
    if args.dry_run {
        let (copied, blobs) = dry_run(&copier, &copies, &journal, args, &progress).await;
        progress.finish();
        print_referrers(&copier, printer);
        reports.extend(copied);
        reports.extend(unreadable);
        sort_by_plan(&mut reports, &order);
        return dry_run_finish(printer, args, &reports, &created, &blobs);
    }
    reports.extend(copy_all(&copier, &copies, &journal, args, &progress).await?);
    progress.finish();
    print_referrers(&copier, printer);
    reports.extend(unreadable);
    sort_by_plan(&mut reports, &order);
    let result = finish(
        printer,
        args,
        &reports,
        copier.uploaded.load(std::sync::atomic::Ordering::Relaxed),
        journal.path.as_deref(),
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

/// How many referrers were copied, or left behind (a warning) without --referrers.
fn print_referrers(copier: &Copier, printer: &Printer) {
    match super::referrers::summary(&copier.referrers) {
        Some((true, line)) => printer.warn(&line),
        Some((false, line)) => printer.info(&line),
        None => {}
    }
}

fn sort_by_plan(reports: &mut [ItemReport], order: &HashMap<String, usize>) {
    reports.sort_by_key(|r| {
        order
            .get(&format!("{} {}", r.source, r.destination))
            .copied()
            .unwrap_or(usize::MAX)
    });
}

/// Per-item progress on stderr: a bar on a terminal, one line per item otherwise.
struct Progress<'a> {
    printer: &'a Printer,
    bar: indicatif::ProgressBar,
    total: usize,
    done: AtomicUsize,
    started: std::time::Instant,
    dry_run: bool,
}

impl<'a> Progress<'a> {
    fn new(printer: &'a Printer, total: usize, dry_run: bool) -> Self {
        let what = if dry_run {
            "checking images"
        } else {
            "copying images"
        };
        Self {
            printer,
            bar: printer.progress(total as u64, what),
            total,
            done: AtomicUsize::new(0),
            started: std::time::Instant::now(),
            dry_run,
        }
    }

    fn item(&self, report: &ItemReport, uploaded: u64) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if !self.dry_run {
            let rate = uploaded as f64 / self.started.elapsed().as_secs_f64().max(0.001);
            self.bar.set_message(format!(
                "copying images, {} at {}/s",
                human_bytes(uploaded),
                human_bytes(rate as u64)
            ));
        }
        self.bar.inc(1);
        if self.bar.is_hidden() {
            let status = if self.dry_run {
                dry_status(report)
            } else {
                status_text(report)
            };
            self.printer.info(&format!(
                "[{n}/{}] {status} {} -> {}",
                self.total, report.source, report.destination
            ));
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
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
    if !args.all_tags
        && args.tags.is_none()
        && args.tags_regex.is_none()
        && args.tags_semver.is_none()
    {
        return Err(CliError::usage(
            "--from needs --all-tags, --tags GLOB, --tags-regex REGEX or --tags-semver RANGE",
        ));
    }
    let regex = args
        .tags_regex
        .as_deref()
        .map(super::tags::regex)
        .transpose()
        .map_err(|e| CliError::usage(format!("--tags-regex: {e}")))?;
    let range = args
        .tags_semver
        .as_deref()
        .map(super::tags::SemverRange::parse)
        .transpose()
        .map_err(|e| CliError::usage(format!("--tags-semver: {e}")))?;
    let mut listing = setup::list_source(settings, args, &host, &prefix).await?;
    super::tags::filter_listing(&mut listing, regex.as_ref(), range.as_ref());
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

/// A `skopeo sync` YAML file (`--plan FILE.yaml --to PREFIX/`): parsed whole, then the
/// tags of the repositories it filters by regex or semver (or takes all of) are listed.
async fn sync_plan(
    settings: &Settings,
    args: &MigrateArgs,
    path: &std::path::Path,
) -> Result<Vec<PlanItem>> {
    use super::sync_yaml;
    let name = path.display().to_string();
    let text = crate::input::read_file(path, crate::input::LIST)?;
    let sync = sync_yaml::parse(&text).map_err(|problems| sync_error(&name, problems))?;
    let Some(to) = args.to.as_deref() else {
        return Err(CliError::usage(format!(
            "{name} is a skopeo sync file: name the destination prefix with --to PREFIX/"
        ))
        .with_hint("e.g. --to mirror/ (skopeo sync's `--dest docker PREFIX`)"));
    };
    generate::check_to(to).map_err(CliError::usage)?;
    for host in &sync.insecure_hosts {
        if !args.plain_http.iter().any(|p| p.eq_ignore_ascii_case(host)) {
            return Err(CliError::usage(format!(
                "{name}: {host} has `tls-verify: false`; ecrctl never skips certificate checks"
            ))
            .with_hint(format!(
                "pass --plain-http {host} if it serves plain HTTP, or --ca-cert FILE for its CA"
            )));
        }
    }
    let wanted: Vec<(String, String)> = sync
        .selections
        .iter()
        .filter(|s| s.needs_listing())
        .map(|s| (s.host.clone(), s.source_repository.clone()))
        .collect();
    let listed = setup::list_tags(settings, args, &wanted).await?;
    sync_yaml::items(&sync, to, &listed).map_err(|problems| sync_error(&name, problems))
}

fn sync_error(name: &str, problems: Vec<String>) -> CliError {
    let mut error = CliError::usage(format!(
        "the skopeo sync plan {name} is not valid; nothing was copied"
    ));
    for p in problems {
        error = error.with_cause(p);
    }
    error.with_hint("see `skopeo sync` YAML in docs/migrate.md")
}

/// The plan's items, and how they are numbered in messages (`line` / `entry`).
fn read_plan(path: &std::path::Path) -> Result<(Vec<PlanItem>, Option<&'static str>)> {
    let text = if path.as_os_str() == "-" {
        crate::input::read_stdin(crate::input::LIST)?
    } else {
        crate::input::read_file(path, crate::input::LIST)?
    };
    let name = path.display().to_string();
    let items = plan::parse_file(&text, &name).map_err(|problems| plan_error(&name, problems))?;
    Ok((items, Some(plan::unit(&text, &name))))
}

/// Same-registry ECR items: re-tagged through the API, journaled and shown per item like
/// copies; in a dry run, read and decided but not written.
async fn retag_items(
    copier: &Copier,
    ecr: Option<&setup::Ecr>,
    items: &[PlanItem],
    journal: &Journal,
    args: &MigrateArgs,
    progress: &Progress<'_>,
) -> Result<Vec<ItemReport>> {
    let Some(ecr) = ecr else {
        return Ok(Vec::new());
    };
    // Each registry's items through its own region's API and account.
    let mut hosts: Vec<String> = items
        .iter()
        .filter_map(|i| i.destination.host.clone())
        .collect();
    hosts.sort();
    hosts.dedup();
    let mut reports = Vec::new();
    for host in hosts {
        let ctx = ecr.ctx_for(&host);
        let items: Vec<&PlanItem> = items
            .iter()
            .filter(|i| i.destination.host.as_deref() == Some(host.as_str()))
            .collect();
        let run = super::retag::Retag {
            client: &ctx.ecr,
            registry_id: ctx.registry_id.as_deref(),
            dst: &copier.destinations[&host],
            overwrite: args.overwrite,
            jobs: usize::from(args.jobs),
            dry_run: args.dry_run,
        };
        let journaled = |item: &PlanItem| journal.finished(&item.key()).map(str::to_string);
        let on_done = |item: &PlanItem, report: &ItemReport| -> Result<()> {
            if report.status != Status::Failed && !args.dry_run {
                journal.record(
                    &item.key(),
                    report.digest.as_deref().unwrap_or(""),
                    status_text(report),
                )?;
            }
            progress.item(report, 0);
            Ok(())
        };
        reports.extend(super::retag::retag_all(&run, &items, &journaled, &on_done).await?);
    }
    Ok(reports)
}

/// The journaled source digest of an item, checked against what the source points at now:
/// a pinned digest as it is, a tag with a HEAD.
async fn check_journal(copier: &Copier, item: &PlanItem, journal: &Journal) -> Result<Resume> {
    let Some(was) = journal.finished(&copier.journal_key(item)) else {
        return Ok(Resume::New);
    };
    let now = match &item.source.digest {
        Some(pinned) => pinned.clone(),
        None => {
            let host = item.source.host.as_deref().unwrap_or_default();
            let src = &copier.sources[host];
            src.head_manifest_digest(&item.source.repository, &item.source_reference())
                .await?
                .ok_or_else(|| CliError::remote(format!("{} does not exist", item.source)))?
        }
    };
    Ok(journal::resume(Some(was), &now))
}

/// Copies (or, in a dry run, checks) one item the way the journal says: skipped when an
/// earlier run finished it and the source still points at the same digest.
async fn one_item(
    copier: &Copier,
    item: &PlanItem,
    journal: &Journal,
    dry_run: bool,
    missing: &std::sync::Mutex<Vec<MissingBlob>>,
) -> ItemReport {
    let changed = match check_journal(copier, item, journal).await {
        Ok(Resume::New) => None,
        Ok(Resume::Done(digest)) if !copier.referrers.copy => return earlier(item, &digest),
        // --referrers: a journaled image still gets its new referrers (cosign appends to
        // `.sig` on every signing), read as cheaply as the image's own rerun check.
        Ok(Resume::Done(digest)) if !copier.selects_platforms() => {
            let host = item.destination.host.as_deref().unwrap_or_default();
            let mut report = earlier(item, &digest);
            let checked = if dry_run {
                copier.dry_referrers(item, host, &digest).await
            } else {
                copier.referrers_of(item, host, &digest).await
            };
            if let Err(e) = checked {
                let e = e.context(if dry_run {
                    "the image is there (done in an earlier run), but its referrers would not be copied"
                } else {
                    "the image is there (done in an earlier run), but its referrers were not copied"
                });
                report.status = Status::Failed;
                report.detail = None;
                report.error = Some(e.to_string());
            }
            return report;
        }
        // With --platform the image's digest is the platform manifest's: re-read it
        // through the copy path (the tag is found present and skipped).
        Ok(Resume::Done(_)) => None,
        Ok(Resume::Changed { was }) => Some(was),
        Err(e) => {
            let mut report = ItemReport::new(item);
            report.error = Some(e.to_string());
            return report;
        }
    };
    let host = item.destination.host.as_deref().unwrap_or_default();
    let mut report = if dry_run {
        let dry = copier.dry_run(item, host).await;
        missing.lock().expect("blob list").extend(dry.missing_blobs);
        dry.report
    } else {
        copier.copy(item, host).await
    };
    if let Some(was) = changed {
        match &report.error {
            Some(e) => {
                let e = journal::source_changed(CliError::remote(e.clone()), &was);
                report.error = Some(e.to_string());
            }
            None if report.status != Status::Skipped => {
                report.detail = Some(SOURCE_CHANGED.into());
            }
            None => {}
        }
    }
    report
}

fn earlier(item: &PlanItem, digest: &str) -> ItemReport {
    ItemReport {
        source: item.source.to_string(),
        destination: item.destination.to_string(),
        digest: Some(digest.to_string()),
        status: Status::Skipped,
        detail: Some(EARLIER.into()),
        bytes: 0,
        error: None,
        source_digest: Some(digest.to_string()),
    }
}

async fn copy_all(
    copier: &Arc<Copier>,
    items: &[PlanItem],
    journal: &Journal,
    args: &MigrateArgs,
    progress: &Progress<'_>,
) -> Result<Vec<ItemReport>> {
    let unused = std::sync::Mutex::new(Vec::new());
    let unused = &unused;
    let reports: Vec<Result<ItemReport>> = stream::iter(items)
        .map(|item| {
            let copier = copier.clone();
            async move {
                let report = one_item(&copier, item, journal, false, unused).await;
                let fresh = report.detail.as_deref() != Some(EARLIER);
                if report.status != Status::Failed && fresh {
                    journal.record(
                        &copier.journal_key(item),
                        report
                            .source_digest
                            .as_deref()
                            .or(report.digest.as_deref())
                            .unwrap_or(""),
                        status_text(&report),
                    )?;
                }
                progress.item(&report, copier.uploaded.load(Ordering::Relaxed));
                Ok(report)
            }
        })
        .buffer_unordered(usize::from(args.jobs))
        .collect()
        .await;
    reports.into_iter().collect()
}

/// (destination host, repository, digest, size) of a blob the destination lacks.
type MissingBlob = (String, String, String, u64);

/// Reads everything the copies would read; the reports and the blobs to upload.
async fn dry_run(
    copier: &Arc<Copier>,
    items: &[PlanItem],
    journal: &Journal,
    args: &MigrateArgs,
    progress: &Progress<'_>,
) -> (Vec<ItemReport>, Vec<MissingBlob>) {
    let missing = std::sync::Mutex::new(Vec::new());
    let missing_ref = &missing;
    let reports: Vec<ItemReport> = stream::iter(items)
        .map(|item| {
            let copier = copier.clone();
            async move {
                let report = one_item(&copier, item, journal, true, missing_ref).await;
                progress.item(&report, 0);
                report
            }
        })
        .buffered(usize::from(args.jobs))
        .collect()
        .await;
    let mut blobs = missing.into_inner().expect("blob list");
    blobs.sort();
    blobs.dedup();
    (reports, blobs)
}

/// The dry run's table or document (and `--report`); exit 1 when any item would fail,
/// like the real run.
fn dry_run_finish(
    printer: &Printer,
    args: &MigrateArgs,
    reports: &[ItemReport],
    created: &[String],
    blobs: &[MissingBlob],
) -> CommandResult {
    let bytes: u64 = blobs.iter().map(|b| b.3).sum();
    let document = DryRunDocument::new(reports, created, blobs.len(), bytes);
    if let Some(path) = &args.report {
        let json = crate::output::to_pretty_bytes(&document);
        if let Err(e) = crate::fsutil::write_atomic(path, &json, 0o644) {
            printer.record_failure(e);
        }
    }
    if printer.is_json() {
        printer.json(&document);
    } else {
        printer.print_table(&super::report::table(printer, reports, true));
        printer.info(&format!(
            "dry run: {}; {} to create, {} blobs ({}) to upload after dedup; nothing was changed",
            document.totals.summary(),
            crate::output::count(created.len(), "repository", "repositories"),
            blobs.len(),
            human_bytes(bytes)
        ));
        for repo in created {
            printer.info(&format!("  would create ECR repository {repo}"));
        }
    }
    // Same answer as the real run: items that would fail make it a "no".
    Ok(
        failed_items(reports, "would fail").map_or(Outcome::Success, |verdict| {
            Outcome::Verdict(verdict.with_hint(
                "fix the causes (see the table) before the real run; nothing was changed",
            ))
        }),
    )
}

fn finish(
    printer: &Printer,
    args: &MigrateArgs,
    reports: &[ItemReport],
    uploaded: u64,
    journal: Option<&std::path::Path>,
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
    if let Some(path) = journal {
        printer.info(&format!("journal: {}", path.display()));
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
