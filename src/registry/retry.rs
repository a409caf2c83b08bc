//! The one retry policy for registry requests (backon: exponential backoff with real
//! jitter, `Retry-After` honoured in both its forms, a cap on attempts and total wait).
//!
//! Transient, so retried: 408, 429, 500, 502, 503, 504, connection resets and closes,
//! timeouts, and a DNS server that answers "try again". Permanent, so reported at once:
//! every other status (401/403 and 404 included), certificate and other TLS errors, a
//! host name that does not exist, and a refused connection — nothing listens on that
//! port, which a wrong host or port explains far more often than a registry restart
//! (a restarting registry behind a load balancer answers 502/503, which is retried).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use backon::{ExponentialBuilder, Retryable};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};

use super::deadline;
use crate::error::{CliError, Result};

/// Attempts per request, the first one included.
pub const ATTEMPTS: usize = 5;

/// A `Retry-After` longer than this is cut short (a registry asking for an hour is not
/// waited for silently; the attempts then run out and the error says so).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Waits between attempts of one request add up to at most this.
const MAX_TOTAL_WAIT: Duration = Duration::from_secs(120);

/// A wait at least this long is announced on stderr (unless --quiet).
pub const ANNOUNCE_AFTER: Duration = Duration::from_secs(2);

/// Where announcements go (the command's printer).
pub type Notice = Arc<dyn Fn(&str) + Send + Sync>;

/// 0.5 s, 1 s, 2 s, 4 s before attempts 2 to 5, each plus up to 100 % random jitter.
pub fn policy() -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(500))
        .with_factor(2.0)
        .with_max_delay(Duration::from_secs(16))
        .with_max_times(ATTEMPTS - 1)
        .with_total_delay(Some(MAX_TOTAL_WAIT))
        .with_jitter()
}

/// Statuses that say "later", not "no".
pub fn transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// `Retry-After` from a response's headers.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    parse_retry_after(
        headers.get(header::RETRY_AFTER)?.to_str().ok()?,
        SystemTime::now(),
    )
}

/// `Retry-After: 120` or `Retry-After: Fri, 31 Dec 1999 23:59:59 GMT` (and the two
/// obsolete HTTP-date forms), capped at [`MAX_RETRY_AFTER`]; a date in the past is 0.
/// Anything else is `None` (then the backoff decides).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let wait = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for u64 is still "a very long time".
        Duration::from_secs(value.parse::<u64>().unwrap_or(u64::MAX))
    } else {
        let at = httpdate::parse_http_date(value).ok()?;
        at.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// What went wrong with a request that got no usable answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Timeout,
    NoSuchHost,
    Refused,
    Tls,
    /// Reset, closed early, DNS "try again": worth another attempt.
    Interrupted,
    Other,
}

impl ErrorKind {
    pub fn is_transient(self) -> bool {
        matches!(self, ErrorKind::Timeout | ErrorKind::Interrupted)
    }
}

/// Sorts a reqwest error by what it means for a retry.
pub fn classify(error: &reqwest::Error) -> ErrorKind {
    if error.is_timeout() {
        return ErrorKind::Timeout;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.downcast_ref::<rustls::Error>().is_some() {
            return ErrorKind::Tls;
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io
                .get_ref()
                .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
            {
                return ErrorKind::Tls;
            }
            use std::io::ErrorKind as Io;
            match io.kind() {
                Io::ConnectionRefused => return ErrorKind::Refused,
                Io::TimedOut => return ErrorKind::Timeout,
                Io::ConnectionReset
                | Io::ConnectionAborted
                | Io::BrokenPipe
                | Io::UnexpectedEof => {
                    return ErrorKind::Interrupted;
                }
                _ => {}
            }
        }
        source = e.source();
    }
    let chain = crate::error::display_chain(error).to_ascii_lowercase();
    if chain.contains("dns error") || chain.contains("failed to lookup address") {
        if chain.contains("temporary failure") || chain.contains("try again") {
            ErrorKind::Interrupted
        } else {
            ErrorKind::NoSuchHost
        }
    } else if chain.contains("certificate") || chain.contains("tls") {
        ErrorKind::Tls
    } else if error.is_connect() || error.is_request() || error.is_body() {
        ErrorKind::Interrupted
    } else {
        ErrorKind::Other
    }
}

/// The error a user sees for a request that got no answer; a timeout is exit 4.
pub fn request_error(error: &reqwest::Error, host: &str, limit: Duration) -> CliError {
    let chain = crate::error::display_chain(error);
    let error = match classify(error) {
        ErrorKind::Timeout => CliError::timeout(format!(
            "timed out: {host} did not finish answering within {} ({})",
            deadline::describe(limit),
            deadline::ENV
        ))
        .with_hint(format!(
            "the registry is slow or unreachable: retry later, or raise {} (seconds)",
            deadline::ENV
        )),
        ErrorKind::NoSuchHost => CliError::remote(format!(
            "cannot reach {host}: the host name does not resolve"
        ))
        .with_hint("check the registry host name (a typo, or a private DNS zone)"),
        ErrorKind::Refused => {
            CliError::remote(format!("cannot reach {host}: the connection was refused"))
                .with_hint("check the host and port, and that the registry is running")
        }
        ErrorKind::Tls => CliError::remote(format!("the TLS connection to {host} failed"))
            .with_hint(format!(
                "trust the registry's CA with --ca-cert FILE or /etc/docker/certs.d/{host}/ca.crt"
            )),
        ErrorKind::Interrupted | ErrorKind::Other => {
            CliError::remote(format!("a request to {host} failed"))
        }
    };
    error.with_cause(chain)
}

/// Why one attempt failed, and whether another one may succeed.
pub struct Failed {
    pub error: CliError,
    /// For the announcement: "answered 503 Service Unavailable", "timed out", …
    pub reason: String,
    pub transient: bool,
    pub retry_after: Option<Duration>,
    /// The host gave no usable answer (no answer at all, or "later" until the retries
    /// ran out): what the host's [`Breaker`] counts.
    pub unreachable: bool,
}

impl Failed {
    /// A failure no retry can fix.
    pub fn stop(error: CliError) -> Self {
        Self {
            error,
            reason: String::new(),
            transient: false,
            retry_after: None,
            unreachable: false,
        }
    }

    /// An answer with an error status; `error` is what the user sees if it is the last.
    pub fn status(status: StatusCode, headers: &HeaderMap, error: CliError) -> Self {
        Self {
            error,
            reason: format!("answered {status}"),
            transient: transient_status(status),
            retry_after: retry_after(headers),
            unreachable: transient_status(status),
        }
    }

    /// A failure of another host than the one this request's breaker watches (the
    /// source of a blob streamed into this registry): retried alike, never counted.
    pub fn from_elsewhere(self) -> Self {
        Self {
            unreachable: false,
            ..self
        }
    }

    /// No answer (or a broken one).
    pub fn request(error: &reqwest::Error, host: &str, limit: Duration) -> Self {
        let kind = classify(error);
        Self {
            reason: match kind {
                ErrorKind::Timeout => {
                    format!("did not answer within {}", deadline::describe(limit))
                }
                _ => "dropped the connection".to_string(),
            },
            error: request_error(error, host, limit),
            transient: kind.is_transient(),
            retry_after: None,
            // A TLS failure is an answer (a wrong CA), not a host that is down.
            unreachable: kind != ErrorKind::Tls,
        }
    }
}

/// Runs `attempt` until it succeeds, fails for good, or the policy runs out. Waits of
/// [`ANNOUNCE_AFTER`] or more are announced through `notice` ("HOST answered 503 …;
/// retrying in 4 s (attempt 3 of 5)").
pub async fn run<T, Fut>(
    host: &str,
    notice: Option<&Notice>,
    attempt: impl FnMut() -> Fut,
) -> Result<T>
where
    Fut: Future<Output = std::result::Result<T, Failed>>,
{
    run_guarded(host, notice, None, attempt).await
}

/// [`run`], watched by the host's breaker: nothing is sent to a host whose breaker has
/// tripped (not even the next attempt of a request already waiting), a usable answer
/// closes it again, and a request that gets no usable answer counts against it.
pub async fn run_guarded<T, Fut>(
    host: &str,
    notice: Option<&Notice>,
    breaker: Option<&Breaker>,
    mut attempt: impl FnMut() -> Fut,
) -> Result<T>
where
    Fut: Future<Output = std::result::Result<T, Failed>>,
{
    if let Some(error) = breaker.and_then(|b| b.refusal(host)) {
        return Err(error);
    }
    let made = AtomicUsize::new(0);
    // The policy's total bounds its own delays; a server's Retry-After replaces them, so
    // the total is enforced here too: never more than MAX_TOTAL_WAIT of waiting.
    let waited_ms = AtomicUsize::new(0);
    let result = (|| {
        made.fetch_add(1, Ordering::Relaxed);
        let refused = breaker.and_then(|b| b.refusal(host));
        let attempt = refused.is_none().then(&mut attempt);
        async move {
            match (refused, attempt) {
                (Some(error), _) => Err(Failed::stop(error)),
                (None, Some(attempt)) => attempt.await,
                (None, None) => unreachable!("an attempt when the breaker is closed"),
            }
        }
    })
    .retry(policy())
    .sleep(tokio::time::sleep)
    .when(|failed: &Failed| failed.transient)
    .adjust(|failed: &Failed, wait| {
        let wanted = failed.retry_after.unwrap_or(wait?);
        let waited = Duration::from_millis(waited_ms.load(Ordering::Relaxed) as u64);
        let wait = wanted.min(MAX_TOTAL_WAIT.checked_sub(waited)?);
        (!wait.is_zero() || wanted.is_zero()).then(|| {
            waited_ms.fetch_add(wait.as_millis() as usize, Ordering::Relaxed);
            wait
        })
    })
    .notify(|failed: &Failed, wait| {
        let next = made.load(Ordering::Relaxed) + 1;
        let line = announcement(host, &failed.reason, wait, next);
        match notice {
            Some(notice) if wait >= ANNOUNCE_AFTER => notice(&line),
            _ => tracing::debug!("{line}"),
        }
    })
    .await;
    if let Some(breaker) = breaker {
        match &result {
            Ok(_) => breaker.answered(),
            Err(failed) if failed.unreachable => breaker.gave_up(host, &failed.error),
            Err(_) => {}
        }
    }
    result.map_err(|failed| {
        let made = made.load(Ordering::Relaxed);
        if failed.transient && made > 1 {
            failed
                .error
                .with_cause(format!("gave up after {made} attempts"))
        } else {
            failed.error
        }
    })
}

/// Consecutive requests to one host that got no usable answer (after their retries)
/// before its breaker trips.
pub const TRIP_AFTER: usize = 3;

/// A per-host circuit breaker: after [`TRIP_AFTER`] requests in a row got no usable
/// answer from a host, it is taken as down. From then on nothing more is sent to it, so
/// a run stops scheduling work for it and ends with one cause instead of every item
/// waiting out its own retries.
#[derive(Default)]
pub struct Breaker {
    failures: AtomicUsize,
    cause: std::sync::Mutex<Option<String>>,
}

impl Breaker {
    /// Why the host is taken as down, once the breaker has tripped.
    pub fn tripped(&self) -> Option<String> {
        self.cause.lock().expect("breaker").clone()
    }

    /// The error for a request that is not sent because the host is down.
    pub fn refusal(&self, host: &str) -> Option<CliError> {
        let cause = self.tripped()?;
        Some(
            CliError::remote(format!(
                "{host} is not answering; nothing more is sent to it"
            ))
            .with_cause(cause),
        )
    }

    /// A usable answer: the host is up.
    pub fn answered(&self) {
        if self.tripped().is_none() {
            self.failures.store(0, Ordering::Relaxed);
        }
    }

    /// A request that got no usable answer; the [`TRIP_AFTER`]th in a row trips it.
    pub fn gave_up(&self, host: &str, error: &CliError) {
        let failures = self.failures.fetch_add(1, Ordering::Relaxed) + 1;
        if failures >= TRIP_AFTER {
            let mut cause = self.cause.lock().expect("breaker");
            if cause.is_none() {
                let why = std::iter::once(error.message())
                    .chain(error.causes().iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(": ");
                *cause = Some(format!(
                    "{failures} requests in a row to {host} got no usable answer; the last: {why}"
                ));
            }
        }
    }
}

fn announcement(host: &str, reason: &str, wait: Duration, next: usize) -> String {
    let wait = if wait < Duration::from_secs(1) {
        format!("{} ms", wait.as_millis())
    } else {
        format!("{} s", wait.as_secs_f64().round() as u64)
    };
    format!("{host} {reason}; retrying in {wait} (attempt {next} of {ATTEMPTS})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> SystemTime {
        httpdate::parse_http_date(text).unwrap()
    }

    #[test]
    fn retry_after_in_seconds() {
        let now = SystemTime::now();
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("3600", now), Some(MAX_RETRY_AFTER));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(MAX_RETRY_AFTER)
        );
    }

    #[test]
    fn retry_after_as_an_http_date() {
        let now = at("Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        // The obsolete RFC 850 and asctime forms are HTTP-dates too.
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:42 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_retry_after("Sun Nov  6 08:49:40 1994", now),
            Some(Duration::from_secs(3))
        );
        // In the past: go now. Far ahead: capped.
        assert_eq!(
            parse_retry_after("Sat, 05 Nov 1994 08:49:37 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Mon, 07 Nov 1994 08:49:37 GMT", now),
            Some(MAX_RETRY_AFTER)
        );
    }

    #[test]
    fn garbage_retry_after_leaves_the_backoff_in_charge() {
        let now = SystemTime::now();
        for garbage in [
            "",
            "soon",
            "-5",
            "1.5",
            "5 s",
            "Sun, 32 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(garbage, now), None, "{garbage}");
        }
    }

    #[test]
    fn only_statuses_that_mean_later_are_retried() {
        for code in [408, 429, 500, 502, 503, 504] {
            assert!(
                transient_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
        for code in [400, 401, 403, 404, 405, 409, 501, 505] {
            assert!(
                !transient_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
    }

    #[test]
    fn only_interruptions_and_timeouts_are_transient() {
        assert!(ErrorKind::Timeout.is_transient());
        assert!(ErrorKind::Interrupted.is_transient());
        for kind in [
            ErrorKind::NoSuchHost,
            ErrorKind::Refused,
            ErrorKind::Tls,
            ErrorKind::Other,
        ] {
            assert!(!kind.is_transient(), "{kind:?}");
        }
    }

    #[test]
    fn the_policy_is_capped_and_jittered() {
        use backon::BackoffBuilder;
        let waits: Vec<Duration> = policy().build().collect();
        assert_eq!(waits.len(), ATTEMPTS - 1);
        // 0.5 s, 1 s, 2 s, 4 s, each plus up to 100 %.
        for (wait, base) in waits.iter().zip([500u64, 1000, 2000, 4000]) {
            let base = Duration::from_millis(base);
            assert!(*wait >= base && *wait <= base * 2, "{wait:?} for {base:?}");
        }
        let runs: Vec<Vec<Duration>> = (0..5).map(|_| policy().build().collect()).collect();
        assert!(runs.iter().any(|r| r != &runs[0]), "no jitter: {runs:?}");
    }

    #[test]
    fn announcements_say_what_and_when() {
        assert_eq!(
            announcement(
                "r.example:5000",
                "answered 503 Service Unavailable",
                Duration::from_millis(4200),
                2
            ),
            "r.example:5000 answered 503 Service Unavailable; retrying in 4 s (attempt 2 of 5)"
        );
    }

    async fn classify_url(url: &str) -> ErrorKind {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        classify(&client.get(url).send().await.unwrap_err())
    }

    #[tokio::test]
    async fn refused_and_unknown_hosts_are_permanent() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        assert_eq!(
            classify_url(&format!("http://127.0.0.1:{port}/v2/")).await,
            ErrorKind::Refused
        );
        assert_eq!(
            classify_url("http://no-such-host.invalid/v2/").await,
            ErrorKind::NoSuchHost
        );
    }

    #[tokio::test]
    async fn retries_transient_failures_and_stops_at_permanent_ones() {
        let calls = AtomicUsize::new(0);
        let result: Result<u32> = run("h", None, || {
            let n = calls.fetch_add(1, Ordering::Relaxed);
            async move {
                if n < 1 {
                    Err(Failed {
                        error: CliError::remote("busy"),
                        reason: "answered 503".into(),
                        transient: true,
                        retry_after: Some(Duration::ZERO),
                        unreachable: true,
                    })
                } else {
                    Ok(7)
                }
            }
        })
        .await;
        assert_eq!(result.unwrap(), 7);
        assert_eq!(calls.load(Ordering::Relaxed), 2);

        let calls = AtomicUsize::new(0);
        let result: Result<u32> = run("h", None, || {
            calls.fetch_add(1, Ordering::Relaxed);
            async { Err(Failed::stop(CliError::remote("401"))) }
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.load(Ordering::Relaxed), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_never_stretches_the_total_wait_past_its_bound() {
        let calls = AtomicUsize::new(0);
        let started = tokio::time::Instant::now();
        let result: Result<u32> = run("h", None, || {
            calls.fetch_add(1, Ordering::Relaxed);
            async {
                Err(Failed {
                    error: CliError::remote("throttled"),
                    reason: "answered 429".into(),
                    transient: true,
                    retry_after: Some(MAX_RETRY_AFTER),
                    unreachable: true,
                })
            }
        })
        .await;
        assert!(result.is_err());
        assert!(
            started.elapsed() <= MAX_TOTAL_WAIT,
            "{:?}",
            started.elapsed()
        );
        assert_eq!(
            calls.load(Ordering::Relaxed),
            3,
            "60 s + 60 s, then the budget is spent"
        );
    }

    fn down(reason: &str) -> Failed {
        Failed {
            error: CliError::remote("a request to h failed").with_cause(reason.to_string()),
            reason: reason.into(),
            transient: true,
            retry_after: Some(Duration::ZERO),
            unreachable: true,
        }
    }

    #[tokio::test]
    async fn the_breaker_trips_after_consecutive_give_ups_and_then_sends_nothing() {
        let breaker = Breaker::default();
        let calls = AtomicUsize::new(0);
        for _ in 0..TRIP_AFTER {
            let result: Result<()> = run_guarded("h", None, Some(&breaker), || {
                calls.fetch_add(1, Ordering::Relaxed);
                async { Err(down("connection reset")) }
            })
            .await;
            assert!(result.is_err());
        }
        assert_eq!(calls.load(Ordering::Relaxed), TRIP_AFTER * ATTEMPTS);
        let cause = breaker.tripped().expect("tripped");
        assert!(cause.contains("3 requests in a row to h"), "{cause}");
        assert!(cause.contains("connection reset"), "{cause}");
        let result: Result<()> = run_guarded("h", None, Some(&breaker), || {
            calls.fetch_add(1, Ordering::Relaxed);
            async { Ok(()) }
        })
        .await;
        let error = result.unwrap_err();
        assert!(error.message().contains("h is not answering"), "{error:?}");
        assert_eq!(error.exit_code().code(), 3);
        assert_eq!(
            calls.load(Ordering::Relaxed),
            TRIP_AFTER * ATTEMPTS,
            "not sent"
        );
    }

    #[tokio::test]
    async fn an_answer_resets_the_count_and_refusals_by_the_server_do_not_count() {
        let breaker = Breaker::default();
        for round in 0..3 {
            for _ in 0..TRIP_AFTER - 1 {
                let _: Result<()> =
                    run_guarded("h", None, Some(&breaker), || async { Err(down("reset")) }).await;
            }
            // A 404 or 401 is an answer: the host is up.
            let _: Result<()> = run_guarded("h", None, Some(&breaker), || async {
                Err(Failed::stop(CliError::remote("404")))
            })
            .await;
            let ok: Result<()> = run_guarded("h", None, Some(&breaker), || async { Ok(()) }).await;
            assert!(ok.is_ok(), "round {round}");
            assert!(breaker.tripped().is_none(), "round {round}");
        }
    }
}
