//! `ecrctl scan gate` against moto (which reports one HIGH finding, CVE-9999-9999) and
//! offline against findings files covering basic and enhanced scanning.

use serde_json::{Value, json};

use crate::client::{boto3, ecr, moto_scan_result, put_image, run, temp_file, unique};
use crate::harness::{ACCOUNT, REGION};

/// A repository with one image `v1`; scanned when `scanned`.
fn image(scanned: bool) -> String {
    let repo = unique("gate/app");
    ecr(&["repo", "create", &repo]).assert_code(0);
    put_image(&repo, Some("v1"), &repo);
    if scanned {
        boto3(
            "start_image_scan",
            json!({ "repositoryName": repo, "imageId": { "imageTag": "v1" } }),
        );
    }
    format!("{repo}:v1")
}

#[test]
fn thresholds_against_moto() {
    let image = image(true);
    ecr(&["scan", "gate", &image, "--fail-on", "critical"]).assert_code(0);
    let run = ecr(&["scan", "gate", &image, "--fail-on", "high"]);
    run.assert_code(1);
    assert!(
        run.stdout.contains("CVE-9999-9999") && run.stdout.contains("moto_fake@9.9.9"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("scan gate failed: 1 blocking finding in 1 image"),
        "{}",
        run.stderr
    );
    // Default policy: fail on critical only.
    ecr(&["scan", "gate", &image]).assert_code(0);
    // Budgets.
    ecr(&["scan", "gate", &image, "--max-high", "1"]).assert_code(0);
    ecr(&["scan", "gate", &image, "--max-high", "0"]).assert_code(1);
}

#[test]
fn ignore_entries_pass_the_gate_until_they_expire() {
    let image = image(true);
    let current = temp_file(
        "ignore.toml",
        "[[ignore]]\nid = \"CVE-9999-9999\"\npackage = \"moto_fake\"\nuntil = \"2999-12-31\"\nreason = \"test fixture\"\n\n[[ignore]]\nid = \"CVE-0000-0001\"\n",
    );
    let run = ecr(&[
        "scan",
        "gate",
        &image,
        "--fail-on",
        "high",
        "--ignore-file",
        current.to_str().unwrap(),
        "-o",
        "json",
    ]);
    run.assert_code(0);
    let report = run.json();
    assert_eq!(report["verdict"], "pass");
    assert_eq!(report["images"][0]["ignored"][0]["id"], "CVE-9999-9999");
    assert_eq!(
        report["images"][0]["ignored"][0]["reason"],
        "ignore file until 2999-12-31: test fixture"
    );
    assert!(
        run.stderr
            .contains("ignore entry CVE-0000-0001 matched no finding"),
        "{}",
        run.stderr
    );

    let expired = temp_file(
        "ignore.toml",
        "[[ignore]]\nid = \"CVE-9999-9999\"\nuntil = \"2020-01-01\"\n",
    );
    let run = ecr(&[
        "scan",
        "gate",
        &image,
        "--fail-on",
        "high",
        "--ignore-file",
        expired.to_str().unwrap(),
    ]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("ignore entry CVE-9999-9999 expired at 2020-01-02T00:00:00Z"),
        "{}",
        run.stderr
    );

    let trivy = temp_file(".trivyignore", "# reviewed\nCVE-9999-9999 exp:2999-01-01\n");
    ecr(&[
        "scan",
        "gate",
        &image,
        "--fail-on",
        "high",
        "--ignore-file",
        trivy.to_str().unwrap(),
    ])
    .assert_code(0);
    let wrong_package = temp_file(
        "ignore.toml",
        "[[ignore]]\nid = \"CVE-9999-9999\"\npackage = \"openssl\"\n",
    );
    ecr(&[
        "scan",
        "gate",
        &image,
        "--fail-on",
        "high",
        "--ignore-file",
        wrong_package.to_str().unwrap(),
    ])
    .assert_code(1);
}

#[test]
fn bad_ignore_files_are_input_errors() {
    let image = image(true);
    for (name, text) in [
        (
            "i.toml",
            "[[ignore]]\nid = \"CVE-1\"\nexpires = \"2026-01-01\"\n",
        ),
        (
            "i.toml",
            "[[ignore]]\nid = \"CVE-1\"\nuntil = \"next week\"\n",
        ),
        (".trivyignore", "CVE-1 exp:2026-02-31\n"),
    ] {
        let file = temp_file(name, text);
        let run = ecr(&[
            "scan",
            "gate",
            &image,
            "--ignore-file",
            file.to_str().unwrap(),
        ]);
        run.assert_code(2);
        assert!(
            run.stderr.contains("is not a valid ignore file"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn start_scans_an_image_without_one_and_waits() {
    let image = image(false);
    let run = ecr(&["scan", "gate", &image]);
    run.assert_code(3);
    assert!(
        run.stderr.contains("has no scan") && run.stderr.contains("--start"),
        "{}",
        run.stderr
    );
    let run = ecr(&[
        "scan",
        "gate",
        &image,
        "--start",
        "--fail-on",
        "high",
        "-o",
        "json",
    ]);
    run.assert_code(1);
    assert_eq!(run.json()["images"][0]["scanStatus"], "COMPLETE");
}

#[test]
fn a_scan_that_never_finishes_times_out_with_exit_4() {
    let image = image(true);
    let (repo, tag) = image.split_once(':').unwrap();
    moto_scan_result(json!({
        "repositoryName": repo, "imageId": { "imageTag": tag },
        "imageScanStatus": { "status": "IN_PROGRESS", "description": "scanning" }
    }));
    let run = ecr(&["scan", "gate", &image, "--timeout", "3s"]);
    run.assert_code(4);
    assert!(
        run.stderr.contains("waiting for the scan of"),
        "periodic progress: {}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("was not finished after 3s (status IN_PROGRESS)"),
        "{}",
        run.stderr
    );
}

#[test]
fn full_uris_missing_images_and_failed_scans() {
    let image = image(true);
    let uri = format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{image}");
    ecr(&["scan", "gate", &uri, "--fail-on", "critical"]).assert_code(0);
    let (repo, _) = image.split_once(':').unwrap();
    let run = ecr(&["scan", "gate", &format!("{repo}:nope")]);
    run.assert_code(3);
    assert!(
        run.stderr.contains("ImageNotFoundException"),
        "{}",
        run.stderr
    );
    ecr(&["scan", "gate", "Bad Name:v1"]).assert_code(2);

    let failed = self::image(true);
    let (repo, tag) = failed.split_once(':').unwrap();
    moto_scan_result(json!({
        "repositoryName": repo, "imageId": { "imageTag": tag },
        "imageScanStatus": { "status": "FAILED", "description": "the scanner crashed" }
    }));
    let run = ecr(&["scan", "gate", &failed]);
    run.assert_code(3);
    assert!(
        run.stderr.contains("failed") && run.stderr.contains("the scanner crashed"),
        "{}",
        run.stderr
    );
}

fn enhanced_result(repo: &str, tag: &str) -> Value {
    json!({
        "repositoryName": repo, "imageId": { "imageTag": tag },
        "imageScanStatus": { "status": "ACTIVE", "description": "continuous scanning" },
        "imageScanFindings": { "enhancedFindings": [
            { "severity": "CRITICAL", "status": "ACTIVE", "fixAvailable": "NO", "exploitAvailable": "YES", "score": 9.8,
              "title": "CVE-2026-0001 - openssl",
              "packageVulnerabilityDetails": { "vulnerabilityId": "CVE-2026-0001", "sourceUrl": "https://nvd.nist.gov/vuln/detail/CVE-2026-0001",
                "vulnerablePackages": [{ "name": "openssl", "version": "3.0.1" }] } },
            { "severity": "HIGH", "status": "ACTIVE", "fixAvailable": "YES", "exploitAvailable": "NO", "score": 7.5,
              "title": "CVE-2026-0002 - zlib",
              "packageVulnerabilityDetails": { "vulnerabilityId": "CVE-2026-0002",
                "vulnerablePackages": [{ "name": "zlib", "version": "1.2.11", "fixedInVersion": "1.2.13" }] } },
            { "severity": "UNTRIAGED", "status": "ACTIVE", "title": "GHSA-xxxx",
              "packageVulnerabilityDetails": { "vulnerabilityId": "GHSA-xxxx", "vulnerablePackages": [{ "name": "lodash", "version": "4.0.0" }] } },
            { "severity": "CRITICAL", "status": "SUPPRESSED", "title": "CVE-2026-0003",
              "packageVulnerabilityDetails": { "vulnerabilityId": "CVE-2026-0003" } }
        ]}
    })
}

#[test]
fn enhanced_scans_live_with_fix_and_exploit_filters() {
    let image = image(true);
    let (repo, tag) = image.split_once(':').unwrap();
    moto_scan_result(enhanced_result(repo, tag));
    let run = ecr(&["scan", "gate", &image, "--fail-on", "high", "-o", "json"]);
    run.assert_code(1);
    let report = run.json();
    assert_eq!(report["images"][0]["scanType"], "enhanced");
    let blocking: Vec<&str> = report["images"][0]["blocking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        blocking,
        ["CVE-2026-0001", "CVE-2026-0002", "GHSA-xxxx"],
        "UNTRIAGED counts as critical unless mapped"
    );
    assert_eq!(
        report["images"][0]["ignored"][0]["reason"],
        "suppressed in Amazon Inspector"
    );
    // Unfixed CVE-0001 goes; CVE-0002 has a fix.
    ecr(&[
        "scan",
        "gate",
        &image,
        "--fail-on",
        "high",
        "--ignore-unfixed",
    ])
    .assert_code(1);
    // And CVE-0002 has no known exploit.
    ecr(&[
        "scan",
        "gate",
        &image,
        "--fail-on",
        "high",
        "--ignore-unfixed",
        "--only-exploitable",
        "--unknown-severity-as",
        "medium",
    ])
    .assert_code(0);
}

/// Offline files, written as `aws ecr describe-image-scan-findings --output json` prints.
fn basic_file() -> std::path::PathBuf {
    temp_file("basic.json", &json!({
        "registryId": ACCOUNT, "repositoryName": "team/api", "imageId": { "imageDigest": "sha256:1111", "imageTag": "v1" },
        "imageScanStatus": { "status": "COMPLETE", "description": "The scan was completed successfully." },
        "imageScanFindings": {
            "imageScanCompletedAt": "2026-01-01T00:00:00+00:00",
            "findingSeverityCounts": { "CRITICAL": 1, "MEDIUM": 2, "UNDEFINED": 1 },
            "findings": [
                { "name": "CVE-2025-1000", "uri": "https://security-tracker.debian.org/tracker/CVE-2025-1000", "severity": "CRITICAL",
                  "attributes": [{ "key": "package_name", "value": "glibc" }, { "key": "package_version", "value": "2.36" }, { "key": "CVSS3_SCORE", "value": "9.8" }] },
                { "name": "CVE-2025-2000", "severity": "MEDIUM", "attributes": [{ "key": "package_name", "value": "curl" }] },
                { "name": "CVE-2025-2001", "severity": "MEDIUM", "attributes": [{ "key": "package_name", "value": "curl" }] },
                { "name": "CVE-2025-3000", "severity": "UNDEFINED", "attributes": [] }
            ]
        }
    }).to_string())
}

fn enhanced_file() -> std::path::PathBuf {
    let mut doc = enhanced_result("team/web", "v2");
    doc["registryId"] = json!(ACCOUNT);
    temp_file("enhanced.json", &doc.to_string())
}

fn offline(extra: &[&str]) -> crate::client::Run {
    let (basic, enhanced) = (basic_file(), enhanced_file());
    let mut args = vec![
        "scan",
        "gate",
        "--findings",
        basic.to_str().unwrap(),
        "--findings",
        enhanced.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    ecr(&args)
}

#[test]
fn offline_files_cover_every_option() {
    let run = offline(&["--fail-on", "critical", "-o", "json"]);
    run.assert_code(1);
    let report = run.json();
    assert_eq!(report["images"][0]["image"], "team/api:v1");
    assert_eq!(report["images"][1]["image"], "team/web:v2");
    assert_eq!(report["images"][0]["counts"]["critical"]["blocking"], 2);
    assert_eq!(
        report["images"][0]["counts"]["critical"]["found"], 2,
        "UNDEFINED counts as critical by default"
    );
    assert!(
        offline(&[
            "--fail-on",
            "critical",
            "-o",
            "json",
            "--unknown-severity-as",
            "low"
        ])
        .json()["images"][0]["counts"]["low"]["found"]
            == 1
    );

    // Budgets: 2 medium + 1 undefined-as-medium.
    let ignore_critical = temp_file(
        "i.toml",
        "[[ignore]]\nid = \"CVE-2025-1000\"\nreason = \"not reachable\"\n[[ignore]]\nid = \"CVE-2026-0001\"\n[[ignore]]\nid = \"CVE-2026-0002\"\n",
    );
    let path = ignore_critical.to_str().unwrap();
    offline(&[
        "--unknown-severity-as",
        "medium",
        "--max-medium",
        "3",
        "--max-critical",
        "0",
        "--ignore-file",
        path,
    ])
    .assert_code(0);
    offline(&[
        "--unknown-severity-as",
        "medium",
        "--max-medium",
        "2",
        "--max-critical",
        "0",
        "--ignore-file",
        path,
    ])
    .assert_code(1);
    // --ignore-unfixed / --only-exploitable: a note for basic findings, effective for enhanced.
    let run = offline(&[
        "--unknown-severity-as",
        "medium",
        "--fail-on",
        "critical",
        "--ignore-unfixed",
        "--only-exploitable",
        "--ignore-file",
        path,
    ]);
    run.assert_code(0);
    assert!(
        run.stderr
            .contains("basic scan findings do not say whether a fix"),
        "{}",
        run.stderr
    );
    // Exit 2 for bad input.
    ecr(&["scan", "gate"]).assert_code(2);
    let garbage = temp_file("garbage.json", "{\"hello\": 1}");
    ecr(&["scan", "gate", "--findings", garbage.to_str().unwrap()]).assert_code(2);
    ecr(&["scan", "gate", "--findings", "/nonexistent.json"]).assert_code(2);
    ecr(&[
        "scan",
        "gate",
        "--findings",
        garbage.to_str().unwrap(),
        "--fail-on",
        "severe",
    ])
    .assert_code(2);
}

#[test]
fn sarif_validates_against_the_schema_and_junit_parses() {
    let dir = temp_file("x", "").parent().unwrap().to_path_buf();
    let (sarif, junit) = (dir.join("scan.sarif"), dir.join("scan.xml"));
    let ignore = temp_file(
        "i.toml",
        "[[ignore]]\nid = \"CVE-2025-2000\"\nreason = \"accepted risk\"\n",
    );
    offline(&[
        "--fail-on",
        "high",
        "--ignore-file",
        ignore.to_str().unwrap(),
        "--sarif",
        sarif.to_str().unwrap(),
        "--sarif-include-ignored",
        "--junit",
        junit.to_str().unwrap(),
    ])
    .assert_code(1);

    let schema: Value =
        serde_json::from_str(include_str!("../fixtures/sarif-schema-2.1.0.json")).unwrap();
    let document: Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    let validator = jsonschema::draft7::new(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    let results = document["runs"][0]["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "CVE-2025-1000" && r["level"] == "error")
    );
    assert!(results.iter().any(|r| r["ruleId"] == "CVE-2025-2000"
        && r["suppressions"][0]["justification"] == "ignore file: accepted risk"));
    let rules = document["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r["id"] == "CVE-2025-1000" && r["properties"]["security-severity"] == "9.8")
    );

    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("JUnit is XML");
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 2);
    assert!(
        cases
            .iter()
            .all(|c| c.children().any(|f| f.has_tag_name("failure")))
    );
    let failure = cases[0]
        .children()
        .find(|f| f.has_tag_name("failure"))
        .unwrap();
    assert!(
        failure
            .text()
            .unwrap()
            .contains("CVE-2025-1000 CRITICAL glibc@2.36")
    );
    assert_eq!(doc.root_element().attribute("failures"), Some("2"));
}

#[test]
fn github_actions_annotations_and_step_summary() {
    let summary = temp_file("summary.md", "# earlier step\n");
    let (basic, enhanced) = (basic_file(), enhanced_file());
    let run = run(crate::client::ecrctl()
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args([
            "scan",
            "gate",
            "--findings",
            basic.to_str().unwrap(),
            "--findings",
            enhanced.to_str().unwrap(),
            "--fail-on",
            "critical",
        ]));
    run.assert_code(1);
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("::error title=CVE-2025-1000 (critical) in team/api%3Av1::")),
        "{}",
        run.stderr
    );
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("# earlier step\n"),
        "appended, not replaced"
    );
    assert!(
        text.contains("## ECR scan gate") && text.contains("| `team/api:v1` | **fail** |"),
        "{text}"
    );
}

#[test]
fn untrusted_finding_text_never_reaches_a_terminal_raw() {
    let file = temp_file(
        "hostile.json",
        &json!({
            "repositoryName": "team/api", "imageId": { "imageTag": "v1" },
            "imageScanStatus": { "status": "COMPLETE" },
            "imageScanFindings": { "findings": [{
                "name": "CVE-2025-1\u{1b}]0;PWNED\u{7}", "severity": "CRITICAL",
                "attributes": [
                    { "key": "package_name", "value": "openssl\u{1b}[2J\u{202e}evil" },
                    { "key": "package_version", "value": "1\u{9b}31m" }
                ] }] }
        })
        .to_string(),
    );
    let run = crate::client::run(
        crate::client::ecrctl()
            .env("GITHUB_ACTIONS", "true")
            .args(["scan", "gate", "--findings"])
            .arg(&file),
    );
    run.assert_code(1);
    for text in [&run.stdout, &run.stderr] {
        assert!(
            !text.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']),
            "{text:?}"
        );
    }
    assert!(run.stderr.contains("::error title="), "{}", run.stderr);
}

// ---- Fail closed: every incomplete or unclear input fails the gate.

/// `describe-image-scan-findings` output of `team/paged:v1` as the AWS CLI prints one page
/// with `--max-items` (a `NextToken`), or the last page (none). ECR counts 3 findings.
fn paged(token: Option<&str>, names: &[&str]) -> Value {
    let findings: Vec<Value> = names
        .iter()
        .map(|n| json!({ "name": n, "severity": "HIGH", "attributes": [{ "key": "package_name", "value": "zlib" }] }))
        .collect();
    let mut doc = json!({
        "registryId": ACCOUNT, "repositoryName": "team/paged",
        "imageId": { "imageDigest": "sha256:2222", "imageTag": "v1" },
        "imageScanStatus": { "status": "COMPLETE", "description": "The scan was completed successfully." },
        "imageScanFindings": { "findingSeverityCounts": { "HIGH": 3 }, "findings": findings }
    });
    if let Some(token) = token {
        doc["NextToken"] = json!(token);
    }
    doc
}

fn gate_files(files: &[&std::path::PathBuf], extra: &[&str]) -> crate::client::Run {
    let mut args = vec!["scan", "gate"];
    for f in files {
        args.extend(["--findings", f.to_str().unwrap()]);
    }
    args.extend_from_slice(extra);
    ecr(&args)
}

#[test]
fn a_truncated_page_fails_and_pages_of_one_image_merge() {
    let first = paged(Some("eyJOZXh0VG9rZW4iOiAiYWJjIn0="), &["CVE-1", "CVE-2"]);
    let last = paged(None, &["CVE-3"]);
    let page = temp_file("page1.json", &first.to_string());
    let run = gate_files(&[&page], &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains(&format!(
            "{} is one page of 3 findings (2 listed); save all pages (drop --max-items) or pass them all",
            page.display()
        )),
        "{}",
        run.stderr
    );
    let page2 = temp_file("page2.json", &last.to_string());
    let concatenated = temp_file("pages.json", &format!("{first}\n{last}\n"));
    let array = temp_file("pages-array.json", &json!([first, last]).to_string());
    for files in [vec![&page, &page2], vec![&concatenated], vec![&array]] {
        let run = gate_files(&files, &["--fail-on", "high", "-o", "json"]);
        run.assert_code(1);
        let report = run.json();
        let images = report["images"].as_array().unwrap();
        assert_eq!(images.len(), 1, "one image, not one per page: {files:?}");
        assert_eq!(images[0]["image"], "team/paged:v1");
        assert_eq!(images[0]["counts"]["high"]["found"], 3);
        assert!(
            !run.stderr.contains("findingSeverityCounts"),
            "{}",
            run.stderr
        );
    }
    // The same scan twice is refused, not counted twice.
    let run = gate_files(&[&page2, &page2], &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("the same scan given twice"),
        "{}",
        run.stderr
    );
    // A page given twice cannot stand in for a missing one.
    let first_again = temp_file("page1-again.json", &first.to_string());
    let run = gate_files(&[&page, &first_again, &page2], &["--fail-on", "high"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("is on two pages of one scan"),
        "{}",
        run.stderr
    );
    // The middle page missing: the counts show it.
    let middle_missing = temp_file(
        "pages-gap.json",
        &format!("{}\n{last}", paged(Some("t1"), &["CVE-1"])),
    );
    let run = gate_files(&[&middle_missing], &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("one page of 3 findings (2 listed)"),
        "{}",
        run.stderr
    );
}

#[test]
fn counts_that_disagree_with_the_list_fail_the_gate() {
    // ECR counts a CRITICAL finding the list lacks: the gate does not pass on the list.
    let mut doc = paged(None, &["CVE-1"]);
    doc["imageScanFindings"]["findingSeverityCounts"] = json!({ "HIGH": 1, "CRITICAL": 1 });
    let file = temp_file("short.json", &doc.to_string());
    let run = gate_files(&[&file], &[]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("ECR counts 1 CRITICAL findings (findingSeverityCounts) but 0 are listed"),
        "{}",
        run.stderr
    );
    let run = gate_files(&[&file], &["-o", "json"]);
    run.assert_code(1);
    assert_eq!(
        run.json()["images"][0]["blocking"][0]["id"],
        "UNLISTED-CRITICAL"
    );
    // Budgets apply to the larger count: 3 HIGH counted, 1 listed.
    doc["imageScanFindings"]["findingSeverityCounts"] = json!({ "HIGH": 3 });
    let file = temp_file("short.json", &doc.to_string());
    gate_files(&[&file], &["--max-high", "2"]).assert_code(1);
    gate_files(&[&file], &["--max-high", "3"]).assert_code(0);

    // Live: the counts come from DescribeImageScanFindings too.
    let image = image(true);
    let (repo, tag) = image.split_once(':').unwrap();
    moto_scan_result(json!({
        "repositoryName": repo, "imageId": { "imageTag": tag },
        "imageScanStatus": { "status": "COMPLETE", "description": "The scan was completed successfully." },
        "imageScanFindings": {
            "findingSeverityCounts": { "HIGH": 1, "CRITICAL": 2 },
            "findings": [{ "name": "CVE-9999-1", "severity": "HIGH", "attributes": [] }]
        }
    }));
    let run = ecr(&["scan", "gate", &image]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("ECR counts 2 CRITICAL findings"),
        "{}",
        run.stderr
    );
}

#[test]
fn wrong_shapes_are_rejected_not_passed() {
    let status =
        json!({ "status": "COMPLETE", "description": "The scan was completed successfully." });
    let cases = [
        (
            json!({ "repositoryName": "a", "imageScanStatus": status, "imageScanFindings": {} }),
            "$.imageScanFindings: no findings",
        ),
        (
            json!({ "repositoryName": "a", "imageScanStatus": status }),
            "$.imageScanFindings: missing",
        ),
        (
            json!({ "repositoryName": "a", "imageScanStatus": status, "imageScanFindings": { "findings": { "name": "CVE-1" } } }),
            "$.imageScanFindings.findings: invalid type: map",
        ),
        (
            json!({ "repositoryName": "a", "imageScanStatus": status, "imageScanFindings": { "findings": "CRITICAL" } }),
            "$.imageScanFindings.findings: invalid type: string",
        ),
    ];
    for (doc, why) in cases {
        let file = temp_file("shape.json", &doc.to_string());
        let run = gate_files(&[&file], &[]);
        run.assert_code(2);
        assert!(run.stderr.contains(why), "{doc}: {}", run.stderr);
    }
    // What ECR prints for a clean image passes.
    let clean = temp_file(
        "clean.json",
        &json!({ "repositoryName": "a", "imageScanStatus": status,
                 "imageScanFindings": { "findingSeverityCounts": {} } })
        .to_string(),
    );
    gate_files(&[&clean], &[]).assert_code(0);
}

#[test]
fn budgets_never_switch_off_the_threshold() {
    let file = basic_file(); // 1 critical, 2 medium, 1 undefined
    let run = gate_files(
        &[&file],
        &["--max-high", "5", "--unknown-severity-as", "low"],
    );
    run.assert_code(1);
    assert!(run.stdout.contains("CVE-2025-1000"), "{}", run.stdout);
    let run = gate_files(&[&file], &["--fail-on", "high", "--max-high", "5"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains(
            "--max-high 5 contradicts --fail-on high: any high finding already fails the gate"
        ),
        "{}",
        run.stderr
    );
    let run = gate_files(&[&file], &["--max-critical", "2"]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("contradicts the default --fail-on critical")
            && run.stderr.contains("--fail-on none"),
        "{}",
        run.stderr
    );
    // Budgets alone, when asked for.
    gate_files(
        &[&file],
        &[
            "--fail-on",
            "none",
            "--max-critical",
            "2",
            "--unknown-severity-as",
            "low",
        ],
    )
    .assert_code(0);
    gate_files(&[&file], &["--fail-on", "none", "--max-critical", "1"]).assert_code(1);
    // No threshold and no budget: a gate that can never fail is a usage error.
    let run = gate_files(&[&file], &["--fail-on", "none"]);
    run.assert_code(2);
    assert!(run.stderr.contains("can never fail"), "{}", run.stderr);
}

#[test]
fn an_unknown_severity_counts_as_critical_with_a_warning() {
    let file = temp_file(
        "extreme.json",
        &json!({ "repositoryName": "team/x", "imageId": { "imageTag": "v1" },
            "imageScanStatus": { "status": "COMPLETE" },
            "imageScanFindings": { "findings": [{ "name": "CVE-2030-1", "severity": "EXTREME", "attributes": [] }] } })
        .to_string(),
    );
    let run = gate_files(&[&file], &["--fail-on", "critical", "-o", "json"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("1 finding has a severity the gate does not know (EXTREME ×1): counted as critical; map them with --unknown-severity-as"),
        "{}",
        run.stderr
    );
    assert_eq!(run.json()["images"][0]["counts"]["critical"]["blocking"], 1);
    let run = gate_files(&[&file], &["--unknown-severity-as", "medium"]);
    run.assert_code(0);
    assert!(!run.stderr.contains("does not know"), "{}", run.stderr);
}

#[test]
fn the_timeout_bounds_the_whole_gate() {
    let help = ecr(&["scan", "gate", "--help"]);
    assert!(
        help.stdout
            .contains("How long the whole gate waits for all scans together, not each image"),
        "{}",
        help.stdout
    );
    let images: Vec<String> = (0..2)
        .map(|_| {
            let image = image(true);
            let (repo, tag) = image.split_once(':').unwrap();
            moto_scan_result(json!({
                "repositoryName": repo, "imageId": { "imageTag": tag },
                "imageScanStatus": { "status": "IN_PROGRESS" }
            }));
            image
        })
        .collect();
    let began = std::time::Instant::now();
    let run = ecr(&[
        "scan",
        "gate",
        &images[0],
        &images[1],
        "--jobs",
        "1",
        "--timeout",
        "3s",
    ]);
    run.assert_code(4);
    assert!(
        began.elapsed() < std::time::Duration::from_secs(6),
        "two images one after the other still end at one deadline: {:?}",
        began.elapsed()
    );
}

#[test]
fn saved_unfinished_scans_keep_their_meaning() {
    let saved = |status: &str, description: &str| {
        temp_file(
            "status.json",
            &json!({ "repositoryName": "team/api", "imageId": { "imageTag": "v7" },
                "imageScanStatus": { "status": status, "description": description } })
            .to_string(),
        )
    };
    let cases = [
        (
            "FAILED",
            "the scanner crashed",
            "the saved scan of team/api:v7 failed",
            "--start --rescan-failed",
        ),
        (
            "UNSUPPORTED_IMAGE",
            "UnsupportedImageError: The operating system is not supported",
            "ECR does not support this image's OS",
            "enhanced scanning",
        ),
        (
            "LIMIT_EXCEEDED",
            "Scan quota exceeded",
            "the scan quota was exceeded",
            "wait for the quota",
        ),
        (
            "IN_PROGRESS",
            "",
            "the saved scan of team/api:v7 is not finished (status IN_PROGRESS)",
            "once the scan is COMPLETE",
        ),
    ];
    for (status, description, message, hint) in cases {
        let run = gate_files(&[&saved(status, description)], &[]);
        run.assert_code(3);
        for expected in [message, description, hint] {
            assert!(
                run.stderr.contains(expected),
                "{status}: {expected}: {}",
                run.stderr
            );
        }
    }
}

#[test]
fn rescan_failed_starts_a_new_scan_when_asked() {
    let failed = image(true);
    let (repo, tag) = failed.split_once(':').unwrap();
    moto_scan_result(json!({
        "repositoryName": repo, "imageId": { "imageTag": tag },
        "imageScanStatus": { "status": "FAILED", "description": "the scanner crashed" }
    }));
    let run = ecr(&["scan", "gate", &failed]);
    run.assert_code(3);
    assert!(
        run.stderr
            .contains("pass --start --rescan-failed to start a new scan"),
        "{}",
        run.stderr
    );
    ecr(&["scan", "gate", &failed, "--rescan-failed"]).assert_code(2);
    // The image was scanned today, so ECR (and moto) refuse another: the gate asked.
    let run = ecr(&["scan", "gate", &failed, "--start", "--rescan-failed"]);
    run.assert_code(3);
    assert!(
        run.stderr
            .contains(&format!("ECR refused a new scan of {failed}"))
            && run.stderr.contains("the scanner crashed"),
        "{}",
        run.stderr
    );
}

// ---- Reports people and scripts can use ----

/// `ecrctl ARGS…` with standard input read from `stdin`.
fn with_stdin(stdin: &std::path::Path, args: &[&str]) -> crate::client::Run {
    run(crate::client::ecrctl()
        .args(args)
        .stdin(std::fs::File::open(stdin).unwrap()))
}

#[test]
fn findings_from_standard_input_and_upper_case_severities() {
    let basic = basic_file();
    let run = with_stdin(
        &basic,
        &[
            "scan",
            "gate",
            "--findings",
            "-",
            "--fail-on",
            "CRITICAL",
            "--unknown-severity-as",
            "LOW",
            "-o",
            "json",
        ],
    );
    run.assert_code(1);
    let report = run.json();
    assert_eq!(report["images"][0]["image"], "team/api:v1");
    assert_eq!(report["images"][0]["counts"]["low"]["found"], 1);
    // Standard input with a file: two images.
    let enhanced = enhanced_file();
    let run = with_stdin(
        &basic,
        &[
            "scan",
            "gate",
            "--findings",
            "-",
            "--findings",
            enhanced.to_str().unwrap(),
            "--fail-on",
            "High",
            "-o",
            "json",
        ],
    );
    run.assert_code(1);
    assert_eq!(run.json()["images"].as_array().unwrap().len(), 2);
    // Standard input can be read once.
    let run = with_stdin(
        &basic,
        &["scan", "gate", "--findings", "-", "--findings", "-"],
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains("--findings - is given more than once"),
        "{}",
        run.stderr
    );
    ecr(&[
        "scan",
        "gate",
        "--findings",
        "x.json",
        "--fail-on",
        "SEVERE",
    ])
    .assert_code(2);
}

/// One CVE in two packages (a PARTIAL fix: only zlib has one), one unfixed CVE, one
/// medium below the threshold.
fn partial_result(repo: &str, tag: &str) -> Value {
    json!({
        "repositoryName": repo, "imageId": { "imageTag": tag },
        "imageScanStatus": { "status": "ACTIVE", "description": "continuous scanning" },
        "imageScanFindings": { "enhancedFindings": [
            { "severity": "CRITICAL", "status": "ACTIVE", "fixAvailable": "PARTIAL", "exploitAvailable": "YES", "score": 9.1,
              "title": "CVE-2026-1000 - zlib, minizip",
              "packageVulnerabilityDetails": { "vulnerabilityId": "CVE-2026-1000", "sourceUrl": "https://nvd.nist.gov/vuln/detail/CVE-2026-1000",
                "vulnerablePackages": [
                    { "name": "zlib", "version": "1.2.11", "fixedInVersion": "1.2.13" },
                    { "name": "minizip", "version": "1.2.11", "fixedInVersion": "NotAvailable" }] } },
            { "severity": "MEDIUM", "status": "ACTIVE", "fixAvailable": "YES", "exploitAvailable": "NO", "score": 5.0,
              "title": "CVE-2026-2000 - curl",
              "packageVulnerabilityDetails": { "vulnerabilityId": "CVE-2026-2000",
                "vulnerablePackages": [{ "name": "curl", "version": "8.0", "fixedInVersion": "8.1" }] } }
        ]}
    })
}

#[test]
fn json_lists_every_finding_with_its_state_and_counts_as_ecr_does() {
    let image = image(true);
    let (repo, tag) = image.split_once(':').unwrap();
    moto_scan_result(partial_result(repo, tag));
    let run = ecr(&["scan", "gate", &image, "--fail-on", "high", "-o", "json"]);
    run.assert_code(1);
    let report = run.json();
    let img = &report["images"][0];
    // ECR counts a vulnerability once, however many packages it hits.
    assert_eq!(img["counts"]["critical"]["found"], 1);
    assert_eq!(img["counts"]["critical"]["blocking"], 1);
    assert_eq!(img["counts"]["medium"]["found"], 1);
    let states: Vec<(&str, &str, &str)> = img["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap(),
                f["package"].as_str().unwrap(),
                f["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("CVE-2026-1000", "zlib", "blocking"),
            ("CVE-2026-1000", "minizip", "blocking"),
            ("CVE-2026-2000", "curl", "allowed"),
        ]
    );
    assert_eq!(img["findings"][2]["reason"], "below --fail-on high");

    // --ignore-unfixed per package: minizip has no fix, zlib has one.
    let run = ecr(&[
        "scan",
        "gate",
        &image,
        "--fail-on",
        "high",
        "--ignore-unfixed",
        "-o",
        "json",
    ]);
    run.assert_code(1);
    let img = &run.json()["images"][0];
    let find = |package: &str| {
        img["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["package"] == package)
            .unwrap()
            .clone()
    };
    assert_eq!(find("zlib")["state"], "blocking");
    assert_eq!(find("minizip")["state"], "ignored");
    assert_eq!(
        find("minizip")["reason"],
        "no fix available (--ignore-unfixed)"
    );
    // Still one critical vulnerability, blocking (zlib), not ignored.
    assert_eq!(img["counts"]["critical"]["found"], 1);
    assert_eq!(img["counts"]["critical"]["ignored"], 0);
}

fn utc_date(days_from_today: i64) -> String {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    today
        .checked_add(jiff::Span::new().days(days_from_today))
        .unwrap()
        .to_string()
}

/// The basic file's CRITICAL CVE-2025-1000 (glibc) with an ignore file, with the runner's
/// clock in a time zone far from UTC.
fn gate_with_ignore(name: &str, text: &str, tz: &str) -> crate::client::Run {
    let ignore = temp_file(name, text);
    let basic = basic_file();
    run(crate::client::ecrctl().env("TZ", tz).args([
        "scan",
        "gate",
        "--findings",
        basic.to_str().unwrap(),
        "--fail-on",
        "critical",
        // The fixture's UNDEFINED finding is not what these tests are about.
        "--unknown-severity-as",
        "medium",
        "--ignore-file",
        ignore.to_str().unwrap(),
        "-o",
        "json",
    ]))
}

#[test]
fn trivyignore_files_as_trivy_reads_them() {
    // Remarks after the id, a byte order mark, comments.
    let run = gate_with_ignore(
        ".trivyignore",
        "\u{feff}# reviewed 2026-01\nCVE-2025-1000 glibc not reachable, see SEC-12\n",
        "UTC",
    );
    run.assert_code(0);
    let report = run.json();
    let glibc = report["images"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "CVE-2025-1000")
        .unwrap()
        .clone();
    assert_eq!(glibc["state"], "ignored");
    // exp:DATE stops applying at 00:00 UTC of that date: today's date has expired,
    // tomorrow's has not — whatever the runner's time zone.
    for tz in ["Pacific/Kiritimati", "Etc/GMT+12", "UTC"] {
        let run = gate_with_ignore(
            ".trivyignore",
            &format!("CVE-2025-1000 exp:{}\n", utc_date(0)),
            tz,
        );
        run.assert_code(1);
        assert!(
            run.stderr.contains(&format!(
                "ignore entry CVE-2025-1000 expired at {}T00:00:00Z",
                utc_date(0)
            )),
            "{tz}: {}",
            run.stderr
        );
        gate_with_ignore(
            ".trivyignore",
            &format!("CVE-2025-1000 exp:{}\n", utc_date(1)),
            tz,
        )
        .assert_code(0);
        // ecrctl's TOML `until` is the last day it applies, in UTC.
        gate_with_ignore(
            "ignore.toml",
            &format!(
                "[[ignore]]\nid = \"CVE-2025-1000\"\nuntil = \"{}\"\n",
                utc_date(0)
            ),
            tz,
        )
        .assert_code(0);
        gate_with_ignore(
            "ignore.toml",
            &format!(
                "[[ignore]]\nid = \"CVE-2025-1000\"\nuntil = \"{}\"\n",
                utc_date(-1)
            ),
            tz,
        )
        .assert_code(1);
    }
}

#[test]
fn trivyignore_yaml_with_purls_statements_and_expiry() {
    let yaml = format!(
        "vulnerabilities:\n  - id: CVE-2025-1000\n    purls:\n      - pkg:deb/debian/glibc@2.36\n    statement: no setuid binaries\n    expired_at: {}\n  - id: CVE-2025-2000\n    paths:\n      - usr/lib/libcurl.so\nmisconfigurations:\n  - id: AVD-DS-0002\n",
        utc_date(30)
    );
    let run = gate_with_ignore(".trivyignore.yaml", &yaml, "UTC");
    run.assert_code(0);
    let report = run.json();
    let ignored = &report["images"][0]["ignored"][0];
    assert_eq!(ignored["id"], "CVE-2025-1000");
    assert_eq!(
        ignored["reason"],
        format!("ignore file until {}: no setuid binaries", utc_date(29))
    );
    assert!(
        run.stderr
            .contains("ignore entry CVE-2025-2000 (paths only) names only file paths"),
        "{}",
        run.stderr
    );
    // Another version of the package: the entry does not apply.
    let other = yaml.replace("glibc@2.36", "glibc@2.37");
    gate_with_ignore(".trivyignore.yaml", &other, "UTC").assert_code(1);
    // Expired.
    let expired = yaml.replace(&utc_date(30), &utc_date(0));
    gate_with_ignore(".trivyignore.yaml", &expired, "UTC").assert_code(1);
    // Bad YAML entries are input errors.
    let run = gate_with_ignore(
        ".trivyignore.yaml",
        "vulnerabilities:\n  - id: CVE-1\n    expired_at: soon\n",
        "UTC",
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains("is not a valid ignore file"),
        "{}",
        run.stderr
    );
}

fn failed_scan_file() -> std::path::PathBuf {
    temp_file(
        "failed.json",
        &json!({
            "repositoryName": "team/broken", "imageId": { "imageTag": "v9" },
            "imageScanStatus": { "status": "FAILED", "description": "UnsupportedImageError: The operating system is not supported" },
            "imageScanFindings": { "findings": [] }
        })
        .to_string(),
    )
}

fn gitlab_errors(report: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(include_str!(
        "../fixtures/gitlab-container-scanning-report-format-15.0.6.json"
    ))
    .unwrap();
    let validator = jsonschema::draft7::new(&schema).expect("the GitLab schema compiles");
    validator
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

#[test]
fn gitlab_report_follows_the_published_schema() {
    let dir = temp_file("x", "").parent().unwrap().to_path_buf();
    let path = dir.join("gl-container-scanning-report.json");
    let ignore = temp_file(
        "i.toml",
        "[[ignore]]\nid = \"CVE-2025-2000\"\nreason = \"accepted risk\"\n",
    );
    offline(&[
        "--fail-on",
        "high",
        "--ignore-file",
        ignore.to_str().unwrap(),
        "--gitlab-report",
        path.to_str().unwrap(),
    ])
    .assert_code(1);
    let report: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let errors = gitlab_errors(&report);
    assert!(errors.is_empty(), "GitLab schema errors: {errors:#?}");
    assert_eq!(report["scan"]["type"], "container_scanning");
    assert_eq!(report["scan"]["status"], "success");
    let vulns = report["vulnerabilities"].as_array().unwrap();
    let critical = vulns.iter().find(|v| v["name"] == "CVE-2025-1000").unwrap();
    assert_eq!(critical["severity"], "Critical");
    assert_eq!(critical["location"]["image"], "team/api:v1");
    assert_eq!(
        critical["location"]["dependency"]["package"]["name"],
        "glibc"
    );
    assert_eq!(critical["identifiers"][0]["type"], "cve");
    assert!(
        vulns.iter().all(|v| v["name"] != "CVE-2025-2000"),
        "ignored findings are left out"
    );
    assert!(
        vulns.iter().any(|v| v["severity"] == "Unknown"),
        "UNDEFINED"
    );

    // An image that could not be gated: a failed scan, not an empty "all fixed" report.
    let (basic, failed) = (basic_file(), failed_scan_file());
    ecr(&[
        "scan",
        "gate",
        "--findings",
        basic.to_str().unwrap(),
        "--findings",
        failed.to_str().unwrap(),
        "--gitlab-report",
        path.to_str().unwrap(),
    ])
    .assert_code(3);
    let report: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(gitlab_errors(&report).is_empty());
    assert_eq!(report["scan"]["status"], "failure");
    assert_eq!(report["scan"]["messages"][0]["level"], "fatal");
    assert!(
        report["scan"]["messages"][0]["value"]
            .as_str()
            .unwrap()
            .contains("team/broken:v9"),
        "{report}"
    );
    // Checked before anything is read.
    ecr(&[
        "scan",
        "gate",
        "--findings",
        basic.to_str().unwrap(),
        "--gitlab-report",
        dir.join("missing/gl.json").to_str().unwrap(),
    ])
    .assert_code(2);
}

#[test]
fn junit_names_are_stable_per_finding_and_errors_say_why() {
    let dir = temp_file("x", "").parent().unwrap().to_path_buf();
    let ignore = temp_file(
        "i.toml",
        "[[ignore]]\nid = \"CVE-2025-2000\"\nreason = \"accepted risk\"\n",
    );
    let failed = failed_scan_file();
    let names = |tag: &str, file: &str| {
        let mut doc: Value =
            serde_json::from_str(&std::fs::read_to_string(basic_file()).unwrap()).unwrap();
        doc["imageId"]["imageTag"] = json!(tag);
        doc["imageId"]["imageDigest"] = json!(format!("sha256:{tag}"));
        let findings = temp_file("f.json", &doc.to_string());
        let junit = dir.join(file);
        ecr(&[
            "scan",
            "gate",
            "--findings",
            findings.to_str().unwrap(),
            "--findings",
            failed.to_str().unwrap(),
            "--ignore-file",
            ignore.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
            "--junit-per-finding",
        ])
        .assert_code(3);
        let xml = std::fs::read_to_string(&junit).unwrap();
        let doc = roxmltree::Document::parse(&xml).expect("JUnit is XML");
        let suite = doc
            .descendants()
            .find(|n| n.has_tag_name("testsuite"))
            .unwrap();
        assert!(suite.attribute("time").is_some(), "{xml}");
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .map(|c| {
                let status = c
                    .children()
                    .find(|n| n.is_element() && !n.has_tag_name("properties"))
                    .map(|n| {
                        format!(
                            "{} {}",
                            n.tag_name().name(),
                            n.attribute("message").unwrap_or_default()
                        )
                    });
                (
                    format!(
                        "{}/{}",
                        c.attribute("classname").unwrap(),
                        c.attribute("name").unwrap()
                    ),
                    status,
                )
            })
            .collect::<Vec<_>>()
    };
    let v1 = names("v1", "v1.xml");
    let v2 = names("v2", "v2.xml");
    assert_eq!(v1, v2, "the same names for another tag");
    let find = |name: &str| v1.iter().find(|(n, _)| n == name).unwrap().1.clone();
    assert!(
        find("team/api/CVE-2025-1000 (glibc)")
            .unwrap()
            .starts_with("failure CVE-2025-1000 CRITICAL in glibc@2.36")
    );
    assert_eq!(
        find("team/api/CVE-2025-2000 (curl)").unwrap(),
        "skipped ignore file: accepted risk"
    );
    assert_eq!(
        find("team/api/CVE-2025-2001 (curl)"),
        None,
        "allowed: passes"
    );
    assert!(
        find("ecr.scan/team/broken")
            .unwrap()
            .starts_with("error team/broken:v9: "),
        "{v1:?}"
    );
}

#[test]
fn github_annotations_are_escaped_summarized_and_attached() {
    let summary = temp_file("summary.md", "");
    let findings: Vec<Value> = (0..12)
        .map(|i| json!({ "name": format!("CVE-2025-9{i:03}"), "severity": if i == 11 { "CRITICAL" } else { "HIGH" },
            "attributes": [{ "key": "package_name", "value": "lib|pipe" }] }))
        .collect();
    let many = temp_file(
        "many.json",
        &json!({ "repositoryName": "team/api", "imageId": { "imageTag": "v1" },
            "imageScanStatus": { "status": "COMPLETE" }, "imageScanFindings": { "findings": findings } })
        .to_string(),
    );
    let failed = failed_scan_file();
    let run = run(crate::client::ecrctl()
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args([
            "scan",
            "gate",
            "--fail-on",
            "high",
            "--annotation-file",
            "build/Dockerfile",
            "--findings",
        ])
        .arg(&many)
        .arg("--findings")
        .arg(&failed));
    run.assert_code(3);
    let annotations: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 11, "{annotations:#?}");
    assert!(
        annotations[0].starts_with("::error title=scan gate could not judge team/broken%3Av9,file=build/Dockerfile,line=1::"),
        "{}",
        annotations[0]
    );
    assert!(
        annotations[1].starts_with(
            "::error title=CVE-2025-9011 (critical) in team/api%3Av1,file=build/Dockerfile,line=1::"
        ),
        "most severe first: {}",
        annotations[1]
    );
    assert!(annotations[10].starts_with("::notice title=scan gate::3 more not annotated"));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.contains("Thresholds: `--fail-on high`"), "{text}");
    assert!(
        text.contains("| `team/api:v1` | CVE-2025-9011 | critical (CRITICAL) | lib\\|pipe |"),
        "{text}"
    );
    assert!(
        text.contains("### Images that could not be gated"),
        "{text}"
    );
    assert!(
        text.contains("the saved scan of team/broken:v9 failed"),
        "{text}"
    );
}

/// docs/scan.md's GitHub Actions and GitLab CI examples are valid YAML and use only flags
/// the gate has, and the report files they upload are the ones the gate writes.
#[test]
fn ci_examples_in_the_docs_use_real_flags() {
    let doc = include_str!("../../docs/scan.md");
    let help = ecr(&["scan", "gate", "--help"]).stdout;
    let section = |title: &str| {
        let start = doc.find(title).unwrap_or_else(|| panic!("no {title}"));
        let rest = &doc[start..];
        let open = rest.find("```yaml\n").unwrap() + 8;
        let close = rest[open..].find("```").unwrap();
        rest[open..open + close].to_string()
    };
    for (title, files) in [
        (
            "### GitHub Actions",
            &[
                "--sarif scan.sarif",
                "--junit scan.xml",
                "sarif_file: scan.sarif",
            ][..],
        ),
        (
            "### GitLab CI",
            &[
                "--gitlab-report gl-container-scanning-report.json",
                "container_scanning: gl-container-scanning-report.json",
                "junit: scan.xml",
            ][..],
        ),
    ] {
        let yaml = section(title);
        serde_norway::from_str::<serde_norway::Value>(&yaml)
            .unwrap_or_else(|e| panic!("{title}: not YAML: {e}"));
        for file in files {
            assert!(yaml.contains(file), "{title} lacks {file}");
        }
        let command = &yaml[yaml.find("ecrctl scan gate").unwrap()..];
        let command = &command[..command.find("scan.json").unwrap()];
        for flag in command.split_whitespace().filter(|w| w.starts_with("--")) {
            assert!(
                help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
                "{title}: {flag} is not a scan gate flag"
            );
        }
    }
}

#[test]
fn a_live_scan_finished_without_findings_or_counts_is_not_judged_clean() {
    // The offline reader refuses this shape; the live path must not pass it either.
    let image = image(true);
    let (repo, tag) = image.split_once(':').unwrap();
    moto_scan_result(json!({
        "repositoryName": repo, "imageId": { "imageTag": tag },
        "imageScanStatus": { "status": "COMPLETE" }, "imageScanFindings": {}
    }));
    let sarif = temp_file("x", "").with_file_name("live.sarif");
    let run = ecr(&["scan", "gate", &image, "--sarif", sarif.to_str().unwrap()]);
    run.assert_code(3);
    assert!(
        run.stderr.contains("listed no findings and no counts"),
        "{}",
        run.stderr
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert!(
        doc["runs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["invocations"][0]["executionSuccessful"] == false),
        "no run may read as all fixed: {doc}"
    );
}

#[test]
fn a_second_findings_file_without_its_flag_is_named() {
    let basic = basic_file();
    let run = ecr(&[
        "scan",
        "gate",
        "--findings",
        basic.to_str().unwrap(),
        basic.to_str().unwrap(),
    ]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("give each findings file its own flag"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_list_shorter_than_ecrs_counts_is_not_uploaded_as_judged() {
    // Uploading the short list would close the alerts of the findings ECR left out.
    let mut doc = paged(None, &["CVE-1"]);
    doc["imageScanFindings"]["findingSeverityCounts"] = json!({ "HIGH": 1, "CRITICAL": 1 });
    let file = temp_file("short.json", &doc.to_string());
    let sarif = file.with_file_name("short.sarif");
    let run = gate_files(&[&file], &["--sarif", sarif.to_str().unwrap()]);
    run.assert_code(1);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "{doc}");
    assert_eq!(
        runs[0]["invocations"][0]["executionSuccessful"], false,
        "{doc}"
    );
    assert!(
        runs[0]["automationDetails"]["id"]
            .as_str()
            .unwrap()
            .ends_with(":not-judged/"),
        "{doc}"
    );
}
