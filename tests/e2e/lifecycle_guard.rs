//! `ecrctl lifecycle preview | apply` as a guard over time: the first protected touch,
//! `--horizon`, relative `--now`, `--explain` with the protection verdict,
//! repository-scoped `--protect-digests` entries, protections that match nothing, and the
//! lint details. Offline from saved describe-images files, live against moto.

use serde_json::{Value, json};

use crate::client::{boto3, ecr, put_image, temp_file, unique};

const NOW: &str = "2026-01-10T00:00:00Z";
const A: &str = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

/// The issue's example: `a1` pushed a day before NOW, `b1` long ago; the policy expires
/// anything older than 30 days. Today only `b1` goes; `a1` goes 30 days later.
const EXPIRE_AFTER_30: &str = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":30},"action":{"type":"expire"}}]}"#;

fn images(repository: Option<&str>, a_pushed: &str) -> String {
    let repo = repository
        .map(|r| format!(r#""repositoryName":"{r}","#))
        .unwrap_or_default();
    format!(
        r#"{{"imageDetails":[
 {{{repo}"imageDigest":"{A}","imageTags":["a1"],"imagePushedAt":"{a_pushed}","imageSizeInBytes":10}},
 {{{repo}"imageDigest":"{B}","imageTags":["b1"],"imagePushedAt":"2025-10-01T00:00:00Z","imageSizeInBytes":10}}]}}"#
    )
}

fn preview_of(images_json: &str, policy: &str, extra: &[&str]) -> crate::client::Run {
    let images = temp_file("images.json", images_json);
    let policy = temp_file("policy.json", policy);
    let mut args = vec![
        "lifecycle",
        "preview",
        "--images",
        images.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    ecr(&args)
}

fn offline(extra: &[&str]) -> crate::client::Run {
    let mut args = vec!["--now", NOW];
    args.extend_from_slice(extra);
    preview_of(
        &images(Some("team/api"), "2026-01-09T00:00:00Z"),
        EXPIRE_AFTER_30,
        &args,
    )
}

#[test]
fn preview_says_when_a_protected_image_is_first_touched() {
    // Passes today (the old guard's only question) and says when it stops passing.
    let run = offline(&["--protect", "a*"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains(
            "first protected image is touched on 2026-02-08T00:00:00Z, in 29 days, by rule 1 (expire): sha256:aaaaaaaaaaaa [a1]"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("assuming no new pushes"),
        "{}",
        run.stderr
    );

    let json = offline(&["--protect", "a*", "-o", "json"]);
    json.assert_code(0);
    let horizon = &json.json()["protectionHorizon"];
    assert_eq!(horizon["horizonSeconds"], 0);
    assert_eq!(horizon["protectedImages"], 1);
    assert_eq!(horizon["firstTouch"]["inDays"], 29);
    assert_eq!(horizon["firstTouch"]["at"], "2026-02-08T00:00:00Z");
    assert_eq!(horizon["firstTouch"]["rulePriority"], 1);
    assert_eq!(horizon["firstTouch"]["imageDigest"], A);
    assert_eq!(horizon["withinHorizon"], json!([]));
    assert!(
        horizon["assumes"]
            .as_str()
            .unwrap()
            .contains("no new pushes")
    );

    // A policy that never reaches `a1`: said so.
    let keep_a = r#"{"rules":[
      {"rulePriority":1,"selection":{"tagStatus":"tagged","tagPatternList":["a*"],"countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}},
      {"rulePriority":2,"selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":30},"action":{"type":"expire"}}]}"#;
    let run = preview_of(
        &images(Some("team/api"), "2026-01-09T00:00:00Z"),
        keep_a,
        &["--now", NOW, "--protect", "a*", "--horizon", "365d"],
    );
    run.assert_code(0);
    assert!(
        run.stderr
            .contains("no protected image is touched, ever, as long as nothing new is pushed"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_touch_within_the_horizon_fails() {
    offline(&["--protect", "a*", "--horizon", "29d"]).assert_code(0);
    let run = offline(&["--protect", "a*", "--horizon", "30d"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains(
            "error: the policy would expire or archive 1 protected image within the 30d horizon (the first on 2026-02-08T00:00:00Z, in 29 days"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "cause: sha256:aaaaaaaaaaaa [a1]: tag `a1` matches --protect a*; rule 1 would expire"
        ),
        "{}",
        run.stderr
    );
    let json = offline(&["--protect", "a*", "--horizon", "90d", "-o", "json"]);
    json.assert_code(1);
    let horizon = &json.json()["protectionHorizon"];
    assert_eq!(horizon["horizonSeconds"], 90 * 86_400);
    assert_eq!(horizon["withinHorizon"][0]["imageDigest"], A);
    // A touch today keeps today's verdict, with or without a horizon.
    let run = offline(&["--protect", "b*"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("first protected image is touched now"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("would expire or archive 1 protected image\n"),
        "{}",
        run.stderr
    );
    // Not a duration: a usage error.
    offline(&["--protect", "a*", "--horizon", "soon"]).assert_code(2);
    offline(&["--protect", "a*", "--horizon", "400d"]).assert_code(2);
}

#[test]
fn now_can_be_relative_to_the_current_time() {
    // `a1` pushed a day before the real now: older than 30 days in just under 29 days
    // (whole days, rounded down as the date reads: 28).
    let pushed = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24);
    let file = images(None, &pushed.to_string());
    let run = preview_of(&file, EXPIRE_AFTER_30, &["--protect", "a*", "-o", "json"]);
    run.assert_code(0);
    assert_eq!(run.json()["protectionHorizon"]["firstTouch"]["inDays"], 28);
    let run = preview_of(
        &file,
        EXPIRE_AFTER_30,
        &["--protect", "a*", "--now", "+28d", "-o", "json"],
    );
    run.assert_code(0);
    // Less than a day left: 0 whole days.
    assert_eq!(run.json()["protectionHorizon"]["firstTouch"]["inDays"], 0);
    preview_of(
        &file,
        EXPIRE_AFTER_30,
        &["--protect", "a*", "--now", "+30d"],
    )
    .assert_code(1);
    // Going back: a week ago nothing protected was due either.
    preview_of(&file, EXPIRE_AFTER_30, &["--protect", "a*", "--now", "-7d"]).assert_code(0);
    let run = preview_of(&file, EXPIRE_AFTER_30, &["--now", "+30x"]);
    run.assert_code(2);
    assert!(run.stderr.contains("+30d"), "{}", run.stderr);
}

#[test]
fn explain_shows_the_protection_verdict() {
    let run = offline(&["--protect", "a*", "--explain", "a1"]);
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("protected: yes (tag `a1` matches --protect a*)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("first touched: on 2026-02-08T00:00:00Z, in 29 days, by rule 1 (expire)"),
        "{}",
        run.stdout
    );
    let run = offline(&["--protect", "a*", "--explain", "b1"]);
    assert!(run.stdout.contains("protected: no"), "{}", run.stdout);
    assert!(run.stdout.contains("first touched: now"), "{}", run.stdout);
    let json = offline(&["--protect", "a*", "--explain", "a1", "-o", "json"]).json();
    assert_eq!(json["protection"]["protected"], true);
    assert_eq!(json["protection"]["firstTouch"]["inDays"], 29);
    assert_eq!(json["outcome"]["outcome"], "keep");
}

#[test]
fn protect_digests_entries_that_name_a_repository_protect_only_there() {
    let protect = |text: &str| temp_file("in-use.txt", text);
    // The file says which repository the images are in.
    let other = protect("other/app:a1\n");
    let run = offline(&[
        "--protect-digests",
        other.to_str().unwrap(),
        "--horizon",
        "90d",
    ]);
    run.assert_code(0);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let mine = protect(&format!("team/api:a1\nteam/api@{B}\n"));
    let run = offline(&["--protect-digests", mine.to_str().unwrap()]);
    run.assert_code(1);
    assert!(run.stderr.contains("digest is in use"), "{}", run.stderr);
    // Not said: protected anyway (fail closed), and one warning says why.
    let run = preview_of(
        &images(None, "2026-01-09T00:00:00Z"),
        EXPIRE_AFTER_30,
        &[
            "--now",
            NOW,
            "--protect-digests",
            protect(&format!("other/app@{B}\nother/app:b1\n"))
                .to_str()
                .unwrap(),
        ],
    );
    run.assert_code(1);
    assert_eq!(
        run.stderr.matches("is not known").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("aws ecr describe-images"),
        "{}",
        run.stderr
    );
}

#[test]
fn protections_that_match_nothing_warn() {
    let file = temp_file("in-use.txt", "team/api:a2\nother/app:zz\n");
    let run = offline(&[
        "--protect",
        "a*",
        "--protect",
        "prdo-*",
        "--protect-digests",
        file.to_str().unwrap(),
    ]);
    run.assert_code(0);
    assert!(
        run.stderr
            .contains("warning: --protect prdo-* matches no tag of the 2 images (a typo?)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("--protect-digests entry `team/api:a2` matches no image"),
        "{}",
        run.stderr
    );
    // An entry of another repository is not for this one: no warning.
    assert!(!run.stderr.contains("other/app"), "{}", run.stderr);
    assert!(!run.stderr.contains("--protect a*"), "{}", run.stderr);
}

#[test]
fn lint_finds_keys_given_twice_and_repeated_entries() {
    let policy = temp_file(
        "policy.json",
        r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","tagPatternList":["a*","a*"],"countType":"imageCountMoreThan","countNumber":5,"countNumber":0},"action":{"type":"expire"}}]}"#,
    );
    let run = ecr(&[
        "lifecycle",
        "lint",
        "--policy",
        policy.to_str().unwrap(),
        "-o",
        "json",
    ]);
    run.assert_code(2);
    let paths: Vec<String> = run.json()["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap().to_string())
        .collect();
    // The key given twice, and what the kept value (the last) gets wrong, and the list.
    for wanted in [
        "$.rules[0].selection.countNumber",
        "$.rules[0].selection.tagPatternList[1]",
    ] {
        assert!(paths.iter().any(|p| p == wanted), "{wanted}: {paths:?}");
    }
    assert_eq!(paths.len(), 3, "{paths:?}");
    // A file with a byte-order mark: valid (the mark is dropped), with a warning.
    let valid = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}}]}"#;
    let policy = temp_file("policy.json", &format!("\u{feff}{valid}"));
    let run = ecr(&["lifecycle", "lint", "--policy", policy.to_str().unwrap()]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("starts with a byte-order mark"),
        "{}",
        run.stderr
    );
    let plain = temp_file("policy.json", valid);
    let run = ecr(&["lifecycle", "lint", "--policy", plain.to_str().unwrap()]);
    run.assert_code(0);
    assert!(!run.stderr.contains("byte-order"), "{}", run.stderr);
    // Over ECR's size limit: still every other problem.
    let big = format!(
        r#"{{"rules":[{{"rulePriority":0,"description":"{}","selection":{{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1}},"action":{{"type":"expire"}}}}]}}"#,
        "x".repeat(31_000)
    );
    let policy = temp_file("policy.json", &big);
    let run = ecr(&["lifecycle", "lint", "--policy", policy.to_str().unwrap()]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("ECR allows at most 30720"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("$.rules[0].rulePriority"),
        "{}",
        run.stderr
    );
}

/// A moto repository with `v1` pushed now and `old` pushed now too (moto sets push times).
fn live_repository() -> String {
    let repo = unique("lc/guard");
    ecr(&["repo", "create", &repo]).assert_code(0);
    put_image(&repo, Some("v1"), "guard-one");
    put_image(&repo, Some("dev"), "guard-two");
    repo
}

fn stored_policy(repo: &str) -> Option<Value> {
    let out = boto3("get_lifecycle_policy", json!({ "repositoryName": repo }));
    out.get("lifecyclePolicyText")
        .and_then(|t| serde_json::from_str(t.as_str()?).ok())
}

#[test]
fn apply_refuses_a_policy_that_expires_protected_images_within_90_days() {
    let repo = live_repository();
    let policy = temp_file("p.json", EXPIRE_AFTER_30);
    let path = policy.to_str().unwrap();
    // Nothing is touched today; `v1` goes in 30 days (less a few seconds: "in 29 days"):
    // apply's default horizon refuses.
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
            .contains("refusing to apply the policy; nothing was changed")
            && run.stderr.contains("within the 90d horizon")
            && run.stderr.contains("in 29 days"),
        "{}",
        run.stderr
    );
    assert!(stored_policy(&repo).is_none());
    // The live preview says the same date, and passes (its horizon is now only).
    let run = ecr(&[
        "lifecycle",
        "preview",
        "--repository",
        &repo,
        "--policy",
        path,
        "--protect",
        "v1",
        "-o",
        "json",
    ]);
    run.assert_code(0);
    let horizon = &run.json()["protectionHorizon"];
    assert_eq!(horizon["firstTouch"]["inDays"], 29);
    assert_eq!(horizon["firstTouch"]["imageTags"], json!(["v1"]));
    // Registry-wide, the same horizon decides the exit code.
    let all = |horizon: &str| {
        ecr(&[
            "lifecycle",
            "preview",
            "--all-repositories",
            "--repository-prefix",
            &repo,
            "--policy",
            path,
            "--protect",
            "v1",
            "--horizon",
            horizon,
        ])
    };
    let run = all("29d");
    run.assert_code(0);
    assert!(
        run.stderr.contains(&format!(
            "{repo} (123456789012, us-east-1): first protected image is touched on "
        )),
        "{}",
        run.stderr
    );
    let run = all("30d");
    run.assert_code(1);
    assert!(
        run.stderr.contains(&format!("cause: {repo} sha256:")),
        "{}",
        run.stderr
    );
    // Repository-scoped entries: another repository's `v1` protects nothing here.
    let other = temp_file("in-use.txt", "someone/else:v1\n");
    ecr(&[
        "lifecycle",
        "apply",
        "--repository",
        &repo,
        "--policy",
        path,
        "--protect-digests",
        other.to_str().unwrap(),
        "--dry-run",
    ])
    .assert_code(0);
    let mine = temp_file("in-use.txt", &format!("{repo}:v1\n"));
    ecr(&[
        "lifecycle",
        "apply",
        "--repository",
        &repo,
        "--policy",
        path,
        "--protect-digests",
        mine.to_str().unwrap(),
        "--dry-run",
    ])
    .assert_code(1);
    // A shorter horizon, on purpose: applied.
    ecr(&[
        "lifecycle",
        "apply",
        "--repository",
        &repo,
        "--policy",
        path,
        "--protect",
        "v1",
        "--horizon",
        "29d",
        "--yes",
    ])
    .assert_code(0);
    assert_eq!(
        stored_policy(&repo).unwrap(),
        serde_json::from_str::<Value>(EXPIRE_AFTER_30).unwrap()
    );
}
