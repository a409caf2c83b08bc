//! `ecrctl lifecycle preview | lint | apply`: offline from describe-images JSON, live
//! against moto, and both agreeing.

use serde_json::{Value, json};

use crate::client::{boto3, ecr, put_image, temp_file, unique};

const NOW: &str = "2026-01-10T00:00:00Z";

/// AWS's "Filtering on all images, example B" repository and policy.
const IMAGES: &str = r#"{"imageDetails":[
 {"imageDigest":"sha256:aaaa","imageTags":["alpha-1","beta-1"],"imagePushedAt":"2026-01-06T00:00:00+00:00","imageSizeInBytes":1073741824},
 {"imageDigest":"sha256:bbbb","imagePushedAt":"2026-01-07T00:00:00Z","imageSizeInBytes":1073741824},
 {"imageDigest":"sha256:cccc","imageTags":["alpha-2"],"imagePushedAt":1767830400,"imageSizeInBytes":10},
 {"imageDigest":"sha256:dddd","imageTags":["git hash"],"imagePushedAt":"2026-01-09T00:00:00Z","imageSizeInBytes":10},
 {"imageDigest":"sha256:eeee","imagePushedAt":1767916800.0,"imageSizeInBytes":10}]}"#;

/// AWS's example B policy (also the snapshot tests').
pub const POLICY: &str = r#"{"rules":[
 {"rulePriority":1,"description":"Rule 1","selection":{"tagStatus":"tagged","tagPatternList":["alpha*"],"countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},
 {"rulePriority":2,"description":"Rule 2","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}},
 {"rulePriority":3,"description":"Rule 3","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#;

fn digests(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|i| i["imageDigest"].as_str().unwrap().to_string())
        .collect()
}

fn offline(extra: &[&str]) -> crate::client::Run {
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
        NOW,
    ];
    args.extend_from_slice(extra);
    ecr(&args)
}

#[test]
fn offline_preview_reproduces_the_aws_example() {
    let run = offline(&["-o", "json"]);
    run.assert_code(0);
    let report = run.json();
    assert_eq!(
        digests(&report["expiring"]),
        ["sha256:aaaa", "sha256:bbbb", "sha256:dddd"]
    );
    assert_eq!(report["expiring"][0]["rulePriority"], 1);
    assert_eq!(report["expiring"][2]["rulePriority"], 3);
    assert_eq!(
        report["expiring"][0]["imagePushedAt"],
        "2026-01-06T00:00:00Z"
    );
    let kept = report["kept"].as_array().unwrap();
    assert_eq!(kept.len(), 2);
    assert!(kept.iter().any(|k| {
        k["imageDigest"] == "sha256:cccc"
            && k["reason"]
                .as_str()
                .unwrap()
                .contains("rule 1 selects it first")
    }));
    assert_eq!(report["totals"]["expiring"], 3);
    assert_eq!(report["totals"]["gibFreed"], 2.0);
    assert_eq!(report["totals"]["monthlySavings"], 0.2);
    assert_eq!(report["rules"][2]["selected"], 5);

    let table = offline(&["--price-per-gb-month", "0.5"]);
    table.assert_code(0);
    assert!(
        table.stdout.contains("Rule 3") && table.stdout.contains("git hash"),
        "{}",
        table.stdout
    );
    assert!(
        table
            .stderr
            .contains("3 of 5 images expire, freeing 2.0 GiB ($1.00/month"),
        "{}",
        table.stderr
    );
}

#[test]
fn explain_prints_the_decision_path() {
    let run = offline(&["--explain", "alpha-2"]);
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("rule 1: selects it and keeps it: among the newest 1 of rule 1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("rule 3: marks it, but rule 1 selected it first"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("=> kept"), "{}", run.stdout);
    let json = offline(&["--explain", "dddd", "-o", "json"]);
    assert_eq!(
        json.json()["outcome"],
        json!({"outcome": "expire", "rule": 3})
    );
    offline(&["--explain", "nope"]).assert_code(2);
}

#[test]
fn protected_images_fail_the_preview() {
    let run = offline(&["--protect", "git*"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("would expire or archive 1 protected image"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("`git hash` matches --protect git*"),
        "{}",
        run.stderr
    );
    let in_use = temp_file(
        "in-use.txt",
        "# from ECS\nsha256:bbbb000000000000000000000000000000000000000000000000000000000000\n",
    );
    offline(&["--protect-digests", in_use.to_str().unwrap()]).assert_code(0);
    let in_use = temp_file("in-use.txt", "team/app:alpha-1\n");
    let run = offline(&["--protect-digests", in_use.to_str().unwrap(), "-o", "json"]);
    run.assert_code(1);
    assert_eq!(
        run.json()["protectedViolations"][0]["imageDigest"],
        "sha256:aaaa"
    );
    let bad = temp_file("in-use.txt", "not-a-reference\n");
    offline(&["--protect-digests", bad.to_str().unwrap()]).assert_code(2);
}

#[test]
fn lint_names_every_problem_with_its_path() {
    let bad = temp_file(
        "bad.json",
        r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},
                    {"rulePriority":2,"selection":{"tagStatus":"tagged","tagPatternList":["a*b*c*d*e*"],"countType":"sinceImagePushed","countNumber":0},"action":{"type":"remove"}},
                    {"rulePriority":2,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#,
    );
    let run = ecr(&["lifecycle", "lint", "--policy", bad.to_str().unwrap()]);
    run.assert_code(2);
    for path in [
        "$.rules[0].rulePriority",
        "$.rules[2].rulePriority",
        "$.rules[1].selection.tagPatternList[0]",
        "$.rules[1].selection.countUnit",
        "$.rules[1].selection.countNumber",
        "$.rules[1].action.type",
    ] {
        assert!(
            run.stderr.contains(&format!("cause: {path}:")),
            "{path}: {}",
            run.stderr
        );
    }
    let json = ecr(&[
        "lifecycle",
        "lint",
        "--policy",
        bad.to_str().unwrap(),
        "-o",
        "json",
    ]);
    assert_eq!(json.json()["valid"], false);
    let good = temp_file("good.json", POLICY);
    let run = ecr(&["lifecycle", "lint", "--policy", good.to_str().unwrap()]);
    run.assert_code(0);
    assert!(run.stdout.contains("valid"));
    // The preview lints first.
    let images = temp_file("images.json", IMAGES);
    ecr(&[
        "lifecycle",
        "preview",
        "--images",
        images.to_str().unwrap(),
        "--policy",
        bad.to_str().unwrap(),
    ])
    .assert_code(2);
}

/// A repository in moto with five images pushed one after another (a second apart:
/// moto records push times to the second).
fn live_repository(policy: Option<&str>) -> (String, Vec<String>) {
    let repo = unique("lc/app");
    let mut args = vec!["repo".to_string(), "create".to_string(), repo.clone()];
    if let Some(policy) = policy {
        args.extend([
            "--lifecycle-policy".into(),
            temp_file("p.json", policy).to_str().unwrap().to_string(),
        ]);
    }
    ecr(&args.iter().map(String::as_str).collect::<Vec<_>>()).assert_code(0);
    let digests = [
        ("v1", "one"),
        ("prod-1", "two"),
        ("v2", "three"),
        ("", "four"),
        ("v3", "five"),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (tag, seed))| {
        if i > 0 {
            std::thread::sleep(std::time::Duration::from_millis(1050));
        }
        put_image(&repo, (!tag.is_empty()).then_some(tag), seed)
    })
    .collect();
    (repo, digests)
}

const KEEP_TWO: &str = r#"{"rules":[
 {"rulePriority":1,"selection":{"tagStatus":"tagged","tagPatternList":["prod*"],"countType":"imageCountMoreThan","countNumber":50},"action":{"type":"expire"}},
 {"rulePriority":2,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}]}"#;

#[test]
fn live_and_offline_previews_agree() {
    let (repo, pushed) = live_repository(Some(KEEP_TWO));
    let live = ecr(&[
        "lifecycle",
        "preview",
        "--repository",
        &repo,
        "--now",
        NOW,
        "-o",
        "json",
    ]);
    live.assert_code(0);
    let live = live.json();
    // Newest two stay; prod-1 is shielded by rule 1; v1 and v2 expire.
    assert_eq!(
        digests(&live["expiring"]),
        [pushed[0].clone(), pushed[2].clone()]
    );

    let described = boto3("describe_images", json!({ "repositoryName": repo }));
    let images = temp_file("described.json", &described.to_string());
    let policy = temp_file("p.json", KEEP_TWO);
    let offline = ecr(&[
        "lifecycle",
        "preview",
        "--images",
        images.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--now",
        NOW,
        "-o",
        "json",
    ]);
    offline.assert_code(0);
    let offline = offline.json();
    assert_eq!(offline["expiring"], live["expiring"]);
    assert_eq!(offline["kept"], live["kept"]);
}

#[test]
fn remote_preview_falls_back_when_ecr_cannot_preview() {
    let (repo, _) = live_repository(Some(KEEP_TWO));
    // moto answers 500 (not implemented); two attempts keep the retries short.
    let run = crate::client::run(crate::client::ecrctl().env("AWS_MAX_ATTEMPTS", "2").args([
        "lifecycle",
        "preview",
        "--repository",
        &repo,
        "--remote",
        "--timeout",
        "20s",
    ]));
    run.assert_code(0);
    assert!(
        run.stderr
            .contains("ECR's own preview is not available, so only the local result is shown"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("PRIORITY"),
        "the local result is shown: {}",
        run.stdout
    );
}

#[test]
fn a_repository_without_a_policy_needs_one() {
    let (repo, _) = live_repository(None);
    let run = ecr(&["lifecycle", "preview", "--repository", &repo]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("has no lifecycle policy") && run.stderr.contains("--policy FILE"),
        "{}",
        run.stderr
    );
}

#[test]
fn all_repositories_previews_each_policy() {
    let (a, _) = live_repository(Some(KEEP_TWO));
    let prefix = a.split('/').next().unwrap().to_string();
    let run = ecr(&[
        "lifecycle",
        "preview",
        "--all-repositories",
        "--repository-prefix",
        &format!("{prefix}/"),
        "--now",
        NOW,
        "-o",
        "json",
    ]);
    run.assert_code(0);
    let report = run.json();
    assert_eq!(report["repositories"][0]["repositoryName"], a.as_str());
    assert_eq!(report["totals"]["expiring"], 2);
}

fn stored_policy(repo: &str) -> Option<Value> {
    let out = boto3("get_lifecycle_policy", json!({ "repositoryName": repo }));
    out.get("lifecyclePolicyText")
        .and_then(|t| serde_json::from_str(t.as_str()?).ok())
}

#[test]
fn apply_is_guarded() {
    let (repo, _) = live_repository(None);
    let policy = temp_file("p.json", KEEP_TWO);
    let path = policy.to_str().unwrap();
    // Not a terminal and no --yes: nothing changes.
    let run = ecr(&[
        "lifecycle",
        "apply",
        "--repository",
        &repo,
        "--policy",
        path,
    ]);
    run.assert_code(2);
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert!(stored_policy(&repo).is_none());
    // Protected images: refused without --force.
    let run = ecr(&[
        "lifecycle",
        "apply",
        "--repository",
        &repo,
        "--policy",
        path,
        "--protect",
        "v1",
        "--yes",
    ]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("refusing to apply the policy; nothing was changed"),
        "{}",
        run.stderr
    );
    assert!(stored_policy(&repo).is_none());
    // --dry-run shows the preview and the new policy, changes nothing; --limit cuts the
    // image table as in preview (KEEP_TWO expires 2 images).
    let run = ecr(&[
        "lifecycle",
        "apply",
        "--repository",
        &repo,
        "--policy",
        path,
        "--dry-run",
        "--limit",
        "1",
    ]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("… and 1 more (--limit 0 for all)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("new policy") && run.stderr.contains("dry run"),
        "{}",
        run.stderr
    );
    assert!(stored_policy(&repo).is_none());
    // Confirmed: applied.
    ecr(&[
        "lifecycle",
        "apply",
        "--repository",
        &repo,
        "--policy",
        path,
        "--yes",
    ])
    .assert_code(0);
    assert_eq!(
        stored_policy(&repo).unwrap(),
        serde_json::from_str::<Value>(KEEP_TWO).unwrap()
    );
    // A change shows as a diff.
    let changed = temp_file(
        "p.json",
        &KEEP_TWO.replace("\"countNumber\":2", "\"countNumber\":3"),
    );
    let run = ecr(&[
        "lifecycle",
        "apply",
        "--repository",
        &repo,
        "--policy",
        changed.to_str().unwrap(),
        "--yes",
    ]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("rule 2: changed")
            && run.stderr.contains("-     \"countNumber\": 2")
            && run.stderr.contains("+     \"countNumber\": 3"),
        "{}",
        run.stderr
    );
}

#[test]
fn protections_that_could_never_match_are_refused_not_silently_empty() {
    // A digest, a REPO:TAG or a trailing space given to --protect matches no tag.
    for glob in ["sha256:bbbb", "team/api:alpha-1", "alpha-1 "] {
        let run = offline(&["--protect", glob]);
        run.assert_code(2);
        assert!(
            run.stderr.contains("can never match a tag"),
            "{}",
            run.stderr
        );
    }
    // --protect-digests: a trailing comment is a comment; a tag that cannot exist is an
    // error, not an entry that matches nothing.
    let commented = temp_file("in-use.txt", "team/app:alpha-1   # running in prod\n");
    offline(&["--protect-digests", commented.to_str().unwrap()]).assert_code(1);
    for bad in ["\"team/app:alpha-1\",\n", "team/app:alpha-1 extra\n"] {
        let file = temp_file("in-use.txt", bad);
        let run = offline(&["--protect-digests", file.to_str().unwrap()]);
        run.assert_code(2);
        assert!(run.stderr.contains("no valid tag"), "{bad}: {}", run.stderr);
    }
}
