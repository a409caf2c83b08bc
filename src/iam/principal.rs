//! Who makes the request (an IAM role, user, role session or AWS service) and whether a
//! statement's `Principal`/`NotPrincipal` names it.

use super::policy::{PolicyError, PrincipalBlock, PrincipalSet};

/// The principal of a request. `arn` is an IAM role or user ARN, an STS assumed-role
/// session ARN (it acts as its role), an account root ARN, or, for an AWS service, the
/// service principal (`lambda.amazonaws.com`, with an empty `account`). Build it with
/// [`Principal::from_arn`] or [`Principal::service`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub arn: String,
    pub account: String,
}

/// What a principal ARN names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalKind {
    /// `arn:aws:iam::ACCOUNT:root` (or a bare account id).
    Account,
    User {
        name: String,
    },
    /// A role: the request is made by one of its sessions, name unknown.
    Role {
        name: String,
    },
    AssumedRole {
        role: String,
        session: String,
    },
    FederatedUser {
        name: String,
    },
    Service {
        name: String,
    },
    Other,
}

impl Principal {
    /// A principal from an IAM/STS ARN (or a 12-digit account id); the account is read
    /// from the ARN.
    pub fn from_arn(arn: &str) -> Result<Principal, PolicyError> {
        let bad = |why: &str| PolicyError {
            path: String::new(),
            message: format!("`{arn}` is not an IAM principal ARN: {why}"),
        };
        if is_account_id(arn) {
            return Ok(Principal {
                arn: format!("arn:aws:iam::{arn}:root"),
                account: arn.to_string(),
            });
        }
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() != 6 || parts[0] != "arn" {
            return Err(bad(
                "expected arn:PARTITION:iam::ACCOUNT:role/NAME (or user/, root)",
            ));
        }
        if !["iam", "sts"].contains(&parts[2]) {
            return Err(bad("the service is not iam or sts"));
        }
        if !is_account_id(parts[4]) {
            return Err(bad("the account is not 12 digits"));
        }
        let principal = Principal {
            arn: arn.to_string(),
            account: parts[4].to_string(),
        };
        match principal.kind() {
            PrincipalKind::Other => Err(bad("not a role, user, role session or root")),
            _ => Ok(principal),
        }
    }

    /// An AWS service principal such as `lambda.amazonaws.com` (pull-check: Lambda).
    #[allow(dead_code)]
    pub fn service(name: &str) -> Principal {
        Principal {
            arn: name.to_string(),
            account: String::new(),
        }
    }

    pub fn kind(&self) -> PrincipalKind {
        if !self.arn.starts_with("arn:") {
            if self.arn.ends_with(".amazonaws.com") || self.arn.ends_with(".amazonaws.com.cn") {
                return PrincipalKind::Service {
                    name: self.arn.clone(),
                };
            }
            return PrincipalKind::Other;
        }
        let parts: Vec<&str> = self.arn.splitn(6, ':').collect();
        if parts.len() != 6 {
            return PrincipalKind::Other;
        }
        let last = |path: &str| path.rsplit('/').next().unwrap_or_default().to_string();
        match (parts[2], parts[5]) {
            ("iam", "root") => PrincipalKind::Account,
            ("iam", r) if r.starts_with("user/") => PrincipalKind::User { name: last(r) },
            ("iam", r) if r.starts_with("role/") => PrincipalKind::Role { name: last(r) },
            ("sts", r) if r.starts_with("assumed-role/") => {
                let mut it = r["assumed-role/".len()..].splitn(2, '/');
                match (it.next(), it.next()) {
                    (Some(role), Some(session)) if !role.is_empty() => PrincipalKind::AssumedRole {
                        role: role.to_string(),
                        session: session.to_string(),
                    },
                    _ => PrincipalKind::Other,
                }
            }
            ("sts", r) if r.starts_with("federated-user/") => {
                PrincipalKind::FederatedUser { name: last(r) }
            }
            _ => PrincipalKind::Other,
        }
    }

    pub fn is_service(&self) -> bool {
        matches!(self.kind(), PrincipalKind::Service { .. })
    }
}

pub(crate) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// How a statement's `Principal` covers the request's principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalMatch {
    No,
    /// Named itself (its ARN, its role, its service) or `"*"`: a same-account grant
    /// needs no identity policy.
    Direct,
    /// Through its account (`123456789012`, `arn:aws:iam::123456789012:root`): the
    /// account's IAM must grant too, also in the same account.
    Account,
    Unknown(String),
}

/// Does one `AWS`/`Service`/… value name the principal?
fn names(kind_key: &str, value: &str, p: &Principal) -> PrincipalMatch {
    let kind = p.kind();
    match kind_key {
        "Service" => match &kind {
            PrincipalKind::Service { name } if name.eq_ignore_ascii_case(value) => {
                PrincipalMatch::Direct
            }
            _ => PrincipalMatch::No,
        },
        "AWS" => {
            if value == "*" {
                return PrincipalMatch::Direct;
            }
            if matches!(kind, PrincipalKind::Service { .. }) {
                return PrincipalMatch::No;
            }
            let account_of_value = if is_account_id(value) {
                Some(value.to_string())
            } else {
                let parts: Vec<&str> = value.splitn(6, ':').collect();
                (parts.len() == 6 && parts[2] == "iam" && parts[5] == "root")
                    .then(|| parts[4].to_string())
            };
            if let Some(account) = account_of_value {
                return match account == p.account {
                    true => PrincipalMatch::Account,
                    false => PrincipalMatch::No,
                };
            }
            if value == p.arn {
                return PrincipalMatch::Direct;
            }
            // A role named in a policy covers its sessions; role names are unique in an
            // account whatever their path, so the path may differ from the caller's.
            let Ok(named) = Principal::from_arn(value) else {
                return PrincipalMatch::No;
            };
            if named.account != p.account {
                return PrincipalMatch::No;
            }
            match (named.kind(), kind) {
                (PrincipalKind::Role { name: a }, PrincipalKind::Role { name: b })
                | (PrincipalKind::Role { name: a }, PrincipalKind::AssumedRole { role: b, .. })
                | (PrincipalKind::User { name: a }, PrincipalKind::User { name: b }) => {
                    if a == b {
                        PrincipalMatch::Direct
                    } else if a.eq_ignore_ascii_case(&b) {
                        // IAM names are unique whatever their case, and AWS resolves a
                        // named principal to its unique id: whether `CI` names role `ci`
                        // is not certain here, so not a confident "no".
                        PrincipalMatch::Unknown(format!(
                            "the policy names `{a}`, the caller is `{b}`: the same name in \
                             another case may or may not be the same principal"
                        ))
                    } else {
                        PrincipalMatch::No
                    }
                }
                // A policy naming one session of a role, when the request's session is
                // not known: it may or may not be that session.
                (PrincipalKind::AssumedRole { role: a, .. }, PrincipalKind::Role { name: b })
                    if a == b =>
                {
                    PrincipalMatch::Unknown(format!(
                        "the policy names the role session `{value}`; which session of role `{b}` \
                         makes the request is not known"
                    ))
                }
                _ => PrincipalMatch::No,
            }
        }
        // Web identity / SAML and S3 canonical users are not principals ecrctl checks.
        _ => PrincipalMatch::No,
    }
}

/// The best match of a principal set: Direct over Account over Unknown over No.
fn best(set: &PrincipalSet, p: &Principal) -> PrincipalMatch {
    let named = match set {
        PrincipalSet::Everyone => return PrincipalMatch::Direct,
        PrincipalSet::Named(named) => named,
    };
    let mut found = PrincipalMatch::No;
    for (kind, values) in named {
        for value in values {
            match names(kind, value, p) {
                PrincipalMatch::Direct => return PrincipalMatch::Direct,
                PrincipalMatch::Account => found = PrincipalMatch::Account,
                PrincipalMatch::Unknown(why) if found == PrincipalMatch::No => {
                    found = PrincipalMatch::Unknown(why)
                }
                _ => {}
            }
        }
    }
    found
}

/// How a statement's `Principal`/`NotPrincipal` applies to the request's principal.
pub fn statement_principal(block: Option<&PrincipalBlock>, p: &Principal) -> PrincipalMatch {
    match block {
        // Invalid in a resource policy (AWS rejects it); it grants nothing.
        None => PrincipalMatch::No,
        Some(PrincipalBlock::Listed(set)) => best(set, p),
        Some(PrincipalBlock::Not(set)) => not_principal(set, p),
    }
}

/// `NotPrincipal`: the statement applies unless the principal is excluded. AWS checks
/// the account, then the role, then the session: a principal is excluded when its
/// account and itself are listed (IAM user guide, NotPrincipal). Whether a role ARN
/// (rather than the session ARN) exempts the role's sessions is documented both ways
/// over time: that case is Unknown, never a guess.
fn not_principal(set: &PrincipalSet, p: &Principal) -> PrincipalMatch {
    let PrincipalSet::Named(named) = set else {
        return PrincipalMatch::No;
    };
    let listed = |want: &dyn Fn(&str, &str) -> bool| {
        named
            .iter()
            .any(|(kind, values)| values.iter().any(|v| want(kind, v)))
    };
    if p.is_service() {
        let excluded = listed(&|k, v| k == "Service" && v.eq_ignore_ascii_case(&p.arn));
        return match excluded {
            true => PrincipalMatch::No,
            false => PrincipalMatch::Direct,
        };
    }
    let account_listed = listed(&|k, v| {
        k == "AWS" && (v == p.account || v == format!("arn:aws:iam::{}:root", p.account))
    });
    if !account_listed {
        return PrincipalMatch::Direct;
    }
    let aws_value = |test: &dyn Fn(&Principal) -> bool| {
        listed(&|k, v| k == "AWS" && Principal::from_arn(v).is_ok_and(|named| test(&named)))
    };
    let same_role = |named: &Principal, role: &str| {
        named.account == p.account
            && matches!(named.kind(), PrincipalKind::Role { name } if name == role)
    };
    let session_of = |named: &Principal, role: &str| {
        named.account == p.account
            && matches!(named.kind(), PrincipalKind::AssumedRole { role: r, .. } if r == role)
    };
    let undecided = |what: &str| {
        PrincipalMatch::Unknown(format!(
            "NotPrincipal lists {what}; whether that exempts the session making the request \
             is not certain"
        ))
    };
    match p.kind() {
        PrincipalKind::Account => PrincipalMatch::No,
        PrincipalKind::AssumedRole { role, .. } => {
            if aws_value(&|named| named.arn == p.arn) {
                PrincipalMatch::No
            } else if aws_value(&|named| same_role(named, &role)) {
                undecided(&format!("role `{role}` but not this session"))
            } else {
                PrincipalMatch::Direct
            }
        }
        // The request comes from some session of the role, which one is not known.
        PrincipalKind::Role { name } => {
            if aws_value(&|named| same_role(named, &name) || session_of(named, &name)) {
                undecided(&format!("role `{name}` or one of its sessions"))
            } else {
                PrincipalMatch::Direct
            }
        }
        _ => match aws_value(&|named| named.arn == p.arn) {
            true => PrincipalMatch::No,
            false => PrincipalMatch::Direct,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::policy::PolicyDocument;

    fn block(principal: &str) -> PrincipalBlock {
        let doc = PolicyDocument::parse(&format!(
            r#"{{"Statement":{{"Effect":"Allow","Action":"*",{principal}}}}}"#
        ))
        .unwrap();
        doc.statements[0].principal.clone().unwrap()
    }

    fn p(arn: &str) -> Principal {
        Principal::from_arn(arn).unwrap()
    }

    #[test]
    fn a_role_named_in_another_case_is_unknown() {
        let session = p("arn:aws:sts::111122223333:assumed-role/ci/s1");
        let named = block(r#""Principal":{"AWS":"arn:aws:iam::111122223333:role/CI"}"#);
        assert!(matches!(
            statement_principal(Some(&named), &session),
            PrincipalMatch::Unknown(_)
        ));
        let exact = block(r#""Principal":{"AWS":"arn:aws:iam::111122223333:role/ci"}"#);
        assert_eq!(
            statement_principal(Some(&exact), &session),
            PrincipalMatch::Direct
        );
        let other = block(r#""Principal":{"AWS":"arn:aws:iam::111122223333:role/cd"}"#);
        assert_eq!(
            statement_principal(Some(&other), &session),
            PrincipalMatch::No
        );
    }

    #[test]
    fn kinds_and_accounts() {
        assert_eq!(
            p("arn:aws:sts::111122223333:assumed-role/node/i-0abc").kind(),
            PrincipalKind::AssumedRole {
                role: "node".into(),
                session: "i-0abc".into()
            }
        );
        assert_eq!(
            p("arn:aws:iam::111122223333:role/path/to/node").kind(),
            PrincipalKind::Role {
                name: "node".into()
            }
        );
        assert_eq!(p("111122223333").arn, "arn:aws:iam::111122223333:root");
        assert!(Principal::from_arn("arn:aws:s3:::bucket").is_err());
        assert!(Principal::from_arn("arn:aws:iam::1234:role/x").is_err());
        assert!(Principal::service("lambda.amazonaws.com").is_service());
    }

    #[test]
    fn principal_element() {
        let session = p("arn:aws:sts::111122223333:assumed-role/node/i-0abc");
        let m = |text: &str, who: &Principal| statement_principal(Some(&block(text)), who);
        assert_eq!(m(r#""Principal":"*""#, &session), PrincipalMatch::Direct);
        assert_eq!(
            m(
                r#""Principal":{"AWS":"arn:aws:iam::111122223333:role/x/node"}"#,
                &session
            ),
            PrincipalMatch::Direct
        );
        assert_eq!(
            m(r#""Principal":{"AWS":["111122223333"]}"#, &session),
            PrincipalMatch::Account
        );
        assert_eq!(
            m(
                r#""Principal":{"AWS":"arn:aws:iam::111122223333:root"}"#,
                &session
            ),
            PrincipalMatch::Account
        );
        assert_eq!(
            m(
                r#""Principal":{"AWS":"arn:aws:iam::444455556666:root"}"#,
                &session
            ),
            PrincipalMatch::No
        );
        assert_eq!(
            m(
                r#""Principal":{"AWS":"arn:aws:iam::111122223333:role/other"}"#,
                &session
            ),
            PrincipalMatch::No
        );
        assert_eq!(
            m(
                r#""Principal":{"Service":"lambda.amazonaws.com"}"#,
                &session
            ),
            PrincipalMatch::No
        );
        assert_eq!(
            m(
                r#""Principal":{"Service":"lambda.amazonaws.com"}"#,
                &Principal::service("lambda.amazonaws.com")
            ),
            PrincipalMatch::Direct
        );
        // Partial wildcards are not supported in Principal: no match.
        assert_eq!(
            m(
                r#""Principal":{"AWS":"arn:aws:iam::111122223333:role/*"}"#,
                &session
            ),
            PrincipalMatch::No
        );
    }

    #[test]
    fn not_principal_needs_principal_and_account() {
        let bob = p("arn:aws:iam::444455556666:user/Bob");
        let m = |text: &str| statement_principal(Some(&block(text)), &bob);
        assert_eq!(
            m(
                r#""NotPrincipal":{"AWS":["arn:aws:iam::444455556666:user/Bob","arn:aws:iam::444455556666:root"]}"#
            ),
            PrincipalMatch::No
        );
        assert_eq!(
            m(r#""NotPrincipal":{"AWS":"arn:aws:iam::444455556666:user/Bob"}"#),
            PrincipalMatch::Direct
        );
        assert_eq!(
            m(r#""NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"}"#),
            PrincipalMatch::Direct
        );
        let role = p("arn:aws:iam::444455556666:role/node");
        let session = p("arn:aws:sts::444455556666:assumed-role/node/i-1");
        let role_and_account = block(
            r#""NotPrincipal":{"AWS":["arn:aws:iam::444455556666:role/node","444455556666"]}"#,
        );
        assert!(matches!(
            statement_principal(Some(&role_and_account), &role),
            PrincipalMatch::Unknown(_)
        ));
        assert!(matches!(
            statement_principal(Some(&role_and_account), &session),
            PrincipalMatch::Unknown(_)
        ));
        let session_and_account = block(
            r#""NotPrincipal":{"AWS":["arn:aws:sts::444455556666:assumed-role/node/i-1","arn:aws:iam::444455556666:root"]}"#,
        );
        assert_eq!(
            statement_principal(Some(&session_and_account), &session),
            PrincipalMatch::No
        );
        let other = p("arn:aws:sts::444455556666:assumed-role/node/i-2");
        assert_eq!(
            statement_principal(Some(&session_and_account), &other),
            PrincipalMatch::Direct
        );
    }
}
