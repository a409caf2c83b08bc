//! `repo list -o json` → `repo create --from-file` in another region reproduces every
//! setting (the README's example, run verbatim), KMS keys of the source region are refused
//! or mapped, and `repo list --with` fetches policies and tags only when asked.

use std::process::Command;

use serde_json::{Value, json};

use crate::client::{boto3_in, ecrctl, run, temp_file, unique};

const KEEP_TEN: &str = r#"{"rules":[{"rulePriority":1,"description":"Keep last 10 images","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}]}"#;
const PULL_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#;

/// Everything boto3 (an independent client) sees of one repository in `region`.
fn settings_in(region: &str, name: &str) -> Value {
    let described = boto3_in(
        region,
        "describe_repositories",
        json!({ "repositoryNames": [name] }),
    );
    let repo = described["repositories"][0].clone();
    assert!(repo.is_object(), "{name} in {region}: {described}");
    let filters: Vec<Value> = repo["imageTagMutabilityExclusionFilters"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| f["filter"].clone())
        .collect();
    let lifecycle = boto3_in(
        region,
        "get_lifecycle_policy",
        json!({ "repositoryName": name }),
    );
    let policy = boto3_in(
        region,
        "get_repository_policy",
        json!({ "repositoryName": name }),
    );
    let parse = |v: &Value| {
        v.as_str()
            .map(|t| serde_json::from_str::<Value>(t).unwrap())
            .unwrap_or(Value::Null)
    };
    let tags = boto3_in(
        region,
        "list_tags_for_resource",
        json!({ "resourceArn": repo["repositoryArn"] }),
    );
    let mut tag_map = serde_json::Map::new();
    for tag in tags["tags"].as_array().unwrap() {
        tag_map.insert(tag["Key"].as_str().unwrap().into(), tag["Value"].clone());
    }
    json!({
        "scanOnPush": repo["imageScanningConfiguration"]["scanOnPush"],
        "imageTagMutability": repo["imageTagMutability"],
        "exclusions": filters,
        "encryptionType": repo["encryptionConfiguration"]["encryptionType"],
        "lifecyclePolicy": parse(&lifecycle["lifecyclePolicyText"]),
        "repositoryPolicy": parse(&policy["policyText"]),
        "tags": tag_map,
    })
}

/// Creates, with boto3 in `region`, a repository with every setting ECR has.
fn create_full(region: &str, name: &str, mutability: &str, exclusion: &str, encryption: Value) {
    let created = boto3_in(
        region,
        "create_repository",
        json!({
            "repositoryName": name,
            "imageTagMutability": mutability,
            "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": exclusion}],
            "imageScanningConfiguration": {"scanOnPush": true},
            "encryptionConfiguration": encryption,
            "tags": [{"Key": "team", "Value": "core"}, {"Key": "env", "Value": "prod"}],
        }),
    );
    assert!(created.get("repository").is_some(), "{created}");
    boto3_in(
        region,
        "put_lifecycle_policy",
        json!({ "repositoryName": name, "lifecyclePolicyText": KEEP_TEN }),
    );
    boto3_in(
        region,
        "set_repository_policy",
        json!({ "repositoryName": name, "policyText": PULL_POLICY }),
    );
}

/// The two lines of the README under "Copy every repository's settings into another region".
fn readme_copy_example() -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("# Copy every repository's settings into another region"))
        .expect("the README has the copy example");
    lines[at + 1..]
        .iter()
        .take_while(|l| l.starts_with("ecrctl "))
        .map(|l| l.to_string())
        .collect()
}

#[test]
fn the_readme_copy_example_reproduces_every_setting_in_another_region() {
    // A source region only this test uses, so "every repository" is this test's.
    const SOURCE: &str = "eu-north-1";
    let example = readme_copy_example();
    assert_eq!(example.len(), 2, "{example:?}");
    let target = example[1]
        .split_whitespace()
        .skip_while(|w| *w != "--region")
        .nth(1)
        .expect("the example names a --region")
        .to_string();
    let prefix = unique("copy");
    let immutable = format!("{prefix}/api");
    let mutable = format!("{prefix}/web");
    create_full(
        SOURCE,
        &immutable,
        "IMMUTABLE_WITH_EXCLUSION",
        "dev-*",
        json!({"encryptionType": "AES256"}),
    );
    create_full(
        SOURCE,
        &mutable,
        "MUTABLE_WITH_EXCLUSION",
        "release-*",
        json!({"encryptionType": "AES256"}),
    );

    let dir = tempfile::tempdir().unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_ecrctl"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut base = ecrctl();
    base.env("AWS_REGION", SOURCE).env("PATH", path);
    let mut shell = Command::new("sh");
    shell.env_clear();
    for (key, value) in base.get_envs() {
        if let Some(value) = value {
            shell.env(key, value);
        }
    }
    shell
        .current_dir(dir.path())
        .args(["-ec", &example.join("\n")]);
    let out = run(&mut shell);
    out.assert_code(0);

    for name in [&immutable, &mutable] {
        let source = settings_in(SOURCE, name);
        let copy = settings_in(&target, name);
        assert_eq!(copy, source, "{name} in {target}");
    }
    let copied = settings_in(&target, &mutable);
    assert_eq!(copied["imageTagMutability"], "MUTABLE_WITH_EXCLUSION");
    assert_eq!(copied["encryptionType"], "AES256");
    assert_eq!(copied["tags"], json!({"team": "core", "env": "prod"}));
    assert_eq!(
        copied["lifecyclePolicy"],
        serde_json::from_str::<Value>(KEEP_TEN).unwrap()
    );
    assert_eq!(copied["repositoryPolicy"]["Statement"][0]["Sid"], "pull");
}

fn ecrctl_in(region: &str, args: &[&str]) -> crate::client::Run {
    run(ecrctl().env("AWS_REGION", region).args(args))
}

#[test]
fn a_kms_key_of_the_source_region_is_refused_or_mapped() {
    const SOURCE: &str = "ca-central-1";
    const TARGET: &str = "sa-east-1";
    let old = "arn:aws:kms:ca-central-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    let new = "arn:aws:kms:sa-east-1:123456789012:key/66666666-7777-8888-9999-000000000000";
    let name = unique("kms-copy");
    create_full(
        SOURCE,
        &name,
        "IMMUTABLE_WITH_EXCLUSION",
        "dev-*",
        json!({"encryptionType": "KMS", "kmsKey": old}),
    );
    let listed = ecrctl_in(SOURCE, &["repo", "list", "--prefix", &name, "-o", "json"]);
    listed.assert_code(0);
    let file = temp_file("repos.json", &listed.stdout);
    let file = file.to_str().unwrap();

    let refused = ecrctl_in(TARGET, &["repo", "create", "--from-file", file]);
    refused.assert_code(2);
    assert!(refused.stderr.contains(old), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("hint:") && refused.stderr.contains("--kms-key-map"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        boto3_in(
            TARGET,
            "describe_repositories",
            json!({"repositoryNames": [name]})
        )["error"],
        "RepositoryNotFoundException",
        "nothing is created"
    );

    // A repository on the AWS managed key: ECR names that key's ARN, of the source region.
    let managed = unique("kms-managed");
    create_full(
        SOURCE,
        &managed,
        "MUTABLE_WITH_EXCLUSION",
        "release-*",
        json!({"encryptionType": "KMS"}),
    );
    let managed_key = boto3_in(
        SOURCE,
        "describe_repositories",
        json!({"repositoryNames": [managed]}),
    )["repositories"][0]["encryptionConfiguration"]["kmsKey"]
        .as_str()
        .expect("ECR names the managed key")
        .to_string();
    let listed = ecrctl_in(SOURCE, &["repo", "list", "--prefix", "kms-", "-o", "json"]);
    listed.assert_code(0);
    let file = temp_file("repos.json", &listed.stdout);
    let file = file.to_str().unwrap();

    let map = temp_file("keys.txt", &format!("# old = new\n{old}={new}\n"));
    let created = ecrctl_in(
        TARGET,
        &[
            "repo",
            "create",
            "--from-file",
            file,
            "--kms-key-map",
            map.to_str().unwrap(),
            "--kms-key-map",
            &format!("{managed_key}="),
            "-o",
            "json",
        ],
    );
    created.assert_code(0);
    let repo = boto3_in(
        TARGET,
        "describe_repositories",
        json!({"repositoryNames": [name]}),
    );
    let encryption = &repo["repositories"][0]["encryptionConfiguration"];
    assert_eq!(encryption["encryptionType"], "KMS");
    assert_eq!(encryption["kmsKey"], new);
    let rows = created.json()["repositories"].as_array().unwrap().clone();
    let row = rows
        .iter()
        .find(|r| r["repositoryName"] == name.as_str())
        .unwrap();
    assert_eq!(row["settings"]["encryptionConfiguration"]["kmsKey"], new);
    // `OLD=`: KMS with the target region's managed key.
    let repo = boto3_in(
        TARGET,
        "describe_repositories",
        json!({"repositoryNames": [managed]}),
    );
    let encryption = &repo["repositories"][0]["encryptionConfiguration"];
    assert_eq!(encryption["encryptionType"], "KMS");
    let key = encryption["kmsKey"].as_str().unwrap_or_default();
    assert!(!key.contains(SOURCE), "{key}");
}

#[test]
fn repo_list_with_fetches_policies_and_tags_only_when_asked() {
    const REGION: &str = "ap-northeast-3";
    let name = unique("with");
    create_full(
        REGION,
        &name,
        "IMMUTABLE_WITH_EXCLUSION",
        "dev-*",
        json!({"encryptionType": "AES256"}),
    );
    let list = |args: &[&str]| {
        let mut all = vec!["repo", "list", "--prefix", &name];
        all.extend_from_slice(args);
        let out = ecrctl_in(REGION, &all);
        out.assert_code(0);
        out
    };
    // JSON without --with: complete, so it can be replayed.
    let full = list(&["-o", "json"]).json();
    assert_eq!(full["with"], json!(["policies", "tags"]));
    let repo = &full["repositories"][0];
    assert_eq!(repo["tags"], json!({"team": "core", "env": "prod"}));
    assert_eq!(repo["lifecyclePolicy"]["rules"][0]["rulePriority"], 1);
    assert_eq!(repo["repositoryPolicy"]["Statement"][0]["Sid"], "pull");

    let fast = list(&["-o", "json", "--with", "none"]).json();
    assert_eq!(fast["with"], json!([]));
    assert!(fast["repositories"][0].get("tags").is_none());
    assert!(fast["repositories"][0].get("lifecyclePolicy").is_none());

    let tags_only = list(&["-o", "json", "--with", "tags"]).json();
    assert_eq!(tags_only["with"], json!(["tags"]));
    assert!(
        tags_only["repositories"][0]
            .get("lifecyclePolicy")
            .is_none()
    );
    assert_eq!(tags_only["repositories"][0]["tags"]["team"], "core");

    // The table fetches nothing extra unless asked; then it shows the columns.
    let plain = list(&[]);
    assert!(!plain.stdout.contains("POLICIES"), "{}", plain.stdout);
    let wide = list(&["--with", "policies,tags"]);
    assert!(
        wide.stdout.contains("POLICIES") && wide.stdout.contains("team=core"),
        "{}",
        wide.stdout
    );
    assert!(
        wide.stdout.contains("lifecycle, repository"),
        "{}",
        wide.stdout
    );

    // Replaying a listing made without policies warns that they are not copied.
    let file = temp_file("fast.json", &list(&["-o", "json", "--with", "tags"]).stdout);
    let dry = ecrctl_in(
        "ap-northeast-1",
        &[
            "repo",
            "create",
            "--from-file",
            file.to_str().unwrap(),
            "--dry-run",
        ],
    );
    dry.assert_code(0);
    assert!(
        dry.stderr
            .contains("was listed without lifecycle and repository policies"),
        "{}",
        dry.stderr
    );

    let bad = ecrctl_in(REGION, &["repo", "list", "--with", "sizes"]);
    bad.assert_code(2);
}

#[test]
fn a_kms_key_of_another_account_is_refused_and_unused_map_entries_warned() {
    let name = unique("kms-acct");
    let theirs = format!(
        "arn:aws:kms:{}:111122223333:key/abcd",
        crate::harness::REGION
    );
    let listing = json!([{"repositoryName": name,
        "encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": theirs}}]);
    let file = temp_file("acct.json", &listing.to_string());
    let typo = format!(
        "arn:aws:kms:{}:999999999999:key/typo=",
        crate::harness::REGION
    );
    let refused = run(ecrctl().args([
        "repo",
        "create",
        "--from-file",
        file.to_str().unwrap(),
        "--kms-key-map",
        &typo,
    ]));
    refused.assert_code(2);
    assert!(
        refused.stderr.contains("another account") && refused.stderr.contains(&theirs),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("no repository is encrypted with"),
        "{}",
        refused.stderr
    );
    assert!(
        crate::client::describe_repo(&name).is_none(),
        "nothing created"
    );
    // Mapped to the AWS managed key: created.
    let mapped = run(ecrctl().args([
        "repo",
        "create",
        "--from-file",
        file.to_str().unwrap(),
        "--kms-key-map",
        &format!("{theirs}="),
    ]));
    mapped.assert_code(0);
    assert!(
        !mapped.stderr.contains("no repository is encrypted with"),
        "{}",
        mapped.stderr
    );
}

#[test]
fn duplicate_and_run_together_tags_are_bad_input() {
    let name = unique("tg/dup");
    for args in [
        vec!["--tag", "k=1", "--tag", "k=2"],
        vec!["--tags", "Key=k,Value=1", "--tag", "k=2"],
        vec![
            "--tags",
            r#"[{"Key":"k","Value":"1"},{"Key":"k","Value":"2"}]"#,
        ],
        vec!["--tags", "Key=a,Value=x,Key=b,Value=y"],
        vec!["--tags", "Value=x,Key=k,Value=y"],
    ] {
        let mut all = vec!["repo", "create", name.as_str(), "--dry-run"];
        all.extend(args.iter().copied());
        let r = run(ecrctl().args(&all));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
    let file = temp_file(
        "dup.toml",
        &format!(
            "[[repositories]]\nname = \"{name}\"\ntags = [{{Key=\"k\",Value=\"1\"}},{{Key=\"k\",Value=\"2\"}}]\n"
        ),
    );
    let r = run(ecrctl().args([
        "repo",
        "create",
        "--from-file",
        file.to_str().unwrap(),
        "--dry-run",
    ]));
    r.assert_code(2);
    assert!(r.stderr.contains("`k`"), "{}", r.stderr);
    assert!(crate::client::describe_repo(&name).is_none());
}
