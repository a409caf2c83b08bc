//! How long one network request may take, and the hard bound of a whole command.
//!
//! Every registry request has a connect timeout and a total deadline that includes reading
//! the body (`ECRCTL_HTTP_TIMEOUT`, seconds, default 60); the AWS SDK gets the same number
//! as its per-attempt limit. A blob may take longer in proportion to its size (a 1 GiB
//! layer is not cut off), but never less than [`MIN_BLOB_RATE`] on average: a server that
//! trickles one byte every few seconds fails instead of holding the command forever.

use std::future::Future;
use std::time::Duration;

use crate::error::{CliError, Result};

/// The environment variable that sets the per-request deadline.
pub const ENV: &str = "ECRCTL_HTTP_TIMEOUT";

/// Per-request deadline when `ECRCTL_HTTP_TIMEOUT` is unset.
pub const DEFAULT_REQUEST: Duration = Duration::from_secs(60);

const MAX_REQUEST: Duration = Duration::from_secs(3600);

/// Connecting (TCP + TLS handshake) never takes longer than this.
const MAX_CONNECT: Duration = Duration::from_secs(10);

/// The slowest average transfer rate a blob may have: 256 KiB/s (2 Mbit/s), so a 1 GiB
/// layer gets 68 minutes on top of the per-request deadline.
pub const MIN_BLOB_RATE: u64 = 256 * 1024;

/// The per-request deadline from `ECRCTL_HTTP_TIMEOUT` (exit 2 when it is malformed).
pub fn request_timeout() -> Result<Duration> {
    match std::env::var(ENV) {
        Ok(raw) => parse_request_timeout(&raw),
        Err(_) => Ok(DEFAULT_REQUEST),
    }
}

/// `30`, `30s`, `2m`: from 1 second to 1 hour.
pub fn parse_request_timeout(raw: &str) -> Result<Duration> {
    let bad = || {
        CliError::usage(format!(
            "{ENV} is `{raw}`, not a duration from 1 second to 1 hour"
        ))
        .with_hint(format!(
            "set {ENV} to a number of seconds (e.g. 60) or a duration such as 2m, or unset it"
        ))
    };
    let duration = crate::duration::parse_duration(raw).map_err(|_| bad())?;
    if duration < Duration::from_secs(1) || duration > MAX_REQUEST {
        return Err(bad());
    }
    Ok(duration)
}

/// The connect timeout that goes with a request deadline.
pub fn connect_timeout(request: Duration) -> Duration {
    request.min(MAX_CONNECT)
}

/// The deadline for moving a blob of `size` bytes: the request deadline plus the time
/// the blob takes at [`MIN_BLOB_RATE`].
pub fn blob_timeout(request: Duration, size: u64) -> Duration {
    request.saturating_add(Duration::from_secs(size / MIN_BLOB_RATE))
}

/// Runs `work` with `limit` as a hard bound: when it is reached the work is dropped
/// (in-flight requests included) and the result is a timeout error (exit 4) that names
/// the flag.
pub async fn hard_bound<T>(
    limit: Duration,
    flag: &str,
    work: impl Future<Output = Result<T>>,
) -> Result<T> {
    match tokio::time::timeout(limit, work).await {
        Ok(result) => result,
        Err(_) => Err(CliError::timeout(format!(
            "gave up: the command did not finish within {} ({flag})",
            describe(limit)
        ))
        .with_hint(format!(
            "raise {flag}, or check network access to ECR and the registry"
        ))),
    }
}

/// A wait this long without a word gets a line on stderr ([`announce_if_slow`]).
pub const SILENCE: Duration = Duration::from_secs(3);

/// Runs `work`; when it is still running after [`SILENCE`], and every 15 s after that,
/// calls `say` with the time waited so far, so a slow call is never a silent one.
pub async fn announce_if_slow<T>(say: impl Fn(Duration), work: impl Future<Output = T>) -> T {
    announce_every(SILENCE, Duration::from_secs(15), say, work).await
}

async fn announce_every<T>(
    first: Duration,
    then: Duration,
    say: impl Fn(Duration),
    work: impl Future<Output = T>,
) -> T {
    let began = tokio::time::Instant::now();
    let mut next = began + first;
    tokio::pin!(work);
    loop {
        tokio::select! {
            done = &mut work => return done,
            _ = tokio::time::sleep_until(next) => {
                say(began.elapsed());
                next += then;
            }
        }
    }
}

/// `90 s`, `5 min`, `1 h 30 min`.
pub fn describe(duration: Duration) -> String {
    let secs = duration.as_secs();
    match secs {
        0 => format!("{} ms", duration.as_millis()),
        s if s < 120 => format!("{s} s"),
        s if s % 60 == 0 && s < 7200 => format!("{} min", s / 60),
        s if s < 7200 => format!("{} min {} s", s / 60, s % 60),
        s => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_timeout_is_a_bounded_duration() {
        assert_eq!(parse_request_timeout("5").unwrap(), Duration::from_secs(5));
        assert_eq!(
            parse_request_timeout("2m").unwrap(),
            Duration::from_secs(120)
        );
        for bad in ["0", "", "soon", "-3", "2h", "99999999999999999999"] {
            let error = parse_request_timeout(bad).unwrap_err();
            assert_eq!(error.exit_code().code(), 2, "{bad}");
            assert!(error.message().contains(ENV), "{bad}");
        }
    }

    #[test]
    fn blobs_get_time_in_proportion_to_their_size() {
        let base = Duration::from_secs(60);
        assert_eq!(blob_timeout(base, 0), base);
        // A 1 GiB layer is not killed by the per-request deadline …
        let gib = blob_timeout(base, 1 << 30);
        assert!(gib >= Duration::from_secs(60 * 60), "{gib:?}");
        // … but a trickle of one byte every 5 s never finishes 1 KiB in time.
        assert!(blob_timeout(base, 1024) < Duration::from_secs(1024 * 5));
        assert!(blob_timeout(base, u64::MAX) > base);
    }

    #[test]
    fn connect_is_at_most_ten_seconds() {
        assert_eq!(
            connect_timeout(Duration::from_secs(60)),
            Duration::from_secs(10)
        );
        assert_eq!(
            connect_timeout(Duration::from_secs(2)),
            Duration::from_secs(2)
        );
    }

    #[tokio::test]
    async fn hard_bound_ends_hung_work_with_exit_4() {
        let hung = std::future::pending::<Result<()>>();
        let error = hard_bound(Duration::from_millis(20), "--timeout", hung)
            .await
            .unwrap_err();
        assert_eq!(error.exit_code().code(), 4);
        assert!(error.message().contains("--timeout"), "{}", error.message());
        let done = hard_bound(Duration::from_secs(5), "--timeout", async { Ok(7) }).await;
        assert_eq!(done.unwrap(), 7);
    }

    #[tokio::test]
    async fn slow_work_is_announced_and_quick_work_is_not() {
        let said = std::sync::Mutex::new(Vec::new());
        let slow = tokio::time::sleep(Duration::from_millis(300));
        announce_every(
            Duration::from_millis(50),
            Duration::from_millis(100),
            |waited| said.lock().unwrap().push(waited),
            slow,
        )
        .await;
        let count = said.lock().unwrap().len();
        assert!((2..=4).contains(&count), "{count} announcements");

        let said = std::sync::Mutex::new(Vec::new());
        let value = announce_every(
            Duration::from_secs(5),
            Duration::from_secs(5),
            |waited| said.lock().unwrap().push(waited),
            async { 7 },
        )
        .await;
        assert_eq!(value, 7);
        assert!(said.lock().unwrap().is_empty());
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(describe(Duration::from_secs(3)), "3 s");
        assert_eq!(describe(Duration::from_secs(300)), "5 min");
        assert_eq!(describe(Duration::from_millis(20)), "20 ms");
    }
}
