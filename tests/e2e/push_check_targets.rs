//! `ecrctl push-check` acting on the right target: fixes that name the image's region and
//! account, a cross-account image diagnosed as such, `--repo-settings` entries, fixes
//! offered only when they exist, and exit codes for input and access problems. Against
//! moto, the TLS registry and the docker CLI; boto3 checks what was created where.

use serde_json::{Value, json};

use crate::client::{boto3_in, check, describe_repo, ecr, temp_file, unique};
use crate::harness::{ACCOUNT, REGION, stand_ins};
use crate::login::Sandbox;

const OTHER_ACCOUNT: &str = "222222222222";

fn text(check: &Value, field: &str) -> String {
    check[field].as_str().unwrap_or_default().to_string()
}

/// DescribeRepositories in `region` (boto3): the repository, or None.
fn repo_in(region: &str, name: &str) -> Option<Value> {
    let out = boto3_in(
        region,
        "describe_repositories",
        json!({ "repositoryNames": [name] }),
    );
    out["repositories"].get(0).cloned()
}

#[test]
fn fixes_name_the_images_region_and_fix_creates_the_repository_there() {
    let sandbox = Sandbox::new();
    let repo = unique("pct/west");
    let image = format!("{ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/{repo}:v1");
    let run = sandbox.ecrctl(&["push-check", &image, "-o", "json"]);
    run.assert_code(1);
    let repository = check(&run, "repository");
    assert_eq!(repository["status"], "fail");
    let fix = text(&repository, "fix");
    assert!(
        fix.contains(&format!("`ecrctl repo create {repo} --region us-west-2`")),
        "{fix}"
    );
    // Same account as the credentials: no --registry-id.
    assert!(!fix.contains("--registry-id"), "{fix}");
    let docker = check(&run, "docker-credentials");
    assert_eq!(docker["fix"], "run `ecrctl login --region us-west-2`");
    assert!(
        run.stderr.contains("`--fix` applies the safe fixes"),
        "{}",
        run.stderr
    );

    let fixed = sandbox.ecrctl(&["push-check", &image, "--fix", "--yes", "-o", "json"]);
    fixed.assert_code(0);
    assert!(
        fixed
            .stderr
            .contains(&format!("fixed: created repository {repo} in us-west-2")),
        "{}",
        fixed.stderr
    );
    // docker's own config now holds a login for the image's registry host.
    assert!(
        sandbox.read_docker_config()["auths"]
            .get(&sandbox.registry)
            .is_some(),
        "{}",
        sandbox.read_docker_config()
    );
    // Created in the image's region, not in the configured one (boto3 says so).
    assert!(repo_in("us-west-2", &repo).is_some());
    assert!(repo_in(REGION, &repo).is_none());
    assert!(describe_repo(&repo).is_none());
}

#[test]
fn an_image_of_another_account_is_a_cross_account_push_not_create_it() {
    let sandbox = Sandbox::new();
    let repo = unique("pct/cross");
    let image = format!("{OTHER_ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repo}:v1");
    let run = sandbox.ecrctl(&["push-check", &image, "-o", "json"]);
    run.assert_code(1);
    let repository = check(&run, "repository");
    assert_eq!(repository["status"], "fail");
    let detail = text(&repository, "detail");
    assert!(
        detail.contains("cross-account") && detail.contains(ACCOUNT),
        "{detail}"
    );
    assert!(!detail.contains("does not exist: docker"), "{detail}");
    let fix = text(&repository, "fix");
    assert!(
        fix.contains("repository policy")
            && fix.contains(&format!("IAM in account {ACCOUNT}"))
            && fix.contains(&format!(
                "arn:aws:ecr:{REGION}:{OTHER_ACCOUNT}:repository/{repo}"
            )),
        "{fix}"
    );
    assert!(!fix.contains("--fix"), "{fix}");
    assert!(
        check(&run, "reference")["detail"]
            .as_str()
            .unwrap()
            .contains("cross-account"),
        "{}",
        run.stdout
    );
    assert_eq!(
        check(&run, "docker-credentials")["fix"],
        format!("run `ecrctl login --registry-id {OTHER_ACCOUNT}`")
    );
    assert!(
        !run.stderr.contains("create the repository"),
        "{}",
        run.stderr
    );
    // --fix logs docker in, but creates nothing in any account.
    let fixed = sandbox.ecrctl(&["push-check", &image, "--fix", "--yes"]);
    fixed.assert_code(1);
    assert!(
        !fixed.stderr.contains("fixed: created repository"),
        "{}",
        fixed.stderr
    );
    assert!(describe_repo(&repo).is_none());
}

#[test]
fn repo_settings_create_the_repository_with_its_entry_over_the_defaults() {
    let sandbox = Sandbox::new();
    sandbox.ecrctl(&["login"]).assert_code(0);
    let repo = unique("pct/settings");
    let key = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555");
    let file = temp_file(
        "settings.toml",
        &format!(
            r#"[defaults]
scanOnPush = true
imageTagMutability = "MUTABLE"
tags = {{ team = "platform" }}

[[repositories]]
name = "pct/someone-else"
imageTagMutability = "MUTABLE"

[[repositories]]
name = "{repo}"
imageTagMutability = "IMMUTABLE"
encryptionConfiguration = {{ encryptionType = "KMS", kmsKey = "{key}" }}
lifecyclePolicy = '{{"rules":[{{"rulePriority":1,"selection":{{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14}},"action":{{"type":"expire"}}}}]}}'
"#
        ),
    );
    let fixed = sandbox.ecrctl(&[
        "push-check",
        &format!("{repo}:v1"),
        "--fix",
        "--yes",
        "--repo-settings",
        file.to_str().unwrap(),
    ]);
    fixed.assert_code(0);
    let created = describe_repo(&repo).expect("created");
    assert_eq!(created["imageTagMutability"], "IMMUTABLE", "{created}");
    assert_eq!(
        created["imageScanningConfiguration"]["scanOnPush"], true,
        "{created}"
    );
    assert_eq!(
        created["encryptionConfiguration"],
        json!({ "encryptionType": "KMS", "kmsKey": key }),
        "{created}"
    );
    let policy = boto3_in(
        REGION,
        "get_lifecycle_policy",
        json!({ "repositoryName": repo }),
    );
    assert!(
        policy["lifecyclePolicyText"]
            .as_str()
            .is_some_and(|t| t.contains("sinceImagePushed")),
        "{policy}"
    );
    let tags = boto3_in(
        REGION,
        "list_tags_for_resource",
        json!({ "resourceArn": created["repositoryArn"] }),
    );
    assert_eq!(
        tags["tags"],
        json!([{ "Key": "team", "Value": "platform" }])
    );
}

#[test]
fn repo_settings_with_only_defaults_is_accepted_and_a_bad_file_changes_nothing() {
    let sandbox = Sandbox::new();
    sandbox.ecrctl(&["login"]).assert_code(0);
    let repo = unique("pct/defaults");
    let defaults = temp_file(
        "defaults.toml",
        "[defaults]\nscanOnPush = true\nimageTagMutability = \"IMMUTABLE\"\n",
    );
    let bad = temp_file("bad.toml", "[defaults]\nscanOnPush = \"yes please\"\n");
    let args = |file: &std::path::Path| {
        vec![
            "push-check".to_string(),
            format!("{repo}:v1"),
            "--fix".into(),
            "--yes".into(),
            "--repo-settings".into(),
            file.display().to_string(),
        ]
    };
    // Without --fix there is nothing to create: the flag alone is a usage mistake.
    sandbox
        .ecrctl(&[
            "push-check",
            &format!("{repo}:v1"),
            "--repo-settings",
            defaults.to_str().unwrap(),
        ])
        .assert_code(2);
    let refused = sandbox.ecrctl(&args(&bad).iter().map(String::as_str).collect::<Vec<_>>());
    refused.assert_code(2);
    assert!(refused.stderr.contains("bad.toml"), "{}", refused.stderr);
    assert!(describe_repo(&repo).is_none());
    sandbox
        .ecrctl(
            &args(&defaults)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        )
        .assert_code(0);
    let created = describe_repo(&repo).expect("created");
    assert_eq!(created["imageTagMutability"], "IMMUTABLE", "{created}");
    assert_eq!(
        created["imageScanningConfiguration"]["scanOnPush"], true,
        "{created}"
    );
    // Once it exists, the file is not applied, and the run says so.
    let again = sandbox.ecrctl(
        &args(&defaults)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    again.assert_code(0);
    assert!(
        again
            .stderr
            .contains("--repo-settings only applies to a repository --fix creates"),
        "{}",
        again.stderr
    );
}

#[test]
fn a_broken_credential_store_is_not_fixed_with_docker_login() {
    let sandbox = Sandbox::new();
    let repo = unique("pct/desktop");
    ecr(&["repo", "create", &repo, "--scan-on-push"]).assert_code(0);
    // Docker Desktop's store answering every call with its stub error.
    sandbox.shim(
        "docker-credential-desktop",
        "#!/bin/sh\necho 'The stub received bad data.'\nexit 1\n",
    );
    sandbox.write_docker_config(&json!({ "credsStore": "desktop" }));
    let image = format!("{repo}:v1");
    let run = sandbox.ecrctl(&["push-check", &image, "-o", "json"]);
    run.assert_code(1);
    let docker = check(&run, "docker-credentials");
    assert!(text(&docker, "detail").contains("is broken"), "{docker}");
    let fix = text(&docker, "fix");
    assert!(
        fix.contains("--install-helper") && fix.contains("--no-creds-store"),
        "{fix}"
    );
    assert!(!run.stderr.contains("--fix"), "{}", run.stderr);
    let fixed = sandbox.ecrctl(&["push-check", &image, "--fix", "--yes"]);
    fixed.assert_code(1);
    assert!(
        !fixed.stderr.contains("logged docker in") && !fixed.stderr.contains("docker login"),
        "{}",
        fixed.stderr
    );
    assert!(
        fixed
            .stderr
            .contains("none of the failing checks has a fix --fix can apply"),
        "{}",
        fixed.stderr
    );
    // The config still names the store it had: nothing was run against it.
    assert_eq!(sandbox.read_docker_config()["credsStore"], "desktop");
}

#[test]
fn a_registry_tls_failure_points_at_docker_and_podman_cert_folders() {
    let sandbox = Sandbox::new();
    let repo = unique("pct/tls");
    ecr(&["repo", "create", &repo, "--scan-on-push"]).assert_code(0);
    let empty = sandbox.dir.join("no-certs");
    std::fs::create_dir_all(&empty).unwrap();
    let mut command = sandbox.command(&["push-check", &format!("{repo}:v1"), "-o", "json"]);
    command.env("ECRCTL_DOCKER_CERTS_D", &empty);
    let run = crate::client::run(&mut command);
    run.assert_code(1);
    let host = check(&run, "registry-host");
    assert_eq!(host["status"], "fail", "{host}");
    let fix = text(&host, "fix");
    assert!(
        fix.contains(&format!(
            "/etc/containers/certs.d/{}/ca.crt",
            sandbox.registry
        )) && fix.contains("/etc/docker/certs.d/"),
        "{fix}"
    );
}

#[test]
fn an_unknown_region_is_named_in_the_hint() {
    let sandbox = Sandbox::new();
    let image = format!("{ACCOUNT}.dkr.ecr.us-weast-1.amazonaws.com/pct/region:v1");
    let run = sandbox.ecrctl(&["push-check", &image, "-o", "json"]);
    let reference = check(&run, "reference");
    assert_eq!(reference["status"], "warn", "{reference}");
    let fix = text(&reference, "fix");
    assert!(
        fix.contains("`us-weast-1`") && fix.contains("did you mean us-west-1?"),
        "{fix}"
    );
    // What failed against that region (moto: DescribeRepositories; AWS: the token
    // request) says which region it was, in its fix and in the verdict's hint.
    run.assert_code(1);
    let failed: Vec<Value> = run.json()["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .cloned()
        .collect();
    assert!(
        failed
            .iter()
            .any(|c| text(c, "fix").contains("`us-weast-1` is not an AWS region")),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("`us-weast-1`"), "{}", run.stderr);
}

#[test]
fn no_credentials_is_exit_3_and_a_malformed_reference_exit_2() {
    let s = stand_ins();
    let mut command = crate::client::bare_ecrctl(s);
    command
        .env("AWS_ENDPOINT_URL", &s.moto_url)
        .env("AWS_REGION", REGION)
        .args(["push-check", "pct/nocreds:v1", "-o", "json"]);
    let run = crate::client::run(&mut command);
    run.assert_code(3);
    assert_eq!(check(&run, "aws-credentials")["status"], "fail");
    assert!(run.stderr.contains("no AWS credentials"), "{}", run.stderr);

    for (reference, says) in [
        ("pct/app:v1:extra", "invalid repository name"),
        ("Team/My-App:v1", "did you mean 'team/my-app'?"),
        ("pct/app:-v1", "is not a valid tag"),
        ("docker.io/library/app:v1", "is not an ECR registry host"),
    ] {
        let run = ecr(&["push-check", reference]);
        run.assert_code(2);
        assert!(run.stderr.contains(says), "{reference}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{reference}: {}", run.stdout);
    }
}

#[test]
fn an_empty_layer_list_is_refused_not_ok() {
    for (name, contents) in [
        ("empty.json", "[]"),
        ("manifest.json", r#"{"schemaVersion":2,"layers":[]}"#),
    ] {
        let file = temp_file(name, contents);
        let run = ecr(&[
            "push-check",
            "pct/layers:v1",
            "--layer-sizes",
            file.to_str().unwrap(),
        ]);
        run.assert_code(2);
        assert!(run.stderr.contains("lists no layers"), "{}", run.stderr);
    }
}

#[test]
fn throttled_reads_are_skipped_with_the_reason_never_ok() {
    use crate::slow::{Deny, DenyingApi};
    let sandbox = Sandbox::new();
    let repo = unique("pct/throttled");
    ecr(&["repo", "create", &repo, "--scan-on-push"]).assert_code(0);
    sandbox.ecrctl(&["login"]).assert_code(0);
    let throttle = |operation| Deny {
        operation,
        repository: None,
        code: "ThrottlingException",
    };
    let proxy = DenyingApi::start_with(
        &stand_ins().moto_url,
        vec![
            throttle("DescribeImages"),
            throttle("GetRepositoryPolicy"),
            throttle("GetLifecyclePolicy"),
        ],
    );
    let mut command = sandbox.command(&["push-check", &format!("{repo}:v1"), "-o", "json"]);
    command
        .env("AWS_ENDPOINT_URL", &proxy.url)
        .env("AWS_MAX_ATTEMPTS", "1");
    let run = crate::client::run(&mut command);
    for id in ["tag-immutability", "repository-policy", "lifecycle-policy"] {
        let c = check(&run, id);
        assert_eq!(c["status"], "skipped", "{id}: {c}");
        let detail = text(&c, "detail");
        assert!(detail.contains("Throttling"), "{id}: {detail}");
        assert!(
            !detail.contains("is new") && !detail.starts_with("no "),
            "{id}: {detail}"
        );
    }

    // The repository itself unreadable: its check fails with the reason, and the checks
    // that needed it say it could not be read (not "no repository").
    let denied = DenyingApi::start(&stand_ins().moto_url, &["DescribeRepositories"]);
    let mut command = sandbox.command(&["push-check", &format!("{repo}:v1"), "-o", "json"]);
    command
        .env("AWS_ENDPOINT_URL", &denied.url)
        .env("AWS_MAX_ATTEMPTS", "1");
    let run = crate::client::run(&mut command);
    let repository = check(&run, "repository");
    assert_eq!(repository["status"], "fail");
    assert!(
        text(&repository, "detail").contains("AccessDenied"),
        "{repository}"
    );
    assert!(
        repository
            .get("fix")
            .is_none_or(|f| !f.as_str().unwrap_or_default().contains("--fix"))
    );
    for id in ["tag-immutability", "lifecycle-policy", "scan-on-push"] {
        assert_eq!(
            check(&run, id)["detail"],
            "the repository could not be read",
            "{}",
            run.stdout
        );
    }
}

#[test]
fn no_registry_token_means_the_checks_could_not_run() {
    let sandbox = Sandbox::new();
    let proxy = crate::slow::DenyingApi::start(&stand_ins().moto_url, &["GetAuthorizationToken"]);
    let mut command = sandbox.command(&["push-check", "pct/notoken:v1", "-o", "json"]);
    command
        .env("AWS_ENDPOINT_URL", &proxy.url)
        .env("AWS_MAX_ATTEMPTS", "1");
    let run = crate::client::run(&mut command);
    run.assert_code(3);
    let credentials = check(&run, "aws-credentials");
    assert_eq!(credentials["status"], "fail");
    assert!(
        text(&credentials, "detail").contains("AccessDenied"),
        "{credentials}"
    );
    assert_eq!(check(&run, "repository")["status"], "skipped");
    assert!(
        !run.stderr.contains("the push would fail"),
        "{}",
        run.stderr
    );
}

#[test]
fn another_accounts_repository_needs_a_repository_policy_for_the_caller() {
    let sandbox = Sandbox::new();
    let repo = unique("pct/theirs");
    let created = boto3_in(
        REGION,
        "create_repository",
        json!({ "repositoryName": repo, "registryId": OTHER_ACCOUNT }),
    );
    assert!(created.get("error").is_none(), "{created}");
    let image = format!("{OTHER_ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repo}:v1");
    let run = sandbox.ecrctl(&["push-check", &image, "-o", "json"]);
    let repository = check(&run, "repository");
    assert_eq!(repository["status"], "ok", "{repository}");
    assert!(
        text(&repository, "detail").contains(&format!("pushing from account {ACCOUNT}")),
        "{repository}"
    );
    let policy = check(&run, "repository-policy");
    assert_eq!(policy["status"], "fail", "{policy}");
    let detail = text(&policy, "detail");
    assert!(
        detail.contains("no repository policy") && detail.contains(ACCOUNT),
        "{policy}"
    );
    assert!(
        check(&run, "scan-on-push")["fix"]
            .as_str()
            .unwrap()
            .ends_with(&format!("--registry-id {OTHER_ACCOUNT}")),
        "{}",
        run.stdout
    );
    run.assert_code(1);
}

#[test]
fn without_sts_another_accounts_missing_repository_is_not_created() {
    let sandbox = Sandbox::new();
    let repo = unique("pct/nosts");
    let image = format!("{OTHER_ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repo}:v1");
    let nosts = |args: &[&str]| {
        let mut command = sandbox.command(args);
        command
            .env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")
            .env("AWS_MAX_ATTEMPTS", "1");
        crate::client::run(&mut command)
    };
    let run = nosts(&["push-check", &image, "-o", "json"]);
    run.assert_code(1);
    let repository = check(&run, "repository");
    assert_eq!(repository["status"], "fail");
    let detail = text(&repository, "detail");
    assert!(detail.contains("may be a cross-account push"), "{detail}");
    assert!(!text(&repository, "fix").contains("--fix"), "{repository}");
    assert!(
        !run.stderr.contains("create the repository"),
        "{}",
        run.stderr
    );
    let fixed = nosts(&["push-check", &image, "--fix", "--yes"]);
    assert!(
        !fixed.stderr.contains("fixed: created repository"),
        "{}",
        fixed.stderr
    );
    let theirs = boto3_in(
        REGION,
        "describe_repositories",
        json!({ "repositoryNames": [repo], "registryId": OTHER_ACCOUNT }),
    );
    assert!(theirs["repositories"].get(0).is_none(), "{theirs}");
}

#[test]
fn a_repository_policy_with_a_key_given_twice_is_not_ok() {
    let sandbox = Sandbox::new();
    let repo = unique("pct/dupkey");
    ecr(&["repo", "create", &repo, "--scan-on-push"]).assert_code(0);
    // serde_json alone would keep the last `Effect` (Allow): the Deny vanishes.
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoPush","Effect":"Deny","Principal":"*","Action":"ecr:PutImage","Effect":"Allow"}]}"#;
    let set = boto3_in(
        REGION,
        "set_repository_policy",
        json!({ "repositoryName": repo, "policyText": policy }),
    );
    assert!(set.get("error").is_none(), "{set}");
    let run = sandbox.ecrctl(&["push-check", &format!("{repo}:v1"), "-o", "json"]);
    let c = check(&run, "repository-policy");
    assert_eq!(c["status"], "warn", "{c}");
    assert!(text(&c, "detail").contains("given twice"), "{c}");
}

#[test]
fn fix_json_shows_the_state_after_an_applied_fix_and_skips_a_login_that_cannot_work() {
    let sandbox = Sandbox::new();
    let repo = unique("pct/fixjson");
    let run = sandbox.ecrctl(&[
        "--registry-endpoint",
        "ecr.nonexistent.invalid",
        "push-check",
        &format!("{repo}:v1"),
        "--fix",
        "--yes",
        "-o",
        "json",
    ]);
    assert!(
        run.stderr.contains("fixed: created repository"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("not logging docker in"),
        "{}",
        run.stderr
    );
    // The last document on stdout is the check after the fixes: the repository exists.
    let last = serde_json::Deserializer::from_str(&run.stdout)
        .into_iter::<Value>()
        .last()
        .expect("a JSON document")
        .expect("JSON");
    let repository = last["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "repository")
        .cloned()
        .unwrap();
    assert_eq!(repository["status"], "ok", "{}", run.stdout);
    assert!(describe_repo(&repo).is_some());
}
