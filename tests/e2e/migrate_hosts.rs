//! `ecrctl migrate` and the hosts of a plan: an ECR destination in another region is
//! created there; one registry under several spellings (`:443`, case, the
//! `--registry-endpoint` and its explicit ECR host) is one destination with one token; an
//! item reading what another writes is refused; skopeo sync files and JSON plans of odd
//! shapes.

use std::path::Path;

use crate::client::{Run, describe_repo, ecr, ecrctl, run, temp_file, unique};
use crate::harness::stand_ins;
use crate::images::{Registry, raw_digest, seed_image};

/// The caller's ECR registry in the stand-ins' region, as AWS names it.
const ECR_HOST: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

/// `ecrctl migrate` from the plain registry, with `--registry-endpoint` when `endpoint`.
fn migrate(plan: &Path, endpoint: bool, extra: &[&str]) -> Run {
    let s = stand_ins();
    let mut command = ecrctl();
    command
        .args(["migrate", "--plan", plan.to_str().unwrap()])
        .args(["--plain-http", &s.plain_registry])
        .args(["--ca-cert", s.ca_cert.to_str().unwrap()])
        .args(["--no-journal"]);
    if endpoint {
        command.args(["--registry-endpoint", &s.registry]);
    }
    run(command.args(extra))
}

fn repos_in(region: &str, prefix: &str) -> String {
    let r = ecr(&[
        "repo", "list", "--prefix", prefix, "--region", region, "-o", "json",
    ]);
    r.assert_code(0);
    r.stdout
}

#[test]
fn an_ecr_destination_in_another_region_is_created_in_that_region() {
    let s = stand_ins();
    let p = unique("hxregion");
    seed_image(Registry::Plain, &format!("{p}/legacy/api"), "v1", &p);
    let plan = temp_file(
        "plan.txt",
        &format!(
            "{}/{p}/legacy/api:v1 123456789012.dkr.ecr.eu-west-1.amazonaws.com/{p}/xregion/api:v1\n",
            s.plain_registry
        ),
    );
    // The endpoint stands for us-east-1 only: eu-west-1's registry is reached by its own
    // name (which the test machine cannot resolve, so the copy itself fails), but its
    // repository is created in eu-west-1, never in the configured region.
    let r = migrate(&plan, true, &[]);
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(
        repos_in("eu-west-1", &p).contains(&format!("{p}/xregion/api")),
        "not created in eu-west-1: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "created ECR repository {p}/xregion/api in eu-west-1"
        )),
        "{}",
        r.stderr
    );
    assert!(
        describe_repo(&format!("{p}/xregion/api")).is_none(),
        "created in us-east-1"
    );
}

#[test]
fn one_ecr_registry_under_several_spellings_is_one_destination() {
    let s = stand_ins();
    let p = unique("hspell");
    seed_image(Registry::Plain, &format!("{p}/legacy/api"), "v1", &p);
    seed_image(
        Registry::Plain,
        &format!("{p}/legacy/old-api"),
        "v1",
        &format!("{p}-old"),
    );
    let src = &s.plain_registry;
    // `:443` and another case: the production form, no endpoint.
    let plan = temp_file(
        "plan.txt",
        &format!(
            "{src}/{p}/legacy/api:v1 {ECR_HOST}:443/{p}/apps/api:v1\n{src}/{p}/legacy/old-api:v1 {}/{p}/apps/api:v1\n",
            ECR_HOST.to_uppercase()
        ),
    );
    let r = migrate(&plan, false, &["--dry-run"]);
    r.assert_code(2);
    assert!(
        r.stderr.contains(&format!(
            "2 different sources copy to the same destination {ECR_HOST}/{p}/apps/api:v1"
        )),
        "{}",
        r.stderr
    );
    // With --registry-endpoint: a host-less destination and the explicit ECR host of the
    // same registry.
    let plan = temp_file(
        "plan.txt",
        &format!(
            "{src}/{p}/legacy/api:v1 {p}/apps/api:v1\n{src}/{p}/legacy/old-api:v1 {ECR_HOST}/{p}/apps/api:v1\n"
        ),
    );
    let r = migrate(&plan, true, &[]);
    r.assert_code(2);
    assert!(
        r.stderr
            .contains("2 different sources copy to the same destination")
            && r.stderr.contains("(line 1)")
            && r.stderr.contains("(line 2)"),
        "{}",
        r.stderr
    );
    assert!(describe_repo(&format!("{p}/apps/api")).is_none());
    // The explicit host (with `:443`) of the endpoint's registry goes through the
    // endpoint, with the ECR token.
    let plan = temp_file(
        "plan.txt",
        &format!("{src}/{p}/legacy/api:v1 {ECR_HOST}:443/{p}/apps/api:v1\n"),
    );
    let r = migrate(&plan, true, &[]);
    r.assert_code(0);
    assert!(raw_digest(Registry::Ecr, &format!("{p}/apps/api"), "v1").is_some());
}

#[test]
fn an_item_reading_what_another_writes_is_refused() {
    let s = stand_ins();
    let p = unique("hchain");
    seed_image(Registry::Plain, &format!("{p}/r1"), "t1", &p);
    let src = &s.plain_registry;
    for reader in [s.registry.clone(), ECR_HOST.to_string()] {
        let plan = temp_file(
            "plan.txt",
            &format!("{src}/{p}/r1:t1 {p}/chain/b:v1\n{reader}/{p}/chain/b:v1 {p}/chain/c:v1\n"),
        );
        for extra in [&["--dry-run"][..], &[], &["--shard", "2/2"]] {
            let r = migrate(&plan, true, extra);
            r.assert_code(2);
            // The ECR host of the endpoint's registry is named as the endpoint.
            assert!(
                r.stderr
                    .contains(&format!("line 2 reads {}/{p}/chain/b:v1", s.registry))
                    && r.stderr
                        .contains(&format!("which line 1 writes (from `{src}/{p}/r1:t1`)")),
                "{}",
                r.stderr
            );
        }
    }
    assert!(describe_repo(&format!("{p}/chain/b")).is_none());
    assert!(describe_repo(&format!("{p}/chain/c")).is_none());
}

#[test]
fn a_tag_listed_and_matched_in_a_sync_file_is_copied_once() {
    let s = stand_ins();
    let p = unique("hsync");
    let digest = seed_image(Registry::Plain, &format!("{p}/r1"), "t1", &p);
    let plan = temp_file(
        "sync.yaml",
        &format!(
            "{}:\n  images:\n    {p}/r1: [\"t1\"]\n  images-by-tag-regex:\n    {p}/r1: \"t\"\n  tls-verify: false\n",
            s.plain_registry
        ),
    );
    let r = migrate(&plan, true, &["--to", &format!("{p}-y/"), "-o", "json"]);
    r.assert_code(0);
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}-y/{p}/r1"), "t1"),
        Some(digest)
    );
    assert_eq!(
        r.stdout.matches(&format!("{p}/r1:t1\"")).count(),
        2,
        "{}",
        r.stdout
    );
}

#[test]
fn a_json_plan_must_be_an_object() {
    let p = unique("hjson");
    for text in [
        "[]",
        "[{}, [{\"source\": \"a:1\", \"destination\": \"b:1\"}]]",
    ] {
        let plan = temp_file("plan.json", text);
        let r = migrate(&plan, true, &[]);
        r.assert_code(2);
        assert!(
            r.stderr.contains("expected an object with `images`")
                && !r.stderr.contains("struct Document"),
            "{}",
            r.stderr
        );
    }
    assert!(describe_repo(&format!("{p}/b")).is_none());
}
