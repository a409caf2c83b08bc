//! Running the real `ecrctl` binary in an isolated environment, and independent clients
//! (boto3 from moto's venv, skopeo) to check what it did.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::harness::{REGION, StandIns, stand_ins, tool};

/// `ecrctl` with nothing from the developer's environment: static test credentials,
/// moto as the ECR API, empty AWS config files, a private HOME and DOCKER_CONFIG.
pub fn ecrctl() -> Command {
    let s = stand_ins();
    let mut command = bare_ecrctl(s);
    command
        .env("AWS_ENDPOINT_URL", &s.moto_url)
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test");
    command
}

/// `ecrctl` with no AWS settings at all (for missing region / credentials tests).
pub fn bare_ecrctl(s: &StandIns) -> Command {
    let home = s.root.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_ecrctl"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("AWS_CONFIG_FILE", home.join("aws-config-absent"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("aws-credentials-absent"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("DOCKER_CONFIG", home.join("docker"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    command
}

/// What a run printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

pub fn run(command: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("run ecrctl");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// `ecrctl ARGS…` against the stand-ins.
pub fn ecr(args: &[&str]) -> Run {
    run(ecrctl().args(args))
}

/// Calls the ECR API through boto3 (an independent client): `operation` in snake_case.
pub fn boto3(operation: &str, params: Value) -> Value {
    boto3_in(REGION, operation, params)
}

/// [`boto3`] in another region (moto keeps each region's repositories apart).
pub fn boto3_in(region: &str, operation: &str, params: Value) -> Value {
    let s = stand_ins();
    let python = tool("python3");
    let python = venv_python().unwrap_or(python);
    let script = format!(
        "import boto3, json, sys\n\
         c = boto3.client('ecr', endpoint_url='{}', region_name='{region}', aws_access_key_id='test', aws_secret_access_key='test')\n\
         try:\n    out = c.{operation}(**json.load(sys.stdin))\nexcept c.exceptions.ClientError as e:\n    out = {{'error': e.response['Error']['Code']}}\n\
         out.pop('ResponseMetadata', None)\n\
         print(json.dumps(out, default=str))\n",
        s.moto_url
    );
    let stdout = python_ok(&python, &script, &params, &format!("boto3 {operation}"));
    serde_json::from_slice(&stdout).unwrap()
}

/// Runs a Python script with `input` as JSON on stdin; its stdout, or a panic with stderr.
fn python_ok(python: &std::path::Path, script: &str, input: &Value, what: &str) -> Vec<u8> {
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run python");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn venv_python() -> Option<PathBuf> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-moto/bin/python");
    p.exists().then_some(p)
}

/// DescribeRepositories for one name, or None if it does not exist.
pub fn describe_repo(name: &str) -> Option<Value> {
    let out = boto3(
        "describe_repositories",
        serde_json::json!({ "repositoryNames": [name] }),
    );
    out.get("repositories").and_then(|r| r.get(0)).cloned()
}

/// Every repository name starting with `prefix`.
pub fn repo_names_with_prefix(prefix: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut params = serde_json::json!({ "maxResults": 1000 });
        if let Some(t) = &token {
            params["nextToken"] = Value::String(t.clone());
        }
        let out = boto3("describe_repositories", params);
        for repo in out["repositories"].as_array().unwrap() {
            let name = repo["repositoryName"].as_str().unwrap();
            if name.starts_with(prefix) {
                names.push(name.to_string());
            }
        }
        match out.get("nextToken").and_then(Value::as_str) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    names
}

/// A file in a fresh temp folder of the stand-ins' root.
pub fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = stand_ins().root.join("files").join(unique("f"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// A name no other test uses: tests share one moto.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("{prefix}{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Pushes a small image manifest into moto with PutImage (an independent client);
/// returns the digest moto reports.
pub fn put_image(repository: &str, tag: Option<&str>, seed: &str) -> String {
    let config = format!("sha256:{:0>64}", hex_of(seed));
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": { "mediaType": "application/vnd.docker.container.image.v1+json", "size": 100, "digest": config },
        "layers": [{ "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1000 + seed.len(), "digest": config }]
    });
    let mut params =
        serde_json::json!({ "repositoryName": repository, "imageManifest": manifest.to_string() });
    if let Some(tag) = tag {
        params["imageTag"] = Value::String(tag.to_string());
    }
    let out = boto3("put_image", params);
    out["image"]["imageId"]["imageDigest"]
        .as_str()
        .unwrap_or_else(|| panic!("put_image: {out}"))
        .to_string()
}

fn hex_of(seed: &str) -> String {
    seed.bytes()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
        .chars()
        .take(64)
        .collect()
}

/// Sets what moto answers to DescribeImageScanFindings for one image (moto's own
/// configuration API), e.g. an enhanced scan or a scan still IN_PROGRESS.
pub fn moto_scan_result(result: Value) {
    let s = stand_ins();
    let python = venv_python().unwrap_or_else(|| tool("python3"));
    let script = format!(
        "import json, sys, urllib.request\n\
         body = json.dumps({{'results': [json.load(sys.stdin)], 'region': '{REGION}'}}).encode()\n\
         req = urllib.request.Request('{}/moto-api/static/ecr/scan-finding-results', data=body, method='POST', headers={{'Content-Type': 'application/json'}})\n\
         urllib.request.urlopen(req).read()\n",
        s.moto_url
    );
    python_ok(&python, &script, &result, "moto scan result");
}

/// An AWS config file with one profile, `name`, whose credentials come from a
/// `credential_process` running the shell `script` (its folder also holds the config).
pub fn profile_with_process(name: &str, script: &str) -> PathBuf {
    let dir = temp_file("x", "").parent().unwrap().to_path_buf();
    let program = dir.join("credentials.sh");
    std::fs::write(&program, format!("#!/bin/sh\n{script}")).unwrap();
    std::fs::set_permissions(
        &program,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let config = dir.join("aws-config");
    std::fs::write(
        &config,
        format!(
            "[profile {name}]\ncredential_process = {}\nregion = us-east-1\n",
            program.display()
        ),
    )
    .unwrap();
    config
}

/// Profile `marked`, whose credential process leaves a mark (the second path) when it runs.
pub fn marked_profile() -> (PathBuf, PathBuf) {
    let mark = temp_file("x", "")
        .parent()
        .unwrap()
        .join("profile-credentials-used");
    let config = profile_with_process(
        "marked",
        &format!(
            "touch '{}'\necho '{{\"Version\":1,\"AccessKeyId\":\"profile\",\"SecretAccessKey\":\"profile\"}}'\n",
            mark.display()
        ),
    );
    (config, mark)
}

/// Any AWS API through boto3 against moto: `service`, `operation` in snake_case.
pub fn aws(service: &str, operation: &str, params: Value) -> Value {
    let s = stand_ins();
    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-moto/bin/python");
    let python = if venv.exists() { venv } else { tool("python3") };
    let script = format!(
        "import boto3, json, sys\n\
         c = boto3.client('{service}', endpoint_url='{}', region_name='{REGION}', aws_access_key_id='test', aws_secret_access_key='test')\n\
         out = c.{operation}(**json.load(sys.stdin))\n\
         out.pop('ResponseMetadata', None)\n\
         print(json.dumps(out, default=str))\n",
        s.moto_url
    );
    let mut child = Command::new(python)
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(params.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "boto3 {service} {operation}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The check `id` of a push-check or pull-check JSON report (panics with the report and
/// stderr when it is missing).
pub fn check(run: &Run, id: &str) -> Value {
    let report = run.json();
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no {id} check: {report:#}\nstderr: {}", run.stderr))
}
