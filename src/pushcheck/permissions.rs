//! The permission checks of push-check, through the shared IAM evaluator (`crate::iam`):
//! the repository policy (does a statement deny pushing, or, across accounts, grant it?)
//! and the caller's IAM policies for the push actions. `judge_*` are pure; the two
//! `*_check` functions gather the evidence.

use super::check::{Check, CheckId};
use crate::aws::{self, AwsContext, repositories};
use crate::iam::{self, Decision, Evaluation, Grant, Policies, Policy, Principal, PrincipalKind};

/// What a `docker push` calls on the repository.
pub const PUSH: [&str; 5] = [
    "ecr:BatchCheckLayerAvailability",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
];

/// The repository being pushed to.
#[derive(Debug, Clone)]
pub struct Repo {
    pub name: String,
    pub arn: String,
    pub account: String,
}

impl Repo {
    pub fn new(partition: &str, region: &str, account: &str, name: &str) -> Repo {
        Repo {
            name: name.to_string(),
            arn: format!("arn:{partition}:ecr:{region}:{account}:repository/{name}"),
            account: account.to_string(),
        }
    }
}

fn request(caller: &Principal, action: &str, repo: &Repo, context: &iam::Context) -> iam::Request {
    iam::Request {
        principal: caller.clone(),
        action: action.to_string(),
        resource: repo.arn.clone(),
        context: context.clone(),
    }
}

fn names(list: &[iam::StatementRef]) -> String {
    unique(list.iter().map(|s| s.to_string())).join(", ")
}

/// The items without repeats, in the order first seen (once per statement, not once per
/// push action).
fn unique(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen
}

fn short(action: &str) -> &str {
    action.trim_start_matches("ecr:")
}

/// The repository policy's part only: IAM is assumed to allow everything, so that what
/// is left is what the repository policy denies, leaves undecided, or (across accounts)
/// does not grant.
pub fn judge_repository_policy(policy: &Policy, caller: &Principal, repo: &Repo) -> Check {
    let everything = Policy::parse(
        "(IAM assumed to allow)",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    )
    .expect("a constant policy parses");
    let policies = Policies {
        identity: vec![everything],
        resource: Some(policy.clone()),
        resource_account: repo.account.clone(),
        caveats: Vec::new(),
    };
    let results: Vec<(&str, Evaluation)> = PUSH
        .iter()
        .map(|a| {
            let r = request(caller, a, repo, &iam::Context::new());
            (*a, iam::evaluate(&policies, &r))
        })
        .collect();
    let pick = |d: Decision| -> Vec<&(&str, Evaluation)> {
        results.iter().filter(|(_, e)| e.decision == d).collect()
    };
    let denied = pick(Decision::ExplicitDeny);
    if !denied.is_empty() {
        let actions: Vec<&str> = denied.iter().map(|(a, _)| short(a)).collect();
        let statements: Vec<_> = denied
            .iter()
            .flat_map(|(_, e)| e.deciding.clone())
            .collect();
        return Check::fail(
            CheckId::RepositoryPolicy,
            format!(
                "{} denies {} to {}",
                names(&statements),
                actions.join(", "),
                caller.arn
            ),
            format!(
                "remove or narrow that Deny statement (aws ecr get-repository-policy \
                 --repository-name {} --registry-id {})",
                repo.name, repo.account
            ),
        );
    }
    let not_granted = pick(Decision::ImplicitDeny);
    if !not_granted.is_empty() {
        let actions: Vec<&str> = not_granted.iter().map(|(a, _)| *a).collect();
        return Check::fail(
            CheckId::RepositoryPolicy,
            format!(
                "the repository is in account {} and its policy does not grant account {} \
                 (caller {}) {}",
                repo.account,
                caller.account,
                caller.arn,
                actions
                    .iter()
                    .map(|a| short(a))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            format!(
                "the owner of account {} adds to the repository policy of `{}`: \
                 {{\"Sid\":\"AllowPushFrom{}\",\"Effect\":\"Allow\",\"Principal\":{{\"AWS\":\
                 \"arn:aws:iam::{}:root\"}},\"Action\":[\"{}\"]}}",
                repo.account,
                repo.name,
                caller.account,
                caller.account,
                actions.join("\",\"")
            ),
        );
    }
    let undecided: Vec<_> = results
        .iter()
        .flat_map(|(_, e)| e.undecided_deny.clone())
        .collect();
    let unknown: Vec<String> = results
        .iter()
        .filter(|(_, e)| e.decision == Decision::Unknown)
        .flat_map(|(_, e)| e.unknown.clone())
        .collect();
    if !undecided.is_empty() || !unknown.is_empty() {
        let reasons = unique(unknown);
        let statements = match undecided.is_empty() {
            true => "a statement".to_string(),
            false => names(&undecided),
        };
        return Check::warn(
            CheckId::RepositoryPolicy,
            format!(
                "{statements} may deny or not grant pushing; it cannot be evaluated here: {}",
                reasons.join("; ")
            ),
            "check that statement's condition against where the push runs from (aws ecr \
             get-repository-policy)",
        );
    }
    let cross = caller.account != repo.account;
    Check::ok(
        CheckId::RepositoryPolicy,
        match cross {
            true => format!(
                "grants account {} pushing; no statement denies it",
                caller.account
            ),
            false => "no statement denies pushing".to_string(),
        },
    )
}

/// Reads the repository policy and judges it for the caller.
pub async fn repository_policy_check(
    ctx: &AwsContext,
    caller: Result<&Principal, &String>,
    repository: &str,
) -> Check {
    let caller = match caller {
        Ok(c) => c,
        Err(e) => {
            return Check::skipped(
                CheckId::RepositoryPolicy,
                format!("cannot evaluate the repository policy: {e}"),
            );
        }
    };
    let repo = repo_of(ctx, caller, repository);
    match read_policy(ctx, repository).await {
        Ok(Some(policy)) => judge_repository_policy(&policy, caller, &repo),
        Ok(None) if caller.account != repo.account => Check::fail(
            CheckId::RepositoryPolicy,
            format!(
                "the repository is in account {} and has no repository policy: account {} \
                 cannot push to it",
                repo.account, caller.account
            ),
            format!(
                "the owner of account {} grants account {} the push actions in a repository \
                 policy on `{}`",
                repo.account, caller.account, repository
            ),
        ),
        Ok(None) => Check::ok(CheckId::RepositoryPolicy, "no repository policy"),
        // A stored policy ecrctl cannot read as one (a key given twice, …) is in force:
        // a warning, never "fine".
        Err(why) if why.starts_with(UNREADABLE) => Check::warn(
            CheckId::RepositoryPolicy,
            why,
            format!(
                "see it with `aws ecr get-repository-policy --repository-name {repository}` \
                 and set it again as a valid policy"
            ),
        ),
        Err(why) => Check::skipped(CheckId::RepositoryPolicy, why),
    }
}

fn repo_of(ctx: &AwsContext, caller: &Principal, repository: &str) -> Repo {
    let partition = caller.arn.split(':').nth(1).unwrap_or("aws");
    let account = ctx
        .registry_id
        .clone()
        .unwrap_or_else(|| caller.account.clone());
    Repo::new(partition, &ctx.region, &account, repository)
}

const UNREADABLE: &str = "the repository policy could not be read as a policy";

/// The repository policy, parsed; `Err` says why it could not be read or understood.
async fn read_policy(ctx: &AwsContext, repository: &str) -> Result<Option<Policy>, String> {
    // The text as stored: duplicate keys must reach the parser (a `Value` drops them).
    match repositories::repository_policy_text(ctx, repository).await {
        Ok(Some(text)) => Policy::parse("the repository policy", &text)
            .map(Some)
            .map_err(|e| format!("{UNREADABLE}: {e}")),
        Ok(None) => Ok(None),
        Err(e) => Err(format!("could not read the repository policy: {e}")),
    }
}

/// The fix for IAM that does not allow pushing: the managed policy to attach, by the
/// kind of principal.
fn attach_fix(identity_arn: &str, caller: &Principal, repo: &Repo, missing: &[&str]) -> String {
    let managed = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser";
    let name = identity_arn.rsplit('/').next().unwrap_or(identity_arn);
    let attach = match caller.kind() {
        PrincipalKind::User { .. } => {
            format!("aws iam attach-user-policy --user-name {name} --policy-arn {managed}")
        }
        _ => format!("aws iam attach-role-policy --role-name {name} --policy-arn {managed}"),
    };
    format!(
        "{attach}, or allow {} on {} in a policy of {name}",
        missing.join(", "),
        repo.arn
    )
}

/// The caller's IAM policies (with the repository policy, when read) for the push actions.
#[cfg(test)]
pub fn judge_iam(
    caller: &Principal,
    identity: &aws::iam::Identity,
    repository_policy: Option<Policy>,
    repo: &Repo,
) -> Check {
    judge_iam_with(caller, identity, Ok(repository_policy), repo)
}

/// `judge_iam`, where the repository policy may not have been readable (`Err` says why):
/// then it is not taken for "no policy" wherever a grant in it could matter.
pub fn judge_iam_with(
    caller: &Principal,
    identity: &aws::iam::Identity,
    repository_policy: Result<Option<Policy>, String>,
    repo: &Repo,
) -> Check {
    let (repository_policy, unread) = match repository_policy {
        Ok(policy) => (policy, None),
        Err(why) => (None, Some(why)),
    };
    let policies = identity.policies(repository_policy, &repo.account);
    let context = identity.context();
    let results: Vec<(&str, Evaluation)> = PUSH
        .iter()
        .map(|a| {
            (
                *a,
                iam::evaluate(&policies, &request(caller, a, repo, &context)),
            )
        })
        .collect();
    let caveats = match identity.caveats.is_empty() {
        true => String::new(),
        false => format!(" (not evaluated: {})", identity.caveats.join("; ")),
    };
    let with = |d: Decision| -> Vec<&(&str, Evaluation)> {
        results.iter().filter(|(_, e)| e.decision == d).collect()
    };
    let denied = with(Decision::ExplicitDeny);
    if !denied.is_empty() {
        let statements: Vec<_> = denied
            .iter()
            .flat_map(|(_, e)| e.deciding.clone())
            .collect();
        return Check::fail(
            CheckId::IamPermissions,
            format!(
                "{} explicitly denies {} to {}",
                names(&statements),
                denied
                    .iter()
                    .map(|(a, _)| short(a))
                    .collect::<Vec<_>>()
                    .join(", "),
                identity.arn
            ),
            "remove or narrow that Deny statement",
        );
    }
    let missing = with(Decision::ImplicitDeny);
    let listed = |list: &[&(&str, Evaluation)]| {
        list.iter()
            .map(|(a, _)| short(a))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !missing.is_empty() {
        let actions: Vec<&str> = missing.iter().map(|(a, _)| *a).collect();
        let cross = missing.iter().any(|(_, e)| e.cross_account);
        let iam_side = missing.iter().any(|(_, e)| e.identity != Grant::Allows);
        let iam_refuses = missing
            .iter()
            .any(|(_, e)| e.identity == Grant::DoesNotAllow);
        // Across accounts IAM here must allow whatever the repository policy says; in
        // the same account (or when IAM's own answer is undecided) a grant in an unread
        // repository policy could be enough: not a confident "no".
        if let Some(why) = &unread
            && !(cross && iam_refuses)
        {
            return Check::warn(
                CheckId::IamPermissions,
                format!(
                    "whether {} may push {} cannot be decided: the repository policy could \
                     not be read ({why}), and {}{caveats}",
                    identity.arn,
                    listed(&missing),
                    match (cross, iam_side) {
                        (true, false) => "across accounts it must grant them too",
                        _ => "it may grant them",
                    }
                ),
                match iam_side {
                    true => format!(
                        "if the repository policy does not grant them: {}",
                        attach_fix(&identity.arn, caller, repo, &actions)
                    ),
                    false => format!(
                        "check that the repository policy grants them (aws ecr \
                         get-repository-policy --repository-name {} --registry-id {}, with \
                         the credentials of account {})",
                        repo.name, repo.account, repo.account
                    ),
                },
            );
        }
        if cross && !iam_side {
            // IAM here allows; what is missing is the repository policy's grant, which
            // the repository-policy check reports (and fixes): not an IAM fix.
            return Check::ok(
                CheckId::IamPermissions,
                format!(
                    "IAM allows {} to push to {}{caveats}; from another account the \
                     repository policy must grant it too (see repository-policy)",
                    identity.arn, repo.arn
                ),
            );
        }
        let detail = format!(
            "no policy of {} allows {} on {}{}",
            identity.arn,
            actions
                .iter()
                .map(|a| short(a))
                .collect::<Vec<_>>()
                .join(", "),
            repo.arn,
            match (cross, iam_side) {
                (true, false) => " from another account: the repository policy must grant it too",
                _ => "",
            }
        );
        let policy_names: Vec<&str> = identity.policies.iter().map(|p| p.name.as_str()).collect();
        let detail = match policy_names.is_empty() {
            true => format!("{detail} (it has no IAM policies){caveats}"),
            false => format!(
                "{detail} (its policies: {}){caveats}",
                policy_names.join(", ")
            ),
        };
        return Check::fail(
            CheckId::IamPermissions,
            detail,
            attach_fix(&identity.arn, caller, repo, &actions),
        );
    }
    let unknown = with(Decision::Unknown);
    if !unknown.is_empty() {
        let mut reasons: Vec<String> = unknown
            .iter()
            .flat_map(|(_, e)| e.unknown.clone())
            .collect();
        if let Some(why) = &unread {
            reasons.push(format!("the repository policy could not be read: {why}"));
        }
        let reasons = unique(reasons);
        return Check::warn(
            CheckId::IamPermissions,
            format!(
                "whether IAM allows {} cannot be decided here: {}{caveats}",
                unknown
                    .iter()
                    .map(|(a, _)| short(a))
                    .collect::<Vec<_>>()
                    .join(", "),
                reasons.join("; ")
            ),
            "check those statements against where the push runs from",
        );
    }
    let mut granting: Vec<String> = results
        .iter()
        .flat_map(|(_, e)| e.deciding.iter().map(|s| s.policy.clone()))
        .collect();
    granting.sort();
    granting.dedup();
    Check::ok(
        CheckId::IamPermissions,
        format!(
            "{} may push (allowed by {}){caveats}; {}",
            identity.arn,
            granting.join(", "),
            aws::iam::UNSEEN
        ),
    )
}

/// Reads the caller's identity policies and judges them; skipped with the reason when
/// IAM cannot be read.
pub async fn iam_check(
    ctx: &AwsContext,
    caller: Result<&Principal, &String>,
    repository: &str,
) -> Check {
    let caller = match caller {
        Ok(c) => c,
        Err(e) => return Check::skipped(CheckId::IamPermissions, e.to_string()),
    };
    if caller.kind() == PrincipalKind::Account {
        return Check::ok(
            CheckId::IamPermissions,
            "the account root user is not limited by IAM policies",
        );
    }
    let repo = repo_of(ctx, caller, repository);
    let identity = match aws::iam::identity_policies(ctx, &caller.arn).await {
        Ok(identity) => identity,
        Err(e) => {
            return Check::skipped(
                CheckId::IamPermissions,
                format!(
                    "cannot read the IAM policies of {}: {}",
                    caller.arn,
                    e.reason()
                ),
            );
        }
    };
    // Without the repository policy the same-account answer may miss a grant there, but
    // never a deny of IAM's own: read it when possible.
    // An unreadable one (AccessDenied is normal across accounts) is not "no policy".
    let policy = read_policy(ctx, repository).await;
    judge_iam_with(caller, &identity, policy, &repo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pushcheck::check::Status;

    const ME: &str = "arn:aws:sts::111122223333:assumed-role/ci/build-1";

    fn repo() -> Repo {
        Repo::new("aws", "us-east-1", "111122223333", "team/app")
    }

    fn judge(policy: &str, who: &str, repo: &Repo) -> Check {
        let policy = Policy::parse("the repository policy", policy).unwrap();
        judge_repository_policy(&policy, &Principal::from_arn(who).unwrap(), repo)
    }

    #[test]
    fn deny_with_not_action_or_question_mark_fails_with_its_sid() {
        let c = judge(
            r#"{"Statement":[{"Sid":"PullOnly","Effect":"Deny","Principal":"*",
               "NotAction":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:BatchCheckLayerAvailability"]}]}"#,
            ME,
            &repo(),
        );
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.detail.contains("`PullOnly`") && c.detail.contains("PutImage"),
            "{}",
            c.detail
        );
        assert!(
            !c.detail.contains("BatchCheckLayerAvailability"),
            "{}",
            c.detail
        );
        let c = judge(
            r#"{"Statement":[{"Sid":"NoPut","Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"ecr:?utImage"}]}"#,
            ME,
            &repo(),
        );
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.detail
                .contains("`NoPut` of the repository policy denies PutImage"),
            "{}",
            c.detail
        );
    }

    #[test]
    fn only_denies_of_push_actions_count() {
        let c = judge(
            r#"{"Statement":[
              {"Sid":"NoPush","Effect":"Deny","Principal":"*","Action":["ecr:Put*"]},
              {"Sid":"Pull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"},
              {"Sid":"NoPull","Effect":"Deny","Principal":"*","Action":"ecr:BatchGetImage"}]}"#,
            ME,
            &repo(),
        );
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.detail
                .starts_with("statement `NoPush` of the repository policy denies PutImage"),
            "{}",
            c.detail
        );
    }

    #[test]
    fn deny_with_an_unknown_condition_warns_with_its_sid() {
        let c = judge(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"OrgOnly","Effect":"Deny","Principal":"*",
               "Action":"ecr:*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-1"}}}]}"#,
            ME,
            &repo(),
        );
        assert_eq!(c.status, Status::Warn);
        assert!(
            c.detail.contains("`OrgOnly`") && c.detail.contains("aws:PrincipalOrgID"),
            "{}",
            c.detail
        );
    }

    #[test]
    fn same_account_allow_statements_or_unrelated_denies_are_ok() {
        let c = judge(
            r#"{"Statement":[{"Sid":"NoDelete","Effect":"Deny","Principal":"*","Action":"ecr:BatchDeleteImage"}]}"#,
            ME,
            &repo(),
        );
        assert_eq!(c.status, Status::Ok, "{}", c.detail);
    }

    #[test]
    fn cross_account_needs_a_grant() {
        let other = Repo::new("aws", "us-east-1", "444455556666", "team/app");
        let c = judge(
            r#"{"Statement":[{"Sid":"Pull","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"ecr:BatchGetImage"}]}"#,
            ME,
            &other,
        );
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.detail.contains("does not grant account 111122223333"),
            "{}",
            c.detail
        );
        assert!(c.fix.unwrap().contains("arn:aws:iam::111122223333:root"));
        let c = judge(
            r#"{"Statement":[{"Sid":"Push","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:*"}]}"#,
            ME,
            &other,
        );
        assert_eq!(c.status, Status::Ok, "{}", c.detail);
    }

    fn identity(policies: &[(&str, &str)], caveats: &[&str]) -> aws::iam::Identity {
        aws::iam::Identity {
            arn: "arn:aws:iam::111122223333:role/ci".into(),
            policies: policies
                .iter()
                .map(|(n, t)| Policy::parse(n, t).unwrap())
                .collect(),
            caveats: caveats.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn iam_allows_denies_or_misses_the_push_actions() {
        let me = Principal::from_arn(ME).unwrap();
        let power = identity(
            &[(
                "AmazonEC2ContainerRegistryPowerUser",
                r#"{"Statement":[{"Effect":"Allow","Action":["ecr:*"],"Resource":"*"}]}"#,
            )],
            &["permissions boundary `b` is attached and not evaluated"],
        );
        let c = judge_iam(&me, &power, None, &repo());
        assert_eq!(c.status, Status::Ok, "{}", c.detail);
        assert!(
            c.detail.contains("AmazonEC2ContainerRegistryPowerUser")
                && c.detail.contains("boundary")
        );

        let read = identity(
            &[(
                "AmazonEC2ContainerRegistryReadOnly",
                r#"{"Statement":[{"Effect":"Allow","Action":["ecr:BatchCheckLayerAvailability","ecr:BatchGetImage"],"Resource":"*"}]}"#,
            )],
            &[],
        );
        let c = judge_iam(&me, &read, None, &repo());
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.detail.contains("InitiateLayerUpload") && !c.detail.contains("BatchCheck"),
            "{}",
            c.detail
        );
        assert!(c.fix.unwrap().starts_with("aws iam attach-role-policy --role-name ci --policy-arn arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser"));

        // The same account's repository policy naming the role grants without IAM.
        let grant = Policy::parse(
            "the repository policy",
            r#"{"Statement":[{"Sid":"CiPush","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/ci"},"Action":"ecr:*"}]}"#,
        )
        .unwrap();
        let c = judge_iam(&me, &identity(&[], &[]), Some(grant), &repo());
        assert_eq!(c.status, Status::Ok, "{}", c.detail);

        let org = identity(
            &[(
                "inline:org",
                r#"{"Statement":[{"Sid":"InOrg","Effect":"Allow","Action":"ecr:*","Resource":"*",
                   "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}"#,
            )],
            &[],
        );
        let c = judge_iam(&me, &org, None, &repo());
        assert_eq!(c.status, Status::Warn);
        assert!(c.detail.contains("`InOrg`"), "{}", c.detail);
    }

    const POWER: &str = r#"{"Statement":[{"Effect":"Allow","Action":["ecr:*"],"Resource":"*"}]}"#;

    #[test]
    fn an_unreadable_repository_policy_is_not_no_policy() {
        let me = Principal::from_arn(ME).unwrap();
        let power = identity(&[("AmazonEC2ContainerRegistryPowerUser", POWER)], &[]);
        let other = Repo::new("aws", "us-east-1", "444455556666", "team/app");
        let denied = || Err("could not read the repository policy: AccessDenied".to_string());
        // Cross-account, IAM allows: whether the owner's policy grants is unknown, and
        // attaching the policy that is already attached is no fix.
        let c = judge_iam_with(&me, &power, denied(), &other);
        assert_eq!(c.status, Status::Warn, "{}", c.detail);
        assert!(
            c.detail.contains("the repository policy could not be read"),
            "{}",
            c.detail
        );
        let fix = c.fix.unwrap();
        assert!(!fix.contains("attach-role-policy"), "{fix}");
        // Really no repository policy, across accounts: the repository-policy check owns
        // that failure; IAM here allows.
        let c = judge_iam(&me, &power, None, &other);
        assert_eq!(c.status, Status::Ok, "{}", c.detail);
        assert!(
            c.detail.contains("repository policy must grant"),
            "{}",
            c.detail
        );
        // Cross-account without IAM: IAM here must allow whatever the policy says.
        let c = judge_iam_with(&me, &identity(&[], &[]), denied(), &other);
        assert_eq!(c.status, Status::Fail, "{}", c.detail);
        // Same account, no IAM grant: the unread policy may name the role.
        let c = judge_iam_with(&me, &identity(&[], &[]), denied(), &repo());
        assert_eq!(c.status, Status::Warn, "{}", c.detail);
        assert!(c.detail.contains("may grant them"), "{}", c.detail);
        // Same account, IAM allows: the unread policy cannot add a grant that matters.
        let c = judge_iam_with(&me, &power, denied(), &repo());
        assert_eq!(c.status, Status::Ok, "{}", c.detail);
    }

    #[test]
    fn statements_and_reasons_are_named_once() {
        let c = judge(
            r#"{"Statement":[{"Sid":"A","Effect":"Deny","Principal":"*","Action":"ecr:*"},
               {"Sid":"B","Effect":"Deny","Principal":"*","Action":"ecr:*"}]}"#,
            ME,
            &repo(),
        );
        assert_eq!(c.status, Status::Fail);
        assert_eq!(c.detail.matches("`A`").count(), 1, "{}", c.detail);
        let c = judge(
            r#"{"Statement":[{"Sid":"A","Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
               {"Sid":"B","Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}"#,
            ME,
            &repo(),
        );
        assert_eq!(c.status, Status::Warn);
        // Once in the list, once with its reason; not once per push action.
        assert_eq!(c.detail.matches("`A`").count(), 2, "{}", c.detail);
        assert_eq!(
            c.detail.matches("aws:SourceVpce").count(),
            1,
            "{}",
            c.detail
        );
    }
}
