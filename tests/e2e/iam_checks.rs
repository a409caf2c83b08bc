//! The IAM evaluator end to end: push-check's `repository-policy` and `iam-permissions`
//! checks against IAM users, roles, role sessions, groups and AWS managed policies that
//! exist in moto (read from IAM, never copied), and repository policies set in moto.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::client::{Run, check, ecr, unique};
use crate::harness::{REGION, stand_ins};
use crate::login::Sandbox;

const ACCOUNT: &str = "123456789012";

/// Credentials for a run: access key, secret, optional session token.
struct Creds(String, String, Option<String>);

impl Creds {
    fn default_test() -> Creds {
        Creds("test".into(), "test".into(), None)
    }
}

/// Any AWS API through boto3 (an independent client), as `creds`.
fn aws(service: &str, operation: &str, params: Value, creds: &Creds) -> Value {
    let python = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-moto/bin/python");
    let script = format!(
        "import boto3, json, sys\n\
         p = json.load(sys.stdin)\n\
         c = boto3.client('{service}', endpoint_url='{}', region_name='{REGION}', \
         aws_access_key_id=p['k'], aws_secret_access_key=p['s'], aws_session_token=p['t'])\n\
         out = c.{operation}(**p['params'])\n\
         out.pop('ResponseMetadata', None)\n\
         print(json.dumps(out, default=str))\n",
        stand_ins().moto_url
    );
    let mut child = Command::new(python)
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run python");
    let input = json!({"k": creds.0, "s": creds.1, "t": creds.2, "params": params});
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{service} {operation}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn iam(operation: &str, params: Value) -> Value {
    aws("iam", operation, params, &Creds::default_test())
}

fn managed(name: &str) -> String {
    format!("arn:aws:iam::aws:policy/{name}")
}

/// A new IAM user with access keys.
fn user_with_keys(name: &str) -> Creds {
    iam("create_user", json!({"UserName": name}));
    let key = iam("create_access_key", json!({"UserName": name}));
    Creds(
        key["AccessKey"]["AccessKeyId"].as_str().unwrap().into(),
        key["AccessKey"]["SecretAccessKey"].as_str().unwrap().into(),
        None,
    )
}

fn push_check(repo: &str, creds: &Creds, extra_env: &[(&str, &str)]) -> Run {
    let sandbox = Sandbox::new();
    let mut command = sandbox.command(&["push-check", &format!("{repo}:v1"), "-o", "json"]);
    command
        .env("AWS_ACCESS_KEY_ID", &creds.0)
        .env("AWS_SECRET_ACCESS_KEY", &creds.1)
        .env("AWS_MAX_ATTEMPTS", "1");
    if let Some(token) = &creds.2 {
        command.env("AWS_SESSION_TOKEN", token);
    }
    for (k, v) in extra_env {
        command.env(k, v);
    }
    crate::client::run(&mut command)
}

fn text(c: &Value, field: &str) -> String {
    c[field].as_str().unwrap_or_default().to_string()
}

fn new_repo() -> String {
    let repo = unique("iamc/app");
    ecr(&["repo", "create", &repo]).assert_code(0);
    repo
}

#[test]
fn managed_policies_are_read_from_iam_read_only_cannot_push_power_user_can() {
    let repo = new_repo();
    let user = unique("iamc-user");
    let creds = user_with_keys(&user);
    iam(
        "attach_user_policy",
        json!({"UserName": user, "PolicyArn": managed("AmazonEC2ContainerRegistryReadOnly")}),
    );
    let run = push_check(&repo, &creds, &[]);
    let c = check(&run, "iam-permissions");
    let detail = text(&c, "detail");
    assert_eq!(c["status"], "fail", "{c:#}");
    // ReadOnly, as IAM holds it, grants BatchCheckLayerAvailability but no upload.
    assert!(
        detail.contains("AmazonEC2ContainerRegistryReadOnly")
            && detail.contains("InitiateLayerUpload")
            && detail.contains("PutImage")
            && !detail.contains("BatchCheckLayerAvailability"),
        "{detail}"
    );
    assert!(
        text(&c, "fix").starts_with(&format!(
            "aws iam attach-user-policy --user-name {user} --policy-arn {}",
            managed("AmazonEC2ContainerRegistryPowerUser")
        )),
        "{c:#}"
    );
    iam(
        "attach_user_policy",
        json!({"UserName": user, "PolicyArn": managed("AmazonEC2ContainerRegistryPowerUser")}),
    );
    let run = push_check(&repo, &creds, &[]);
    let c = check(&run, "iam-permissions");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert!(
        text(&c, "detail").contains("allowed by AmazonEC2ContainerRegistryPowerUser"),
        "{c:#}"
    );
}

#[test]
fn a_role_session_is_judged_by_its_role_and_a_user_by_its_groups() {
    let repo = new_repo();
    let role = unique("iamc-role");
    let trust = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":format!("arn:aws:iam::{ACCOUNT}:root")},"Action":"sts:AssumeRole"}]});
    iam(
        "create_role",
        json!({"RoleName": role, "Path": "/ci/", "AssumeRolePolicyDocument": trust.to_string()}),
    );
    let push = json!({"Version":"2012-10-17","Statement":[{"Sid":"Push","Effect":"Allow",
        "Action":["ecr:BatchCheckLayerAvailability","ecr:InitiateLayerUpload","ecr:UploadLayerPart",
                  "ecr:CompleteLayerUpload","ecr:PutImage"],
        "Resource":format!("arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{repo}")}]});
    iam(
        "put_role_policy",
        json!({"RoleName": role, "PolicyName": "push", "PolicyDocument": push.to_string()}),
    );
    let session = aws(
        "sts",
        "assume_role",
        json!({"RoleArn": format!("arn:aws:iam::{ACCOUNT}:role/ci/{role}"), "RoleSessionName": "build-1"}),
        &Creds::default_test(),
    );
    let c = &session["Credentials"];
    let creds = Creds(
        text(c, "AccessKeyId"),
        text(c, "SecretAccessKey"),
        Some(text(c, "SessionToken")),
    );
    iam(
        "put_role_permissions_boundary",
        json!({"RoleName": role, "PermissionsBoundary": managed("AmazonEC2ContainerRegistryPowerUser")}),
    );
    let run = push_check(&repo, &creds, &[]);
    let c = check(&run, "iam-permissions");
    assert_eq!(c["status"], "ok", "{c:#}");
    let detail = text(&c, "detail");
    assert!(
        detail.contains(&format!("arn:aws:iam::{ACCOUNT}:role/ci/{role} may push"))
            && detail.contains("inline:push")
            && detail.contains("session policy")
            && detail.contains("permissions boundary"),
        "{detail}"
    );
    // The same role on another repository: its inline policy does not reach there.
    let other = new_repo();
    let c = check(&push_check(&other, &creds, &[]), "iam-permissions");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(
        text(&c, "fix").starts_with(&format!("aws iam attach-role-policy --role-name {role} ")),
        "{c:#}"
    );

    let group = unique("iamc-group");
    iam("create_group", json!({"GroupName": group}));
    iam(
        "attach_group_policy",
        json!({"GroupName": group, "PolicyArn": managed("AmazonEC2ContainerRegistryPowerUser")}),
    );
    let user = unique("iamc-member");
    let creds = user_with_keys(&user);
    iam(
        "add_user_to_group",
        json!({"GroupName": group, "UserName": user}),
    );
    let c = check(&push_check(&repo, &creds, &[]), "iam-permissions");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert!(
        text(&c, "detail").contains(&format!(
            "group {group} AmazonEC2ContainerRegistryPowerUser"
        )),
        "{c:#}"
    );
}

#[test]
fn a_managed_policy_counts_at_its_default_version_only() {
    let repo = new_repo();
    let user = unique("iamc-versions");
    let creds = user_with_keys(&user);
    let doc = |actions: &[&str]| {
        json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":actions,"Resource":"*"}]})
            .to_string()
    };
    let pull = doc(&["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]);
    let created = iam(
        "create_policy",
        json!({"PolicyName": unique("iamc-policy"), "PolicyDocument": pull}),
    );
    let arn = created["Policy"]["Arn"].as_str().unwrap().to_string();
    iam(
        "create_policy_version",
        json!({"PolicyArn": arn, "PolicyDocument": doc(&["ecr:*"]), "SetAsDefault": false}),
    );
    iam(
        "attach_user_policy",
        json!({"UserName": user, "PolicyArn": arn}),
    );
    let c = check(&push_check(&repo, &creds, &[]), "iam-permissions");
    assert_eq!(c["status"], "fail", "v1 is the default: {c:#}");
    iam(
        "set_default_policy_version",
        json!({"PolicyArn": arn, "VersionId": "v2"}),
    );
    let c = check(&push_check(&repo, &creds, &[]), "iam-permissions");
    assert_eq!(c["status"], "ok", "v2 is the default: {c:#}");
}

fn set_policy(repo: &str, statements: Value) {
    let policy = json!({"Version": "2012-10-17", "Statement": statements});
    crate::client::boto3(
        "set_repository_policy",
        json!({"repositoryName": repo, "policyText": policy.to_string()}),
    );
}

#[test]
fn repository_policy_denies_are_evaluated_not_pattern_matched() {
    let repo = new_repo();
    let creds = Creds::default_test();
    // A Deny whose condition cannot be evaluated here: a warning naming it, not a FAIL.
    set_policy(
        &repo,
        json!([{"Sid":"OnlyOurOrg","Effect":"Deny","Principal":"*","Action":"ecr:*",
            "Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]),
    );
    let c = check(&push_check(&repo, &creds, &[]), "repository-policy");
    assert_eq!(c["status"], "warn", "{c:#}");
    let detail = text(&c, "detail");
    assert!(
        detail.contains("`OnlyOurOrg`") && detail.contains("aws:PrincipalOrgID"),
        "{detail}"
    );
    // NotAction: everything but pulling is denied, so pushing is.
    set_policy(
        &repo,
        json!([{"Sid":"PullOnly","Effect":"Deny","Principal":"*",
            "NotAction":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:BatchCheckLayerAvailability"]}]),
    );
    let c = check(&push_check(&repo, &creds, &[]), "repository-policy");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(
        text(&c, "detail").contains("`PullOnly`") && text(&c, "detail").contains("PutImage"),
        "{c:#}"
    );
    // `?` wildcards, and a Deny that concerns pulling only is no push problem.
    set_policy(
        &repo,
        json!([{"Sid":"NoPut","Effect":"Deny","Principal":{"AWS":ACCOUNT},"Action":"ecr:?utImage"},
               {"Sid":"NoPull","Effect":"Deny","Principal":"*","Action":"ecr:BatchGetImage"}]),
    );
    let c = check(&push_check(&repo, &creds, &[]), "repository-policy");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(
        text(&c, "detail").contains("`NoPut`") && !text(&c, "detail").contains("NoPull"),
        "{c:#}"
    );
    set_policy(
        &repo,
        json!([{"Sid":"NoPull","Effect":"Deny","Principal":"*","Action":"ecr:BatchGetImage"}]),
    );
    let c = check(&push_check(&repo, &creds, &[]), "repository-policy");
    assert_eq!(c["status"], "ok", "{c:#}");
}

/// An IAM endpoint that denies every call, as IAM does for credentials without iam:Get*.
fn denying_iam() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_millis(500)));
            let mut buf = [0u8; 65536];
            let _ = stream.read(&mut buf);
            let body = "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>\
                <Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform \
                iam:GetUser</Message></Error><RequestId>1</RequestId></ErrorResponse>";
            let _ = stream.write_all(
                format!(
                    "HTTP/1.1 403 Forbidden\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            );
        }
    });
    url
}

#[test]
fn iam_that_cannot_be_read_skips_the_check_with_the_reason() {
    let repo = new_repo();
    let user = unique("iamc-blind");
    let creds = user_with_keys(&user);
    let url = denying_iam();
    let run = push_check(&repo, &creds, &[("AWS_ENDPOINT_URL_IAM", &url)]);
    let c = check(&run, "iam-permissions");
    assert_eq!(c["status"], "skipped", "{c:#}");
    assert!(text(&c, "detail").contains("AccessDenied"), "{c:#}");
    // Credentials IAM knows nothing of (moto's default user): skipped too, never ok.
    let c = check(
        &push_check(&repo, &Creds::default_test(), &[]),
        "iam-permissions",
    );
    assert_eq!(c["status"], "skipped", "{c:#}");
}
