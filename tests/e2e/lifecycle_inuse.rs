//! `lifecycle preview|apply --protect-in-use`: images that ECS services and tasks, Lambda
//! functions and Kubernetes workloads use are protected. ECS and Lambda live against moto
//! (created with boto3, an independent client), Kubernetes from saved `kubectl get -o
//! json` files and through a stand-in `kubectl` on PATH.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::client::{aws, ecr, ecrctl, put_image, run, temp_file, unique};
use crate::harness::{ACCOUNT, stand_ins};

const HOST: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

/// Keeps only the newest image: every older one expires.
const KEEP_ONE: &str = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#;

/// A repository with three images pushed a second apart: `v1`, `v2`, `v3` (newest).
fn repository() -> (String, Vec<String>) {
    let repo = unique("inuse/app");
    ecr(&["repo", "create", &repo]).assert_code(0);
    let digests = ["v1", "v2", "v3"]
        .iter()
        .enumerate()
        .map(|(i, tag)| {
            if i > 0 {
                std::thread::sleep(std::time::Duration::from_millis(1050));
            }
            put_image(&repo, Some(tag), &format!("{repo}-{tag}"))
        })
        .collect();
    (repo, digests)
}

fn preview(repo: &str, extra: &[&str]) -> crate::client::Run {
    let policy = temp_file("keep-one.json", KEEP_ONE);
    let mut args = vec![
        "lifecycle",
        "preview",
        "--repository",
        repo,
        "--policy",
        policy.to_str().unwrap(),
        "-o",
        "json",
    ];
    args.extend_from_slice(extra);
    ecr(&args)
}

/// (digest, protectedBecause) of every protected image the policy would expire.
fn violations(doc: &Value) -> Vec<(String, String)> {
    fn walk(v: &Value, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Array(list)) = map.get("protectedViolations") {
                    for item in list {
                        out.push((
                            item["imageDigest"].as_str().unwrap().to_string(),
                            item["protectedBecause"].as_str().unwrap().to_string(),
                        ));
                    }
                }
                map.values().for_each(|v| walk(v, out));
            }
            Value::Array(list) => list.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut out);
    out.sort();
    out.dedup();
    out
}

fn pods_json(repo: &str, running: &str) -> String {
    json!({
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {"kind": "Pod", "metadata": {"name": "web-1", "namespace": "prod"},
             "spec": {"containers": [{"name": "app", "image": format!("{HOST}/{repo}:v1")}],
                      "initContainers": [{"name": "init", "image": "busybox:1.36"}]},
             "status": {"containerStatuses": [{"name": "app",
                 "imageID": format!("docker-pullable://{HOST}/{repo}@{running}")}]}},
            {"kind": "CronJob", "metadata": {"name": "nightly", "namespace": "prod"},
             "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [
                 {"name": "job", "image": format!("999999999999.dkr.ecr.us-east-1.amazonaws.com/{repo}:v2")}]}}}}}}
        ]
    })
    .to_string()
}

#[test]
fn kubernetes_files_protect_the_tag_and_the_running_digest() {
    let (repo, d) = repository();
    // Without the workloads, v1 and v2 expire: exit 0.
    preview(&repo, &[]).assert_code(0);
    let pods = temp_file("pods.json", &pods_json(&repo, &d[1]));
    let spec = format!("k8s={}", pods.display());
    let out = preview(&repo, &["--protect-in-use", &spec]);
    out.assert_code(1);
    assert_eq!(
        violations(&out.json()),
        {
            let mut v = vec![
                (
                    d[0].clone(),
                    "in use by Kubernetes pod prod/web-1".to_string(),
                ),
                (
                    d[1].clone(),
                    "in use by Kubernetes pod prod/web-1 (running)".to_string(),
                ),
            ];
            v.sort();
            v
        },
        "{}",
        out.stderr
    );
    // Counted per source: busybox is not in ECR; another account's registry is kept for it.
    assert!(
        out.stderr
            .contains("4 image references (2 to this registry, 1 to other ECR registries, 1 elsewhere, ignored)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("in use by Kubernetes pod prod/web-1"));
}

/// A pass-through proxy in front of moto for ECS. moto 5.2 answers DescribeTasks with
/// numbers where ECS sends strings (`cpu`, `memory` of a container), which a real SDK
/// refuses, and never reports the digest a container runs: the proxy sends what ECS
/// would, with `imageDigest` set to `digest`.
fn ecs_proxy(digest: String) -> String {
    use std::io::Read;
    use std::net::{TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let moto = stand_ins()
        .moto_url
        .trim_start_matches("http://")
        .to_string();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let (moto, digest) = (moto.clone(), digest.clone());
            std::thread::spawn(move || {
                let mut client = client;
                let mut request = Vec::new();
                let mut buf = [0u8; 65536];
                let head_end = loop {
                    let n = client.read(&mut buf).unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                    if let Some(i) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                };
                let head = String::from_utf8_lossy(&request[..head_end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse().unwrap());
                while request.len() < head_end + length {
                    let n = client.read(&mut buf).unwrap();
                    request.extend_from_slice(&buf[..n]);
                }
                let describe_tasks = head.contains("describetasks");
                let mut upstream = TcpStream::connect(&moto).unwrap();
                upstream.write_all(&request).unwrap();
                let mut response = Vec::new();
                upstream.read_to_end(&mut response).unwrap();
                let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                let (head, body) = response.split_at(split);
                let mut body = body.to_vec();
                if describe_tasks {
                    let mut doc: Value = serde_json::from_slice(&body).unwrap();
                    for task in doc["tasks"].as_array_mut().unwrap() {
                        for c in task["containers"].as_array_mut().unwrap() {
                            for key in ["cpu", "memory"] {
                                c[key] = Value::String(c[key].to_string());
                            }
                            c["imageDigest"] = Value::String(digest.clone());
                        }
                    }
                    body = doc.to_string().into_bytes();
                }
                let head: String = String::from_utf8_lossy(head)
                    .lines()
                    .filter(|l| !l.to_ascii_lowercase().starts_with("content-length:"))
                    .filter(|l| !l.is_empty())
                    .map(|l| format!("{l}\r\n"))
                    .collect();
                let _ = client
                    .write_all(format!("{head}content-length: {}\r\n\r\n", body.len()).as_bytes());
                let _ = client.write_all(&body);
            });
        }
    });
    format!("http://{address}")
}

#[test]
fn ecs_services_and_running_tasks_protect_their_images() {
    let (repo, d) = repository();
    let cluster = unique("inuse-cluster").replace('/', "-");
    aws("ecs", "create_cluster", json!({"clusterName": cluster}));
    let service_def = aws(
        "ecs",
        "register_task_definition",
        json!({"family": unique("api").replace('/', "-"), "containerDefinitions": [
            {"name": "api", "image": format!("{HOST}/{repo}:v1"), "memory": 128}]}),
    );
    aws(
        "ecs",
        "create_service",
        json!({"cluster": cluster, "serviceName": "api", "desiredCount": 1,
               "taskDefinition": service_def["taskDefinition"]["taskDefinitionArn"]}),
    );
    // A task runs `:v2`'s tag, but the container reports the digest it runs: v1's.
    // Its task definition's tag (v2) is protected too: a replacement task pulls it.
    let task_def = aws(
        "ecs",
        "register_task_definition",
        json!({"family": unique("batch").replace('/', "-"), "containerDefinitions": [
            {"name": "batch", "image": format!("{HOST}/{repo}:v2"), "memory": 128}]}),
    );
    // (moto matches a task's cluster by substring: the names must not contain each other)
    let cluster2 = unique("batch-cluster").replace('/', "-");
    aws("ecs", "create_cluster", json!({"clusterName": cluster2}));
    aws(
        "ecs",
        "run_task",
        json!({"cluster": cluster2, "launchType": "FARGATE",
               "taskDefinition": task_def["taskDefinition"]["taskDefinitionArn"],
               "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}}),
    );
    let proxy = ecs_proxy(d[0].clone());
    let policy = temp_file("keep-one.json", KEEP_ONE);
    let out = run(ecrctl().env("AWS_ENDPOINT_URL_ECS", &proxy).args([
        "lifecycle",
        "preview",
        "--repository",
        &repo,
        "--policy",
        policy.to_str().unwrap(),
        "-o",
        "json",
        "--protect-in-use",
        "ecs",
    ]));
    out.assert_code(1);
    let hits = violations(&out.json());
    assert_eq!(hits.len(), 2, "{hits:?}\n{}", out.stderr);
    let why = |digest: &str| hits.iter().find(|h| h.0 == digest).unwrap().1.clone();
    assert!(
        why(&d[0]).starts_with(&format!("in use by ECS service {cluster}/api (")),
        "{hits:?}"
    );
    assert!(why(&d[0]).ends_with(" and 1 more"), "{hits:?}");
    assert!(
        why(&d[1]).starts_with(&format!("in use by ECS task {cluster2}/")),
        "{hits:?}"
    );
    assert!(
        out.stderr.contains(&format!("ECS task {cluster2}/")) && out.stderr.contains("(running)"),
        "{}",
        out.stderr
    );
}

#[test]
fn lambda_image_functions_protect_their_image() {
    let (repo, d) = repository();
    let role = aws(
        "iam",
        "create_role",
        json!({"RoleName": unique("lambda-role").replace('/', "-"), "AssumeRolePolicyDocument": "{}"}),
    );
    let name = unique("fn").replace('/', "-");
    aws(
        "lambda",
        "create_function",
        json!({"FunctionName": name, "Role": role["Role"]["Arn"], "PackageType": "Image",
               "Code": {"ImageUri": format!("{HOST}/{repo}:v2")}}),
    );
    let out = preview(&repo, &["--protect-in-use", "lambda"]);
    out.assert_code(1);
    assert_eq!(
        violations(&out.json()),
        vec![(d[1].clone(), format!("in use by Lambda function {name}"))],
        "{}",
        out.stderr
    );
    // Two references (ImageUri and ResolvedImageUri); moto's resolved digest is made up,
    // so it names no image and is reported as such.
    assert!(out.stderr.contains("which is not in"), "{}", out.stderr);
}

#[test]
fn apply_refuses_to_expire_what_runs() {
    let (repo, d) = repository();
    let pods = temp_file("pods.json", &pods_json(&repo, &d[0]));
    let policy = temp_file("keep-one.json", KEEP_ONE);
    let out = ecr(&[
        "lifecycle",
        "apply",
        "--repository",
        &repo,
        "--policy",
        policy.to_str().unwrap(),
        "--protect-in-use",
        &format!("k8s={}", pods.display()),
        "--yes",
    ]);
    out.assert_code(1);
    assert!(
        out.stderr.contains("in use by Kubernetes pod prod/web-1"),
        "{}",
        out.stderr
    );
    let stored = crate::client::boto3("get_lifecycle_policy", json!({"repositoryName": repo}));
    assert_eq!(
        stored["error"], "LifecyclePolicyNotFoundException",
        "{stored}"
    );
}

/// A stand-in `kubectl` that checks its arguments and prints `answer`.
fn fake_kubectl(answer: &str, context: &str) -> PathBuf {
    let dir = tempfile::Builder::new()
        .prefix("kubectl")
        .tempdir()
        .unwrap()
        .keep();
    let data = dir.join("answer.json");
    std::fs::write(&data, answer).unwrap();
    let script = format!(
        "#!/bin/sh\n\
         case \"$*\" in *\"get pods,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs --all-namespaces -o json\"*\"--context {context}\"*) cat '{}';;\n\
         *) echo \"error: context not found: $*\" >&2; exit 1;;\n\
         esac\n",
        data.display()
    );
    let path = dir.join("kubectl");
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn with_path(dir: &Path) -> std::ffi::OsString {
    let mut paths = vec![dir.to_path_buf()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}

#[test]
fn a_live_context_is_read_through_kubectl() {
    let (repo, d) = repository();
    let dir = fake_kubectl(&pods_json(&repo, &d[0]), "prod-eu");
    let policy = temp_file("keep-one.json", KEEP_ONE);
    let args = |source: &str| {
        vec![
            "lifecycle".to_string(),
            "preview".into(),
            "--repository".into(),
            repo.clone(),
            "--policy".into(),
            policy.display().to_string(),
            "--protect-in-use".into(),
            source.into(),
        ]
    };
    let out = run(ecrctl()
        .env("PATH", with_path(&dir))
        .args(args("k8s:prod-eu")));
    out.assert_code(1);
    assert!(
        out.stderr.contains("in use by Kubernetes pod prod/web-1"),
        "{}",
        out.stderr
    );
    // kubectl failing (an unknown context) is an error, never "nothing in use".
    let out = run(ecrctl()
        .env("PATH", with_path(&dir))
        .args(args("k8s:staging")));
    out.assert_code(3);
    assert!(out.stderr.contains("context not found"), "{}", out.stderr);
}

#[test]
fn sources_that_cannot_be_read_fail_closed() {
    let (repo, _) = repository();
    // No kubectl on PATH.
    let empty = tempfile::tempdir().unwrap();
    let policy = temp_file("keep-one.json", KEEP_ONE);
    let base = [
        "lifecycle",
        "preview",
        "--repository",
        &repo,
        "--policy",
        policy.to_str().unwrap(),
    ];
    let out = run(ecrctl()
        .env("PATH", empty.path())
        .args(base)
        .args(["--protect-in-use", "k8s"]));
    out.assert_code(3);
    assert!(
        out.stderr.contains("`kubectl` is not on PATH"),
        "{}",
        out.stderr
    );
    // A file that is not kubectl output: exit 2, before any AWS call.
    let bad = temp_file("bad.json", r#"{"items": "nope"}"#);
    let out = ecr(&[
        &base[..],
        &["--protect-in-use", &format!("k8s={}", bad.display())],
    ]
    .concat());
    out.assert_code(2);
    assert!(out.stderr.contains("is not `kubectl get"), "{}", out.stderr);
    // An unknown source: exit 2.
    ecr(&[&base[..], &["--protect-in-use", "ecs,nomad"]].concat()).assert_code(2);
    // ECS unreachable: exit 3, not a pass.
    let out = run(ecrctl()
        .env("AWS_ENDPOINT_URL_ECS", "http://127.0.0.1:9")
        .env("AWS_MAX_ATTEMPTS", "1")
        .args(base)
        .args(["--protect-in-use", "ecs"]));
    out.assert_code(3);
    assert!(out.stderr.contains("ECS clusters"), "{}", out.stderr);
    // So is Lambda.
    let out = run(ecrctl()
        .env("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:9")
        .env("AWS_MAX_ATTEMPTS", "1")
        .args(base)
        .args(["--protect-in-use", "lambda"]));
    out.assert_code(3);
    assert!(out.stderr.contains("Lambda functions"), "{}", out.stderr);
}

#[test]
fn offline_images_need_to_say_whose_registry() {
    let images = temp_file(
        "images.json",
        &json!({"imageDetails": [
            {"repositoryName": "team/api", "imageDigest": format!("sha256:{:0>64}", 1), "imageTags": ["v1"], "imagePushedAt": 1_700_000_000, "imageSizeInBytes": 10},
            {"repositoryName": "team/api", "imageDigest": format!("sha256:{:0>64}", 2), "imageTags": ["v2"], "imagePushedAt": 1_700_000_100, "imageSizeInBytes": 10}]})
        .to_string(),
    );
    let pods = temp_file(
        "pods.json",
        &pods_json("team/api", &format!("sha256:{:0>64}", 9)),
    );
    let policy = temp_file("keep-one.json", KEEP_ONE);
    let spec = format!("k8s={}", pods.display());
    let args = [
        "lifecycle",
        "preview",
        "--images",
        images.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--protect-in-use",
        &spec,
    ];
    let out = ecr(&args);
    out.assert_code(2);
    assert!(out.stderr.contains("--registry-id"), "{}", out.stderr);
    let out = ecr(&[&args[..], &["--registry-id", ACCOUNT, "-o", "json"]].concat());
    out.assert_code(1);
    assert_eq!(
        violations(&out.json()),
        vec![(
            format!("sha256:{:0>64}", 1),
            "in use by Kubernetes pod prod/web-1".to_string()
        )]
    );
}

#[test]
fn registry_wide_previews_protect_each_repository_s_own_images() {
    let (a, da) = repository();
    let (b, db) = repository();
    // `a` and `b` share the prefix `inuse/app`; a third repository is not used at all.
    let pods = json!({"kind": "List", "items": [
        {"kind": "Deployment", "metadata": {"name": "a", "namespace": "x"},
         "spec": {"template": {"spec": {"containers": [{"image": format!("{HOST}/{a}:v1")}]}}}},
        {"kind": "Deployment", "metadata": {"name": "b", "namespace": "x"},
         "spec": {"template": {"spec": {"containers": [{"image": format!("{HOST}/{b}:v2")}]}}}}]});
    let pods = temp_file("pods.json", &pods.to_string());
    let policy = temp_file("keep-one.json", KEEP_ONE);
    let out = ecr(&[
        "lifecycle",
        "preview",
        "--all-repositories",
        "--repository-prefix",
        "inuse/app",
        "--policy",
        policy.to_str().unwrap(),
        "--protect-in-use",
        &format!("k8s={}", pods.display()),
        "-o",
        "json",
    ]);
    out.assert_code(1);
    let hits = violations(&out.json());
    assert!(
        hits.contains(&(da[0].clone(), "in use by Kubernetes deployment x/a".into())),
        "{hits:?}"
    );
    assert!(
        hits.contains(&(db[1].clone(), "in use by Kubernetes deployment x/b".into())),
        "{hits:?}"
    );
    // a's v2 is not protected by b's deployment: same tag name, other repository.
    assert!(!hits.iter().any(|h| h.0 == da[1]), "{hits:?}");
}

#[test]
fn a_reference_protects_only_in_the_account_it_names() {
    // A pod runs account 222222222222's image of the same repository name: it must not
    // protect 123456789012's image, whatever the order of --registry-id (the review found
    // references matched against the first account, then applied to every account's rows).
    let (repo, d) = repository();
    let pods = json!({"kind": "Pod", "metadata": {"name": "p", "namespace": "n"},
        "spec": {"containers": [{"image": format!("222222222222.dkr.ecr.us-east-1.amazonaws.com/{repo}:v2")}]}});
    let pods = temp_file("pods.json", &pods.to_string());
    let policy = temp_file("keep-one.json", KEEP_ONE);
    let source = format!("k8s={}", pods.display());
    for ids in [[ACCOUNT, "222222222222"], ["222222222222", ACCOUNT]] {
        let out = ecr(&[
            "lifecycle",
            "preview",
            "--all-repositories",
            "--repository-prefix",
            &repo,
            "--registry-id",
            ids[0],
            "--registry-id",
            ids[1],
            "--policy",
            policy.to_str().unwrap(),
            "--protect-in-use",
            &source,
            "-o",
            "json",
        ]);
        let doc = out.json();
        for row in doc["repositories"].as_array().unwrap() {
            if row["registryId"] == ACCOUNT {
                assert_eq!(
                    row["protectedViolations"],
                    json!([]),
                    "--registry-id {ids:?}\n{}",
                    out.stderr
                );
            }
        }
        // Counted against the registry the sources were read for (the first account).
        let (this, other) = if ids[0] == ACCOUNT { (0, 1) } else { (1, 0) };
        assert!(
            out.stderr.contains(&format!(
                "({this} to this registry, {other} to other ECR registries, 0 elsewhere"
            )),
            "{}",
            out.stderr
        );
    }
    // The same pod naming this account's image protects it.
    let pods = json!({"kind": "Pod", "metadata": {"name": "p", "namespace": "n"},
        "spec": {"containers": [{"image": format!("{HOST}/{repo}:v2")}]}});
    let pods = temp_file("pods.json", &pods.to_string());
    let out = ecr(&[
        "lifecycle",
        "preview",
        "--all-repositories",
        "--repository-prefix",
        &repo,
        "--registry-id",
        "222222222222",
        "--registry-id",
        ACCOUNT,
        "--policy",
        policy.to_str().unwrap(),
        "--protect-in-use",
        &format!("k8s={}", pods.display()),
        "-o",
        "json",
    ]);
    out.assert_code(1);
    assert!(
        violations(&out.json()).iter().any(|h| h.0 == d[1]),
        "{}",
        out.stderr
    );
}
