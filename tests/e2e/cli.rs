//! Conventions every command shares: help, exit codes, AWS set-up errors.

use crate::client::{bare_ecrctl, ecr, ecrctl, run};
use crate::harness::stand_ins;

#[test]
fn help_lists_only_commands_that_exist_and_the_exit_codes() {
    let help = ecr(&["--help"]);
    help.assert_code(0);
    for word in [
        "repo",
        "login",
        "lifecycle",
        "completions",
        "Exit codes:",
        "130",
    ] {
        assert!(help.stdout.contains(word), "{word}: {}", help.stdout);
    }
    for helper_only in ["generate", "docker-credential"] {
        assert!(
            !help.stdout.contains(helper_only),
            "{helper_only} is not a command"
        );
    }
    let create = ecr(&["repo", "create", "--help"]);
    for flag in [
        "--scan-on-push",
        "--tag-mutability",
        "--immutable-exclude",
        "--encryption",
        "--kms-key",
        "--lifecycle-policy",
        "--repository-policy",
        "--tag",
        "--from-file",
        "--dry-run",
    ] {
        assert!(create.stdout.contains(flag), "{flag}");
    }
}

#[test]
fn clap_usage_errors_exit_2() {
    ecr(&["repo", "create", "x1", "--no-such-flag"]).assert_code(2);
    ecr(&["no-such-command"]).assert_code(2);
    ecr(&["repo", "create", "x1", "--jobs", "0"]).assert_code(2);
}

#[test]
fn missing_region_says_how_to_set_one() {
    let s = stand_ins();
    let r = run(bare_ecrctl(s)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .args(["repo", "list"]));
    r.assert_code(2);
    assert!(
        r.stderr.contains("error: no AWS region is configured"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hint: set AWS_REGION or pass --region"),
        "{}",
        r.stderr
    );
}

#[test]
fn missing_credentials_say_how_to_provide_them() {
    let s = stand_ins();
    let r = run(bare_ecrctl(s)
        .env("AWS_REGION", "us-east-1")
        .args(["repo", "list"]));
    r.assert_code(3);
    assert!(
        r.stderr.contains("error: no AWS credentials found"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hint:") && r.stderr.contains("--profile"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("DispatchFailure") && !r.stderr.contains("Error {"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_unknown_profile_is_a_usage_error_before_any_call() {
    let s = stand_ins();
    let expected = "error: the config profile (nope) could not be found";
    let r =
        run(bare_ecrctl(s).args(["--profile", "nope", "--region", "us-east-1", "repo", "list"]));
    r.assert_code(2);
    assert!(r.stderr.contains(expected), "{}", r.stderr);
    let r = run(ecrctl().env("AWS_PROFILE", "nope").args(["repo", "list"]));
    r.assert_code(2);
    assert!(r.stderr.contains(expected), "{}", r.stderr);
}

#[test]
fn the_profile_flag_wins_over_environment_keys_and_aws_profile_does_not() {
    // As the AWS CLI: `--profile P` uses P's credentials even with AWS_ACCESS_KEY_ID set.
    let (config, mark) = crate::client::marked_profile();
    run(ecrctl()
        .env("AWS_CONFIG_FILE", &config)
        .args(["--profile", "marked", "repo", "list"]))
    .assert_code(0);
    assert!(mark.exists(), "--profile must supply the credentials");
    // AWS_PROFILE keeps the chain's order: environment keys first.
    let (config, mark) = crate::client::marked_profile();
    run(ecrctl()
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_PROFILE", "marked")
        .args(["repo", "list"]))
    .assert_code(0);
    assert!(
        !mark.exists(),
        "environment keys come first with AWS_PROFILE"
    );
}

#[test]
fn malformed_regions_and_endpoints_are_usage_errors_with_a_hint() {
    for region in ["", "us east 1", "us-east-1\u{200b}", "ÜS-east-1"] {
        let r = run(ecrctl().args(["--region", region, "repo", "list"]));
        r.assert_code(2);
        assert!(
            r.stderr.contains("is not an AWS region name"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("hint:"), "{}", r.stderr);
        let r = run(ecrctl().env("AWS_REGION", region).args(["repo", "list"]));
        r.assert_code(2);
    }
    for (name, url) in [
        ("AWS_ENDPOINT_URL", "not a url"),
        ("AWS_ENDPOINT_URL", "ftp://x"),
        ("AWS_ENDPOINT_URL_ECR", "http://exa mple"),
    ] {
        let r = run(ecrctl().env(name, url).args(["repo", "list"]));
        r.assert_code(2);
        assert!(r.stderr.contains(name), "{}", r.stderr);
        assert!(!r.stderr.contains("Request {"), "{}", r.stderr);
    }
}

#[test]
fn malformed_retry_settings_are_input_errors_not_panics() {
    let r = run(ecrctl()
        .env("AWS_MAX_ATTEMPTS", "many")
        .args(["repo", "list"]));
    r.assert_code(2);
    assert!(r.stderr.contains("AWS_MAX_ATTEMPTS"), "{}", r.stderr);
    let r = run(ecrctl()
        .env("AWS_RETRY_MODE", "eager")
        .args(["repo", "list"]));
    r.assert_code(2);
    assert!(!r.stderr.contains("panicked"));
}

#[test]
fn unreachable_api_is_exit_3_with_a_network_hint() {
    let r = run(ecrctl().env("AWS_MAX_ATTEMPTS", "1").args([
        "--endpoint-url",
        "http://127.0.0.1:9",
        "repo",
        "list",
    ]));
    r.assert_code(3);
    assert!(
        r.stderr.contains("error: could not list repositories"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hint: could not reach the ECR API"),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_global_values_are_rejected_up_front() {
    ecr(&["--endpoint-url", "127.0.0.1:5000", "repo", "list"]).assert_code(2);
    ecr(&["--registry-id", "12", "repo", "list"]).assert_code(2);
    ecr(&["--registry-endpoint", "https://x/y", "repo", "list"]).assert_code(2);
    let r = ecr(&["--ca-cert", "/nonexistent/ca.pem", "repo", "list"]);
    r.assert_code(2);
    assert!(
        r.stderr
            .contains("cannot use CA certificate /nonexistent/ca.pem"),
        "{}",
        r.stderr
    );
}

#[test]
fn endpoint_url_flag_and_aws_endpoint_url_ecr_both_reach_moto() {
    let s = stand_ins();
    let r = run(ecrctl().env_remove("AWS_ENDPOINT_URL").args([
        "--endpoint-url",
        &s.moto_url,
        "repo",
        "list",
        "-o",
        "json",
    ]));
    r.assert_code(0);
    let r = run(ecrctl()
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ENDPOINT_URL_ECR", &s.moto_url)
        .args(["repo", "list", "-o", "json"]));
    r.assert_code(0);
}

#[test]
fn closed_stdout_is_not_an_error() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = ecrctl()
        .args(["completions", "zsh"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 8];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert!(status.success() || status.code() == Some(0), "{status:?}");
}

#[test]
fn ctrl_c_exits_130_with_a_resume_hint() {
    use std::net::TcpListener;
    use std::time::Duration;
    // An "API" that accepts connections and never answers, so the call is in flight.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming() {
            held.push(stream);
        }
    });
    let child = ecrctl()
        .args([
            "--endpoint-url",
            &format!("http://127.0.0.1:{port}"),
            "repo",
            "list",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("error: interrupted"), "{stderr}");
    assert!(stderr.contains("run the same command again"), "{stderr}");
}
