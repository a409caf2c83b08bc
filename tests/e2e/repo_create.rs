//! `ecrctl repo create` against moto, checked through boto3.

use serde_json::{Value, json};

use crate::client::{boto3, describe_repo, ecr, repo_names_with_prefix, temp_file, unique};
use crate::harness::{ACCOUNT, REGION};

const KEEP_TEN: &str = r#"{"rules":[{"rulePriority":1,"description":"Keep last 10 images","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}]}"#;
const PULL_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#;

fn tags_of(arn: &str) -> Value {
    let out = boto3("list_tags_for_resource", json!({ "resourceArn": arn }));
    let mut map = serde_json::Map::new();
    for tag in out["tags"].as_array().unwrap() {
        map.insert(tag["Key"].as_str().unwrap().into(), tag["Value"].clone());
    }
    Value::Object(map)
}

fn scan_on_push(name: &str) -> bool {
    describe_repo(name).expect("repository exists")["imageScanningConfiguration"]["scanOnPush"]
        .as_bool()
        .unwrap()
}

#[test]
fn creates_with_every_setting_and_ecr_agrees() {
    let name = format!("{}/api", unique("full"));
    let lifecycle = temp_file("lifecycle.json", KEEP_TEN);
    let policy = temp_file("policy.json", PULL_POLICY);
    let run = ecr(&[
        "repo",
        "create",
        &name,
        "--scan-on-push",
        "--immutable",
        "--immutable-exclude",
        "dev-*",
        "--immutable-exclude",
        "test-*",
        "--encryption",
        "KMS",
        "--kms-key",
        "alias/ecr-test",
        "--lifecycle-policy",
        lifecycle.to_str().unwrap(),
        "--repository-policy",
        policy.to_str().unwrap(),
        "--tag",
        "team=platform",
        "--tag",
        "env=prod",
        "-o",
        "json",
    ]);
    run.assert_code(0);
    let report = run.json();
    let row = &report["repositories"][0];
    assert_eq!(row["status"], "created");
    assert_eq!(row["repositoryName"], name.as_str());
    assert_eq!(
        row["repositoryUri"],
        format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{name}").as_str()
    );

    let repo = describe_repo(&name).expect("repository exists");
    assert_eq!(repo["imageScanningConfiguration"]["scanOnPush"], true);
    assert_eq!(repo["imageTagMutability"], "IMMUTABLE_WITH_EXCLUSION");
    let filters: Vec<&str> = repo["imageTagMutabilityExclusionFilters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["filter"].as_str().unwrap())
        .collect();
    assert_eq!(filters, ["dev-*", "test-*"]);
    assert_eq!(repo["encryptionConfiguration"]["encryptionType"], "KMS");
    let lifecycle = boto3("get_lifecycle_policy", json!({ "repositoryName": name }));
    let text: Value =
        serde_json::from_str(lifecycle["lifecyclePolicyText"].as_str().unwrap()).unwrap();
    assert_eq!(text, serde_json::from_str::<Value>(KEEP_TEN).unwrap());
    let policy = boto3("get_repository_policy", json!({ "repositoryName": name }));
    let text: Value = serde_json::from_str(policy["policyText"].as_str().unwrap()).unwrap();
    assert_eq!(text["Statement"][0]["Sid"], "pull");
    let tags = tags_of(repo["repositoryArn"].as_str().unwrap());
    assert_eq!(tags, json!({ "team": "platform", "env": "prod" }));
}

#[test]
fn plain_immutable_and_aes256() {
    let name = unique("plain-imm");
    ecr(&[
        "repo",
        "create",
        &name,
        "--tag-mutability",
        "IMMUTABLE",
        "--encryption",
        "AES256",
    ])
    .assert_code(0);
    let repo = describe_repo(&name).unwrap();
    assert_eq!(repo["imageTagMutability"], "IMMUTABLE");
    assert_eq!(repo["encryptionConfiguration"]["encryptionType"], "AES256");
    assert_eq!(repo["imageScanningConfiguration"]["scanOnPush"], false);
}

#[test]
fn rerun_is_unchanged_and_a_changed_setting_is_updated() {
    let name = unique("converge");
    let lifecycle = temp_file("lifecycle.json", KEEP_TEN);
    let args = [
        "repo",
        "create",
        &name,
        "--tag",
        "team=a",
        "--lifecycle-policy",
        lifecycle.to_str().unwrap(),
        "-o",
        "json",
    ];
    assert_eq!(
        ecr(&args).assert_code(0).json()["repositories"][0]["status"],
        "created"
    );
    let again = ecr(&args);
    again.assert_code(0);
    assert_eq!(again.json()["repositories"][0]["status"], "unchanged");
    assert_eq!(again.json()["repositories"][0]["changes"], json!([]));

    let changed = ecr(&[
        "repo",
        "create",
        &name,
        "--scan-on-push",
        "--tag-mutability",
        "IMMUTABLE",
        "--tag",
        "team=b",
        "--lifecycle-policy",
        lifecycle.to_str().unwrap(),
        "-o",
        "json",
    ]);
    changed.assert_code(0);
    let row = &changed.json()["repositories"][0];
    assert_eq!(row["status"], "updated");
    assert_eq!(
        row["changes"],
        json!(["scanOnPush", "imageTagMutability", "tags"])
    );
    let repo = describe_repo(&name).unwrap();
    assert_eq!(repo["imageScanningConfiguration"]["scanOnPush"], true);
    assert_eq!(repo["imageTagMutability"], "IMMUTABLE");
    assert_eq!(
        tags_of(repo["repositoryArn"].as_str().unwrap())["team"],
        "b"
    );

    let table = ecr(&["repo", "create", &name, "--scan-on-push"]);
    table.assert_code(0);
    assert!(table.stdout.contains("unchanged"), "{}", table.stdout);

    let off = ecr(&[
        "repo",
        "create",
        &name,
        "--scan-on-push=false",
        "-o",
        "json",
    ]);
    assert_eq!(
        off.json()["repositories"][0]["changes"],
        json!(["scanOnPush"])
    );
    assert!(!scan_on_push(&name));
    let again = ecr(&[
        "repo",
        "create",
        &name,
        "--scan-on-push=false",
        "-o",
        "json",
    ]);
    assert_eq!(again.json()["repositories"][0]["status"], "unchanged");
}

#[test]
fn policies_are_updated_when_they_differ() {
    let name = unique("policy-change");
    let first = temp_file("p.json", KEEP_TEN);
    ecr(&[
        "repo",
        "create",
        &name,
        "--lifecycle-policy",
        first.to_str().unwrap(),
    ])
    .assert_code(0);
    let second = temp_file(
        "p.json",
        &KEEP_TEN.replace("\"countNumber\":10", "\"countNumber\":5"),
    );
    let policy = temp_file("r.json", PULL_POLICY);
    let run = ecr(&[
        "repo",
        "create",
        &name,
        "--lifecycle-policy",
        second.to_str().unwrap(),
        "--repository-policy",
        policy.to_str().unwrap(),
        "-o",
        "json",
    ]);
    run.assert_code(0);
    assert_eq!(
        run.json()["repositories"][0]["changes"],
        json!(["lifecyclePolicy", "repositoryPolicy"])
    );
    let stored = boto3("get_lifecycle_policy", json!({ "repositoryName": name }));
    assert!(
        stored["lifecyclePolicyText"]
            .as_str()
            .unwrap()
            .contains("\"countNumber\":5")
    );
}

#[test]
fn dry_run_reports_and_changes_nothing() {
    let existing = unique("dry-existing");
    ecr(&["repo", "create", &existing]).assert_code(0);
    let missing = unique("dry-missing");
    let run = ecr(&[
        "repo",
        "create",
        &existing,
        &missing,
        "--scan-on-push",
        "--dry-run",
        "-o",
        "json",
    ]);
    run.assert_code(0);
    let report = run.json();
    assert_eq!(report["dryRun"], true);
    assert_eq!(report["repositories"][0]["status"], "would-update");
    assert_eq!(report["repositories"][0]["changes"], json!(["scanOnPush"]));
    assert_eq!(report["repositories"][1]["status"], "would-create");
    assert!(describe_repo(&missing).is_none());
    assert!(!scan_on_push(&existing));
}

#[test]
fn invalid_names_exit_2_with_a_hint_and_create_nothing() {
    let good = unique("good");
    let cases = [
        ("My-App", "did you mean 'my-app'?"),
        ("a", "2-256 characters"),
        ("-app", "at the start or end"),
        ("my--app", "next to another separator"),
        ("team//app", "did you mean `team/app`?"),
        ("app_", "at the start or end"),
    ];
    for (bad, hint) in cases {
        let run = ecr(&["repo", "create", "--", &good, bad]);
        run.assert_code(2);
        assert!(
            run.stderr
                .contains(&format!("error: invalid repository name `{bad}`")),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("hint:") && run.stderr.contains(hint),
            "{bad}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty());
    }
    assert!(
        describe_repo(&good).is_none(),
        "nothing is created when one name is bad"
    );
}

#[test]
fn encryption_cannot_change_and_nothing_changes() {
    let name = unique("enc");
    ecr(&["repo", "create", &name]).assert_code(0);
    let run = ecr(&[
        "repo",
        "create",
        &name,
        "--encryption",
        "KMS",
        "--scan-on-push",
    ]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("cannot be changed to KMS after creation"),
        "{}",
        run.stderr
    );
    assert!(!scan_on_push(&name));
}

#[test]
fn bad_flags_and_documents_exit_2() {
    let name = unique("badinput");
    let broken = temp_file("broken.json", "{\"rules\": [");
    for args in [
        vec![
            "repo",
            "create",
            &name,
            "--lifecycle-policy",
            broken.to_str().unwrap(),
        ],
        vec!["repo", "create", &name, "--tag", "novalue"],
        vec![
            "repo",
            "create",
            &name,
            "--tag-mutability",
            "MUTABLE",
            "--immutable-exclude",
            "x*",
        ],
        vec![
            "repo",
            "create",
            &name,
            "--encryption",
            "AES256",
            "--kms-key",
            "k",
        ],
        vec!["repo", "create", &name, "--tag-mutability", "SOMETIMES"],
        vec![
            "repo",
            "create",
            &name,
            "--lifecycle-policy",
            "/nonexistent/policy.json",
        ],
        vec!["repo", "create"],
        vec!["repo", "create", &name, &name],
    ] {
        let run = ecr(&args);
        run.assert_code(2);
        assert!(run.stderr.contains("error:"), "{args:?}: {}", run.stderr);
    }
    assert!(describe_repo(&name).is_none());
}

fn bulk_file(prefix: &str, bad_index: Option<usize>) -> String {
    let mut text =
        String::from("[defaults]\nscanOnPush = true\ntags = { managed-by = \"ecrctl\" }\n");
    for i in 0..200 {
        let name = if Some(i) == bad_index {
            format!("{prefix}/Service-{i}")
        } else {
            format!("{prefix}/service-{i}")
        };
        text.push_str(&format!("\n[[repositories]]\nname = \"{name}\"\n"));
        if i % 2 == 0 {
            text.push_str("imageTagMutability = \"IMMUTABLE\"\n");
        }
    }
    text
}

#[test]
fn bulk_file_with_one_bad_entry_creates_nothing_then_all_200() {
    let prefix = unique("bulk");
    let bad = temp_file("repos.toml", &bulk_file(&prefix, Some(137)));
    let run = ecr(&["repo", "create", "--from-file", bad.to_str().unwrap()]);
    run.assert_code(2);
    assert!(
        run.stderr.contains(&format!("`{prefix}/Service-137`")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(&format!("did you mean '{prefix}/service-137'?")),
        "{}",
        run.stderr
    );
    assert!(repo_names_with_prefix(&format!("{prefix}/")).is_empty());

    let good = temp_file("repos.toml", &bulk_file(&prefix, None));
    let run = ecr(&[
        "repo",
        "create",
        "--from-file",
        good.to_str().unwrap(),
        "-o",
        "json",
    ]);
    run.assert_code(0);
    let rows = run.json()["repositories"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 200);
    assert!(rows.iter().all(|r| r["status"] == "created"));
    assert_eq!(repo_names_with_prefix(&format!("{prefix}/")).len(), 200);
    let repo = describe_repo(&format!("{prefix}/service-10")).unwrap();
    assert_eq!(repo["imageTagMutability"], "IMMUTABLE");
    assert_eq!(repo["imageScanningConfiguration"]["scanOnPush"], true);
    assert_eq!(
        describe_repo(&format!("{prefix}/service-11")).unwrap()["imageTagMutability"],
        "MUTABLE"
    );

    let again = ecr(&[
        "repo",
        "create",
        "--from-file",
        good.to_str().unwrap(),
        "-o",
        "json",
    ]);
    again.assert_code(0);
    assert!(
        again.json()["repositories"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "unchanged")
    );
}

#[test]
fn json_bulk_file_and_describe_repositories_output_replay() {
    let source = unique("replay-src");
    ecr(&[
        "repo",
        "create",
        &source,
        "--scan-on-push",
        "--immutable-exclude",
        "dev-*",
    ])
    .assert_code(0);
    // What `aws ecr describe-repositories` prints, renamed, recreates the same settings.
    let mut described = boto3(
        "describe_repositories",
        json!({ "repositoryNames": [source] }),
    );
    let target = unique("replay-dst");
    described["repositories"][0]["repositoryName"] = json!(target);
    let file = temp_file("repos.json", &described.to_string());
    ecr(&["repo", "create", "--from-file", file.to_str().unwrap()]).assert_code(0);
    let repo = describe_repo(&target).unwrap();
    assert_eq!(repo["imageTagMutability"], "IMMUTABLE_WITH_EXCLUSION");
    assert_eq!(repo["imageScanningConfiguration"]["scanOnPush"], true);
}

#[test]
fn repo_list_shows_what_was_made() {
    let prefix = unique("listed");
    ecr(&[
        "repo",
        "create",
        &format!("{prefix}/a"),
        &format!("{prefix}/b"),
        "--immutable",
    ])
    .assert_code(0);
    let run = ecr(&[
        "repo",
        "list",
        "--prefix",
        &format!("{prefix}/"),
        "-o",
        "json",
    ]);
    run.assert_code(0);
    let repos = run.json()["repositories"].as_array().unwrap().clone();
    let names: Vec<&str> = repos
        .iter()
        .map(|r| r["repositoryName"].as_str().unwrap())
        .collect();
    assert_eq!(names, [format!("{prefix}/a"), format!("{prefix}/b")]);
    assert_eq!(repos[0]["imageTagMutability"], "IMMUTABLE");
    let table = ecr(&["repo", "list", "--prefix", &format!("{prefix}/")]);
    table.assert_code(0);
    assert!(table.stdout.contains(&format!("{prefix}/b")) && table.stdout.contains("IMMUTABLE"));
}

#[test]
fn repo_list_json_replays_into_repo_create() {
    let prefix = unique("roundtrip");
    ecr(&[
        "repo",
        "create",
        &format!("{prefix}/src"),
        "--scan-on-push",
        "--immutable-exclude",
        "rc-*",
    ])
    .assert_code(0);
    let mut listed = ecr(&[
        "repo",
        "list",
        "--prefix",
        &format!("{prefix}/"),
        "-o",
        "json",
    ])
    .json();
    listed["repositories"][0]["repositoryName"] = json!(format!("{prefix}/copy"));
    let file = temp_file("listed.json", &listed.to_string());
    ecr(&["repo", "create", "--from-file", file.to_str().unwrap()]).assert_code(0);
    let copy = describe_repo(&format!("{prefix}/copy")).unwrap();
    assert_eq!(copy["imageTagMutability"], "IMMUTABLE_WITH_EXCLUSION");
    assert_eq!(copy["imageScanningConfiguration"]["scanOnPush"], true);
}

#[test]
fn ecr_rejections_are_reported_per_repository_with_exit_3() {
    let prefix = unique("partial");
    // Valid in shape, but ECR (and moto) reject an action without a service prefix.
    let policy = temp_file(
        "p.json",
        &PULL_POLICY.replace("ecr:BatchGetImage", "BatchGetImage"),
    );
    let ok = format!("{prefix}/ok");
    let bad = format!("{prefix}/bad");
    let run = ecr(&["repo", "create", &ok, "-o", "json"]);
    run.assert_code(0);
    let run = ecr(&[
        "repo",
        "create",
        &bad,
        &ok,
        "--tag",
        "x=1",
        "--repository-policy",
        policy.to_str().unwrap(),
        "-o",
        "json",
    ]);
    run.assert_code(3);
    let rows = run.json()["repositories"].as_array().unwrap().clone();
    // Created, only its policy failed: the row says created, names the failed setting,
    // and its settings are what ECR holds (no repository policy).
    assert_eq!(rows[0]["status"], "created");
    assert_eq!(rows[0]["failedSettings"], json!(["repositoryPolicy"]));
    let error = rows[0]["error"].as_str().unwrap();
    assert!(
        error.starts_with("created, 1 setting failed: could not update repositoryPolicy"),
        "{error}"
    );
    assert!(error.contains("InvalidParameterException"), "{error}");
    assert!(rows[0]["repositoryUri"].as_str().unwrap().ends_with(&bad));
    assert!(
        rows[0]["settings"].get("repositoryPolicy").is_none(),
        "{}",
        rows[0]
    );
    assert_eq!(rows[0]["settings"]["tags"], json!({ "x": "1" }));
    // The existing one got its tag; only the policy failed.
    assert_eq!(rows[1]["status"], "updated");
    assert_eq!(rows[1]["failedSettings"], json!(["repositoryPolicy"]));
    assert_eq!(rows[1]["settings"]["tags"], json!({ "x": "1" }));
    assert!(
        run.stderr
            .contains("error: 2 of 2 repositories failed (entirely or in part)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("hint: fix the cause and run the same command again"),
        "{}",
        run.stderr
    );
    let table = ecr(&[
        "repo",
        "create",
        &format!("{prefix}/bad2"),
        "--repository-policy",
        policy.to_str().unwrap(),
    ]);
    table.assert_code(3);
    assert!(
        table.stdout.contains("created, 1 setting failed"),
        "{}",
        table.stdout
    );
    // The repository itself exists: a fixed re-run finishes it.
    assert!(describe_repo(&bad).is_some());
    let fixed = temp_file("p.json", PULL_POLICY);
    let run = ecr(&[
        "repo",
        "create",
        &bad,
        "--repository-policy",
        fixed.to_str().unwrap(),
        "-o",
        "json",
    ]);
    run.assert_code(0);
    assert_eq!(
        run.json()["repositories"][0]["changes"],
        json!(["repositoryPolicy"])
    );
}

#[test]
fn the_report_settings_are_read_back_from_ecr() {
    // Settings made outside ecrctl (boto3) and not asked for: the report still shows them,
    // because it reads the repository back after the run.
    let name = unique("readback");
    boto3(
        "create_repository",
        json!({ "repositoryName": name, "tags": [{"Key": "owner", "Value": "ops"}] }),
    );
    boto3(
        "put_lifecycle_policy",
        json!({ "repositoryName": name, "lifecyclePolicyText": KEEP_TEN }),
    );
    let run = ecr(&["repo", "create", &name, "--tag", "team=a", "-o", "json"]);
    run.assert_code(0);
    let row = &run.json()["repositories"][0];
    assert_eq!(row["status"], "updated");
    assert_eq!(
        row["settings"]["tags"],
        json!({ "owner": "ops", "team": "a" })
    );
    assert_eq!(row["settings"]["lifecyclePolicy"], true, "{row}");
    assert!(row["settings"].get("repositoryPolicy").is_none(), "{row}");

    // A fresh repository: what ECR chose for what was not asked (its defaults).
    let fresh = unique("readback-new");
    let run = ecr(&["repo", "create", &fresh, "-o", "json"]);
    run.assert_code(0);
    let settings = &run.json()["repositories"][0]["settings"];
    let described = describe_repo(&fresh).unwrap();
    // A dry run on the existing one shows what it holds plus what would change.
    let dry = ecr(&[
        "repo",
        "create",
        &name,
        "--tag",
        "x=1",
        "--dry-run",
        "-o",
        "json",
    ]);
    dry.assert_code(0);
    let would = &dry.json()["repositories"][0];
    assert_eq!(would["status"], "would-update");
    assert_eq!(would["settings"]["lifecyclePolicy"], true, "{would}");
    assert_eq!(
        would["settings"]["tags"],
        json!({ "owner": "ops", "team": "a", "x": "1" })
    );
    assert_eq!(
        settings["imageTagMutability"],
        described["imageTagMutability"]
    );
    assert_eq!(
        settings["encryptionConfiguration"]["encryptionType"],
        described["encryptionConfiguration"]["encryptionType"]
    );
}
