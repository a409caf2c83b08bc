//! Snapshots (insta) of what users read, from the real binary: tables, JSON documents and
//! error blocks of every command the suite runs. Ports, temp paths, digests, times and
//! durations are filtered; snapshots live in tests/e2e/snapshots/ (docs/testing.md says
//! how to review and accept them).

use serde_json::json;

use crate::client::{Run, bare_ecrctl, ecr, ecrctl, put_image, run, temp_file};
use crate::harness::{ACCOUNT, stand_ins};
use crate::images::{Registry, seed_image};
use crate::lifecycle::POLICY;
use crate::login::Sandbox;

/// Escapes a literal for a regex filter.
fn literal(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$' | '\\' => {
                format!("\\{c}")
            }
            c => c.to_string(),
        })
        .collect()
}

/// Runs `check` with the filters every snapshot here needs.
fn filtered(check: impl FnOnce()) {
    let s = stand_ins();
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.add_filter(&literal(&s.root.display().to_string()), "[ROOT]");
    // Temp folders are numbered in the order tests happen to run.
    settings.add_filter(r"\[ROOT\]/files/[^/]+/", "[TEMP]/");
    settings.add_filter(r"(127\.0\.0\.1|localhost):\d+", "$1:[PORT]");
    settings.add_filter(r"sha256:[0-9a-f]{64}", "sha256:[DIGEST]");
    settings.add_filter(r"sha256:[0-9a-f]{12}\b", "sha256:[SHORT]");
    settings.add_filter(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})",
        "[TIME]",
    );
    settings.add_filter(r#""secondsLeft": -?\d+"#, r#""secondsLeft": "[SECONDS]""#);
    settings.add_filter(r"\b\d+(\.\d+)?(ms|s)\b", "[DURATION]");
    settings.bind(check);
}

/// Exit code, stdout and stderr of one run, as one snapshot.
fn transcript(run: &Run) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        run.code, run.stdout, run.stderr
    )
}

const IMAGES: &str = r#"{"imageDetails":[
 {"imageDigest":"sha256:aaaa","imageTags":["alpha-1","beta-1"],"imagePushedAt":"2026-01-06T00:00:00+00:00","imageSizeInBytes":1073741824},
 {"imageDigest":"sha256:bbbb","imagePushedAt":"2026-01-07T00:00:00Z","imageSizeInBytes":1073741824},
 {"imageDigest":"sha256:cccc","imageTags":["alpha-2"],"imagePushedAt":1767830400,"imageSizeInBytes":10},
 {"imageDigest":"sha256:dddd","imageTags":["prod-1"],"imagePushedAt":"2026-01-09T00:00:00Z","imageSizeInBytes":10},
 {"imageDigest":"sha256:eeee","imagePushedAt":1767916800.0,"imageSizeInBytes":10}]}"#;

fn preview(extra: &[&str]) -> Run {
    let images = temp_file("images.json", IMAGES);
    let policy = temp_file("policy.json", POLICY);
    let mut args = vec![
        "lifecycle",
        "preview",
        "--images",
        images.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--now",
        "2026-01-10T00:00:00Z",
    ];
    args.extend_from_slice(extra);
    ecr(&args)
}

#[test]
fn lifecycle_preview() {
    filtered(|| {
        insta::assert_snapshot!("lifecycle_preview_table", transcript(&preview(&[])));
        insta::assert_snapshot!(
            "lifecycle_preview_json",
            transcript(&preview(&["-o", "json"]))
        );
        insta::assert_snapshot!(
            "lifecycle_preview_protected",
            transcript(&preview(&["--protect", "prod-*"]))
        );
        insta::assert_snapshot!(
            "lifecycle_preview_explain_json",
            transcript(&preview(&["--explain", "sha256:aaaa", "-o", "json"]))
        );
    });
}

const KEEP_TWO: &str = r#"{"rules":[
 {"rulePriority":1,"selection":{"tagStatus":"tagged","tagPatternList":["prod*"],"countType":"imageCountMoreThan","countNumber":50},"action":{"type":"expire"}},
 {"rulePriority":2,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}]}"#;

#[test]
fn lifecycle_against_moto() {
    let policy = temp_file("keep-two.json", KEEP_TWO);
    ecr(&[
        "repo",
        "create",
        "snaplc/app",
        "--lifecycle-policy",
        policy.to_str().unwrap(),
    ])
    .assert_code(0);
    ecr(&["repo", "create", "snaplc/bare"]).assert_code(0);
    // moto records push times to the second: a second apart, the order is fixed.
    for (i, (tag, seed)) in [
        ("v1", "snap-one"),
        ("prod-1", "snap-two"),
        ("v2", "snap-three"),
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            std::thread::sleep(std::time::Duration::from_millis(1050));
        }
        put_image("snaplc/app", Some(tag), seed);
    }
    let changed = temp_file(
        "keep-three.json",
        &KEEP_TWO.replace("\"countNumber\":2", "\"countNumber\":3"),
    );
    filtered(|| {
        let all = |extra: &[&str]| {
            let mut args = vec![
                "lifecycle",
                "preview",
                "--all-repositories",
                "--repository-prefix",
                "snaplc/",
            ];
            args.extend_from_slice(extra);
            transcript(&ecr(&args))
        };
        insta::assert_snapshot!("lifecycle_all_repositories_table", all(&[]));
        insta::assert_snapshot!("lifecycle_all_repositories_json", all(&["-o", "json"]));
        // The policy diff (stderr) shows context around the change.
        let apply = ecr(&[
            "lifecycle",
            "apply",
            "--repository",
            "snaplc/app",
            "--policy",
            changed.to_str().unwrap(),
            "--dry-run",
            "-o",
            "json",
        ]);
        insta::assert_snapshot!("lifecycle_apply_dry_run_json", transcript(&apply));
    });
}

#[test]
fn lifecycle_lint() {
    let good = temp_file("policy.json", POLICY);
    let bad = temp_file(
        "bad.json",
        r#"{"rules":[{"rulePriority":0,"selection":{"tagStatus":"tagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"delete"}}]}"#,
    );
    filtered(|| {
        let lint = |path: &std::path::Path, extra: &[&str]| {
            let mut args = vec!["lifecycle", "lint", "--policy", path.to_str().unwrap()];
            args.extend_from_slice(extra);
            transcript(&ecr(&args))
        };
        insta::assert_snapshot!("lifecycle_lint_valid", lint(&good, &[]));
        insta::assert_snapshot!("lifecycle_lint_valid_json", lint(&good, &["-o", "json"]));
        insta::assert_snapshot!("lifecycle_lint_problems", lint(&bad, &[]));
        insta::assert_snapshot!("lifecycle_lint_problems_json", lint(&bad, &["-o", "json"]));
    });
}

fn findings_file() -> std::path::PathBuf {
    temp_file(
        "basic.json",
        &json!({
            "registryId": ACCOUNT, "repositoryName": "team/api",
            "imageId": { "imageDigest": format!("sha256:{}", "1".repeat(64)), "imageTag": "v1" },
            "imageScanStatus": { "status": "COMPLETE", "description": "The scan was completed successfully." },
            "imageScanFindings": {
                "findings": [
                    { "name": "CVE-2025-1000", "uri": "https://security-tracker.debian.org/tracker/CVE-2025-1000", "severity": "CRITICAL",
                      "attributes": [{ "key": "package_name", "value": "glibc" }, { "key": "package_version", "value": "2.36" }] },
                    { "name": "CVE-2025-2000", "severity": "MEDIUM", "attributes": [{ "key": "package_name", "value": "curl" }] },
                    { "name": "CVE-2025-3000", "severity": "UNDEFINED", "attributes": [] }
                ]
            }
        })
        .to_string(),
    )
}

#[test]
fn scan_gate() {
    let findings = findings_file();
    let ignore = temp_file(
        "i.toml",
        "[[ignore]]\nid = \"CVE-2025-2000\"\nreason = \"accepted risk\"\n",
    );
    filtered(|| {
        let gate = |extra: &[&str]| {
            let mut args = vec![
                "scan",
                "gate",
                "--findings",
                findings.to_str().unwrap(),
                "--ignore-file",
                ignore.to_str().unwrap(),
            ];
            args.extend_from_slice(extra);
            transcript(&ecr(&args))
        };
        insta::assert_snapshot!("scan_gate_fail_table", gate(&["--fail-on", "high"]));
        insta::assert_snapshot!(
            "scan_gate_fail_json",
            gate(&["--fail-on", "high", "-o", "json"])
        );
        insta::assert_snapshot!(
            "scan_gate_pass_table",
            gate(&[
                "--unknown-severity-as",
                "medium",
                "--fail-on",
                "none",
                "--max-critical",
                "1"
            ])
        );
    });
}

#[test]
fn repo_create_and_list() {
    // Names only this test uses: tests share one moto.
    let names = ["snap/api", "snap/web"];
    filtered(|| {
        let created = ecr(&[
            "repo",
            "create",
            names[0],
            names[1],
            "--scan-on-push",
            "--immutable",
            "--immutable-exclude",
            "rc-*",
            "--tag",
            "team=core",
        ]);
        insta::assert_snapshot!("repo_create_table", transcript(&created));
        let again = ecr(&[
            "repo",
            "create",
            names[0],
            "--scan-on-push=false",
            "-o",
            "json",
        ]);
        insta::assert_snapshot!("repo_create_update_json", transcript(&again));
        let dry = ecr(&["repo", "create", "snap/new", "--dry-run", "-o", "json"]);
        insta::assert_snapshot!("repo_create_dry_run_json", transcript(&dry));
        let list = |extra: &[&str]| {
            let mut args = vec!["repo", "list", "--prefix", "snap/"];
            args.extend_from_slice(extra);
            transcript(&ecr(&args))
        };
        insta::assert_snapshot!("repo_list_table", list(&[]));
        insta::assert_snapshot!("repo_list_json", list(&["-o", "json"]));
    });
}

#[test]
fn login_and_status() {
    let sandbox = Sandbox::new();
    filtered(|| {
        let login = sandbox.ecrctl(&["login", "-o", "json"]);
        insta::assert_snapshot!("login_json", transcript(&login));
        let again = sandbox.ecrctl(&["login"]);
        insta::assert_snapshot!("login_table", transcript(&again));
        // moto's tokens expired in 2015: the status says so and exits 1.
        let status = sandbox.ecrctl(&["login", "status", "-o", "json"]);
        insta::assert_snapshot!("login_status_json", transcript(&status));
    });
}

#[test]
fn push_check() {
    let sandbox = Sandbox::new();
    filtered(|| {
        // No such repository and docker not logged in: two failing checks.
        let run = sandbox.ecrctl(&["push-check", "snap/missing:v1", "-o", "json"]);
        insta::assert_snapshot!("push_check_fail_json", transcript(&run));
    });
}

#[test]
fn migrate() {
    let s = stand_ins();
    seed_image(Registry::Plain, "snapmig/src", "v1", "snapmig");
    let plan = temp_file(
        "plan.txt",
        &format!("{}/snapmig/src:v1 snapmig/dst:v1\n", s.plain_registry),
    );
    let migrate = |extra: &[&str]| {
        let mut command = ecrctl();
        command
            .args(["migrate", "--plan", plan.to_str().unwrap()])
            .args(["--plain-http", &s.plain_registry])
            .args(["--ca-cert", s.ca_cert.to_str().unwrap()])
            .args(["--registry-endpoint", &s.registry])
            .args([
                "--journal",
                plan.with_extension("journal").to_str().unwrap(),
            ])
            .args(extra);
        run(&mut command)
    };
    let report = plan.with_extension("report.json");
    filtered(|| {
        insta::assert_snapshot!(
            "migrate_dry_run_json",
            transcript(&migrate(&["--dry-run", "-o", "json"]))
        );
        let copied = migrate(&["-o", "json", "--report", report.to_str().unwrap()]);
        insta::assert_snapshot!("migrate_json", transcript(&copied));
        let file = std::fs::read_to_string(&report).unwrap();
        assert_eq!(
            file.trim_end(),
            copied.stdout.trim_end(),
            "--report = stdout"
        );
        insta::assert_snapshot!("migrate_again_table", transcript(&migrate(&[])));
    });
}

#[test]
fn error_blocks() {
    let s = stand_ins();
    filtered(|| {
        insta::assert_snapshot!(
            "error_bad_flag_value",
            transcript(&ecr(&["repo", "list", "-o", "yaml"]))
        );
        insta::assert_snapshot!(
            "error_bad_repository_name",
            transcript(&ecr(&["repo", "create", "My-App"]))
        );
        insta::assert_snapshot!(
            "error_missing_region",
            transcript(&run(bare_ecrctl(s)
                .env("AWS_ACCESS_KEY_ID", "test")
                .env("AWS_SECRET_ACCESS_KEY", "test")
                .args(["repo", "list"])))
        );
        insta::assert_snapshot!(
            "error_unknown_profile",
            transcript(&run(bare_ecrctl(s).args([
                "--profile",
                "nope",
                "--region",
                "us-east-1",
                "repo",
                "list"
            ])))
        );
        let newer = temp_file(
            "repos.json",
            r#"{"schemaVersion": 2, "repositories": [{"repositoryName": "snap/newer"}]}"#,
        );
        insta::assert_snapshot!(
            "error_newer_schema_version",
            transcript(&ecr(&[
                "repo",
                "create",
                "--from-file",
                newer.to_str().unwrap()
            ]))
        );
        insta::assert_snapshot!(
            "error_missing_file",
            transcript(&ecr(&[
                "lifecycle",
                "lint",
                "--policy",
                "/nonexistent/policy.json"
            ]))
        );
    });
}
