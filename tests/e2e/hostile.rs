//! What an adversarial review of the fail-closed core found, kept as tests: inputs and
//! outputs that must not hang, eat memory, destroy results or echo secrets.

use std::process::Command;
use std::time::Duration;

use crate::client::{ecrctl, run, temp_file};
use crate::slow::run_within;

#[test]
fn sarif_to_dev_stdout_redirected_to_a_file_keeps_both_documents() {
    // /dev/stdout resolves to the file stdout holds; renaming over it, or opening it anew
    // at offset 0, lost the JSON result.
    let findings = crate::exit_codes::scan_findings_file();
    let out = findings.with_file_name("out.txt");
    let status = Command::new("bash")
        .arg("-c")
        .arg(format!("\"$0\" \"$@\" > '{}'", out.display()))
        .arg(env!("CARGO_BIN_EXE_ecrctl"))
        .args([
            "scan",
            "gate",
            "-o",
            "json",
            "--fail-on",
            "critical",
            "--findings",
        ])
        .arg(&findings)
        .args(["--sarif", "/dev/stdout"])
        .envs(ecrctl().get_envs().filter_map(|(k, v)| Some((k, v?))))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("\"version\": \"2.1.0\""),
        "SARIF kept:\n{text}"
    );
    assert!(
        text.contains("\"schemaVersion\": 1"),
        "JSON result kept:\n{text}"
    );
}

#[test]
fn a_report_path_naming_a_folder_is_refused_before_any_work() {
    let findings = crate::exit_codes::scan_findings_file();
    let missing = findings.with_file_name("newdir/");
    let mut gate = ecrctl();
    gate.args(["scan", "gate", "--findings"])
        .arg(&findings)
        .arg("--sarif")
        .arg(&missing);
    let r = run(&mut gate);
    r.assert_code(2);
    assert!(r.stderr.contains("names a folder"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "no work was done: {}", r.stdout);
}

#[test]
fn endless_or_special_files_are_refused_not_read() {
    let plan = temp_file("plan.txt", "127.0.0.1:1/a:v1 b:v1\n");
    let fifo = plan.with_file_name("ca.fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let cases: Vec<(Command, &str)> = vec![
        {
            let mut c = ecrctl();
            c.args(["migrate", "--plan"])
                .arg(&plan)
                .args(["--journal", "/dev/zero"]);
            (c, "is not a regular file")
        },
        {
            let mut c = ecrctl();
            c.args(["--ca-cert", "/dev/zero", "repo", "list"]);
            (c, "not a regular file")
        },
        {
            let mut c = ecrctl();
            c.arg("--ca-cert").arg(&fifo).args(["repo", "list"]);
            (c, "not a regular file")
        },
    ];
    for (mut command, says) in cases {
        let (r, _) = run_within(&mut command, Duration::from_secs(20));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains(says), "{}", r.stderr);
    }
}

#[test]
fn malformed_endpoint_urls_are_usage_errors_and_never_echo_a_password() {
    for url in [
        "http://[::1",
        "http://127.0.0.1:99999",
        "http://:80",
        "http://user:hunter2@127.0.0.1:1",
    ] {
        for (flag, env) in [
            (Some("--endpoint-url"), None),
            (None, Some("AWS_ENDPOINT_URL")),
        ] {
            let mut c = ecrctl();
            if let Some(flag) = flag {
                c.args([flag, url]);
            }
            if let Some(env) = env {
                c.env(env, url);
            }
            let r = run(c.args(["repo", "list"]));
            r.assert_code(2);
            assert!(!r.stderr.contains("Request {"), "{}", r.stderr);
            assert!(!r.stderr.contains("hunter2"), "{}", r.stderr);
        }
    }
}

#[test]
fn help_that_cannot_be_written_and_a_summary_that_cannot_be_written_fail() {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let help = ecrctl().arg("--help").stdout(full()).status().unwrap();
    assert_eq!(help.code(), Some(3), "--help >/dev/full");
    assert_eq!(run(ecrctl().arg("--version")).code, 0);

    let findings = crate::exit_codes::scan_findings_file();
    let mut gate = ecrctl();
    gate.env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", "/dev/full")
        .args(["scan", "gate", "--fail-on", "critical", "--findings"])
        .arg(&findings);
    let r = run(&mut gate);
    r.assert_code(3);
    assert!(r.stderr.contains("GITHUB_STEP_SUMMARY"), "{}", r.stderr);
}

#[test]
fn the_helper_refuses_a_malformed_min_validity_and_a_relative_cache() {
    let helper = std::path::Path::new(env!("CARGO_BIN_EXE_ecrctl"))
        .with_file_name("docker-credential-ecrctl");
    // The link is made by `login --install-helper`; make it here when missing.
    if !helper.exists() {
        let _ = std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_ecrctl"), &helper);
    }
    for (name, value, says) in [
        ("ECRCTL_MIN_VALIDITY", "bogus", "ECRCTL_MIN_VALIDITY"),
        ("ECRCTL_MIN_VALIDITY", "400d", "ECRCTL_MIN_VALIDITY"),
        ("ECRCTL_CACHE_DIR", "relative/cache", "relative path"),
    ] {
        let mut get = Command::new(&helper);
        get.env_clear()
            .envs(ecrctl().get_envs().filter_map(|(k, v)| Some((k, v?))))
            .env(name, value)
            .arg("get")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = get.spawn().unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"123456789012.dkr.ecr.us-east-1.amazonaws.com")
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}={value}");
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains(says), "{name}={value}: {said}");
    }
}
