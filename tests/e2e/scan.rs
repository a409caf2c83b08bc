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
            .contains("ignore entry CVE-9999-9999 expired on 2020-01-01"),
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
    assert_eq!(blocking, ["CVE-2026-0001", "CVE-2026-0002"]);
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
    assert_eq!(report["images"][0]["counts"]["critical"]["blocking"], 1);
    assert_eq!(
        report["images"][0]["counts"]["medium"]["found"], 3,
        "UNDEFINED counts as medium by default"
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
        "--max-medium",
        "3",
        "--max-critical",
        "0",
        "--ignore-file",
        path,
    ])
    .assert_code(0);
    offline(&[
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
            .any(|l| l.starts_with("::error title=CVE-2025-1000 in team/api")),
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
