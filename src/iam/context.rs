//! The request context: condition keys whose values are known (present or known to be
//! absent). A key not in the context is unknown, and a statement testing it is unknown.

use std::collections::BTreeMap;

use super::principal::{Principal, PrincipalKind};

/// Known condition keys. Keys compare case-insensitively, as IAM's do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// lower-case key → `Some(values)` when present, `None` when known to be absent.
    keys: BTreeMap<String, Option<Vec<String>>>,
}

/// What the context says about a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<'a> {
    Present(&'a [String]),
    Absent,
    Unknown,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    /// The key is present with this value.
    pub fn with(self, key: &str, value: impl Into<String>) -> Context {
        self.with_values(key, vec![value.into()])
    }

    /// The key is present with these values (a multi-valued key).
    pub fn with_values(mut self, key: &str, values: Vec<String>) -> Context {
        self.set(key, Some(values));
        self
    }

    /// The key is known not to be in the request (e.g. `aws:SourceVpce` for a request
    /// that does not come through a VPC endpoint).
    #[allow(dead_code)] // pull-check uses it
    pub fn without(mut self, key: &str) -> Context {
        self.set(key, None);
        self
    }

    pub fn set(&mut self, key: &str, values: Option<Vec<String>>) {
        self.keys.insert(key.to_ascii_lowercase(), values);
    }

    pub fn lookup(&self, key: &str) -> Lookup<'_> {
        match self.keys.get(&key.to_ascii_lowercase()) {
            Some(Some(values)) => Lookup::Present(values),
            Some(None) => Lookup::Absent,
            None => Lookup::Unknown,
        }
    }

    fn knows(&self, key: &str) -> bool {
        self.keys.contains_key(&key.to_ascii_lowercase())
    }

    fn default_to(&mut self, key: &str, values: Option<Vec<String>>) {
        if !self.knows(key) {
            self.set(key, values);
        }
    }

    /// The context the evaluation uses: the caller's keys, plus what the principal and
    /// the action tell for sure (the caller's values win).
    pub(crate) fn completed(&self, principal: &Principal, action: &str) -> Context {
        let mut ctx = self.clone();
        let one = |v: &str| Some(vec![v.to_string()]);
        let kind = principal.kind();
        let service = matches!(kind, PrincipalKind::Service { .. });
        ctx.default_to("aws:PrincipalIsAWSService", one(&service.to_string()));
        match &kind {
            PrincipalKind::Service { name } => {
                ctx.default_to("aws:PrincipalServiceName", one(name));
                for key in ["aws:PrincipalAccount", "aws:PrincipalArn", "aws:username"] {
                    ctx.default_to(key, None);
                }
            }
            _ => {
                ctx.default_to("aws:PrincipalServiceName", None);
                // A principal calling directly: no service acts on its behalf.
                ctx.default_to("aws:SourceArn", None);
                ctx.default_to("aws:SourceAccount", None);
                ctx.default_to("aws:PrincipalAccount", one(&principal.account));
            }
        }
        match &kind {
            PrincipalKind::User { name } => {
                ctx.default_to("aws:PrincipalArn", one(&principal.arn));
                ctx.default_to("aws:PrincipalType", one("User"));
                ctx.default_to("aws:username", one(name));
            }
            PrincipalKind::Role { .. } => {
                ctx.default_to("aws:PrincipalArn", one(&principal.arn));
                ctx.default_to("aws:PrincipalType", one("AssumedRole"));
                ctx.default_to("aws:username", None);
            }
            // The session's role ARN carries a path the session ARN does not show:
            // aws:PrincipalArn stays unknown unless the caller sets it.
            PrincipalKind::AssumedRole { .. } => {
                ctx.default_to("aws:PrincipalType", one("AssumedRole"));
                ctx.default_to("aws:username", None);
            }
            PrincipalKind::Account => {
                ctx.default_to("aws:PrincipalArn", one(&principal.arn));
                ctx.default_to("aws:PrincipalType", one("Account"));
            }
            PrincipalKind::FederatedUser { .. } => {
                ctx.default_to("aws:PrincipalType", one("FederatedUser"));
            }
            _ => {}
        }
        // ECR's API endpoints accept HTTPS only.
        if action.to_ascii_lowercase().starts_with("ecr:") {
            ctx.default_to("aws:SecureTransport", one("true"));
        }
        ctx
    }
}
