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
    timeout: Duration,
    report: &(dyn Fn(&str, &str, Duration) + Sync),
) -> Result<ScanResult> {
    let began = Instant::now();
    let mut started = false;
    let mut delay = FIRST_DELAY;
    loop {
        let status = match scans::describe(target).await {
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
    let error = |what: &str, hint: &str| {
        let mut e = CliError::remote(format!("the scan of {label} {what}"));
        if let Some(d) = &scan.status_description {
            e = e.with_cause(d.clone());
        }
        Err(e.with_hint(hint.to_string()))
    };
    match scan.status.as_str() {
        "COMPLETE" | "ACTIVE" => Ok(true),
        "IN_PROGRESS" | "PENDING" | "" => Ok(false),
        "FAILED" => error(
            "failed",
            "start another scan with --start (ECR allows one manual scan per image per 24 hours)",
        ),
        "UNSUPPORTED_IMAGE" => error(
            "is not possible: ECR does not support this image's OS or format",
            "basic scanning covers common Linux distributions; enhanced scanning (Amazon Inspector) covers more",
        ),
        "SCAN_ELIGIBILITY_EXPIRED" => error(
            "stopped: the image is older than the enhanced scanning duration",
            "push the image again, or raise the scan duration in Amazon Inspector's ECR settings",
        ),
        "FINDINGS_UNAVAILABLE" => error(
            "has no findings available",
            "Amazon Inspector no longer has findings for this image (deleted, archived, or deregistered)",
        ),
        "LIMIT_EXCEEDED" => error(
            "was refused: the scan quota was exceeded",
            "wait and run the gate again",
        ),
        "IMAGE_ARCHIVED" => error(
            "is not possible: the image is archived",
            "restore the image from archive first",
        ),
        other => error(
            &format!("has an unexpected status `{other}`"),
            "run again with -v and report this status",
        ),
    }
}
