//! Waiting for a scan: polls with backoff until COMPLETE (basic) or ACTIVE (enhanced
//! continuous scanning), starts a basic scan when asked and none exists, and turns every
//! other status into a clear error. Bounded by the timeout (exit 4).

use std::time::{Duration, Instant};

use super::findings::ScanResult;
use crate::aws::scans::{self, ImageTarget, ScanError};
use crate::duration::describe_seconds;
use crate::error::{CliError, Result};

const FIRST_DELAY: Duration = Duration::from_secs(2);
const MAX_DELAY: Duration = Duration::from_secs(15);

/// Waits for the image's scan; `report` is told of each wait (image, status, elapsed).
pub async fn wait_for_scan(
    target: &ImageTarget<'_>,
    label: &str,
    start: bool,
    rescan_failed: bool,
    timeout: Duration,
    report: &(dyn Fn(&str, &str, Duration) + Sync),
) -> Result<ScanResult> {
    let began = Instant::now();
    let mut started = false;
    let mut restarted = false;
    let mut delay = FIRST_DELAY;
    loop {
        let status = match scans::describe(target).await {
            // --rescan-failed: one new scan of a FAILED one, then wait for it.
            Ok(scan) if scan.status == "FAILED" && rescan_failed && !restarted => {
                restarted = true;
                if !scans::start(target).await? {
                    return Err(status_error(&scan, label, Source::Live)
                        .context(format!(
                            "ECR refused a new scan of {label} (LimitExceededException: one manual scan per image per 24 hours)"
                        ))
                        .with_hint("scan on push, or run the gate again after 24 hours"));
                }
                tracing::info!(image = label, "started a new scan of a FAILED one");
                "restarted after FAILED".to_string()
            }
            Ok(scan) => match finished(&scan, label)? {
                true => return Ok(scan),
                false => scan.status,
            },
            Err(ScanError::NotFound) if start && !started => {
                started = true;
                let fresh = scans::start(target).await?;
                tracing::info!(image = label, fresh, "started a basic scan");
                continue;
            }
            Err(ScanError::NotFound) if started => "starting".to_string(),
            Err(ScanError::NotFound) => {
                return Err(CliError::remote(format!("{label} has no scan"))
                    .with_cause("ScanNotFoundException: scan on push is off and no scan was started")
                    .with_hint(format!(
                        "pass --start to start a basic scan, or turn on scan on push: `ecrctl repo create {} --scan-on-push`",
                        target.repository
                    )));
            }
            Err(ScanError::Other(error)) => return Err(error),
        };
        let left = timeout.saturating_sub(began.elapsed());
        if left.is_zero() {
            return Err(CliError::timeout(format!(
                "the scan of {label} was not finished after {} (status {status})",
                describe_seconds(timeout.as_secs() as i64)
            ))
            .with_hint(
                "raise --timeout; enhanced scans of large images can take several minutes",
            ));
        }
        report(label, &status, began.elapsed());
        tokio::time::sleep(delay.min(left)).await;
        delay = (delay * 2).min(MAX_DELAY);
    }
}

/// Whether the scan is done; an error for statuses that will never finish well.
fn finished(scan: &ScanResult, label: &str) -> Result<bool> {
    match scan.status.as_str() {
        "COMPLETE" | "ACTIVE" => Ok(true),
        "IN_PROGRESS" | "PENDING" | "" => Ok(false),
        _ => Err(status_error(scan, label, Source::Live)),
    }
}

/// Where a scan result came from: ECR now, or a file saved earlier (which cannot be
/// waited for or re-started by the gate itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Live,
    Saved,
}

/// Why a scan with this status (anything but COMPLETE / ACTIVE) gives no verdict, with
/// ECR's description and what to do: exit 3, as for an AWS error.
pub fn status_error(scan: &ScanResult, label: &str, source: Source) -> CliError {
    let saved = source == Source::Saved;
    let (what, hint): (String, String) = match scan.status.as_str() {
        "IN_PROGRESS" | "PENDING" | "" => (
            format!(
                "is not finished (status {})",
                if scan.status.is_empty() { "none" } else { &scan.status }
            ),
            "save the findings again once the scan is COMPLETE, or gate the image live (the gate waits for the scan)".into(),
        ),
        "FAILED" => (
            "failed".into(),
            match saved {
                true => format!(
                    "start a new scan (`ecrctl scan gate {label} --start --rescan-failed`, or `aws ecr start-image-scan`) and save its findings again"
                ),
                false => "pass --start --rescan-failed to start a new scan (ECR allows one manual scan per image per 24 hours)".into(),
            },
        ),
        "UNSUPPORTED_IMAGE" => (
            "is not possible: ECR does not support this image's OS or format".into(),
            "basic scanning covers common Linux distributions; enhanced scanning (Amazon Inspector) covers more".into(),
        ),
        "SCAN_ELIGIBILITY_EXPIRED" => (
            "stopped: the image is older than the enhanced scanning duration".into(),
            "push the image again, or raise the scan duration in Amazon Inspector's ECR settings".into(),
        ),
        "FINDINGS_UNAVAILABLE" => (
            "has no findings available".into(),
            "Amazon Inspector no longer has findings for this image (deleted, archived, or deregistered)".into(),
        ),
        "LIMIT_EXCEEDED" => (
            "was refused: the scan quota was exceeded".into(),
            match saved {
                true => "wait for the quota, start the scan again and save its findings again".into(),
                false => "wait and run the gate again".into(),
            },
        ),
        "IMAGE_ARCHIVED" => (
            "is not possible: the image is archived".into(),
            "restore the image from archive first".into(),
        ),
        other => (
            format!("has an unexpected status `{other}`"),
            "run again with -v and report this status".into(),
        ),
    };
    let subject = match saved {
        true => format!("the saved scan of {label}"),
        false => format!("the scan of {label}"),
    };
    let mut e = CliError::remote(format!("{subject} {what}"));
    if let Some(d) = &scan.status_description {
        e = e.with_cause(d.clone());
    }
    e.with_hint(hint)
}
