//! IAM, read-only: the identity policies of a role or user, as the evaluator (`crate::iam`)
//! needs them — attached managed policies at their default version, inline policies, a
//! user's groups' policies — and what is attached but not evaluated (a permissions
//! boundary) as caveats. An assumed-role session ARN stands for its role.
//! Nothing here hard-codes a policy: AWS managed policies are read from IAM.

use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};

use super::{AwsContext, sdk_error};
use crate::error::CliError;
use crate::iam::{Context, Policies, Policy, Principal, PrincipalKind};

/// Shown once by a command that evaluates IAM: what no IAM read can show.
pub const UNSEEN: &str = "service control policies and resource control policies of AWS \
                          Organizations are not visible to ecrctl and may deny more";

/// A role's or user's identity policies.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The role or user ARN with its path (for a session: its role's), as
    /// `aws:PrincipalArn` has it.
    pub arn: String,
    pub policies: Vec<Policy>,
    /// What is attached but not evaluated (permissions boundary, session policy).
    pub caveats: Vec<String>,
}

impl Identity {
    /// The evaluator's input for a resource with `resource` as its policy.
    pub fn policies(&self, resource: Option<Policy>, resource_account: &str) -> Policies {
        Policies {
            identity: self.policies.clone(),
            resource,
            resource_account: resource_account.to_string(),
            caveats: self.caveats.clone(),
        }
    }

    /// What the IAM read tells for sure about the request context.
    pub fn context(&self) -> Context {
        Context::new().with("aws:PrincipalArn", self.arn.clone())
    }
}

/// Why the identity policies could not be read. `CannotRead` (AccessDenied on an IAM
/// read) means the check that needs them is skipped, not failed.
#[derive(Debug)]
pub enum IamError {
    /// The caller is not allowed to read IAM (AccessDenied).
    CannotRead(CliError),
    /// The role or user does not exist (NoSuchEntity).
    NotFound(CliError),
    /// A principal whose identity policies IAM does not hold (root, federated user, an
    /// AWS service).
    Unsupported(String),
    /// Anything else: network, throttling after retries, a malformed document.
    Failed(CliError),
}

impl IamError {
    /// One line for a check's reason.
    pub fn reason(&self) -> String {
        match self {
            IamError::CannotRead(e) | IamError::NotFound(e) | IamError::Failed(e) => {
                std::iter::once(e.message().to_string())
                    .chain(e.causes().iter().cloned())
                    .collect::<Vec<_>>()
                    .join(": ")
            }
            IamError::Unsupported(why) => why.clone(),
        }
    }
}

impl From<IamError> for CliError {
    fn from(e: IamError) -> CliError {
        match e {
            IamError::CannotRead(e) | IamError::NotFound(e) | IamError::Failed(e) => e,
            IamError::Unsupported(why) => CliError::usage(why),
        }
    }
}

impl std::fmt::Display for IamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason())
    }
}

fn classify<E, R>(what: impl Into<String>, err: SdkError<E, R>) -> IamError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let code = err
        .as_service_error()
        .and_then(|e| e.code())
        .unwrap_or_default()
        .to_string();
    let error = sdk_error(what, err);
    match code.as_str() {
        "AccessDenied" | "AccessDeniedException" => IamError::CannotRead(error.with_hint(
            "the credentials may not read IAM (iam:Get*/List* on roles, users, groups and \
             policies): the IAM checks are skipped",
        )),
        "NoSuchEntity" | "NoSuchEntityException" => IamError::NotFound(error),
        _ => IamError::Failed(error),
    }
}

fn client(ctx: &AwsContext) -> aws_sdk_iam::Client {
    let config = aws_sdk_iam::config::Builder::from(&ctx.sdk)
        .region(aws_config::Region::new(ctx.region.clone()))
        .build();
    aws_sdk_iam::Client::from_conf(config)
}

/// Who the credentials are (STS GetCallerIdentity, which needs no permission), as a
/// principal for the evaluator.
pub async fn caller(ctx: &AwsContext) -> Result<Principal, CliError> {
    let sts = aws_sdk_sts::Client::new(&ctx.sdk);
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| sdk_error("could not find who the AWS credentials are", e))?;
    let arn = out.arn().unwrap_or_default();
    match (Principal::from_arn(arn), out.account()) {
        (Ok(principal), _) => Ok(principal),
        // An ARN of no known kind (stand-ins have some): kept as it is, it matches only
        // itself and its account, and every principal key about it stays unknown.
        (Err(_), Some(account)) if !arn.is_empty() => Ok(Principal {
            arn: arn.to_string(),
            account: account.to_string(),
        }),
        (Err(e), _) => Err(CliError::remote(
            "could not tell which IAM principal the credentials are",
        )
        .with_cause(e.to_string())),
    }
}

/// IAM returns policy documents URL-encoded (RFC 3986); some stand-ins return them plain.
pub fn decode_document(text: &str) -> Result<String, String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return Ok(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("bad percent-escape at byte {i}"))?;
                out.push(hex);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| "the decoded document is not UTF-8".to_string())
}

fn parse(name: &str, raw: &str) -> Result<Policy, IamError> {
    let bad = |why: String| {
        IamError::Failed(
            CliError::remote(format!("could not read the IAM policy `{name}`")).with_cause(why),
        )
    };
    let text = decode_document(raw).map_err(bad)?;
    Policy::parse(name, &text).map_err(|e| bad(e.to_string()))
}

/// A managed policy at its default version.
async fn managed(iam: &aws_sdk_iam::Client, arn: &str) -> Result<Policy, IamError> {
    let name = arn.rsplit('/').next().unwrap_or(arn);
    let policy = iam
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| classify(format!("could not read the IAM policy `{arn}`"), e))?;
    let version = policy
        .policy()
        .and_then(|p| p.default_version_id())
        .ok_or_else(|| {
            IamError::Failed(CliError::remote(format!(
                "IAM returned no default version for `{arn}`"
            )))
        })?
        .to_string();
    let out = iam
        .get_policy_version()
        .policy_arn(arn)
        .version_id(&version)
        .send()
        .await
        .map_err(|e| classify(format!("could not read version {version} of `{arn}`"), e))?;
    let document = out
        .policy_version()
        .and_then(|v| v.document())
        .ok_or_else(|| {
            IamError::Failed(CliError::remote(format!(
                "IAM returned no document for version {version} of `{arn}`"
            )))
        })?;
    parse(name, document)
}

enum Owner<'a> {
    Role(&'a str),
    User(&'a str),
    Group(&'a str),
}

/// The ARNs of the managed policies attached to a role, user or group.
async fn attached(iam: &aws_sdk_iam::Client, owner: &Owner<'_>) -> Result<Vec<String>, IamError> {
    let mut arns = Vec::new();
    macro_rules! collect {
        ($call:expr, $what:expr) => {{
            let mut pages = $call.into_paginator().send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| classify($what, e))?;
                arns.extend(
                    page.attached_policies()
                        .iter()
                        .filter_map(|p| p.policy_arn().map(String::from)),
                );
            }
        }};
    }
    match owner {
        Owner::Role(name) => collect!(
            iam.list_attached_role_policies().role_name(*name),
            format!("could not list the policies attached to role `{name}`")
        ),
        Owner::User(name) => collect!(
            iam.list_attached_user_policies().user_name(*name),
            format!("could not list the policies attached to user `{name}`")
        ),
        Owner::Group(name) => collect!(
            iam.list_attached_group_policies().group_name(*name),
            format!("could not list the policies attached to group `{name}`")
        ),
    }
    Ok(arns)
}

/// The inline policies of a role, user or group, named `inline:NAME` (a group's:
/// `group GROUP inline:NAME`).
async fn inline(iam: &aws_sdk_iam::Client, owner: &Owner<'_>) -> Result<Vec<Policy>, IamError> {
    let mut names = Vec::new();
    macro_rules! names {
        ($call:expr, $what:expr) => {{
            let mut pages = $call.into_paginator().send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| classify($what, e))?;
                names.extend(page.policy_names().iter().cloned());
            }
        }};
    }
    match owner {
        Owner::Role(n) => names!(
            iam.list_role_policies().role_name(*n),
            format!("could not list the inline policies of role `{n}`")
        ),
        Owner::User(n) => names!(
            iam.list_user_policies().user_name(*n),
            format!("could not list the inline policies of user `{n}`")
        ),
        Owner::Group(n) => names!(
            iam.list_group_policies().group_name(*n),
            format!("could not list the inline policies of group `{n}`")
        ),
    }
    let mut policies = Vec::new();
    for name in names {
        let what = |owner: &str| format!("could not read inline policy `{name}` of {owner}");
        let (label, document) = match owner {
            Owner::Role(n) => (
                format!("inline:{name}"),
                iam.get_role_policy()
                    .role_name(*n)
                    .policy_name(&name)
                    .send()
                    .await
                    .map_err(|e| classify(what(&format!("role `{n}`")), e))?
                    .policy_document()
                    .to_string(),
            ),
            Owner::User(n) => (
                format!("inline:{name}"),
                iam.get_user_policy()
                    .user_name(*n)
                    .policy_name(&name)
                    .send()
                    .await
                    .map_err(|e| classify(what(&format!("user `{n}`")), e))?
                    .policy_document()
                    .to_string(),
            ),
            Owner::Group(n) => (
                format!("group {n} inline:{name}"),
                iam.get_group_policy()
                    .group_name(*n)
                    .policy_name(&name)
                    .send()
                    .await
                    .map_err(|e| classify(what(&format!("group `{n}`")), e))?
                    .policy_document()
                    .to_string(),
            ),
        };
        policies.push(parse(&label, &document)?);
    }
    Ok(policies)
}

async fn policies_of(
    iam: &aws_sdk_iam::Client,
    owner: &Owner<'_>,
) -> Result<Vec<Policy>, IamError> {
    let mut policies = Vec::new();
    for arn in attached(iam, owner).await? {
        let mut policy = managed(iam, &arn).await?;
        if let Owner::Group(group) = owner {
            policy.name = format!("group {group} {}", policy.name);
        }
        policies.push(policy);
    }
    policies.extend(inline(iam, owner).await?);
    Ok(policies)
}

/// The identity policies of a role or user (`principal_arn` may be a role session ARN:
/// it stands for its role). Managed policies are read at their default version.
pub async fn identity_policies(
    ctx: &AwsContext,
    principal_arn: &str,
) -> Result<Identity, IamError> {
    let principal =
        Principal::from_arn(principal_arn).map_err(|e| IamError::Unsupported(e.to_string()))?;
    let iam = client(ctx);
    let mut caveats = Vec::new();
    let (arn, policies) = match principal.kind() {
        PrincipalKind::Role { name } | PrincipalKind::AssumedRole { role: name, .. } => {
            let out = iam
                .get_role()
                .role_name(&name)
                .send()
                .await
                .map_err(|e| classify(format!("could not read IAM role `{name}`"), e))?;
            let role = out.role().ok_or_else(|| {
                IamError::Failed(CliError::remote(format!("IAM returned no role `{name}`")))
            })?;
            if let Some(boundary) = role
                .permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
            {
                caveats.push(Policies::boundary_caveat(boundary));
            }
            if matches!(principal.kind(), PrincipalKind::AssumedRole { .. }) {
                caveats.push(
                    "a session policy, if the session was started with one, is not visible"
                        .to_string(),
                );
            }
            (
                role.arn().to_string(),
                policies_of(&iam, &Owner::Role(&name)).await?,
            )
        }
        PrincipalKind::User { name } => {
            let out = iam
                .get_user()
                .user_name(&name)
                .send()
                .await
                .map_err(|e| classify(format!("could not read IAM user `{name}`"), e))?;
            let user = out.user().ok_or_else(|| {
                IamError::Failed(CliError::remote(format!("IAM returned no user `{name}`")))
            })?;
            if let Some(boundary) = user
                .permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
            {
                caveats.push(Policies::boundary_caveat(boundary));
            }
            let mut policies = policies_of(&iam, &Owner::User(&name)).await?;
            let mut groups = Vec::new();
            let mut pages = iam
                .list_groups_for_user()
                .user_name(&name)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| {
                    classify(format!("could not list the groups of user `{name}`"), e)
                })?;
                groups.extend(page.groups().iter().map(|g| g.group_name().to_string()));
            }
            for group in &groups {
                policies.extend(policies_of(&iam, &Owner::Group(group)).await?);
            }
            (user.arn().to_string(), policies)
        }
        PrincipalKind::Account => {
            return Err(IamError::Unsupported(format!(
                "`{principal_arn}` is the account root user: it has no IAM policies (it may \
                 do everything its account may)"
            )));
        }
        _ => {
            return Err(IamError::Unsupported(format!(
                "`{principal_arn}` is not an IAM role, user or role session"
            )));
        }
    };
    Ok(Identity {
        arn,
        policies,
        caveats,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_url_decoded_when_encoded() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(
            decode_document(encoded).unwrap(),
            r#"{"Version":"2012-10-17","Statement":[]}"#
        );
        assert_eq!(
            decode_document(" {\"a\":\"100%\"}").unwrap(),
            " {\"a\":\"100%\"}"
        );
        assert!(decode_document("%7").is_err());
        assert!(decode_document("%ff%fe").is_err());
    }
}
