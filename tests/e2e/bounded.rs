//! Every wait is bounded (issue 11 §8): a registry that trickles or goes silent is given
//! up on within its deadline, `--timeout` ends a whole command, and permanent failures
//! (401, an unknown host) are not retried while 503s are, with the wait announced.
//! Timing limits are generous on purpose: these machines are noisy.

use std::process::Command;
use std::time::Duration;

use crate::client::{ecrctl, temp_file, unique};
use crate::harness::stand_ins;
use crate::slow::{Behaviour, SlowServer, run_within};

/// `migrate` copying `source_host/REPO:v1` into the ECR stand-in.
fn migrate_from(source_host: &str, plan_dir_hint: &str) -> (Command, std::path::PathBuf) {
    let s = stand_ins();
    let p = unique(plan_dir_hint);
    let plan = temp_file(
        "plan.txt",
        &format!("{source_host}/{p}/src:v1 {p}/dst:v1\n"),
    );
    let mut command = ecrctl();
    command.args([
        "migrate",
        "--plan",
        plan.to_str().unwrap(),
        "--plain-http",
        source_host,
        "--ca-cert",
        s.ca_cert.to_str().unwrap(),
        "--registry-endpoint",
        &s.registry,
        "--journal",
        plan.with_extension("journal").to_str().unwrap(),
    ]);
    (command, plan)
}

fn assert_gave_up_on_time(behaviour: Behaviour, name: &str) {
    let server = SlowServer::start(behaviour);
    let (mut command, _plan): (Command, _) = migrate_from(&server.addr, name);
    command.env("ECRCTL_HTTP_TIMEOUT", "2");
    // 5 attempts of 2 s plus at most 15 s of backoff: 25 s. Allow three times that.
    let (run, took) = run_within(&mut command, Duration::from_secs(75));
    assert_ne!(run.code, 0, "{name}: {}", run.stderr);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains("ECRCTL_HTTP_TIMEOUT") && said.contains("within 2 s"),
        "{name} (took {took:?}): the message names the deadline:\n{said}"
    );
    assert!(
        server.requests() >= 2,
        "{name}: a timeout is transient and retried ({} requests)",
        server.requests()
    );
    assert!(
        run.stderr
            .contains("did not answer within 2 s; retrying in"),
        "{name}: long retry waits are announced:\n{}",
        run.stderr
    );
}

#[test]
fn a_registry_trickling_its_answer_is_given_up_on() {
    assert_gave_up_on_time(
        Behaviour::Trickle {
            every: Duration::from_secs(1),
        },
        "trickle",
    );
}

#[test]
fn a_registry_silent_after_the_headers_is_given_up_on() {
    assert_gave_up_on_time(Behaviour::SilentAfterHeaders, "silent-body");
}

#[test]
fn a_malformed_request_deadline_is_a_usage_error() {
    let (mut command, _plan) = migrate_from("127.0.0.1:9", "bad-deadline");
    command.env("ECRCTL_HTTP_TIMEOUT", "soon");
    let (run, _) = run_within(&mut command, Duration::from_secs(60));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("ECRCTL_HTTP_TIMEOUT"), "{}", run.stderr);
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
}

#[test]
fn a_refused_login_is_not_retried() {
    let server = SlowServer::start(Behaviour::Answer {
        status: "401 Unauthorized",
        headers: "Www-Authenticate: Basic realm=\"test\"\r\n".into(),
    });
    let (mut command, _plan) = migrate_from(&server.addr, "unauth");
    let (run, _) = run_within(&mut command, Duration::from_secs(60));
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert_eq!(server.requests(), 1, "one attempt only:\n{}", run.stderr);
    assert!(!run.stderr.contains("retrying"), "{}", run.stderr);
}

#[test]
fn an_unknown_host_is_not_retried() {
    let (mut command, _plan) = migrate_from("no-such-registry.invalid:5000", "nxdomain");
    command.arg("-vv");
    let (run, _) = run_within(&mut command, Duration::from_secs(60));
    assert_ne!(run.code, 0, "{}", run.stderr);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(said.contains("does not resolve"), "{said}");
    assert!(!run.stderr.contains("retrying"), "{}", run.stderr);
}

#[test]
fn unavailable_is_retried_with_retry_after_as_an_http_date_and_announced() {
    // Each answer asks for a wait of 3 to 4 s (HTTP-dates have whole seconds).
    let server = SlowServer::start(Behaviour::UnavailableFor {
        ahead: Duration::from_secs(4),
    });
    let (mut command, _plan) = migrate_from(&server.addr, "unavailable");
    let (run, took) = run_within(&mut command, Duration::from_secs(120));
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert_eq!(server.requests(), 5, "five attempts:\n{}", run.stderr);
    // Four waits of about 3.5 s: the backoff alone (at most 15 s, usually ~7 s) is not
    // what decided them.
    assert!(took >= Duration::from_secs(10), "took {took:?}");
    for attempt in 2..=5 {
        let line = format!(
            "{} answered 503 Service Unavailable; retrying in",
            server.addr
        );
        let announced = run
            .stderr
            .lines()
            .any(|l| l.starts_with(&line) && l.ends_with(&format!("(attempt {attempt} of 5)")));
        assert!(announced, "attempt {attempt}:\n{}", run.stderr);
    }
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(said.contains("gave up after 5 attempts"), "{said}");
}

/// `scan gate` against an AWS endpoint that accepts connections and never answers.
#[test]
fn scan_gate_timeout_bounds_the_whole_command() {
    let server = SlowServer::start(Behaviour::Silent);
    let mut command = ecrctl();
    command
        .env("AWS_ENDPOINT_URL", format!("http://{}", server.addr))
        .args(["scan", "gate", "some/repo:v1", "--timeout", "3s"]);
    let (run, took) = run_within(&mut command, Duration::from_secs(30));
    assert_eq!(run.code, 4, "took {took:?}\n{}", run.stderr);
    assert!(run.stderr.contains("--timeout"), "{}", run.stderr);
    assert!(run.stderr.contains("3 s"), "{}", run.stderr);
}

#[test]
fn lifecycle_preview_remote_timeout_bounds_the_whole_command() {
    let server = SlowServer::start(Behaviour::Silent);
    let policy = temp_file(
        "policy.json",
        r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#,
    );
    let mut command = ecrctl();
    command
        .env("AWS_ENDPOINT_URL", format!("http://{}", server.addr))
        .args([
            "lifecycle",
            "preview",
            "--repository",
            "some-repo",
            "--remote",
        ])
        .args(["--timeout", "3s"])
        .args(["--policy", policy.to_str().unwrap()]);
    let (run, took) = run_within(&mut command, Duration::from_secs(30));
    assert_eq!(run.code, 4, "took {took:?}\n{}", run.stderr);
    assert!(run.stderr.contains("--timeout"), "{}", run.stderr);
}

/// An ECR API that never answers: the login's token fetch is announced after a few
/// seconds and given up on within the per-request deadline times the attempts.
#[test]
fn a_silent_ecr_api_is_announced_and_given_up_on() {
    let server = SlowServer::start(Behaviour::Silent);
    let mut command = ecrctl();
    command
        .env("AWS_ENDPOINT_URL", format!("http://{}", server.addr))
        .env("ECRCTL_HTTP_TIMEOUT", "2")
        .args(["login", "--print-password"]);
    // Five attempts of 2 s: 10 s. Allow a lot more.
    let (run, took) = run_within(&mut command, Duration::from_secs(45));
    assert_ne!(run.code, 0, "took {took:?}\n{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("still waiting for ECR to hand out a registry token"),
        "{}",
        run.stderr
    );
}

/// An ECR API that answers at once but trickles the rest (one byte a second): the SDK's
/// per-attempt limit covers the body too, so the call still ends.
#[test]
fn a_trickling_ecr_api_is_given_up_on() {
    let server = SlowServer::start(Behaviour::Trickle {
        every: Duration::from_secs(1),
    });
    let mut command = ecrctl();
    command
        .env("AWS_ENDPOINT_URL", format!("http://{}", server.addr))
        .env("ECRCTL_HTTP_TIMEOUT", "2")
        .args(["repo", "list"]);
    let (run, took) = run_within(&mut command, Duration::from_secs(45));
    // A request past its deadline is a timeout (exit 4), as for registries.
    assert_eq!(run.code, 4, "took {took:?}\n{}", run.stderr);
    assert!(server.requests() >= 1, "{}", run.stderr);
    assert!(run.stderr.contains("ECRCTL_HTTP_TIMEOUT"), "{}", run.stderr);
}

/// A registry whose certificate is not trusted (no --ca-cert, an empty certs.d): a TLS
/// error is permanent, reported once with the fix, never retried.
#[test]
fn an_untrusted_certificate_is_not_retried() {
    let s = stand_ins();
    let p = unique("untrusted");
    let plan = temp_file(
        "plan.txt",
        &format!(
            "{}/{p}/src:v1 {}/{p}/dst:v1\n",
            s.registry, s.plain_registry
        ),
    );
    let certs_d = temp_file("empty", "").with_file_name("certs.d");
    std::fs::create_dir_all(&certs_d).unwrap();
    let mut command = ecrctl();
    command
        .env("ECRCTL_DOCKER_CERTS_D", &certs_d)
        .args(["migrate", "--plan", plan.to_str().unwrap()])
        .args(["--plain-http", &s.plain_registry, "-vv"])
        .args([
            "--journal",
            plan.with_extension("journal").to_str().unwrap(),
        ]);
    let (run, _) = run_within(&mut command, Duration::from_secs(60));
    assert_ne!(run.code, 0, "{}", run.stderr);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains(&format!("the TLS connection to {} failed", s.registry)),
        "{said}"
    );
    assert!(!run.stderr.contains("retrying"), "{}", run.stderr);
}

#[test]
fn a_scan_gate_hung_outside_its_waits_still_writes_its_reports() {
    // Credentials that never come (a credential process that hangs): the gate ends at
    // --timeout with exit 4, every image a timeout, and both reports written.
    let config =
        crate::client::profile_with_process("hang", "exec sleep 60 </dev/null >/dev/null 2>&1\n");
    let dir = config.parent().unwrap();
    let (sarif, junit) = (dir.join("gate.sarif"), dir.join("gate.xml"));
    let mut gate = ecrctl();
    gate.env("AWS_CONFIG_FILE", &config)
        .args([
            "--profile",
            "hang",
            "scan",
            "gate",
            "team/api:v1",
            "--timeout",
            "2s",
        ])
        .arg("--sarif")
        .arg(&sarif)
        .arg("--junit")
        .arg(&junit);
    let (run, _) = run_within(&mut gate, Duration::from_secs(30));
    run.assert_code(4);
    assert!(
        run.stderr.contains("no scan result within --timeout 2s"),
        "{}",
        run.stderr
    );
    assert!(sarif.exists() && junit.exists(), "{}", run.stderr);
}

#[test]
fn an_endless_manifest_is_cut_off_not_read_into_memory() {
    let server = SlowServer::start(Behaviour::Endless);
    let (mut command, _) = migrate_from(&server.addr, "endless");
    command.arg("--dry-run");
    let (run, _) = run_within(&mut command, Duration::from_secs(60));
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("more than 8 MiB"), "{}", run.stderr);
}
