//! The registry password never appears in a child's argv, in logs at -vvv, or in
//! errors: every login path runs at maximal verbosity behind a `docker` shim that records
//! its arguments.

use crate::client::Run;
use crate::harness::{MOTO_PASSWORD, stand_ins, tool};
use crate::login::Sandbox;

const CACHED_SECRET: &str = "cached-secret-4b1d";

fn shim_docker(sandbox: &Sandbox) -> std::path::PathBuf {
    let log = sandbox.dir.join("docker-argv.log");
    sandbox.shim(
        "docker",
        &format!(
            "#!/bin/sh\nprintf '%s\\n' \"$0 $*\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            tool("docker").display()
        ),
    );
    log
}

fn assert_clean(what: &str, text: &str) {
    for secret in [MOTO_PASSWORD, CACHED_SECRET] {
        assert!(!text.contains(secret), "{what} contains a secret:\n{text}");
    }
}

fn assert_run_clean(what: &str, run: &Run, stdout_may_hold_it: bool) {
    assert_clean(&format!("{what} stderr"), &run.stderr);
    if !stdout_may_hold_it {
        assert_clean(&format!("{what} stdout"), &run.stdout);
    }
}

#[test]
fn no_login_path_leaks_the_password() {
    let sandbox = Sandbox::new();
    let argv_log = shim_docker(&sandbox);
    let runs = [
        ("login", sandbox.ecrctl(&["-vvv", "login"]), false),
        (
            "login json",
            sandbox.ecrctl(&["-vvv", "login", "--force", "-o", "json"]),
            false,
        ),
        (
            "print-password",
            sandbox.ecrctl(&["-vvv", "login", "--print-password"]),
            true,
        ),
        (
            "install-helper",
            sandbox.ecrctl(&["-vvv", "login", "--install-helper"]),
            false,
        ),
        (
            "status",
            sandbox.ecrctl(&["-vvv", "login", "status"]),
            false,
        ),
    ];
    for (what, run, stdout_ok) in &runs {
        assert_run_clean(what, run, *stdout_ok);
        assert!(
            run.stderr.contains("DEBUG") || run.stderr.contains("INFO") || *what == "status",
            "{what} ran at -vvv:\n{}",
            run.stderr
        );
    }
    assert!(
        runs[2].1.stdout.contains(MOTO_PASSWORD),
        "print-password prints it"
    );

    // docker through the credential helper, and a failing login to a rotated registry.
    let via_helper = sandbox.docker(&[
        "manifest",
        "inspect",
        &format!("{}/none/such:v1", sandbox.registry),
    ]);
    assert_run_clean("docker via helper", &via_helper, false);
    let rotated = Sandbox::for_registry(&stand_ins().rotated_registry.clone());
    let rotated_log = shim_docker(&rotated);
    let failed = rotated.ecrctl(&["-vvv", "login"]);
    failed.assert_code(3);
    assert_run_clean("failed login", &failed, false);

    // A cached token, refused by the registry: the error path must mask it too.
    let cached = Sandbox::for_registry(&stand_ins().rotated_registry.clone());
    let cached_log = shim_docker(&cached);
    cached.seed_cache(CACHED_SECRET, 5 * 3600);
    let refused = cached.ecrctl(&["-vvv", "login"]);
    refused.assert_code(3);
    assert_run_clean("refused cached token", &refused, false);

    for log in [argv_log, rotated_log, cached_log] {
        let argv = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(
            argv.contains("login --username AWS --password-stdin"),
            "docker was called: {argv}"
        );
        assert_clean("docker argv", &argv);
    }
}

#[test]
fn a_failing_client_that_echoes_the_password_encoded_leaks_nothing() {
    // Clients with debug output print the Basic header: base64("AWS:" + password), which is
    // ECR's authorizationToken itself.
    let sandbox = Sandbox::new();
    sandbox.shim(
        "docker",
        "#!/bin/sh\npw=$(cat)\n\
         echo \"Error: bad password '$pw' / $(printf %s \"$pw\" | base64) / Basic $(printf 'AWS:%s' \"$pw\" | base64)\" >&2\n\
         exit 1\n",
    );
    let run = sandbox.ecrctl(&["login", "--client", "docker", "--force", "-vvv"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("Basic ***"), "{}", run.stderr);
    for form in [
        MOTO_PASSWORD.to_string(),
        "MTIzNDU2Nzg5MDEyLWF1dGgtdG9rZW4".into(),
        "QVdTOjEyMzQ1Njc4OTAxMi1hdXRoLXRva2Vu".into(),
    ] {
        assert!(!run.stderr.contains(&form), "{form} in:\n{}", run.stderr);
        assert!(!run.stdout.contains(&form), "{form} in:\n{}", run.stdout);
    }
}
