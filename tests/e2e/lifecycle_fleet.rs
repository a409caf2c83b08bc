//! Registry-wide and organization-wide lifecycle runs against moto: error rows that never
//! abort the rest, several regions in one report, multi-repository images files, and
//! `lifecycle apply` to many repositories with a per-rule diff and a drift report.

use std::process::Command;

use serde_json::{Value, json};

use crate::client::{boto3, ecr, ecrctl, put_image, run, temp_file, unique};
use crate::harness::{REGION, stand_ins};
use crate::slow::{Canned, Deny, DenyingApi};

const NOW: &str = "2026-01-10T00:00:00Z";
const OTHER_REGION: &str = "eu-west-1";

/// Keeps the newest image, expires the rest.
const KEEP_ONE: &str = r#"{"rules":[{"rulePriority":1,"description":"keep one","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#;

/// Two rules: prod images kept apart, then the newest two of everything.
const KEEP_TWO: &str = r#"{"rules":[
 {"rulePriority":1,"selection":{"tagStatus":"tagged","tagPatternList":["prod*"],"countType":"imageCountMoreThan","countNumber":50},"action":{"type":"expire"}},
 {"rulePriority":2,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}]}"#;

/// KEEP_TWO with its rules in the other order and keys moved: the same policy.
const KEEP_TWO_REORDERED: &str = r#"{"rules":[
 {"action":{"type":"expire"},"rulePriority":2,"selection":{"countNumber":2,"countType":"imageCountMoreThan","tagStatus":"any"}},
 {"rulePriority":1,"action":{"type":"expire"},"selection":{"tagStatus":"tagged","tagPatternList":["prod*"],"countType":"imageCountMoreThan","countNumber":50}}]}"#;

fn create(repo: &str, policy: Option<&str>) {
    let mut args = vec!["repo".to_string(), "create".to_string(), repo.to_string()];
    if let Some(policy) = policy {
        args.extend([
            "--lifecycle-policy".into(),
            temp_file("p.json", policy).to_str().unwrap().to_string(),
        ]);
    }
    ecr(&args.iter().map(String::as_str).collect::<Vec<_>>()).assert_code(0);
}

/// Three images a second apart (moto records push times to the second).
fn push_three(repo: &str) {
    for (i, tag) in ["v1", "prod-1", "v3"].into_iter().enumerate() {
        if i > 0 {
            std::thread::sleep(std::time::Duration::from_millis(1050));
        }
        put_image(repo, Some(tag), &format!("{repo}{tag}"));
    }
}

fn stored_policy(repo: &str) -> Option<Value> {
    let out = boto3("get_lifecycle_policy", json!({ "repositoryName": repo }));
    out.get("lifecyclePolicyText")
        .and_then(|t| serde_json::from_str(t.as_str()?).ok())
}

fn through(proxy: &DenyingApi, args: &[&str]) -> crate::client::Run {
    run(ecrctl()
        .env("AWS_ENDPOINT_URL", &proxy.url)
        .env("AWS_MAX_ATTEMPTS", "2")
        .args(args))
}

#[test]
fn all_repositories_turns_each_failure_into_an_error_row_and_reports_the_rest() {
    let prefix = unique("fleet/rows");
    let (good, denied, throttled, protected) = (
        format!("{prefix}/a-good"),
        format!("{prefix}/b-denied"),
        format!("{prefix}/c-throttled"),
        format!("{prefix}/d-protected"),
    );
    for repo in [&good, &denied, &throttled, &protected] {
        create(repo, Some(KEEP_ONE));
    }
    push_three(&good);
    push_three(&protected);
    let proxy = DenyingApi::start_with(
        &stand_ins().moto_url,
        vec![
            Deny {
                operation: "DescribeImages",
                repository: Some(denied.clone()),
                code: "AccessDeniedException",
            },
            Deny {
                operation: "GetLifecyclePolicy",
                repository: Some(throttled.clone()),
                code: "ThrottlingException",
            },
        ],
    );
    let args = |extra: &[&'static str]| {
        let mut a: Vec<String> = [
            "lifecycle",
            "preview",
            "--all-repositories",
            "--repository-prefix",
            &format!("{prefix}/"),
            "--now",
            NOW,
        ]
        .map(String::from)
        .to_vec();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let json_args = args(&["-o", "json"]);
    let run = through(
        &proxy,
        &json_args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    // An error row outranks everything else: exit 3, and every other repository is there.
    run.assert_code(3);
    let report = run.json();
    let names: Vec<&str> = report["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["repositoryName"].as_str().unwrap())
        .collect();
    assert_eq!(names, [good.as_str(), protected.as_str()]);
    assert_eq!(report["repositories"][0]["region"], REGION);
    assert_eq!(report["repositories"][0]["registryId"], "123456789012");
    assert_eq!(report["totals"]["expiring"], 4);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{report}");
    assert_eq!(errors[0]["repositoryName"], denied.as_str());
    assert!(
        errors[0]["causes"][0]
            .as_str()
            .unwrap()
            .contains("AccessDeniedException"),
        "{report}"
    );
    assert_eq!(errors[1]["repositoryName"], throttled.as_str());
    assert!(
        errors[1]["causes"][0]
            .as_str()
            .unwrap()
            .contains("ThrottlingException")
    );
    assert!(
        run.stderr
            .contains("2 repositories could not be previewed; the others are reported"),
        "{}",
        run.stderr
    );

    // The table shows the error rows among the others.
    let table_args = args(&[]);
    let table = through(
        &proxy,
        &table_args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    table.assert_code(3);
    assert!(
        table.stdout.contains(&good) && table.stdout.contains("error: could not list the images"),
        "{}",
        table.stdout
    );

    // A protected hit with an error row is still 3 (the cause says both); alone, it is 1.
    let protect_args = args(&["--protect", "prod-*"]);
    let both = through(
        &proxy,
        &protect_args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    both.assert_code(3);
    assert!(
        both.stderr
            .contains("also: the policy would expire or archive 2 protected images"),
        "{}",
        both.stderr
    );
    let only_protected = ecr(&[
        "lifecycle",
        "preview",
        "--all-repositories",
        "--repository-prefix",
        &format!("{prefix}/d"),
        "--now",
        NOW,
        "--protect",
        "prod-*",
    ]);
    only_protected.assert_code(1);
}

#[test]
fn a_bad_stored_policy_is_that_repositorys_error_row() {
    let prefix = unique("fleet/bad");
    let (good, bad) = (format!("{prefix}/a"), format!("{prefix}/b"));
    create(&good, Some(KEEP_ONE));
    create(&bad, None);
    // Two rules with one rulePriority: not a valid ECR policy, but the stand-in stores it.
    let invalid = KEEP_TWO.replace("\"rulePriority\":2", "\"rulePriority\":1");
    let put = boto3(
        "put_lifecycle_policy",
        json!({"repositoryName": bad, "lifecyclePolicyText": invalid}),
    );
    assert!(put.get("error").is_none(), "{put}");
    let run = ecr(&[
        "lifecycle",
        "preview",
        "--all-repositories",
        "--repository-prefix",
        &format!("{prefix}/"),
        "-o",
        "json",
    ]);
    run.assert_code(3);
    let report = run.json();
    assert_eq!(report["repositories"][0]["repositoryName"], good.as_str());
    assert_eq!(report["errors"][0]["repositoryName"], bad.as_str());
}

#[test]
fn several_regions_make_one_report_and_a_replicated_repository_appears_per_region() {
    let repo = unique("fleet/replicated");
    create(&repo, Some(KEEP_ONE));
    push_three(&repo);
    let file = temp_file("p.json", KEEP_ONE);
    ecr(&[
        "--region",
        OTHER_REGION,
        "repo",
        "create",
        &repo,
        "--lifecycle-policy",
        file.to_str().unwrap(),
    ])
    .assert_code(0);
    let run = ecr(&[
        "lifecycle",
        "preview",
        "--all-repositories",
        "--repository-prefix",
        &repo,
        "--region",
        REGION,
        "--region",
        OTHER_REGION,
        "--now",
        NOW,
        "-o",
        "json",
    ]);
    run.assert_code(0);
    let report = run.json();
    let rows: Vec<(&str, &str, u64)> = report["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["region"].as_str().unwrap(),
                r["repositoryName"].as_str().unwrap(),
                r["totals"]["images"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [(OTHER_REGION, repo.as_str(), 0), (REGION, repo.as_str(), 3)]
    );
    let table = ecr(&[
        "lifecycle",
        "preview",
        "--all-repositories",
        "--repository-prefix",
        &repo,
        "--region",
        REGION,
        "--region",
        OTHER_REGION,
        "--now",
        NOW,
    ]);
    table.assert_code(0);
    assert!(
        table.stdout.contains("REGION")
            && table.stdout.contains(OTHER_REGION)
            && table.stdout.contains("123456789012"),
        "{}",
        table.stdout
    );
}

#[test]
fn an_images_file_of_several_repositories_is_evaluated_per_repository() {
    let images = r#"{"imageDetails":[
 {"repositoryName":"team/a","imageDigest":"sha256:a1","imageTags":["v1"],"imagePushedAt":"2026-01-01T00:00:00Z","imageSizeInBytes":10},
 {"repositoryName":"team/a","imageDigest":"sha256:a2","imageTags":["v2"],"imagePushedAt":"2026-01-02T00:00:00Z","imageSizeInBytes":10},
 {"repositoryName":"team/b","imageDigest":"sha256:b1","imageTags":["v1"],"imagePushedAt":"2026-01-03T00:00:00Z","imageSizeInBytes":10},
 {"repositoryName":"team/b","imageDigest":"sha256:b2","imageTags":["prod-1"],"imagePushedAt":"2026-01-04T00:00:00Z","imageSizeInBytes":10},
 {"repositoryName":"team/b","imageDigest":"sha256:b3","imageTags":["v3"],"imagePushedAt":"2026-01-05T00:00:00Z","imageSizeInBytes":10}]}"#;
    let images = temp_file("images.json", images);
    let policy = temp_file("p.json", KEEP_ONE);
    let base = [
        "lifecycle",
        "preview",
        "--images",
        images.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--now",
        NOW,
    ];
    let run = ecr(&[&base[..], &["-o", "json"]].concat());
    run.assert_code(0);
    let report = run.json();
    // Each repository keeps its own newest image (one pool would keep only sha256:b3).
    let expiring = |i: usize| -> Vec<&str> {
        report["repositories"][i]["expiring"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["imageDigest"].as_str().unwrap())
            .collect()
    };
    assert_eq!(report["repositories"][0]["repositoryName"], "team/a");
    assert_eq!(expiring(0), ["sha256:a1"]);
    assert_eq!(expiring(1), ["sha256:b1", "sha256:b2"]);
    assert_eq!(report["totals"]["expiring"], 3);
    assert!(report["repositories"][0].get("region").is_none());

    let table = ecr(&base);
    table.assert_code(0);
    assert!(
        table.stdout.contains("team/a") && table.stdout.contains("team/b"),
        "{}",
        table.stdout
    );
    assert!(
        table
            .stderr
            .contains("3 of 5 images expire across 2 repositories")
    );
    // The protection verdict covers every repository of the file.
    ecr(&[&base[..], &["--protect", "prod-*"]].concat()).assert_code(1);
}

#[test]
fn remote_is_refused_with_images_or_all_repositories() {
    let images = temp_file("images.json", r#"{"imageDetails":[]}"#);
    let policy = temp_file("p.json", KEEP_ONE);
    for source in [
        vec!["--images", images.to_str().unwrap()],
        vec!["--all-repositories"],
    ] {
        let mut args = vec!["lifecycle", "preview", "--remote", "--policy"];
        args.push(policy.to_str().unwrap());
        args.extend(source);
        let run = ecr(&args);
        run.assert_code(2);
        assert!(run.stderr.contains("--remote"), "{}", run.stderr);
    }
}

fn apply(proxy: Option<&DenyingApi>, args: &[&str]) -> crate::client::Run {
    let mut all = vec!["lifecycle", "apply"];
    all.extend_from_slice(args);
    match proxy {
        Some(proxy) => through(proxy, &all),
        None => ecr(&all),
    }
}

fn puts(proxy: &DenyingApi) -> Vec<String> {
    let mut repos: Vec<String> = proxy
        .targets()
        .into_iter()
        .filter(|(op, _)| op == "PutLifecyclePolicy")
        .map(|(_, repo)| repo)
        .collect();
    repos.sort();
    repos
}

#[test]
fn apply_to_a_prefix_reports_drift_and_puts_only_what_changes() {
    let prefix = unique("fleet/apply");
    let (fresh, same, other) = (
        format!("{prefix}/a-fresh"),
        format!("{prefix}/b-same"),
        format!("{prefix}/c-other"),
    );
    create(&fresh, None);
    create(&same, Some(KEEP_TWO_REORDERED));
    create(&other, Some(KEEP_ONE));
    push_three(&other);
    let policy = temp_file("p.json", KEEP_TWO);
    let selector = format!("{prefix}/");
    let common = [
        "--repository-prefix",
        selector.as_str(),
        "--policy",
        policy.to_str().unwrap(),
    ];

    // --dry-run first: the drift report, nothing put.
    let proxy = DenyingApi::start_with(&stand_ins().moto_url, Vec::new());
    let dry = apply(
        Some(&proxy),
        &[&common[..], &["--dry-run", "-o", "json"]].concat(),
    );
    dry.assert_code(0);
    let report = dry.json();
    assert_eq!(report["dryRun"], true);
    let status = |r: &Value, i: usize| r["repositories"][i]["status"].as_str().unwrap().to_string();
    assert_eq!(
        (0..3).map(|i| status(&report, i)).collect::<Vec<_>>(),
        ["would change", "unchanged", "would change"]
    );
    assert_eq!(report["counts"]["wouldChange"], 2);
    // c-other: KEEP_ONE expires two of three, KEEP_TWO keeps prod-1 apart and the newest
    // two: v1 stays expiring, and one image stops expiring.
    assert_eq!(
        report["repositories"][2]["stopExpiring"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "{report}"
    );
    assert_eq!(
        report["repositories"][2]["ruleChanges"][1]["change"],
        "added"
    );
    assert!(puts(&proxy).is_empty());
    assert_eq!(
        stored_policy(&other).unwrap(),
        serde_json::from_str::<Value>(KEEP_ONE).unwrap()
    );

    // The table: per-repository diffs and the drift report.
    let table = apply(None, &[&common[..], &["--dry-run"]].concat());
    table.assert_code(0);
    assert!(
        table.stdout.contains("STATUS") && table.stdout.contains("would change"),
        "{}",
        table.stdout
    );
    assert!(
        table.stderr.contains("rule 1: changed")
            && table.stderr.contains("rule 2: added")
            && table.stderr.contains("1 image stop expiring")
            && table
                .stderr
                .contains("drift: 1 unchanged, 2 would change, 0 changed, 0 error")
            && table.stderr.contains("dry run: nothing was changed"),
        "{}",
        table.stderr
    );

    // Applied: only the two that change are put; the reordered one is left alone.
    let done = apply(
        Some(&proxy),
        &[&common[..], &["--yes", "-o", "json"]].concat(),
    );
    done.assert_code(0);
    assert_eq!(puts(&proxy), [fresh.as_str(), other.as_str()]);
    let report = done.json();
    assert_eq!(report["counts"]["changed"], 2);
    assert_eq!(report["counts"]["unchanged"], 1);
    let keep_two: Value = serde_json::from_str(KEEP_TWO).unwrap();
    assert_eq!(stored_policy(&fresh).unwrap(), keep_two);
    assert_eq!(stored_policy(&other).unwrap(), keep_two);
    assert_eq!(
        stored_policy(&same).unwrap(),
        serde_json::from_str::<Value>(KEEP_TWO_REORDERED).unwrap()
    );

    // Again: everything is unchanged, and nothing is put.
    let proxy = DenyingApi::start_with(&stand_ins().moto_url, Vec::new());
    let again = apply(Some(&proxy), &[&common[..], &["--yes"]].concat());
    again.assert_code(0);
    assert!(puts(&proxy).is_empty());
    assert!(
        again.stderr.contains("nothing to change"),
        "{}",
        again.stderr
    );
}

#[test]
fn apply_guards_every_repository_and_reports_errors_without_stopping() {
    let prefix = unique("fleet/guard");
    let (a, b) = (format!("{prefix}/a"), format!("{prefix}/b"));
    create(&a, None);
    create(&b, None);
    push_three(&a);
    let policy = temp_file("p.json", KEEP_ONE);
    let selector = format!("{prefix}/");
    let common = [
        "--repository-prefix",
        selector.as_str(),
        "--policy",
        policy.to_str().unwrap(),
        "--yes",
    ];
    // A protected image in one repository refuses the whole batch: nothing is put.
    let proxy = DenyingApi::start_with(&stand_ins().moto_url, Vec::new());
    let refused = apply(
        Some(&proxy),
        &[&common[..], &["--protect", "prod-*"]].concat(),
    );
    refused.assert_code(1);
    assert!(
        refused
            .stderr
            .contains("refusing to apply the policy; nothing was changed")
            && refused.stderr.contains(&format!("{a} ")),
        "{}",
        refused.stderr
    );
    assert!(puts(&proxy).is_empty());

    // A repository that cannot be read is an error row; the other is applied; exit 3.
    let proxy = DenyingApi::start_with(
        &stand_ins().moto_url,
        vec![Deny {
            operation: "GetLifecyclePolicy",
            repository: Some(a.clone()),
            code: "AccessDeniedException",
        }],
    );
    let partial = apply(Some(&proxy), &[&common[..], &["-o", "json"]].concat());
    partial.assert_code(3);
    assert_eq!(puts(&proxy), [b.as_str()]);
    let report = partial.json();
    assert_eq!(report["repositories"][0]["status"], "error");
    assert_eq!(report["repositories"][1]["status"], "changed");
    assert!(stored_policy(&a).is_none());
}

#[test]
fn apply_reads_the_policy_from_stdin_and_is_quiet_with_q() {
    let repo = unique("fleet/stdin");
    create(&repo, None);
    let mut command = ecrctl();
    command.args([
        "-q",
        "lifecycle",
        "apply",
        "--repository",
        &repo,
        "--policy",
        "-",
        "--yes",
    ]);
    let out = with_stdin(&mut command, KEEP_ONE);
    out.assert_code(0);
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
    assert_eq!(
        stored_policy(&repo).unwrap(),
        serde_json::from_str::<Value>(KEEP_ONE).unwrap()
    );
    // Unchanged: said so (without -q), and not put again.
    let proxy = DenyingApi::start_with(&stand_ins().moto_url, Vec::new());
    let policy = temp_file("p.json", KEEP_ONE);
    let again = apply(
        Some(&proxy),
        &[
            "--repository",
            &repo,
            "--policy",
            policy.to_str().unwrap(),
            "--yes",
        ],
    );
    again.assert_code(0);
    assert!(again.stderr.contains("unchanged"), "{}", again.stderr);
    assert!(puts(&proxy).is_empty());
    // A policy on stdin is bounded like a file.
    let mut command = ecrctl();
    command.args([
        "lifecycle",
        "apply",
        "--repository",
        &repo,
        "--policy",
        "-",
        "--yes",
    ]);
    let huge = format!("{{\"rules\":[],\"pad\":\"{}\"}}", "x".repeat(1 << 20));
    let out = with_stdin(&mut command, &huge);
    out.assert_code(2);
    assert!(
        out.stderr.contains("standard input is larger than"),
        "{}",
        out.stderr
    );
}

fn with_stdin(command: &mut Command, input: &str) -> crate::client::Run {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    crate::client::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn declining_the_prompt_exits_0_and_changes_nothing() {
    let repo = unique("fleet/decline");
    create(&repo, None);
    let policy = temp_file("p.json", KEEP_ONE);
    // `script` gives ecrctl a terminal; "n" declines.
    let line = format!(
        "{} lifecycle apply --repository {repo} --policy {}",
        env!("CARGO_BIN_EXE_ecrctl"),
        policy.display()
    );
    let command = ecrctl();
    let mut script = Command::new("script");
    script.args(["-qec", &line, "/dev/null"]).env_clear();
    for (k, v) in command.get_envs() {
        if let Some(v) = v {
            script.env(k, v);
        }
    }
    let out = with_stdin(&mut script, "n\n");
    let text = format!("{}{}", out.stdout, out.stderr);
    assert_eq!(out.code, 0, "{text}");
    assert!(
        text.contains("[y/N]") && text.contains("nothing changed"),
        "{text}"
    );
    assert!(stored_policy(&repo).is_none());
}

#[test]
fn remote_compares_as_of_ecrs_time_not_the_local_clock() {
    let repo = unique("fleet/remote");
    create(&repo, None);
    let digests: Vec<String> = ["a", "b"]
        .iter()
        .map(|seed| put_image(&repo, None, &format!("{repo}{seed}")))
        .collect();
    // Images pushed just now; the policy expires untagged images older than a day. By this
    // machine's clock nothing expires; ECR's clock (its Date header) is 3 days ahead, and
    // its preview expires both. Compared as of ECR's time, the two agree.
    let policy = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}}]}"#;
    let ecr_date = httpdate::fmt_http_date(
        std::time::SystemTime::now() + std::time::Duration::from_secs(3 * 86_400),
    );
    let results: Vec<Value> = digests
        .iter()
        .map(|d| json!({"imageDigest": d, "action": {"type": "EXPIRE"}, "appliedRulePriority": 1}))
        .collect();
    let proxy = DenyingApi::start_answering(
        &stand_ins().moto_url,
        Vec::new(),
        vec![
            Canned {
                operation: "StartLifecyclePolicyPreview",
                body: json!({"repositoryName": repo, "status": "IN_PROGRESS"}).to_string(),
                date: ecr_date.clone(),
            },
            Canned {
                operation: "GetLifecyclePolicyPreview",
                body:
                    json!({"repositoryName": repo, "status": "COMPLETE", "previewResults": results})
                        .to_string(),
                date: ecr_date,
            },
        ],
    );
    let file = temp_file("p.json", policy);
    let run = through(
        &proxy,
        &[
            "lifecycle",
            "preview",
            "--repository",
            &repo,
            "--policy",
            file.to_str().unwrap(),
            "--remote",
        ],
    );
    run.assert_code(0);
    assert!(
        run.stderr.contains("comparing as of ECR's time")
            && run
                .stderr
                .contains("ECR's preview agrees: the same 2 images"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("only ECR acts on"), "{}", run.stderr);
}

#[test]
fn apply_to_a_file_of_names_reports_a_missing_one_as_an_error_row() {
    let prefix = unique("fleet/named");
    let (present, absent) = (format!("{prefix}/present"), format!("{prefix}/absent"));
    create(&present, None);
    let names = temp_file(
        "repos.txt",
        &format!("# team repositories\n{present}\n\n{absent}   # not created\n"),
    );
    let policy = temp_file("p.json", KEEP_ONE);
    let run = apply(
        None,
        &[
            "--repositories-from",
            names.to_str().unwrap(),
            "--policy",
            policy.to_str().unwrap(),
            "--yes",
            "-o",
            "json",
        ],
    );
    run.assert_code(3);
    let report = run.json();
    assert_eq!(report["counts"]["changed"], 1, "{report}");
    assert_eq!(report["counts"]["error"], 1, "{report}");
    assert!(
        run.stderr
            .contains(&format!("repository `{absent}` does not exist")),
        "{}",
        run.stderr
    );
    assert!(stored_policy(&present).is_some());
    // A line that is not a repository name is bad input: nothing changes.
    let bad = temp_file("repos.txt", "Team/API\n");
    let run = apply(
        None,
        &[
            "--repositories-from",
            bad.to_str().unwrap(),
            "--policy",
            policy.to_str().unwrap(),
            "--yes",
        ],
    );
    run.assert_code(2);
    assert!(run.stderr.contains("line 1"), "{}", run.stderr);
}

#[test]
fn preview_reads_the_policy_from_stdin() {
    let images = temp_file(
        "images.json",
        r#"{"imageDetails":[
 {"imageDigest":"sha256:a1","imageTags":["v1"],"imagePushedAt":"2026-01-01T00:00:00Z","imageSizeInBytes":10},
 {"imageDigest":"sha256:a2","imageTags":["v2"],"imagePushedAt":"2026-01-02T00:00:00Z","imageSizeInBytes":10}]}"#,
    );
    let mut command = ecrctl();
    command.args([
        "lifecycle",
        "preview",
        "--images",
        images.to_str().unwrap(),
        "--policy",
        "-",
        "--now",
        NOW,
        "-o",
        "json",
    ]);
    let run = with_stdin(&mut command, KEEP_ONE);
    run.assert_code(0);
    assert_eq!(run.json()["expiring"][0]["imageDigest"], "sha256:a1");
}
