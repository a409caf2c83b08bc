//! Local files (docs/conventions.md, "Local files"): the home folder when HOME is unset,
//! edits serialized by a lock, symlinked config files written through, and output files
//! checked before any work.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::client::{describe_repo, ecr, ecrctl, run, temp_file, unique};
use crate::harness::stand_ins;
use crate::images::{Registry, raw_digest, seed_image};
use crate::login::Sandbox;

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The effective user's home in the system user database (what `~user` means).
fn passwd_home() -> PathBuf {
    // SAFETY: getpwuid's result is read at once, on this thread, before any other call.
    unsafe {
        let pwd = libc::getpwuid(libc::geteuid());
        assert!(!pwd.is_null(), "the test user has a passwd entry");
        let dir = std::ffi::CStr::from_ptr((*pwd).pw_dir);
        PathBuf::from(dir.to_str().unwrap())
    }
}

#[test]
fn with_home_unset_tokens_go_to_the_passwd_home_never_the_temp_folder() {
    let sandbox = Sandbox::new();
    let private_tmp = sandbox.dir.join("tmp");
    std::fs::create_dir_all(&private_tmp).unwrap();
    let tokens = passwd_home().join(".cache/ecrctl/tokens");
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let unset_home = |command: &mut Command| {
        sandbox.isolate(command);
        command
            .env_remove("HOME")
            .env_remove("ECRCTL_CACHE_DIR")
            .env_remove("XDG_CACHE_HOME")
            .env("TMPDIR", &private_tmp);
    };
    let mut command = ecrctl();
    unset_home(&mut command);
    let login = run(command.args(["login", "--print-password"]));
    login.assert_code(0);
    assert!(
        names_in(&private_tmp).is_empty(),
        "nothing under the temp folder: {:?}",
        names_in(&private_tmp)
    );
    // The entry this login wrote, in the passwd home's cache (removed again on drop).
    let written = Cleanup(
        names_in(&tokens)
            .into_iter()
            .map(|n| tokens.join(n))
            .filter(|p| {
                let Ok(bytes) = std::fs::read(p) else {
                    return false;
                };
                let Ok(entry) = serde_json::from_slice::<Value>(&bytes) else {
                    return false;
                };
                entry["registry"] == sandbox.registry.as_str()
                    && entry["fetchedAt"].as_i64().is_some_and(|t| t >= start)
            })
            .collect(),
    );
    assert!(
        !written.0.is_empty(),
        "a cache entry in {}: {:?}\n{}",
        tokens.display(),
        names_in(&tokens),
        login.stderr
    );
    for file in &written.0 {
        let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }

    // The credential helper (this build's, linked in the sandbox) finds the same cache.
    let helper = sandbox.dir.join("bin/docker-credential-ecrctl");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_ecrctl"), &helper).unwrap();
    let mut list_command = Command::new(&helper);
    list_command
        .env_clear()
        .envs(ecrctl().get_envs().filter_map(|(k, v)| Some((k, v?))));
    unset_home(&mut list_command);
    let listed = run(list_command.arg("list"));
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(
        listed.json().get(&sandbox.registry).is_some(),
        "{}",
        listed.stdout
    );
    assert!(names_in(&private_tmp).is_empty());
}

/// Files a test wrote outside its sandbox, removed even when it fails.
struct Cleanup(Vec<PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for file in &self.0 {
            let _ = std::fs::remove_file(file);
        }
    }
}

#[test]
fn with_no_home_at_all_a_login_fails_instead_of_using_the_temp_folder() {
    // A user with no passwd entry and no HOME: only root can start one.
    if unsafe { libc::geteuid() } != 0 {
        // CI runs as root: there, not being able to run this test is a failure.
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "this test needs root (CI runs as root)"
        );
        eprintln!("skipped: needs root to run ecrctl as a user without a passwd entry");
        return;
    }
    let uid = 54321;
    assert!(
        unsafe { libc::getpwuid(uid) }.is_null(),
        "uid {uid} must have no passwd entry"
    );
    let sandbox = Sandbox::new();
    // A temp folder anyone may write in, as /tmp is: the old fallback would have used it.
    let shared_tmp = sandbox.dir.join("tmp");
    std::fs::create_dir_all(&shared_tmp).unwrap();
    std::fs::set_permissions(&shared_tmp, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let mut command = ecrctl();
    sandbox.isolate(&mut command);
    command
        .env_remove("HOME")
        .env_remove("ECRCTL_CACHE_DIR")
        .env_remove("XDG_CACHE_HOME")
        .env("TMPDIR", &shared_tmp);
    std::os::unix::process::CommandExt::uid(&mut command, uid);
    std::os::unix::process::CommandExt::gid(&mut command, uid);
    let login = run(command.args(["login", "--print-password"]));
    login.assert_code(3);
    assert!(
        login.stderr.contains("error: cannot find your home folder")
            && login.stderr.contains("hint: set HOME"),
        "{}",
        login.stderr
    );
    assert!(
        login.stdout.is_empty(),
        "no password printed: {}",
        login.stdout
    );
    assert!(
        names_in(&shared_tmp).is_empty(),
        "{:?}",
        names_in(&shared_tmp)
    );
}

#[test]
fn parallel_install_helper_runs_keep_every_entry() {
    let sandbox = Sandbox::new();
    sandbox.write_docker_config(&json!({ "psFormat": "table {{.ID}}" }));
    let helper = Path::new(env!("CARGO_BIN_EXE_ecrctl")).with_file_name("docker-credential-ecrctl");
    let _ = std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_ecrctl"), &helper);
    let accounts: Vec<String> = (0..10).map(|i| format!("1000000000{i:02}")).collect();
    let runs: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = accounts
            .iter()
            .map(|account| {
                let sandbox = &sandbox;
                scope.spawn(move || {
                    let mut command = ecrctl();
                    sandbox.isolate(&mut command);
                    run(command.env_remove("ECRCTL_REGISTRY_ENDPOINT").args([
                        "login",
                        "--install-helper",
                        "--registry-id",
                        account,
                    ]))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for run in &runs {
        run.assert_code(0);
    }
    let config = sandbox.read_docker_config();
    let helpers = config["credHelpers"].as_object().unwrap();
    for account in &accounts {
        let host = format!("{account}.dkr.ecr.us-east-1.amazonaws.com");
        assert_eq!(helpers.get(&host), Some(&json!("ecrctl")), "{config:#}");
    }
    assert_eq!(helpers.len(), 10, "{config:#}");
    assert_eq!(config["psFormat"], "table {{.ID}}", "other keys are kept");

    // One backup per run, none overwritten: the oldest is the original file.
    let names = names_in(&sandbox.docker_config());
    let backups: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("config.json.ecrctl-backup-"))
        .collect();
    assert_eq!(backups.len(), 10, "{names:?}");
    let originals = backups
        .iter()
        .filter(|b| {
            let text = std::fs::read_to_string(sandbox.docker_config().join(b)).unwrap();
            !text.contains("credHelpers")
        })
        .count();
    assert_eq!(originals, 1, "exactly one backup holds the original");
    assert!(
        !names.iter().any(|n| n.ends_with(".tmp")),
        "no temp file left: {names:?}"
    );

    // Each run also wrote its token-cache entry, each complete and private.
    let cached: Vec<Value> = sandbox
        .cache_files()
        .iter()
        .map(|p| {
            let mode = std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", p.display());
            serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
        })
        .collect();
    let mut cached_accounts: Vec<&str> = cached
        .iter()
        .map(|e| e["account"].as_str().unwrap())
        .collect();
    cached_accounts.sort();
    assert_eq!(cached_accounts, accounts);
    assert!(
        !names_in(&sandbox.cache())
            .iter()
            .any(|n| n.ends_with(".tmp")),
        "{:?}",
        names_in(&sandbox.cache())
    );
}

#[test]
fn a_symlinked_docker_config_is_written_through_the_link() {
    let sandbox = Sandbox::new();
    let dotfiles = sandbox.dir.join("dotfiles");
    std::fs::create_dir_all(&dotfiles).unwrap();
    let real = dotfiles.join("docker.json");
    std::fs::write(&real, json!({ "psFormat": "x" }).to_string()).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = sandbox.docker_config().join("config.json");
    std::os::unix::fs::symlink("../dotfiles/docker.json", &link).unwrap();
    let helper = Path::new(env!("CARGO_BIN_EXE_ecrctl")).with_file_name("docker-credential-ecrctl");
    let _ = std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_ecrctl"), &helper);

    sandbox
        .ecrctl(&["login", "--install-helper"])
        .assert_code(0);
    assert!(
        std::fs::symlink_metadata(&link).unwrap().is_symlink(),
        "the link stays a link"
    );
    let config: Value = serde_json::from_slice(&std::fs::read(&real).unwrap()).unwrap();
    assert_eq!(config["credHelpers"][&sandbox.registry], "ecrctl");
    assert_eq!(config["psFormat"], "x");
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "the link's target keeps its mode");
    assert_eq!(
        names_in(&dotfiles),
        ["docker.json"],
        "nothing else in dotfiles"
    );
}

#[test]
fn report_files_are_checked_before_the_gate_runs() {
    let findings = temp_file(
        "findings.json",
        &json!({
            "repositoryName": "team/api", "imageId": { "imageTag": "v1" },
            "imageScanStatus": { "status": "COMPLETE" },
            "imageScanFindings": { "findings": [] }
        })
        .to_string(),
    );
    let dir = findings.parent().unwrap();
    let missing = dir.join("reports/out.sarif");
    let gate = ecr(&[
        "scan",
        "gate",
        "--findings",
        findings.to_str().unwrap(),
        "--sarif",
        missing.to_str().unwrap(),
    ]);
    gate.assert_code(2);
    assert!(
        gate.stderr.contains("does not exist")
            && gate.stderr.contains(&format!(
                "hint: create it with `mkdir -p {}`",
                dir.join("reports").display()
            )),
        "{}",
        gate.stderr
    );
    assert!(!dir.join("reports").exists(), "not created silently");
    assert!(
        !gate.stdout.contains("team/api"),
        "no gate ran: {}",
        gate.stdout
    );

    let folder = ecr(&[
        "scan",
        "gate",
        "--findings",
        findings.to_str().unwrap(),
        "--junit",
        dir.to_str().unwrap(),
    ]);
    folder.assert_code(2);
    assert!(folder.stderr.contains("is a folder"), "{}", folder.stderr);

    // Once the folder exists, the same command writes the report.
    std::fs::create_dir_all(dir.join("reports")).unwrap();
    ecr(&[
        "scan",
        "gate",
        "--findings",
        findings.to_str().unwrap(),
        "--sarif",
        missing.to_str().unwrap(),
    ])
    .assert_code(0);
    assert!(missing.is_file());
}

#[test]
fn a_migrate_report_in_a_missing_folder_stops_before_any_copy() {
    let s = stand_ins();
    let p = unique("migrep");
    seed_image(Registry::Plain, &format!("{p}/src"), "v1", &p);
    let plan = temp_file(
        "plan.txt",
        &format!("{}/{p}/src:v1 {p}/dst:v1\n", s.plain_registry),
    );
    let report = plan.with_file_name("no-such-folder").join("report.json");
    let out = run(ecrctl().args([
        "migrate",
        "--plan",
        plan.to_str().unwrap(),
        "--plain-http",
        &s.plain_registry,
        "--ca-cert",
        s.ca_cert.to_str().unwrap(),
        "--registry-endpoint",
        &s.registry,
        "--journal",
        plan.with_extension("journal").to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]));
    out.assert_code(2);
    assert!(out.stderr.contains("mkdir -p"), "{}", out.stderr);
    assert!(
        describe_repo(&format!("{p}/dst")).is_none(),
        "nothing created"
    );
    assert!(raw_digest(Registry::Ecr, &format!("{p}/dst"), "v1").is_none());
    assert!(!report.parent().unwrap().exists());
}
