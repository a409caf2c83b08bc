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

/// Seeds `repo` in the plain registry with `tags` (each its own image); returns digests.
fn seed_tags(repo: &str, tags: &[&str]) -> Vec<String> {
    tags.iter()
        .map(|t| seed_image(Registry::Plain, repo, t, &format!("{repo}-{t}")))
        .collect()
}

fn statuses(report: &Value) -> Vec<(String, String)> {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["destination"].as_str().unwrap().to_string(),
                i["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn skopeo_sync_yaml_plans_with_tag_lists_regexes_and_semver_ranges() {
    let s = stand_ins();
    let p = unique("mcsync");
    let src = &s.plain_registry;
    let a = seed_tags(&format!("{p}/a"), &["v1", "v2"]);
    seed_tags(&format!("{p}/b"), &["v1.1", "v1.2", "v2.0", "latest"]);
    let c = seed_tags(&format!("{p}/c"), &["1.1.0", "1.2.0", "v1.9", "2.0.0"]);
    let yaml = format!(
        "# what `skopeo sync --src yaml` reads\n{src}:\n  images:\n    {p}/a:\n      - v1\n  images-by-tag-regex:\n    {p}/b: ^v1\\.[0-9]+$\n  images-by-semver:\n    {p}/c: \">= 1.2, < 2\"\n  tls-verify: false\n"
    );
    let plan = temp_file("sync.yaml", &yaml);
    let to = format!("{p}-mirror/");
    // Without --to there is no destination: bad input, nothing changed.
    let no_to = migrate_ecr(&plan, &[]);
    no_to.assert_code(2);
    assert!(no_to.stderr.contains("--to PREFIX/"), "{}", no_to.stderr);
    let done = migrate_ecr(&plan, &["--to", &to, "-o", "json"]);
    done.assert_code(0);
    let mut got = statuses(&done.json());
    got.sort();
    let m = format!("{}/{p}-mirror", s.registry);
    let want: Vec<(String, String)> = [
        format!("{m}/{p}/a:v1"),
        format!("{m}/{p}/b:v1.1"),
        format!("{m}/{p}/b:v1.2"),
        format!("{m}/{p}/c:1.2.0"),
        format!("{m}/{p}/c:v1.9"),
    ]
    .into_iter()
    .map(|d| (d, "copied".to_string()))
    .collect();
    assert_eq!(got, want);
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}-mirror/{p}/a"), "v1").as_deref(),
        Some(a[0].as_str())
    );
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}-mirror/{p}/c"), "v1.9").as_deref(),
        Some(c[2].as_str())
    );
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}-mirror/{p}/a"), "v2"),
        None
    );

    // `tls-verify: false` without --plain-http, and a password in the file: every
    // problem at once, exit 2, the password never echoed.
    let bad = temp_file(
        "sync.yaml",
        &format!(
            "{src}:\n  images:\n    {p}/a: [v1]\n  credentials:\n    username: u\n    password: mc-hunter2\n  images-by-semver:\n    {p}/c: banana\n"
        ),
    );
    let refused = migrate_ecr(&bad, &["--to", &to]);
    refused.assert_code(2);
    assert!(
        refused.stderr.contains("--src-authfile"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("banana"), "{}", refused.stderr);
    assert!(!refused.stderr.contains("mc-hunter2"), "{}", refused.stderr);
    let insecure = temp_file(
        "sync.yaml",
        &format!("{src}:\n  images:\n    {p}/a: [v1]\n  tls-verify: false\n"),
    );
    let journal = insecure.with_extension("journal");
    let needs_plain = run(ecrctl()
        .args(["migrate", "--plan", insecure.to_str().unwrap(), "--to", &to])
        .args(["--registry-endpoint", &s.registry])
        .args(["--journal", journal.to_str().unwrap()]));
    needs_plain.assert_code(2);
    assert!(
        needs_plain.stderr.contains("tls-verify: false"),
        "{}",
        needs_plain.stderr
    );
}

#[test]
fn generated_plans_filter_tags_by_regex_and_semver() {
    let s = stand_ins();
    let p = unique("mcgen");
    seed_tags(
        &format!("{p}/app"),
        &["1.0.0", "1.4.2", "v1.5", "2.0.0", "latest", "1.4.2-rc.1"],
    );
    let from = format!("{}/{p}", s.plain_registry);
    let generate = |filter: &[&str]| {
        run(ecrctl()
            .args(["migrate", "--from", &from, "--to", &format!("{p}-gen/")])
            .args(["--plain-http", &s.plain_registry])
            .args(["--ca-cert", s.ca_cert.to_str().unwrap()])
            .args(["--registry-endpoint", &s.registry])
            .args(["--dry-run", "-o", "json"])
            .args(filter))
    };
    let tags = |run: &Run| -> Vec<String> {
        let mut t: Vec<String> = statuses(&run.json())
            .into_iter()
            .map(|(d, _)| d.rsplit(':').next().unwrap().to_string())
            .collect();
        t.sort();
        t
    };
    let semver = generate(&["--tags-semver", ">=1.4, <2"]);
    semver.assert_code(0);
    assert_eq!(tags(&semver), ["1.4.2", "v1.5"]);
    let regex = generate(&["--tags-regex", "^1\\."]);
    regex.assert_code(0);
    assert_eq!(tags(&regex), ["1.0.0", "1.4.2", "1.4.2-rc.1"]);
    let bad = generate(&["--tags-regex", "("]);
    bad.assert_code(2);
    assert!(bad.stderr.contains("--tags-regex"), "{}", bad.stderr);
    let none = generate(&[]);
    none.assert_code(2);
}

#[test]
fn structured_plans_report_every_problem_at_once() {
    let plan = temp_file(
        "plan.json",
        r#"{"defaults":{"to":"mirror"},"images":[{"source":"a:1 #not-a-comment"},{"source":"b:1","destination":"Upper/x:1"}]}"#,
    );
    let refused = migrate_ecr(&plan, &[]);
    refused.assert_code(2);
    for needle in ["defaults.to `mirror`", "entry 2:"] {
        assert!(
            refused.stderr.contains(needle),
            "{needle}: {}",
            refused.stderr
        );
    }
}

/// The raw manifest at `repo:reference` in the plain registry.
fn plain_raw(repo: &str, reference: &str) -> Value {
    let s = stand_ins();
    serde_json::from_str(&curl(&[
        "-H",
        "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json",
        &format!("http://{}/v2/{repo}/manifests/{reference}", s.plain_registry),
    ]))
    .unwrap()
}

#[test]
fn platform_selects_platforms_and_a_missing_or_sparse_one_is_explained() {
    let s = stand_ins();
    let p = unique("mcplat");
    let (layout, index_digest) = crate::images::oci_index_layout("v1", &p);
    crate::images::push_layout(Registry::Plain, &layout, &format!("{p}/multi"), "v1");
    let index = plain_raw(&format!("{p}/multi"), "v1");
    let arm = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["platform"]["architecture"] == "arm64")
        .unwrap()["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let src = &s.plain_registry;
    let plan = temp_file("plan.txt", &format!("{src}/{p}/multi:v1 {p}/both:v1\n"));
    let one = temp_file("plan.txt", &format!("{src}/{p}/multi:v1 {p}/arm:v1\n"));
    let done = migrate_ecr(
        &one,
        &["--platform", "linux/arm64", "-o", "json", "--verify"],
    );
    done.assert_code(0);
    assert_eq!(done.json()["items"][0]["digest"], arm.as_str());
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/arm"), "v1").as_deref(),
        Some(arm.as_str()),
        "the arm64 manifest itself, as skopeo --override-arch and crane --platform copy it"
    );
    let both = migrate_ecr(
        &plan,
        &[
            "--platform",
            "linux/arm64",
            "--platform",
            "linux/amd64",
            "-o",
            "json",
        ],
    );
    both.assert_code(0);
    let copied_index = raw_digest(Registry::Ecr, &format!("{p}/both"), "v1").unwrap();
    assert_eq!(
        copied_index, index_digest,
        "every platform selected: the index is byte for byte the source's"
    );
    // A platform the index lacks: that item fails and names what the index has.
    let missing = temp_file("plan.txt", &format!("{src}/{p}/multi:v1 {p}/s390x:v1\n"));
    let refused = migrate_ecr(&missing, &["--platform", "linux/s390x", "-o", "json"]);
    refused.assert_code(1);
    let error = refused.json()["items"][0]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        error.contains("no linux/s390x") && error.contains("linux/arm64"),
        "{error}"
    );
    let bad = migrate_ecr(&missing, &["--platform", "linux"]);
    bad.assert_code(2);

    // A sparse index (a child the source lacks) is explained, and --platform copies
    // the platforms it has.
    // (The registry refuses to store an index whose child is missing, so the child is
    // deleted afterwards, as a registry cleanup or a partial mirror leaves it.)
    let repo = format!("{p}/sparse");
    crate::images::push_layout(Registry::Plain, &layout, &repo, "v1");
    let present = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["platform"]["architecture"] == "amd64")
        .unwrap()["digest"]
        .as_str()
        .unwrap()
        .to_string();
    curl(&[
        "-X",
        "DELETE",
        &format!("http://{}/v2/{repo}/manifests/{arm}", s.plain_registry),
    ]);
    let sparse_plan = temp_file("plan.txt", &format!("{src}/{repo}:v1 {p}/sparse:v1\n"));
    let explained = migrate_ecr(&sparse_plan, &["-o", "json"]);
    explained.assert_code(1);
    let error = explained.json()["items"][0]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        error.contains("sparse index") && error.contains("--platform"),
        "{error}"
    );
    let chosen = migrate_ecr(&sparse_plan, &["--platform", "linux/amd64", "-o", "json"]);
    chosen.assert_code(0);
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/sparse"), "v1").as_deref(),
        Some(present.as_str())
    );
}

#[test]
fn referrers_follow_their_image_with_the_flag_and_are_counted_without_it() {
    let s = stand_ins();
    let p = unique("mcref");
    let repo = format!("{p}/signed");
    let image = plain_image(&repo, &p, Vec::new());
    let digest = plain_manifest(&repo, "v1", &image);
    let hex = digest.trim_start_matches("sha256:");
    // A cosign signature under its tag (`sha256-<hex>.sig`).
    let sig = plain_image(&repo, &format!("{p}-sig"), Vec::new());
    let sig_digest = plain_manifest(&repo, &format!("sha256-{hex}.sig"), &sig);
    // An OCI 1.1 referrer (an SBOM with a subject), listed by the tag-schema fallback
    // index `sha256-<hex>`, since this registry has no referrers API.
    let mut sbom = plain_image(&repo, &format!("{p}-sbom"), Vec::new());
    sbom["artifactType"] = json!("application/spdx+json");
    sbom["subject"] = json!({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":digest,"size":image.to_string().len()});
    let sbom_digest = plain_manifest(&repo, "sbom-tmp", &sbom);
    let fallback = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":sbom_digest,"size":sbom.to_string().len(),"artifactType":"application/spdx+json"}]
    });
    let fallback_digest = plain_manifest(&repo, &format!("sha256-{hex}"), &fallback);
    let src = &s.plain_registry;

    // Without --referrers: the image is copied, and the summary says what was left.
    let plan = temp_file("plan.txt", &format!("{src}/{repo}:v1 {p}/plain:v1\n"));
    let dry = migrate_ecr(&plan, &["--dry-run"]);
    dry.assert_code(0);
    assert!(dry.stderr.contains("2 referrers"), "{}", dry.stderr);
    let dry = migrate_ecr(&plan, &["--dry-run", "--referrers"]);
    dry.assert_code(0);
    assert!(
        dry.stderr.contains("would copy 2 referrers"),
        "{}",
        dry.stderr
    );
    let without = migrate_ecr(&plan, &[]);
    without.assert_code(0);
    assert!(
        without.stderr.contains("2 referrers")
            && without.stderr.contains("left behind")
            && without.stderr.contains("--referrers"),
        "{}",
        without.stderr
    );
    assert_eq!(
        raw_digest(
            Registry::Ecr,
            &format!("{p}/plain"),
            &format!("sha256-{hex}.sig")
        ),
        None
    );

    // With --referrers: the signature and the fallback index (with the SBOM it lists)
    // arrive byte for byte, so `cosign verify` finds them where it looks.
    let plan = temp_file("plan.txt", &format!("{src}/{repo}:v1 {p}/with:v1\n"));
    let with = migrate_ecr(&plan, &["--referrers", "-o", "json"]);
    with.assert_code(0);
    assert_eq!(with.json()["items"][0]["status"], "copied");
    assert!(
        with.stderr.contains("copied 2 referrers"),
        "{}",
        with.stderr
    );
    let dest = format!("{p}/with");
    assert_eq!(
        raw_digest(Registry::Ecr, &dest, "v1").as_deref(),
        Some(digest.as_str())
    );
    assert_eq!(
        raw_digest(Registry::Ecr, &dest, &format!("sha256-{hex}.sig")).as_deref(),
        Some(sig_digest.as_str())
    );
    assert_eq!(
        raw_digest(Registry::Ecr, &dest, &format!("sha256-{hex}")).as_deref(),
        Some(fallback_digest.as_str())
    );
    // The SBOM the fallback index lists, read by digest with skopeo.
    let out = Command::new(crate::harness::tool("skopeo"))
        .args(["inspect", "--raw", "--authfile"])
        .arg(auth_file())
        .arg("--cert-dir")
        .arg(&s.cert_dir)
        .arg(format!("docker://{}/{dest}@{sbom_digest}", s.registry))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(sha256(&out.stdout), sbom_digest);
}

/// A read-only stand-in for a registry behind OAuth2 (ACR, Harbor OIDC): it answers
/// 401 with a Bearer challenge unless the request carries the access token, hands that
/// token out only for a POSTed `grant_type=refresh_token` with the right refresh token,
/// and forwards authorized reads to the plain registry.
const OAUTH_PROXY: &str = r#"
import http.server, sys, urllib.parse, urllib.request, threading
upstream, refresh = sys.argv[1], sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers: self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD": self.wfile.write(body)
    def do_POST(self):
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
        if self.path == "/token" and form.get("grant_type") == ["refresh_token"] and form.get("refresh_token") == [refresh]:
            return self.reply(200, b'{"access_token":"mc-access"}', [("Content-Type", "application/json")])
        self.reply(401)
    def do_GET(self):
        if self.path.startswith("/token"): return self.reply(401)
        if self.headers.get("Authorization") != "Bearer mc-access":
            port = self.server.server_address[1]
            return self.reply(401, b"{}", [("WWW-Authenticate", f'Bearer realm="http://127.0.0.1:{port}/token",service="mc"')])
        req = urllib.request.Request("http://" + upstream + self.path, method=self.command)
        for k in ("Accept",):
            if self.headers.get(k): req.add_header(k, self.headers[k])
        try:
            with urllib.request.urlopen(req) as r:
                self.reply(r.status, r.read(), [(k, v) for k, v in r.getheaders() if k.lower() in ("content-type", "docker-content-digest")])
        except urllib.error.HTTPError as e:
            self.reply(e.code, e.read(), [("Content-Type", "application/json")])
    do_HEAD = do_GET
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
"#;

#[test]
fn identity_tokens_are_used_as_oauth2_refresh_tokens() {
    use std::io::BufRead;
    let s = stand_ins();
    let p = unique("mcidt");
    let digest = seed_image(Registry::Plain, &format!("{p}/src"), "v1", &p);
    let mut proxy = Command::new(crate::harness::tool("python3"))
        .args(["-c", OAUTH_PROXY, &s.plain_registry, "mc-refresh-token"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(proxy.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let host = format!("127.0.0.1:{}", line.trim());
    let plan = temp_file("plan.txt", &format!("{host}/{p}/src:v1 {p}/idt:v1\n"));
    let with_token = |config: &Value| {
        let dir = docker_config_dir(config);
        let journal = plan.with_extension(unique("journal"));
        run(ecrctl()
            .env("DOCKER_CONFIG", &dir)
            .args(["migrate", "--plan", plan.to_str().unwrap()])
            .args(["--plain-http", &host])
            .args(["--ca-cert", s.ca_cert.to_str().unwrap()])
            .args(["--registry-endpoint", &s.registry])
            .args(["--journal", journal.to_str().unwrap(), "-o", "json"]))
    };
    // Anonymous: refused by the source.
    let anonymous = with_token(&json!({}));
    // docker's `identitytoken` entry: POSTed as a refresh token, the copy goes through.
    let done = with_token(
        &json!({"auths": {host.clone(): {"auth": "", "identitytoken": "mc-refresh-token"}}}),
    );
    let _ = proxy.kill();
    let _ = proxy.wait();
    anonymous.assert_code(1);
    done.assert_code(0);
    assert_eq!(done.json()["items"][0]["status"], "copied");
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/idt"), "v1").as_deref(),
        Some(digest.as_str())
    );
}

#[test]
fn a_failing_helper_never_shows_its_secret_and_a_malformed_auth_entry_is_an_error() {
    let s = stand_ins();
    let p = unique("mcleak");
    seed_image(Registry::Plain, &format!("{p}/src"), "v1", &p);
    let src = &s.plain_registry;
    let dst = &s.registry;
    let plan = temp_file("plan.txt", &format!("{src}/{p}/src:v1 {dst}/{p}/leak:v1\n"));
    // A helper that prints its whole answer, then fails (a wrapper, a gpg warning…).
    let bin = s.root.join(unique("helper-bin"));
    std::fs::create_dir_all(&bin).unwrap();
    let helper = bin.join("docker-credential-mcleaky");
    std::fs::write(
        &helper,
        "#!/bin/sh\nread server\n\
         echo \"{\\\"ServerURL\\\":\\\"$server\\\",\\\"Username\\\":\\\"u\\\",\\\"Secret\\\":\\\"HelperSecret-42\\\"}\"\n\
         echo 'warning: HelperSecret-42 is about to expire' >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&helper, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let leaky = docker_config_dir(&json!({"credHelpers": {dst.clone(): "mcleaky"}}));
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for extra in [&["--dry-run"][..], &[], &["-vvv"]] {
        let journal = plan.with_extension("journal");
        let failed = run(ecrctl()
            .env("PATH", &path)
            .env("DOCKER_CONFIG", &leaky)
            .args(["migrate", "--plan", plan.to_str().unwrap()])
            .args(["--plain-http", src])
            .args(["--ca-cert", s.ca_cert.to_str().unwrap()])
            .args(["--journal", journal.to_str().unwrap()])
            .args(extra));
        failed.assert_code(3);
        assert!(
            failed
                .stderr
                .contains("docker-credential-mcleaky exited with 1"),
            "{}",
            failed.stderr
        );
        assert!(
            !failed.stderr.contains("HelperSecret-42")
                && !failed.stdout.contains("HelperSecret-42"),
            "{}",
            failed.stderr
        );
    }
    assert_eq!(raw_digest(Registry::Ecr, &format!("{p}/leak"), "v1"), None);

    // A malformed `auth` entry: bad input naming the file and key, not anonymous access.
    let empty = docker_config_dir(&json!({}));
    for bad in [
        "!!!notbase64SECRETPW".to_string(),
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            "nocolonSECRETPW",
        ),
    ] {
        let authfile = temp_file(
            "auth.json",
            &json!({"auths": {src.clone(): {"auth": bad}}}).to_string(),
        );
        let refused = migrate_plain(
            &plan,
            &["--dry-run", "--src-authfile", authfile.to_str().unwrap()],
            Some(&empty),
        );
        refused.assert_code(2);
        assert!(
            refused.stderr.contains(&format!("auths.\"{src}\"")),
            "{}",
            refused.stderr
        );
        assert!(!refused.stderr.contains("SECRETPW"), "{}", refused.stderr);
    }
}

fn arm64_of(index: &Value) -> String {
    index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["platform"]["architecture"] == "arm64")
        .unwrap()["digest"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_retag_inside_one_ecr_repository_honours_platform() {
    let s = stand_ins();
    let p = unique("mcrtplat");
    let repo = format!("{p}/app");
    crate::client::ecr(&["repo", "create", &repo]).assert_code(0);
    let (layout, index_digest) = crate::images::oci_index_layout("v1", &p);
    crate::images::push_layout(Registry::Ecr, &layout, &repo, "v1");
    crate::images::push_layout(Registry::Plain, &layout, &repo, "v1");
    let arm = arm64_of(&plain_raw(&repo, "v1"));
    let plan = temp_file(
        "plan.txt",
        &format!("{0}/{repo}:v1 {0}/{repo}:arm\n", s.registry),
    );
    let run = migrate_ecr(&plan, &["--platform", "linux/arm64", "-o", "json"]);
    run.assert_code(0);
    assert_eq!(run.json()["items"][0]["digest"], arm.as_str());
    assert_eq!(
        raw_digest(Registry::Ecr, &repo, "arm").as_deref(),
        Some(arm.as_str()),
        "the platform manifest, as the copy path gives it, not the index"
    );
    assert_eq!(
        raw_digest(Registry::Ecr, &repo, "v1").as_deref(),
        Some(index_digest.as_str())
    );
}

#[test]
fn platform_reruns_are_done_in_an_earlier_run_and_a_moved_destination_is_not_blamed_on_the_source()
{
    let s = stand_ins();
    let p = unique("mcplatj");
    let (layout, _) = crate::images::oci_index_layout("v1", &p);
    crate::images::push_layout(Registry::Plain, &layout, &format!("{p}/multi"), "v1");
    let arm = arm64_of(&plain_raw(&format!("{p}/multi"), "v1"));
    let src = &s.plain_registry;
    let plan = temp_file("plan.txt", &format!("{src}/{p}/multi:v1 {p}/arm:v1\n"));
    let args = ["--platform", "linux/arm64", "-o", "json"];
    let first = migrate_ecr(&plan, &args);
    first.assert_code(0);
    assert_eq!(first.json()["items"][0]["status"], "copied");
    assert_eq!(first.json()["items"][0]["digest"], arm.as_str());
    let again = migrate_ecr(&plan, &args);
    again.assert_code(0);
    assert_eq!(again.json()["items"][0]["status"], "skipped");
    assert_eq!(again.json()["items"][0]["detail"], "done in an earlier run");
    // Another platform selection is not the same item.
    let amd = migrate_ecr(&plan, &["--platform", "linux/amd64", "-o", "json"]);
    assert_ne!(amd.json()["items"][0]["detail"], "done in an earlier run");
    // Someone else moves the destination tag; the source did not change.
    let other = seed_image(
        Registry::Plain,
        &format!("{p}/other"),
        "v1",
        &format!("{p}-o"),
    );
    let mover = temp_file("plan.txt", &format!("{src}/{p}/other:v1 {p}/arm:v1\n"));
    migrate_ecr(&mover, &["--overwrite"]).assert_code(0);
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/arm"), "v1").as_deref(),
        Some(other.as_str())
    );
    let rerun = migrate_ecr(&plan, &["--platform", "linux/arm64"]);
    assert!(!rerun.stderr.contains("source changed"), "{}", rerun.stderr);
}

#[test]
fn referrers_of_a_journaled_image_are_rechecked_and_the_dry_run_agrees() {
    let s = stand_ins();
    let p = unique("mcrefj");
    let repo = format!("{p}/signed");
    let image = plain_image(&repo, &p, Vec::new());
    let digest = plain_manifest(&repo, "v1", &image);
    let hex = digest.trim_start_matches("sha256:");
    let sig = plain_image(&repo, &format!("{p}-sig1"), Vec::new());
    plain_manifest(&repo, &format!("sha256-{hex}.sig"), &sig);
    let src = &s.plain_registry;
    let dest = format!("{p}/dst");
    let plan = temp_file("plan.txt", &format!("{src}/{repo}:v1 {dest}:v1\n"));
    migrate_ecr(&plan, &["--referrers"]).assert_code(0);
    // A new attestation: the journaled image stays done, its new referrer is copied.
    let att = plain_image(&repo, &format!("{p}-att"), Vec::new());
    let att_digest = plain_manifest(&repo, &format!("sha256-{hex}.att"), &att);
    let rerun = migrate_ecr(&plan, &["--referrers", "-o", "json"]);
    rerun.assert_code(0);
    assert_eq!(rerun.json()["items"][0]["detail"], "done in an earlier run");
    assert_eq!(
        raw_digest(Registry::Ecr, &dest, &format!("sha256-{hex}.att")).as_deref(),
        Some(att_digest.as_str())
    );
    // Re-signed: the `.sig` tag moved. The dry run and the real run give one answer,
    // and neither claims the image was copied.
    let sig2 = plain_image(&repo, &format!("{p}-sig2"), Vec::new());
    plain_manifest(&repo, &format!("sha256-{hex}.sig"), &sig2);
    for fresh in [&[][..], &["--fresh"]] {
        let mut dry_args = vec!["--referrers", "--dry-run"];
        dry_args.extend_from_slice(fresh);
        let dry = migrate_ecr(&plan, &dry_args);
        dry.assert_code(1);
        assert!(dry.stderr.contains(".sig"), "{}", dry.stderr);
    }
    let real = migrate_ecr(&plan, &["--referrers", "-o", "json"]);
    real.assert_code(1);
    let error = real.json()["items"][0]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        error.contains(".sig") && !error.contains("was copied"),
        "{error}"
    );
    let fresh = migrate_ecr(&plan, &["--referrers", "--fresh", "-o", "json"]);
    fresh.assert_code(1);
    let error = fresh.json()["items"][0]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        error.contains("skipped") && !error.contains("was copied"),
        "{error}"
    );
}

#[test]
fn a_torn_journal_line_does_not_swallow_the_next_record() {
    let s = stand_ins();
    let p = unique("mctorn");
    seed_image(Registry::Plain, &format!("{p}/src"), "v1", &p);
    let src = &s.plain_registry;
    let plan = temp_file("plan.txt", &format!("{src}/{p}/src:v1 {p}/dst:v1\n"));
    // What kill -9 during a write leaves: a last line without its end.
    let journal = plan.with_extension("journal");
    std::fs::write(&journal, "{\"key\":\"x y\",\"digest\":\"sha256:ab").unwrap();
    let first = migrate_ecr(&plan, &["-o", "json"]);
    first.assert_code(0);
    assert_eq!(first.json()["items"][0]["status"], "copied");
    let again = migrate_ecr(&plan, &["-o", "json"]);
    again.assert_code(0);
    assert_eq!(again.json()["items"][0]["detail"], "done in an earlier run");
}
