//! `repo create` with the AWS CLI's flag names (`--repository-name`,
//! `--image-tag-mutability`, `--tags Key=k,Value=v`), `--mutable-exclude` for
//! MUTABLE_WITH_EXCLUSION, and bulk-file errors that name the file and the entry.

use serde_json::{Value, json};

use crate::client::{boto3, describe_repo, ecr, temp_file, unique};

fn tags_of(name: &str) -> Value {
    let repo = describe_repo(name).expect("repository exists");
    let out = boto3(
        "list_tags_for_resource",
        json!({ "resourceArn": repo["repositoryArn"] }),
    );
    let mut map = serde_json::Map::new();
    for tag in out["tags"].as_array().unwrap() {
        map.insert(tag["Key"].as_str().unwrap().into(), tag["Value"].clone());
    }
    Value::Object(map)
}

fn filters(repo: &Value) -> Vec<String> {
    repo["imageTagMutabilityExclusionFilters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["filter"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn aws_cli_spellings_work_as_in_the_aws_cli() {
    let name = unique("alias");
    let other = unique("alias-json");
    // As `aws ecr create-repository` is written: shorthand tags, space-separated.
    ecr(&[
        "repo",
        "create",
        "--repository-name",
        &name,
        "--image-tag-mutability",
        "IMMUTABLE",
        "--tags",
        "Key=team,Value=core",
        "Key=env,Value=prod",
    ])
    .assert_code(0);
    let repo = describe_repo(&name).unwrap();
    assert_eq!(repo["imageTagMutability"], "IMMUTABLE");
    assert_eq!(tags_of(&name), json!({ "team": "core", "env": "prod" }));

    // The JSON list form, repeated --tags, and --tag together.
    ecr(&[
        "repo",
        "create",
        &other,
        "--tag",
        "a=1",
        "--tags",
        r#"[{"Key":"b","Value":"2"}]"#,
        "--tags",
        "Key=c,Value=x,y",
    ])
    .assert_code(0);
    assert_eq!(tags_of(&other), json!({ "a": "1", "b": "2", "c": "x,y" }));

    let bad = ecr(&[
        "repo",
        "create",
        &unique("alias-bad"),
        "--tags",
        "team=core",
    ]);
    bad.assert_code(2);
    assert!(
        bad.stderr.contains("is not Key=KEY,Value=VALUE") && bad.stderr.contains("hint:"),
        "{}",
        bad.stderr
    );
}

#[test]
fn mutable_exclude_is_mutable_with_exclusion_and_the_flags_do_not_mix() {
    let name = unique("mut-excl");
    ecr(&[
        "repo",
        "create",
        &name,
        "--mutable-exclude",
        "release-*",
        "--mutable-exclude",
        "v*",
    ])
    .assert_code(0);
    let repo = describe_repo(&name).unwrap();
    assert_eq!(repo["imageTagMutability"], "MUTABLE_WITH_EXCLUSION");
    assert_eq!(filters(&repo), ["release-*", "v*"]);

    let imm = unique("imm-excl");
    ecr(&["repo", "create", &imm, "--immutable-exclude", "dev-*"]).assert_code(0);
    assert_eq!(
        describe_repo(&imm).unwrap()["imageTagMutability"],
        "IMMUTABLE_WITH_EXCLUSION"
    );

    // --immutable-exclude no longer means the opposite with MUTABLE_WITH_EXCLUSION.
    let never = unique("never");
    for args in [
        vec![
            "--tag-mutability",
            "MUTABLE_WITH_EXCLUSION",
            "--immutable-exclude",
            "x*",
        ],
        vec!["--tag-mutability", "IMMUTABLE", "--mutable-exclude", "x*"],
        vec!["--immutable", "--mutable-exclude", "x*"],
        vec!["--immutable-exclude", "a*", "--mutable-exclude", "b*"],
        vec!["--tag-mutability", "MUTABLE_WITH_EXCLUSION"],
    ] {
        let mut all = vec!["repo", "create", never.as_str()];
        all.extend(args.iter().copied());
        let run = ecr(&all);
        run.assert_code(2);
        assert!(run.stderr.contains("error:"), "{args:?}: {}", run.stderr);
    }
    let run = ecr(&[
        "repo",
        "create",
        &never,
        "--tag-mutability",
        "MUTABLE_WITH_EXCLUSION",
        "--immutable-exclude",
        "x*",
    ]);
    assert!(run.stderr.contains("--mutable-exclude"), "{}", run.stderr);
    assert!(describe_repo(&never).is_none());
}

#[test]
fn bulk_file_errors_name_the_file_and_the_entry() {
    let good = unique("bulk-ok");
    let file = temp_file(
        "named.json",
        &json!({"repositories": [
            {"name": good},
            {"name": "Bad_Name"},
        ]})
        .to_string(),
    );
    let run = ecr(&["repo", "create", "--from-file", file.to_str().unwrap()]);
    run.assert_code(2);
    let path = file.display().to_string();
    assert!(
        run.stderr.contains(&path) && run.stderr.contains("repository #2 (`Bad_Name`)"),
        "{}",
        run.stderr
    );
    assert!(describe_repo(&good).is_none(), "nothing is created");

    // A name given on the command line and in the file: both places are named.
    let twice = temp_file(
        "twice.toml",
        &format!("[[repositories]]\nname = '{good}'\n"),
    );
    let run = ecr(&[
        "repo",
        "create",
        &good,
        "--from-file",
        twice.to_str().unwrap(),
    ]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("the command line")
            && run
                .stderr
                .contains(&format!("{}: repository #1", twice.display())),
        "{}",
        run.stderr
    );

    // A bad setting in an entry names the file and the entry too.
    let tags = temp_file(
        "tags.json",
        &json!([{"name": good, "tags": {"aws:x": "1"}}]).to_string(),
    );
    let run = ecr(&["repo", "create", "--from-file", tags.to_str().unwrap()]);
    run.assert_code(2);
    assert!(
        run.stderr.contains(&tags.display().to_string()) && run.stderr.contains("repository #1"),
        "{}",
        run.stderr
    );
    assert!(describe_repo(&good).is_none());
}
