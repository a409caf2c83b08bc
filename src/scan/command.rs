//! `ecrctl scan gate`: read every input first, gate each image (concurrently), report in
//! every format asked for, and exit 0 / 1 / 2 / 3 / 4.

use std::collections::BTreeMap;
use std::path::Path;

use futures::stream::{self, StreamExt};

use super::findings::{self, ScanResult, Severity};
use super::gate::{self, GatePolicy};
use super::ignore::{self, IgnoreEntry};
use super::outcome::{GateState, ImageOutcome};
use super::{github, gitlab, junit, report, sarif, wait};
use crate::aws::{self, ecr_client, scans::ImageTarget};
use crate::cli::{FailOnArg, ScanGateArgs, SeverityArg};
use crate::error::{CliError, FailureKind, Result};
use crate::model::reference;
use crate::outcome::{CommandResult, Outcome, Verdict};
use crate::output::Printer;
use crate::registry::endpoint;
use crate::settings::Settings;

pub async fn run(settings: &Settings, args: &ScanGateArgs, printer: &Printer) -> CommandResult {
    let started = (jiff::Timestamp::now(), std::time::Instant::now());
    let policy = policy(args)?;
    // Report files are checked before any scan is waited for.
    if let Some(path) = &args.sarif {
        crate::fsutil::check_output_file(path, "--sarif")?;
    }
    if let Some(path) = &args.junit {
        crate::fsutil::check_output_file(path, "--junit")?;
    }
    if let Some(path) = &args.gitlab_report {
        crate::fsutil::check_output_file(path, "--gitlab-report")?;
    }
    if args
        .findings
        .iter()
        .filter(|p| p.as_os_str() == "-")
        .count()
        > 1
    {
        return Err(CliError::usage("--findings - is given more than once")
            .with_hint("standard input can be read once: pass one `--findings -`, the other pages as files"));
    }
    let outputs: Vec<(&str, &Path)> = [
        ("--sarif", &args.sarif),
        ("--junit", &args.junit),
        ("--gitlab-report", &args.gitlab_report),
    ]
    .into_iter()
    .filter_map(|(flag, p)| Some((flag, p.as_deref()?)))
    .collect();
    let inputs: Vec<(&str, &Path)> = args
        .findings
        .iter()
        .map(|p| ("--findings", p.as_path()))
        .chain(args.ignore_file.as_deref().map(|p| ("--ignore-file", p)))
        .collect();
    crate::fsutil::check_distinct_files(&outputs, &inputs)?;
    let ignores = match &args.ignore_file {
        Some(path) => ignore::parse(
            &crate::input::read_file(path, crate::input::SETTINGS)?,
            &path.display().to_string(),
        )?,
        None => Vec::new(),
    };
    if args.images.is_empty() && args.findings.is_empty() {
        return Err(CliError::usage("nothing to gate")
            .with_hint("name images (REPO:TAG) or pass --findings FILE"));
    }
    let images = args
        .images
        .iter()
        .map(|i| image_ref(i))
        .collect::<Result<Vec<_>>>()?;
    let offline = offline_scans(&args.findings)?;

    let mut scans: Vec<Gathered> = offline;
    if !images.is_empty() {
        // --timeout bounds the whole gate: each image's wait ends at one deadline (its
        // outcome is then a timeout, exit 4, and the reports are still written), and a
        // hung request anywhere else ends a moment later. The second of grace lets a
        // responsive wait give its own, more precise, timeout first.
        let grace = std::time::Duration::from_secs(1);
        let deadline = tokio::time::Instant::now() + args.timeout + grace;
        let labels: Vec<String> = images.iter().map(ToString::to_string).collect();
        let live = live_scans(settings, args, images, deadline, printer);
        match tokio::time::timeout(args.timeout + grace * 2, live).await {
            Ok(result) => scans.extend(result?),
            // Hung outside the per-image waits (credentials, a request): every image is a
            // timeout, and the reports below are still written.
            Err(_) => {
                let timeout = CliError::timeout(format!(
                    "no scan result within --timeout {}",
                    crate::duration::describe_seconds(args.timeout.as_secs() as i64)
                ))
                .with_hint("raise --timeout, or check access to AWS and ECR");
                scans.extend(
                    labels
                        .into_iter()
                        .map(|l| (l, Err(timeout.clone()), args.timeout)),
                );
            }
        }
    }
    // Ignore-file dates are UTC, whatever the runner's time zone.
    let today = ignore::today_utc();
    let mut used = vec![false; ignores.len()];
    let outcomes: Vec<ImageOutcome> = scans
        .into_iter()
        .map(|(image, scan, waited)| match scan {
            Ok(scan) => ImageOutcome {
                verdict: Some(gate::gate(&scan, &policy, &ignores, today, &mut used)),
                scan: Some(scan),
                error: None,
                image,
                waited,
            },
            Err(error) => ImageOutcome {
                image,
                waited,
                scan: None,
                verdict: None,
                error: Some(error),
            },
        })
        .collect();
    let mut ignore_warnings = ignore_warnings(&ignores, &used, today);
    ignore_warnings.extend(unknown_severity_warning(args, &outcomes));
    for warning in &ignore_warnings {
        printer.warn(warning);
    }
    write_reports(args, &outcomes, &policy, printer, &ignore_warnings, started);
    verdict(&outcomes)
}

/// An image argument, with ECR's repository-name rule checked before any call.
fn image_ref(text: &str) -> Result<reference::ImageRef> {
    // `--findings a.json b.json` makes b.json an image argument: say what was meant.
    if text.ends_with(".json") && Path::new(text).is_file() {
        return Err(
            CliError::usage(format!("`{text}` is a file, not an image reference")).with_hint(
                format!("give each findings file its own flag: --findings {text}"),
            ),
        );
    }
    let image = reference::parse(text).map_err(|e| {
        CliError::usage(format!("`{text}` is not an image reference")).with_cause(e)
    })?;
    crate::names::check_repository_name(&image.repository)
        .map_err(|problem| crate::names::name_error(&image.repository, &problem))?;
    Ok(image)
}

/// The policy from the flags. The threshold defaults to critical and only `--fail-on
/// none` removes it: budgets add to it. A budget above zero for a severity the threshold
/// already fails on can never apply, so it is a contradiction (exit 2).
fn policy(args: &ScanGateArgs) -> Result<GatePolicy> {
    let budgets: BTreeMap<Severity, u32> = [
        (Severity::Critical, args.max_critical),
        (Severity::High, args.max_high),
        (Severity::Medium, args.max_medium),
        (Severity::Low, args.max_low),
        (Severity::Informational, args.max_informational),
    ]
    .into_iter()
    .filter_map(|(s, max)| max.map(|m| (s, m)))
    .collect();
    let fail_on = match args.fail_on {
        None => Some(Severity::Critical),
        Some(FailOnArg::None) => None,
        Some(FailOnArg::Informational) => Some(Severity::Informational),
        Some(FailOnArg::Low) => Some(Severity::Low),
        Some(FailOnArg::Medium) => Some(Severity::Medium),
        Some(FailOnArg::High) => Some(Severity::High),
        Some(FailOnArg::Critical) => Some(Severity::Critical),
    };
    if fail_on.is_none() && budgets.is_empty() {
        return Err(CliError::usage(
            "--fail-on none without a --max-* budget is a gate that can never fail",
        )
        .with_hint("add a budget (e.g. --max-critical 0), or pass a --fail-on severity"));
    }
    if let Some(threshold) = fail_on
        && let Some((severity, max)) = budgets
            .iter()
            .rev()
            .find(|(s, max)| **s >= threshold && **max > 0)
    {
        let source = match args.fail_on {
            Some(_) => format!("--fail-on {}", threshold.as_str()),
            None => "the default --fail-on critical".to_string(),
        };
        return Err(CliError::usage(format!(
            "--max-{} {max} contradicts {source}: any {} finding already fails the gate, so the budget can never apply",
            severity.as_str(),
            severity.as_str()
        ))
        .with_hint(format!(
            "drop --max-{}, or pass a higher --fail-on, or --fail-on none to gate on budgets alone",
            severity.as_str()
        )));
    }
    Ok(GatePolicy {
        fail_on,
        budgets,
        ignore_unfixed: args.ignore_unfixed,
        only_exploitable: args.only_exploitable,
        unknown_as: args
            .unknown_severity_as
            .map_or(Severity::Critical, severity),
    })
}

fn severity(arg: SeverityArg) -> Severity {
    match arg {
        SeverityArg::Informational => Severity::Informational,
        SeverityArg::Low => Severity::Low,
        SeverityArg::Medium => Severity::Medium,
        SeverityArg::High => Severity::High,
        SeverityArg::Critical => Severity::Critical,
    }
}

/// Findings whose severity the gate does not know count as critical unless
/// `--unknown-severity-as` maps them: never silently.
fn unknown_severity_warning(args: &ScanGateArgs, outcomes: &[ImageOutcome]) -> Option<String> {
    if args.unknown_severity_as.is_some() {
        return None;
    }
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for f in outcomes
        .iter()
        .filter_map(|o| o.scan.as_ref())
        .flat_map(|s| &s.findings)
        .filter(|f| f.severity == findings::ReportedSeverity::Unknown)
    {
        *seen.entry(f.reported.as_str()).or_default() += 1;
    }
    if seen.is_empty() {
        return None;
    }
    let total: usize = seen.values().sum();
    let which: Vec<String> = seen
        .iter()
        .map(|(text, n)| format!("{} ×{n}", crate::output::sanitize(text)))
        .collect();
    Some(format!(
        "{} a severity the gate does not know ({}): counted as critical; map them with --unknown-severity-as SEVERITY",
        crate::output::count(total, "finding has", "findings have"),
        which.join(", ")
    ))
}

/// The saved findings: every page of every file, pages of one image merged into one scan
/// (several files, concatenated documents, or a JSON array of pages).
/// One image as gathered: its label, its scan (or why there is none), and how long the
/// gate waited for it.
type Gathered = (
    String,
    std::result::Result<ScanResult, CliError>,
    std::time::Duration,
);

fn offline_scans(paths: &[std::path::PathBuf]) -> Result<Vec<Gathered>> {
    let hint = "save it with `aws ecr describe-image-scan-findings --repository-name R --image-id imageTag=T --output json` (every page: no --max-items)";
    let mut pages = Vec::new();
    for path in paths {
        let stdin = path.as_os_str() == "-";
        let text = if stdin {
            crate::input::read_stdin(crate::input::LIST)?
        } else {
            crate::input::read_file(path, crate::input::LIST)?
        };
        let read = findings::parse_pages(&text).map_err(|why| {
            CliError::usage(format!(
                "{} is not describe-image-scan-findings output",
                path.display()
            ))
            .with_cause(why)
            .with_hint(hint)
        })?;
        let source = match stdin {
            true => "standard input".to_string(),
            false => path.display().to_string(),
        };
        pages.extend(read.into_iter().map(|p| (source.clone(), p)));
    }
    let scans = findings::merge_pages(pages).map_err(|why| {
        CliError::usage(format!("incomplete scan findings: {why}")).with_hint(
            "the AWS CLI saves every page unless --max-items, --page-size or --no-paginate is given",
        )
    })?;
    Ok(scans
        .into_iter()
        .map(|(source, scan)| {
            let label = match (&scan.repository, &scan.tag, &scan.digest) {
                (Some(r), Some(t), _) => format!("{r}:{t}"),
                (Some(r), None, Some(d)) => format!("{r}@{d}"),
                _ => source,
            };
            let result = match scan.status.as_str() {
                "COMPLETE" | "ACTIVE" => Ok(scan),
                _ => Err(wait::status_error(&scan, &label, wait::Source::Saved)),
            };
            (label, result, std::time::Duration::ZERO)
        })
        .collect())
}

async fn live_scans(
    settings: &Settings,
    args: &ScanGateArgs,
    images: Vec<reference::ImageRef>,
    deadline: tokio::time::Instant,
    printer: &Printer,
) -> Result<Vec<Gathered>> {
    let ctx = aws::load(&settings.aws).await?;
    let spinner = printer.spinner("waiting for scans");
    let report = |image: &str, status: &str, waited: std::time::Duration| {
        let line = format!(
            "waiting for the scan of {image}: {status} ({}s)",
            waited.as_secs()
        );
        match &spinner {
            Some(spinner) => spinner.set_message(line),
            None => printer.info(&line),
        }
    };
    let results = stream::iter(images)
        .map(|image| {
            let (ctx, report) = (&ctx, &report);
            async move {
                let label = image.to_string();
                // A full ECR URI names its own account and region.
                let ecr_host = image.host.as_deref().and_then(endpoint::parse_ecr_host);
                let client = match &ecr_host {
                    Some(h) if h.region != ctx.region => ecr_client(&ctx.sdk, &h.region),
                    _ => ctx.ecr.clone(),
                };
                let target = ImageTarget {
                    client: &client,
                    registry_id: ecr_host
                        .map(|h| h.account)
                        .or_else(|| ctx.registry_id.clone()),
                    repository: image.repository.clone(),
                    tag: if image.digest.is_some() {
                        None
                    } else {
                        image.tag.clone()
                    },
                    digest: image.digest.clone(),
                };
                let wait = wait::wait_for_scan(
                    &target,
                    &label,
                    args.start,
                    args.rescan_failed,
                    args.timeout,
                    report,
                );
                let began = std::time::Instant::now();
                let result = match tokio::time::timeout_at(deadline, wait).await {
                    Ok(result) => result,
                    Err(_) => Err(CliError::timeout(format!(
                        "gave up on the scan of {label}: not done within {} (--timeout)",
                        crate::registry::deadline::describe(args.timeout)
                    ))
                    .with_hint("raise --timeout, or check network access to the ECR API")),
                };
                (label, result, began.elapsed())
            }
        })
        .buffered(usize::from(args.jobs))
        .collect()
        .await;
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    Ok(results)
}

fn ignore_warnings(
    ignores: &[IgnoreEntry],
    used: &[bool],
    today: jiff::civil::Date,
) -> Vec<String> {
    let mut warnings = Vec::new();
    for (entry, used) in ignores.iter().zip(used) {
        if entry.expired(today) {
            warnings.push(format!(
                "ignore entry {} expired at {}; it no longer applies",
                entry.describe(),
                entry.expiry_text().unwrap_or_default()
            ));
        } else if entry.paths_only {
            warnings.push(format!(
                "ignore entry {} names only file paths, and ECR findings carry none: it matches nothing (name the package with purls)",
                entry.describe()
            ));
        } else if !used {
            warnings.push(format!(
                "ignore entry {} matched no finding; remove it if it is obsolete",
                entry.describe()
            ));
        }
    }
    warnings
}

fn write_reports(
    args: &ScanGateArgs,
    outcomes: &[ImageOutcome],
    policy: &GatePolicy,
    printer: &Printer,
    warnings: &[String],
    started: (jiff::Timestamp, std::time::Instant),
) {
    // A report that cannot be written fails the run (exit 3) without hiding the verdict.
    if let Some(path) = &args.sarif {
        let options = sarif::SarifOptions {
            include_ignored: args.sarif_include_ignored,
        };
        let document = sarif::document_with(outcomes, policy, options);
        if let Some(warning) = sarif::github_limit_warning(&document) {
            printer.warn(&warning);
        }
        let doc = crate::output::to_pretty_bytes(&document);
        if let Err(e) = crate::fsutil::write_atomic(path, &doc, 0o644) {
            printer.record_failure(e);
        }
    }
    if let Some(path) = &args.junit {
        let layout = if args.junit_per_finding {
            junit::Layout::PerFinding
        } else {
            junit::Layout::PerImage
        };
        let xml = junit::document(outcomes, policy, layout, started.1.elapsed());
        if let Err(e) = crate::fsutil::write_atomic(path, xml.as_bytes(), 0o644) {
            printer.record_failure(e);
        }
    }
    if let Some(path) = &args.gitlab_report {
        let doc = gitlab::document(outcomes, policy, started.0, jiff::Timestamp::now());
        let doc = crate::output::to_pretty_bytes(&doc);
        if let Err(e) = crate::fsutil::write_atomic(path, &doc, 0o644) {
            printer.record_failure(e);
        }
    }
    if github::active() {
        for line in github::annotations(outcomes, policy, args.annotation_file.as_deref()) {
            crate::output::to_stderr(&format!("{line}\n"));
        }
        // The step summary is a report like --sarif: failing to write it fails the run.
        if let Err(e) = github::append_summary(outcomes, policy) {
            printer.record_failure(
                CliError::remote("could not write the GitHub step summary (GITHUB_STEP_SUMMARY)")
                    .with_cause(e.to_string()),
            );
        }
    }
    if printer.is_json() {
        printer.json(&report::document(outcomes, policy, warnings));
    } else {
        report::print(printer, outcomes, policy);
    }
}

/// Errors win over a "fail": the gate could not decide. A timeout is exit 4.
fn verdict(outcomes: &[ImageOutcome]) -> CommandResult {
    let errors: Vec<&ImageOutcome> = outcomes.iter().filter(|o| o.error.is_some()).collect();
    if let Some(first) = errors.first() {
        let timed_out = errors.iter().any(|o| {
            o.error
                .as_ref()
                .is_some_and(|e| e.kind() == FailureKind::Timeout)
        });
        let mut error = first.error.clone().expect("filtered on errors");
        if timed_out {
            error = error.with_kind(FailureKind::Timeout);
        }
        if errors.len() > 1 {
            error = error.context(format!(
                "{} of {} images could not be gated",
                errors.len(),
                outcomes.len()
            ));
        }
        return Err(error);
    }
    let failed: Vec<&ImageOutcome> = outcomes
        .iter()
        .filter(|o| o.state() == GateState::Fail)
        .collect();
    if failed.is_empty() {
        return Ok(Outcome::Success);
    }
    let blocking: usize = failed
        .iter()
        .filter_map(|o| o.verdict.as_ref())
        .map(|v| v.blocking.len())
        .sum();
    let mut verdict = Verdict::new(format!(
        "scan gate failed: {} in {}",
        crate::output::count(blocking, "blocking finding", "blocking findings"),
        crate::output::count(failed.len(), "image", "images")
    ));
    for o in failed {
        verdict = verdict.with_cause(o.image.clone());
    }
    Ok(Outcome::Verdict(verdict.with_hint("fix or upgrade the packages listed, or record a reviewed exception with an expiry in --ignore-file")))
}
