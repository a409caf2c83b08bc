//! `ecrctl pull-check`: the pull-side failures the issue lists, set up for real in moto
//! (IAM roles and policies, EKS node groups, ECS task definitions, Lambda, ECR
//! replication) and the TLS registry (the image's manifest), each failing the right check
//! with the right fix.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::client::{check, unique};
use crate::harness::{REGION, stand_ins};
use crate::images::{Registry, oci_index_layout, oci_layout, push_layout};
use crate::login::Sandbox;

const ACCOUNT: &str = "123456789012";
const READ_ONLY: &str = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly";
const PULL_ONLY: &str = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly";

/// Calls any AWS API of moto through boto3: `service`, `operation` in snake_case.
fn aws(service: &str, operation: &str, params: Value) -> Value {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-moto/bin/python");
    let script = format!(
        "import boto3, json, sys\n\
         c = boto3.client('{service}', endpoint_url='{}', region_name='{REGION}', aws_access_key_id='test', aws_secret_access_key='test')\n\
         try:\n    out = c.{operation}(**json.load(sys.stdin))\nexcept c.exceptions.ClientError as e:\n    out = {{'error': e.response['Error']['Code']}}\n\
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
    child
        .stdin
        .take()
        .unwrap()
        .write_all(params.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{service} {operation}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `ecrctl pull-check IMAGE ARGS… -o json` in `sandbox`.
fn pull_check_json(sandbox: &Sandbox, image: &str, args: &[&str]) -> crate::client::Run {
    let command: Vec<&str> = [&["pull-check", image], args, &["-o", "json"]].concat();
    sandbox.ecrctl(&command)
}

fn text(v: &Value, field: &str) -> String {
    v[field].as_str().unwrap_or_default().to_string()
}

/// A repository with `repo:v1` in moto and the same bytes in the registry (amd64 only, or
/// an amd64 + arm64 index), so the digest ECR lists is the manifest the registry serves.
fn image(prefix: &str, index: bool) -> String {
    let repo = unique(prefix);
    aws(
        "ecr",
        "create_repository",
        json!({ "repositoryName": repo }),
    );
    let (layout, digest) = if index {
        oci_index_layout("v1", &repo)
    } else {
        oci_layout("v1", &repo)
    };
    push_layout(Registry::Ecr, &layout, &repo, "v1");
    let hex = digest.trim_start_matches("sha256:");
    let manifest = std::fs::read_to_string(layout.join("blobs/sha256").join(hex)).unwrap();
    aws(
        "ecr",
        "put_image",
        json!({ "repositoryName": repo, "imageTag": "v1", "imageManifest": manifest }),
    );
    repo
}

/// A role (trusting EC2) with these managed policies attached; its name.
fn role(prefix: &str, policies: &[&str]) -> String {
    let name = unique(prefix).replace('/', "-");
    let trust = json!({ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "Service": ["ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com"] },
        "Action": "sts:AssumeRole" }] });
    aws(
        "iam",
        "create_role",
        json!({ "RoleName": name, "AssumeRolePolicyDocument": trust.to_string() }),
    );
    for p in policies {
        aws(
            "iam",
            "attach_role_policy",
            json!({ "RoleName": name, "PolicyArn": p }),
        );
    }
    name
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

/// An EKS cluster with one managed node group of `ami_type` nodes using `role`; CLUSTER/NODEGROUP.
fn node_group(role: &str, ami_type: &str) -> String {
    let cluster = unique("pc-cluster").replace('/', "-");
    aws(
        "eks",
        "create_cluster",
        json!({ "name": cluster, "roleArn": role_arn(role),
                "resourcesVpcConfig": { "subnetIds": ["subnet-1"] } }),
    );
    aws(
        "eks",
        "create_nodegroup",
        json!({ "clusterName": cluster, "nodegroupName": "ng", "nodeRole": role_arn(role),
                "subnets": ["subnet-1"], "amiType": ami_type }),
    );
    format!("{cluster}/ng")
}

fn attached(role: &str) -> Vec<String> {
    aws(
        "iam",
        "list_attached_role_policies",
        json!({ "RoleName": role }),
    )["AttachedPolicies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| text(p, "PolicyArn"))
        .collect()
}

#[test]
fn a_node_role_without_ecr_read_fails_with_the_attach_fix_and_fix_attaches_it() {
    let sandbox = Sandbox::new();
    let repo = image("pc/node", false);
    let role = role("pc-nodes", &[]);
    let ng = node_group(&role, "AL2_x86_64");
    let args = [
        "pull-check",
        &format!("{repo}:v1"),
        "--eks-nodegroup",
        &ng,
        "-o",
        "json",
    ];
    let run = sandbox.ecrctl(&args);
    run.assert_code(1);
    let pull = check(&run, "iam-pull");
    assert_eq!(pull["status"], "fail", "{pull}");
    assert!(
        text(&pull, "reason").contains("pull access denied"),
        "{pull}"
    );
    let fix = text(&pull, "fix");
    assert!(
        fix.contains(&format!(
            "aws iam attach-role-policy --role-name {role} --policy-arn {PULL_ONLY}"
        )),
        "{fix}"
    );
    assert_eq!(check(&run, "iam-authorization-token")["status"], "fail");
    assert_eq!(check(&run, "principal")["status"], "ok");
    assert!(text(&check(&run, "principal"), "reason").contains(&role_arn(&role)));
    // The node group's AMI type says amd64, and the image is amd64.
    assert_eq!(check(&run, "platform")["status"], "ok", "{}", run.stdout);
    assert_eq!(check(&run, "region")["status"], "ok");

    // --fix --dry-run shows the managed policy's JSON and changes nothing.
    let dry = sandbox.ecrctl(&[&args[..4], &["--fix", "--dry-run"]].concat());
    dry.assert_code(1);
    assert!(
        dry.stderr
            .contains(&format!("would attach {PULL_ONLY} to role {role}"))
            && dry.stderr.contains("\"ecr:BatchGetImage\"")
            && dry.stderr.contains("nothing changed"),
        "{}",
        dry.stderr
    );
    assert!(attached(&role).is_empty());
    // Off a terminal, --fix needs --yes.
    sandbox
        .ecrctl(&[&args[..4], &["--fix"]].concat())
        .assert_code(2);
    assert!(attached(&role).is_empty());
    let fixed = sandbox.ecrctl(&[&args[..4], &["--fix", "--yes"]].concat());
    fixed.assert_code(0);
    assert!(
        fixed
            .stderr
            .contains(&format!("fixed: attached {PULL_ONLY} to role {role}")),
        "{}",
        fixed.stderr
    );
    assert_eq!(attached(&role), vec![PULL_ONLY.to_string()]);
}

#[test]
fn a_node_role_with_the_managed_read_policy_passes() {
    let sandbox = Sandbox::new();
    let repo = image("pc/ok", false);
    let role = role("pc-nodes-ok", &[READ_ONLY]);
    let ng = node_group(&role, "AL2_x86_64");
    let run = pull_check_json(&sandbox, &format!("{repo}:v1"), &["--eks-nodegroup", &ng]);
    run.assert_code(0);
    assert_eq!(run.json()["verdict"], "pass");
    assert_eq!(run.json()["principal"], role_arn(&role));
    for id in [
        "reference",
        "principal",
        "iam-authorization-token",
        "iam-pull",
        "repository-policy",
        "kms-decrypt",
        "platform",
        "region",
    ] {
        assert_eq!(check(&run, id)["status"], "ok", "{id}: {}", run.stdout);
    }
    assert!(
        text(&check(&run, "iam-pull"), "reason").contains("AmazonEC2ContainerRegistryReadOnly")
    );
}

#[test]
fn a_cross_account_principal_without_a_repository_policy_fails_naming_both_sides() {
    let sandbox = Sandbox::new();
    let repo = image("pc/cross", false);
    let consumer = "arn:aws:iam::210987654321:role/deployer";
    let args = ["pull-check", &format!("{repo}:v1"), "--principal", consumer];
    let run = sandbox.ecrctl(&[&args[..], &["-o", "json"]].concat());
    run.assert_code(1);
    let policy = check(&run, "repository-policy");
    assert_eq!(policy["status"], "fail", "{policy}");
    let reason = text(&policy, "reason");
    assert!(
        reason.contains(ACCOUNT) && reason.contains("210987654321") && reason.contains(consumer),
        "{reason}"
    );
    assert!(
        text(&policy, "fix").contains("arn:aws:iam::210987654321:root"),
        "{policy}"
    );
    // This account's credentials cannot read the other account's IAM: said, never ok.
    let iam = check(&run, "iam-pull");
    assert_eq!(iam["status"], "skipped");
    assert!(iam["error"].as_str().unwrap().contains("210987654321"));

    // --fix --dry-run prints the whole new repository policy; --fix --yes sets it.
    let dry = sandbox.ecrctl(&[&args[..], &["--fix", "--dry-run"]].concat());
    dry.assert_code(1);
    assert!(
        dry.stderr.contains("would set the repository policy of")
            && dry.stderr.contains("\"arn:aws:iam::210987654321:root\""),
        "{}",
        dry.stderr
    );
    let unchanged = aws(
        "ecr",
        "get_repository_policy",
        json!({ "repositoryName": repo }),
    );
    assert_eq!(
        unchanged["error"], "RepositoryPolicyNotFoundException",
        "{unchanged}"
    );
    let fixed = sandbox.ecrctl(&[&args[..], &["--fix", "--yes", "-o", "json"]].concat());
    assert!(
        fixed.stderr.contains("fixed: added a pull statement"),
        "{}",
        fixed.stderr
    );
    let text_now = aws(
        "ecr",
        "get_repository_policy",
        json!({ "repositoryName": repo }),
    );
    assert!(
        text(&text_now, "policyText").contains("210987654321"),
        "{text_now}"
    );
    // The repository side now allows; the consumer's IAM is still unread, so exit 3.
    fixed.assert_code(3);
}

#[test]
fn a_deny_with_a_condition_it_cannot_evaluate_warns() {
    let sandbox = Sandbox::new();
    let repo = image("pc/deny", false);
    let role = role("pc-deny", &[READ_ONLY]);
    let deny = json!({ "Version": "2012-10-17", "Statement": [{ "Sid": "OnlyOurOrg", "Effect": "Deny",
        "Action": "ecr:BatchGetImage", "Resource": "*",
        "Condition": { "StringNotEquals": { "aws:PrincipalOrgID": "o-abc123" } } }] });
    aws(
        "iam",
        "put_role_policy",
        json!({ "RoleName": role, "PolicyName": "org-only", "PolicyDocument": deny.to_string() }),
    );
    let run = pull_check_json(
        &sandbox,
        &format!("{repo}:v1"),
        &["--principal", &role_arn(&role)],
    );
    run.assert_code(0);
    let pull = check(&run, "iam-pull");
    assert_eq!(pull["status"], "warn", "{pull}");
    assert!(
        text(&pull, "reason").contains("aws:PrincipalOrgID"),
        "{pull}"
    );
}

#[test]
fn an_image_without_the_asked_platform_fails() {
    let sandbox = Sandbox::new();
    let repo = image("pc/amd64", false);
    let role = role("pc-plat", &[READ_ONLY]);
    let run = pull_check_json(
        &sandbox,
        &format!("{repo}:v1"),
        &["--principal", &role_arn(&role), "--platform", "linux/arm64"],
    );
    run.assert_code(1);
    let platform = check(&run, "platform");
    assert_eq!(platform["status"], "fail", "{platform}");
    assert!(
        text(&platform, "reason").contains("no matching manifest for linux/arm64"),
        "{platform}"
    );
    assert!(
        text(&platform, "reason").contains("linux/amd64"),
        "{platform}"
    );
    // An index with arm64 passes the same question.
    let multi = image("pc/multi", true);
    let ok = pull_check_json(
        &sandbox,
        &format!("{multi}:v1"),
        &["--principal", &role_arn(&role), "--platform", "linux/arm64"],
    );
    ok.assert_code(0);
    assert_eq!(check(&ok, "platform")["status"], "ok");
    // Bad input: exit 2, nothing checked.
    sandbox
        .ecrctl(&["pull-check", &format!("{repo}:v1"), "--platform", "arm64"])
        .assert_code(2);
}

#[test]
fn a_replication_filter_that_does_not_cover_the_repository_warns() {
    let sandbox = Sandbox::new();
    let repo = image("pc/repl", false);
    let role = role("pc-repl", &[READ_ONLY]);
    aws(
        "ecr",
        "put_replication_configuration",
        json!({ "replicationConfiguration": { "rules": [{
            "destinations": [{ "region": "eu-west-1", "registryId": ACCOUNT }],
            "repositoryFilters": [{ "filter": "other-team/", "filterType": "PREFIX_MATCH" }] }] } }),
    );
    let run = pull_check_json(
        &sandbox,
        &format!("{repo}:v1"),
        &[
            "--principal",
            &role_arn(&role),
            "--region-of-consumer",
            "eu-west-1",
        ],
    );
    run.assert_code(0);
    let region = check(&run, "region");
    assert_eq!(region["status"], "warn", "{region}");
    let reason = text(&region, "reason");
    assert!(
        reason.contains("cross-region")
            && reason.contains("does not cover")
            && reason.contains("`other-team/`"),
        "{reason}"
    );
    assert!(
        text(&region, "fix").contains(&format!("\"filter\":\"{repo}\"")),
        "{region}"
    );
}

#[test]
fn a_missing_tag_and_an_ecs_task_without_execution_role() {
    let sandbox = Sandbox::new();
    let repo = image("pc/ecs", false);
    let family = unique("pc-task").replace('/', "-");
    aws(
        "ecs",
        "register_task_definition",
        json!({ "family": family, "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
                "cpu": "256", "memory": "512",
                "containerDefinitions": [{ "name": "app", "image": format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repo}:v1") }] }),
    );
    let run = pull_check_json(
        &sandbox,
        &format!("{repo}:v2"),
        &["--ecs-task-definition", &family],
    );
    run.assert_code(1);
    assert_eq!(check(&run, "reference")["status"], "fail");
    let principal = check(&run, "principal");
    assert_eq!(principal["status"], "fail", "{principal}");
    assert!(
        text(&principal, "reason").contains("Fargate"),
        "{principal}"
    );
    assert_eq!(check(&run, "iam-pull")["status"], "skipped");
    // With an execution role that may pull, the same task passes.
    let exec = role("pc-exec", &[READ_ONLY]);
    aws(
        "ecs",
        "register_task_definition",
        json!({ "family": family, "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
                "cpu": "256", "memory": "512", "executionRoleArn": role_arn(&exec),
                "containerDefinitions": [{ "name": "app", "image": "x" }] }),
    );
    let ok = pull_check_json(
        &sandbox,
        &format!("{repo}:v1"),
        &["--ecs-task-definition", &family],
    );
    ok.assert_code(0);
    assert!(
        text(&check(&ok, "principal"), "reason")
            .contains(&format!("execution role of ECS task definition {family}:2")),
        "{}",
        ok.stdout
    );
}

#[test]
fn a_lambda_function_is_checked_with_its_role() {
    let sandbox = Sandbox::new();
    let repo = image("pc/fn", false);
    let fn_role = role("pc-fn", &[]);
    let name = unique("pc-fn").replace('/', "-");
    aws(
        "lambda",
        "create_function",
        json!({ "FunctionName": name, "Role": role_arn(&fn_role), "PackageType": "Image",
                "Code": { "ImageUri": format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repo}:v1") },
                "Architectures": ["arm64"] }),
    );
    let run = pull_check_json(
        &sandbox,
        &format!("{repo}:v1"),
        &["--lambda-function", &name],
    );
    run.assert_code(1);
    assert_eq!(check(&run, "iam-pull")["status"], "fail");
    // The function runs arm64; the image is amd64 only.
    let platform = check(&run, "platform");
    assert_eq!(platform["status"], "fail", "{platform}");
    assert!(
        text(&platform, "reason").contains("architecture arm64"),
        "{platform}"
    );
}

#[test]
fn bad_input_is_refused_before_any_call() {
    let sandbox = Sandbox::new();
    for args in [
        vec!["pull-check", "team/api:v1", "--eks-nodegroup", "no-slash"],
        vec!["pull-check", "team/api:v1", "--principal", "not-an-arn"],
        vec![
            "pull-check",
            "team/api:v1",
            "--principal",
            "arn:aws:iam::1:role/x",
            "--lambda-function",
            "f",
        ],
        vec![
            "pull-check",
            "team/api:v1",
            "--region-of-consumer",
            "Not A Region",
        ],
        vec!["pull-check", "team/api:v1", "--dry-run"],
        vec!["pull-check", "Team/API:v1"],
    ] {
        let run = sandbox.ecrctl(&args);
        run.assert_code(2);
        assert!(run.stderr.contains("error:"), "{args:?}: {}", run.stderr);
    }
}

/// No who-flag: the caller (moto's `user/moto`, which moto's IAM does not hold) cannot
/// have its identity policies read, so its token and manifest permissions are tried with
/// its own credentials — a useful answer (exit 0 with a warning), not exit 3.
#[test]
fn the_default_caller_whose_iam_cannot_be_read_is_tried_instead() {
    let sandbox = Sandbox::new();
    let repo = image("pc/caller", false);
    let run = sandbox.ecrctl(&["pull-check", &format!("{repo}:v1"), "-o", "json"]);
    run.assert_code(0);
    assert_eq!(run.json()["verdict"], "pass", "{}", run.stdout);
    // moto's GetCallerIdentity says `arn:aws:sts::…:user/moto` (no IAM principal ARN).
    assert!(
        text(&run.json(), "principal").ends_with(&format!("{ACCOUNT}:user/moto")),
        "{}",
        run.stdout
    );
    let token = check(&run, "iam-authorization-token");
    assert_eq!(token["status"], "ok", "{token}");
    assert!(text(&token, "reason").contains("was tried"), "{token}");
    let pull = check(&run, "iam-pull");
    assert_eq!(pull["status"], "warn", "{pull}");
    assert!(text(&pull, "reason").contains("ecr:BatchGetImage was tried and allowed"));
    assert!(text(&pull, "reason").contains("GetDownloadUrlForLayer"));
    assert!(pull.get("error").is_none(), "{pull}");
    for id in ["reference", "repository-policy", "kms-decrypt"] {
        assert_eq!(check(&run, id)["status"], "ok", "{id}: {}", run.stdout);
    }
    // The table says the same, with the reason.
    let table = sandbox.ecrctl(&["pull-check", &format!("{repo}:v1")]);
    table.assert_code(0);
    assert!(table.stdout.contains("was tried"), "{}", table.stdout);

    // A missing tag: the reference fails (exit 1); nothing to try BatchGetImage on.
    let run = sandbox.ecrctl(&["pull-check", &format!("{repo}:nope"), "-o", "json"]);
    run.assert_code(1);
    assert_eq!(check(&run, "iam-pull")["status"], "skipped");
}

/// A role with a path is found by its name; a --principal IAM says does not exist is a
/// FAIL of the principal (exit 1: nothing can pull as it), not "could not check" (exit 3).
#[test]
fn a_role_with_a_path_is_found_and_a_missing_role_fails() {
    let sandbox = Sandbox::new();
    let repo = image("pc/path", false);
    let name = unique("pc-path").replace('/', "-");
    let trust = json!({ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "Service": "ec2.amazonaws.com" }, "Action": "sts:AssumeRole" }] });
    aws(
        "iam",
        "create_role",
        json!({ "RoleName": name, "Path": "/team/nodes/", "AssumeRolePolicyDocument": trust.to_string() }),
    );
    aws(
        "iam",
        "attach_role_policy",
        json!({ "RoleName": name, "PolicyArn": READ_ONLY }),
    );
    let img = format!("{repo}:v1");
    let with_path = format!("arn:aws:iam::{ACCOUNT}:role/team/nodes/{name}");
    let run = sandbox.ecrctl(&["pull-check", &img, "--principal", &with_path, "-o", "json"]);
    run.assert_code(0);
    assert_eq!(check(&run, "iam-pull")["status"], "ok");

    let ghost = format!("arn:aws:iam::{ACCOUNT}:role/some/path/ghost");
    let run = sandbox.ecrctl(&["pull-check", &img, "--principal", &ghost, "-o", "json"]);
    run.assert_code(1);
    let principal = check(&run, "principal");
    assert_eq!(principal["status"], "fail", "{principal}");
    assert!(
        text(&principal, "reason").contains("does not exist"),
        "{principal}"
    );
    for id in ["iam-authorization-token", "iam-pull"] {
        let c = check(&run, id);
        assert_eq!(c["status"], "skipped", "{c}");
        assert!(c.get("error").is_none(), "{c}");
    }
}
