//! A policy text ECR holds but that does not parse as JSON here (ECR's parser accepted a
//! lone `\ud800` escape, as moto's does) is never read as "no policy": `repo list` fails
//! closed naming the repository, `repo create` does not converge over it, and push-check
//! does not call the repository policy check ok.

use serde_json::{Value, json};

use crate::client::{boto3, ecr, unique};
use crate::login::Sandbox;

/// A deny-all repository policy whose Sid holds a lone surrogate escape.
const DENY_ALL_UNPARSABLE: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"nope\ud800","Effect":"Deny","Principal":"*","Action":"ecr:*"}]}"#;

fn repo_with_unparsable_policy(prefix: &str) -> String {
    let repo = unique(prefix);
    ecr(&["repo", "create", &repo]).assert_code(0);
    let put = boto3(
        "set_repository_policy",
        json!({"repositoryName": repo, "policyText": DENY_ALL_UNPARSABLE}),
    );
    assert!(put.get("policyText").is_some(), "{put}");
    repo
}

#[test]
fn repo_list_fails_closed_on_a_policy_it_cannot_parse() {
    let repo = repo_with_unparsable_policy("unp/list");
    let run = ecr(&["repo", "list", "--prefix", &repo, "-o", "json"]);
    run.assert_code(3);
    assert!(run.stdout.trim().is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains(&repo) && run.stderr.contains("could not be read as a policy"),
        "{}",
        run.stderr
    );
    // Without policies the listing does not need them.
    ecr(&[
        "repo", "list", "--prefix", &repo, "--with", "tags", "-o", "json",
    ])
    .assert_code(0);
}

#[test]
fn repo_create_does_not_read_an_unparsable_policy_as_none() {
    let repo = repo_with_unparsable_policy("unp/create");
    let run = ecr(&["repo", "create", &repo, "--scan-on-push", "-o", "json"]);
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("could not be read as a policy"),
        "{}",
        run.stderr
    );
}

#[test]
fn push_check_never_says_ok_over_an_unparsable_repository_policy() {
    let repo = repo_with_unparsable_policy("unp/pc");
    let sandbox = Sandbox::new();
    let mut command = sandbox.command(&["push-check", &format!("{repo}:v1"), "-o", "json"]);
    command.env("AWS_MAX_ATTEMPTS", "1");
    let run = crate::client::run(&mut command);
    let report = run.json();
    let check: Value = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "repository-policy")
        .cloned()
        .unwrap_or_else(|| panic!("no repository-policy check: {report:#}"));
    assert_ne!(check["status"], "ok", "{check:#}");
    assert!(
        check["detail"]
            .as_str()
            .unwrap()
            .contains("could not be read as a policy"),
        "{check:#}"
    );
}

#[test]
fn a_dry_run_reports_every_repository_when_one_cannot_be_read() {
    let (a, b) = (unique("unp/dry-a"), unique("unp/dry-b"));
    ecr(&["repo", "create", &a, &b]).assert_code(0);
    let proxy = crate::slow::DenyingApi::start_with(
        &crate::harness::stand_ins().moto_url,
        vec![crate::slow::Deny {
            operation: "GetRepositoryPolicy",
            repository: Some(a.clone()),
            code: "AccessDeniedException",
        }],
    );
    let mut command = crate::client::ecrctl();
    command
        .args([
            "repo",
            "create",
            &a,
            &b,
            "--scan-on-push=true",
            "--dry-run",
            "-o",
            "json",
        ])
        .env("AWS_ENDPOINT_URL", &proxy.url)
        .env("AWS_MAX_ATTEMPTS", "1");
    let run = crate::client::run(&mut command);
    run.assert_code(3);
    let report = run.json();
    let rows = report["repositories"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{report:#}");
    let row = |name: &str| rows.iter().find(|r| r["repositoryName"] == name).unwrap();
    assert!(
        row(&a)["error"]
            .as_str()
            .is_some_and(|e| e.contains("AccessDenied")),
        "{report:#}"
    );
    assert!(row(&b)["error"].is_null(), "{report:#}");
    assert_eq!(row(&b)["changes"], json!(["scanOnPush"]), "{report:#}");
    // Nothing changed.
    let described = crate::client::describe_repo(&b).unwrap();
    assert_eq!(
        described["imageScanningConfiguration"]["scanOnPush"], false,
        "{described}"
    );
}

#[test]
fn asking_for_the_managed_key_over_another_accounts_key_is_not_unchanged() {
    let repo = unique("unp/kms");
    let key = format!(
        "arn:aws:kms:{}:111122223333:key/abcd",
        crate::harness::REGION
    );
    let created = boto3(
        "create_repository",
        json!({"repositoryName": repo,
            "encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": key}}),
    );
    assert!(created.get("repository").is_some(), "{created}");
    let run = ecr(&["repo", "create", &repo, "--encryption", "KMS"]);
    run.assert_code(2);
    assert!(run.stderr.contains("111122223333"), "{}", run.stderr);
}

fn list_through(deny: crate::slow::Deny, prefix: &str) -> crate::client::Run {
    let proxy =
        crate::slow::DenyingApi::start_with(&crate::harness::stand_ins().moto_url, vec![deny]);
    let mut command = crate::client::ecrctl();
    command
        .args(["repo", "list", "--prefix", prefix, "-o", "json"])
        .env("AWS_ENDPOINT_URL", &proxy.url)
        .env("AWS_MAX_ATTEMPTS", "1");
    crate::client::run(&mut command)
}

#[test]
fn repo_list_leaves_out_a_repository_deleted_while_listing_and_never_hints_jobs() {
    let prefix = unique("unp/gone");
    let (a, b) = (format!("{prefix}/a"), format!("{prefix}/b"));
    ecr(&["repo", "create", &a, &b]).assert_code(0);
    let run = list_through(
        crate::slow::Deny {
            operation: "GetLifecyclePolicy",
            repository: Some(b.clone()),
            code: "RepositoryNotFoundException",
        },
        &prefix,
    );
    run.assert_code(0);
    let names: Vec<Value> = run.json()["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["repositoryName"].clone())
        .collect();
    assert_eq!(names, vec![json!(a)], "{}", run.stdout);
    assert!(
        run.stderr.contains("deleted while being listed"),
        "{}",
        run.stderr
    );

    let run = list_through(
        crate::slow::Deny {
            operation: "GetLifecyclePolicy",
            repository: Some(b.clone()),
            code: "ThrottlingException",
        },
        &prefix,
    );
    run.assert_code(3);
    assert!(!run.stderr.contains("--jobs"), "{}", run.stderr);
}

#[test]
fn a_listing_over_the_size_limit_hints_prefix() {
    let big = format!("[{}]", " ".repeat(17 * 1024 * 1024));
    let file = crate::client::temp_file("huge.json", &big);
    let run = ecr(&[
        "repo",
        "create",
        "--from-file",
        file.to_str().unwrap(),
        "--dry-run",
    ]);
    run.assert_code(2);
    assert!(run.stderr.contains("--prefix"), "{}", run.stderr);
}
