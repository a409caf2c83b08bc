//! `ecrctl login` and `docker-credential-ecrctl` when the caller's identity changes (other
//! keys, a role assumed through moto's STS), on every ECR host form, with a cache that
//! cannot be written or is switched off, several targets where one fails, and `-q`.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::client::{ecrctl, run};
use crate::harness::{ACCOUNT, MOTO_PASSWORD, REGION, stand_ins, tool};
use crate::login::Sandbox;

/// moto's STS maps a role in account 222222222222 to credentials of that account; its
/// GetAuthorizationToken then hands out that account's password.
const OTHER_ACCOUNT: &str = "222222222222";
const OTHER_PASSWORD: &str = "222222222222-auth-token";

/// Credentials of `arn:aws:iam::222222222222:role/x`, assumed through moto's STS by boto3.
fn assumed_role() -> [(String, String); 3] {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-moto/bin/python");
    let python = if python.exists() {
        python
    } else {
        tool("python3")
    };
    let script = format!(
        "import boto3, json\n\
         sts = boto3.client('sts', endpoint_url='{}', region_name='{REGION}', aws_access_key_id='test', aws_secret_access_key='test')\n\
         c = sts.assume_role(RoleArn='arn:aws:iam::{OTHER_ACCOUNT}:role/x', RoleSessionName='switch')['Credentials']\n\
         print(json.dumps([c['AccessKeyId'], c['SecretAccessKey'], c['SessionToken']]))\n",
        stand_ins().moto_url
    );
    let out = Command::new(python)
        .args(["-c", &script])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let keys: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    [
        ("AWS_ACCESS_KEY_ID".into(), keys[0].clone()),
        ("AWS_SECRET_ACCESS_KEY".into(), keys[1].clone()),
        ("AWS_SESSION_TOKEN".into(), keys[2].clone()),
    ]
}

use crate::login::helper_path;

/// `docker-credential-ecrctl get` for `host` in the sandbox, with extra environment.
fn helper_get(sandbox: &Sandbox, host: &str, env: &[(String, String)]) -> crate::client::Run {
    helper_get_without(sandbox, host, env, &[])
}

/// [`helper_get`] with the variables `remove` unset.
fn helper_get_without(
    sandbox: &Sandbox,
    host: &str,
    env: &[(String, String)],
    remove: &[&str],
) -> crate::client::Run {
    use std::io::Write;
    let base = ecrctl();
    let mut command = Command::new(helper_path());
    command.env_clear();
    command.envs(base.get_envs().filter_map(|(k, v)| Some((k, v?))));
    sandbox.isolate(&mut command);
    for name in remove {
        command.env_remove(name);
    }
    command.envs(env.iter().map(|(k, v)| (k, v)));
    let mut child = command
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(host.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    crate::client::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn another_identity_never_gets_the_previous_accounts_token() {
    let sandbox = Sandbox::new();
    // A valid token of account 123456789012 in the cache, under the same profile, region
    // and endpoints the assumed role uses.
    sandbox.seed_cache("first-account-secret", 6 * 3600);
    let role = assumed_role();

    let mut command = sandbox.command(&["login", "--print-password", "-o", "json"]);
    let out = run(command.envs(role.iter().map(|(k, v)| (k, v))));
    out.assert_code(0);
    assert_eq!(out.json()["password"], OTHER_PASSWORD, "{}", out.stdout);

    // docker is logged in with the role's token, not the cached one of the other account.
    let mut command = sandbox.command(&["login", "-o", "json"]);
    let out = run(command.envs(role.iter().map(|(k, v)| (k, v))));
    // The registry stand-in only knows account 123456789012's password: docker's login
    // with the other account's token is refused, as ECR would refuse it.
    out.assert_code(3);
    assert!(
        out.stderr.contains("refused the ECR token"),
        "{}",
        out.stderr
    );
    let docker_config =
        std::fs::read_to_string(sandbox.docker_config().join("config.json")).unwrap_or_default();
    assert!(
        !docker_config.contains(&base64_auth("first-account-secret")),
        "docker never got the previous account's token"
    );

    // Without a registry override, the registry is the role's account's.
    let mut command = sandbox.command(&["login", "--install-helper", "-o", "json"]);
    let out = run(command
        .env_remove("ECRCTL_REGISTRY_ENDPOINT")
        .envs(role.iter().map(|(k, v)| (k, v))));
    out.assert_code(0);
    let row = &out.json()["registries"][0];
    assert_eq!(row["account"], OTHER_ACCOUNT);
    assert_eq!(
        row["registry"],
        format!("{OTHER_ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com")
    );

    // The first keys still find their own cached token.
    let out = sandbox.ecrctl(&["login", "--print-password"]);
    out.assert_code(0);
    assert_eq!(out.stdout, "first-account-secret\n");

    // No cache file holds an access key id.
    for file in sandbox.cache_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains(&role[0].1), "{}", file.display());
        assert!(!text.contains("\"test\""), "{}", file.display());
    }
}

fn base64_auth(password: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("AWS:{password}"))
}

#[test]
fn the_helper_keys_by_identity_too() {
    let sandbox = Sandbox::new();
    sandbox.seed_cache("first-account-secret", 6 * 3600);
    let mine = helper_get(&sandbox, &sandbox.registry, &[]);
    assert_eq!(mine.code, 0, "{}{}", mine.stdout, mine.stderr);
    assert_eq!(
        serde_json::from_str::<Value>(&mine.stdout).unwrap()["Secret"],
        "first-account-secret"
    );
    let theirs = helper_get(&sandbox, &sandbox.registry, &assumed_role());
    assert_eq!(theirs.code, 0, "{}{}", theirs.stdout, theirs.stderr);
    let answer: Value = serde_json::from_str(&theirs.stdout).unwrap();
    assert_eq!(answer["Secret"], OTHER_PASSWORD);
    assert!(!theirs.stdout.contains("first-account-secret"));
}

#[test]
fn every_ecr_host_form_is_served_by_the_helper() {
    let sandbox = Sandbox::new();
    for host in [
        format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"),
        format!("{ACCOUNT}.dkr.ecr-fips.{REGION}.amazonaws.com"),
        format!("{ACCOUNT}.dkr-ecr.{REGION}.on.aws"),
        format!("{ACCOUNT}.dkr-ecr-fips.{REGION}.on.aws"),
        format!("{ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn"),
        format!("{ACCOUNT}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn"),
        format!("{ACCOUNT}.dkr.ecr.eusc-de-east-1.amazonaws.eu"),
        format!("{ACCOUNT}.dkr.ecr.us-iso-east-1.c2s.ic.gov"),
        format!("{ACCOUNT}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov"),
    ] {
        let out = helper_get(&sandbox, &host, &[]);
        assert_eq!(out.code, 0, "{host}: {}{}", out.stdout, out.stderr);
        let answer: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(answer["ServerURL"], host.as_str());
        assert_eq!(answer["Secret"], MOTO_PASSWORD, "{host}");
    }
    let public = helper_get(&sandbox, "public.ecr.aws", &[]);
    assert_eq!(public.code, 1);
    assert!(
        public.stdout.contains("does not serve ECR Public"),
        "{}",
        public.stdout
    );
    // `login` never hands a private registry's token to ECR Public's host.
    let mut command = sandbox.command(&["login", "--print-password"]);
    let out = run(command.env("ECRCTL_REGISTRY_ENDPOINT", "public.ecr.aws"));
    out.assert_code(2);
    assert!(
        out.stderr.contains("does not log in to ECR Public"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn login_names_the_host_of_the_partition_and_endpoint_form() {
    let sandbox = Sandbox::new();
    let host_of = |env: &[(&str, &str)], region: &str| {
        let mut command = sandbox.command(&[
            "login",
            "--install-helper",
            "--region",
            region,
            "-o",
            "json",
        ]);
        command.env_remove("ECRCTL_REGISTRY_ENDPOINT");
        for (k, v) in env {
            command.env(k, v);
        }
        let out = run(&mut command);
        out.assert_code(0);
        out.json()["registries"][0]["registry"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        host_of(&[("AWS_USE_FIPS_ENDPOINT", "true")], REGION),
        format!("{ACCOUNT}.dkr.ecr-fips.{REGION}.amazonaws.com")
    );
    assert_eq!(
        host_of(&[("AWS_USE_DUALSTACK_ENDPOINT", "true")], REGION),
        format!("{ACCOUNT}.dkr-ecr.{REGION}.on.aws")
    );
    assert_eq!(
        host_of(&[], "cn-north-1"),
        format!("{ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn")
    );
    assert_eq!(
        host_of(&[], "us-iso-east-1"),
        format!("{ACCOUNT}.dkr.ecr.us-iso-east-1.c2s.ic.gov")
    );
}

#[test]
fn an_unwritable_cache_is_a_warning_and_the_token_is_used() {
    let sandbox = Sandbox::new();
    // A file where the cache folder should be: nothing can be created below it, even
    // as root.
    let blocker = sandbox.dir.join("not-a-dir");
    std::fs::write(&blocker, "").unwrap();
    let cache = blocker.join("tokens");
    let mut command = sandbox.command(&["login", "-o", "json"]);
    let out = run(command.env("ECRCTL_CACHE_DIR", &cache));
    out.assert_code(0);
    assert!(
        out.stderr.contains("warning: could not cache the token"),
        "{}",
        out.stderr
    );
    assert_eq!(out.json()["registries"][0]["action"], "logged-in");
    // docker holds the credentials the login stored, and reads the registry with them.
    assert!(sandbox.read_docker_config()["auths"][&sandbox.registry]["auth"].is_string());
    let repo = format!("{}/app", crate::client::unique("nocache"));
    crate::images::seed_image(crate::images::Registry::Ecr, &repo, "v1", "nocache-image");
    sandbox
        .docker(&[
            "manifest",
            "inspect",
            &format!("{}/{repo}:v1", sandbox.registry),
        ])
        .assert_code(0);
    let mut command = sandbox.command(&["login", "--print-password"]);
    let out = run(command.env("ECRCTL_CACHE_DIR", &cache));
    out.assert_code(0);
    assert_eq!(out.stdout, format!("{MOTO_PASSWORD}\n"));
}

#[test]
fn the_cache_can_be_switched_off_or_moved_with_ecr_login_names() {
    for (name, value) in [("ECRCTL_NO_CACHE", "1"), ("AWS_ECR_DISABLE_CACHE", "true")] {
        let sandbox = Sandbox::new();
        sandbox.seed_cache("cached-secret", 6 * 3600);
        let mut command = sandbox.command(&["login", "--print-password"]);
        let out = run(command.env(name, value));
        out.assert_code(0);
        assert_eq!(out.stdout, format!("{MOTO_PASSWORD}\n"), "{name}");
        std::fs::remove_dir_all(sandbox.cache()).unwrap();
        let mut command = sandbox.command(&["login", "--print-password"]);
        run(command.env(name, value)).assert_code(0);
        assert!(sandbox.cache_files().is_empty(), "{name} wrote a cache");
    }
    let sandbox = Sandbox::new();
    let moved = sandbox.dir.join("ecr-cache");
    let mut command = sandbox.command(&["login", "--print-password"]);
    run(command
        .env_remove("ECRCTL_CACHE_DIR")
        .env("AWS_ECR_CACHE_DIR", &moved))
    .assert_code(0);
    assert!(std::fs::read_dir(&moved).unwrap().count() >= 1);
}

#[test]
fn several_targets_keep_going_when_one_fails() {
    let sandbox = Sandbox::new();
    // A docker that logs in to every registry but the one in eu-west-1.
    sandbox.shim(
        "docker",
        "#!/bin/sh\ncat >/dev/null\ncase \"$*\" in\n  *eu-west-1*) echo 'Error response from daemon: login attempt failed' >&2; exit 1;;\nesac\necho 'Login Succeeded'\n",
    );
    let args = [
        "login",
        "--client",
        "docker",
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
        "--region",
        "us-west-2",
    ];
    let mut command = sandbox.command(&[&args[..], &["-o", "json"]].concat());
    let out = run(command.env_remove("ECRCTL_REGISTRY_ENDPOINT"));
    out.assert_code(3);
    let rows = out.json()["registries"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 3, "{rows:?}");
    let status = |region: &str| {
        rows.iter()
            .find(|r| r["region"] == region)
            .unwrap_or_else(|| panic!("{region}: {rows:?}"))["status"]
            .clone()
    };
    assert_eq!(status("us-east-1"), "ok");
    assert_eq!(status("eu-west-1"), "failed");
    assert_eq!(
        status("us-west-2"),
        "ok",
        "the target after the failure ran"
    );
    assert!(
        out.stderr.contains("error: 1 of 3 logins failed"),
        "{}",
        out.stderr
    );

    let mut command = sandbox.command(&args);
    let out = run(command.env_remove("ECRCTL_REGISTRY_ENDPOINT"));
    out.assert_code(3);
    assert!(out.stdout.contains("FAILED"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains(&format!("{ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com")),
        "{}",
        out.stdout
    );

    // -q: only the error.
    let mut command = sandbox.command(&[&args[..], &["-q"]].concat());
    let out = run(command.env_remove("ECRCTL_REGISTRY_ENDPOINT"));
    out.assert_code(3);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("1 of 3 logins failed"),
        "{}",
        out.stderr
    );
}

#[test]
fn quiet_prints_nothing_on_success() {
    let sandbox = Sandbox::new();
    let out = sandbox.ecrctl(&["login", "-q"]);
    out.assert_code(0);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, "");
    let out = sandbox.ecrctl(&["login", "-q", "--install-helper"]);
    out.assert_code(0);
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
}

#[test]
fn no_creds_store_keeps_docker_contexts_and_plugins() {
    let sandbox = Sandbox::new();
    // A Docker Desktop-like folder: a broken store, a current context, a CLI plugin dir.
    sandbox.shim(
        "docker-credential-desktop",
        "#!/bin/sh\necho 'The stub received bad data.'\nexit 1\n",
    );
    let create = sandbox.docker(&[
        "context",
        "create",
        "desktop-linux",
        "--docker",
        "host=unix:///nonexistent/docker.sock",
    ]);
    create.assert_code(0);
    std::fs::create_dir_all(sandbox.docker_config().join("cli-plugins")).unwrap();
    sandbox.write_docker_config(&json!({
        "credsStore": "desktop",
        "currentContext": "desktop-linux",
    }));

    sandbox
        .ecrctl(&["login", "--no-creds-store"])
        .assert_code(0);
    let plain = sandbox.dir.join("xdg/ecrctl/docker");
    assert!(plain.join("contexts").is_dir());
    assert!(plain.join("cli-plugins").is_dir());
    // docker under the new DOCKER_CONFIG finds the current context (before, it failed
    // with "context not found") and reads the registry with the stored login.
    let docker = |args: &[&str]| {
        let base = crate::client::bare_ecrctl(stand_ins());
        let mut docker = Command::new(tool("docker"));
        docker.envs(base.get_envs().filter_map(|(k, v)| Some((k, v?))));
        sandbox.isolate(&mut docker);
        run(docker.env("DOCKER_CONFIG", &plain).args(args))
    };
    let out = docker(&["context", "show"]);
    out.assert_code(0);
    assert_eq!(out.stdout.trim(), "desktop-linux", "{}", out.stderr);
    let repo = format!("{}/app", crate::client::unique("plain"));
    crate::images::seed_image(crate::images::Registry::Ecr, &repo, "v1", "plain-image");
    docker(&[
        "manifest",
        "inspect",
        &format!("{}/{repo}:v1", sandbox.registry),
    ])
    .assert_code(0);
}

#[test]
fn a_host_served_by_ecr_login_is_reported_not_failed() {
    let sandbox = Sandbox::new();
    // amazon-ecr-credential-helper refuses `store`, so a docker login would fail.
    sandbox.shim(
        "docker-credential-ecr-login",
        "#!/bin/sh\necho 'not implemented' >&2\nexit 1\n",
    );
    sandbox
        .write_docker_config(&json!({ "credHelpers": { sandbox.registry.clone(): "ecr-login" } }));
    let out = sandbox.ecrctl(&["login", "-o", "json"]);
    out.assert_code(0);
    assert_eq!(out.json()["registries"][0]["action"], "ecr-login");
    let table = sandbox.ecrctl(&["login"]);
    table.assert_code(0);
    assert!(
        table.stdout.contains("served by ecr-login"),
        "{}",
        table.stdout
    );
}

fn pairs(env: &[(&str, &str)]) -> Vec<(String, String)> {
    env.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const ENV_KEYS: [&str; 3] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

#[test]
fn an_assumed_role_profile_finds_its_token_again() {
    // Every process that assumes the role gets new temporary keys; the cache is keyed by
    // the role (STS caller identity), so the next login and `get` are cache hits.
    let sandbox = Sandbox::new();
    let config = sandbox.dir.join("aws-config");
    std::fs::write(
        &config,
        format!(
            "[profile base]\naws_access_key_id = AKIABASEEXAMPLE00001\naws_secret_access_key = base\n\n\
             [profile other]\nrole_arn = arn:aws:iam::{OTHER_ACCOUNT}:role/x\nsource_profile = base\n"
        ),
    )
    .unwrap();
    let login = || {
        let mut command = sandbox.command(&[
            "--profile",
            "other",
            "login",
            "--print-password",
            "-o",
            "json",
        ]);
        let out = run(command.env("AWS_CONFIG_FILE", &config));
        out.assert_code(0);
        out.json()
    };
    let first = login();
    assert_eq!(first["password"], OTHER_PASSWORD);
    // moto's tokens are issued expired (2015): give the entry a valid one to find again.
    let files = sandbox.cache_files();
    assert_eq!(files.len(), 1, "{files:?}");
    make_valid(&files[0], "role-cached-secret", 6 * 3600);
    let second = login();
    assert_eq!(
        second["password"], "role-cached-secret",
        "a warm login with a role profile: {second}"
    );
    let env = pairs(&[
        ("AWS_PROFILE", "other"),
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
    ]);
    for _ in 0..2 {
        let out = helper_get_without(&sandbox, &sandbox.registry, &env, &ENV_KEYS);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        assert_eq!(
            serde_json::from_str::<Value>(&out.stdout).unwrap()["Secret"],
            "role-cached-secret"
        );
    }
    assert_eq!(
        sandbox.cache_files().len(),
        1,
        "{:?}",
        sandbox.cache_files()
    );
}

/// Gives the cache entry `file` a token with `seconds_left`.
fn make_valid(file: &Path, password: &str, seconds_left: i64) {
    let mut entry: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    entry["password"] = json!(password);
    entry["expiresAt"] = json!(now + seconds_left);
    std::fs::write(file, entry.to_string()).unwrap();
}

/// A proxy in front of moto that forwards while `up` is set and answers 500 otherwise.
pub fn switchable_moto() -> (
    crate::faults::HttpFaultProxy,
    std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    use std::sync::atomic::{AtomicBool, Ordering};
    let up = std::sync::Arc::new(AtomicBool::new(true));
    let flag = up.clone();
    let upstream = stand_ins()
        .moto_url
        .trim_start_matches("http://")
        .to_string();
    let proxy = crate::faults::HttpFaultProxy::start(&upstream, move |_, _| {
        if flag.load(Ordering::SeqCst) {
            crate::faults::Fault::Pass
        } else {
            crate::faults::Fault::Status("500 Internal Server Error", None)
        }
    });
    (proxy, up)
}

#[test]
fn a_forced_login_that_cannot_get_a_new_token_fails() {
    let sandbox = Sandbox::new();
    let (proxy, up) = switchable_moto();
    let endpoint = format!("http://{}", proxy.addr);
    let login = |args: &[&str]| {
        let mut command = sandbox.command(args);
        run(command
            .env("AWS_ENDPOINT_URL", &endpoint)
            .env("AWS_MAX_ATTEMPTS", "1"))
    };
    login(&["login", "--print-password"]).assert_code(0);
    let files = sandbox.cache_files();
    assert_eq!(files.len(), 1, "{files:?}");
    make_valid(&files[0], "cached-secret", 1800);
    up.store(false, std::sync::atomic::Ordering::SeqCst);
    let out = login(&["login", "--force", "--print-password"]);
    out.assert_code(3);
    assert_eq!(out.stdout, "", "the old token is not handed out");
    let out = login(&["login", "--force", "-o", "json"]);
    out.assert_code(3);
    assert!(proxy.count("Status") >= 2);
    // Without --force, the valid cached token is what a login is for.
    let out = login(&["login", "--print-password"]);
    out.assert_code(0);
    assert_eq!(out.stdout, "cached-secret\n");
}

#[test]
fn the_helper_asks_the_endpoint_in_effect_not_the_recorded_one() {
    let sandbox = Sandbox::new();
    let host = format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com");
    // The first `get` (AWS_ENDPOINT_URL = moto) records moto as its entry's endpoint.
    let out = helper_get(&sandbox, &host, &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let (proxy, up) = switchable_moto();
    up.store(false, std::sync::atomic::Ordering::SeqCst);
    let env = pairs(&[
        ("AWS_ENDPOINT_URL", &format!("http://{}", proxy.addr)),
        ("AWS_MAX_ATTEMPTS", "1"),
        ("ECRCTL_MIN_VALIDITY", "13h"),
    ]);
    let out = helper_get(&sandbox, &host, &env);
    assert!(
        proxy.count("Status") >= 1,
        "the refresh went to the recorded endpoint, not AWS_ENDPOINT_URL: {}",
        out.stderr
    );
}

#[test]
fn a_cache_folder_others_can_write_is_not_used() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new();
    let shared = sandbox.dir.join("shared-cache");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let mut command = sandbox.command(&["login", "--print-password"]);
    let out = run(command.env("ECRCTL_CACHE_DIR", &shared));
    out.assert_code(0);
    assert_eq!(out.stdout, format!("{MOTO_PASSWORD}\n"));
    assert!(
        out.stderr.contains("not using the token cache"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_dir(&shared).unwrap().count(),
        0,
        "nothing written there"
    );
}

#[test]
fn the_helper_parses_server_urls_strictly() {
    let sandbox = Sandbox::new();
    let host = format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com");
    for tail in [
        ":@evil.com",
        ":x@evil.com:443",
        ":443#@evil.com",
        ":443?@evil.com",
        ":99999",
    ] {
        let out = helper_get(&sandbox, &format!("{host}{tail}"), &[]);
        assert_eq!(out.code, 1, "{tail}: {}", out.stdout);
        assert!(
            out.stdout.contains("credentials not found"),
            "{tail}: {}",
            out.stdout
        );
    }
    let out = helper_get(&sandbox, &format!("https://{host}:443"), &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = helper_get(&sandbox, "public.ecr.aws:443", &[]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("ECR Public"), "{}", out.stdout);
    let out = sandbox.ecrctl(&["login", "--registry-endpoint", "public.ecr.aws:443"]);
    out.assert_code(2);
}

#[test]
fn print_password_for_several_regions_is_refused_before_any_call() {
    let sandbox = Sandbox::new();
    let mut command = sandbox.command(&[
        "login",
        "--print-password",
        "--region",
        "us-east-1",
        "--region",
        "us-west-2",
    ]);
    let out = run(command.env_remove("ECRCTL_REGISTRY_ENDPOINT"));
    out.assert_code(2);
    assert!(
        sandbox.cache_files().is_empty(),
        "no token fetched or cached"
    );
}

#[test]
fn a_second_no_creds_store_login_keeps_the_earlier_logins() {
    let sandbox = Sandbox::new();
    sandbox.shim(
        "docker-credential-desktop",
        "#!/bin/sh\necho 'The stub received bad data.'\nexit 1\n",
    );
    sandbox.write_docker_config(&json!({ "credsStore": "desktop" }));
    sandbox
        .ecrctl(&["login", "--no-creds-store"])
        .assert_code(0);
    let copy = sandbox.dir.join("xdg/ecrctl/docker/config.json");
    let read = || -> Value { serde_json::from_slice(&std::fs::read(&copy).unwrap()).unwrap() };
    assert!(read()["auths"][&sandbox.registry]["auth"].is_string());
    // `docker login ghcr.io` under the exported DOCKER_CONFIG.
    let mut config = read();
    config["auths"]["ghcr.io"] = json!({ "auth": base64_auth("ghcr-secret") });
    std::fs::write(&copy, config.to_string()).unwrap();

    sandbox
        .ecrctl(&["login", "--no-creds-store"])
        .assert_code(0);
    let config = read();
    assert_eq!(
        config["auths"]["ghcr.io"]["auth"],
        base64_auth("ghcr-secret"),
        "{config}"
    );
    assert!(
        config["auths"][&sandbox.registry]["auth"].is_string(),
        "{config}"
    );
    assert!(config.get("credsStore").is_none());
}

#[test]
fn install_helper_says_which_helper_it_replaced() {
    let sandbox = Sandbox::new();
    sandbox.write_docker_config(&json!({ "credHelpers": { &sandbox.registry: "ecr-login" } }));
    let out = sandbox.ecrctl(&["login", "--install-helper"]);
    out.assert_code(0);
    assert!(
        out.stderr.contains("replaced credHelpers `ecr-login`")
            || out.stdout.contains("replaced credHelpers `ecr-login`"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    assert_eq!(
        sandbox.read_docker_config()["credHelpers"][&sandbox.registry],
        "ecrctl"
    );
}
