//! `lifecycle` sees what ECR's lifecycle sees: archived images live (DescribeImages with
//! `imageStatus` ANY, through a proxy that makes moto answer as ECR does), ACTIVATING
//! images in the archive, warnings on images files that cannot show the archive or index
//! children, `lifecycle snapshot`, and the image table's `--limit` and last-pulled column.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::client::{boto3, ecr, ecrctl, put_image, run, temp_file, unique};

/// ECR's archive in front of moto (which has none): DescribeImages answers list the
/// digests in `states` with that `imageStatus` (and `lastArchivedAt` 100 days ago) only
/// when the request asks for `filter.imageStatus` ANY, and leave them out otherwise, as
/// ECR does. Records every DescribeImages request body.
struct ArchiveApi {
    url: String,
    describe_requests: Arc<Mutex<Vec<Value>>>,
}

impl ArchiveApi {
    fn start(states: Vec<(String, &'static str)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let upstream = crate::harness::stand_ins()
            .moto_url
            .trim_start_matches("http://")
            .to_string();
        let describe_requests = Arc::new(Mutex::new(Vec::new()));
        let seen = describe_requests.clone();
        let states = Arc::new(states);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (upstream, seen, states) = (upstream.clone(), seen.clone(), states.clone());
                std::thread::spawn(move || relay(stream, &upstream, &seen, &states));
            }
        });
        Self {
            url,
            describe_requests,
        }
    }

    fn command(&self, args: &[&str]) -> crate::client::Run {
        run(ecrctl()
            .env("AWS_ENDPOINT_URL", &self.url)
            .env("AWS_MAX_ATTEMPTS", "1")
            .args(args))
    }
}

fn relay(
    mut client: TcpStream,
    upstream: &str,
    seen: &Mutex<Vec<Value>>,
    states: &[(String, &'static str)],
) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(30)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match client.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let text = String::from_utf8_lossy(&head).to_string();
    let header = |name: &str| {
        text.lines()
            .find(|l| l.to_ascii_lowercase().starts_with(&format!("{name}:")))
            .map(|l| l[name.len() + 1..].trim().to_string())
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    if client.read_exact(&mut body).is_err() {
        return;
    }
    let describe = header("x-amz-target").is_some_and(|t| t.ends_with(".DescribeImages"));
    let asked_any = describe && {
        let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let any = request["filter"]["imageStatus"] == "ANY";
        seen.lock().unwrap().push(request);
        any
    };
    let Ok(mut server) = TcpStream::connect(upstream) else {
        return;
    };
    let head = text.replacen("\r\n", "\r\nConnection: close\r\n", 1);
    if server
        .write_all(head.as_bytes())
        .and_then(|()| server.write_all(&body))
        .is_err()
    {
        return;
    }
    let mut answer = Vec::new();
    let _ = server.read_to_end(&mut answer);
    if describe {
        answer = rewrite_describe(&answer, asked_any, states);
    }
    let _ = client.write_all(&answer);
}

/// Rewrites a DescribeImages answer as ECR would give it (see [`ArchiveApi`]).
fn rewrite_describe(answer: &[u8], asked_any: bool, states: &[(String, &'static str)]) -> Vec<u8> {
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer");
    let head = String::from_utf8_lossy(&answer[..split]).to_string();
    let mut body = answer[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    let Ok(mut doc) = serde_json::from_slice::<Value>(&body) else {
        return answer.to_vec();
    };
    let archived_at = jiff::Timestamp::now().as_second() - 100 * 86_400;
    if let Some(details) = doc["imageDetails"].as_array_mut() {
        details.retain_mut(|d| {
            let state = states
                .iter()
                .find(|(digest, _)| d["imageDigest"] == digest.as_str());
            match state {
                Some(_) if !asked_any => false,
                Some((_, status)) => {
                    d["imageStatus"] = json!(status);
                    d["lastArchivedAt"] = json!(archived_at);
                    true
                }
                None => {
                    if asked_any {
                        d["imageStatus"] = json!("ACTIVE");
                    }
                    true
                }
            }
        });
    }
    let body = serde_json::to_vec(&doc).unwrap();
    let mut out = String::new();
    for line in head.split("\r\n") {
        let lower = line.to_ascii_lowercase();
        if !lower.starts_with("content-length:") && !lower.starts_with("transfer-encoding:") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut out = out.into_bytes();
    out.extend(body);
    out
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&body[..end])
                .split(';')
                .next()
                .unwrap()
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 2 + size + 2..];
    }
    out
}

fn digests(list: &Value) -> Vec<String> {
    let mut d: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["imageDigest"].as_str().unwrap().to_string())
        .collect();
    d.sort();
    d
}

/// Expires archived images 90 days after they were archived; keeps two active images.
const ARCHIVE_POLICY: &str = r#"{"rules":[
 {"rulePriority":1,"description":"archive cleanup","selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":90},"action":{"type":"expire"}},
 {"rulePriority":2,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}]}"#;

#[test]
fn live_preview_reads_archived_and_activating_images() {
    let repo = unique("lcdata/arch");
    ecr(&["repo", "create", &repo]).assert_code(0);
    let old = put_image(&repo, Some("old-1"), "archived-one");
    let restoring = put_image(&repo, Some("old-2"), "restoring-one");
    let active: Vec<String> = ["a", "b"]
        .iter()
        .map(|t| put_image(&repo, Some(t), &format!("active-{t}")))
        .collect();
    let api = ArchiveApi::start(vec![
        (old.clone(), "ARCHIVED"),
        (restoring.clone(), "ACTIVATING"),
    ]);
    let policy = temp_file("p.json", ARCHIVE_POLICY);
    let policy = policy.to_str().unwrap();
    let live = api.command(&[
        "lifecycle",
        "preview",
        "--repository",
        &repo,
        "--policy",
        policy,
        "-o",
        "json",
    ]);
    live.assert_code(0);
    let report = live.json();
    // Both are in the archive, archived 100 days ago: rule 1 expires them. Rule 2 counts
    // only the two active images, so it keeps both.
    let mut want = vec![old.clone(), restoring.clone()];
    want.sort();
    assert_eq!(digests(&report["expiring"]), want, "{report:#}");
    assert!(
        report["expiring"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["rulePriority"] == 1)
    );
    assert_eq!(report["totals"]["images"], 4);
    let requests = api.describe_requests.lock().unwrap().clone();
    assert!(
        !requests.is_empty() && requests.iter().all(|r| r["filter"]["imageStatus"] == "ANY"),
        "{requests:?}"
    );

    // A protected archived image is flagged.
    let guarded = api.command(&[
        "lifecycle",
        "preview",
        "--repository",
        &repo,
        "--policy",
        policy,
        "--protect",
        "old-*",
    ]);
    guarded.assert_code(1);
    assert!(
        guarded.stderr.contains("2 protected images"),
        "{}",
        guarded.stderr
    );

    // The snapshot keeps every state, and an offline preview of it matches the live one.
    let snap = api.command(&["lifecycle", "snapshot", "--repository", &repo]);
    snap.assert_code(0);
    let doc = snap.json();
    let status = |digest: &str| {
        doc["imageDetails"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["imageDigest"] == digest)
            .map(|d| d["imageStatus"].clone())
    };
    assert_eq!(status(&old), Some(json!("ARCHIVED")));
    assert_eq!(status(&restoring), Some(json!("ACTIVATING")));
    assert_eq!(status(&active[0]), Some(json!("ACTIVE")));
    let file = temp_file("snapshot.json", &snap.stdout);
    let offline = ecr(&[
        "lifecycle",
        "preview",
        "--images",
        file.to_str().unwrap(),
        "--policy",
        policy,
        "-o",
        "json",
    ]);
    offline.assert_code(0);
    let offline = offline.json();
    assert_eq!(offline["expiring"], report["expiring"]);
    assert_eq!(offline["warnings"], json!([]));
}

/// Pushes an OCI index over two untagged platform images; returns (index, children).
fn multi_arch(repo: &str, tag: &str) -> (String, Vec<String>) {
    let children: Vec<String> = ["amd64", "arm64"]
        .iter()
        .map(|arch| put_image(repo, None, &format!("{repo}-{tag}-{arch}")))
        .collect();
    let manifests: Vec<Value> = children
        .iter()
        .zip(["amd64", "arm64"])
        .map(|(digest, arch)| {
            json!({"mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                   "digest": digest, "size": 500,
                   "platform": {"architecture": arch, "os": "linux"}})
        })
        .collect();
    let index = json!({"schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests});
    let out = boto3(
        "put_image",
        json!({"repositoryName": repo, "imageManifest": index.to_string(), "imageTag": tag,
               "imageManifestMediaType": "application/vnd.oci.image.index.v1+json"}),
    );
    let digest = out["image"]["imageId"]["imageDigest"]
        .as_str()
        .unwrap_or_else(|| panic!("put_image: {out}"))
        .to_string();
    (digest, children)
}

/// Expires untagged images pushed more than a day ago.
const UNTAGGED_POLICY: &str = r#"{"rules":[
 {"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}}]}"#;

fn two_days_later() -> String {
    (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(48)).to_string()
}

#[test]
fn snapshot_keeps_index_children_so_offline_previews_are_exact() {
    let repo = unique("lcdata/multi");
    ecr(&["repo", "create", &repo]).assert_code(0);
    let (index, children) = multi_arch(&repo, "v1");
    let loose = put_image(&repo, None, "loose-untagged");
    let snap = ecr(&["lifecycle", "snapshot", "--repository", &repo]);
    snap.assert_code(0);
    let doc = snap.json();
    let details = doc["imageDetails"].as_array().unwrap();
    assert_eq!(details.len(), 4, "{doc:#}");
    assert!(details.iter().all(|d| d["repositoryName"] == repo.as_str()));
    let entry = details
        .iter()
        .find(|d| d["imageDigest"] == index.as_str())
        .unwrap();
    assert_eq!(entry["childManifests"], json!(children));

    let now = two_days_later();
    let policy = temp_file("p.json", UNTAGGED_POLICY);
    let preview = |file: &std::path::Path| {
        ecr(&[
            "lifecycle",
            "preview",
            "--images",
            file.to_str().unwrap(),
            "--policy",
            policy.to_str().unwrap(),
            "--now",
            &now,
            "-o",
            "json",
        ])
    };
    // From the snapshot: the children stay with their tagged index; only the loose one goes.
    let exact = preview(&temp_file("snap.json", &snap.stdout));
    exact.assert_code(0);
    let exact_report = exact.json();
    assert_eq!(digests(&exact_report["expiring"]), vec![loose.clone()]);
    assert_eq!(exact_report["warnings"], json!([]));
    assert!(!exact.stderr.contains("warning:"), "{}", exact.stderr);
    // The live preview agrees.
    let live = ecr(&[
        "lifecycle",
        "preview",
        "--repository",
        &repo,
        "--policy",
        policy.to_str().unwrap(),
        "--now",
        &now,
        "-o",
        "json",
    ]);
    live.assert_code(0);
    assert_eq!(live.json()["expiring"], exact_report["expiring"]);

    // From plain describe-images output (no children): a warning naming the snapshot.
    let described = boto3("describe_images", json!({ "repositoryName": repo }));
    let plain = preview(&temp_file("described.json", &described.to_string()));
    plain.assert_code(0);
    assert!(
        plain.stderr.contains(
            "warning: 1 index (manifest list) in the images file has no `childManifests`"
        ) && plain
            .stderr
            .contains("ecrctl lifecycle snapshot --repository NAME"),
        "{}",
        plain.stderr
    );
    let warnings = plain.json()["warnings"].clone();
    assert_eq!(warnings.as_array().unwrap().len(), 1, "{warnings}");
}

#[test]
fn snapshot_of_many_repositories_is_one_document_or_nothing() {
    let prefix = unique("lcdata-fleet") + "/";
    let (a, b) = (format!("{prefix}api"), format!("{prefix}web"));
    for (repo, seed) in [(&a, "fleet-a"), (&b, "fleet-b")] {
        ecr(&["repo", "create", repo]).assert_code(0);
        put_image(repo, Some("v1"), seed);
    }
    let run_ok = ecr(&[
        "lifecycle",
        "snapshot",
        "--all-repositories",
        "--repository-prefix",
        &prefix,
    ]);
    run_ok.assert_code(0);
    let names: Vec<String> = run_ok.json()["imageDetails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["repositoryName"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, vec![a.clone(), b.clone()]);

    // One repository cannot be read: exit 3 and nothing on stdout, never a partial file.
    let proxy =
        crate::slow::DenyingApi::start(&crate::harness::stand_ins().moto_url, &["DescribeImages"]);
    let denied = run(ecrctl()
        .env("AWS_ENDPOINT_URL", &proxy.url)
        .env("AWS_MAX_ATTEMPTS", "1")
        .args([
            "lifecycle",
            "snapshot",
            "--all-repositories",
            "--repository-prefix",
            &prefix,
        ]));
    denied.assert_code(3);
    assert!(denied.stdout.is_empty(), "{}", denied.stdout);
    assert!(denied.stderr.contains("AccessDenied"), "{}", denied.stderr);

    // A full disk is exit 3 too.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let disk_full = run(ecrctl()
        .args(["lifecycle", "snapshot", "--repository", &a])
        .stdout(full));
    disk_full.assert_code(3);
}

/// Two images, no archive state in the file (describe-images without the filter).
const ACTIVE_ONLY: &str = r#"{"imageDetails":[
 {"imageDigest":"sha256:aaaa","imageTags":["v1"],"imagePushedAt":"2025-01-01T00:00:00Z","imageSizeInBytes":10,"lastRecordedPullTime":"2025-12-30T00:00:00Z"},
 {"imageDigest":"sha256:bbbb","imagePushedAt":"2025-01-02T00:00:00Z","imageSizeInBytes":10},
 {"imageDigest":"sha256:cccc","imagePushedAt":"2025-01-03T00:00:00Z","imageSizeInBytes":10}]}"#;

fn offline(policy: &str, extra: &[&str]) -> crate::client::Run {
    let images = temp_file("images.json", ACTIVE_ONLY);
    let policy = temp_file("policy.json", policy);
    let mut args = vec![
        "lifecycle",
        "preview",
        "--images",
        images.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--now",
        "2026-01-01T00:00:00Z",
    ];
    args.extend_from_slice(extra);
    ecr(&args)
}

#[test]
fn archive_rules_over_a_file_without_archive_state_warn() {
    let run = offline(ARCHIVE_POLICY, &["-o", "json"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("warning: the policy has archive rules")
            && run.stderr.contains("--filter imageStatus=ANY"),
        "{}",
        run.stderr
    );
    let warnings = run.json()["warnings"].clone();
    assert!(
        warnings[0].as_str().unwrap().contains("imageStatus=ANY"),
        "{warnings}"
    );
    // A file that is not describe-images output: the hint says how to save one whole.
    let bad = temp_file("bad.json", r#"{"repositories":[]}"#);
    let policy = temp_file("p.json", ARCHIVE_POLICY);
    let run = ecr(&[
        "lifecycle",
        "preview",
        "--images",
        bad.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
    ]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("--filter imageStatus=ANY")
            && run.stderr.contains("ecrctl lifecycle snapshot"),
        "{}",
        run.stderr
    );
    // An image being restored (ACTIVATING) is still in the archive: the archive rule
    // expires it, and the standard-storage rule does not count it.
    let states = temp_file(
        "images.json",
        r#"{"imageDetails":[
 {"imageDigest":"sha256:aaaa","imageTags":["v1"],"imagePushedAt":"2025-01-01T00:00:00Z","imageStatus":"ACTIVATING","lastArchivedAt":"2025-06-01T00:00:00Z"},
 {"imageDigest":"sha256:bbbb","imagePushedAt":"2025-01-02T00:00:00Z","imageStatus":"ACTIVE"},
 {"imageDigest":"sha256:cccc","imagePushedAt":"2025-01-03T00:00:00Z","imageStatus":"ACTIVE"}]}"#,
    );
    let run = ecr(&[
        "lifecycle",
        "preview",
        "--images",
        states.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--now",
        "2026-01-01T00:00:00Z",
        "-o",
        "json",
    ]);
    run.assert_code(0);
    let report = run.json();
    assert_eq!(digests(&report["expiring"]), vec!["sha256:aaaa"]);
    assert_eq!(report["expiring"][0]["rulePriority"], 1);
    assert_eq!(report["warnings"], json!([]));
    // A policy without archive rules needs no archive state.
    let plain = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#;
    let run = offline(plain, &["-o", "json"]);
    run.assert_code(0);
    assert_eq!(run.json()["warnings"], json!([]));
    assert!(!run.stderr.contains("warning:"), "{}", run.stderr);
}

#[test]
fn the_image_table_is_limited_and_shows_when_images_were_last_pulled() {
    let expire_all = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}}]}"#;
    let run = offline(expire_all, &["--limit", "1"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("… and 2 more (--limit 0 for all)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("LAST PULLED") && run.stdout.contains("2d ago"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("sha256:bbbb"), "{}", run.stdout);
    // Not a terminal: every row by default.
    let all = offline(expire_all, &[]);
    assert!(
        all.stdout.contains("never") && !all.stdout.contains("more (--limit 0"),
        "{}",
        all.stdout
    );
    // JSON always lists every image.
    let json = offline(expire_all, &["--limit", "1", "-o", "json"]);
    assert_eq!(json.json()["expiring"].as_array().unwrap().len(), 3);
    assert_eq!(
        json.json()["expiring"][0]["lastRecordedPullTime"],
        "2025-12-30T00:00:00Z"
    );
    assert_eq!(json.json()["totals"]["layersDeduplicated"], false);
}
