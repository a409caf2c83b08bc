//! `ecrctl migrate`: from the plain-HTTP source registry into the TLS + auth registry
//! standing for ECR (repositories created in moto), checked with skopeo.

use std::path::Path;

use crate::client::{Run, describe_repo, ecr, ecrctl, run, temp_file, unique};
use crate::harness::stand_ins;
use crate::images::{
    Registry, oci_index_layout, oci_layout_sharing, push_layout, raw_digest, seed_image,
};

/// `ecrctl migrate` from the plain registry into the ECR stand-in, journal beside the plan.
fn migrate_command(plan: &Path, extra: &[&str]) -> std::process::Command {
    let s = stand_ins();
    let journal = plan.with_extension("journal");
    let mut command = ecrctl();
    command
        .args([
            "migrate",
            "--plan",
            plan.to_str().unwrap(),
            "--plain-http",
            &s.plain_registry,
        ])
        .args([
            "--ca-cert",
            s.ca_cert.to_str().unwrap(),
            "--registry-endpoint",
            &s.registry,
        ])
        .args(["--journal", journal.to_str().unwrap()])
        .args(extra);
    command
}

fn migrate(plan: &Path, extra: &[&str]) -> Run {
    run(&mut migrate_command(plan, extra))
}

#[test]
fn a_mixed_plan_preserves_digests_and_reports_each_item() {
    let s = stand_ins();
    let p = unique("mig");
    // Sources in the plain registry: two images sharing a layer, and a multi-arch index.
    let (layout_a, digest_a) = oci_layout_sharing("v1", &format!("{p}-base"), &format!("{p}-a"));
    push_layout(Registry::Plain, &layout_a, &format!("{p}/src-a"), "v1");
    let (layout_b, digest_b) = oci_layout_sharing("v1", &format!("{p}-base"), &format!("{p}-b"));
    push_layout(Registry::Plain, &layout_b, &format!("{p}/src-b"), "v1");
    let (layout_multi, digest_multi) = oci_index_layout("v1", &p);
    push_layout(
        Registry::Plain,
        &layout_multi,
        &format!("{p}/src-multi"),
        "v1",
    );
    // Destination state: an identical tag, a different tag, an immutable repository.
    seed_image(Registry::Ecr, &format!("{p}/same"), "v1", &format!("{p}-x")); // overwritten below
    let (layout_same, digest_same) = oci_layout_sharing("v1", &format!("{p}-same"), "same");
    push_layout(
        Registry::Plain,
        &layout_same,
        &format!("{p}/src-same"),
        "v1",
    );
    push_layout(Registry::Ecr, &layout_same, &format!("{p}/same"), "v1");
    let other = seed_image(
        Registry::Ecr,
        &format!("{p}/taken"),
        "v1",
        &format!("{p}-taken"),
    );
    ecr(&["repo", "create", &format!("{p}/locked"), "--immutable"]).assert_code(0);
    seed_image(
        Registry::Ecr,
        &format!("{p}/locked"),
        "v1",
        &format!("{p}-locked"),
    );

    let src = &s.plain_registry;
    let plan = temp_file(
        "plan.txt",
        &format!(
            "# a mixed plan\n{src}/{p}/src-a:v1 {p}/a:v1\n{src}/{p}/src-b:v1 {p}/b:v1\n{src}/{p}/src-multi:v1 {p}/multi:v1\n\
             {src}/{p}/src-same:v1 {p}/same:v1\n{src}/{p}/src-a:v1 {p}/taken:v1\n{src}/{p}/src-b:v1 {p}/locked:v1\n"
        ),
    );
    let run = migrate(&plan, &["-o", "json", "--verify"]);
    run.assert_code(1);
    let report = run.json();
    let status: Vec<&str> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        status,
        ["copied", "copied", "copied", "skipped", "failed", "failed"],
        "{report:#}"
    );
    assert_eq!(report["items"][3]["detail"], "exists");
    assert!(
        report["items"][4]["error"]
            .as_str()
            .unwrap()
            .contains("--overwrite")
    );
    assert!(
        report["items"][5]["error"]
            .as_str()
            .unwrap()
            .contains("IMMUTABLE")
    );
    assert_eq!(report["totals"]["copied"], 3);
    // a and b share their layer: it crosses the wire once and is mounted into the other.
    let (a_bytes, b_bytes) = (
        report["items"][0]["bytes"].as_u64().unwrap(),
        report["items"][1]["bytes"].as_u64().unwrap(),
    );
    assert!(
        a_bytes.min(b_bytes) < 4096,
        "one of them mounted the shared layer: {a_bytes} {b_bytes}"
    );
    // Digests survive byte for byte, as an independent client reads them.
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/a"), "v1").as_deref(),
        Some(digest_a.as_str())
    );
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/b"), "v1").as_deref(),
        Some(digest_b.as_str())
    );
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/multi"), "v1").as_deref(),
        Some(digest_multi.as_str())
    );
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/same"), "v1").as_deref(),
        Some(digest_same.as_str())
    );
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/taken"), "v1").as_deref(),
        Some(other.as_str()),
        "not overwritten"
    );
    // The ECR repositories were created (in moto).
    for repo in ["a", "b", "multi"] {
        assert!(
            describe_repo(&format!("{p}/{repo}")).is_some(),
            "{repo} created"
        );
    }
    // --overwrite replaces the different tag (not the immutable one); the rest is done.
    let run = migrate(&plan, &["-o", "json", "--overwrite"]);
    let report = run.json();
    let status: Vec<&str> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        status,
        [
            "skipped", "skipped", "skipped", "skipped", "copied", "failed"
        ],
        "{report:#}"
    );
    assert_eq!(report["items"][0]["detail"], "done in an earlier run");
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/taken"), "v1").as_deref(),
        Some(digest_a.as_str())
    );
}

#[test]
fn bad_plans_and_dry_runs_change_nothing() {
    let s = stand_ins();
    let p = unique("migdry");
    seed_image(Registry::Plain, &format!("{p}/src"), "v1", &p);
    let bad = temp_file(
        "plan.txt",
        &format!(
            "{}/{p}/src:v1 {p}/ok:v1\nnot a plan line at all\n{}/{p}/src:v1 {p}/Upper:v1\n",
            s.plain_registry, s.plain_registry
        ),
    );
    let run = migrate(&bad, &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("line 2:") && run.stderr.contains("line 3:"),
        "{}",
        run.stderr
    );
    assert!(describe_repo(&format!("{p}/ok")).is_none());

    let plan = temp_file(
        "plan.txt",
        &format!("{}/{p}/src:v1 {p}/ok:v1\n", s.plain_registry),
    );
    let run = migrate(&plan, &["--dry-run", "-o", "json"]);
    run.assert_code(0);
    let report = run.json();
    assert_eq!(report["repositoriesToCreate"][0], format!("{p}/ok"));
    assert_eq!(report["blobsToUpload"], 2);
    assert!(
        describe_repo(&format!("{p}/ok")).is_none(),
        "dry run created nothing"
    );
    assert!(raw_digest(Registry::Ecr, &format!("{p}/ok"), "v1").is_none());

    // A dry run gives the real run's answer: an item that would fail makes it a "no".
    let plan = temp_file(
        "plan.txt",
        &format!(
            "{0}/{p}/src:v1 {p}/ok:v1\n{0}/{p}/missing:v1 {p}/gone:v1\n",
            s.plain_registry
        ),
    );
    let run = migrate(&plan, &["--dry-run"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("1 of 2 items would fail"),
        "{}",
        run.stderr
    );
    assert!(describe_repo(&format!("{p}/gone")).is_none());
}

#[test]
fn a_killed_run_resumes_without_recopying() {
    let s = stand_ins();
    let p = unique("migkill");
    let mut plan_text = String::new();
    for i in 0..6 {
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
    let mut child = migrate_command(&plan, &["--jobs", "1", "--max-put-rate", "2"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::fs::read_to_string(&journal)
        .unwrap_or_default()
        .lines()
        .count()
        < 2
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let finished = std::fs::read_to_string(&journal).unwrap().lines().count();
    assert!(
        (2..6).contains(&finished),
        "killed mid-way: {finished} finished"
    );

    let run = migrate(&plan, &["-o", "json"]);
    run.assert_code(0);
    let items = run.json()["items"].as_array().unwrap().clone();
    let earlier = items
        .iter()
        .filter(|i| i["detail"] == "done in an earlier run")
        .count();
    assert_eq!(earlier, finished, "finished items are not copied again");
    for i in 0..6 {
        assert!(
            raw_digest(Registry::Ecr, &format!("{p}/dst{i}"), "v1").is_some(),
            "dst{i}"
        );
    }
}

#[test]
fn retags_inside_one_ecr_repository_through_the_api() {
    let s = stand_ins();
    let repo = unique("migretag/app");
    ecr(&["repo", "create", &repo]).assert_code(0);
    let v1 = crate::client::put_image(&repo, Some("v1"), &format!("{repo}-1"));
    let other = crate::client::put_image(&repo, Some("taken"), &format!("{repo}-2"));
    let plan = temp_file(
        "plan.txt",
        &format!(
            "{0}/{repo}:v1 {repo}:stable\n{0}/{repo}:v1 {repo}:v1\n{0}/{repo}:v1 {repo}:taken\n",
            s.registry
        ),
    );
    let run = migrate(&plan, &["-o", "json"]);
    run.assert_code(1);
    let report = run.json();
    let status: Vec<&str> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(status, ["retagged", "skipped", "failed"], "{report:#}");
    assert_eq!(
        report["totals"]["bytesUploaded"], 0,
        "a re-tag moves no blobs"
    );
    let described = crate::client::boto3(
        "describe_images",
        serde_json::json!({ "repositoryName": repo, "imageIds": [{ "imageTag": "stable" }] }),
    );
    assert_eq!(described["imageDetails"][0]["imageDigest"], v1.as_str());
    let taken = crate::client::boto3(
        "describe_images",
        serde_json::json!({ "repositoryName": repo, "imageIds": [{ "imageTag": "taken" }] }),
    );
    assert_eq!(
        taken["imageDetails"][0]["imageDigest"],
        other.as_str(),
        "not overwritten"
    );
}

#[test]
fn throttling_errors_and_resets_are_retried_until_every_item_is_copied() {
    let s = stand_ins();
    let p = unique("migfault");
    let proxy = crate::faults::FaultProxy::start(&s.plain_registry);
    let mut plan_text = String::new();
    for i in 0..4 {
        seed_image(
            Registry::Plain,
            &format!("{p}/src{i}"),
            "v1",
            &format!("{p}-{i}"),
        );
        plan_text.push_str(&format!("{}/{p}/src{i}:v1 {p}/dst{i}:v1\n", proxy.addr));
    }
    let plan = temp_file("plan.txt", &plan_text);
    let journal = plan.with_extension("journal");
    let run = run(ecrctl().args([
        "migrate",
        "--plan",
        plan.to_str().unwrap(),
        "--plain-http",
        &proxy.addr,
        "--ca-cert",
        s.ca_cert.to_str().unwrap(),
        "--registry-endpoint",
        &s.registry,
        "--journal",
        journal.to_str().unwrap(),
        "-o",
        "json",
    ]));
    run.assert_code(0);
    assert_eq!(run.json()["totals"]["copied"], 4);
    let [unavailable, throttled, resets] = proxy.counts();
    assert!(
        unavailable >= 1 && throttled >= 1 && resets >= 1,
        "faults injected: {:?}",
        proxy.counts()
    );
    for i in 0..4 {
        assert!(raw_digest(Registry::Ecr, &format!("{p}/dst{i}"), "v1").is_some());
    }
}

#[test]
fn generated_plans_list_select_and_rename() {
    let s = stand_ins();
    let p = unique("miggen");
    for (repo, tag) in [
        ("old-api", "v1"),
        ("old-api", "v2"),
        ("old-api", "dev"),
        ("tmp-x", "v1"),
    ] {
        seed_image(
            Registry::Plain,
            &format!("{p}/{repo}"),
            tag,
            &format!("{p}-{repo}-{tag}"),
        );
    }
    let run = run(ecrctl().args([
        "migrate",
        "--from",
        &format!("{}/{p}", s.plain_registry),
        "--to",
        &format!("{p}-apps/"),
        "--tags",
        "v*",
        "--exclude",
        "*tmp*",
        "--rename",
        "s/^old-//",
        "--plain-http",
        &s.plain_registry,
        "--ca-cert",
        s.ca_cert.to_str().unwrap(),
        "--registry-endpoint",
        &s.registry,
        "--journal",
        temp_file("j", "").to_str().unwrap(),
        "-o",
        "json",
    ]));
    run.assert_code(0);
    let destinations: Vec<String> = run.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["destination"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        destinations,
        [
            format!("{}/{p}-apps/api:v1", s.registry),
            format!("{}/{p}-apps/api:v2", s.registry)
        ]
    );
    assert!(raw_digest(Registry::Ecr, &format!("{p}-apps/api"), "v2").is_some());
    // Missing --tags / --all-tags, or a --to that is not a prefix: input errors.
    let base = ["migrate", "--from", "localhost:5000/x"];
    run_code(&[&base[..], &["--to", "y/"]].concat(), 2);
    run_code(&[&base[..], &["--to", "y", "--all-tags"]].concat(), 2);
    run_code(
        &[
            &base[..],
            &["--to", "y/", "--all-tags", "--rename", "old/new"],
        ]
        .concat(),
        2,
    );
}

fn run_code(args: &[&str], code: i32) {
    run(ecrctl().args(args)).assert_code(code);
}

#[test]
fn a_refused_ecr_token_is_renewed_mid_run() {
    let s = stand_ins();
    let p = unique("migtoken");
    seed_image(Registry::Plain, &format!("{p}/src"), "v1", &p);
    // The cache holds a token the registry no longer accepts (rotated, or expired early).
    let sandbox = crate::login::Sandbox::new();
    sandbox.seed_cache("a-token-the-registry-refuses", 6 * 3600);
    let plan = temp_file(
        "plan.txt",
        &format!("{}/{p}/src:v1 {p}/dst:v1\n", s.plain_registry),
    );
    let run = sandbox.ecrctl(&[
        "migrate",
        "--plan",
        plan.to_str().unwrap(),
        "--plain-http",
        &s.plain_registry,
        "--ca-cert",
        s.ca_cert.to_str().unwrap(),
        "--journal",
        plan.with_extension("journal").to_str().unwrap(),
        "-v",
    ]);
    run.assert_code(0);
    assert!(run.stderr.contains("renewed it"), "{}", run.stderr);
    assert!(raw_digest(Registry::Ecr, &format!("{p}/dst"), "v1").is_some());
}

/// The requests the ECR stand-in logged for repositories under `prefix`:
/// `(method, path)` from its access log.
fn logged_requests(prefix: &str) -> Vec<(String, String)> {
    let log = std::fs::read_to_string(stand_ins().root.join("registry/registry.log")).unwrap();
    log.lines()
        .filter_map(|line| {
            let request = line.split('"').nth(1)?;
            let mut parts = request.split(' ');
            let (method, path) = (parts.next()?, parts.next()?);
            path.starts_with(&format!("/v2/{prefix}/"))
                .then(|| (method.to_string(), path.to_string()))
        })
        .collect()
}

#[test]
fn blobs_are_not_looked_up_in_repositories_the_run_created() {
    let s = stand_ins();
    let p = unique("migfresh");
    for tag in ["v1", "v2"] {
        let (layout, _) = oci_layout_sharing(tag, &format!("{p}-base"), &format!("{p}-{tag}"));
        push_layout(Registry::Plain, &layout, &format!("{p}/src"), tag);
    }
    // `old` exists before the run (with a tag of its own), `new` is created by it.
    ecr(&["repo", "create", &format!("{p}/old")]).assert_code(0);
    seed_image(Registry::Ecr, &format!("{p}/old"), "v0", &format!("{p}-v0"));
    let src = &s.plain_registry;
    let plan = temp_file(
        "plan.txt",
        &format!(
            "{src}/{p}/src:v1 {p}/new:v1\n{src}/{p}/src:v2 {p}/new:v2\n\
             {src}/{p}/src:v1 {p}/old:v1\n{src}/{p}/src:v2 {p}/old:v2\n"
        ),
    );
    let run = migrate(&plan, &["--jobs", "1", "-o", "json"]);
    run.assert_code(0);
    assert_eq!(run.json()["totals"]["copied"], 4, "{}", run.stdout);
    let asked = |repo: &str, method: &str, part: &str| {
        logged_requests(&format!("{p}/{repo}"))
            .iter()
            .filter(|(m, path)| m == method && path.contains(part))
            .count()
    };
    // Created by the run, so it holds only what the run put there: no blob HEAD (before
    // any mount the registry's mount support is unknown, and a repository that was there
    // would be asked: 3 HEADs). Its tags are still read (one listing): never clobbering
    // a tag does not rest on the repository being new.
    assert_eq!(asked("new", "HEAD", "/"), 0);
    assert_eq!(asked("new", "GET", "/tags/list"), 1);
    assert_eq!(asked("new", "GET", "/manifests/"), 0);
    assert_eq!(asked("new", "PUT", "/manifests/"), 2);
    assert_eq!(asked("old", "GET", "/tags/list"), 1);
    let written = asked("old", "PUT", "/manifests/v1") + asked("old", "PUT", "/manifests/v2");
    assert_eq!(written, 2);
    // Digests as skopeo reads them, and the tag that was there untouched.
    for repo in ["new", "old"] {
        for tag in ["v1", "v2"] {
            assert_eq!(
                raw_digest(Registry::Ecr, &format!("{p}/{repo}"), tag),
                raw_digest(Registry::Plain, &format!("{p}/src"), tag),
                "{repo}:{tag}"
            );
        }
    }
    assert!(raw_digest(Registry::Ecr, &format!("{p}/old"), "v0").is_some());
}

/// A lifecycle policy ECR accepts: untagged images expire after 14 days.
const EXPIRE_UNTAGGED: &str = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}"#;

/// One image, `{p}/src:v1` in the plain registry, and a plan copying it to `v1` of each
/// of `repos`.
fn one_image_into(p: &str, repos: &[String]) -> std::path::PathBuf {
    seed_image(Registry::Plain, &format!("{p}/src"), "v1", p);
    let src = &stand_ins().plain_registry;
    let plan: String = repos
        .iter()
        .map(|r| format!("{src}/{p}/src:v1 {r}:v1\n"))
        .collect();
    temp_file("plan.txt", &plan)
}

/// `migrate` with the ECR API behind `proxy`, each call tried once (a refusal is final).
fn migrate_through(proxy: &crate::slow::DenyingApi, plan: &Path, extra: &[&str]) -> Run {
    run(migrate_command(plan, extra)
        .env("AWS_ENDPOINT_URL", &proxy.url)
        .env("AWS_MAX_ATTEMPTS", "1"))
}

/// What follows "created ECR repository " on each line of `stderr` that starts so.
fn created_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("created ECR repository "))
        .collect()
}

#[test]
fn a_refused_repository_creation_names_it_and_reports_every_repository_created() {
    let s = stand_ins();
    let p = unique("migrefused");
    let repos: Vec<String> = (0..10).map(|i| format!("{p}/r{i:02}")).collect();
    let plan = one_image_into(&p, &repos);
    let refused = repos[4].clone();
    let proxy = crate::slow::DenyingApi::start_with(
        &s.moto_url,
        vec![crate::slow::Deny {
            operation: "CreateRepository",
            repository: Some(refused.clone()),
            code: "AccessDeniedException",
        }],
    );
    let run = migrate_through(&proxy, &plan, &[]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("`{refused}`")),
        "{}",
        run.stderr
    );
    // Every repository the run left behind is one it said it created (nothing is
    // created unreported), and nothing was copied.
    let reported = created_lines(&run.stderr);
    let mut there = crate::client::repo_names_with_prefix(&format!("{p}/"));
    there.sort();
    assert_eq!(reported, there, "{}", run.stderr);
    assert!(!there.contains(&refused));
    for repo in &repos {
        assert!(raw_digest(Registry::Ecr, repo, "v1").is_none(), "{repo}");
    }
}

#[test]
fn two_shards_at_once_create_each_shared_repository_once_and_copy_every_tag() {
    let s = stand_ins();
    let p = unique("migshards");
    for tag in ["v1", "v2"] {
        let (layout, _) = oci_layout_sharing(tag, &format!("{p}-base"), &format!("{p}-{tag}"));
        push_layout(Registry::Plain, &layout, &format!("{p}/src"), tag);
    }
    let src = &s.plain_registry;
    // Every repository has one tag in each shard (items are dealt by plan position).
    let repos: Vec<String> = (0..20).map(|i| format!("{p}/r{i:02}")).collect();
    let text: String = repos
        .iter()
        .map(|r| format!("{src}/{p}/src:v1 {r}:v1\n{src}/{p}/src:v2 {r}:v2\n"))
        .collect();
    let plans = [temp_file("plan.txt", &text), temp_file("plan.txt", &text)];
    let runs: Vec<Run> = std::thread::scope(|scope| {
        let shards: Vec<_> = plans
            .iter()
            .zip(["1/2", "2/2"])
            .map(|(plan, shard)| {
                scope.spawn(move || migrate(plan, &["--shard", shard, "-o", "json"]))
            })
            .collect();
        shards.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut reported: Vec<&str> = Vec::new();
    for run in &runs {
        run.assert_code(0);
        assert_eq!(run.json()["totals"]["copied"], 20, "{}", run.stdout);
        reported.extend(created_lines(&run.stderr));
    }
    reported.sort();
    assert_eq!(reported, repos, "each repository created (and said) once");
    for repo in &repos {
        for tag in ["v1", "v2"] {
            assert_eq!(
                raw_digest(Registry::Ecr, repo, tag),
                raw_digest(Registry::Plain, &format!("{p}/src"), tag),
                "{repo}:{tag}"
            );
        }
    }
}

#[test]
fn repo_settings_entries_reach_their_own_repository_policies_included() {
    let p = unique("migsettings");
    let repos: Vec<String> = (0..10).map(|i| format!("{p}/r{i:02}")).collect();
    let plan = one_image_into(&p, &repos);
    let policy = EXPIRE_UNTAGGED;
    let access = r#"{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["ecr:BatchGetImage"]}]}"#;
    // Every entry names its own repository in a tag; the even ones are immutable and
    // carry a lifecycle policy, the odd ones a repository policy.
    let mut file = String::from("[defaults]\ntags = { team = \"platform\" }\n");
    for (i, repo) in repos.iter().enumerate() {
        file.push_str(&format!(
            "\n[[repositories]]\nname = \"{repo}\"\ntags = {{ team = \"platform\", entry = \"{i}\" }}\n"
        ));
        if i % 2 == 0 {
            file.push_str(&format!(
                "imageTagMutability = \"IMMUTABLE\"\nlifecyclePolicy = '{policy}'\n"
            ));
        } else {
            file.push_str(&format!("repositoryPolicy = '{access}'\n"));
        }
    }
    let settings = temp_file("settings.toml", &file);
    let run = migrate(&plan, &["--repo-settings", settings.to_str().unwrap()]);
    run.assert_code(0);
    for (i, repo) in repos.iter().enumerate() {
        let described = describe_repo(repo).expect("created");
        let wanted = if i % 2 == 0 { "IMMUTABLE" } else { "MUTABLE" };
        assert_eq!(described["imageTagMutability"], wanted, "{repo}");
        let arn = described["repositoryArn"].as_str().unwrap();
        let entry = i.to_string();
        let tags = crate::client::boto3(
            "list_tags_for_resource",
            serde_json::json!({ "resourceArn": arn }),
        );
        assert!(
            tags["tags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["Key"] == "entry" && t["Value"] == entry.as_str()),
            "{repo}: {tags}"
        );
        let stored = crate::client::boto3(
            "get_lifecycle_policy",
            serde_json::json!({ "repositoryName": repo }),
        );
        assert_eq!(
            stored.get("lifecyclePolicyText").is_some(),
            i % 2 == 0,
            "{repo}: {stored}"
        );
        let access_stored = crate::client::boto3(
            "get_repository_policy",
            serde_json::json!({ "repositoryName": repo }),
        );
        assert_eq!(
            access_stored.get("policyText").is_some(),
            i % 2 == 1,
            "{repo}: {access_stored}"
        );
    }
}

#[test]
fn a_repository_the_run_creates_keeps_what_the_registry_already_held() {
    let s = stand_ins();
    let p = unique("migheld");
    for tag in ["v1", "v2"] {
        let (layout, _) = oci_layout_sharing(tag, &format!("{p}-base"), &format!("{p}-{tag}"));
        push_layout(Registry::Plain, &layout, &format!("{p}/src"), tag);
    }
    // The registry holds `dst:v1` (another image) and the shared base layer's blob, but
    // moto has no such repository: the run creates it.
    let held = seed_image(
        Registry::Ecr,
        &format!("{p}/dst"),
        "v1",
        &format!("{p}-held"),
    );
    let (layout, _) = oci_layout_sharing("v0", &format!("{p}-base"), &format!("{p}-v0"));
    push_layout(Registry::Ecr, &layout, &format!("{p}/dst"), "v0");
    assert!(describe_repo(&format!("{p}/dst")).is_none());
    let src = &s.plain_registry;
    let plan = temp_file(
        "plan.txt",
        &format!("{src}/{p}/src:v1 {p}/dst:v1\n{src}/{p}/src:v2 {p}/dst:v2\n"),
    );
    let run = migrate(&plan, &["-o", "json"]);
    assert!(
        run.stderr
            .contains(&format!("created ECR repository {p}/dst")),
        "{}",
        run.stderr
    );
    // v1 is there with another digest: refused, never overwritten; v2 copied.
    assert_ne!(run.code, 0, "{}", run.stdout);
    let items = run.json()["items"].clone();
    assert_eq!(items[0]["status"], "failed", "{items}");
    assert_eq!(items[1]["status"], "copied", "{items}");
    let dst = format!("{p}/dst");
    assert_eq!(raw_digest(Registry::Ecr, &dst, "v1"), Some(held));
    assert_eq!(
        raw_digest(Registry::Ecr, &dst, "v2"),
        raw_digest(Registry::Plain, &format!("{p}/src"), "v2")
    );
    assert!(raw_digest(Registry::Ecr, &dst, "v0").is_some());
}

#[test]
fn referrers_that_could_not_be_counted_are_said_so_not_counted_as_none() {
    let s = stand_ins();
    let p = unique("migrefcount");
    for repo in ["good", "bad"] {
        let digest = seed_image(
            Registry::Plain,
            &format!("{p}/{repo}"),
            "v1",
            &format!("{p}-{repo}"),
        );
        let hex = digest.trim_start_matches("sha256:").to_string();
        let sig = format!("sha256-{hex}.sig");
        seed_image(
            Registry::Plain,
            &format!("{p}/{repo}"),
            &sig,
            &format!("{p}-{repo}-sig"),
        );
    }
    // The source's tag listing of `bad` fails; everything else is answered.
    let refused = format!("/v2/{p}/bad/tags/list");
    let proxy = crate::faults::HttpFaultProxy::start(&s.plain_registry, move |method, path| {
        if method == "GET" && path.starts_with(&refused) {
            crate::faults::Fault::Status("403 Forbidden", None)
        } else {
            crate::faults::Fault::Pass
        }
    });
    let src = &proxy.addr;
    let plan = temp_file(
        "plan.txt",
        &format!("{src}/{p}/good:v1 {p}/good:v1\n{src}/{p}/bad:v1 {p}/bad:v1\n"),
    );
    for extra in [&["--dry-run"][..], &[]] {
        let run = migrate(&plan, &[extra, &["--plain-http", src.as_str()]].concat());
        run.assert_code(0);
        // One referrer counted (good's), and the images whose referrers could not be
        // counted are said so: "1 left behind" alone would read as complete.
        assert!(run.stderr.contains("1 referrer "), "{}", run.stderr);
        assert!(
            run.stderr.contains("could not be counted"),
            "{extra:?}: {}",
            run.stderr
        );
    }
    assert!(proxy.count("Status") > 0);
}

#[test]
fn a_policy_refused_after_creation_still_reports_the_repository_created() {
    let s = stand_ins();
    let p = unique("migpolicy");
    let repos: Vec<String> = (0..3).map(|i| format!("{p}/r{i}")).collect();
    let plan = one_image_into(&p, &repos);
    let policy = EXPIRE_UNTAGGED;
    let settings = temp_file(
        "settings.toml",
        &format!("[defaults]\nlifecyclePolicy = '{policy}'\n"),
    );
    let refused = repos[1].clone();
    let proxy = crate::slow::DenyingApi::start_with(
        &s.moto_url,
        vec![crate::slow::Deny {
            operation: "PutLifecyclePolicy",
            repository: Some(refused.clone()),
            code: "AccessDeniedException",
        }],
    );
    let run = migrate_through(
        &proxy,
        &plan,
        &["--repo-settings", settings.to_str().unwrap()],
    );
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("created ECR repository {refused}, but not its")),
        "{}",
        run.stderr
    );
    let reported: Vec<&str> = created_lines(&run.stderr)
        .into_iter()
        .filter(|l| !l.contains(' '))
        .collect();
    let mut there = crate::client::repo_names_with_prefix(&format!("{p}/"));
    there.sort();
    assert_eq!(there, repos);
    assert_eq!(reported, there, "{}", run.stderr);

    // The rerun finds them all there: the one without its policy is said so (migrate
    // never changes an existing repository: a lifecycle policy expires images), the
    // others are not, and nothing is put on it.
    let again = crate::client::run(&mut migrate_command(
        &plan,
        &["--repo-settings", settings.to_str().unwrap()],
    ));
    again.assert_code(0);
    let lacking: Vec<&str> = again
        .stderr
        .lines()
        .filter(|l| l.contains("exists without the lifecyclePolicy"))
        .collect();
    assert_eq!(lacking.len(), 1, "{}", again.stderr);
    assert!(lacking[0].contains(&refused), "{}", again.stderr);
    assert!(
        lacking[0].contains("ecrctl repo create --from-file"),
        "{}",
        again.stderr
    );
    let lifecycle = crate::client::boto3(
        "get_lifecycle_policy",
        serde_json::json!({"repositoryName": refused}),
    );
    assert_eq!(
        lifecycle["error"], "LifecyclePolicyNotFoundException",
        "{lifecycle}"
    );
}
