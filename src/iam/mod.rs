//! The IAM policy evaluator: would AWS allow this principal this action on this resource,
//! given its identity policies and the resource's policy? A pure engine (no SDK, no
//! network) following AWS's documented evaluation logic; what it cannot see or decide
//! makes the answer `Unknown` with the reason, never a confident wrong answer.
//! `aws::iam` reads identity policies; `pullcheck` and `pushcheck` ask the questions.

mod condition;
mod context;
mod eval;
mod matching;
mod policy;
mod principal;

#[cfg(test)]
mod tests;

#[allow(unused_imports)] // the typed pieces, for callers that look inside a policy
pub use context::{Context, Lookup};
pub use eval::evaluate;
#[allow(unused_imports)]
pub use policy::{
    Condition, Effect, Patterns, PolicyDocument, PolicyError, PrincipalBlock, PrincipalSet,
    Statement,
};
pub use principal::{Principal, PrincipalKind};

/// A named policy document. Names as users see them: `AmazonEC2ContainerRegistryReadOnly`,
/// `inline:NAME`, `repository policy`, `key policy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub name: String,
    pub document: PolicyDocument,
}

impl Policy {
    /// Parses `text` into a named policy.
    pub fn parse(name: &str, text: &str) -> Result<Policy, PolicyError> {
        Ok(Policy {
            name: name.to_string(),
            document: PolicyDocument::parse(text)?,
        })
    }
}

/// One request: who, what, on which resource ARN (`*` for actions without a resource,
/// such as `ecr:GetAuthorizationToken`), with which known condition keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub principal: Principal,
    pub action: String,
    pub resource: String,
    pub context: Context,
}

/// Everything that decides: the principal's identity policies, the resource's policy
/// (repository or key policy) and the account that owns the resource, plus what is known
/// to exist but is not evaluated (permissions boundary, SCPs, session policies).
/// For `kms:` actions `resource` is the key policy, which must allow (directly, or to the
/// account root and then IAM too): `None` there means "no key policy", a deny — pass a
/// key policy that could not be read as a skipped check instead.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policies {
    pub identity: Vec<Policy>,
    pub resource: Option<Policy>,
    pub resource_account: String,
    pub caveats: Vec<String>,
}

impl Policies {
    /// The caveat for a principal with a permissions boundary. The boundary is not
    /// evaluated (an allow is noted, not withdrawn), but AWS applies a resource policy's
    /// `NotPrincipal` Deny to every principal with a boundary, and the evaluator does too.
    pub fn boundary_caveat(policy_arn: &str) -> String {
        format!("{BOUNDARY} `{policy_arn}` is attached and not evaluated")
    }

    pub(crate) fn has_boundary(&self) -> bool {
        self.caveats.iter().any(|c| c.starts_with(BOUNDARY))
    }
}

const BOUNDARY: &str = "permissions boundary";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Decision {
    Allow,
    /// Certain: a Deny statement applies.
    ExplicitDeny,
    /// Certainly not allowed; `unknown` names a Deny that may apply too.
    ImplicitDeny,
    /// An undecidable statement could change the answer: `deciding` names it.
    Unknown,
}

/// Whether one side (identity policies, resource policy) grants the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Grant {
    Allows,
    /// Only a statement whose principal or condition is undecidable would grant it.
    Unknown,
    DoesNotAllow,
}

/// A statement, by policy name, `Sid` and position (0-based) in the policy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatementRef {
    pub policy: String,
    pub sid: Option<String>,
    pub index: usize,
}

impl std::fmt::Display for StatementRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.sid {
            Some(sid) => write!(f, "statement `{sid}` of {}", self.policy),
            None => write!(f, "statement #{} of {}", self.index + 1, self.policy),
        }
    }
}

/// The answer, with the statements that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    /// Allow: the allowing statements; ExplicitDeny: the denying ones; Unknown: the
    /// statements that could not be decided and would change the answer.
    pub deciding: Vec<StatementRef>,
    /// Why the answer is Unknown (or what stays unknown), one reason a line.
    pub unknown: Vec<String>,
    /// Deny statements that may or may not apply (a condition or principal it cannot
    /// decide), whatever the decision: a caller warns about them by statement id.
    pub undecided_deny: Vec<StatementRef>,
    /// The identity policies' part (`DoesNotAllow` for a service principal, which has none).
    pub identity: Grant,
    /// The resource policy's part; through the account principal only counts as `Allows`
    /// where the account's IAM must also grant it.
    pub resource: Grant,
    /// The principal is in another account than the resource (both sides must allow).
    pub cross_account: bool,
    /// Not evaluated, not decisive: permissions boundary, SCPs, session policies.
    pub caveats: Vec<String>,
}
