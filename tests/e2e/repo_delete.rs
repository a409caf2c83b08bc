//! `ecrctl repo delete` against moto, checked through boto3: non-empty repositories are
//! refused without --force, --dry-run shows what would be lost, confirmation on a
//! terminal and --yes off one, a missing repository is an error row with exit 3.

use std::process::Command;

use serde_json::json;

use crate::client::{describe_repo, ecr, ecrctl, put_image, run, unique};

fn create(names: &[&str]) {
    let mut args = vec!["repo", "create"];
    args.extend_from_slice(names);
    ecr(&args).assert_code(0);
}

#[test]
fn non_empty_repositories_are_refused_without_force_and_nothing_is_deleted() {
    let prefix = unique("del-refuse");
    let (empty, full) = (format!("{prefix}/empty"), format!("{prefix}/full"));
    create(&[&empty, &full]);
    put_image(&full, Some("v1"), "a1");
    put_image(&full, Some("v2"), "b22");

    let run = ecr(&["repo", "delete", &empty, &full, "--yes", "-o", "json"]);
    run.assert_code(2);
    let rows = run.json()["repositories"].as_array().unwrap().clone();
    assert_eq!(rows[0]["status"], "would-delete");
    assert_eq!(rows[1]["status"], "refused");
    assert_eq!(rows[1]["imageCount"], 2);
    assert_eq!(rows[1]["imageTagCount"], 2);
    assert!(rows[1]["sizeInBytes"].as_u64().unwrap() > 0, "{}", rows[1]);
    assert!(
        run.stderr
            .contains("error: 1 repository is not empty; nothing was deleted"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2 images"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert!(describe_repo(&empty).is_some(), "nothing is deleted");
    assert!(describe_repo(&full).is_some());

    // --force deletes both, images and all.
    let run = ecr(&["repo", "delete", &empty, &full, "--force", "--yes"]);
    run.assert_code(0);
    assert!(run.stdout.contains("deleted"), "{}", run.stdout);
    assert!(describe_repo(&empty).is_none());
    assert!(describe_repo(&full).is_none());
}

#[test]
fn dry_run_shows_what_would_be_lost_and_changes_nothing() {
    let name = unique("del-dry");
    create(&[&name]);
    put_image(&name, Some("v1"), "c333");
    put_image(&name, None, "d4444");
    let run = ecr(&[
        "repo",
        "delete",
        &name,
        "--force",
        "--dry-run",
        "-o",
        "json",
    ]);
    run.assert_code(0);
    let report = run.json();
    assert_eq!(report["dryRun"], true);
    let row = &report["repositories"][0];
    assert_eq!(row["status"], "would-delete");
    assert_eq!(row["imageCount"], 2);
    assert_eq!(row["imageTagCount"], 1);
    assert!(row["repositoryUri"].as_str().unwrap().ends_with(&name));
    assert!(describe_repo(&name).is_some());

    let table = ecr(&["repo", "delete", &name, "--force", "--dry-run"]);
    table.assert_code(0);
    for column in [
        "REPOSITORY",
        "STATUS",
        "IMAGES",
        "SIZE",
        "IMAGE TAGS",
        "would delete",
    ] {
        assert!(table.stdout.contains(column), "{column}: {}", table.stdout);
    }
    assert!(
        table
            .stderr
            .contains("dry run: 1 repository would be deleted"),
        "{}",
        table.stderr
    );
}

#[test]
fn off_a_terminal_yes_is_required() {
    let name = unique("del-noyes");
    create(&[&name]);
    let run = ecr(&["repo", "delete", &name]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("not deleting without confirmation: stdin is not a terminal"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert!(describe_repo(&name).is_some());
}

/// Runs `ecrctl ARGS` on a pseudo-terminal (util-linux `script`) answering `answer`.
fn on_a_terminal(args: &[&str], answer: &str) -> crate::client::Run {
    let base = ecrctl();
    let mut command = Command::new(crate::harness::tool("script"));
    command.env_clear();
    for (key, value) in base.get_envs() {
        if let Some(value) = value {
            command.env(key, value);
        }
    }
    let line = std::iter::once(env!("CARGO_BIN_EXE_ecrctl"))
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = command
        .args(["-qec", &line, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run script");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{answer}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    crate::client::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn on_a_terminal_it_asks_and_no_keeps_the_repository() {
    let name = unique("del-ask");
    create(&[&name]);
    put_image(&name, Some("v1"), "e55555");
    let no = on_a_terminal(&["repo", "delete", &name, "--force"], "n");
    no.assert_code(0);
    // script merges the terminal's output into its stdout.
    assert!(
        no.stdout.contains("Delete 1 repository with 1 image"),
        "{}",
        no.stdout
    );
    assert!(
        no.stdout.contains("not deleted: nothing changed"),
        "{}",
        no.stdout
    );
    assert!(describe_repo(&name).is_some());

    let yes = on_a_terminal(&["repo", "delete", &name, "--force"], "y");
    yes.assert_code(0);
    assert!(describe_repo(&name).is_none(), "{}", yes.stdout);
}

#[test]
fn a_missing_repository_is_an_error_row_and_exit_3_the_others_are_deleted() {
    let prefix = unique("del-missing");
    let (here, gone) = (format!("{prefix}/here"), format!("{prefix}/gone"));
    create(&[&here]);
    let run = ecr(&["repo", "delete", &gone, &here, "--yes", "-o", "json"]);
    run.assert_code(3);
    let rows = run.json()["repositories"].as_array().unwrap().clone();
    assert_eq!(rows[0]["status"], "missing");
    // Nothing was counted in a repository that is not there: null, never 0.
    for field in ["imageCount", "imageTagCount", "sizeInBytes"] {
        assert!(rows[0][field].is_null(), "{field}: {}", rows[0]);
    }
    assert_eq!(rows[1]["imageCount"], 0);
    assert!(
        rows[0]["error"]
            .as_str()
            .unwrap()
            .contains("does not exist"),
        "{}",
        rows[0]
    );
    assert_eq!(rows[1]["status"], "deleted");
    assert!(describe_repo(&here).is_none());
    // --yes asks nothing, so there is no "would delete" preamble before the deletion.
    assert!(!run.stderr.contains("would delete"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("1 of 2 repositories could not be deleted"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_mistakes_exit_2_and_change_nothing() {
    let name = unique("del-usage");
    create(&[&name]);
    let bad_name = ecr(&["repo", "delete", &name, "Bad_Name", "--yes"]);
    bad_name.assert_code(2);
    assert!(describe_repo(&name).is_some());
    ecr(&["repo", "delete"]).assert_code(2);
    ecr(&["repo", "delete", &name, "--jobs", "0"]).assert_code(2);
    assert!(describe_repo(&name).is_some());
    // The report's JSON shape.
    let run = run(ecrctl().args(["repo", "delete", &name, "--dry-run", "-o", "json"]));
    run.assert_code(0);
    let report = run.json();
    assert_eq!(report["force"], false);
    assert_eq!(
        report["repositories"][0]["imageCount"],
        json!(0),
        "{report}"
    );
}
