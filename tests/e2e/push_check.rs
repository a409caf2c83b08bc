//! `ecrctl push-check`: each failure the seeds list, created for real against moto, the
//! TLS registry and the docker CLI, must fail the right check with the right fix.

use base64::Engine;
use serde_json::json;

use crate::client::{boto3, check, ecr, put_image, temp_file, unique};
use crate::harness::MOTO_PASSWORD;
use crate::login::Sandbox;

fn auth(password: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("AWS:{password}"))
}

/// A repository with one image tagged `v0`, and docker logged in with ecrctl.
fn healthy(sandbox: &Sandbox) -> String {
    let repo = unique("pc/app");
    ecr(&["repo", "create", &repo, "--scan-on-push"]).assert_code(0);
    sandbox.ecrctl(&["login"]).assert_code(0);
    repo
}

#[test]
fn a_healthy_setup_passes() {
    let sandbox = Sandbox::new();
    let repo = healthy(&sandbox);
    let sizes = temp_file("sizes.json", "[1048576, 52428800]");
    let run = sandbox.ecrctl(&[
        "push-check",
        &format!("{repo}:v1"),
        "--layer-sizes",
        sizes.to_str().unwrap(),
        "-o",
        "json",
    ]);
    run.assert_code(0);
    assert_eq!(run.json()["verdict"], "pass");
    for id in [
        "reference",
        "aws-credentials",
        "repository",
        "registry-host",
        "docker-credentials",
        "tag-immutability",
        "layer-size",
        "scan-on-push",
    ] {
        assert_eq!(check(&run, id)["status"], "ok", "{id}: {}", run.stdout);
    }
}

#[test]
fn missing_repository_and_no_docker_login_then_fix() {
    let sandbox = Sandbox::new();
    let repo = unique("pc/missing");
    let run = sandbox.ecrctl(&["push-check", &format!("{repo}:v1"), "-o", "json"]);
    run.assert_code(1);
    assert_eq!(check(&run, "repository")["status"], "fail");
    assert!(
        check(&run, "repository")["fix"]
            .as_str()
            .unwrap()
            .contains(&format!("ecrctl repo create {repo}"))
    );
    let docker = check(&run, "docker-credentials");
    assert_eq!(docker["status"], "fail");
    assert!(
        docker["detail"]
            .as_str()
            .unwrap()
            .contains("no basic auth credentials")
    );
    assert_eq!(docker["fix"], "run `ecrctl login`");
    // Not on a terminal, --fix needs --yes.
    sandbox
        .ecrctl(&["push-check", &format!("{repo}:v1"), "--fix"])
        .assert_code(2);
    let fixed = sandbox.ecrctl(&["push-check", &format!("{repo}:v1"), "--fix", "--yes"]);
    fixed.assert_code(0);
    assert!(
        fixed.stderr.contains("fixed: created repository")
            && fixed.stderr.contains("fixed: logged docker in"),
        "{}",
        fixed.stderr
    );
    assert!(crate::client::describe_repo(&repo).is_some());
}

#[test]
fn uppercase_names_are_bad_input_with_the_lowercase_name() {
    let sandbox = Sandbox::new();
    let run = sandbox.ecrctl(&["push-check", "Team/My-App:v1", "-o", "json"]);
    // A reference docker itself calls "invalid reference format": exit 2, no report.
    run.assert_code(2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("did you mean 'team/my-app'?"),
        "{}",
        run.stderr
    );
}

#[test]
fn wrong_expired_and_helper_less_docker_credentials() {
    let sandbox = Sandbox::new();
    let repo = healthy(&sandbox);
    let image = format!("{repo}:v1");
    sandbox.write_docker_config(
        &json!({ "auths": { sandbox.registry.clone(): { "auth": auth("rotated-away") } } }),
    );
    let run = sandbox.ecrctl(&["push-check", &image, "-o", "json"]);
    run.assert_code(1);
    let docker = check(&run, "docker-credentials");
    assert!(
        docker["detail"]
            .as_str()
            .unwrap()
            .contains("refuses docker's stored credentials"),
        "{docker}"
    );
    assert_eq!(docker["fix"], "run `ecrctl login --force`");

    let expired = base64::engine::general_purpose::STANDARD.encode(
        r#"{"payload":"p","datakey":"d","version":"2","type":"DATA_KEY","expiration":1600000000}"#,
    );
    sandbox.write_docker_config(
        &json!({ "auths": { sandbox.registry.clone(): { "auth": auth(&expired) } } }),
    );
    let docker = check(
        &sandbox.ecrctl(&["push-check", &image, "-o", "json"]),
        "docker-credentials",
    );
    assert!(
        docker["detail"]
            .as_str()
            .unwrap()
            .contains("expired at 2020-09-13"),
        "{docker}"
    );

    sandbox.write_docker_config(
        &json!({ "credHelpers": { sandbox.registry.clone(): "ecr-login-missing" } }),
    );
    let docker = check(
        &sandbox.ecrctl(&["push-check", &image, "-o", "json"]),
        "docker-credentials",
    );
    assert!(
        docker["detail"]
            .as_str()
            .unwrap()
            .contains("`docker-credential-ecr-login-missing` is not on PATH"),
        "{docker}"
    );
    assert!(docker["fix"].as_str().unwrap().contains("--install-helper"));

    // Sanity: the moto password itself works.
    sandbox.write_docker_config(
        &json!({ "auths": { sandbox.registry.clone(): { "auth": auth(MOTO_PASSWORD) } } }),
    );
    assert_eq!(
        check(
            &sandbox.ecrctl(&["push-check", &image, "-o", "json"]),
            "docker-credentials"
        )["status"],
        "ok"
    );
}

#[test]
fn unresolvable_registry_host_points_at_vpc_endpoints() {
    let sandbox = Sandbox::new();
    let repo = healthy(&sandbox);
    let run = sandbox.ecrctl(&[
        "--registry-endpoint",
        "ecr.nonexistent.invalid",
        "push-check",
        &format!("{repo}:v1"),
        "-o",
        "json",
    ]);
    run.assert_code(1);
    let host = check(&run, "registry-host");
    assert_eq!(host["status"], "fail");
    assert!(
        host["detail"].as_str().unwrap().contains("no such host"),
        "{host}"
    );
    assert!(
        host["fix"]
            .as_str()
            .unwrap()
            .contains("com.amazonaws.us-east-1.ecr.dkr"),
        "{host}"
    );
}

#[test]
fn an_immutable_tag_that_exists_and_an_oversized_layer() {
    let sandbox = Sandbox::new();
    let repo = unique("pc/locked");
    ecr(&["repo", "create", &repo, "--immutable", "--scan-on-push"]).assert_code(0);
    sandbox.ecrctl(&["login"]).assert_code(0);
    put_image(&repo, Some("v1"), &repo);
    let huge = temp_file("sizes.json", &format!("[{}]", 53_000u64 * 1024 * 1024));
    let run = sandbox.ecrctl(&[
        "push-check",
        &format!("{repo}:v1"),
        "--layer-sizes",
        huge.to_str().unwrap(),
        "-o",
        "json",
    ]);
    run.assert_code(1);
    let tag = check(&run, "tag-immutability");
    assert_eq!(tag["status"], "fail");
    assert!(
        tag["detail"]
            .as_str()
            .unwrap()
            .contains("ImageTagAlreadyExistsException")
    );
    let layers = check(&run, "layer-size");
    assert_eq!(layers["status"], "fail");
    assert!(layers["detail"].as_str().unwrap().contains("52,000 MiB"));
    // A new tag is fine.
    assert_eq!(
        check(
            &sandbox.ecrctl(&["push-check", &format!("{repo}:v2"), "-o", "json"]),
            "tag-immutability"
        )["status"],
        "ok"
    );
    let _ = boto3(
        "describe_repositories",
        json!({ "repositoryNames": [repo] }),
    );
}

#[test]
fn local_image_without_a_docker_daemon_skips_the_size_check_with_the_reason() {
    let sandbox = Sandbox::new();
    let repo = healthy(&sandbox);
    let mut command = crate::client::ecrctl();
    // No daemon on these machines; an unreachable DOCKER_HOST makes that certain.
    command.env("DOCKER_HOST", "unix:///nonexistent/docker.sock");
    let run = crate::client::run(
        command
            .env("ECRCTL_REGISTRY_ENDPOINT", &sandbox.registry)
            .args([
                "push-check",
                &format!("{repo}:v1"),
                "--local-image",
                "my-app:latest",
                "-o",
                "json",
            ]),
    );
    assert!(
        run.stderr
            .contains("could not read my-app:latest from the local docker daemon"),
        "{}",
        run.stderr
    );
    assert_eq!(check(&run, "layer-size")["status"], "skipped");
}

/// `docker save` output with a PAX `size` record: the layer's ustar size field says 0 and
/// only the PAX header knows its real size (as for layers over 8 GiB written by tools
/// that use PAX instead of base-256). The old hand-written reader lost its place here.
#[test]
fn local_image_sizes_come_from_pax_headers_of_docker_save() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new();
    let repo = healthy(&sandbox);
    let block = |header: &tar::Header| header.as_bytes().to_vec();
    let pad = |data: &[u8]| {
        let mut out = data.to_vec();
        out.resize(data.len().div_ceil(512) * 512, 0);
        out
    };
    let record = "13 size=6000\n";
    let mut pax = tar::Header::new_ustar();
    pax.set_path("PaxHeaders/0").unwrap();
    pax.set_size(record.len() as u64);
    pax.set_entry_type(tar::EntryType::XHeader);
    pax.set_cksum();
    let mut layer = tar::Header::new_ustar();
    layer.set_path("abc/layer.tar").unwrap();
    layer.set_size(0);
    layer.set_mode(0o644);
    layer.set_entry_type(tar::EntryType::Regular);
    layer.set_cksum();
    let mut bytes = block(&pax);
    bytes.extend(pad(record.as_bytes()));
    bytes.extend(block(&layer));
    bytes.extend(pad(&[9u8; 6000]));
    bytes.extend([0u8; 1024]);
    let saved = temp_file("saved.tar", "");
    std::fs::write(&saved, &bytes).unwrap();
    let bin = saved.parent().unwrap().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let docker = bin.join("docker");
    std::fs::write(
        &docker,
        format!("#!/bin/sh\nexec cat '{}'\n", saved.display()),
    )
    .unwrap();
    std::fs::set_permissions(&docker, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = crate::client::ecrctl();
    let run = crate::client::run(
        command
            .env("PATH", path)
            .env("ECRCTL_REGISTRY_ENDPOINT", &sandbox.registry)
            .args([
                "push-check",
                &format!("{repo}:v1"),
                "--local-image",
                "my-app:latest",
                "-o",
                "json",
            ]),
    );
    let layer_check = check(&run, "layer-size");
    assert_eq!(
        layer_check["status"], "ok",
        "{layer_check:#}\n{}",
        run.stderr
    );
    assert!(
        layer_check.to_string().contains("1 layers"),
        "{layer_check:#}"
    );
}

#[test]
fn checks_whose_aws_calls_fail_say_skipped_never_ok() {
    // Listing images and reading both policies fail while everything else works: the
    // checks that needed them are skipped with the reason, not "ok".
    let sandbox = Sandbox::new();
    let repo = healthy(&sandbox);
    let proxy = crate::slow::DenyingApi::start(
        &crate::harness::stand_ins().moto_url,
        &[
            "DescribeImages",
            "GetRepositoryPolicy",
            "GetLifecyclePolicy",
        ],
    );
    let mut command = sandbox.command(&["push-check", &format!("{repo}:v1"), "-o", "json"]);
    command
        .env("AWS_ENDPOINT_URL", &proxy.url)
        .env("AWS_MAX_ATTEMPTS", "1");
    let run = crate::client::run(&mut command);
    for id in ["tag-immutability", "repository-policy", "lifecycle-policy"] {
        let c = check(&run, id);
        assert_eq!(c["status"], "skipped", "{id}: {}", run.stdout);
        assert!(
            c["detail"].as_str().unwrap().contains("AccessDenied"),
            "{id}: {}",
            run.stdout
        );
    }
}
