//! Review findings on issue 13 (lifecycle), ported from the adversarial review's tests:
//! each fails on main @ 2b6776b and passes with the fix. Offline (saved files).

use serde_json::Value;

use crate::client::{ecr, temp_file};

fn d(n: u32) -> String {
    format!("sha256:{n:064}")
}

/// Keep the newest image; expire the rest.
const KEEP_1: &str = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#;
const KEEP_2: &str = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}]}"#;
const UNTAGGED_1D: &str = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}}]}"#;
const OLDER_30D: &str = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":30},"action":{"type":"expire"}}]}"#;

/// Repository `r`: v1 (old) and v2 (newer). KEEP_1 expires v1.
fn two_images() -> String {
    format!(
        r#"{{"imageDetails":[
 {{"repositoryName":"r","imageDigest":"{}","imageTags":["v1"],"imagePushedAt":"2026-01-01T00:00:00Z","imageSizeInBytes":100}},
 {{"repositoryName":"r","imageDigest":"{}","imageTags":["v2"],"imagePushedAt":"2026-01-02T00:00:00Z","imageSizeInBytes":100}}]}}"#,
        d(1),
        d(2)
    )
}

fn preview(images: &str, policy: &str, extra: &[&str]) -> crate::client::Run {
    let images = temp_file("images.json", images);
    let policy = temp_file("policy.json", policy);
    let mut args = vec![
        "lifecycle",
        "preview",
        "--images",
        images.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--now",
        "2026-03-01T00:00:00Z",
    ];
    args.extend_from_slice(extra);
    ecr(&args)
}

fn expiring(doc: &Value) -> Vec<String> {
    doc["expiring"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["imageDigest"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn review_f4_pinned_reference_in_protect_digests_is_not_silently_ignored() {
    // `REPO:TAG@DIGEST` (the pinned form kubectl/helm print) and lines that name a repository
    // no ECR repository can have: protect the image, or refuse the file — never pass silently.
    for line in [
        format!("r:v1@{}", d(1)),
        format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/r:v1@{}", d(1)),
        "- r:v1".to_string(),
        "image: r:v1".to_string(),
        "R:v1".to_string(),
    ] {
        let file = temp_file("in-use.txt", &format!("{line}\n"));
        let run = preview(
            &two_images(),
            KEEP_1,
            &["--protect-digests", file.to_str().unwrap(), "-o", "json"],
        );
        assert!(
            run.code == 1 || run.code == 2,
            "`{line}`: exit {} (v1 expires unprotected)\n{}\n{}",
            run.code,
            run.stdout,
            run.stderr
        );
    }
}

#[test]
fn review_f5_kubernetes_file_with_two_documents_is_not_half_read() {
    let host = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    let first = r#"{"apiVersion":"v1","kind":"List","items":[{"kind":"Pod","metadata":{"name":"other","namespace":"x"},"spec":{"containers":[{"image":"busybox:1"}]}}]}"#;
    let second = format!(
        r#"{{"apiVersion":"v1","kind":"List","items":[{{"kind":"CronJob","metadata":{{"name":"nightly","namespace":"x"}},"spec":{{"jobTemplate":{{"spec":{{"template":{{"spec":{{"containers":[{{"image":"{host}/r:v1"}}]}}}}}}}}}}}}]}}"#
    );
    let k8s = format!("{first}\n{second}\n");
    let file = temp_file("k8s.json", &k8s);
    let source = format!("k8s={}", file.display());
    let run = preview(
        &two_images(),
        KEEP_1,
        &[
            "--protect-in-use",
            &source,
            "--registry-id",
            "123456789012",
            "--region",
            "us-east-1",
            "-o",
            "json",
        ],
    );
    assert!(
        run.code == 1 || run.code == 2,
        "v1 (used by cronjob x/nightly, 2nd document) expires with exit {}\n{}",
        run.code,
        run.stderr
    );
}

#[test]
fn review_f8_a_digest_listed_twice_is_one_image() {
    let images = r#"{"imageDetails":[
 {"repositoryName":"r","imageDigest":"sha256:x","imageTags":["new"],"imagePushedAt":"2026-01-09T00:00:00Z","imageSizeInBytes":100},
 {"repositoryName":"r","imageDigest":"sha256:y","imageTags":["prev"],"imagePushedAt":"2026-01-05T00:00:00Z","imageSizeInBytes":100},
 {"repositoryName":"r","imageDigest":"sha256:x","imageTags":["new"],"imagePushedAt":"2026-01-09T00:00:00Z","imageSizeInBytes":100}]}"#;
    let run = preview(images, KEEP_2, &["-o", "json"]);
    // Two distinct images, keep 2: ECR expires nothing. Refusing the file is fine too.
    if run.code != 2 {
        assert!(
            expiring(&run.json()).is_empty(),
            "{}\n{}",
            run.stdout,
            run.stderr
        );
    }
}

#[test]
fn review_f13_a_child_of_a_kept_nested_index_stays() {
    let images = format!(
        r#"{{"imageDetails":[
 {{"repositoryName":"r","imageDigest":"{}","imageTags":["v1"],"imagePushedAt":"2026-01-01T00:00:00Z","imageManifestMediaType":"application/vnd.oci.image.index.v1+json","childManifests":["{}"]}},
 {{"repositoryName":"r","imageDigest":"{}","imagePushedAt":"2026-01-01T00:00:00Z","imageManifestMediaType":"application/vnd.oci.image.index.v1+json","childManifests":["{}"]}},
 {{"repositoryName":"r","imageDigest":"{}","imagePushedAt":"2026-01-01T00:00:00Z","imageSizeInBytes":400,"imageManifestMediaType":"application/vnd.oci.image.manifest.v1+json"}}]}}"#,
        d(1),
        d(2),
        d(2),
        d(3),
        d(3)
    );
    let run = preview(&images, UNTAGGED_1D, &["-o", "json"]);
    run.assert_code(0);
    assert!(
        expiring(&run.json()).is_empty(),
        "the inner index stays, so its child stays: {}",
        run.stdout
    );
}

#[test]
fn review_f6_a_horizon_without_unit_is_not_ninety_seconds() {
    // a1 is touched 30 days after its push, well within "90".
    let images = format!(
        r#"{{"imageDetails":[{{"repositoryName":"r","imageDigest":"{}","imageTags":["a1"],"imagePushedAt":"2026-02-28T00:00:00Z","imageSizeInBytes":1}}]}}"#,
        d(1)
    );
    let run = preview(
        &images,
        OLDER_30D,
        &["--protect", "a*", "--horizon", "90", "-o", "json"],
    );
    assert_ne!(
        run.code, 0,
        "`--horizon 90` passed a touch in 30 days: {}",
        run.stderr
    );
}

#[test]
fn review_f1_quiet_preview_prints_no_tables() {
    let run = preview(&two_images(), KEEP_1, &["-q"]);
    run.assert_code(0);
    assert!(run.stdout.trim().is_empty(), "-q printed:\n{}", run.stdout);
}

#[test]
fn review_f11_explain_keeps_the_exit_code_of_a_protected_hit() {
    // v1 is protected and expires; explaining v2 must not turn that into exit 0.
    let run = preview(
        &two_images(),
        KEEP_1,
        &["--protect", "v1", "--explain", "v2"],
    );
    assert_ne!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
}

#[test]
fn review_f4_a_pinned_reference_protects_its_digest_and_a_line_that_names_no_repository_is_refused()
{
    for line in [
        format!("r:v1@{}", d(1)),
        format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/r:v1@{}", d(1)),
    ] {
        let file = temp_file("in-use.txt", &format!("{line}\n"));
        let run = preview(
            &two_images(),
            KEEP_1,
            &["--protect-digests", file.to_str().unwrap(), "-o", "json"],
        );
        run.assert_code(1);
        assert_eq!(
            run.json()["protectedViolations"][0]["imageDigest"],
            d(1),
            "{line}: {}",
            run.stdout
        );
    }
    for line in [
        "- r:v1",
        "image: r:v1",
        "R:v1",
        &format!("SHA256:{:064}", 1),
    ] {
        let file = temp_file("in-use.txt", &format!("{line}\n"));
        let run = preview(
            &two_images(),
            KEEP_1,
            &["--protect-digests", file.to_str().unwrap()],
        );
        run.assert_code(2);
        assert!(run.stderr.contains("line 1"), "{line}: {}", run.stderr);
    }
}

#[test]
fn review_f5_trailing_data_after_kubernetes_json_is_refused() {
    let pods = r#"{"kind":"Pod","metadata":{"name":"p","namespace":"n"},"spec":{"containers":[{"image":"busybox:1"}]}}"#;
    let file = temp_file("k8s.json", &format!("{pods}\ngarbage after\n"));
    let source = format!("k8s={}", file.display());
    let run = preview(
        &two_images(),
        KEEP_1,
        &[
            "--protect-in-use",
            &source,
            "--registry-id",
            "123456789012",
            "--region",
            "us-east-1",
        ],
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains("after JSON document 1"),
        "{}",
        run.stderr
    );
}

#[test]
fn review_f8_a_duplicate_digest_is_refused_by_name() {
    let images = format!(
        r#"{{"imageDetails":[
 {{"repositoryName":"r","imageDigest":"{0}","imageTags":["v1"],"imagePushedAt":"2026-01-01T00:00:00Z"}},
 {{"repositoryName":"r","imageDigest":"{0}","imageTags":["v1"],"imagePushedAt":"2026-01-01T00:00:00Z"}}]}}"#,
        d(1)
    );
    let run = preview(&images, KEEP_1, &[]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains(&format!("digest {} is listed twice in repository r", d(1))),
        "{}",
        run.stderr
    );
}

#[test]
fn review_f6_a_horizon_without_unit_is_refused() {
    let run = preview(&two_images(), KEEP_1, &["--horizon", "90"]);
    run.assert_code(2);
    assert!(run.stderr.contains("say 90d"), "{}", run.stderr);
    preview(&two_images(), KEEP_1, &["--horizon", "0"]).assert_code(0);
}

#[test]
fn review_f20_a_bare_list_warns_that_it_may_be_one_page() {
    let doc: Value = serde_json::from_str(&two_images()).unwrap();
    let bare = doc["imageDetails"].to_string();
    let run = preview(&bare, KEEP_1, &["-o", "json"]);
    run.assert_code(0);
    let warnings = run.json()["warnings"].to_string();
    assert!(warnings.contains("bare list"), "{warnings}");
}

#[test]
fn review_f9_a_registry_wide_preview_that_reaches_no_repository_is_refused() {
    let policy = temp_file("policy.json", KEEP_1);
    let prefix = crate::client::unique("adv13/nothing-here");
    let run = ecr(&[
        "lifecycle",
        "preview",
        "--all-repositories",
        "--repository-prefix",
        &prefix,
        "--policy",
        policy.to_str().unwrap(),
    ]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("no repository matches"),
        "{}",
        run.stderr
    );
}

#[test]
fn review_f14_a_remote_comparison_that_could_not_run_shows_in_json() {
    let repo = crate::client::unique("adv13/remote");
    ecr(&["repo", "create", &repo]).assert_code(0);
    crate::client::put_image(&repo, Some("v1"), &format!("{repo}-v1"));
    let policy = temp_file("policy.json", KEEP_1);
    // moto answers StartLifecyclePolicyPreview with 500; two attempts keep retries short.
    let run = crate::client::run(crate::client::ecrctl().env("AWS_MAX_ATTEMPTS", "2").args([
        "lifecycle",
        "preview",
        "--repository",
        &repo,
        "--policy",
        policy.to_str().unwrap(),
        "--remote",
        "--timeout",
        "20s",
        "-o",
        "json",
    ]));
    run.assert_code(0);
    let doc = run.json();
    assert_eq!(doc["remote"]["status"], "notAvailable", "{}", run.stdout);
    assert!(
        doc["remote"]["reason"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
    assert!(
        doc["warnings"].to_string().contains("--remote"),
        "{}",
        doc["warnings"]
    );
}

#[test]
fn review_f17_file_warnings_are_per_repository_and_in_json() {
    // r: an index without childManifests; s: a plain image. Only r's row warns.
    let images = format!(
        r#"{{"imageDetails":[
 {{"repositoryName":"r","imageDigest":"{}","imageTags":["v1"],"imagePushedAt":"2026-01-01T00:00:00Z","imageManifestMediaType":"application/vnd.oci.image.index.v1+json"}},
 {{"repositoryName":"s","imageDigest":"{}","imageTags":["v1"],"imagePushedAt":"2026-01-01T00:00:00Z"}}]}}"#,
        d(1),
        d(2)
    );
    let run = preview(&images, UNTAGGED_1D, &["-o", "json"]);
    run.assert_code(0);
    let doc = run.json();
    let row = |name: &str| {
        doc["repositories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["repositoryName"] == name)
            .unwrap()
            .clone()
    };
    assert!(
        row("r")["warnings"].to_string().contains("childManifests"),
        "{}",
        run.stdout
    );
    assert_eq!(
        row("s")["warnings"],
        serde_json::json!([]),
        "{}",
        run.stdout
    );
    assert!(
        doc["warnings"].to_string().contains("r: ")
            && doc["warnings"].to_string().contains("childManifests"),
        "{}",
        run.stdout
    );

    // a saved with imageStatus, b without: b cannot show its archive, a can.
    let archive = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":90},"action":{"type":"expire"}}]}"#;
    let images = format!(
        r#"{{"imageDetails":[
 {{"repositoryName":"a","imageDigest":"{}","imagePushedAt":"2026-01-01T00:00:00Z","imageStatus":"ACTIVE"}},
 {{"repositoryName":"b","imageDigest":"{}","imagePushedAt":"2026-01-01T00:00:00Z"}}]}}"#,
        d(1),
        d(2)
    );
    let run = preview(&images, archive, &["-o", "json"]);
    run.assert_code(0);
    let doc = run.json();
    let warned: Vec<String> = doc["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["warnings"].to_string().contains("imageStatus=ANY"))
        .map(|r| r["repositoryName"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(warned, ["b"], "{}", run.stdout);
}

#[test]
fn review_f10_the_same_name_in_two_registries_is_two_repositories() {
    let images = format!(
        r#"{{"imageDetails":[
 {{"registryId":"111111111111","repositoryName":"team/api","imageDigest":"{}","imageTags":["prod-1"],"imagePushedAt":"2026-01-01T00:00:00Z"}},
 {{"registryId":"222222222222","repositoryName":"team/api","imageDigest":"{}","imageTags":["prod-2"],"imagePushedAt":"2026-01-02T00:00:00Z"}}]}}"#,
        d(1),
        d(2)
    );
    let run = preview(&images, KEEP_1, &["-o", "json"]);
    run.assert_code(0);
    let doc = run.json();
    let rows = doc["repositories"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{}", run.stdout);
    for row in rows {
        assert_eq!(row["expiring"], serde_json::json!([]), "{}", run.stdout);
    }
    assert_eq!(rows[0]["registryId"], "111111111111");
    assert_eq!(rows[1]["registryId"], "222222222222");
}
