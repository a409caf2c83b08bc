//! `scan gate --sarif`: what GitHub code scanning accepts (Microsoft's SARIF multitool,
//! `validate --rule-kind Gh`, plus the OASIS schema) and keeps stable (alert identity by
//! repository, one category per repository, no "all fixed" run for an image the gate
//! could not judge, ignored findings left out unless asked for).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::client::{boto3, ecr, moto_scan_result, put_image, temp_file, unique};
use crate::harness::{ACCOUNT, REGION};

/// The multitool's Linux binary, installed by scripts/lib/deps.sh (`scripts/test`). When
/// it is missing, the same install step runs once; still missing is a failure.
fn multitool() -> &'static Path {
    static TOOL: OnceLock<PathBuf> = OnceLock::new();
    TOOL.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let tool =
            root.join(".node-tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
        if !tool.exists() {
            let status = Command::new("bash")
                .current_dir(root)
                .args(["-c", "source scripts/lib/deps.sh && ensure_sarif_multitool"])
                .status()
                .expect("bash runs");
            assert!(
                status.success() && tool.exists(),
                "@microsoft/sarif-multitool is not installed and could not be installed. Run \
                 scripts/test, or: bash -c 'source scripts/lib/deps.sh && ensure_sarif_multitool'"
            );
        }
        tool
    })
}

/// Every problem the multitool finds in `sarif`, as text: its GitHub rules (`GH*`, what
/// code scanning's ingestion requires) and its general SARIF rules.
fn github_problems(sarif: &Path) -> Vec<String> {
    ["Gh", "Sarif"]
        .into_iter()
        .flat_map(|kind| multitool_problems(sarif, kind))
        .collect()
}

fn multitool_problems(sarif: &Path, rule_kind: &str) -> Vec<String> {
    let out = sarif.with_extension(format!("{rule_kind}.validation.sarif"));
    let run = Command::new(multitool())
        .args(["validate", "--rule-kind", rule_kind])
        .args(["--log", "ForceOverwrite", "-o"])
        .arg(&out)
        .arg(sarif)
        // A .NET tool: no telemetry, no first-run banner, no ICU needed.
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .expect("the multitool runs");
    assert!(
        run.status.success(),
        "sarif-multitool failed: {}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let report: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    report["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r["level"].as_str().unwrap_or("warning"),
                r["ruleId"],
                r["message"]
            )
        })
        .collect()
}

fn schema_errors(document: &Value) -> Vec<String> {
    let schema: Value =
        serde_json::from_str(include_str!("../fixtures/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::draft7::new(&schema).expect("the SARIF schema compiles");
    validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

fn read(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn out_file(name: &str) -> PathBuf {
    temp_file(name, "")
}

/// Offline basic scan of `team/api:v1` and enhanced scan of `team/web:v2`: a CVE with a
/// score, one without, an unknown severity, one CVE in two packages, a suppressed one.
fn findings_files() -> (PathBuf, PathBuf) {
    let basic = temp_file("basic.json", &json!({
        "registryId": "123456789012", "repositoryName": "team/api",
        "imageId": { "imageDigest": "sha256:1111", "imageTag": "v1" },
        "imageScanStatus": { "status": "COMPLETE", "description": "The scan was completed successfully." },
        "imageScanFindings": {
            "findingSeverityCounts": { "CRITICAL": 1, "MEDIUM": 2, "UNDEFINED": 1 },
            "findings": [
                { "name": "CVE-2025-1000", "uri": "https://security-tracker.debian.org/tracker/CVE-2025-1000", "severity": "CRITICAL",
                  "description": "glibc: a buffer overflow in the dynamic loader",
                  "attributes": [{ "key": "package_name", "value": "glibc" }, { "key": "package_version", "value": "2.36" }, { "key": "CVSS3_SCORE", "value": "9.8" }] },
                { "name": "CVE-2025-2000", "severity": "MEDIUM", "description": "x".repeat(3000),
                  "attributes": [{ "key": "package_name", "value": "curl" }] },
                { "name": "CVE-2025-2001", "severity": "MEDIUM", "attributes": [{ "key": "package_name", "value": "curl" }] },
                { "name": "CVE-2025-3000", "severity": "UNDEFINED", "attributes": [] }
            ]
        }
    }).to_string());
    let enhanced = temp_file("enhanced.json", &json!({
        "registryId": "123456789012", "repositoryName": "team/web",
        "imageId": { "imageDigest": "sha256:2222", "imageTag": "v2" },
        "imageScanStatus": { "status": "ACTIVE", "description": "continuous scanning" },
        "imageScanFindings": { "enhancedFindings": [
            { "severity": "CRITICAL", "status": "ACTIVE", "fixAvailable": "YES", "score": 9.1,
              "title": "CVE-2026-0001 - openssl, libssl",
              "packageVulnerabilityDetails": { "vulnerabilityId": "CVE-2026-0001", "sourceUrl": "https://nvd.nist.gov/vuln/detail/CVE-2026-0001",
                "vulnerablePackages": [
                    { "name": "openssl", "version": "3.0.1", "fixedInVersion": "3.0.9" },
                    { "name": "libssl3", "version": "3.0.1", "fixedInVersion": "3.0.9" }] } },
            { "severity": "CRITICAL", "status": "SUPPRESSED", "title": "CVE-2026-0003",
              "packageVulnerabilityDetails": { "vulnerabilityId": "CVE-2026-0003", "vulnerablePackages": [{ "name": "zlib", "version": "1" }] } }
        ]}
    }).to_string());
    (basic, enhanced)
}

#[test]
fn sarif_passes_the_multitools_github_rules_and_the_schema() {
    let (basic, enhanced) = findings_files();
    let sarif = out_file("gate.sarif");
    let ignore = temp_file(
        "i.toml",
        "[[ignore]]\nid = \"CVE-2025-2001\"\nreason = \"accepted risk\"\n",
    );
    for extra in [&[][..], &["--sarif-include-ignored"][..]] {
        let mut args = vec![
            "scan",
            "gate",
            "--findings",
            basic.to_str().unwrap(),
            "--findings",
            enhanced.to_str().unwrap(),
            "--ignore-file",
            ignore.to_str().unwrap(),
            "--sarif",
            sarif.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        ecr(&args).assert_code(1);
        let problems = github_problems(&sarif);
        assert!(
            problems.is_empty(),
            "the multitool's GitHub rules ({extra:?}): {problems:#?}"
        );
        let document = read(&sarif);
        let errors = schema_errors(&document);
        assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    }

    let document = read(&sarif);
    let runs = document["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2, "one run per repository");
    for run in runs {
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for rule in rules {
            assert_ne!(rule["name"], rule["id"], "{rule}");
            for key in ["text", "markdown"] {
                assert!(
                    rule["help"][key].as_str().is_some_and(|t| !t.is_empty()),
                    "{rule}"
                );
            }
            assert!(rule["defaultConfiguration"]["level"].is_string(), "{rule}");
            assert_eq!(rule["properties"]["precision"], "very-high");
            assert!(!rule["properties"]["tags"].as_array().unwrap().is_empty());
            for key in ["shortDescription", "fullDescription"] {
                let text = rule[key]["text"].as_str().unwrap();
                assert!(text.encode_utf16().count() <= 1024, "{key}: {text}");
            }
            assert!(rule["name"].as_str().unwrap().len() <= 255);
        }
        for result in run["results"].as_array().unwrap() {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"], "{result}");
            let location = &result["locations"][0]["physicalLocation"];
            assert_eq!(location["region"]["startLine"], 1);
        }
    }
    let rule = |run: usize, id: &str| -> Value {
        runs[run]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no rule {id}"))
            .clone()
    };
    // security-severity: the CVSS / Inspector score when there is one, else by severity.
    assert_eq!(
        rule(0, "CVE-2025-1000")["properties"]["security-severity"],
        "9.8"
    );
    assert_eq!(
        rule(0, "CVE-2025-1000")["defaultConfiguration"]["level"],
        "error"
    );
    assert_eq!(
        rule(0, "CVE-2025-2000")["properties"]["security-severity"],
        "5.5"
    );
    assert_eq!(
        rule(1, "CVE-2026-0001")["properties"]["security-severity"],
        "9.1"
    );
    let long = rule(0, "CVE-2025-2000");
    assert!(
        long["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .ends_with('…'),
        "a 3000-character description is cut to GitHub's limit"
    );

    // Two packages hit by one CVE are two results, with one rule.
    let web = runs[1]["results"].as_array().unwrap();
    let openssl: Vec<&Value> = web
        .iter()
        .filter(|r| r["ruleId"] == "CVE-2026-0001")
        .collect();
    assert_eq!(openssl.len(), 2, "{web:#?}");
    assert_ne!(
        openssl[0]["partialFingerprints"],
        openssl[1]["partialFingerprints"]
    );
    let packages: Vec<&str> = openssl
        .iter()
        .map(|r| r["properties"]["package"].as_str().unwrap())
        .collect();
    assert_eq!(packages, ["openssl", "libssl3"]);
    assert_eq!(runs[1]["tool"]["driver"]["rules"][0]["id"], "CVE-2026-0001");
}

#[test]
fn ignored_findings_are_left_out_of_sarif_unless_asked_for() {
    let (basic, enhanced) = findings_files();
    let sarif = out_file("ignored.sarif");
    let ignore = temp_file(
        "i.toml",
        "[[ignore]]\nid = \"CVE-2025-2001\"\nreason = \"accepted risk\"\n",
    );
    let gate = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            "gate",
            "--findings",
            basic.to_str().unwrap(),
            "--findings",
            enhanced.to_str().unwrap(),
            "--ignore-file",
            ignore.to_str().unwrap(),
            "--sarif",
            sarif.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        ecr(&args).assert_code(1);
        let document = read(&sarif);
        document["runs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|run| run["results"].as_array().unwrap().clone())
            .collect::<Vec<Value>>()
    };
    let ids = |results: &[Value]| -> Vec<String> {
        results
            .iter()
            .map(|r| r["ruleId"].as_str().unwrap().to_string())
            .collect()
    };
    let default = gate(&[]);
    let default_ids = ids(&default);
    assert!(
        !default_ids.contains(&"CVE-2025-2001".into())
            && !default_ids.contains(&"CVE-2026-0003".into()),
        "ignored (ignore file) and suppressed (Inspector) findings are left out: {default_ids:?}"
    );
    assert!(default_ids.contains(&"CVE-2025-2000".into()));
    assert!(default.iter().all(|r| r.get("suppressions").is_none()));

    let all = gate(&["--sarif-include-ignored"]);
    let kept = all
        .iter()
        .find(|r| r["ruleId"] == "CVE-2025-2001")
        .expect("kept with --sarif-include-ignored");
    assert_eq!(kept["level"], "note");
    assert_eq!(kept["suppressions"][0]["kind"], "external");
    assert_eq!(
        kept["suppressions"][0]["justification"],
        "ignore file: accepted risk"
    );
    assert_eq!(kept["properties"]["state"], "ignored");
    assert!(ids(&all).contains(&"CVE-2026-0003".into()));

    // The flag only means something with --sarif.
    let run = ecr(&[
        "scan",
        "gate",
        "--findings",
        basic.to_str().unwrap(),
        "--sarif-include-ignored",
    ]);
    run.assert_code(2);
    assert!(run.stderr.contains("--sarif"), "{}", run.stderr);
}

/// An image pushed to `repo` with `tag` whose scan reports `findings` (enhanced).
fn scanned(repo: &str, tag: &str, findings: &Value) {
    let digest = put_image(repo, Some(tag), &format!("{repo}-{tag}"));
    boto3(
        "start_image_scan",
        json!({ "repositoryName": repo, "imageId": { "imageTag": tag } }),
    );
    // As ECR answers: the image's digest with its tag.
    moto_scan_result(json!({
        "repositoryName": repo, "imageId": { "imageTag": tag, "imageDigest": digest },
        "imageScanStatus": { "status": "ACTIVE", "description": "continuous scanning" },
        "imageScanFindings": { "enhancedFindings": findings }
    }));
}

fn live_findings() -> Value {
    json!([
        { "severity": "HIGH", "status": "ACTIVE", "fixAvailable": "YES", "score": 7.5, "title": "CVE-2026-0002 - zlib",
          "packageVulnerabilityDetails": { "vulnerabilityId": "CVE-2026-0002",
            "vulnerablePackages": [{ "name": "zlib", "version": "1.2.11", "fixedInVersion": "1.2.13" }] } },
        { "severity": "MEDIUM", "status": "ACTIVE", "title": "CVE-2026-0004 - curl, libcurl",
          "packageVulnerabilityDetails": { "vulnerabilityId": "CVE-2026-0004",
            "vulnerablePackages": [{ "name": "curl", "version": "8.0" }, { "name": "libcurl4", "version": "8.0" }] } }
    ])
}

fn fingerprints(document: &Value) -> Vec<(String, String, String)> {
    let mut all: Vec<(String, String, String)> = document["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|run| run["results"].as_array().unwrap().clone())
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                r["partialFingerprints"].to_string(),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn alert_identity_survives_new_tags_and_digests() {
    let repo = unique("gate/sarif");
    ecr(&["repo", "create", &repo]).assert_code(0);
    scanned(&repo, "v1", &live_findings());
    scanned(&repo, "v2", &live_findings());
    let (one, two) = (out_file("v1.sarif"), out_file("v2.sarif"));
    for (tag, file) in [("v1", &one), ("v2", &two)] {
        ecr(&[
            "scan",
            "gate",
            &format!("{repo}:{tag}"),
            "--sarif",
            file.to_str().unwrap(),
        ])
        .assert_code(0);
        let problems = github_problems(file);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    let (v1, v2) = (read(&one), read(&two));
    let prints = fingerprints(&v1);
    assert_eq!(prints.len(), 3, "one CVE in two packages is two results");
    assert_eq!(
        prints,
        fingerprints(&v2),
        "same alerts for repo:v1 and repo:v2"
    );
    assert!(
        prints.iter().all(|(_, uri, _)| *uri == repo),
        "the location is the repository: {prints:?}"
    );
    let run = &v1["runs"][0];
    assert_eq!(
        run["automationDetails"]["id"],
        format!("ecrctl/scan-gate/{repo}/")
    );
    assert_eq!(
        run["automationDetails"]["id"],
        v2["runs"][0]["automationDetails"]["id"]
    );
    // Tag and digest are properties, not identity.
    assert_eq!(run["properties"]["images"][0]["tag"], "v1");
    assert_eq!(v2["runs"][0]["properties"]["images"][0]["tag"], "v2");
    let (d1, d2) = (
        &run["properties"]["images"][0]["digest"],
        &v2["runs"][0]["properties"]["images"][0]["digest"],
    );
    assert!(d1.as_str().unwrap().starts_with("sha256:") && d1 != d2);
    assert_eq!(
        run["results"][0]["properties"]["images"][0]["image"],
        format!("{repo}:v1")
    );

    // Named by its full URI: the same category and alerts; the pinned URI is a property.
    let host = format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com");
    let full = out_file("uri.sarif");
    ecr(&[
        "scan",
        "gate",
        &format!("{host}/{repo}:v1"),
        "--sarif",
        full.to_str().unwrap(),
    ])
    .assert_code(0);
    let by_uri = read(&full);
    assert_eq!(fingerprints(&by_uri), prints);
    assert_eq!(
        by_uri["runs"][0]["automationDetails"]["id"],
        run["automationDetails"]["id"]
    );
    assert_eq!(
        by_uri["runs"][0]["properties"]["images"][0]["uri"],
        format!("{host}/{repo}@{}", d1.as_str().unwrap())
    );

    // Several repositories in one gate: one category each, so one upload of the file
    // does not make one repository's alerts replace another's.
    let other = unique("gate/sarif-other");
    ecr(&["repo", "create", &other]).assert_code(0);
    scanned(&other, "v1", &live_findings());
    let both = out_file("both.sarif");
    ecr(&[
        "scan",
        "gate",
        &format!("{repo}:v1"),
        &format!("{repo}:v2"),
        &format!("{other}:v1"),
        "--sarif",
        both.to_str().unwrap(),
    ])
    .assert_code(0);
    let document = read(&both);
    let categories: Vec<&str> = document["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["automationDetails"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        categories,
        [
            format!("ecrctl/scan-gate/{repo}/"),
            format!("ecrctl/scan-gate/{other}/")
        ]
    );
    // Two images of one repository with the same findings: each alert once, both images named.
    let first = &document["runs"][0];
    assert_eq!(first["results"].as_array().unwrap().len(), 3);
    assert_eq!(
        first["results"][0]["properties"]["images"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(github_problems(&both).is_empty());
}

#[test]
fn an_image_the_gate_could_not_judge_never_reads_as_all_fixed() {
    let repo = unique("gate/sarif-failed");
    ecr(&["repo", "create", &repo]).assert_code(0);
    scanned(&repo, "v1", &live_findings());
    put_image(&repo, Some("v2"), &format!("{repo}-v2"));
    boto3(
        "start_image_scan",
        json!({ "repositoryName": repo, "imageId": { "imageTag": "v2" } }),
    );
    moto_scan_result(json!({
        "repositoryName": repo, "imageId": { "imageTag": "v2" },
        "imageScanStatus": { "status": "FAILED", "description": "UnsupportedImageError: the scanner crashed" }
    }));
    let healthy = unique("gate/sarif-ok");
    ecr(&["repo", "create", &healthy]).assert_code(0);
    scanned(&healthy, "v1", &live_findings());

    let sarif = out_file("failed.sarif");
    let run = ecr(&[
        "scan",
        "gate",
        &format!("{repo}:v1"),
        &format!("{repo}:v2"),
        &format!("{healthy}:v1"),
        "--sarif",
        sarif.to_str().unwrap(),
    ]);
    run.assert_code(3);
    let problems = github_problems(&sarif);
    assert!(problems.is_empty(), "{problems:#?}");
    let document = read(&sarif);
    let runs = document["runs"].as_array().unwrap();
    let category = format!("ecrctl/scan-gate/{repo}/");
    assert!(
        runs.iter()
            .all(|r| r["automationDetails"]["id"] != category.as_str()),
        "no run in the repository's own category, whose alerts it would close: {runs:#?}"
    );
    let failed = runs
        .iter()
        .find(|r| r["properties"]["repository"] == repo.as_str())
        .expect("a run for the repository that errored");
    assert_eq!(
        failed["automationDetails"]["id"],
        format!("{category}:not-judged/")
    );
    let invocation = &failed["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notice = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notice["level"], "error");
    assert_eq!(notice["properties"]["image"], format!("{repo}:v2"));
    assert!(
        notice["message"]["text"]
            .as_str()
            .unwrap()
            .contains("the scanner crashed"),
        "{notice}"
    );
    assert_eq!(failed["results"], json!([]));
    // The repository that was judged keeps its own run.
    let ok = runs
        .iter()
        .find(|r| r["automationDetails"]["id"] == format!("ecrctl/scan-gate/{healthy}/").as_str())
        .expect("the judged repository's run");
    assert_eq!(ok["invocations"][0]["executionSuccessful"], true);
    assert_eq!(ok["results"].as_array().unwrap().len(), 3);

    // Offline, a saved scan that did not finish is the same.
    let saved = temp_file(
        "failed.json",
        &json!({
            "repositoryName": "team/api", "imageId": { "imageTag": "v9" },
            "imageScanStatus": { "status": "FAILED", "description": "UnsupportedImageError" }
        })
        .to_string(),
    );
    ecr(&[
        "scan",
        "gate",
        "--findings",
        saved.to_str().unwrap(),
        "--sarif",
        sarif.to_str().unwrap(),
    ])
    .assert_code(3);
    let document = read(&sarif);
    assert_eq!(
        document["runs"][0]["automationDetails"]["id"],
        "ecrctl/scan-gate/team/api/:not-judged/"
    );
    assert_eq!(
        document["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    assert!(github_problems(&sarif).is_empty());
}

#[test]
fn an_image_that_times_out_is_not_judged_either() {
    let repo = unique("gate/sarif-slow");
    ecr(&["repo", "create", &repo]).assert_code(0);
    put_image(&repo, Some("v1"), &format!("{repo}-v1"));
    boto3(
        "start_image_scan",
        json!({ "repositoryName": repo, "imageId": { "imageTag": "v1" } }),
    );
    moto_scan_result(json!({
        "repositoryName": repo, "imageId": { "imageTag": "v1" },
        "imageScanStatus": { "status": "IN_PROGRESS", "description": "scanning" }
    }));
    let sarif = out_file("slow.sarif");
    ecr(&[
        "scan",
        "gate",
        &format!("{repo}:v1"),
        "--timeout",
        "2s",
        "--sarif",
        sarif.to_str().unwrap(),
    ])
    .assert_code(4);
    let document = read(&sarif);
    let run = &document["runs"][0];
    assert_eq!(
        run["automationDetails"]["id"],
        format!("ecrctl/scan-gate/{repo}/:not-judged/")
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    assert!(
        run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("IN_PROGRESS"),
        "{run}"
    );
    assert!(github_problems(&sarif).is_empty());
}

#[test]
fn more_repositories_than_github_takes_in_one_file_is_a_warning() {
    let files: Vec<PathBuf> = (0..21)
        .map(|i| {
            temp_file(
                "scan.json",
                &json!({
                    "repositoryName": format!("team/app{i}"), "imageId": { "imageTag": "v1" },
                    "imageScanStatus": { "status": "COMPLETE" },
                    "imageScanFindings": { "findings": [] }
                })
                .to_string(),
            )
        })
        .collect();
    let sarif = out_file("many.sarif");
    let mut args = vec!["scan", "gate", "--sarif", sarif.to_str().unwrap()];
    for f in &files {
        args.extend(["--findings", f.to_str().unwrap()]);
    }
    let run = ecr(&args);
    run.assert_code(0);
    assert!(
        run.stderr.contains("21 runs") && run.stderr.contains("at most 20"),
        "{}",
        run.stderr
    );
    assert_eq!(read(&sarif)["runs"].as_array().unwrap().len(), 21);
    // 20 repositories are fine.
    let run = ecr(&args[..args.len() - 2]);
    run.assert_code(0);
    assert!(!run.stderr.contains("runs"), "{}", run.stderr);
}
