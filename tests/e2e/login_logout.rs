//! `ecrctl logout` and the truthful `login status`: stale cache entries, the ecrctl
//! helper's ability to refresh, broken and used credential stores, unknown expiry. The
//! docker CLI (no daemon) is the independent client.

use base64::Engine;
use serde_json::{Value, json};

use crate::client::{ecrctl, run, unique};
use crate::harness::{ACCOUNT, MOTO_PASSWORD};
use crate::images::{Registry, seed_image};
use crate::login::Sandbox;

/// A working credential store: one file per server under the sandbox, as a real store
/// keeps one keychain item per server.
fn file_store(sandbox: &Sandbox) -> std::path::PathBuf {
    let dir = sandbox.dir.join("store");
    std::fs::create_dir_all(&dir).unwrap();
    sandbox.shim(
        "docker-credential-filestore",
        &format!(
            r#"#!/bin/sh
dir='{}'
case "$1" in
  store) json=$(cat); host=$(printf '%s' "$json" | sed 's/.*"ServerURL":"\([^"]*\)".*/\1/'); printf '%s' "$json" > "$dir/$(printf '%s' "$host" | tr '/:' '__')";;
  get) host=$(cat); f="$dir/$(printf '%s' "$host" | tr '/:' '__')"; if [ -f "$f" ]; then cat "$f"; else echo 'credentials not found in native keychain'; exit 1; fi;;
  erase) host=$(cat); rm -f "$dir/$(printf '%s' "$host" | tr '/:' '__')";;
  list) printf '{{'; sep=''; for f in "$dir"/*; do [ -f "$f" ] || continue; h=$(sed 's/.*"ServerURL":"\([^"]*\)".*/\1/' "$f"); printf '%s"%s":"AWS"' "$sep" "$h"; sep=','; done; printf '}}\n';;
esac
"#,
            dir.display()
        ),
    );
    dir
}

fn store_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).unwrap().count()
}

#[test]
fn logout_removes_the_cache_and_the_store_and_docker_loses_access() {
    let repo = format!("{}/app", unique("logout"));
    seed_image(Registry::Ecr, &repo, "v1", "logout-image");
    let sandbox = Sandbox::new();
    let store = file_store(&sandbox);
    sandbox.write_docker_config(&json!({ "credsStore": "filestore" }));
    sandbox.ecrctl(&["login"]).assert_code(0);
    assert_eq!(
        store_files(&store),
        1,
        "docker stored the login in the store"
    );
    let image = format!("{}/{repo}:v1", sandbox.registry);
    sandbox
        .docker(&["manifest", "inspect", &image])
        .assert_code(0);
    assert!(!sandbox.cache_files().is_empty());

    let dry = sandbox.ecrctl(&["logout", &sandbox.registry, "--dry-run", "-o", "json"]);
    dry.assert_code(0);
    let plan = dry.json();
    assert_eq!(plan["dryRun"], true);
    let from: Vec<&str> = plan["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["from"].as_str().unwrap())
        .collect();
    assert!(from.contains(&"ecrctl cache"), "{from:?}");
    assert!(from.contains(&"docker-credential-filestore"), "{from:?}");
    assert_eq!(store_files(&store), 1, "a dry run removes nothing");
    assert!(!sandbox.cache_files().is_empty());

    let out = sandbox.ecrctl(&["logout", &sandbox.registry]);
    out.assert_code(0);
    assert!(out.stdout.contains("REMOVED FROM"), "{}", out.stdout);
    assert_eq!(store_files(&store), 0);
    assert!(sandbox.cache_files().is_empty());
    let denied = sandbox.docker(&["manifest", "inspect", &image]);
    assert_ne!(denied.code, 0, "docker still had credentials");
}

#[test]
fn logout_all_removes_docker_auths_of_ecr_registries_only() {
    let sandbox = Sandbox::new();
    let encode = |pw: &str| base64::engine::general_purpose::STANDARD.encode(format!("AWS:{pw}"));
    let ecr_host = format!("{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com");
    sandbox.ecrctl(&["login"]).assert_code(0);
    let mut config = sandbox.read_docker_config();
    config["auths"][&ecr_host] = json!({ "auth": encode("pw") });
    config["auths"]["ghcr.io"] = json!({ "auth": encode("gh") });
    config["credHelpers"] =
        json!({ format!("{ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com"): "ecrctl" });
    sandbox.write_docker_config(&config);
    let out = sandbox.ecrctl(&["logout", "--all", "-o", "json"]);
    out.assert_code(0);
    let auths = sandbox.read_docker_config()["auths"].clone();
    assert!(auths.get(&ecr_host).is_none(), "{auths}");
    assert!(auths.get(&sandbox.registry).is_none(), "{auths}");
    assert!(auths.get("ghcr.io").is_some(), "not an ECR registry: kept");
    assert_eq!(
        out.json()["stillServed"][0],
        format!("{ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com (docker-credential-ecrctl)")
    );
    assert!(sandbox.cache_files().is_empty());
}

#[test]
fn logout_needs_hosts_or_all() {
    let sandbox = Sandbox::new();
    let out = sandbox.ecrctl(&["logout"]);
    out.assert_code(2);
    let out = sandbox.ecrctl(&["logout", "bad host"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("is not a registry host"),
        "{}",
        out.stderr
    );
    let out = sandbox.ecrctl(&["logout", "nothing.example.com"]);
    out.assert_code(0);
    assert!(
        out.stderr
            .contains("nothing stored for nothing.example.com"),
        "{}",
        out.stderr
    );
}

#[test]
fn status_reports_an_unused_expired_cache_entry_as_stale() {
    let sandbox = Sandbox::new();
    // moto's token is expired at birth: the entry of an unused region stays expired.
    let mut command = sandbox.command(&["login", "--print-password", "--region", "eu-west-1"]);
    run(command.env_remove("ECRCTL_REGISTRY_ENDPOINT")).assert_code(0);
    let status = sandbox.ecrctl(&["login", "status", "-o", "json"]);
    status.assert_code(0);
    let row = &status.json()["registries"][0];
    assert_eq!(row["state"], "stale");
    assert!(
        row["note"].as_str().unwrap().contains("ecrctl logout"),
        "{row}"
    );
}

#[test]
fn status_checks_whether_the_ecrctl_helper_can_refresh_now() {
    let sandbox = Sandbox::new();
    sandbox
        .ecrctl(&["login", "--install-helper"])
        .assert_code(0);
    // The cached token is expired (moto's), but the helper refreshes: fine.
    let status = sandbox.ecrctl(&["login", "status", "-o", "json"]);
    status.assert_code(0);
    let rows = status.json()["registries"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["state"], "valid");
    assert!(
        rows[0]["source"]
            .as_str()
            .unwrap()
            .contains("credHelpers (ecrctl)")
    );
    // Without credentials the helper cannot refresh: broken, exit 1.
    let mut command = ecrctl();
    sandbox.isolate(&mut command);
    let out = run(command
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["login", "status", "-o", "json"]));
    out.assert_code(1);
    let row = &out.json()["registries"][0];
    assert_eq!(row["state"], "broken");
    assert!(
        row["note"].as_str().unwrap().contains("cannot refresh"),
        "{row}"
    );
}

#[test]
fn status_reads_logins_held_by_a_credential_store_and_flags_a_broken_one() {
    let sandbox = Sandbox::new();
    file_store(&sandbox);
    sandbox.write_docker_config(&json!({ "credsStore": "filestore" }));
    // docker logs in to an ECR host with a token expiring in 30 minutes; ecrctl never
    // cached anything for it.
    let host = format!("{ACCOUNT}.dkr.ecr.ap-south-1.amazonaws.com");
    let expiring = base64::engine::general_purpose::STANDARD.encode(format!(
        r#"{{"payload":"p","datakey":"d","version":"2","type":"DATA_KEY","expiration":{}}}"#,
        now() + 1800
    ));
    let stored = sandbox.dir.join("store").join(host.replace(':', "_"));
    std::fs::write(
        &stored,
        json!({ "ServerURL": host, "Username": "AWS", "Secret": expiring }).to_string(),
    )
    .unwrap();
    let status = sandbox.ecrctl(&["login", "status", "-o", "json"]);
    status.assert_code(1);
    let rows: Vec<Value> = status.json()["registries"].as_array().unwrap().clone();
    let row = rows
        .iter()
        .find(|r| r["registry"] == host.as_str())
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(row["state"], "expiring");
    assert_eq!(row["source"], "docker credsStore (filestore)");

    // A store whose program is missing is broken.
    sandbox.write_docker_config(&json!({ "credsStore": "nosuchstore" }));
    let status = sandbox.ecrctl(&["login", "status", "-o", "json"]);
    status.assert_code(1);
    assert_eq!(status.json()["registries"][0]["state"], "broken");
}

#[test]
fn status_with_an_unreadable_expiry_is_not_a_silent_ok() {
    let sandbox = Sandbox::new();
    let encode = |pw: &str| base64::engine::general_purpose::STANDARD.encode(format!("AWS:{pw}"));
    let host = format!("{ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com");
    sandbox.write_docker_config(
        &json!({ "auths": { host.clone(): { "auth": encode(MOTO_PASSWORD) } } }),
    );
    let status = sandbox.ecrctl(&["login", "status"]);
    status.assert_code(1);
    assert!(status.stdout.contains("unknown"), "{}", status.stdout);
    assert!(
        status.stderr.contains("of unknown expiry"),
        "{}",
        status.stderr
    );
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn logout_with_podman_removes_its_login() {
    let sandbox = Sandbox::new();
    let authfile = sandbox.dir.join("podman-auth.json");
    let host = format!("{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com");
    let encode = |pw: &str| base64::engine::general_purpose::STANDARD.encode(format!("AWS:{pw}"));
    std::fs::write(
        &authfile,
        json!({ "auths": { host.clone(): { "auth": encode("pw") }, "quay.io": { "auth": encode("q") } } })
            .to_string(),
    )
    .unwrap();
    let podman_login = |host: &str| {
        run(std::process::Command::new(crate::harness::tool("podman"))
            .env("REGISTRY_AUTH_FILE", &authfile)
            .args(["login", "--get-login", host]))
    };
    podman_login(&host).assert_code(0);

    let mut dry = sandbox.command(&[
        "logout",
        "--all",
        "--client",
        "podman",
        "--dry-run",
        "-o",
        "json",
    ]);
    let dry = run(dry.env("REGISTRY_AUTH_FILE", &authfile));
    dry.assert_code(0);
    assert_eq!(
        dry.json()["removed"],
        json!([{ "registry": host, "from": "podman" }])
    );
    podman_login(&host).assert_code(0);

    let mut out = sandbox.command(&["logout", "--client", "podman", &host]);
    run(out.env("REGISTRY_AUTH_FILE", &authfile)).assert_code(0);
    assert_ne!(podman_login(&host).code, 0, "podman is logged out");
    podman_login("quay.io").assert_code(0);
}

/// An ECR-shaped password that expired an hour ago.
fn expired_ecr_password() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    base64::engine::general_purpose::STANDARD.encode(format!(
        r#"{{"payload":"p","datakey":"d","version":"2","type":"DATA_KEY","expiration":{}}}"#,
        now - 3600
    ))
}

#[test]
fn store_items_under_https_urls_are_seen_by_status_and_erased_by_logout() {
    // `aws ecr get-login` and older docker stored `https://HOST`; docker resolves the bare
    // host to it, so status must see it and logout must erase it, as `docker logout` does.
    let sandbox = Sandbox::new();
    let store = file_store(&sandbox);
    sandbox.write_docker_config(&json!({ "credsStore": "filestore" }));
    let host = format!("{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com");
    let item = json!({
        "ServerURL": format!("https://{host}"),
        "Username": "AWS",
        "Secret": expired_ecr_password(),
    });
    let key = format!("https://{host}").replace(['/', ':'], "_");
    std::fs::write(store.join(key), item.to_string()).unwrap();

    let status = sandbox.ecrctl(&["login", "status", "-o", "json"]);
    status.assert_code(1);
    let rows = status.json()["registries"].as_array().unwrap().clone();
    assert!(
        rows.iter()
            .any(|r| r["registry"] == host.as_str() && r["state"] == "expired"),
        "{rows:?}"
    );

    let out = sandbox.ecrctl(&["logout", &host, "-o", "json"]);
    out.assert_code(0);
    assert!(
        out.stdout.contains("docker-credential-filestore"),
        "{}",
        out.stdout
    );
    assert_eq!(store_files(&store), 0, "the https:// item was erased");
}

#[test]
fn logout_keeps_no_backup_holding_the_removed_token() {
    let sandbox = Sandbox::new();
    let auth = base64::engine::general_purpose::STANDARD.encode("AWS:removed-secret");
    sandbox.write_docker_config(&json!({ "auths": { &sandbox.registry: { "auth": auth } } }));
    sandbox
        .ecrctl(&["logout", &sandbox.registry])
        .assert_code(0);
    for file in std::fs::read_dir(sandbox.docker_config()).unwrap() {
        let path = file.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            !text.contains(&auth),
            "{} keeps the removed token",
            path.display()
        );
    }
}

#[test]
fn logout_all_fails_when_the_store_cannot_be_listed() {
    let sandbox = Sandbox::new();
    sandbox.shim(
        "docker-credential-brokenstore",
        "#!/bin/sh\ncat >/dev/null\necho 'error getting credentials - err: exit status 1, out: `The stub received bad data.`' >&2\nexit 1\n",
    );
    sandbox.write_docker_config(&json!({ "credsStore": "brokenstore" }));
    let out = sandbox.ecrctl(&["logout", "--all", "-o", "json"]);
    out.assert_code(3);
    assert!(
        out.stderr
            .contains("could not list the credentials in docker-credential-brokenstore"),
        "{}",
        out.stderr
    );
}

#[test]
fn status_of_an_ecrctl_helper_host_tries_the_refresh_and_finds_the_helper() {
    let sandbox = Sandbox::new();
    sandbox
        .ecrctl(&["login", "--install-helper"])
        .assert_code(0);
    // The ECR API does not answer now: the helper could not refresh (moto's cached token
    // is expired), so the row is broken, although the credentials resolve.
    let (proxy, up) = crate::login_identity::switchable_moto();
    up.store(false, std::sync::atomic::Ordering::SeqCst);
    let mut command = sandbox.command(&["login", "status", "-o", "json"]);
    let out = run(command
        .env("AWS_ENDPOINT_URL", format!("http://{}", proxy.addr))
        .env("AWS_MAX_ATTEMPTS", "1"));
    out.assert_code(1);
    assert_eq!(
        out.json()["registries"][0]["state"],
        "broken",
        "{}",
        out.stdout
    );
    // docker cannot run a helper that is not on PATH: broken, and login says so.
    let bare_path = "/usr/local/sbin:/usr/sbin:/sbin:/nonexistent";
    let mut command = sandbox.command(&["login", "status", "-o", "json"]);
    let out = run(command.env("PATH", bare_path));
    out.assert_code(1);
    let row = &out.json()["registries"][0];
    assert_eq!(row["state"], "broken");
    assert!(
        row["note"].as_str().unwrap().contains("not on PATH"),
        "{row}"
    );
}

#[test]
fn a_login_served_by_a_helper_that_is_not_installed_fails() {
    let sandbox = Sandbox::new();
    sandbox.write_docker_config(&json!({ "credHelpers": { &sandbox.registry: "ecr-login" } }));
    let out = sandbox.ecrctl(&["login", "-o", "json"]);
    out.assert_code(3);
    assert!(
        out.stderr.contains("docker-credential-ecr-login"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_old_cache_entry_is_stale_when_docker_uses_another_token() {
    let sandbox = Sandbox::new();
    sandbox.seed_cache("old-cached-secret", -60);
    // docker holds a different, valid ECR token for the host (e.g. `aws ecr
    // get-login-password | docker login`).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let valid = base64::engine::general_purpose::STANDARD.encode(format!(
        r#"{{"payload":"p","datakey":"d","version":"2","type":"DATA_KEY","expiration":{}}}"#,
        now + 11 * 3600
    ));
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("AWS:{valid}"));
    sandbox.write_docker_config(&json!({ "auths": { &sandbox.registry: { "auth": auth } } }));
    let out = sandbox.ecrctl(&["login", "status", "-o", "json"]);
    out.assert_code(0);
    let rows = out.json()["registries"].as_array().unwrap().clone();
    assert!(rows.iter().any(|r| r["state"] == "stale"), "{rows:?}");
    assert!(rows.iter().any(|r| r["state"] == "valid"), "{rows:?}");
}

#[test]
fn quiet_status_prints_nothing_on_success() {
    let sandbox = Sandbox::new();
    sandbox
        .ecrctl(&["login", "--install-helper"])
        .assert_code(0);
    let out = sandbox.ecrctl(&["login", "status", "-q"]);
    out.assert_code(0);
    assert_eq!(out.stdout, "");
}

#[test]
fn a_partly_failed_logout_still_reports_what_was_removed() {
    let sandbox = Sandbox::new();
    sandbox.ecrctl(&["login"]).assert_code(0);
    let mut config = sandbox.read_docker_config();
    config["credsStore"] = json!("stuckstore");
    sandbox.write_docker_config(&config);
    sandbox.shim(
        "docker-credential-stuckstore",
        "#!/bin/sh\ncase \"$1\" in\n  get) cat >/dev/null; echo '{\"ServerURL\":\"x\",\"Username\":\"AWS\",\"Secret\":\"s\"}';;\n  erase) cat >/dev/null; echo 'keychain locked' >&2; exit 1;;\n  list) echo '{}';;\nesac\n",
    );
    let out = sandbox.ecrctl(&["logout", &sandbox.registry, "-o", "json"]);
    out.assert_code(3);
    let removed: Vec<String> = out.json()["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["from"].as_str().unwrap().to_string())
        .collect();
    assert!(removed.contains(&"ecrctl cache".to_string()), "{removed:?}");
    assert!(removed.contains(&"docker auths".to_string()), "{removed:?}");
    assert!(
        !removed.contains(&"docker-credential-stuckstore".to_string()),
        "{removed:?}"
    );
    assert!(out.stderr.contains("keychain locked"), "{}", out.stderr);
}

#[test]
fn logout_removes_cached_tokens_even_with_the_cache_switched_off_now() {
    let sandbox = Sandbox::new();
    sandbox.ecrctl(&["login"]).assert_code(0);
    assert!(!sandbox.cache_files().is_empty());
    let mut command = sandbox.command(&["logout", "--all"]);
    run(command.env("ECRCTL_NO_CACHE", "1")).assert_code(0);
    assert!(
        sandbox.cache_files().is_empty(),
        "{:?}",
        sandbox.cache_files()
    );
}

#[test]
fn a_podman_login_that_podman_logout_cannot_remove_is_a_failure() {
    // podman resolves a legacy `https://HOST` key for reads, but `podman logout HOST`
    // says "not logged into HOST" and leaves it.
    let sandbox = Sandbox::new();
    let host = format!("{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com");
    let authfile = sandbox.dir.join("podman-auth.json");
    let auth = base64::engine::general_purpose::STANDARD.encode("AWS:podman-secret");
    std::fs::write(
        &authfile,
        json!({ "auths": { format!("https://{host}"): { "auth": auth } } }).to_string(),
    )
    .unwrap();
    let mut command = sandbox.command(&["logout", "--all", "--client", "podman", "-o", "json"]);
    let out = run(command.env("REGISTRY_AUTH_FILE", &authfile));
    out.assert_code(3);
    assert!(
        out.stderr.contains("podman still has a login"),
        "{}",
        out.stderr
    );
    assert_eq!(out.json()["removed"], json!([]), "{}", out.stdout);
}
