//! `ecrctl migrate` under faults and for throughput: registries that answer 429/503 with
//! `Retry-After` (on blob upload PUTs too), a manifest cut short, a destination that goes
//! down (the breaker), item retries (`--retries`), sources read before ECR repositories
//! are created, and layers copied concurrently. The fault proxy sits in front of the
//! plain registry; skopeo is the independent check.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::client::{Run, describe_repo, ecrctl, run, temp_file, unique};
use crate::faults::{Fault, HttpFaultProxy};
use crate::harness::stand_ins;
use crate::images::{Registry, push_layout, raw_digest};

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

/// An OCI layout with one image of `layers` distinct layers (`size` bytes each) tagged
/// `v1`. Returns the layout, the manifest digest and the layer digests.
fn layered_image(seed: &str, layers: usize, size: usize) -> (PathBuf, String, Vec<String>) {
    let layout = stand_ins().root.join("layouts").join(unique("layered"));
    std::fs::create_dir_all(layout.join("blobs/sha256")).unwrap();
    std::fs::write(
        layout.join("oci-layout"),
        r#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap();
    let mut descriptors = Vec::new();
    let mut digests = Vec::new();
    for n in 0..layers {
        let stamp = format!("{seed}-{n}");
        let mut bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        bytes.extend_from_slice(stamp.as_bytes());
        let (digest, len) = write_blob(&layout, &bytes);
        descriptors.push(json!({ "mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": digest, "size": len }));
        digests.push(digest);
    }
    let config = json!({ "architecture": "amd64", "os": "linux",
        "rootfs": { "type": "layers", "diff_ids": digests }, "config": { "Labels": { "seed": seed } } });
    let (config_digest, config_size) = write_blob(&layout, config.to_string().as_bytes());
    let manifest = json!({ "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size },
        "layers": descriptors });
    let (digest, size) = write_blob(&layout, manifest.to_string().as_bytes());
    let index = json!({ "schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest, "size": size,
        "annotations": { "org.opencontainers.image.ref.name": "v1" } }] });
    std::fs::write(layout.join("index.json"), index.to_string()).unwrap();
    (layout, digest, digests)
}

/// Pushes a fresh image with `layers` layers to the plain registry as `repo:v1`.
fn seed_layered(repo: &str, layers: usize, size: usize) -> (String, Vec<String>) {
    let (layout, digest, layer_digests) = layered_image(repo, layers, size);
    push_layout(Registry::Plain, &layout, repo, "v1");
    (digest, layer_digests)
}

/// `ecrctl migrate --plan PLAN` with every host in `plain` reached over plain HTTP and a
/// journal beside the plan.
fn migrate(plan_text: &str, plain: &[&str], extra: &[&str]) -> (Run, Duration) {
    let s = stand_ins();
    let plan = temp_file("plan.txt", plan_text);
    let journal = plan.with_extension("journal");
    let mut command = ecrctl();
    command.args(["migrate", "--plan", plan.to_str().unwrap()]);
    for host in plain {
        command.args(["--plain-http", host]);
    }
    command
        .args(["--ca-cert", s.ca_cert.to_str().unwrap()])
        .args(["--registry-endpoint", &s.registry])
        .args(["--journal", journal.to_str().unwrap()])
        .args(extra);
    let started = Instant::now();
    let result = run(&mut command);
    (result, started.elapsed())
}

fn is_blob_put(method: &str, path: &str) -> bool {
    method == "PUT" && path.contains("/blobs/uploads/")
}

#[test]
fn blob_upload_puts_answered_429_with_retry_after_wait_as_told() {
    let s = stand_ins();
    let p = unique("mf429");
    let (digest, _) = seed_layered(&format!("{p}/src"), 2, 4096);
    // The destination answers the first two blob PUTs 429: one with Retry-After in
    // seconds, one with an HTTP-date; both well past the backoff's first waits.
    let puts = Arc::new(AtomicUsize::new(0));
    let counter = puts.clone();
    let proxy = HttpFaultProxy::start(&s.plain_registry, move |method, path| {
        if !is_blob_put(method, path) {
            return Fault::Pass;
        }
        match counter.fetch_add(1, Ordering::SeqCst) {
            0 => Fault::Status("429 Too Many Requests", Some("3".into())),
            1 => Fault::Status(
                "429 Too Many Requests",
                Some(httpdate::fmt_http_date(
                    SystemTime::now() + Duration::from_secs(4),
                )),
            ),
            _ => Fault::Pass,
        }
    });
    let plan = format!(
        "{}/{p}/src:v1 {}/{p}/dst:v1\n",
        s.plain_registry, proxy.addr
    );
    let (result, took) = migrate(&plan, &[&s.plain_registry, &proxy.addr], &[]);
    result.assert_code(0);
    assert_eq!(proxy.count("Status"), 2, "{:?}", proxy.seen.lock().unwrap());
    assert_eq!(
        raw_digest(Registry::Plain, &format!("{p}/dst"), "v1").as_deref(),
        Some(digest.as_str())
    );
    // The backoff alone would have waited about a second; the registry asked for 3 s.
    assert!(took >= Duration::from_secs(3), "took {took:?}");
    assert!(
        result
            .stderr
            .contains("answered 429 Too Many Requests; retrying in 3 s"),
        "{}",
        result.stderr
    );
}

#[test]
fn a_truncated_manifest_and_a_truncated_layer_are_read_again() {
    let s = stand_ins();
    let p = unique("mftrunc");
    let (digest, layers) = seed_layered(&format!("{p}/src"), 1, 64 * 1024);
    let (manifests, blobs) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let layer = layers[0].clone();
    let proxy = HttpFaultProxy::start(&s.plain_registry, move |method, path| {
        let first = |n: &AtomicUsize| n.fetch_add(1, Ordering::SeqCst) == 0;
        if method == "GET" && path.contains("/manifests/") && first(&manifests) {
            // The body breaks off halfway (Content-Length says more).
            Fault::Truncate
        } else if method == "GET" && path.ends_with(&layer) && first(&blobs) {
            // The layer stream breaks off halfway through its upload to the destination.
            Fault::Truncate
        } else {
            Fault::Pass
        }
    });
    let plan = format!("{}/{p}/src:v1 {p}/dst:v1\n", proxy.addr);
    let (result, _) = migrate(&plan, &[&proxy.addr], &["-o", "json"]);
    result.assert_code(0);
    assert_eq!(
        proxy.count("Truncate"),
        2,
        "{:?}",
        proxy.seen.lock().unwrap()
    );
    assert_eq!(result.json()["totals"]["copied"], 1);
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/dst"), "v1").as_deref(),
        Some(digest.as_str())
    );
}

#[test]
fn a_destination_that_is_down_trips_the_breaker_with_one_cause() {
    let s = stand_ins();
    let p = unique("mfdown");
    let items = 12;
    let mut plan = String::new();
    // The destination drops every connection without a word.
    let proxy = HttpFaultProxy::start(&s.plain_registry, |_, _| Fault::Reset);
    for i in 0..items {
        crate::images::seed_image(
            Registry::Plain,
            &format!("{p}/src{i}"),
            "v1",
            &format!("{p}-{i}"),
        );
        plan.push_str(&format!(
            "{}/{p}/src{i}:v1 {}/{p}/dst{i}:v1\n",
            s.plain_registry, proxy.addr
        ));
    }
    let report = temp_file("report.json", "");
    std::fs::remove_file(&report).unwrap();
    let (result, took) = migrate(
        &plan,
        &[&s.plain_registry, &proxy.addr],
        &["--jobs", "4", "--report", report.to_str().unwrap()],
    );
    result.assert_code(3);
    assert_eq!(
        result.stderr.matches("error:").count(),
        1,
        "one error: {}",
        result.stderr
    );
    assert!(
        result
            .stderr
            .contains(&format!("error: {} stopped answering", proxy.addr)),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains("requests in a row"),
        "{}",
        result.stderr
    );
    // The items not yet started were never sent: one wave of retries, not three.
    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let not_attempted = document["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["detail"] == "not attempted")
        .count();
    assert!(not_attempted >= items - 4, "{document:#}");
    // Four items at once, five attempts each; an item that starts while the breaker
    // is still closed gets a request or two in before it trips (12 × 5 without it).
    assert!(
        proxy.seen.lock().unwrap().len() <= 4 * 5 + 4,
        "{} requests reached the downed host",
        proxy.seen.lock().unwrap().len()
    );
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

#[test]
fn an_item_that_fails_after_its_requests_gave_up_is_retried_with_retries() {
    let s = stand_ins();
    let p = unique("mfretry");
    let (digest, layers) = seed_layered(&format!("{p}/src"), 2, 4096);
    // The upload of one layer is answered 503 five times in a row: its request gives up.
    let proxy_for = |layer: String| {
        let failures = Arc::new(AtomicUsize::new(0));
        HttpFaultProxy::start(&s.plain_registry, move |method, path| {
            if is_blob_put(method, path)
                && path.contains(&layer)
                && failures.fetch_add(1, Ordering::SeqCst) < 5
            {
                Fault::Status("503 Service Unavailable", Some("0".into()))
            } else {
                Fault::Pass
            }
        })
    };
    let once = proxy_for(layers[1].clone());
    let plan = format!(
        "{}/{p}/src:v1 {}/{p}/once:v1\n",
        s.plain_registry, once.addr
    );
    let (result, _) = migrate(&plan, &[&s.plain_registry, &once.addr], &["--retries", "0"]);
    result.assert_code(1);
    assert!(
        result.stderr.contains("gave up after 5 attempts"),
        "{}",
        result.stderr
    );
    assert_eq!(
        raw_digest(Registry::Plain, &format!("{p}/once"), "v1"),
        None
    );

    let again = proxy_for(layers[1].clone());
    let plan = format!(
        "{}/{p}/src:v1 {}/{p}/again:v1\n",
        s.plain_registry, again.addr
    );
    let (result, _) = migrate(&plan, &[&s.plain_registry, &again.addr], &[]);
    result.assert_code(0);
    assert_eq!(again.count("Status"), 5);
    assert_eq!(
        raw_digest(Registry::Plain, &format!("{p}/again"), "v1").as_deref(),
        Some(digest.as_str())
    );

    // Out of range is a usage error, before anything happens.
    let (result, _) = migrate(
        &plan,
        &[&s.plain_registry, &again.addr],
        &["--retries", "11"],
    );
    result.assert_code(2);
}

#[test]
fn repositories_are_created_only_for_sources_that_were_read() {
    let s = stand_ins();
    let p = unique("mfread");
    let (digest, _) = seed_layered(&format!("{p}/src"), 1, 2048);
    let plan = format!(
        "{0}/{p}/src:v1 {p}/good:v1\n{0}/{p}/missing:v1 {p}/never:v1\n",
        s.plain_registry
    );
    let (result, _) = migrate(&plan, &[&s.plain_registry], &["-o", "json"]);
    result.assert_code(1);
    assert!(describe_repo(&format!("{p}/good")).is_some());
    assert!(
        describe_repo(&format!("{p}/never")).is_none(),
        "a repository was created for a source that does not exist"
    );
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/good"), "v1").as_deref(),
        Some(digest.as_str())
    );
    let items = result.json()["items"].clone();
    let missing = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["destination"].as_str().unwrap().ends_with("never:v1"))
        .unwrap()
        .clone();
    assert_eq!(missing["status"], "failed", "{items:#}");
    assert!(
        missing["error"]
            .as_str()
            .unwrap()
            .contains("does not exist"),
        "{missing:#}"
    );
}

#[test]
fn layers_of_one_image_are_copied_at_once() {
    let s = stand_ins();
    let p = unique("mfpar");
    let (digest, _) = seed_layered(&format!("{p}/src"), 6, 64 * 1024);
    // Each blob read from the source is held until four are held at once (or 10 s pass):
    // reads one after another never get past one, however fast or slow the machine.
    let proxy = HttpFaultProxy::start(&s.plain_registry, |method, path| {
        if method == "GET" && path.contains("/blobs/") {
            Fault::Gather(4, Duration::from_secs(10))
        } else {
            Fault::Pass
        }
    });
    let plan = format!("{}/{p}/src:v1 {p}/dst:v1\n", proxy.addr);
    let (result, took) = migrate(&plan, &[&proxy.addr], &[]);
    result.assert_code(0);
    assert_eq!(
        raw_digest(Registry::Ecr, &format!("{p}/dst"), "v1").as_deref(),
        Some(digest.as_str())
    );
    let peak = proxy.peak_in_flight.load(Ordering::SeqCst);
    // Concurrency is measured by what the source holds at once, not by the wall clock
    // (machines are shared): one after another would never have two reads held.
    assert!(
        peak >= 4,
        "at most {peak} blob reads at once (took {took:?})"
    );
}

/// The destination's cost is its request count (the ECR stand-in checks a bcrypt password
/// on every request), so the requests per copied image are counted, not timed: two
/// repositories of four single-layer images sharing one layer, one item at a time.
/// Once the registry has mounted a blob, blobs it may lack get no HEAD (a mount from the
/// repository itself answers), a declined mount's upload session takes the bytes, tags
/// are looked for in one listing per repository, and a source without the referrers API
/// is asked once.
#[test]
fn requests_per_copied_image_are_counted() {
    let s = stand_ins();
    let p = unique("mfreq");
    let source_proxy = HttpFaultProxy::start(&s.plain_registry, |_, _| Fault::Pass);
    let dest = HttpFaultProxy::start(&s.plain_registry, |_, _| Fault::Pass);
    let mut plan = String::new();
    // a:v1, then b:v1 (its layer mounted from a), then the rest.
    let order = ["a1", "b1", "a2", "a3", "a4", "b2", "b3", "b4"];
    for tag in order {
        let (layout, _) =
            crate::images::oci_layout_sharing(tag, &format!("{p}-base"), &format!("{p}-{tag}"));
        push_layout(Registry::Plain, &layout, &format!("{p}/src"), tag);
        let (repo, n) = tag.split_at(1);
        plan.push_str(&format!(
            "{}/{p}/src:{tag} {}/{p}/{repo}:v{n}\n",
            source_proxy.addr, dest.addr
        ));
    }
    let (result, _) = migrate(
        &plan,
        &[&source_proxy.addr, &dest.addr],
        &["--jobs", "1", "-o", "json"],
    );
    result.assert_code(0);
    assert_eq!(result.json()["totals"]["copied"], 8, "{}", result.stdout);
    let seen = dest.seen.lock().unwrap().clone();
    let ours: Vec<_> = seen
        .iter()
        .filter(|r| r.path.starts_with(&format!("/v2/{p}/")))
        .collect();
    let count = |method: &str, part: &str| {
        ours.iter()
            .filter(|r| r.method == method && r.path.contains(part))
            .count()
    };
    let all = format!("{ours:#?}");
    // Per repository, one tag listing (both run well within its 30 s); per image, the
    // manifest written, and no look-up of a tag the listing does not hold.
    assert_eq!(count("GET", "/tags/list"), 2, "{all}");
    assert_eq!(count("GET", "/manifests/"), 0, "{all}");
    assert_eq!(count("PUT", "/manifests/"), 8, "{all}");
    // Nine unique blobs (the shared layer, eight configs) uploaded once each; one POST
    // per blob each repository lacked (a: 5, b: 5, the layer into b a 201 mount).
    assert_eq!(count("PUT", "/blobs/uploads/"), 9, "{all}");
    assert_eq!(count("POST", "/blobs/uploads/"), 10, "{all}");
    // HEADs only until the registry mounted a blob: a1's two, b1's (at most) two. Every
    // image used to ask for each blob it did not know: 10 HEADs.
    let heads = count("HEAD", "/blobs/");
    assert!((3..=4).contains(&heads), "{heads} HEADs: {all}");
    assert_eq!(ours.len(), 29 + heads, "nothing else was asked: {all}");
    // 33 requests at most for 8 images (was 45: a manifest GET and a blob HEAD more
    // per image); 3 per image once warmed up (config POST + PUT, manifest PUT).
    assert!(ours.len() <= 33, "{} requests: {all}", ours.len());
    // The source has no referrers API (404): asked once, not once per image; its tags
    // (for the `sha256-…` referrer tags) listed once for the repository.
    let source = source_proxy.seen.lock().unwrap().clone();
    let referrer_probes = source
        .iter()
        .filter(|r| r.path.contains("/referrers/"))
        .count();
    assert_eq!(referrer_probes, 1, "{source:#?}");
    let listings = source
        .iter()
        .filter(|r| r.path.contains("/tags/list"))
        .count();
    assert_eq!(listings, 1, "{source:#?}");
}

/// Skipping blob HEADs never re-sends bytes the destination has: on a registry that has
/// mounted a blob, a mount from the repository itself finds them (201); on one that
/// declines every mount (ECR without BLOB_MOUNTING answers 202), blobs keep their HEAD.
/// Repository `c` already holds image z (under another tag) before the run.
#[test]
fn blobs_the_destination_already_has_are_not_sent_again() {
    for declines_mounts in [false, true] {
        let s = stand_ins();
        let p = unique(if declines_mounts { "mfdecl" } else { "mfmount" });
        let dest = HttpFaultProxy::start(&s.plain_registry, move |method, path| {
            if declines_mounts && method == "POST" && path.contains("mount=") {
                Fault::Status("202 Accepted", None)
            } else {
                Fault::Pass
            }
        });
        let image = |tag: &str, layer: &str| {
            let (layout, digest) = crate::images::oci_layout_sharing(
                tag,
                &format!("{p}-{layer}"),
                &format!("{p}-{tag}"),
            );
            push_layout(Registry::Plain, &layout, &format!("{p}/src"), tag);
            (layout, digest)
        };
        image("x1", "shared");
        image("x2", "shared");
        let (z_layout, z_digest) = image("z", "own");
        push_layout(Registry::Plain, &z_layout, &format!("{p}/c"), "z");
        let src = &s.plain_registry;
        let to = &dest.addr;
        let plan = format!(
            "{src}/{p}/src:x1 {to}/{p}/a:v1\n{src}/{p}/src:x2 {to}/{p}/b:v1\n{src}/{p}/src:z {to}/{p}/c:v1\n"
        );
        let (result, _) = migrate(&plan, &[src, to], &["--jobs", "1", "-o", "json"]);
        result.assert_code(0);
        let report = result.json();
        assert_eq!(report["totals"]["copied"], 3, "{report:#}");
        assert_eq!(report["items"][2]["bytes"], 0, "{report:#}");
        let seen = dest.seen.lock().unwrap().clone();
        let into_c: Vec<_> = seen
            .iter()
            .filter(|r| r.path.starts_with(&format!("/v2/{p}/c/blobs/")))
            .collect();
        assert!(
            into_c.iter().all(|r| r.method != "PUT"),
            "nothing uploaded into c (declined mounts: {declines_mounts}): {into_c:#?}"
        );
        let heads = into_c.iter().filter(|r| r.method == "HEAD").count();
        assert_eq!(
            heads,
            if declines_mounts { 2 } else { 0 },
            "declined mounts: {declines_mounts}: {into_c:#?}"
        );
        assert_eq!(
            raw_digest(Registry::Plain, &format!("{p}/c"), "v1").as_deref(),
            Some(z_digest.as_str())
        );
    }
}
