//! A "no" can never become exit 0: every command with a "no" verdict keeps its exit code
//! when stdout is closed early, is /dev/full, or is piped into `true` under `pipefail`
//! (as GitHub Actions runs steps). A success whose output could not be written is exit 3.

use std::process::{Command, Stdio};

use serde_json::json;

use crate::client::{Run, ecrctl, run, temp_file, unique};
use crate::login::Sandbox;

/// The command with its stdout's reader gone before it writes (EPIPE).
fn with_stdout_closed(mut command: Command) -> i32 {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run ecrctl");
    drop(child.stdout.take());
    child.wait().unwrap().code().unwrap_or(-1)
}

/// The command with stdout on /dev/full (every write fails with ENOSPC).
fn to_dev_full(mut command: Command) -> Run {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full exists");
    let output = command
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .expect("run ecrctl");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `bash -o pipefail -c 'ecrctl ARGS… | READER'`, with the command's environment.
fn piped_into(command: &Command, reader: &str) -> i32 {
    let mut bash = Command::new("bash");
    bash.args(["-o", "pipefail", "-c", &format!("\"$0\" \"$@\" | {reader}")])
        .arg(command.get_program())
        .args(command.get_args())
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (key, value) in command.get_envs() {
        if let Some(value) = value {
            bash.env(key, value);
        }
    }
    bash.status().expect("run bash").code().unwrap_or(-1)
}

/// Runs `make()` every way stdout can fail and checks the verdict survives each time.
#[track_caller]
fn keeps_its_verdict(make: impl Fn() -> Command, verdict_line: &str) {
    assert_eq!(run(&mut make()).code, 1, "plain run");
    assert_eq!(with_stdout_closed(make()), 1, "stdout closed early");
    let full = to_dev_full(make());
    assert_eq!(full.code, 1, "stdout on /dev/full: {}", full.stderr);
    assert!(full.stderr.contains(verdict_line), "{}", full.stderr);
    assert!(
        full.stderr.contains("could not write the result to stdout"),
        "{}",
        full.stderr
    );
    assert_eq!(piped_into(&make(), "true"), 1, "| true under pipefail");
    assert_eq!(piped_into(&make(), "head -c1"), 1, "| head -c1");
}

pub fn scan_findings_file() -> std::path::PathBuf {
    temp_file(
        "findings.json",
        &json!({
            "repositoryName": "team/api", "imageId": { "imageTag": "v1" },
            "imageScanStatus": { "status": "COMPLETE" },
            "imageScanFindings": { "findings": [
                { "name": "CVE-2025-1", "severity": "HIGH",
                  "attributes": [{ "key": "package_name", "value": "openssl" }] } ] }
        })
        .to_string(),
    )
}

#[test]
fn a_failing_scan_gate_stays_failed_whatever_happens_to_stdout() {
    let findings = scan_findings_file();
    for format in ["table", "json"] {
        keeps_its_verdict(
            || {
                let mut c = ecrctl();
                c.args([
                    "scan",
                    "gate",
                    "--fail-on",
                    "high",
                    "-o",
                    format,
                    "--findings",
                ])
                .arg(&findings);
                c
            },
            "scan gate failed: 1 blocking finding in 1 image",
        );
    }
}

#[test]
fn a_lifecycle_preview_that_hits_a_protected_image_stays_failed() {
    let images = temp_file(
        "images.json",
        r#"{"imageDetails":[{"imageDigest":"sha256:aaaa","imageTags":["release-1"],"imagePushedAt":"2020-01-01T00:00:00Z","imageSizeInBytes":10}]}"#,
    );
    let policy = temp_file(
        "policy.json",
        r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}}]}"#,
    );
    keeps_its_verdict(
        || {
            let mut c = ecrctl();
            c.args(["lifecycle", "preview", "--protect", "release-*", "--images"])
                .arg(&images)
                .arg("--policy")
                .arg(&policy);
            c
        },
        "would expire or archive 1 protected image",
    );
}

#[test]
fn an_expired_login_status_stays_failed() {
    let sandbox = Sandbox::new();
    sandbox.ecrctl(&["login"]).assert_code(0);
    keeps_its_verdict(
        || sandbox.command(&["login", "status"]),
        "2 logins are expired, expiring within",
    );
}

#[test]
fn a_failing_push_check_stays_failed() {
    let sandbox = Sandbox::new();
    let image = format!("{}:v1", unique("exit/missing"));
    keeps_its_verdict(
        || sandbox.command(&["push-check", &image]),
        "the push would fail",
    );
}

#[test]
fn a_success_that_cannot_be_written_is_exit_3_and_a_closed_pipe_is_not() {
    let list = || {
        let mut c = ecrctl();
        c.args(["repo", "list", "-o", "json"]);
        c
    };
    let full = to_dev_full(list());
    assert_eq!(full.code, 3, "{}", full.stderr);
    assert!(
        full.stderr
            .contains("error: could not write the result to stdout"),
        "{}",
        full.stderr
    );
    assert_eq!(with_stdout_closed(list()), 0);
    assert_eq!(piped_into(&list(), "true"), 0);
}

#[test]
fn a_report_that_cannot_be_written_fails_the_run_without_hiding_the_verdict() {
    let findings = scan_findings_file();
    let folder = temp_file("x", "").parent().unwrap().to_path_buf();
    let mut passing = ecrctl();
    passing
        .args(["scan", "gate", "--fail-on", "critical", "--findings"])
        .arg(&findings)
        .arg("--sarif")
        .arg(&folder);
    let r = run(&mut passing);
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("error:"), "{}", r.stderr);
    let mut failing = ecrctl();
    failing
        .args(["scan", "gate", "--fail-on", "high", "--findings"])
        .arg(&findings)
        .arg("--junit")
        .arg(&folder);
    let r = run(&mut failing);
    assert_ne!(r.code, 0, "{}", r.stderr);
}

#[test]
fn reports_to_devices_and_pipes_are_written_in_place_never_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let findings = scan_findings_file();
    // A named pipe stands for /dev/null or /dev/stdout: renaming a file over it would
    // replace the node itself (as root, /dev/null).
    let fifo = temp_file("x", "").parent().unwrap().join("sarif.fifo");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo).unwrap())
    };
    let mut gate = ecrctl();
    gate.args(["scan", "gate", "--fail-on", "critical", "--findings"])
        .arg(&findings)
        .arg("--sarif")
        .arg(&fifo);
    run(&mut gate).assert_code(0);
    let sarif: serde_json::Value = serde_json::from_slice(&reader.join().unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());

    // The SARIF on stdout, as `--sarif /dev/stdout` users expect.
    let mut gate = ecrctl();
    gate.args(["scan", "gate", "--fail-on", "critical", "-q", "--findings"])
        .arg(&findings)
        .args(["--sarif", "/dev/stdout"]);
    let r = run(&mut gate);
    r.assert_code(0);
    assert!(r.stdout.contains("\"version\": \"2.1.0\""), "{}", r.stdout);

    // A report on a full disk: exit 3 on a pass, and a fail keeps its 1 and its line.
    for (fail_on, code) in [("critical", 3), ("high", 1)] {
        let mut gate = ecrctl();
        gate.args(["scan", "gate", "--fail-on", fail_on, "--findings"])
            .arg(&findings)
            .args(["--junit", "/dev/full"]);
        let r = run(&mut gate);
        r.assert_code(code);
        assert!(
            r.stderr.contains("could not write /dev/full"),
            "{}",
            r.stderr
        );
        if code == 1 {
            assert!(r.stderr.contains("scan gate failed"), "{}", r.stderr);
        }
    }
    assert!(
        std::fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn a_failing_stderr_neither_panics_nor_loses_the_result() {
    let findings = scan_findings_file();
    // An ignore entry that matches nothing makes the gate warn on stderr.
    let ignores = temp_file("ignore.txt", "CVE-0000-1\n");
    let gate = |fail_on: &str| {
        let mut c = ecrctl();
        c.args([
            "scan",
            "gate",
            "-o",
            "json",
            "--fail-on",
            fail_on,
            "--findings",
        ])
        .arg(&findings)
        .arg("--ignore-file")
        .arg(&ignores);
        c
    };
    for (fail_on, code) in [("critical", 0), ("high", 1)] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = gate(fail_on).stderr(full).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "stderr on /dev/full");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["schemaVersion"], 1);
        // stderr's reader gone (`2>&1 | head -1` once head has exited).
        let mut child = gate(fail_on)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        assert_eq!(child.wait().unwrap().code(), Some(code), "stderr closed");
    }
}

#[test]
fn an_output_file_may_not_be_an_input_or_another_output() {
    let findings = scan_findings_file();
    let before = std::fs::read(&findings).unwrap();
    let folder = findings.parent().unwrap().to_path_buf();
    let same_report = folder.join("report.out");
    let relative_twin = format!("{}/./report.out", folder.display());
    for extra in [
        vec!["--sarif".to_string(), findings.display().to_string()],
        vec!["--junit".to_string(), findings.display().to_string()],
        vec![
            "--sarif".to_string(),
            same_report.display().to_string(),
            "--junit".to_string(),
            relative_twin.clone(),
        ],
    ] {
        let mut gate = ecrctl();
        gate.args(["scan", "gate", "--fail-on", "high", "--findings"])
            .arg(&findings)
            .args(&extra);
        let r = run(&mut gate);
        r.assert_code(2);
        assert!(r.stderr.contains("is the same file as"), "{}", r.stderr);
    }
    assert_eq!(
        std::fs::read(&findings).unwrap(),
        before,
        "the input survives"
    );
    assert!(!same_report.exists());

    // migrate: --report or --journal naming the plan.
    let plan = temp_file("plan.txt", "127.0.0.1:1/a:v1 b:v1\n");
    for flag in ["--report", "--journal"] {
        let mut migrate = ecrctl();
        migrate
            .args(["migrate", "--plan"])
            .arg(&plan)
            .arg(flag)
            .arg(&plan);
        let r = run(&mut migrate);
        r.assert_code(2);
        assert!(
            r.stderr.contains("is the same file as --plan"),
            "{}",
            r.stderr
        );
        assert_eq!(
            std::fs::read_to_string(&plan).unwrap(),
            "127.0.0.1:1/a:v1 b:v1\n"
        );
    }
}
