//! Seeding images into the stand-in registries (OCI layouts written here, pushed with
//! skopeo) and reading them back with skopeo: clients written by nobody here.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::client::unique;
use crate::harness::{MOTO_PASSWORD, stand_ins, tool};

fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

fn write_blob(layout: &Path, bytes: &[u8]) -> (String, usize) {
    let digest = sha256(bytes);
    let path = layout
        .join("blobs/sha256")
        .join(digest.trim_start_matches("sha256:"));
    std::fs::write(path, bytes).unwrap();
    (digest, bytes.len())
}

fn new_layout() -> PathBuf {
    let layout = stand_ins().root.join("layouts").join(unique("layout"));
    std::fs::create_dir_all(layout.join("blobs/sha256")).unwrap();
    std::fs::write(
        layout.join("oci-layout"),
        r#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap();
    layout
}

/// Writes a single-layer image manifest (and its blobs); the layer's bytes come from
/// `layer_seed` (images with the same seed share the layer), the config from
/// `config_seed`. Returns the manifest's digest and size.
fn write_image(layout: &Path, layer_seed: &str, config_seed: &str, arch: &str) -> (String, usize) {
    let fold = layer_seed.bytes().fold(0u8, |a, b| a.wrapping_add(b));
    let layer: Vec<u8> = (0..4096u32)
        .map(|i| (i as u8) ^ fold)
        .chain(layer_seed.bytes())
        .collect();
    let (layer_digest, layer_size) = write_blob(layout, &layer);
    let config = json!({
        "architecture": arch, "os": "linux",
        "rootfs": { "type": "layers", "diff_ids": [layer_digest] },
        "config": { "Labels": { "seed": config_seed } }
    });
    let (config_digest, config_size) = write_blob(layout, config.to_string().as_bytes());
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size },
        "layers": [{ "mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest, "size": layer_size }]
    });
    write_blob(layout, manifest.to_string().as_bytes())
}

fn finish_layout(layout: &Path, tag: &str, media_type: &str, digest: &str, size: usize) {
    let index = json!({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": media_type, "digest": digest, "size": size,
            "annotations": { "org.opencontainers.image.ref.name": tag }
        }]
    });
    std::fs::write(layout.join("index.json"), index.to_string()).unwrap();
}

/// An OCI image layout with one single-layer image tagged `tag`; the layer's bytes are
/// derived from `seed`, so different seeds give different digests. Returns the layout
/// folder and the manifest digest.
pub fn oci_layout(tag: &str, seed: &str) -> (PathBuf, String) {
    oci_layout_sharing(tag, seed, seed)
}

/// Like [`oci_layout`], with the layer from `layer_seed` (shared between images).
pub fn oci_layout_sharing(tag: &str, layer_seed: &str, config_seed: &str) -> (PathBuf, String) {
    let layout = new_layout();
    let (digest, size) = write_image(&layout, layer_seed, config_seed, "amd64");
    finish_layout(
        &layout,
        tag,
        "application/vnd.oci.image.manifest.v1+json",
        &digest,
        size,
    );
    (layout, digest)
}

/// A multi-platform image: an OCI index of amd64 and arm64 manifests.
pub fn oci_index_layout(tag: &str, seed: &str) -> (PathBuf, String) {
    let layout = new_layout();
    let platforms: Vec<Value> = ["amd64", "arm64"]
        .iter()
        .map(|arch| {
            let (digest, size) = write_image(&layout, &format!("{seed}-{arch}"), &format!("{seed}-{arch}"), arch);
            json!({ "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest, "size": size,
                    "platform": { "architecture": arch, "os": "linux" } })
        })
        .collect();
    let index = json!({ "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": platforms });
    let (digest, size) = write_blob(&layout, index.to_string().as_bytes());
    finish_layout(
        &layout,
        tag,
        "application/vnd.oci.image.index.v1+json",
        &digest,
        size,
    );
    (layout, digest)
}

/// A docker-style auth file for the TLS registry, so the password never goes in argv.
pub fn auth_file() -> PathBuf {
    let s = stand_ins();
    let path = s.root.join("skopeo-auth.json");
    if !path.exists() {
        let auth = base64::engine::general_purpose::STANDARD.encode(format!("AWS:{MOTO_PASSWORD}"));
        let doc = json!({ "auths": { s.registry.clone(): { "auth": auth } } });
        std::fs::write(&path, doc.to_string()).unwrap();
    }
    path
}

/// Which stand-in registry.
#[derive(Clone, Copy)]
pub enum Registry {
    /// TLS + basic auth with moto's password: ECR's data plane.
    Ecr,
    /// Plain HTTP, no auth: a migration source.
    Plain,
}

/// Adds skopeo's credentials and TLS flags for `registry` (`prefix` is "" for the
/// source or inspected image, "dest-" for a copy's destination); returns its host.
fn with_access(command: &mut Command, registry: Registry, prefix: &str) -> &'static str {
    let s = stand_ins();
    match registry {
        Registry::Ecr => {
            command
                .arg(format!("--{prefix}authfile"))
                .arg(auth_file())
                .arg(format!("--{prefix}cert-dir"))
                .arg(&s.cert_dir);
            &s.registry
        }
        Registry::Plain => {
            command.arg(format!("--{prefix}tls-verify=false"));
            &s.plain_registry
        }
    }
}

fn skopeo_ok(command: &mut Command) -> Vec<u8> {
    let out = command.output().expect("run skopeo");
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Pushes a fresh single-layer image as `repo:tag`; returns its manifest digest.
pub fn seed_image(registry: Registry, repo: &str, tag: &str, seed: &str) -> String {
    let (layout, digest) = oci_layout(tag, seed);
    push_layout(registry, &layout, repo, tag);
    digest
}

/// Pushes an OCI layout's `tag` (every platform of an index) as `repo:tag`.
pub fn push_layout(registry: Registry, layout: &Path, repo: &str, tag: &str) {
    let mut command = Command::new(tool("skopeo"));
    command.args(["copy", "--quiet", "--all", "--preserve-digests"]);
    let host = with_access(&mut command, registry, "dest-");
    skopeo_ok(
        command
            .arg(format!("oci:{}:{tag}", layout.display()))
            .arg(format!("docker://{host}/{repo}:{tag}")),
    );
}

/// `skopeo inspect` of an image.
pub fn inspect(registry: Registry, repo: &str, tag: &str) -> Value {
    let mut command = Command::new(tool("skopeo"));
    command.arg("inspect");
    let host = with_access(&mut command, registry, "");
    let stdout = skopeo_ok(command.arg(format!("docker://{host}/{repo}:{tag}")));
    serde_json::from_slice(&stdout).unwrap()
}

/// The digest of the manifest stored at `repo:tag` (sha256 of `skopeo inspect --raw`),
/// or `None` when there is none.
pub fn raw_digest(registry: Registry, repo: &str, tag: &str) -> Option<String> {
    let mut command = Command::new(tool("skopeo"));
    command.args(["inspect", "--raw"]);
    let host = with_access(&mut command, registry, "");
    let out = command
        .arg(format!("docker://{host}/{repo}:{tag}"))
        .output()
        .expect("run skopeo");
    out.status.success().then(|| sha256(&out.stdout))
}
