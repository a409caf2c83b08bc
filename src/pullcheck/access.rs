//! Who may pull: the principal's identity policies and the repository policy, asked of
//! the IAM evaluator for each action a pull makes, turned into checks with the fix. Pure.

use serde_json::{Value, json};

use super::check::{AutoFix, Check, CheckId, Status};
use crate::iam::{self, Decision, Evaluation, Grant, Policies, Policy, Principal, Request};

/// What a pull may call on the repository (besides `ecr:GetAuthorizationToken` on `*`).
/// The last is [`OPTIONAL_ACTION`].
pub const PULL_ACTIONS: [&str; 3] = [
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchCheckLayerAvailability",
];

/// Checked, but a pull works without it: docker, containerd and kubelet fetch the manifest
/// (BatchGetImage) and the layers (GetDownloadUrlForLayer) only, and
/// AmazonEC2ContainerRegistryPullOnly does not grant it. Missing, it warns.
pub const OPTIONAL_ACTION: &str = "ecr:BatchCheckLayerAvailability";

/// A failure on [`OPTIONAL_ACTION`] is a warning.
fn soften(action: &str, check: Check) -> Check {
    if action != OPTIONAL_ACTION || check.status != Status::Fail {
        return check;
    }
    Check {
        status: Status::Warn,
        reason: format!(
            "{} (a pull does not need it: docker, containerd and kubelet pull without it, and AmazonEC2ContainerRegistryPullOnly does not grant it; some tools check layers with it)",
            check.reason
        ),
        auto_fix: None,
        ..check
    }
}

/// The AWS managed policy `--fix` attaches: exactly the pull actions, nothing more.
pub const PULL_ONLY_POLICY: &str = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly";

pub const LAMBDA_SERVICE: &str = "lambda.amazonaws.com";

/// Everything the access checks judge.
#[derive(Debug, Clone)]
pub struct AccessInput {
    pub principal: Principal,
    /// The principal's identity policies and caveats, or why they could not be read.
    pub identity: Result<(Vec<Policy>, Vec<String>), String>,
    /// The repository policy (`None`: there is none), or why it could not be read.
    pub repository_policy: Result<Option<Policy>, String>,
    pub repository: String,
    pub repository_arn: String,
    pub repository_account: String,
    /// The KMS key of a KMS-encrypted repository.
    pub kms_key: Option<String>,
    /// A Lambda function's ARN: the Lambda service pulls for it, and across accounts the
    /// repository policy must let `lambda.amazonaws.com` in too.
    pub lambda_function_arn: Option<String>,
    /// The role `--fix` may attach the pull-only policy to (a role in the credentials'
    /// account); `None` when the principal is not such a role.
    pub attachable_role: Option<String>,
}

fn context(p: &Principal) -> iam::Context {
    iam::Context::new()
        .with("aws:PrincipalArn", p.arn.clone())
        .with("aws:PrincipalAccount", p.account.clone())
}

fn refs(e: &Evaluation) -> String {
    e.deciding
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn attach_fix(input: &AccessInput) -> String {
    match &input.attachable_role {
        Some(role) => format!(
            "aws iam attach-role-policy --role-name {role} --policy-arn {PULL_ONLY_POLICY} (or --fix)"
        ),
        None => format!(
            "attach {PULL_ONLY_POLICY} (or a policy allowing ecr:GetAuthorizationToken on * and {} on {}) to {} in account {}",
            PULL_ACTIONS.join(", "),
            input.repository_arn,
            input.principal.arn,
            input.principal.account
        ),
    }
}

fn with_attach(check: Check, input: &AccessInput) -> Check {
    match &input.attachable_role {
        Some(role) => check.with_auto_fix(AutoFix::AttachRolePolicy {
            role_name: role.clone(),
            policy_arn: PULL_ONLY_POLICY.to_string(),
        }),
        None => check,
    }
}

/// The repository-policy statement that lets the consumer account pull.
pub fn consumer_statement(input: &AccessInput) -> Vec<Value> {
    let mut statements = vec![json!({
        "Sid": format!("PullFrom{}", input.principal.account),
        "Effect": "Allow",
        "Principal": { "AWS": format!("arn:aws:iam::{}:root", input.principal.account) },
        "Action": PULL_ACTIONS,
    })];
    if let Some(function) = &input.lambda_function_arn {
        let region = function.split(':').nth(3).unwrap_or("*");
        statements.push(json!({
            "Sid": "LambdaECRImageCrossAccountRetrievalPolicy",
            "Effect": "Allow",
            "Principal": { "Service": LAMBDA_SERVICE },
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            "Condition": { "StringLike": { "aws:sourceARN": format!("arn:aws:lambda:{region}:{}:function:*", input.principal.account) } }
        }));
    }
    statements
}

/// The access checks: authorization token, the pull actions, the repository policy, KMS.
pub fn checks(input: &AccessInput) -> Vec<Check> {
    let (identity, caveats, identity_error) = match &input.identity {
        Ok((policies, caveats)) => (policies.clone(), caveats.clone(), None),
        Err(why) => (Vec::new(), Vec::new(), Some(why.clone())),
    };
    let (resource, resource_error) = match &input.repository_policy {
        Ok(policy) => (policy.clone(), None),
        Err(why) => (None, Some(why.clone())),
    };
    let who = &input.principal.arn;
    let mut out = Vec::new();

    // 1. ecr:GetAuthorizationToken on *: identity policies only.
    out.push(match &identity_error {
        Some(why) => Check::could_not_check(
            CheckId::IamAuthorizationToken,
            format!("could not read the identity policies of {who}"),
            why.clone(),
        ),
        None => {
            let policies = Policies {
                identity: identity.clone(),
                resource: None,
                resource_account: input.principal.account.clone(),
                caveats: caveats.clone(),
            };
            let e = iam::evaluate(&policies, &request(input, "ecr:GetAuthorizationToken", "*"));
            match e.decision {
                Decision::Allow => Check::ok(
                    CheckId::IamAuthorizationToken,
                    format!("{who} may call ecr:GetAuthorizationToken ({}){}", refs(&e), caveat_note(&e)),
                ),
                Decision::ImplicitDeny => with_attach(
                    Check::fail(
                        CheckId::IamAuthorizationToken,
                        format!("no identity policy of {who} allows ecr:GetAuthorizationToken: docker/kubelet get no registry token (\"no basic auth credentials\")"),
                        attach_fix(input),
                    ),
                    input,
                ),
                Decision::ExplicitDeny => Check::fail(
                    CheckId::IamAuthorizationToken,
                    format!("ecr:GetAuthorizationToken is denied to {who} by {}", refs(&e)),
                    format!("remove or narrow {}", refs(&e)),
                ),
                Decision::Unknown => Check::warn(
                    CheckId::IamAuthorizationToken,
                    format!("cannot tell whether {who} may call ecr:GetAuthorizationToken: {}", e.unknown.join("; ")),
                    "check the statements named by hand (aws iam simulate-principal-policy)",
                ),
            }
        }
    });

    // 2. The pull actions on the repository, both sides together.
    let policies = Policies {
        identity: identity.clone(),
        resource: resource.clone(),
        resource_account: input.repository_account.clone(),
        caveats: caveats.clone(),
    };
    let evaluations: Vec<(&str, Evaluation)> = PULL_ACTIONS
        .iter()
        .map(|a| {
            (
                *a,
                iam::evaluate(&policies, &request(input, a, &input.repository_arn)),
            )
        })
        .collect();
    let cross = input.principal.account != input.repository_account;
    out.push(match &identity_error {
        Some(why) => Check::could_not_check(
            CheckId::IamPull,
            format!("could not read the identity policies of {who}"),
            why.clone(),
        ),
        None => identity_side(input, &evaluations, cross),
    });

    // 3. The repository policy.
    let mut repo_check = match &resource_error {
        Some(why) => Check::could_not_check(
            CheckId::RepositoryPolicy,
            format!(
                "could not read the repository policy of {}",
                input.repository
            ),
            why.clone(),
        ),
        None => resource_side(input, &evaluations, cross, resource.is_some()),
    };
    if let Some(function) = &input.lambda_function_arn
        && resource_error.is_none()
        && cross
        && repo_check.status != Status::Fail
    {
        repo_check = lambda_side(input, &policies, function).unwrap_or(repo_check);
    }
    out.push(repo_check);

    // 4. KMS.
    out.push(kms(input, &identity, &caveats, identity_error.as_deref()));
    out
}

fn request(input: &AccessInput, action: &str, resource: &str) -> Request {
    Request {
        principal: input.principal.clone(),
        action: action.to_string(),
        resource: resource.to_string(),
        context: context(&input.principal),
    }
}

fn caveat_note(e: &Evaluation) -> String {
    if e.caveats.is_empty() {
        String::new()
    } else {
        format!("; not evaluated: {}", e.caveats.join("; "))
    }
}

fn decided_by_repository(e: &Evaluation) -> bool {
    e.deciding.iter().any(|s| s.policy == "repository policy")
}

fn identity_side(input: &AccessInput, evaluations: &[(&str, Evaluation)], cross: bool) -> Check {
    let who = &input.principal.arn;
    let mut worst = Check::ok(CheckId::IamPull, String::new());
    let mut oks = Vec::new();
    for (action, e) in evaluations {
        let check = if cross {
            match (e.decision, e.identity) {
                (Decision::ExplicitDeny, _) if !decided_by_repository(e) => Check::fail(
                    CheckId::IamPull,
                    format!("{action} is denied to {who} by {}", refs(e)),
                    format!("remove or narrow {}", refs(e)),
                ),
                (_, Grant::Allows) => Check::ok(CheckId::IamPull, action.to_string()),
                (_, Grant::Unknown) => Check::warn(
                    CheckId::IamPull,
                    format!(
                        "cannot tell whether the identity policies of {who} allow {action}: {}",
                        e.unknown.join("; ")
                    ),
                    "check the statements named by hand (aws iam simulate-principal-policy)",
                ),
                (_, Grant::DoesNotAllow) => with_attach(
                    Check::fail(
                        CheckId::IamPull,
                        format!(
                            "no identity policy of {who} (account {}) allows {action} on {}: a cross-account pull needs IAM in the consumer account as well as the repository policy (\"pull access denied\")",
                            input.principal.account, input.repository_arn
                        ),
                        attach_fix(input),
                    ),
                    input,
                ),
            }
        } else {
            match e.decision {
                Decision::Allow => Check::ok(CheckId::IamPull, action.to_string()),
                Decision::ExplicitDeny if decided_by_repository(e) => {
                    Check::ok(CheckId::IamPull, action.to_string())
                }
                Decision::ExplicitDeny => Check::fail(
                    CheckId::IamPull,
                    format!("{action} is denied to {who} by {}", refs(e)),
                    format!("remove or narrow {}", refs(e)),
                ),
                Decision::ImplicitDeny => with_attach(
                    Check::fail(
                        CheckId::IamPull,
                        format!(
                            "no identity policy of {who} (nor the repository policy) allows {action} on {}: kubelet/docker say \"pull access denied\" (EKS: ImagePullBackOff)",
                            input.repository_arn
                        ),
                        attach_fix(input),
                    ),
                    input,
                ),
                Decision::Unknown => Check::warn(
                    CheckId::IamPull,
                    format!(
                        "cannot tell whether {who} may call {action}: {}{}",
                        e.unknown.join("; "),
                        if e.deciding.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", refs(e))
                        }
                    ),
                    "check the statements named by hand (aws iam simulate-principal-policy); ecrctl never guesses a condition it cannot see",
                ),
            }
        };
        let check = soften(action, check);
        if check.status == Status::Ok {
            oks.push(action.to_string());
        }
        if check.status > worst.status {
            worst = check;
        }
    }
    if worst.status == Status::Ok {
        let by: Vec<String> = evaluations
            .iter()
            .flat_map(|(_, e)| e.deciding.iter().map(ToString::to_string))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let note = evaluations
            .first()
            .map(|(_, e)| caveat_note(e))
            .unwrap_or_default();
        worst.reason = format!(
            "{who} may call {} on {} ({}){note}",
            oks.join(", "),
            input.repository,
            by.join(", ")
        );
    }
    worst
}

fn resource_side(
    input: &AccessInput,
    evaluations: &[(&str, Evaluation)],
    cross: bool,
    has_policy: bool,
) -> Check {
    let who = &input.principal.arn;
    let id = CheckId::RepositoryPolicy;
    // A Deny in the repository policy stops the pull either way.
    if let Some((action, e)) = evaluations
        .iter()
        .find(|(_, e)| e.decision == Decision::ExplicitDeny && decided_by_repository(e))
    {
        return Check::fail(
            id,
            format!(
                "the repository policy of {} denies {action} to {who}: {}",
                input.repository,
                refs(e)
            ),
            format!(
                "remove or narrow {} (aws ecr get-repository-policy --repository-name {})",
                refs(e),
                input.repository
            ),
        );
    }
    if !cross {
        if let Some((action, e)) = evaluations
            .iter()
            .find(|(_, e)| e.decision == Decision::Unknown && decided_by_repository(e))
        {
            return Check::warn(
                id,
                format!(
                    "cannot tell what the repository policy of {} says about {action}: {}",
                    input.repository,
                    e.unknown.join("; ")
                ),
                "check the statements named by hand",
            );
        }
        return Check::ok(
            id,
            match has_policy {
                true => format!(
                    "same account ({}): the repository policy denies nothing to {who}; IAM decides",
                    input.repository_account
                ),
                false => format!(
                    "same account ({}): no repository policy is needed; IAM decides",
                    input.repository_account
                ),
            },
        );
    }
    let mut worst: Option<Check> = None;
    for (action, e) in evaluations {
        let check = match e.resource {
            Grant::Allows => continue,
            Grant::Unknown => Check::warn(
                id,
                format!(
                    "cannot tell whether the repository policy of {} lets {who} call {action}: {}",
                    input.repository,
                    e.unknown.join("; ")
                ),
                "check the statements named by hand",
            ),
            Grant::DoesNotAllow => {
                let statements = consumer_statement(input);
                Check::fail(
                    id,
                    format!(
                        "cross-account pull: the repository {} in account {} has {} allowing {action} to {who} of account {}; both sides must allow it (IAM in {}, the repository policy in {})",
                        input.repository,
                        input.repository_account,
                        if has_policy { "no repository-policy statement" } else { "no repository policy" },
                        input.principal.account,
                        input.principal.account,
                        input.repository_account,
                    ),
                    format!(
                        "in account {}, add to the repository policy of {} (or --fix): {}",
                        input.repository_account,
                        input.repository,
                        statements.iter().map(Value::to_string).collect::<Vec<_>>().join(" ")
                    ),
                )
                .with_auto_fix(AutoFix::AddRepositoryStatement {
                    repository: input.repository.clone(),
                    statement: Value::Array(statements),
                })
            }
        };
        let check = soften(action, check);
        if worst.as_ref().is_none_or(|w| check.status > w.status) {
            worst = Some(check);
        }
    }
    worst.unwrap_or_else(|| {
        Check::ok(
            id,
            format!(
                "cross-account: the repository policy of {} (account {}) allows {} to {who} ({})",
                input.repository,
                input.repository_account,
                PULL_ACTIONS.join(", "),
                evaluations
                    .iter()
                    .flat_map(|(_, e)| e
                        .deciding
                        .iter()
                        .filter(|s| s.policy == "repository policy")
                        .map(ToString::to_string))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

/// Across accounts, the Lambda service fetches the image: the repository policy must let
/// `lambda.amazonaws.com` in for the function's account. `None`: it does.
fn lambda_side(input: &AccessInput, policies: &Policies, function: &str) -> Option<Check> {
    let service = Principal::service(LAMBDA_SERVICE);
    let account = &input.principal.account;
    for action in ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] {
        let request = Request {
            principal: service.clone(),
            action: action.to_string(),
            resource: input.repository_arn.clone(),
            context: iam::Context::new()
                .with("aws:SourceArn", function.to_string())
                .with("aws:SourceAccount", account.clone()),
        };
        let e = iam::evaluate(policies, &request);
        if e.resource != Grant::Allows {
            let statements = consumer_statement(input);
            return Some(
                Check::fail(
                    CheckId::RepositoryPolicy,
                    format!(
                        "cross-account Lambda: the repository policy of {} (account {}) does not let {LAMBDA_SERVICE} call {action} for functions of account {account}{}",
                        input.repository,
                        input.repository_account,
                        if e.unknown.is_empty() { String::new() } else { format!(" ({})", e.unknown.join("; ")) }
                    ),
                    format!(
                        "in account {}, add to the repository policy of {} (or --fix): {}",
                        input.repository_account,
                        input.repository,
                        statements.iter().map(Value::to_string).collect::<Vec<_>>().join(" ")
                    ),
                )
                .with_auto_fix(AutoFix::AddRepositoryStatement {
                    repository: input.repository.clone(),
                    statement: Value::Array(statements),
                }),
            );
        }
    }
    None
}

fn kms(
    input: &AccessInput,
    identity: &[Policy],
    caveats: &[String],
    identity_error: Option<&str>,
) -> Check {
    let id = CheckId::KmsDecrypt;
    let Some(key) = &input.kms_key else {
        return Check::ok(
            id,
            "the repository is encrypted with AES256 (ECR-managed): no KMS key to allow",
        );
    };
    if let Some(why) = identity_error {
        return Check::could_not_check(
            id,
            format!(
                "the repository is encrypted with KMS key {key}; could not read the identity policies of {}",
                input.principal.arn
            ),
            why.to_string(),
        );
    }
    let policies = Policies {
        identity: identity.to_vec(),
        resource: None,
        resource_account: input.principal.account.clone(),
        caveats: caveats.to_vec(),
    };
    let e = iam::evaluate(&policies, &request(input, "kms:Decrypt", key));
    let unread = "ecrctl does not read KMS key policies";
    match e.decision {
        Decision::ExplicitDeny => Check::fail(
            id,
            format!(
                "kms:Decrypt on {key} is denied to {} by {}",
                input.principal.arn,
                refs(&e)
            ),
            format!("remove or narrow {}", refs(&e)),
        ),
        Decision::Allow => Check::warn(
            id,
            format!(
                "KMS-encrypted with {key}: the identity policies allow kms:Decrypt ({}), the key policy was not read ({unread})",
                refs(&e)
            ),
            format!(
                "make sure the key policy of {key} does not deny {} (aws kms get-key-policy --key-id {key} --policy-name default)",
                input.principal.arn
            ),
        ),
        _ => Check::warn(
            id,
            format!(
                "KMS-encrypted with {key}: no identity policy of {} allows kms:Decrypt; the key policy may ({unread})",
                input.principal.arn
            ),
            format!(
                "make sure the key policy of {key} allows kms:Decrypt to {} (or its account), or add kms:Decrypt on {key} to its identity policy",
                input.principal.arn
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPO_ARN: &str = "arn:aws:ecr:us-east-1:123456789012:repository/team/api";

    /// AmazonEC2ContainerRegistryPullOnly as IAM ships it (the e2e tests read the real
    /// one from moto's IAM).
    const PULL_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:BatchImportUpstreamImage"],"Resource":"*"}]}"#;
    const READ_ONLY_PART: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer","ecr:BatchGetImage"],"Resource":"*"}]}"#;

    fn input(principal: &str, identity: &[(&str, &str)], repo_policy: Option<&str>) -> AccessInput {
        let p = Principal::from_arn(principal).unwrap();
        AccessInput {
            attachable_role: (p.account == "123456789012").then(|| "nodes".to_string()),
            principal: p,
            identity: Ok((
                identity
                    .iter()
                    .map(|(n, t)| Policy::parse(n, t).unwrap())
                    .collect(),
                Vec::new(),
            )),
            repository_policy: Ok(
                repo_policy.map(|t| Policy::parse("repository policy", t).unwrap())
            ),
            repository: "team/api".into(),
            repository_arn: REPO_ARN.into(),
            repository_account: "123456789012".into(),
            kms_key: None,
            lambda_function_arn: None,
        }
    }

    fn get(checks: &[Check], id: CheckId) -> Check {
        checks.iter().find(|c| c.id == id).cloned().unwrap()
    }

    #[test]
    fn a_role_without_ecr_read_fails_with_the_attach_fix() {
        let checks = checks(&input("arn:aws:iam::123456789012:role/nodes", &[], None));
        let pull = get(&checks, CheckId::IamPull);
        assert_eq!(pull.status, Status::Fail);
        assert!(
            pull.fix
                .as_deref()
                .unwrap()
                .contains("attach-role-policy --role-name nodes")
        );
        assert_eq!(
            pull.auto_fix,
            Some(AutoFix::AttachRolePolicy {
                role_name: "nodes".into(),
                policy_arn: PULL_ONLY_POLICY.into()
            })
        );
        assert_eq!(
            get(&checks, CheckId::IamAuthorizationToken).status,
            Status::Fail
        );
        assert_eq!(get(&checks, CheckId::RepositoryPolicy).status, Status::Ok);
    }

    #[test]
    fn the_read_only_policy_passes_every_access_check_and_pull_only_warns_about_layer_checks() {
        let read_only = &[("AmazonEC2ContainerRegistryReadOnly", READ_ONLY_PART)];
        let checks = checks(&input(
            "arn:aws:iam::123456789012:role/nodes",
            read_only,
            None,
        ));
        for c in &checks {
            assert_eq!(c.status, Status::Ok, "{c:?}");
        }
        let pull = get(&checks, CheckId::IamPull);
        assert!(pull.reason.contains("AmazonEC2ContainerRegistryReadOnly"));
        let pull_only = &[("AmazonEC2ContainerRegistryPullOnly", PULL_ONLY)];
        let pull_only = super::checks(&input(
            "arn:aws:iam::123456789012:role/nodes",
            pull_only,
            None,
        ));
        let pull = get(&pull_only, CheckId::IamPull);
        assert_eq!(pull.status, Status::Warn, "{pull:?}");
        assert!(pull.reason.contains("ecr:BatchCheckLayerAvailability") && pull.auto_fix.is_none());
        let token = get(&pull_only, CheckId::IamAuthorizationToken);
        assert_eq!(token.status, Status::Ok);
    }

    #[test]
    fn cross_account_without_a_repository_policy_names_both_sides() {
        let checks = checks(&input(
            "arn:aws:iam::210987654321:role/deployer",
            &[("AmazonEC2ContainerRegistryPullOnly", PULL_ONLY)],
            None,
        ));
        assert_eq!(get(&checks, CheckId::IamPull).status, Status::Warn);
        let repo = get(&checks, CheckId::RepositoryPolicy);
        assert_eq!(repo.status, Status::Fail);
        assert!(
            repo.reason.contains("123456789012") && repo.reason.contains("210987654321"),
            "{}",
            repo.reason
        );
        assert!(matches!(
            repo.auto_fix,
            Some(AutoFix::AddRepositoryStatement { .. })
        ));
        // With the statement the fix adds, the repository side allows.
        let statement =
            consumer_statement(&input("arn:aws:iam::210987654321:role/deployer", &[], None));
        let policy = json!({ "Version": "2012-10-17", "Statement": statement }).to_string();
        let fixed = checks_of(
            "arn:aws:iam::210987654321:role/deployer",
            PULL_ONLY,
            &policy,
        );
        assert_eq!(
            get(&fixed, CheckId::RepositoryPolicy).status,
            Status::Ok,
            "{fixed:?}"
        );
    }

    fn checks_of(principal: &str, identity: &str, repo_policy: &str) -> Vec<Check> {
        checks(&input(
            principal,
            &[("AmazonEC2ContainerRegistryPullOnly", identity)],
            Some(repo_policy),
        ))
    }

    #[test]
    fn a_deny_on_a_condition_it_cannot_see_warns_and_a_plain_deny_fails() {
        let org = r#"{"Version":"2012-10-17","Statement":[{"Sid":"OnlyOurOrg","Effect":"Deny","Action":"ecr:BatchGetImage","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}"#;
        let checks = checks(&input(
            "arn:aws:iam::123456789012:role/nodes",
            &[
                ("AmazonEC2ContainerRegistryPullOnly", PULL_ONLY),
                ("inline:org-only", org),
            ],
            None,
        ));
        let pull = get(&checks, CheckId::IamPull);
        assert_eq!(pull.status, Status::Warn, "{pull:?}");
        assert!(
            pull.reason.contains("aws:PrincipalOrgID"),
            "{}",
            pull.reason
        );
        let deny = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoPulls","Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*"}]}"#;
        let denied = checks_of("arn:aws:iam::123456789012:role/nodes", PULL_ONLY, deny);
        let repo = get(&denied, CheckId::RepositoryPolicy);
        assert_eq!(repo.status, Status::Fail);
        assert!(repo.reason.contains("NoPulls"), "{}", repo.reason);
    }

    #[test]
    fn unreadable_policies_are_never_ok() {
        let mut i = input("arn:aws:iam::123456789012:role/nodes", &[], None);
        i.identity = Err("AccessDenied: iam:ListAttachedRolePolicies".into());
        i.repository_policy = Err("AccessDenied".into());
        i.kms_key = Some("arn:aws:kms:us-east-1:123456789012:key/k".into());
        for c in checks(&i) {
            assert_eq!(c.status, Status::Skipped, "{c:?}");
            assert!(c.error.is_some(), "{c:?}");
        }
    }

    #[test]
    fn a_kms_repository_is_never_ok_without_the_key_policy() {
        let mut i = input(
            "arn:aws:iam::123456789012:role/nodes",
            &[("AmazonEC2ContainerRegistryPullOnly", PULL_ONLY)],
            None,
        );
        i.kms_key = Some("arn:aws:kms:us-east-1:123456789012:key/k".into());
        let kms = get(&checks(&i), CheckId::KmsDecrypt);
        assert_eq!(kms.status, Status::Warn);
        assert!(kms.reason.contains("key policy"), "{}", kms.reason);
    }
}
