//! `ecrctl migrate` never clobbers, never trusts unverified bytes, and keeps credentials
//! on their host: duplicate destinations after normalization, digests checked against
//! bytes served wrong by a real registry (its storage altered on disk), ECR exclusion
//! filters tag by tag, and small registry stand-ins that answer with a foreign
//! `Location` / `Link` or a token realm on plain HTTP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::client::{Run, describe_repo, ecr, ecrctl, run, temp_file, unique};
use crate::harness::stand_ins;
use crate::images::{Registry, raw_digest, seed_image};

/// `user:s3cret`, as docker stores it.
const BASIC: &str = "Basic dXNlcjpzM2NyZXQ=";

/// `ecrctl migrate` from the plain registry into the ECR stand-in.
fn migrate(plan: &Path, extra: &[&str]) -> Run {
    let s = stand_ins();
    let journal = plan.with_extension("journal");
    let mut command = ecrctl();
    command
        .args(["migrate", "--plan", plan.to_str().unwrap()])
        .args(["--plain-http", &s.plain_registry])
        .args(["--ca-cert", s.ca_cert.to_str().unwrap()])
        .args(["--registry-endpoint", &s.registry])
        .args(["--journal", journal.to_str().unwrap()])
        .args(extra);
    run(&mut command)
}

/// Where the plain registry stores the blob (or manifest) `digest`.
fn stored_blob(digest: &str) -> PathBuf {
    let hex = digest.strip_prefix("sha256:").unwrap();
    stand_ins()
        .root
        .join("plain-registry/data/docker/registry/v2/blobs/sha256")
        .join(&hex[..2])
        .join(hex)
        .join("data")
}

#[test]
fn two_sources_for_one_destination_are_refused_after_normalization() {
    let s = stand_ins();
    let p = unique("msdup");
    seed_image(Registry::Plain, &format!("{p}/legacy/api"), "v1", &p);
    seed_image(
        Registry::Plain,
        &format!("{p}/legacy/old-api"),
        "v1",
        &format!("{p}-old"),
    );
    // A generated plan: --rename maps both repositories onto apps/api.
    let journal = temp_file("j", "").with_file_name("gen.journal");
    let mut command = ecrctl();
    command
        .args([
            "migrate",
            "--from",
            &format!("{}/{p}/legacy", s.plain_registry),
        ])
        .args(["--to", &format!("{p}/apps/"), "--all-tags"])
        .args(["--rename", "s/^old-//"])
        .args(["--plain-http", &s.plain_registry])
        .args(["--ca-cert", s.ca_cert.to_str().unwrap()])
        .args(["--registry-endpoint", &s.registry])
        .args(["--journal", journal.to_str().unwrap()]);
    let r = run(&mut command);
    r.assert_code(2);
    assert!(
        r.stderr
            .contains("2 different sources copy to the same destination")
            && r.stderr.contains(&format!("{p}/apps/api:v1"))
            && r.stderr.contains(&format!("{p}/legacy/old-api:v1")),
        "{}",
        r.stderr
    );
    assert!(
        describe_repo(&format!("{p}/apps/api")).is_none(),
        "nothing created"
    );
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/apps/api"), "v1"),
        None
    );

    // A plan file: a host-less destination is the ECR registry's, named with its host on
    // another line.
    let plan = temp_file(
        "plan.txt",
        &format!(
            "{src}/{p}/legacy/api:v1 {p}/one:v1\n{src}/{p}/legacy/old-api:v1 {reg}/{p}/one:v1\n",
            src = s.plain_registry,
            reg = s.registry
        ),
    );
    let r = migrate(&plan, &[]);
    r.assert_code(2);
    assert!(
        r.stderr
            .contains("different sources copy to the same destination")
            && r.stderr.contains("(line 1)")
            && r.stderr.contains("(line 2)"),
        "{}",
        r.stderr
    );
    // The whole plan is checked before a shard takes its slice: lines 1 and 2 fall into
    // different shards, and each shard refuses.
    for shard in ["1/2", "2/2"] {
        let r = migrate(&plan, &["--shard", shard]);
        r.assert_code(2);
        assert!(
            r.stderr
                .contains("different sources copy to the same destination"),
            "{}",
            r.stderr
        );
    }
    assert!(
        describe_repo(&format!("{p}/one")).is_none(),
        "nothing created"
    );
}

#[test]
fn plain_http_naming_the_ecr_registry_is_refused() {
    let s = stand_ins();
    let p = unique("msplain");
    let plan = temp_file(
        "plan.txt",
        &format!("{}/{p}/src:v1 {p}/dst:v1\n", s.plain_registry),
    );
    let r = migrate(&plan, &["--plain-http", &s.registry]);
    r.assert_code(2);
    assert!(
        r.stderr.contains("names an ECR registry") && r.stderr.contains("in clear"),
        "{}",
        r.stderr
    );
    assert!(describe_repo(&format!("{p}/dst")).is_none());
    let r = migrate(
        &plan,
        &[
            "--plain-http",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com",
        ],
    );
    r.assert_code(2);
    assert!(r.stderr.contains("names an ECR registry"), "{}", r.stderr);
}

#[test]
fn a_pinned_source_whose_bytes_do_not_match_its_digest_fails() {
    let s = stand_ins();
    let p = unique("mspin");
    let digest = seed_image(Registry::Plain, &format!("{p}/src"), "v1", &p);
    // The registry now serves other bytes (still a valid manifest) for that digest.
    let stored = stored_blob(&digest);
    let mut bytes = std::fs::read(&stored).unwrap();
    bytes.push(b'\n');
    std::fs::write(&stored, bytes).unwrap();
    let plan = temp_file(
        "plan.txt",
        &format!("{}/{p}/src@{digest} {p}/pinned:v1\n", s.plain_registry),
    );
    let r = migrate(&plan, &["-o", "json"]);
    r.assert_code(1);
    let report = r.json();
    assert_eq!(report["items"][0]["status"], "failed", "{report:#}");
    let error = report["items"][0]["error"].as_str().unwrap();
    assert!(
        error.contains("does not match its digest") && error.contains(&digest),
        "{error}"
    );
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/pinned"), "v1"),
        None
    );
}

#[test]
fn a_layer_whose_bytes_do_not_match_its_digest_fails_the_item() {
    let s = stand_ins();
    let p = unique("msblob");
    let digest = seed_image(Registry::Plain, &format!("{p}/src"), "v1", &p);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(stored_blob(&digest)).unwrap()).unwrap();
    let layer = manifest["layers"][0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    // Same size, one byte changed.
    let stored = stored_blob(&layer);
    let mut bytes = std::fs::read(&stored).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&stored, bytes).unwrap();
    let plan = temp_file(
        "plan.txt",
        &format!("{}/{p}/src:v1 {p}/dst:v1\n", s.plain_registry),
    );
    let r = migrate(&plan, &["-o", "json"]);
    r.assert_code(1);
    let report = r.json();
    let error = report["items"][0]["error"].as_str().unwrap();
    assert!(
        error.contains(&format!("the blob {layer} from {}", s.plain_registry))
            && error.contains("does not match its digest"),
        "{error}"
    );
    assert_eq!(raw_digest(Registry::Ecr, &format!("{p}/dst"), "v1"), None);
}

#[test]
fn exclusion_filters_decide_tag_by_tag() {
    let s = stand_ins();
    let p = unique("msexcl");
    let src = seed_image(Registry::Plain, &format!("{p}/src"), "v1", &p);
    ecr(&[
        "repo",
        "create",
        &format!("{p}/imm"),
        "--immutable",
        "--immutable-exclude",
        "dev-*",
    ])
    .assert_code(0);
    ecr(&[
        "repo",
        "create",
        &format!("{p}/mut"),
        "--mutable-exclude",
        "release-*",
    ])
    .assert_code(0);
    let mut before = Vec::new();
    for (repo, tag) in [
        ("imm", "v1"),
        ("imm", "dev-1"),
        ("mut", "release-1"),
        ("mut", "dev-1"),
    ] {
        before.push(seed_image(
            Registry::Ecr,
            &format!("{p}/{repo}"),
            tag,
            &format!("{p}-{repo}-{tag}"),
        ));
    }
    let from = format!("{}/{p}/src:v1", s.plain_registry);
    let plan = temp_file(
        "plan.txt",
        &format!(
            "{from} {p}/imm:v1\n{from} {p}/imm:dev-1\n{from} {p}/mut:release-1\n{from} {p}/mut:dev-1\n"
        ),
    );
    let r = migrate(&plan, &["-o", "json", "--overwrite"]);
    r.assert_code(1);
    let report = r.json();
    let status: Vec<&str> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        status,
        ["failed", "copied", "failed", "copied"],
        "{report:#}"
    );
    let e0 = report["items"][0]["error"].as_str().unwrap();
    assert!(
        e0.contains("IMMUTABLE_WITH_EXCLUSION") && e0.contains("dev-*"),
        "{e0}"
    );
    let e2 = report["items"][2]["error"].as_str().unwrap();
    assert!(
        e2.contains("MUTABLE_WITH_EXCLUSION") && e2.contains("release-*"),
        "{e2}"
    );
    // The protected tags kept their images; the others now hold the source's.
    let now = |repo: &str, tag: &str| raw_digest(Registry::Ecr, &format!("{p}/{repo}"), tag);
    assert_eq!(now("imm", "v1").as_deref(), Some(before[0].as_str()));
    assert_eq!(now("imm", "dev-1").as_deref(), Some(src.as_str()));
    assert_eq!(now("mut", "release-1").as_deref(), Some(before[2].as_str()));
    assert_eq!(now("mut", "dev-1").as_deref(), Some(src.as_str()));
}

/// One request a stand-in saw.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    authorization: Option<String>,
}

struct Answer {
    status: &'static str,
    headers: Vec<(&'static str, String)>,
    body: String,
}

fn answer(status: &'static str, headers: Vec<(&'static str, String)>, body: &str) -> Answer {
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

/// A tiny HTTP/1.1 server (one request per connection) that records every request and
/// answers with `handle`; lives as long as the test process.
fn stand_in(
    handle: impl Fn(&Seen) -> Answer + Send + Sync + 'static,
) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (log, handle) = (seen.clone(), Arc::new(handle));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let (log, handle) = (log.clone(), handle.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let mut parts = line.split_whitespace();
                let (method, path) = (
                    parts.next().unwrap_or("").to_string(),
                    parts.next().unwrap_or("").to_string(),
                );
                let (mut length, mut chunked, mut authorization) = (0usize, false, None);
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                        break;
                    }
                    let (name, value) = header.split_once(':').unwrap_or((&header, ""));
                    let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
                    match name.as_str() {
                        "content-length" => length = value.parse().unwrap_or(0),
                        "transfer-encoding" => chunked = value.contains("chunked"),
                        "authorization" => authorization = Some(value.to_string()),
                        _ => {}
                    }
                }
                if chunked {
                    let mut tail = Vec::new();
                    let mut byte = [0u8; 1];
                    while !tail.ends_with(b"0\r\n\r\n") && reader.read(&mut byte).unwrap_or(0) == 1
                    {
                        tail.push(byte[0]);
                    }
                } else {
                    let mut body = vec![0u8; length];
                    let _ = reader.read_exact(&mut body);
                }
                let request = Seen {
                    method,
                    path,
                    authorization,
                };
                log.lock().unwrap().push(request.clone());
                let a = handle(&request);
                let mut out = format!("HTTP/1.1 {}\r\nConnection: close\r\n", a.status);
                for (k, v) in &a.headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str(&format!(
                    "Content-Length: {}\r\n\r\n{}",
                    a.body.len(),
                    a.body
                ));
                let mut stream = stream;
                let _ = stream.write_all(out.as_bytes());
            });
        }
    });
    (addr, seen)
}

/// A DOCKER_CONFIG folder holding `user:s3cret` for `host`.
fn docker_config_for(host: &str) -> PathBuf {
    let config = temp_file(
        "config.json",
        &format!(r#"{{"auths":{{"{host}":{{"auth":"dXNlcjpzM2NyZXQ="}}}}}}"#),
    );
    config.parent().unwrap().to_path_buf()
}

#[test]
fn an_upload_location_on_another_host_gets_no_credentials() {
    let s = stand_ins();
    let p = unique("msloc");
    let digest = seed_image(Registry::Plain, &format!("{p}/src"), "v1", &p);
    let (foreign, foreign_seen) = stand_in(|_| answer("201 Created", vec![], ""));
    let upload = format!("http://{foreign}/uploads/1");
    let (registry, registry_seen) = stand_in(move |r| match (r.method.as_str(), r.path.as_str()) {
        ("POST", path) if path.contains("/blobs/uploads/") => {
            answer("202 Accepted", vec![("Location", upload.clone())], "")
        }
        ("PUT", path) if path.contains("/manifests/") => answer(
            "201 Created",
            vec![("Docker-Content-Digest", "sha256:0".into())],
            "",
        ),
        _ => answer("404 Not Found", vec![], ""),
    });
    let plan = temp_file(
        "plan.txt",
        &format!("{}/{p}/src:v1 {registry}/{p}/dst:v1\n", s.plain_registry),
    );
    let journal = plan.with_extension("journal");
    let mut command = ecrctl();
    command
        .args(["migrate", "--plan", plan.to_str().unwrap()])
        .args(["--plain-http", &s.plain_registry, "--plain-http", &registry])
        .args(["--journal", journal.to_str().unwrap()])
        .env("DOCKER_CONFIG", docker_config_for(&registry));
    let r = run(&mut command);
    r.assert_code(0);
    let foreign_seen = foreign_seen.lock().unwrap().clone();
    let puts: Vec<&Seen> = foreign_seen.iter().filter(|r| r.method == "PUT").collect();
    assert_eq!(puts.len(), 2, "config and layer uploaded: {foreign_seen:?}");
    assert!(
        puts.iter().all(|r| r.authorization.is_none()),
        "no credentials to another host: {foreign_seen:?}"
    );
    assert!(
        puts.iter()
            .all(|r| r.path.contains("digest=sha256%3A") || r.path.contains("digest=sha256:"))
    );
    // The registry itself did get them (so they were there to leak).
    let registry_seen = registry_seen.lock().unwrap().clone();
    assert!(
        registry_seen
            .iter()
            .any(|r| r.authorization.as_deref() == Some(BASIC)),
        "{registry_seen:?}"
    );
    assert!(!digest.is_empty());
}

#[test]
fn a_next_page_link_to_another_host_is_not_followed() {
    let (foreign, foreign_seen) =
        stand_in(|_| answer("200 OK", vec![], r#"{"repositories":["team/other"]}"#));
    let next = format!(r#"<http://{foreign}/v2/_catalog?n=1000&last=team/app>; rel="next""#);
    let (registry, registry_seen) = stand_in(move |r| {
        if r.path.starts_with("/v2/_catalog") {
            answer(
                "200 OK",
                vec![("Link", next.clone())],
                r#"{"repositories":["team/app"]}"#,
            )
        } else {
            answer("200 OK", vec![], r#"{"name":"team/app","tags":["v1"]}"#)
        }
    });
    let mut command = ecrctl();
    command
        .args(["migrate", "--from", &format!("{registry}/team")])
        .args(["--to", "mirror/", "--all-tags", "--dry-run"])
        .args(["--plain-http", &registry])
        .env("DOCKER_CONFIG", docker_config_for(&registry));
    let r = run(&mut command);
    r.assert_code(3);
    assert!(
        r.stderr.contains("points its next page at") && r.stderr.contains(&foreign),
        "{}",
        r.stderr
    );
    assert!(
        foreign_seen.lock().unwrap().is_empty(),
        "nothing sent to the other host"
    );
    assert!(
        registry_seen
            .lock()
            .unwrap()
            .iter()
            .any(|r| r.authorization.as_deref() == Some(BASIC))
    );
}

#[test]
fn a_token_realm_on_plain_http_is_warned_about() {
    let (tokens, _) = stand_in(|_| answer("200 OK", vec![], r#"{"token":"t0k"}"#));
    let realm = format!(r#"Bearer realm="http://{tokens}/token",service="stand-in""#);
    let (registry, _) = stand_in(move |r| {
        if r.authorization.as_deref() != Some("Bearer t0k") {
            return answer(
                "401 Unauthorized",
                vec![("WWW-Authenticate", realm.clone())],
                "",
            );
        }
        answer("200 OK", vec![], r#"{"repositories":[]}"#)
    });
    let mut command = ecrctl();
    command
        .args(["migrate", "--from", &format!("{registry}/team")])
        .args(["--to", "mirror/", "--all-tags", "--dry-run"])
        .args(["--plain-http", &registry])
        .env("DOCKER_CONFIG", docker_config_for(&registry));
    let r = run(&mut command);
    assert!(
        r.stderr.contains("over plain HTTP: they travel in clear"),
        "{}",
        r.stderr
    );
}
