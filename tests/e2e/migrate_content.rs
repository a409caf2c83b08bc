//! `ecrctl migrate` with what real migrations contain: credentials from authfiles and
//! helpers, foreign layers, platforms, referrers, skopeo sync plans, tag filters.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::client::{Run, ecrctl, run, temp_file, unique};
use crate::harness::stand_ins;
use crate::images::{Registry, auth_file, raw_digest, seed_image};

/// `ecrctl migrate --plan PLAN` from the plain registry, with the TLS registry trusted;
/// the TLS registry is not named as ECR, so its credentials come from docker's files.
fn migrate_plain(plan: &Path, extra: &[&str], docker_config: Option<&Path>) -> Run {
    let s = stand_ins();
    let journal = plan.with_extension("journal");
    let mut command = ecrctl();
    command
        .args(["migrate", "--plan", plan.to_str().unwrap()])
        .args(["--plain-http", &s.plain_registry])
        .args(["--ca-cert", s.ca_cert.to_str().unwrap()])
        .args(["--journal", journal.to_str().unwrap()])
        .args(extra);
    if let Some(dir) = docker_config {
        command.env("DOCKER_CONFIG", dir);
    }
    run(&mut command)
}

/// `ecrctl migrate` into the ECR stand-in (moto + the TLS registry).
fn migrate_ecr(plan: &Path, extra: &[&str]) -> Run {
    let s = stand_ins();
    let journal = plan.with_extension("journal");
    run(ecrctl()
        .args(["migrate", "--plan", plan.to_str().unwrap()])
        .args(["--plain-http", &s.plain_registry])
        .args(["--ca-cert", s.ca_cert.to_str().unwrap()])
        .args(["--registry-endpoint", &s.registry])
        .args(["--journal", journal.to_str().unwrap()])
        .args(extra))
}

fn docker_config_dir(config: &Value) -> PathBuf {
    let dir = stand_ins().root.join(unique("docker-config"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.json"), config.to_string()).unwrap();
    dir
}

fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

fn curl(args: &[&str]) -> String {
    let out = Command::new("curl")
        .args(["-sS", "-f"])
        .args(args)
        .output()
        .expect("run curl");
    assert!(
        out.status.success(),
        "curl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Uploads a blob to the plain registry (POST, then one PUT); returns its digest.
fn plain_blob(repo: &str, bytes: &[u8]) -> String {
    let s = stand_ins();
    let digest = sha256(bytes);
    let headers = curl(&[
        "-X",
        "POST",
        "-D",
        "-",
        "-o",
        "/dev/null",
        &format!("http://{}/v2/{repo}/blobs/uploads/", s.plain_registry),
    ]);
    let location = headers
        .lines()
        .find_map(|l| {
            l.strip_prefix("Location: ")
                .or_else(|| l.strip_prefix("location: "))
        })
        .expect("a Location header")
        .trim()
        .to_string();
    let url = if location.starts_with("http") {
        location
    } else {
        format!("http://{}{location}", s.plain_registry)
    };
    let sep = if url.contains('?') { '&' } else { '?' };
    let file = stand_ins().root.join(unique("blob"));
    std::fs::write(&file, bytes).unwrap();
    curl(&[
        "-X",
        "PUT",
        "-H",
        "Content-Type: application/octet-stream",
        "--data-binary",
        &format!("@{}", file.display()),
        &format!("{url}{sep}digest={digest}"),
    ]);
    digest
}

/// Puts a manifest into the plain registry under `reference`; returns its digest.
fn plain_manifest(repo: &str, reference: &str, manifest: &Value) -> String {
    let s = stand_ins();
    let bytes = manifest.to_string();
    let media_type = manifest["mediaType"].as_str().unwrap();
    let file = stand_ins().root.join(unique("manifest"));
    std::fs::write(&file, &bytes).unwrap();
    curl(&[
        "-X",
        "PUT",
        "-H",
        &format!("Content-Type: {media_type}"),
        "--data-binary",
        &format!("@{}", file.display()),
        &format!(
            "http://{}/v2/{repo}/manifests/{reference}",
            s.plain_registry
        ),
    ]);
    sha256(bytes.as_bytes())
}

/// A small OCI image in the plain registry (its own config and one layer).
fn plain_image(repo: &str, seed: &str, extra_layers: Vec<Value>) -> Value {
    let layer = plain_blob(repo, format!("layer {seed}").as_bytes());
    let config =
        json!({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[layer]}});
    let config_bytes = config.to_string();
    let config_digest = plain_blob(repo, config_bytes.as_bytes());
    let mut layers = vec![
        json!({"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":layer,"size":format!("layer {seed}").len()}),
    ];
    layers.extend(extra_layers);
    json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType":"application/vnd.oci.image.config.v1+json","digest":config_digest,"size":config_bytes.len()},
        "layers": layers,
    })
}

#[test]
fn authfiles_and_credential_helpers_give_credentials_and_a_missing_helper_is_an_error() {
    let s = stand_ins();
    let p = unique("mcauth");
    let digest = seed_image(Registry::Plain, &format!("{p}/src"), "v1", &p);
    let src = &s.plain_registry;
    let dst = &s.registry;
    let plan = temp_file(
        "plan.txt",
        &format!("{src}/{p}/src:v1 {dst}/{p}/authfile:v1\n"),
    );
    let empty = docker_config_dir(&json!({}));
    // No credentials: the TLS registry refuses the push.
    migrate_plain(&plan, &["-o", "json"], Some(&empty)).assert_code(1);
    // --dest-authfile (podman/skopeo auth.json): copied.
    let authfile = auth_file();
    let ok = migrate_plain(
        &plan,
        &["-o", "json", "--dest-authfile", authfile.to_str().unwrap()],
        Some(&empty),
    );
    ok.assert_code(0);
    assert_eq!(ok.json()["items"][0]["status"], "copied");
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/authfile"), "v1").as_deref(),
        Some(digest.as_str())
    );
    // A missing authfile is bad input.
    let missing = migrate_plain(
        &plan,
        &["--src-authfile", "/nonexistent/auth.json"],
        Some(&empty),
    );
    missing.assert_code(2);
    assert!(missing.stderr.contains("authfile"), "{}", missing.stderr);

    // A credential helper named in config.json gives the credentials.
    let bin = s.root.join(unique("helper-bin"));
    std::fs::create_dir_all(&bin).unwrap();
    let helper = bin.join("docker-credential-mcfake");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\nread server\n[ \"$server\" = \"{dst}\" ] || {{ echo 'credentials not found in native keychain'; exit 1; }}\n\
             echo '{{\"ServerURL\":\"{dst}\",\"Username\":\"AWS\",\"Secret\":\"{}\"}}'\n",
            crate::harness::MOTO_PASSWORD
        ),
    )
    .unwrap();
    std::fs::set_permissions(&helper, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let with_helper = docker_config_dir(&json!({"credHelpers": {dst.clone(): "mcfake"}}));
    let plan2 = temp_file(
        "plan.txt",
        &format!("{src}/{p}/src:v1 {dst}/{p}/helper:v1\n"),
    );
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let journal = plan2.with_extension("journal");
    let helped = run(ecrctl()
        .env("PATH", &path)
        .env("DOCKER_CONFIG", &with_helper)
        .args(["migrate", "--plan", plan2.to_str().unwrap()])
        .args(["--plain-http", src])
        .args(["--ca-cert", s.ca_cert.to_str().unwrap()])
        .args(["--journal", journal.to_str().unwrap(), "-o", "json"]));
    helped.assert_code(0);
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/helper"), "v1").as_deref(),
        Some(digest.as_str())
    );
    // A helper that is not installed: an error naming it, not anonymous access.
    let broken = docker_config_dir(&json!({"credHelpers": {dst.clone(): "mc-not-installed"}}));
    let plan3 = temp_file(
        "plan.txt",
        &format!("{src}/{p}/src:v1 {dst}/{p}/nohelper:v1\n"),
    );
    let refused = migrate_plain(&plan3, &[], Some(&broken));
    refused.assert_code(3);
    assert!(
        refused
            .stderr
            .contains("docker-credential-mc-not-installed is not on PATH"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/nohelper"), "v1"),
        None
    );
}

#[test]
fn foreign_layers_are_not_fetched_and_their_descriptors_are_kept() {
    let s = stand_ins();
    let p = unique("mcforeign");
    let repo = format!("{p}/windows");
    // A Windows-style image: its base layer lives on another server (never in a registry).
    let foreign = json!({
        "mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
        "digest": "sha256:a3b8bca3a8c6a1b3e1f2a0e2d1a8b6c4d6e0f1a2b3c4d5e6f708192a3b4c5d6e",
        "size": 1234567,
        "urls": ["https://mcr.microsoft.com/v2/windows/nanoserver/blobs/sha256:a3b8bca3a8c6a1b3e1f2a0e2d1a8b6c4d6e0f1a2b3c4d5e6f708192a3b4c5d6e"]
    });
    let manifest = plain_image(&repo, &p, vec![foreign]);
    let digest = plain_manifest(&repo, "ltsc", &manifest);
    let plan = temp_file(
        "plan.txt",
        &format!("{}/{repo}:ltsc {p}/windows:ltsc\n", s.plain_registry),
    );
    let dry = migrate_ecr(&plan, &["--dry-run", "-o", "json"]);
    dry.assert_code(0);
    let done = migrate_ecr(&plan, &["-o", "json", "--verify"]);
    done.assert_code(0);
    let report = done.json();
    assert_eq!(report["items"][0]["status"], "copied", "{report:#}");
    assert_eq!(report["items"][0]["digest"], digest.as_str());
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/windows"), "ltsc").as_deref(),
        Some(digest.as_str()),
        "the manifest, foreign descriptor and all, is copied byte for byte"
    );
}
