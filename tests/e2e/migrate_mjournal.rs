//! `ecrctl migrate` as a mirror: the journal re-resolves sources, one writer per journal,
//! dry runs that say what would happen (and exit 1 when an item would fail), re-tags
//! journaled per item, and shards of one plan running at the same time.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::client::{Run, boto3, describe_repo, ecr, ecrctl, put_image, run, temp_file, unique};
use crate::harness::stand_ins;
use crate::images::{Registry, raw_digest, seed_image};

/// `ecrctl migrate --plan PLAN` from the plain registry into the ECR stand-in.
fn migrate_command(plan: &Path, extra: &[&str]) -> Command {
    let s = stand_ins();
    let mut command = ecrctl();
    command
        .args(["migrate", "--plan", plan.to_str().unwrap()])
        .args(["--plain-http", &s.plain_registry])
        .args(["--ca-cert", s.ca_cert.to_str().unwrap()])
        .args(["--registry-endpoint", &s.registry])
        .args(extra);
    command
}

fn migrate(plan: &Path, journal: &Path, extra: &[&str]) -> Run {
    run(migrate_command(plan, extra).args(["--journal", journal.to_str().unwrap()]))
}

fn items(report: &Value) -> Vec<Value> {
    report["items"].as_array().unwrap().clone()
}

fn statuses(report: &Value) -> Vec<String> {
    items(report)
        .iter()
        .map(|i| i["status"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_source_tag_that_moved_is_not_a_no_op_on_rerun() {
    let s = stand_ins();
    let p = unique("mjmoved");
    let first = seed_image(
        Registry::Plain,
        &format!("{p}/src"),
        "v1",
        &format!("{p}-1"),
    );
    let plan = temp_file(
        "plan.txt",
        &format!("{}/{p}/src:v1 {p}/dst:v1\n", s.plain_registry),
    );
    let journal = plan.with_extension("journal");
    let run1 = migrate(&plan, &journal, &["-o", "json"]);
    run1.assert_code(0);
    assert_eq!(statuses(&run1.json()), ["copied"]);
    // The journal's path is printed at the end.
    assert!(
        run1.stderr
            .contains(&format!("journal: {}", journal.display())),
        "{}",
        run1.stderr
    );

    // Unchanged source: the journal skips it, and the dry run says the same.
    let again = migrate(&plan, &journal, &["-o", "json"]);
    again.assert_code(0);
    assert_eq!(items(&again.json())[0]["detail"], "done in an earlier run");
    let dry = migrate(&plan, &journal, &["-o", "json", "--dry-run"]);
    dry.assert_code(0);
    assert_eq!(statuses(&dry.json()), ["skipped"]);
    assert_eq!(items(&dry.json())[0]["detail"], "done in an earlier run");

    // The source tag now points elsewhere: not skipped. The destination tag holds the
    // old digest, so without --overwrite both the dry run and the run refuse it.
    let second = seed_image(
        Registry::Plain,
        &format!("{p}/src"),
        "v1",
        &format!("{p}-2"),
    );
    assert_ne!(first, second);
    let dry = migrate(&plan, &journal, &["-o", "json", "--dry-run"]);
    dry.assert_code(1);
    assert_eq!(statuses(&dry.json()), ["would-fail"]);
    let refused = migrate(&plan, &journal, &["-o", "json"]);
    refused.assert_code(1);
    let error = items(&refused.json())[0]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        error.contains("source changed") && error.contains("--overwrite"),
        "{error}"
    );
    assert_eq!(
        items(&dry.json())[0]["error"].as_str().unwrap(),
        error,
        "the dry run gives the run's answer"
    );
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/dst"), "v1").as_deref(),
        Some(first.as_str()),
        "not overwritten"
    );
    let moved = migrate(&plan, &journal, &["-o", "json", "--overwrite"]);
    moved.assert_code(0);
    assert_eq!(statuses(&moved.json()), ["copied"]);
    assert_eq!(
        items(&moved.json())[0]["detail"],
        "source changed since an earlier run"
    );
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/dst"), "v1").as_deref(),
        Some(second.as_str())
    );
    // Now the journal holds the new digest.
    let done = migrate(&plan, &journal, &["-o", "json"]);
    assert_eq!(items(&done.json())[0]["detail"], "done in an earlier run");

    // --fresh forgets the journal (the destination is checked again); --no-journal keeps
    // none and prints no journal path.
    let fresh = migrate(&plan, &journal, &["-o", "json", "--fresh"]);
    fresh.assert_code(0);
    assert_eq!(items(&fresh.json())[0]["detail"], "exists");
    let none = run(&mut migrate_command(&plan, &["-o", "json", "--no-journal"]));
    none.assert_code(0);
    assert_eq!(items(&none.json())[0]["detail"], "exists");
    assert!(!none.stderr.contains("journal:"), "{}", none.stderr);
    let both = migrate(&plan, &journal, &["--no-journal"]);
    both.assert_code(2);
}

#[test]
fn one_journal_has_one_writer() {
    let s = stand_ins();
    let p = unique("mjlock");
    let mut plan_text = String::new();
    for i in 0..4 {
        seed_image(
            Registry::Plain,
            &format!("{p}/src{i}"),
            "v1",
            &format!("{p}-{i}"),
        );
        plan_text.push_str(&format!(
            "{}/{p}/src{i}:v1 {p}/dst{i}:v1\n",
            s.plain_registry
        ));
    }
    let plan = temp_file("plan.txt", &plan_text);
    let journal = plan.with_extension("journal");
    // A slow first run (one manifest PUT a second) holds the journal...
    let mut first = migrate_command(&plan, &["--jobs", "1", "--max-put-rate", "1"])
        .args(["--journal", journal.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::fs::read_to_string(&journal)
        .unwrap_or_default()
        .lines()
        .count()
        < 1
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // ...so a second run on it fails at once, with the reason, before copying anything.
    let started = std::time::Instant::now();
    let second = migrate(&plan, &journal, &[]);
    let took = started.elapsed();
    let still_running = first.try_wait().unwrap().is_none();
    second.assert_code(3);
    assert!(
        second
            .stderr
            .contains("another `ecrctl migrate` is using the journal"),
        "{}",
        second.stderr
    );
    assert!(
        still_running,
        "the first run was still going when the second was refused"
    );
    assert!(took.as_secs() < 10, "refused at once: {took:?}");
    assert!(first.wait().unwrap().success());
    // Afterwards the journal is free again, and complete.
    let after = migrate(&plan, &journal, &["-o", "json"]);
    after.assert_code(0);
    assert!(
        items(&after.json())
            .iter()
            .all(|i| i["detail"] == "done in an earlier run")
    );
}

#[test]
fn a_dry_run_says_would_copy_and_would_fail_and_writes_its_report() {
    let s = stand_ins();
    let p = unique("mjdry");
    seed_image(Registry::Plain, &format!("{p}/src"), "v1", &p);
    let plan = temp_file(
        "plan.txt",
        &format!(
            "{0}/{p}/src:v1 {p}/ok:v1\n{0}/{p}/missing:v1 {p}/gone:v1\n",
            s.plain_registry
        ),
    );
    let report_file = plan.with_extension("report.json");
    let dry = migrate(
        &plan,
        &plan.with_extension("journal"),
        &[
            "--dry-run",
            "-o",
            "json",
            "--report",
            report_file.to_str().unwrap(),
        ],
    );
    dry.assert_code(1);
    let document = dry.json();
    assert_eq!(statuses(&document), ["would-copy", "would-fail"]);
    assert_eq!(document["dryRun"], true);
    assert_eq!(document["totals"]["wouldCopy"], 1);
    assert_eq!(document["totals"]["wouldFail"], 1);
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_file).unwrap()).unwrap();
    assert_eq!(written, document, "--report holds the same document");
    assert!(
        dry.stderr.contains("1 of 2 items would fail"),
        "{}",
        dry.stderr
    );
    assert!(
        describe_repo(&format!("{p}/ok")).is_none(),
        "nothing created"
    );
    assert!(
        !plan.with_extension("journal").exists(),
        "a dry run writes no journal"
    );
    // The table says the same in words.
    let table = migrate(&plan, &plan.with_extension("journal"), &["--dry-run"]);
    table.assert_code(1);
    assert!(table.stdout.contains("would fail"), "{}", table.stdout);
    assert!(
        table.stderr.contains("1 would copy") && table.stderr.contains("1 would fail"),
        "{}",
        table.stderr
    );
}

#[test]
fn retags_are_journaled_per_item_and_their_dry_run_reads_both_sides() {
    let s = stand_ins();
    let repo = unique("mjretag/app");
    ecr(&["repo", "create", &repo]).assert_code(0);
    let v1 = put_image(&repo, Some("v1"), &format!("{repo}-1"));
    put_image(&repo, Some("taken"), &format!("{repo}-2"));
    let plan = temp_file(
        "plan.txt",
        &format!(
            "{0}/{repo}:v1 {repo}:stable\n{0}/{repo}:v1 {repo}:taken\n{0}/{repo}:nope {repo}:other\n",
            s.registry
        ),
    );
    let journal = plan.with_extension("journal");
    let tag_digest = |tag: &str| {
        boto3(
            "describe_images",
            serde_json::json!({ "repositoryName": repo, "imageIds": [{ "imageTag": tag }] }),
        )["imageDetails"][0]["imageDigest"]
            .as_str()
            .map(str::to_string)
    };
    // The dry run reads the source and the destination: a missing source and a
    // conflicting tag would fail; nothing is written.
    let dry = migrate(&plan, &journal, &["--dry-run", "-o", "json"]);
    dry.assert_code(1);
    assert_eq!(
        statuses(&dry.json()),
        ["would-retag", "would-fail", "would-fail"],
        "{}",
        dry.stdout
    );
    assert!(tag_digest("stable").is_none(), "the dry run wrote nothing");

    let real = migrate(&plan, &journal, &["-o", "json"]);
    real.assert_code(1);
    assert_eq!(statuses(&real.json()), ["retagged", "failed", "failed"]);
    assert_eq!(tag_digest("stable").as_deref(), Some(v1.as_str()));
    // Per-item progress (one line per item off a terminal), and the finished item journaled.
    for n in 1..=3 {
        assert!(real.stderr.contains(&format!("[{n}/3]")), "{}", real.stderr);
    }
    let journal_text = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(journal_text.lines().count(), 1, "{journal_text}");
    assert!(journal_text.contains(&v1), "{journal_text}");

    let again = migrate(&plan, &journal, &["-o", "json"]);
    assert_eq!(items(&again.json())[0]["detail"], "done in an earlier run");
    // The source tag moves: the re-tag is not a no-op; `stable` exists with the old
    // digest, so it is refused without --overwrite, then re-tagged with it.
    let v2 = put_image(&repo, Some("v1"), &format!("{repo}-3"));
    let moved = migrate(&plan, &journal, &["-o", "json"]);
    let error = items(&moved.json())[0]["error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(error.contains("source changed"), "{}", moved.stdout);
    let overwrite = migrate(&plan, &journal, &["-o", "json", "--overwrite"]);
    assert_eq!(statuses(&overwrite.json())[0], "retagged");
    assert_eq!(tag_digest("stable").as_deref(), Some(v2.as_str()));
}

/// One shard of `plan`, started in the background with the environment given.
fn shard(plan: &Path, journal: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
    let mut command = migrate_command(plan, args);
    command
        .args(["--journal", journal.to_str().unwrap(), "-o", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    command.spawn().unwrap()
}

#[test]
fn four_shards_at_once_copy_the_plan_exactly_once() {
    let s = stand_ins();
    let p = unique("mjshard");
    // 12 items into 3 new repositories; positions 0-3 all go to the first repository, one
    // per shard, so the shards race to create it.
    let mut plan_text = String::new();
    let mut expected = Vec::new();
    for k in 0..12 {
        let tag = format!("t{k}");
        let digest = seed_image(
            Registry::Plain,
            &format!("{p}/src"),
            &tag,
            &format!("{p}-{k}"),
        );
        let repo = format!("{p}/dst{}", k / 4);
        plan_text.push_str(&format!(
            "{}/{p}/src:{tag} {repo}:{tag}\n",
            s.plain_registry
        ));
        expected.push((format!("{}/{repo}:{tag}", s.registry), repo, tag, digest));
    }
    let plan = temp_file("plan.txt", &plan_text);
    let journals: Vec<PathBuf> = (1..=4)
        .map(|i| plan.with_extension(format!("shard{i}.journal")))
        .collect();
    // Each shard finds its slice its own way: explicit, Kubernetes, GitLab, GitHub matrix.
    let children = vec![
        shard(&plan, &journals[0], &["--shard", "1/4"], &[]),
        shard(
            &plan,
            &journals[1],
            &["--shard", "auto", "--shard-count", "4"],
            &[("JOB_COMPLETION_INDEX", "1")],
        ),
        shard(
            &plan,
            &journals[2],
            &["--shard", "auto"],
            &[("CI_NODE_INDEX", "3"), ("CI_NODE_TOTAL", "4")],
        ),
        shard(
            &plan,
            &journals[3],
            &["--shard", "auto"],
            &[("ECRCTL_SHARD_INDEX", "4"), ("ECRCTL_SHARD_COUNT", "4")],
        ),
    ];
    let mut seen = Vec::new();
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "shard {}: {stderr}", i + 1);
        assert!(
            stderr.contains(&format!("shard {}/4", i + 1)),
            "shard {}: {stderr}",
            i + 1
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["totals"]["failed"], 0, "{report:#}");
        assert_eq!(report["totals"]["copied"], 3, "{report:#}");
        for item in items(&report) {
            seen.push(item["destination"].as_str().unwrap().to_string());
        }
    }
    // The union is exactly the plan: every item once, none twice, none missing.
    seen.sort();
    let mut want: Vec<String> = expected.iter().map(|e| e.0.clone()).collect();
    want.sort();
    assert_eq!(seen, want);
    // Checked with an independent client: every destination holds its source's digest.
    for (_, repo, tag, digest) in &expected {
        assert_eq!(
            raw_digest(Registry::Ecr, repo, tag).as_deref(),
            Some(digest.as_str()),
            "{repo}:{tag}"
        );
    }
}

#[test]
fn shard_auto_refuses_an_environment_it_cannot_read() {
    let plan = temp_file("plan.txt", "nginx:1 mirror/nginx:1\n");
    let plan = plan.to_str().unwrap();
    let nothing = run(ecrctl().args(["migrate", "--plan", plan, "--shard", "auto"]));
    nothing.assert_code(2);
    assert!(
        nothing.stderr.contains("no shard index"),
        "{}",
        nothing.stderr
    );
    let no_count = run(ecrctl()
        .args(["migrate", "--plan", plan, "--shard", "auto"])
        .env("JOB_COMPLETION_INDEX", "2"));
    no_count.assert_code(2);
    assert!(
        no_count.stderr.contains("--shard-count"),
        "{}",
        no_count.stderr
    );
    let outside = run(ecrctl()
        .args([
            "migrate",
            "--plan",
            plan,
            "--shard",
            "auto",
            "--shard-count",
            "2",
        ])
        .env("JOB_COMPLETION_INDEX", "2"));
    outside.assert_code(2);
    assert!(outside.stderr.contains("outside"), "{}", outside.stderr);
    run(ecrctl().args(["migrate", "--plan", plan, "--shard", "5/4"])).assert_code(2);
}

#[test]
fn shards_share_ecrs_put_image_pace() {
    let s = stand_ins();
    let p = unique("mjpace");
    seed_image(Registry::Plain, &format!("{p}/src"), "v1", &p);
    // 80 items; shard 1/20 gets 4 of them. ECR's 10/s split 20 ways is one PUT every 2 s,
    // so its 4 manifest PUTs take at least 6 s (the unsplit 10/s would take 0.3 s).
    let plan_text: String = (0..80)
        .map(|k| format!("{}/{p}/src:v1 {p}/dst:t{k}\n", s.plain_registry))
        .collect();
    let plan = temp_file("plan.txt", &plan_text);
    let started = std::time::Instant::now();
    let paced = migrate(
        &plan,
        &plan.with_extension("journal"),
        &["--shard", "1/20", "-o", "json"],
    );
    let took = started.elapsed();
    paced.assert_code(0);
    assert_eq!(paced.json()["totals"]["items"], 4);
    assert!(
        took.as_secs_f64() >= 5.9,
        "paced at 10/20 per second: {took:?}"
    );
    // An explicit rate is taken as given.
    let started = std::time::Instant::now();
    let given = migrate(
        &plan,
        &plan.with_extension("journal2"),
        &["--shard", "2/20", "--max-put-rate", "100", "-o", "json"],
    );
    given.assert_code(0);
    assert_eq!(given.json()["totals"]["copied"], 4);
    assert!(
        started.elapsed() < took,
        "{:?} vs {took:?}",
        started.elapsed()
    );
}
