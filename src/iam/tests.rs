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
fn evaluation_logic_docs_identity_deny_beats_a_resource_allow() {
    // IAM docs, evaluation logic: an explicit deny in any policy overrides any allow, in
    // the same account and across accounts (the consumer account's own deny).
    let deny_push =
        inline(r#"{"Sid":"NoPush","Effect":"Deny","Action":"ecr:PutImage","Resource":"*"}"#);
    let grant = repo_policy(
        r#"{"Sid":"Push","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/node",
          "arn:aws:iam::444455556666:role/consumer"]},"Action":"ecr:*"}"#,
    );
    let p = policies(std::slice::from_ref(&deny_push), Some(grant.clone()));
    let e = evaluate(&p, &request(NODE, "ecr:PutImage"));
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert_eq!(e.deciding[0].policy, "inline:test");
    assert_eq!(
        decide(&p, &request(OTHER, "ecr:PutImage")),
        Decision::ExplicitDeny
    );
    // Without the deny: the grant alone suffices in the same account, not across.
    let p = policies(&[], Some(grant));
    assert_eq!(decide(&p, &request(NODE, "ecr:PutImage")), Decision::Allow);
    assert_eq!(
        decide(&p, &request(OTHER, "ecr:PutImage")),
        Decision::ImplicitDeny
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
    assert_eq!(e.undecided_deny, e.deciding);
    assert!(
        e.unknown[0].contains("aws:PrincipalOrgID"),
        "{:?}",
        e.unknown
    );
}

fn decide(p: &Policies, r: &Request) -> Decision {
    evaluate(p, r).decision
}

fn inline(statements: &str) -> Policy {
    policy(
        "inline:test",
        &format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#),
    )
}

fn repo_policy(statements: &str) -> Policy {
    policy(
        "repository policy",
        &format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#),
    )
}

#[test]
fn ecr_docs_allow_some_users_pull_and_one_user_all() {
    // ECR docs: pull-user-1/pull-user-2 may pull, admin-user may do everything.
    let repo = repo_policy(
        r#"{"Sid":"AllowPull","Effect":"Allow","Principal":{"AWS":[
          "arn:aws:iam::111122223333:user/pull-user-1","arn:aws:iam::111122223333:user/pull-user-2"]},
          "Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]},
        {"Sid":"AllowAll","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/admin-user"},
          "Action":["ecr:*"]}"#,
    );
    let p = policies(&[], Some(repo));
    let user = |name: &str| format!("arn:aws:iam::111122223333:user/{name}");
    assert_eq!(
        decide(&p, &request(&user("pull-user-1"), PULL)),
        Decision::Allow
    );
    assert_eq!(
        decide(&p, &request(&user("pull-user-2"), "ecr:PutImage")),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(&p, &request(&user("admin-user"), "ecr:PutImage")),
        Decision::Allow
    );
    assert_eq!(
        decide(&p, &request(&user("someone"), PULL)),
        Decision::ImplicitDeny
    );
}

#[test]
fn ecr_docs_lambda_service_principal_cross_account() {
    // ECR/Lambda docs: the Lambda service pulls for functions of one account.
    let repo = repo_policy(
        r#"{"Sid":"LambdaECRImageCrossAccountRetrievalPolicy","Effect":"Allow",
          "Principal":{"Service":"lambda.amazonaws.com"},
          "Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],
          "Condition":{"StringLike":{"aws:sourceARN":"arn:aws:lambda:us-east-1:444455556666:function:*"}}}"#,
    );
    let p = policies(&[], Some(repo));
    let mut r = request(NODE, PULL);
    r.principal = Principal::service("lambda.amazonaws.com");
    let e = evaluate(&p, &r);
    assert_eq!(
        e.decision,
        Decision::Unknown,
        "the function's ARN is not known"
    );
    assert!(e.unknown[0].contains("aws:sourceARN"), "{:?}", e.unknown);
    r.context = Context::new().with(
        "aws:SourceArn",
        "arn:aws:lambda:us-east-1:444455556666:function:api",
    );
    assert_eq!(decide(&p, &r), Decision::Allow);
    r.context = Context::new().with(
        "aws:SourceArn",
        "arn:aws:lambda:us-east-1:999999999999:function:api",
    );
    assert_eq!(decide(&p, &r), Decision::ImplicitDeny);
}

#[test]
fn not_action_deny_and_not_resource() {
    // A Deny of everything except pulling: pushing is denied, pulling is not.
    let repo = repo_policy(
        r#"{"Sid":"ReadOnlyRepo","Effect":"Deny","Principal":"*",
          "NotAction":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:BatchCheckLayerAvailability"]}"#,
    );
    let admin = inline(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let p = policies(std::slice::from_ref(&admin), Some(repo));
    let e = evaluate(&p, &request(NODE, "ecr:PutImage"));
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert_eq!(e.deciding[0].sid.as_deref(), Some("ReadOnlyRepo"));
    assert_eq!(decide(&p, &request(NODE, PULL)), Decision::Allow);
    // NotResource: everything but this team's repositories.
    let not_team = inline(
        r#"{"Effect":"Allow","Action":"ecr:*","NotResource":"arn:aws:ecr:*:111122223333:repository/team/*"}"#,
    );
    let p = policies(&[not_team], None);
    assert_eq!(decide(&p, &request(NODE, PULL)), Decision::ImplicitDeny);
    let mut elsewhere = request(NODE, PULL);
    elsewhere.resource = "arn:aws:ecr:us-east-1:111122223333:repository/other".into();
    assert_eq!(decide(&p, &elsewhere), Decision::Allow);
}

#[test]
fn question_mark_deny_matches_push_actions() {
    let repo = repo_policy(
        r#"{"Sid":"NoUploads","Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"ecr:?utImage"}"#,
    );
    let admin = inline(r#"{"Effect":"Allow","Action":"ecr:*","Resource":"*"}"#);
    let p = policies(&[admin], Some(repo));
    assert_eq!(
        decide(&p, &request(NODE, "ecr:PutImage")),
        Decision::ExplicitDeny
    );
    assert_eq!(
        decide(&p, &request(NODE, "ecr:InitiateLayerUpload")),
        Decision::Allow
    );
}

#[test]
fn conditions_on_known_keys_are_decided() {
    let only_this_account = repo_policy(
        r#"{"Sid":"DenyOthers","Effect":"Deny","Principal":"*","Action":"ecr:*",
          "Condition":{"StringNotEquals":{"aws:PrincipalAccount":["111122223333","777777777777"]}}}"#,
    );
    let read = policy("AmazonEC2ContainerRegistryReadOnly", READ_ONLY);
    let p = policies(std::slice::from_ref(&read), Some(only_this_account.clone()));
    assert_eq!(decide(&p, &request(NODE, PULL)), Decision::Allow);
    let p = policies(std::slice::from_ref(&read), Some(only_this_account));
    assert_eq!(decide(&p, &request(OTHER, PULL)), Decision::ExplicitDeny);

    // aws:PrincipalArn is exact for a role, unknown for a session (its path is not shown).
    let by_arn = repo_policy(
        r#"{"Sid":"OnlyCi","Effect":"Deny","Principal":"*","Action":"ecr:PutImage",
          "Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/ci/*"}}}"#,
    );
    let admin = inline(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let p = policies(std::slice::from_ref(&admin), Some(by_arn));
    let role = "arn:aws:iam::111122223333:role/ci/builder";
    assert_eq!(decide(&p, &request(role, "ecr:PutImage")), Decision::Allow);
    assert_eq!(
        decide(
            &p,
            &request("arn:aws:iam::111122223333:role/dev", "ecr:PutImage")
        ),
        Decision::ExplicitDeny
    );
    let session = "arn:aws:sts::111122223333:assumed-role/builder/s1";
    assert_eq!(
        decide(&p, &request(session, "ecr:PutImage")),
        Decision::Unknown
    );
    let mut told = request(session, "ecr:PutImage");
    told.context = Context::new().with("aws:PrincipalArn", role);
    assert_eq!(decide(&p, &told), Decision::Allow);

    // ECR is HTTPS only: the usual "deny insecure transport" statement never applies.
    let tls = repo_policy(
        r#"{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"ecr:*",
          "Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
    );
    let p = policies(&[admin], Some(tls));
    assert_eq!(decide(&p, &request(NODE, PULL)), Decision::Allow);
}

#[test]
fn vpc_endpoint_conditions_when_given() {
    let repo = repo_policy(
        r#"{"Sid":"OnlyFromVpce","Effect":"Deny","Principal":"*","Action":"ecr:*",
          "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}"#,
    );
    let read = policy("AmazonEC2ContainerRegistryReadOnly", READ_ONLY);
    let p = policies(&[read], Some(repo));
    let e = evaluate(&p, &request(NODE, PULL));
    assert_eq!(e.decision, Decision::Unknown);
    assert_eq!(e.deciding[0].sid.as_deref(), Some("OnlyFromVpce"));
    let mut r = request(NODE, PULL);
    r.context = Context::new().with("aws:SourceVpce", "vpce-1a2b3c4d");
    assert_eq!(decide(&p, &r), Decision::Allow);
    r.context = Context::new().with("aws:SourceVpce", "vpce-other");
    assert_eq!(decide(&p, &r), Decision::ExplicitDeny);
    // Not through an endpoint: the key is absent, and a negated operator is then true.
    r.context = Context::new().without("aws:SourceVpce");
    assert_eq!(decide(&p, &r), Decision::ExplicitDeny);
}

#[test]
fn unknown_allow_is_unknown_and_decided_allow_wins_over_it() {
    let org = inline(
        r#"{"Sid":"OrgOnly","Effect":"Allow","Action":"ecr:*","Resource":"*",
          "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}"#,
    );
    let e = evaluate(
        &policies(std::slice::from_ref(&org), None),
        &request(NODE, PULL),
    );
    assert_eq!(e.decision, Decision::Unknown);
    assert_eq!(e.identity, Grant::Unknown);
    assert_eq!(e.deciding[0].sid.as_deref(), Some("OrgOnly"));
    let read = policy("AmazonEC2ContainerRegistryReadOnly", READ_ONLY);
    assert_eq!(
        decide(&policies(&[org, read], None), &request(NODE, PULL)),
        Decision::Allow
    );
}

#[test]
fn policy_variables() {
    let own = inline(
        r#"{"Effect":"Allow","Action":"ecr:*","Resource":"arn:aws:ecr:*:111122223333:repository/${aws:username}/*"}"#,
    );
    let p = policies(&[own], None);
    let mut r = request("arn:aws:iam::111122223333:user/team", PULL);
    assert_eq!(decide(&p, &r), Decision::Allow);
    r.principal = principal("arn:aws:iam::111122223333:user/other");
    assert_eq!(decide(&p, &r), Decision::ImplicitDeny);
    // A role has no aws:username: the resource matches nothing.
    assert_eq!(decide(&p, &request(NODE, PULL)), Decision::ImplicitDeny);
    // A tag variable is unknown unless given, and a default applies when it is absent.
    let tagged = inline(
        r#"{"Effect":"Allow","Action":"ecr:*","Resource":"*",
          "Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team, 'none'}"}}}"#,
    );
    let p = policies(&[tagged], None);
    let mut r = request(NODE, PULL);
    r.context = Context::new().with("aws:ResourceTag/team", "none");
    assert_eq!(decide(&p, &r), Decision::Unknown);
    r.context = r.context.without("aws:PrincipalTag/team");
    assert_eq!(decide(&p, &r), Decision::Allow);
    // Version 2008-10-17 (or none): ${…} is literal text.
    let old = policy(
        "inline:old",
        r#"{"Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"arn:aws:ecr:*:111122223333:repository/${aws:username}/*"}]}"#,
    );
    let r = request("arn:aws:iam::111122223333:user/team", PULL);
    assert_eq!(decide(&policies(&[old], None), &r), Decision::ImplicitDeny);
}

#[test]
fn condition_operators() {
    use super::condition::{Truth, evaluate as cond};
    let c = |op: &str, key: &str, values: &[&str]| Condition {
        operator: op.into(),
        key: key.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    let ctx = Context::new()
        .with("aws:CurrentTime", "2026-11-30T12:00:00Z")
        .with("aws:EpochTime", "1796040000")
        .with("aws:SourceIp", "203.0.113.7")
        .with("aws:MultiFactorAuthPresent", "true")
        .with("s:Name", "Team-App")
        .with("n:Count", "10")
        .with_values("aws:TagKeys", vec!["team".into(), "env".into()])
        .without("aws:SourceVpc");
    let yes = |cd: Condition| assert_eq!(cond(&cd, &ctx, true), Truth::True, "{cd:?}");
    let no = |cd: Condition| assert_eq!(cond(&cd, &ctx, true), Truth::False, "{cd:?}");
    let unknown =
        |cd: Condition| assert!(matches!(cond(&cd, &ctx, true), Truth::Unknown(_)), "{cd:?}");
    yes(c("StringEquals", "S:NAME", &["x", "Team-App"]));
    no(c("StringEquals", "s:Name", &["team-app"]));
    yes(c("StringEqualsIgnoreCase", "s:Name", &["team-app"]));
    yes(c("StringNotEqualsIgnoreCase", "s:Name", &["x"]));
    yes(c("StringLike", "s:Name", &["Team-*"]));
    no(c("StringNotLike", "s:Name", &["*App"]));
    yes(c("NumericLessThan", "n:Count", &["10.5"]));
    no(c("NumericGreaterThan", "n:Count", &["10"]));
    yes(c("NumericGreaterThanEquals", "n:Count", &["10"]));
    yes(c("NumericNotEquals", "n:Count", &["9", "11"]));
    yes(c(
        "DateGreaterThan",
        "aws:CurrentTime",
        &["2026-01-01T00:00:00Z"],
    ));
    no(c("DateLessThan", "aws:CurrentTime", &["2026-01-01"]));
    yes(c(
        "DateLessThan",
        "aws:EpochTime",
        &["2027-01-01T00:00:00Z"],
    ));
    yes(c("Bool", "aws:MultiFactorAuthPresent", &["true"]));
    yes(c("IpAddress", "aws:SourceIp", &["203.0.113.0/24"]));
    no(c(
        "IpAddress",
        "aws:SourceIp",
        &["198.51.100.0/24", "2001:db8::/32"],
    ));
    yes(c("NotIpAddress", "aws:SourceIp", &["10.0.0.0/8"]));
    // Absent keys: positive operators false, negated true, IfExists true, Null true.
    no(c("StringEquals", "aws:SourceVpc", &["vpc-1"]));
    yes(c("StringNotEquals", "aws:SourceVpc", &["vpc-1"]));
    yes(c("StringEqualsIfExists", "aws:SourceVpc", &["vpc-1"]));
    yes(c("Null", "aws:SourceVpc", &["true"]));
    no(c("Null", "s:Name", &["true"]));
    yes(c("Null", "s:Name", &["false"]));
    // Multi-valued keys.
    yes(c("ForAnyValue:StringEquals", "aws:TagKeys", &["env"]));
    no(c("ForAllValues:StringEquals", "aws:TagKeys", &["env"]));
    yes(c("ForAllValues:StringLike", "aws:TagKeys", &["team", "e*"]));
    yes(c("ForAllValues:StringEquals", "aws:SourceVpc", &["x"]));
    no(c("ForAnyValue:StringEquals", "aws:SourceVpc", &["x"]));
    // Unknown keys, IfExists on an unknown key, bad values, unknown operators.
    unknown(c("StringEquals", "aws:PrincipalOrgID", &["o-1"]));
    unknown(c("StringNotEqualsIfExists", "aws:PrincipalOrgID", &["o-1"]));
    unknown(c("Null", "aws:PrincipalOrgID", &["true"]));
    unknown(c("NumericLessThan", "n:Count", &["ten"]));
    unknown(c("StringMatches", "s:Name", &["x"]));
    unknown(c("StringLike", "s:Name", &["${*}"]));
}

#[test]
fn permissions_boundary_is_a_caveat_and_not_principal_deny_applies() {
    let read = policy("AmazonEC2ContainerRegistryReadOnly", READ_ONLY);
    let mut p = policies(std::slice::from_ref(&read), None);
    p.caveats.push(Policies::boundary_caveat(
        "arn:aws:iam::111122223333:policy/b",
    ));
    let e = evaluate(&p, &request(NODE, PULL));
    assert_eq!(e.decision, Decision::Allow);
    assert_eq!(e.caveats.len(), 1);
    let repo = repo_policy(
        r#"{"Sid":"AllButAdmins","Effect":"Deny","Action":"ecr:*",
          "NotPrincipal":{"AWS":["arn:aws:sts::111122223333:assumed-role/node/i-0abc","111122223333"]}}"#,
    );
    p.resource = Some(repo.clone());
    assert_eq!(decide(&p, &request(NODE, PULL)), Decision::ExplicitDeny);
    let without = policies(&[read], Some(repo));
    assert_eq!(decide(&without, &request(NODE, PULL)), Decision::Allow);
}

#[test]
fn kms_key_policy_must_allow_directly_or_through_the_account() {
    // KMS docs: the default key policy's "Enable IAM User Permissions" statement lets IAM
    // policies grant; without it, IAM alone grants nothing.
    let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let decrypt = inline(r#"{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}"#);
    let mut r = request(NODE, "kms:Decrypt");
    r.resource = key.into();
    let enable_iam = policy(
        "key policy",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}"#,
    );
    let admins_only = policy(
        "key policy",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Admins","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"kms:*","Resource":"*"}]}"#,
    );
    let node_direct = policy(
        "key policy",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Node","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:role/node"},"Action":"kms:Decrypt","Resource":"*"}]}"#,
    );
    let with = |identity: &[Policy], key_policy: Option<Policy>| {
        decide(&policies(identity, key_policy), &r)
    };
    assert_eq!(
        with(std::slice::from_ref(&decrypt), Some(enable_iam.clone())),
        Decision::Allow
    );
    assert_eq!(with(&[], Some(enable_iam)), Decision::ImplicitDeny);
    assert_eq!(
        with(std::slice::from_ref(&decrypt), Some(admins_only)),
        Decision::ImplicitDeny
    );
    assert_eq!(
        with(std::slice::from_ref(&decrypt), None),
        Decision::ImplicitDeny
    );
    assert_eq!(with(&[], Some(node_direct)), Decision::Allow);
}

#[test]
fn get_authorization_token_needs_resource_star() {
    let scoped = inline(
        r#"{"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"arn:aws:ecr:*:111122223333:repository/*"}"#,
    );
    let mut r = request(NODE, "ecr:GetAuthorizationToken");
    r.resource = "*".into();
    assert_eq!(
        decide(&policies(&[scoped], None), &r),
        Decision::ImplicitDeny
    );
    let read = policy("AmazonEC2ContainerRegistryReadOnly", READ_ONLY);
    assert_eq!(decide(&policies(&[read], None), &r), Decision::Allow);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const ACTIONS: &[&str] = &[
        "\"Action\":\"*\"",
        "\"Action\":\"ecr:*\"",
        "\"Action\":[\"ecr:BatchGetImage\",\"ecr:PutImage\"]",
        "\"Action\":\"ecr:Get*\"",
        "\"Action\":\"ecr:B?tchGetImage\"",
        "\"NotAction\":\"ecr:PutImage\"",
        "\"NotAction\":[\"ecr:Batch*\"]",
    ];
    const RESOURCES: &[&str] = &[
        "\"Resource\":\"*\"",
        "\"Resource\":\"arn:aws:ecr:*:111122223333:repository/team/*\"",
        "\"Resource\":\"arn:aws:ecr:us-east-1:111122223333:repository/other\"",
        "\"NotResource\":\"arn:aws:ecr:*:*:repository/other\"",
    ];
    const PRINCIPALS: &[&str] = &[
        "\"Principal\":\"*\"",
        "\"Principal\":{\"AWS\":\"111122223333\"}",
        "\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"}",
        "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/node\"}",
        "\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:role/consumer\"}",
        "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"}",
        "\"NotPrincipal\":{\"AWS\":[\"arn:aws:iam::444455556666:role/consumer\",\"444455556666\"]}",
    ];
    const CONDITIONS: &[&str] = &[
        "",
        ",\"Condition\":{\"StringEquals\":{\"aws:PrincipalAccount\":\"111122223333\"}}",
        ",\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-1\"}}",
        ",\"Condition\":{\"StringNotEqualsIfExists\":{\"aws:SourceVpce\":\"vpce-1\"}}",
        ",\"Condition\":{\"Null\":{\"aws:SourceVpc\":\"true\"}}",
        ",\"Condition\":{\"ForAnyValue:StringLike\":{\"aws:PrincipalOrgPaths\":\"o-1/*\"}}",
    ];
    const WHO: &[&str] = &[
        "arn:aws:sts::111122223333:assumed-role/node/i-0abc",
        "arn:aws:iam::111122223333:role/node",
        "arn:aws:iam::444455556666:role/consumer",
        "arn:aws:iam::111122223333:user/dev",
        "lambda.amazonaws.com",
    ];
    /// The keys some conditions test and the evaluator does not know by itself.
    const UNKNOWN_KEYS: &[(&str, &[&str])] = &[
        ("aws:PrincipalOrgID", &["o-1", "o-2"]),
        ("aws:SourceVpce", &["vpce-1", "vpce-2"]),
        ("aws:SourceVpc", &["vpc-1"]),
        ("aws:PrincipalOrgPaths", &["o-1/r-1/", "o-2/r-2/"]),
    ];

    #[derive(Debug, Clone)]
    struct Gen {
        allow: bool,
        action: usize,
        resource: usize,
        principal: usize,
        condition: usize,
    }

    fn statement() -> impl Strategy<Value = Gen> {
        (
            any::<bool>(),
            0..ACTIONS.len(),
            0..RESOURCES.len(),
            0..PRINCIPALS.len(),
            0..CONDITIONS.len(),
        )
            .prop_map(|(allow, action, resource, principal, condition)| Gen {
                allow,
                action,
                resource,
                principal,
                condition,
            })
    }

    fn text(g: &Gen, with_principal: bool, sid: usize) -> String {
        let principal = match with_principal {
            true => format!("{},", PRINCIPALS[g.principal]),
            false => String::new(),
        };
        format!(
            "{{\"Sid\":\"S{sid}\",\"Effect\":\"{}\",{principal}{},{}{}}}",
            if g.allow { "Allow" } else { "Deny" },
            ACTIONS[g.action],
            RESOURCES[g.resource],
            CONDITIONS[g.condition]
        )
    }

    fn build(identity: &[Gen], resource: &[Gen]) -> Policies {
        let join = |list: &[Gen], p: bool| {
            list.iter()
                .enumerate()
                .map(|(i, g)| text(g, p, i))
                .collect::<Vec<_>>()
                .join(",")
        };
        let doc = |body: String| format!(r#"{{"Version":"2012-10-17","Statement":[{body}]}}"#);
        Policies {
            identity: vec![policy("inline:gen", &doc(join(identity, false)))],
            resource: (!resource.is_empty())
                .then(|| policy("repository policy", &doc(join(resource, true)))),
            resource_account: "111122223333".into(),
            caveats: Vec::new(),
        }
    }

    fn req(who: usize, action: bool, context: Context) -> Request {
        Request {
            principal: match WHO[who].starts_with("arn:") {
                true => principal(WHO[who]),
                false => Principal::service(WHO[who]),
            },
            action: if action {
                "ecr:BatchGetImage"
            } else {
                "ecr:PutImage"
            }
            .into(),
            resource: REPO.into(),
            context,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn adding_a_deny_never_allows(
            identity in proptest::collection::vec(statement(), 0..4),
            resource in proptest::collection::vec(statement(), 0..4),
            mut extra in statement(),
            to_resource in any::<bool>(),
            who in 0..WHO.len(),
            pull in any::<bool>(),
        ) {
            let before = decide(&build(&identity, &resource), &req(who, pull, Context::new()));
            extra.allow = false;
            let (mut i, mut r) = (identity.clone(), resource.clone());
            if to_resource { r.push(extra) } else { i.push(extra) }
            let after = decide(&build(&i, &r), &req(who, pull, Context::new()));
            prop_assert!(after != Decision::Allow || before == Decision::Allow, "{before:?} → {after:?}");
            prop_assert!(before != Decision::ExplicitDeny || after == Decision::ExplicitDeny);
        }

        #[test]
        fn adding_an_allow_keeps_an_allow(
            identity in proptest::collection::vec(statement(), 0..4),
            resource in proptest::collection::vec(statement(), 0..4),
            mut extra in statement(),
            to_resource in any::<bool>(),
            who in 0..WHO.len(),
            pull in any::<bool>(),
        ) {
            let before = decide(&build(&identity, &resource), &req(who, pull, Context::new()));
            extra.allow = true;
            let (mut i, mut r) = (identity.clone(), resource.clone());
            if to_resource { r.push(extra) } else { i.push(extra) }
            let after = decide(&build(&i, &r), &req(who, pull, Context::new()));
            prop_assert!(before != Decision::Allow || after == Decision::Allow, "{before:?} → {after:?}");
            prop_assert!(before != Decision::ExplicitDeny || after == Decision::ExplicitDeny);
        }

        #[test]
        fn statement_order_is_irrelevant(
            identity in proptest::collection::vec(statement(), 0..5),
            resource in proptest::collection::vec(statement(), 0..5),
            who in 0..WHO.len(),
            pull in any::<bool>(),
        ) {
            let forward = decide(&build(&identity, &resource), &req(who, pull, Context::new()));
            let (mut i, mut r) = (identity.clone(), resource.clone());
            i.reverse();
            r.reverse();
            let backward = decide(&build(&i, &r), &req(who, pull, Context::new()));
            prop_assert_eq!(forward, backward);
        }

        /// Never a confident wrong answer: whatever the unknown keys turn out to be, a
        /// decided answer stays the same.
        #[test]
        fn decided_answers_hold_for_every_value_of_the_unknown_keys(
            identity in proptest::collection::vec(statement(), 0..4),
            resource in proptest::collection::vec(statement(), 0..4),
            who in 0..WHO.len(),
            pull in any::<bool>(),
            choice in proptest::collection::vec(0usize..3, UNKNOWN_KEYS.len()),
        ) {
            let p = build(&identity, &resource);
            let open = evaluate(&p, &req(who, pull, Context::new()));
            let mut ctx = Context::new();
            for ((key, values), c) in UNKNOWN_KEYS.iter().zip(&choice) {
                ctx = match values.get(*c) {
                    Some(v) => ctx.with(key, *v),
                    None => ctx.without(key),
                };
            }
            let known = evaluate(&p, &req(who, pull, ctx));
            // The keys are known now; what stays Unknown may only be something else (a
            // NotPrincipal naming the role, not the session, is never a key's value).
            for why in &known.unknown {
                prop_assert!(
                    !UNKNOWN_KEYS.iter().any(|(key, _)| why.contains(key)),
                    "all keys known, still: {why}"
                );
            }
            let known = known.decision;
            match open.decision {
                Decision::Allow | Decision::ExplicitDeny => {
                    prop_assert_eq!(open.decision, known, "{:?}", open)
                }
                // Denied for sure; whether explicitly may hang on an undecided Deny.
                Decision::ImplicitDeny => prop_assert_ne!(known, Decision::Allow, "{:?}", open),
                Decision::Unknown => {}
            }
        }
    }
}
