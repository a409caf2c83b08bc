//! The evaluator against AWS's documented examples (ECR repository policies, the IAM
//! evaluation logic) and properties that must hold for any policy.

use super::*;

const REPO: &str = "arn:aws:ecr:us-east-1:111122223333:repository/team/app";
const PULL: &str = "ecr:BatchGetImage";

fn principal(arn: &str) -> Principal {
    Principal::from_arn(arn).unwrap()
}

fn policy(name: &str, text: &str) -> Policy {
    Policy::parse(name, text).unwrap()
}

fn request(who: &str, action: &str) -> Request {
    Request {
        principal: principal(who),
        action: action.into(),
        resource: REPO.into(),
        context: Context::new(),
    }
}

fn policies(identity: &[Policy], resource: Option<Policy>) -> Policies {
    Policies {
        identity: identity.to_vec(),
        resource,
        resource_account: "111122223333".into(),
        caveats: Vec::new(),
    }
}

/// AmazonEC2ContainerRegistryReadOnly as AWS documents it (tests only: the commands read
/// the managed policies from IAM).
const READ_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[
  "ecr:GetAuthorizationToken","ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer",
  "ecr:GetRepositoryPolicy","ecr:DescribeRepositories","ecr:ListImages","ecr:DescribeImages",
  "ecr:BatchGetImage","ecr:GetLifecyclePolicy","ecr:GetLifecyclePolicyPreview",
  "ecr:ListTagsForResource","ecr:DescribeImageScanFindings"],"Resource":"*"}]}"#;

const NODE: &str = "arn:aws:sts::111122223333:assumed-role/node/i-0abc";
const OTHER: &str = "arn:aws:iam::444455556666:role/consumer";

#[test]
fn same_account_identity_allow_is_enough() {
    let p = policies(
        &[policy("AmazonEC2ContainerRegistryReadOnly", READ_ONLY)],
        None,
    );
    let e = evaluate(&p, &request(NODE, PULL));
    assert_eq!(e.decision, Decision::Allow);
    assert_eq!(e.deciding[0].policy, "AmazonEC2ContainerRegistryReadOnly");
    assert!(!e.cross_account);
    assert_eq!(
        evaluate(&p, &request(NODE, "ecr:PutImage")).decision,
        Decision::ImplicitDeny
    );
    assert_eq!(
        evaluate(&policies(&[], None), &request(NODE, PULL)).decision,
        Decision::ImplicitDeny
    );
}

#[test]
fn same_account_resource_policy_naming_the_role_is_enough() {
    let repo = policy(
        "repository policy",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowPull","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:role/node"},"Action":["ecr:BatchGetImage"]}]}"#,
    );
    let e = evaluate(&policies(&[], Some(repo)), &request(NODE, PULL));
    assert_eq!(e.decision, Decision::Allow);
    assert_eq!(e.resource, Grant::Allows);
    assert_eq!(e.identity, Grant::DoesNotAllow);
    assert_eq!(e.deciding[0].sid.as_deref(), Some("AllowPull"));
}

#[test]
fn same_account_grant_to_the_account_needs_iam() {
    let repo = policy(
        "repository policy",
        r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"ecr:*"}]}"#,
    );
    let e = evaluate(&policies(&[], Some(repo)), &request(NODE, PULL));
    assert_eq!(e.decision, Decision::ImplicitDeny);
}

#[test]
fn cross_account_needs_both_sides() {
    // ECR docs: "Allow another account" repository policy example.
    let repo = policy(
        "repository policy",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowCrossAccountPull","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::444455556666:root"},
        "Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}"#,
    );
    let iam = policy("AmazonEC2ContainerRegistryReadOnly", READ_ONLY);
    let both = evaluate(
        &policies(std::slice::from_ref(&iam), Some(repo.clone())),
        &request(OTHER, PULL),
    );
    assert_eq!(both.decision, Decision::Allow);
    assert!(both.cross_account);
    assert_eq!(both.deciding.len(), 2);
    let no_repo = evaluate(&policies(&[iam], None), &request(OTHER, PULL));
    assert_eq!(no_repo.decision, Decision::ImplicitDeny);
    assert_eq!(
        (no_repo.identity, no_repo.resource),
        (Grant::Allows, Grant::DoesNotAllow)
    );
    let no_iam = evaluate(&policies(&[], Some(repo)), &request(OTHER, PULL));
    assert_eq!(no_iam.decision, Decision::ImplicitDeny);
    assert_eq!(
        (no_iam.identity, no_iam.resource),
        (Grant::DoesNotAllow, Grant::Allows)
    );
}

#[test]
fn explicit_deny_wins_anywhere() {
    let deny = policy(
        "repository policy",
        r#"{"Statement":[{"Sid":"NoPush","Effect":"Deny","Principal":"*","Action":"ecr:PutImage"}]}"#,
    );
    let admin = policy(
        "inline:admin",
        r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    );
    let e = evaluate(
        &policies(std::slice::from_ref(&admin), Some(deny.clone())),
        &request(NODE, "ecr:PutImage"),
    );
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert_eq!(e.deciding[0].sid.as_deref(), Some("NoPush"));
    assert_eq!(
        evaluate(&policies(&[admin], Some(deny)), &request(NODE, PULL)).decision,
        Decision::Allow
    );
}

#[test]
fn wildcards_in_actions_and_resources() {
    let p = policy(
        "inline:pull",
        r#"{"Statement":[{"Effect":"Allow","Action":"ECR:batch?etimage",
        "Resource":"arn:aws:ecr:*:111122223333:repository/team/*"}]}"#,
    );
    assert_eq!(
        evaluate(
            &policies(std::slice::from_ref(&p), None),
            &request(NODE, PULL)
        )
        .decision,
        Decision::Allow
    );
    let mut other = request(NODE, PULL);
    other.resource = "arn:aws:ecr:us-east-1:111122223333:repository/Team/app".into();
    assert_eq!(
        evaluate(&policies(&[p], None), &other).decision,
        Decision::ImplicitDeny
    );
}

#[test]
fn unknown_condition_on_deny_makes_allow_unknown() {
    // ECR docs: a Deny outside the organization (aws:PrincipalOrgID is not knowable here).
    let repo = policy(
        "repository policy",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutsideOrg","Effect":"Deny",
        "Principal":"*","Action":"ecr:*",
        "Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}"#,
    );
    let iam = policy("AmazonEC2ContainerRegistryReadOnly", READ_ONLY);
    let e = evaluate(&policies(&[iam], Some(repo)), &request(NODE, PULL));
    assert_eq!(e.decision, Decision::Unknown);
    assert_eq!(e.deciding[0].sid.as_deref(), Some("DenyOutsideOrg"));
    assert!(
        e.unknown[0].contains("aws:PrincipalOrgID"),
        "{:?}",
        e.unknown
    );
}
