//! `ecrctl login`, `login status` and `docker-credential-ecrctl` against moto, the TLS
//! registry and the real docker CLI (no daemon; its config in a temp folder).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine;
use serde_json::{Value, json};

use crate::client::{Run, ecrctl, run, unique};
use crate::harness::{ACCOUNT, MOTO_PASSWORD, REGION, stand_ins, tool};
use crate::images::{Registry, seed_image};

/// A private world for one login test: docker config, token cache, certs.d, PATH shims.
pub struct Sandbox {
    pub dir: PathBuf,
    pub registry: String,
}

impl Sandbox {
    pub fn new() -> Self {
        Self::for_registry(&stand_ins().registry)
    }

    pub fn for_registry(registry: &str) -> Self {
        let s = stand_ins();
        let dir = s.root.join("login").join(unique("sandbox"));
        let certs = dir.join("xdg/docker/certs.d").join(registry);
        std::fs::create_dir_all(&certs).unwrap();
        std::fs::copy(&s.ca_cert, certs.join("ca.crt")).unwrap();
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        std::fs::create_dir_all(dir.join("docker")).unwrap();
        Self {
            dir,
            registry: registry.to_string(),
        }
    }

    pub fn docker_config(&self) -> PathBuf {
        self.dir.join("docker")
    }

    pub fn cache(&self) -> PathBuf {
        self.dir.join("cache")
    }

    /// Shims first, then the folder holding ecrctl (for docker-credential-ecrctl), then PATH.
    fn path(&self) -> String {
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_ecrctl")).parent().unwrap();
        format!(
            "{}:{}:{}",
            self.dir.join("bin").display(),
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }

    /// docker reads certs.d from $XDG_CONFIG_HOME/docker/certs.d when it believes it is
    /// rootless; ecrctl reads ECRCTL_DOCKER_CERTS_D. Both point at the sandbox.
    pub fn isolate(&self, command: &mut Command) {
        command
            .env("PATH", self.path())
            .env("DOCKER_CONFIG", self.docker_config())
            .env("ECRCTL_CACHE_DIR", self.cache())
            .env("ECRCTL_REGISTRY_ENDPOINT", &self.registry)
            .env("ECRCTL_DOCKER_CERTS_D", self.dir.join("xdg/docker/certs.d"))
            .env("XDG_CONFIG_HOME", self.dir.join("xdg"))
            .env("ROOTLESSKIT_STATE_DIR", self.dir.join("rootlesskit"));
    }

    pub fn ecrctl(&self, args: &[&str]) -> Run {
        run(&mut self.command(args))
    }

    /// The `ecrctl ARGS…` command of `ecrctl`, not yet run.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = ecrctl();
        self.isolate(&mut command);
        command.args(args);
        command
    }

    pub fn docker(&self, args: &[&str]) -> Run {
        let mut command = crate::client::bare_ecrctl(stand_ins());
        command.env_remove("NO_COLOR");
        let mut docker = Command::new(tool("docker"));
        docker.envs(command.get_envs().filter_map(|(k, v)| Some((k, v?))));
        // The helper that docker runs needs the AWS settings too.
        docker
            .env("AWS_ENDPOINT_URL", &stand_ins().moto_url)
            .env("AWS_REGION", REGION)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .stdin(Stdio::null());
        self.isolate(&mut docker);
        run(docker.args(args))
    }

    /// An executable script in the sandbox's shim folder.
    pub fn shim(&self, name: &str, script: &str) {
        let path = self.dir.join("bin").join(name);
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    pub fn write_docker_config(&self, config: &Value) {
        std::fs::write(self.docker_config().join("config.json"), config.to_string()).unwrap();
    }

    pub fn read_docker_config(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.docker_config().join("config.json")).unwrap())
            .unwrap()
    }

    /// A cache entry with a token valid for `seconds_left`, as `ecrctl login` writes it.
    pub fn seed_cache(&self, password: &str, seconds_left: i64) {
        // Produce the same file name as a real login by letting ecrctl write it first.
        let login = self.ecrctl(&["login", "--print-password"]);
        login.assert_code(0);
        let file = self
            .cache_files()
            .pop()
            .expect("ecrctl wrote a cache entry");
        let mut entry: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        entry["password"] = json!(password);
        entry["expiresAt"] = json!(now() + seconds_left);
        std::fs::write(&file, entry.to_string()).unwrap();
    }

    /// The cache entries (not the `.tokens.lock` beside them).
    pub fn cache_files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.cache())
            .map(|d| {
                d.filter_map(|e| Some(e.ok()?.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// An ECR-shaped password (base64 JSON with `expiration`).
fn ecr_password(expires_at: i64) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!(
        r#"{{"payload":"p","datakey":"d","version":"2","type":"DATA_KEY","expiration":{expires_at}}}"#
    ))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn login_then_docker_reads_the_registry() {
    let repo = format!("{}/app", unique("login"));
    seed_image(Registry::Ecr, &repo, "v1", "login-image");
    let sandbox = Sandbox::new();
    let login = sandbox.ecrctl(&["login", "-o", "json"]);
    login.assert_code(0);
    let row = &login.json()["registries"][0];
    assert_eq!(row["registry"], sandbox.registry.as_str());
    assert_eq!(row["account"], ACCOUNT);
    assert_eq!(row["region"], REGION);
    assert_eq!(row["action"], "logged-in");
    assert!(
        row.get("password").is_none(),
        "JSON never carries the password unless asked"
    );
    assert!(
        login.stderr.contains("already expired"),
        "moto's token is expired at birth: {}",
        login.stderr
    );

    let inspect = sandbox.docker(&[
        "manifest",
        "inspect",
        &format!("{}/{repo}:v1", sandbox.registry),
    ]);
    inspect.assert_code(0);
    assert!(
        inspect.stdout.contains("schemaVersion"),
        "{}",
        inspect.stdout
    );

    // Logged in already to that token: docker is not asked again.
    let again = sandbox.ecrctl(&["login", "-o", "json"]);
    assert_eq!(again.json()["registries"][0]["action"], "already-logged-in");
}

#[test]
fn credential_helper_serves_docker_with_no_stored_password() {
    let repo = format!("{}/app", unique("helper"));
    seed_image(Registry::Ecr, &repo, "v1", "helper-image");
    let sandbox = Sandbox::new();
    sandbox.write_docker_config(&json!({ "psFormat": "table {{.ID}}", "auths": {} }));
    sandbox.ecrctl(&["login"]).assert_code(0);
    assert!(sandbox.read_docker_config()["auths"][&sandbox.registry].is_object());
    let install = sandbox.ecrctl(&["login", "--install-helper"]);
    install.assert_code(0);
    assert!(
        install.stderr.contains("removed the stored tokens"),
        "{}",
        install.stderr
    );
    assert!(install.stderr.contains("to undo: mv"), "{}", install.stderr);
    let config = sandbox.read_docker_config();
    assert_eq!(config["credHelpers"][&sandbox.registry], "ecrctl");
    assert_eq!(config["psFormat"], "table {{.ID}}", "other keys are kept");
    assert!(!config.to_string().contains(
        &base64::engine::general_purpose::STANDARD.encode(format!("AWS:{MOTO_PASSWORD}"))
    ));
    let backups: Vec<String> = std::fs::read_dir(sandbox.docker_config())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("config.json.ecrctl-backup-"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert!(install.stderr.contains(&backups[0]), "{}", install.stderr);

    let inspect = sandbox.docker(&[
        "manifest",
        "inspect",
        &format!("{}/{repo}:v1", sandbox.registry),
    ]);
    inspect.assert_code(0);

    // The helper speaks docker's protocol directly too.
    let helper = helper_path();
    let mut get = Command::new(&helper);
    get.env("PATH", sandbox.path());
    let out = run_with_stdin(sandbox_env(&sandbox, get).arg("get"), &sandbox.registry);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let answer: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(answer["Username"], "AWS");
    assert_eq!(answer["Secret"], MOTO_PASSWORD);
    let unknown = run_with_stdin(
        sandbox_env(&sandbox, Command::new(&helper)).arg("get"),
        "ghcr.io",
    );
    assert_eq!(unknown.code, 1);
    assert!(unknown.stdout.contains("credentials not found"));
}

#[test]
fn the_helper_uses_the_credentials_in_effect_now() {
    // `login --profile P` used P's credentials; docker's later `get` uses the credentials
    // of the environment docker runs in (AWS_PROFILE, keys), as amazon-ecr-credential-helper
    // does. The recorded profile is only a fallback when nothing is configured at all.
    let sandbox = Sandbox::new();
    let (config, mark) = crate::client::marked_profile();
    let mut login = sandbox.command(&["--profile", "marked", "login", "--install-helper"]);
    run(login.env("AWS_CONFIG_FILE", &config)).assert_code(0);
    assert!(mark.exists(), "login used the profile");
    std::fs::remove_file(&mark).unwrap();
    let get = |env: &[(&str, &str)], remove: &[&str]| {
        let mut get = sandbox_env(&sandbox, Command::new(helper_path()));
        get.env("PATH", sandbox.path())
            .env("AWS_CONFIG_FILE", &config);
        for name in remove {
            get.env_remove(name);
        }
        get.envs(env.iter().copied()).arg("get");
        run_with_stdin(&mut get, &sandbox.registry)
    };
    // Keys in the environment: they are used, not the profile of the login.
    let out = get(&[], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        !mark.exists(),
        "the helper used the login's profile over the environment's keys"
    );
    // Another profile named now: that one, and a profile that does not exist is an error.
    let out = get(&[("AWS_PROFILE", "nosuchprofile")], &[]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("nosuchprofile"), "{}", out.stdout);
    assert!(!out.stdout.contains("Secret"), "{}", out.stdout);
    let mut status = sandbox.command(&["login", "status"]);
    let status = run(status
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_PROFILE", "nosuchprofile"));
    assert_ne!(
        status.code, 0,
        "login status agrees with the helper: {}",
        status.stdout
    );
    // Nothing configured at all: the profile the login named is the fallback.
    let out = get(
        &[],
        &[
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        mark.exists(),
        "with no credentials configured, the login's profile is used"
    );
}

/// `docker-credential-ecrctl`, a link to the ecrctl under test (re-pointed when it
/// points elsewhere, e.g. at another worktree's build).
pub fn helper_path() -> std::path::PathBuf {
    let exe = Path::new(env!("CARGO_BIN_EXE_ecrctl"));
    let helper = exe.with_file_name("docker-credential-ecrctl");
    if std::fs::read_link(&helper).ok().as_deref() != Some(exe) {
        let temp = exe.with_file_name(format!(".docker-credential-ecrctl.{}", std::process::id()));
        let _ = std::fs::remove_file(&temp);
        std::os::unix::fs::symlink(exe, &temp).unwrap();
        std::fs::rename(&temp, &helper).unwrap();
    }
    helper
}

fn sandbox_env(sandbox: &Sandbox, mut command: Command) -> Command {
    let base = ecrctl();
    command.env_clear();
    command.envs(base.get_envs().filter_map(|(k, v)| Some((k, v?))));
    sandbox.isolate(&mut command);
    command
}

fn run_with_stdin(command: &mut Command, input: &str) -> Run {
    use std::io::Write;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_rotated_password_is_reported_with_the_cause() {
    let sandbox = Sandbox::for_registry(&stand_ins().rotated_registry.clone());
    let login = sandbox.ecrctl(&["login"]);
    login.assert_code(3);
    assert!(
        login.stderr.contains(&format!(
            "error: docker login to {} failed",
            sandbox.registry
        )),
        "{}",
        login.stderr
    );
    assert!(
        login
            .stderr
            .contains("the registry refused the ECR token (401)"),
        "{}",
        login.stderr
    );
    assert!(
        login
            .stderr
            .contains(&format!("account {ACCOUNT} in {REGION}")),
        "{}",
        login.stderr
    );
    assert!(login.stderr.contains("hint:"), "{}", login.stderr);
}

#[test]
fn status_shows_expiry_and_exits_1_when_expired() {
    let sandbox = Sandbox::new();
    sandbox.ecrctl(&["login"]).assert_code(0);
    let status = sandbox.ecrctl(&["login", "status", "-o", "json"]);
    status.assert_code(1);
    let rows = status.json()["registries"].as_array().unwrap().clone();
    let cached = rows.iter().find(|r| r["source"] == "ecrctl cache").unwrap();
    assert_eq!(cached["state"], "expired");
    assert_eq!(cached["expiresAt"], "2015-01-01T00:00:00Z");
    // docker's copy of moto's token (not ECR-shaped) has no readable expiry: not ok either.
    let docker = rows.iter().find(|r| r["source"] == "docker auths").unwrap();
    assert_eq!(docker["state"], "unknown");
    assert!(
        status.stderr.contains(
            "error: 2 logins are expired, expiring within 1h, broken or of unknown expiry"
        ),
        "{}",
        status.stderr
    );
}

#[test]
fn status_reads_expiry_from_tokens_in_docker_config() {
    let sandbox = Sandbox::new();
    let encode = |pw: &str| base64::engine::general_purpose::STANDARD.encode(format!("AWS:{pw}"));
    let fresh = format!("{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com");
    let soon = format!("{ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com");
    sandbox.write_docker_config(&json!({ "auths": {
        fresh.clone(): { "auth": encode(&ecr_password(now() + 6 * 3600)) },
        "docker.io": { "auth": encode("hub-password") },
    }}));
    let status = sandbox.ecrctl(&["login", "status", "-o", "json"]);
    status.assert_code(0);
    let rows = status.json()["registries"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 1, "only ECR registries: {rows:?}");
    assert_eq!(rows[0]["registry"], fresh.as_str());
    assert_eq!(rows[0]["state"], "valid");
    assert_eq!(rows[0]["region"], "eu-west-1");
    assert!(rows[0]["secondsLeft"].as_i64().unwrap() > 5 * 3600);

    sandbox.write_docker_config(&json!({ "auths": {
        fresh.clone(): { "auth": encode(&ecr_password(now() + 6 * 3600)) },
        soon.clone(): { "auth": encode(&ecr_password(now() + 1800)) },
    }}));
    let status = sandbox.ecrctl(&["login", "status"]);
    status.assert_code(1);
    assert!(status.stdout.contains("expiring"), "{}", status.stdout);
    assert!(
        status.stdout.contains("30m") || status.stdout.contains("29m"),
        "{}",
        status.stdout
    );
    sandbox
        .ecrctl(&["login", "status", "--warn-within", "10m"])
        .assert_code(0);
}

#[test]
fn a_warm_login_makes_no_aws_call() {
    let sandbox = Sandbox::new();
    sandbox.seed_cache(MOTO_PASSWORD, 6 * 3600);
    // The same keys find the cached token: no GetAuthorizationToken.
    let login = sandbox.ecrctl(&["login", "-o", "json"]);
    login.assert_code(0);
    assert_eq!(login.json()["registries"][0]["tokenSource"], "cache");
    assert_eq!(login.json()["registries"][0]["action"], "logged-in");
    // Without credentials nobody can say whose token it would be: nothing is served.
    for args in [&["login"][..], &["login", "--force"][..]] {
        let mut command = ecrctl();
        sandbox.isolate(&mut command);
        let out = run(command
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .args(args));
        out.assert_code(3);
        assert!(
            out.stderr.contains("no AWS credentials found"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn the_helper_never_serves_an_expired_token() {
    let sandbox = Sandbox::new();
    sandbox.seed_cache(MOTO_PASSWORD, -60);
    let helper = helper_path();
    // Refreshing needs AWS credentials, which this helper run does not have.
    let mut get = sandbox_env(&sandbox, Command::new(&helper));
    get.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    let out = run_with_stdin(get.arg("get"), &sandbox.registry);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("could not get an ECR token for"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains(MOTO_PASSWORD));
}

#[test]
fn cache_files_are_private() {
    let sandbox = Sandbox::new();
    sandbox.seed_cache("cached-secret", 3600 * 5);
    sandbox
        .ecrctl(&["login", "--print-password"])
        .assert_code(0);
    let files = sandbox.cache_files();
    assert!(!files.is_empty());
    for file in files {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
    let dir_mode = std::fs::metadata(sandbox.cache())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(dir_mode, 0o700);
}

#[test]
fn print_password_prints_only_the_password() {
    let sandbox = Sandbox::new();
    let out = sandbox.ecrctl(&["login", "--print-password"]);
    out.assert_code(0);
    assert_eq!(out.stdout, format!("{MOTO_PASSWORD}\n"));
    let json = sandbox.ecrctl(&["login", "--print-password", "-o", "json"]);
    assert_eq!(json.json()["password"], MOTO_PASSWORD);
    assert_eq!(json.json()["username"], "AWS");
}

#[test]
fn missing_client_is_named_with_how_to_install_it() {
    let sandbox = Sandbox::new();
    let mut command = ecrctl();
    sandbox.isolate(&mut command);
    let empty = sandbox.dir.join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let out = run(command
        .env("PATH", &empty)
        .args(["login", "--client", "docker"]));
    out.assert_code(2);
    assert!(
        out.stderr.contains("error: `docker` is not installed"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("hint: install the docker CLI"),
        "{}",
        out.stderr
    );
    let mut command = ecrctl();
    sandbox.isolate(&mut command);
    let out = run(command.env("PATH", &empty).args(["login"]));
    out.assert_code(2);
    assert!(
        out.stderr.contains("no container client found on PATH"),
        "{}",
        out.stderr
    );
}

#[test]
fn broken_docker_desktop_store_is_explained_and_bypassed() {
    let sandbox = Sandbox::new();
    sandbox.shim(
        "docker-credential-desktop",
        "#!/bin/sh\necho 'The stub received bad data.'\nexit 1\n",
    );
    sandbox.write_docker_config(&json!({ "credsStore": "desktop", "currentContext": "default" }));
    let login = sandbox.ecrctl(&["login"]);
    login.assert_code(3);
    assert!(
        login
            .stderr
            .contains("docker's credential store `desktop` is broken"),
        "{}",
        login.stderr
    );
    assert!(
        login.stderr.contains("--install-helper") && login.stderr.contains("--no-creds-store"),
        "{}",
        login.stderr
    );

    let status = sandbox.ecrctl(&["login", "status"]);
    assert!(
        status.stdout.contains("stub received bad data"),
        "{}",
        status.stdout
    );

    let bypass = sandbox.ecrctl(&["login", "--no-creds-store"]);
    bypass.assert_code(0);
    let plain = sandbox.dir.join("xdg/ecrctl/docker");
    assert!(
        bypass
            .stderr
            .contains(&format!("export DOCKER_CONFIG={}", plain.display())),
        "{}",
        bypass.stderr
    );
    let config: Value =
        serde_json::from_slice(&std::fs::read(plain.join("config.json")).unwrap()).unwrap();
    assert!(config.get("credsStore").is_none());
    assert_eq!(config["currentContext"], "default");
    assert!(config["auths"][&sandbox.registry]["auth"].is_string());
}

#[test]
fn several_accounts_and_regions_in_one_go() {
    let sandbox = Sandbox::new();
    let mut command = ecrctl();
    sandbox.isolate(&mut command);
    let out = run(command.env_remove("ECRCTL_REGISTRY_ENDPOINT").args([
        "login",
        "--install-helper",
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
        "--registry-id",
        "111122223333",
        "--registry-id",
        "444455556666",
        "-o",
        "json",
    ]));
    out.assert_code(0);
    let mut hosts: Vec<String> = out.json()["registries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["registry"].as_str().unwrap().to_string())
        .collect();
    hosts.sort();
    assert_eq!(
        hosts,
        [
            "111122223333.dkr.ecr.eu-west-1.amazonaws.com",
            "111122223333.dkr.ecr.us-east-1.amazonaws.com",
            "444455556666.dkr.ecr.eu-west-1.amazonaws.com",
            "444455556666.dkr.ecr.us-east-1.amazonaws.com",
        ]
    );
    let helpers = sandbox.read_docker_config()["credHelpers"].clone();
    assert_eq!(helpers.as_object().unwrap().len(), 4);
    let several = sandbox.ecrctl(&[
        "login",
        "--print-password",
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
    ]);
    several.assert_code(2);
}
