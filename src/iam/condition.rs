//! `Condition` blocks: the operators of the IAM reference (String, Numeric, Date, Bool,
//! Binary, IpAddress, Arn, Null, `…IfExists`, `ForAnyValue:`/`ForAllValues:`) and policy
//! variables. Anything that cannot be decided is `Unknown` with its reason.

use super::context::{Context, Lookup};
use super::matching;
use super::policy::Condition;

/// Three-valued truth: a statement whose condition cannot be decided is neither
/// applied nor ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown(String),
}

impl Truth {
    pub fn from_bool(b: bool) -> Truth {
        match b {
            true => Truth::True,
            false => Truth::False,
        }
    }

    /// All of them: false wins over unknown.
    pub fn all(items: impl IntoIterator<Item = Truth>) -> Truth {
        let mut unknown = None;
        for t in items {
            match t {
                Truth::False => return Truth::False,
                Truth::Unknown(why) => unknown = unknown.or(Some(why)),
                Truth::True => {}
            }
        }
        unknown.map_or(Truth::True, Truth::Unknown)
    }

    /// Any of them: true wins over unknown.
    pub fn any(items: impl IntoIterator<Item = Truth>) -> Truth {
        let mut unknown = None;
        for t in items {
            match t {
                Truth::True => return Truth::True,
                Truth::Unknown(why) => unknown = unknown.or(Some(why)),
                Truth::False => {}
            }
        }
        unknown.map_or(Truth::False, Truth::Unknown)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    ArnLike,
}

enum Qualifier {
    None,
    AnyValue,
    AllValues,
}

struct Operator {
    base: Base,
    negated: bool,
    if_exists: bool,
    qualifier: Qualifier,
}

fn operator(text: &str) -> Option<Operator> {
    let lower = text.to_ascii_lowercase();
    let (qualifier, rest) = if let Some(r) = lower.strip_prefix("foranyvalue:") {
        (Qualifier::AnyValue, r)
    } else if let Some(r) = lower.strip_prefix("forallvalues:") {
        (Qualifier::AllValues, r)
    } else {
        (Qualifier::None, lower.as_str())
    };
    let (rest, if_exists) = match rest.strip_suffix("ifexists") {
        Some(r) => (r, true),
        None => (rest, false),
    };
    use Base::*;
    let (base, negated) = match rest {
        "stringequals" => (StringEquals, false),
        "stringnotequals" => (StringEquals, true),
        "stringequalsignorecase" => (StringEqualsIgnoreCase, false),
        "stringnotequalsignorecase" => (StringEqualsIgnoreCase, true),
        "stringlike" => (StringLike, false),
        "stringnotlike" => (StringLike, true),
        "numericequals" => (NumericEquals, false),
        "numericnotequals" => (NumericEquals, true),
        "numericlessthan" => (NumericLessThan, false),
        "numericlessthanequals" => (NumericLessThanEquals, false),
        "numericgreaterthan" => (NumericGreaterThan, false),
        "numericgreaterthanequals" => (NumericGreaterThanEquals, false),
        "dateequals" => (DateEquals, false),
        "datenotequals" => (DateEquals, true),
        "datelessthan" => (DateLessThan, false),
        "datelessthanequals" => (DateLessThanEquals, false),
        "dategreaterthan" => (DateGreaterThan, false),
        "dategreaterthanequals" => (DateGreaterThanEquals, false),
        "bool" => (Bool, false),
        "binaryequals" => (BinaryEquals, false),
        "ipaddress" => (IpAddress, false),
        "notipaddress" => (IpAddress, true),
        "arnequals" | "arnlike" => (ArnLike, false),
        "arnnotequals" | "arnnotlike" => (ArnLike, true),
        _ => return None,
    };
    Some(Operator {
        base,
        negated,
        if_exists,
        qualifier,
    })
}

/// The result of replacing `${…}` policy variables in a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Substituted {
    Value(String),
    /// A variable whose key is absent (and has no default): the value matches nothing.
    Absent,
    Unknown(String),
}

/// Replaces policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`,
/// `${*}`, `${?}`, `${$}`) with their values from the context.
pub fn substitute(text: &str, ctx: &Context) -> Substituted {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Substituted::Value(out);
        };
        let inner = after[..end].trim();
        rest = &after[end + 1..];
        match inner {
            "*" | "?" | "$" => {
                out.push_str(inner);
                continue;
            }
            _ => {}
        }
        let (key, default) = match inner.split_once(',') {
            Some((k, d)) => {
                let d = d.trim();
                let d = d
                    .strip_prefix('\'')
                    .and_then(|d| d.strip_suffix('\''))
                    .unwrap_or(d);
                (k.trim(), Some(d.to_string()))
            }
            None => (inner, None),
        };
        match (ctx.lookup(key), default) {
            (Lookup::Present([value]), _) => out.push_str(value),
            (Lookup::Present(_), _) => {
                return Substituted::Unknown(format!(
                    "policy variable ${{{key}}} has several values"
                ));
            }
            (Lookup::Absent, Some(d)) => out.push_str(&d),
            (Lookup::Absent, None) => return Substituted::Absent,
            (Lookup::Unknown, _) => {
                return Substituted::Unknown(format!(
                    "policy variable ${{{key}}} is not known for this request"
                ));
            }
        }
    }
    out.push_str(rest);
    Substituted::Value(out)
}

fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

fn date(s: &str) -> Option<i128> {
    if let Ok(epoch) = s.trim().parse::<i64>() {
        return Some(i128::from(epoch) * 1_000_000_000);
    }
    if let Ok(ts) = s.trim().parse::<jiff::Timestamp>() {
        return Some(ts.as_nanosecond());
    }
    // A date without a time, as IAM accepts ("2026-01-01").
    s.trim()
        .parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp().as_nanosecond())
}

fn ip_in(request: &str, cidr: &str) -> Option<bool> {
    let ip: std::net::IpAddr = request.trim().parse().ok()?;
    let (net, len) = match cidr.split_once('/') {
        Some((n, l)) => (n.parse::<std::net::IpAddr>().ok()?, l.parse::<u32>().ok()?),
        None => {
            let n: std::net::IpAddr = cidr.parse().ok()?;
            (n, if n.is_ipv4() { 32 } else { 128 })
        }
    };
    let bits = |a: std::net::IpAddr| -> (u128, u32) {
        match a {
            std::net::IpAddr::V4(v) => (u128::from(u32::from(v)), 32),
            std::net::IpAddr::V6(v) => (u128::from(v), 128),
        }
    };
    let ((a, wa), (b, wb)) = (bits(ip), bits(net));
    if wa != wb || len > wb {
        return Some(false);
    }
    let shift = wb - len;
    Some(len == 0 || (a >> shift) == (b >> shift))
}

/// Does one request value match one condition value under the (positive) operator?
fn one(base: Base, request: &str, wanted: &str) -> Truth {
    use Base::*;
    let unknown = |what: &str| Truth::Unknown(format!("`{wanted}` is not a valid {what}"));
    match base {
        StringEquals | BinaryEquals => Truth::from_bool(request == wanted),
        StringEqualsIgnoreCase => Truth::from_bool(request.to_lowercase() == wanted.to_lowercase()),
        StringLike => Truth::from_bool(matching::glob(wanted, request)),
        ArnLike => Truth::from_bool(matching::arn(wanted, request)),
        Bool => match wanted.to_ascii_lowercase().as_str() {
            w @ ("true" | "false") => Truth::from_bool(request.eq_ignore_ascii_case(w)),
            _ => unknown("boolean"),
        },
        IpAddress => match ip_in(request, wanted) {
            Some(b) => Truth::from_bool(b),
            None if wanted.parse::<std::net::IpAddr>().is_ok()
                || wanted
                    .split_once('/')
                    .is_some_and(|(n, _)| n.parse::<std::net::IpAddr>().is_ok()) =>
            {
                Truth::False
            }
            None => unknown("IP address or CIDR"),
        },
        NumericEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => {
            let Some(w) = number(wanted) else {
                return unknown("number");
            };
            let Some(r) = number(request) else {
                return Truth::False;
            };
            Truth::from_bool(match base {
                NumericEquals => r == w,
                NumericLessThan => r < w,
                NumericLessThanEquals => r <= w,
                NumericGreaterThan => r > w,
                _ => r >= w,
            })
        }
        DateEquals
        | DateLessThan
        | DateLessThanEquals
        | DateGreaterThan
        | DateGreaterThanEquals => {
            let Some(w) = date(wanted) else {
                return unknown("date");
            };
            let Some(r) = date(request) else {
                return Truth::False;
            };
            Truth::from_bool(match base {
                DateEquals => r == w,
                DateLessThan => r < w,
                DateLessThanEquals => r <= w,
                DateGreaterThan => r > w,
                _ => r >= w,
            })
        }
    }
}

/// One request value against all the condition's values: positive operators need one
/// match, negated ones need none.
fn value(op: &Operator, request: &str, wanted: &[Substituted]) -> Truth {
    let matched = Truth::any(wanted.iter().map(|w| match w {
        Substituted::Value(w) => one(op.base, request, w),
        Substituted::Absent => Truth::False,
        Substituted::Unknown(why) => Truth::Unknown(why.clone()),
    }));
    match (op.negated, matched) {
        (false, t) => t,
        (true, Truth::True) => Truth::False,
        (true, Truth::False) => Truth::True,
        (true, u) => u,
    }
}

/// Evaluates one condition test against the context.
pub fn evaluate(c: &Condition, ctx: &Context, variables: bool) -> Truth {
    if c.operator.eq_ignore_ascii_case("Null") {
        return null(c, ctx);
    }
    let Some(op) = operator(&c.operator) else {
        return Truth::Unknown(format!(
            "condition operator `{}` is not supported",
            c.operator
        ));
    };
    let unknown_key = || {
        Truth::Unknown(format!(
            "condition key `{}` ({}) is not known for this request",
            c.key, c.operator
        ))
    };
    let lookup = ctx.lookup(&c.key);
    let wanted: Vec<Substituted> = c
        .values
        .iter()
        .map(|v| match variables {
            true if v.contains("${*}") || v.contains("${?}") => {
                // ${*} and ${?} stand for a literal * or ?, which a Like operator would
                // read as a wildcard.
                if matches!(op.base, Base::StringLike | Base::ArnLike) {
                    Substituted::Unknown(format!("`{v}` compares a literal * or ?"))
                } else {
                    substitute(v, ctx)
                }
            }
            true => substitute(v, ctx),
            false => Substituted::Value(v.clone()),
        })
        .collect();
    let values = match lookup {
        Lookup::Unknown => return unknown_key(),
        Lookup::Absent => {
            return Truth::from_bool(match op.qualifier {
                _ if op.if_exists => true,
                Qualifier::AllValues => true,
                Qualifier::AnyValue => false,
                // A missing key matches no value: negated operators are then true.
                Qualifier::None => op.negated,
            });
        }
        Lookup::Present(values) => values,
    };
    match op.qualifier {
        Qualifier::AllValues => Truth::all(values.iter().map(|r| value(&op, r, &wanted))),
        Qualifier::AnyValue => Truth::any(values.iter().map(|r| value(&op, r, &wanted))),
        Qualifier::None if op.negated => Truth::all(values.iter().map(|r| value(&op, r, &wanted))),
        Qualifier::None => Truth::any(values.iter().map(|r| value(&op, r, &wanted))),
    }
}

/// `Null`: `"true"` asks that the key be absent, `"false"` that it be present.
fn null(c: &Condition, ctx: &Context) -> Truth {
    let present = match ctx.lookup(&c.key) {
        Lookup::Present(_) => true,
        Lookup::Absent => false,
        Lookup::Unknown => {
            return Truth::Unknown(format!(
                "condition key `{}` (Null) is not known for this request",
                c.key
            ));
        }
    };
    Truth::any(
        c.values
            .iter()
            .map(|v| match v.to_ascii_lowercase().as_str() {
                "true" => Truth::from_bool(!present),
                "false" => Truth::from_bool(present),
                _ => Truth::Unknown(format!("`{v}` is not a valid Null value")),
            }),
    )
}
