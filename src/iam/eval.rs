//! AWS's policy evaluation logic: an explicit deny wins; in the same account an allow
//! in the identity policies or one naming the principal in the resource policy is
//! enough; across accounts both sides must allow. Undecidable statements carry through
//! as `Unknown` wherever they could change the answer.

use super::condition::{self, Substituted, Truth};
use super::context::Context;
use super::matching;
use super::policy::{Effect, Patterns, PrincipalBlock, Statement};
use super::principal::{PrincipalMatch, statement_principal};
use super::{Decision, Evaluation, Grant, Policies, Policy, Request, StatementRef};

fn negate(t: Truth) -> Truth {
    match t {
        Truth::True => Truth::False,
        Truth::False => Truth::True,
        u => u,
    }
}

fn action_matches(s: &Statement, action: &str) -> Truth {
    let (list, not) = match &s.action {
        Patterns::Listed(l) => (l, false),
        Patterns::Not(l) => (l, true),
    };
    let hit = list.iter().any(|p| matching::action(p, action));
    Truth::from_bool(hit != not)
}

fn resource_matches(s: &Statement, resource: &str, ctx: &Context, variables: bool) -> Truth {
    let (list, not) = match &s.resource {
        None => return Truth::True,
        Some(Patterns::Listed(l)) => (l, false),
        Some(Patterns::Not(l)) => (l, true),
    };
    let hit = Truth::any(list.iter().map(|p| {
        let pattern = match variables {
            true => condition::substitute(p, ctx),
            false => Substituted::Value(p.clone()),
        };
        match pattern {
            Substituted::Value(p) => Truth::from_bool(matching::arn(&p, resource)),
            Substituted::Absent => Truth::False,
            Substituted::Unknown(why) => Truth::Unknown(why),
        }
    }));
    match not {
        true => negate(hit),
        false => hit,
    }
}

/// Does the statement apply to the request (principal aside)?
fn applies(s: &Statement, request: &Request, ctx: &Context, variables: bool) -> Truth {
    Truth::all(
        [
            action_matches(s, &request.action),
            resource_matches(s, &request.resource, ctx, variables),
        ]
        .into_iter()
        .chain(
            s.conditions
                .iter()
                .map(|c| condition::evaluate(c, ctx, variables)),
        ),
    )
}

fn uses_variables(policy: &Policy) -> bool {
    policy.document.version.as_deref() == Some("2012-10-17")
}

struct Found {
    reference: StatementRef,
    effect: Effect,
    truth: Truth,
    /// Resource policies: how the statement's principal covers the request's.
    principal: Option<PrincipalMatch>,
}

fn statements(
    policy: &Policy,
    resource_side: bool,
    boundary: bool,
    request: &Request,
    ctx: &Context,
) -> Vec<Found> {
    let variables = uses_variables(policy);
    policy
        .document
        .statements
        .iter()
        .enumerate()
        .map(|(index, s)| {
            let reference = StatementRef {
                policy: policy.name.clone(),
                sid: s.sid.clone(),
                index,
            };
            let mut truth = applies(s, request, ctx, variables);
            // IAM rejects an identity statement without a Resource or with a Principal:
            // what such a statement does is not a guess to make.
            if !resource_side && (s.resource.is_none() || s.principal.is_some()) {
                truth = Truth::all([
                    truth,
                    Truth::Unknown(
                        "an identity-policy statement without Resource or with Principal is \
                         malformed"
                            .into(),
                    ),
                ]);
            }
            let mut principal = None;
            if resource_side {
                let m = match (&s.principal, s.effect) {
                    // AWS: a NotPrincipal Deny always denies a principal with a
                    // permissions boundary, whatever it lists.
                    (Some(PrincipalBlock::Not(_)), Effect::Deny) if boundary => {
                        PrincipalMatch::Direct
                    }
                    (block, _) => statement_principal(block.as_ref(), &request.principal),
                };
                let t = match &m {
                    PrincipalMatch::No => Truth::False,
                    PrincipalMatch::Direct | PrincipalMatch::Account => Truth::True,
                    PrincipalMatch::Unknown(why) => Truth::Unknown(why.clone()),
                };
                truth = Truth::all([t, truth]);
                principal = Some(m);
            }
            Found {
                reference,
                effect: s.effect,
                truth,
                principal,
            }
        })
        .collect()
}

/// `Truth` of "some of these statements grants", with the granting and undecided ones.
fn grant<'a>(found: impl Iterator<Item = &'a Found>) -> (Truth, Vec<&'a Found>, Vec<&'a Found>) {
    let (mut yes, mut unknown) = (Vec::new(), Vec::new());
    for f in found {
        match &f.truth {
            Truth::True => yes.push(f),
            Truth::Unknown(_) => unknown.push(f),
            Truth::False => {}
        }
    }
    let truth = match (yes.is_empty(), unknown.first()) {
        (false, _) => Truth::True,
        (true, Some(f)) => f.truth.clone(),
        (true, None) => Truth::False,
    };
    (truth, yes, unknown)
}

fn as_grant(t: &Truth) -> Grant {
    match t {
        Truth::True => Grant::Allows,
        Truth::False => Grant::DoesNotAllow,
        Truth::Unknown(_) => Grant::Unknown,
    }
}

fn reason(f: &Found) -> String {
    match &f.truth {
        Truth::Unknown(why) => format!("{}: {why}", f.reference),
        _ => f.reference.to_string(),
    }
}

fn allows(list: &[Found]) -> impl Iterator<Item = &Found> {
    list.iter().filter(|f| f.effect == Effect::Allow)
}

/// Evaluates one request against the policies, as AWS would.
pub fn evaluate(policies: &Policies, request: &Request) -> Evaluation {
    let ctx = request
        .context
        .completed(&request.principal, &request.action);
    let service = request.principal.is_service();
    let cross_account = service || request.principal.account != policies.resource_account;
    let mut found: Vec<Found> = Vec::new();
    if !service {
        for policy in &policies.identity {
            found.extend(statements(policy, false, false, request, &ctx));
        }
    }
    let identity_count = found.len();
    if let Some(policy) = &policies.resource {
        found.extend(statements(
            policy,
            true,
            policies.has_boundary(),
            request,
            &ctx,
        ));
    }
    let (identity, resource) = found.split_at(identity_count);

    let denies = found.iter().filter(|f| f.effect == Effect::Deny);
    let (deny, denying, deny_unknown) = grant(denies);

    let (identity_truth, identity_yes, identity_unknown) = grant(allows(identity));
    // In the same account, a grant to the account principal delegates to IAM: for ECR it
    // adds nothing to the identity policies. Across accounts it is the resource side's
    // part. A KMS key is the exception: its key policy must allow, directly or by
    // delegating to the account (then IAM must allow too); IAM alone never does.
    let key = request.action.to_ascii_lowercase().starts_with("kms:");
    let counts = |f: &&Found| match f.principal {
        Some(PrincipalMatch::Account) => cross_account || key,
        _ => true,
    };
    let (resource_truth, resource_yes, resource_unknown) = grant(allows(resource).filter(counts));
    let delegates = |f: &&Found| f.principal == Some(PrincipalMatch::Account);
    let (direct_truth, _, _) = grant(allows(resource).filter(|f| !delegates(f)));
    let (delegated_truth, _, _) = grant(allows(resource).filter(delegates));

    let allowed = match (service, cross_account, key) {
        (true, _, _) => resource_truth.clone(),
        (false, true, _) => Truth::all([identity_truth.clone(), resource_truth.clone()]),
        (false, false, false) => Truth::any([identity_truth.clone(), resource_truth.clone()]),
        (false, false, true) => Truth::any([
            direct_truth,
            Truth::all([identity_truth.clone(), delegated_truth]),
        ]),
    };

    let mut evaluation = Evaluation {
        decision: Decision::ImplicitDeny,
        deciding: Vec::new(),
        unknown: Vec::new(),
        identity: match service {
            true => Grant::DoesNotAllow,
            false => as_grant(&identity_truth),
        },
        resource: as_grant(&resource_truth),
        cross_account,
        caveats: policies.caveats.clone(),
        undecided_deny: deny_unknown.iter().map(|f| f.reference.clone()).collect(),
    };
    let refs = |list: &[&Found]| list.iter().map(|f| f.reference.clone()).collect::<Vec<_>>();
    let reasons = |list: &[&Found]| list.iter().map(|f| reason(f)).collect::<Vec<_>>();
    if deny == Truth::True {
        evaluation.decision = Decision::ExplicitDeny;
        evaluation.deciding = refs(&denying);
        return evaluation;
    }
    match allowed {
        Truth::False => {
            evaluation.decision = Decision::ImplicitDeny;
            // What stays undecided (an allow that would not suffice, a deny that would
            // make it explicit) is still worth naming.
            let mut undecided = deny_unknown;
            undecided.extend(identity_unknown);
            undecided.extend(resource_unknown);
            evaluation.unknown = reasons(&undecided);
        }
        Truth::True if deny_unknown.is_empty() => {
            evaluation.decision = Decision::Allow;
            let mut granting = Vec::new();
            if !service && identity_truth == Truth::True {
                granting.extend(identity_yes);
            }
            if resource_truth == Truth::True {
                granting.extend(resource_yes);
            }
            evaluation.deciding = refs(&granting);
        }
        _ => {
            evaluation.decision = Decision::Unknown;
            let mut undecided = deny_unknown;
            if identity_truth != Truth::True {
                undecided.extend(identity_unknown);
            }
            if resource_truth != Truth::True {
                undecided.extend(resource_unknown);
            }
            evaluation.deciding = refs(&undecided);
            evaluation.unknown = reasons(&undecided);
        }
    }
    evaluation
}
