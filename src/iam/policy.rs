//! Policy documents as typed statements: the JSON grammar of IAM policies (identity,
//! repository and key policies), parsed strictly so nothing is silently ignored.

use serde_json::Value;

/// A policy that could not be read as an IAM policy, with the JSON path of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.path.is_empty() {
            true => write!(f, "{}", self.message),
            false => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for PolicyError {}

fn err(path: impl Into<String>, message: impl Into<String>) -> PolicyError {
    PolicyError {
        path: path.into(),
        message: message.into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Action` or `NotAction` (the same shape for `Resource`/`NotResource`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Patterns {
    /// The statement applies to these.
    Listed(Vec<String>),
    /// The statement applies to everything except these (`NotAction`, `NotResource`).
    Not(Vec<String>),
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalBlock {
    Listed(PrincipalSet),
    Not(PrincipalSet),
}

/// The principals named by a statement: `"*"` or a map of kind (`AWS`, `Service`,
/// `Federated`, `CanonicalUser`) to values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalSet {
    Everyone,
    Named(Vec<(String, Vec<String>)>),
}

/// One test of a `Condition` block: `"StringEquals": {"aws:PrincipalOrgID": ["o-1"]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// As written, with its qualifier and `IfExists`: `ForAnyValue:StringLikeIfExists`.
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<PrincipalBlock>,
    pub action: Patterns,
    /// `None` in repository and key policies, where the resource is implied.
    pub resource: Option<Patterns>,
    pub conditions: Vec<Condition>,
}

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicyDocument {
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

impl PolicyDocument {
    /// Parses a policy document. Unknown elements, wrong types and a missing
    /// `Effect`/`Action` are errors: a statement ignored in part could grant or deny
    /// something the evaluation then misses.
    pub fn parse(text: &str) -> Result<PolicyDocument, PolicyError> {
        let text = text.trim_start_matches('\u{feff}');
        let value: Value =
            serde_json::from_str(text).map_err(|e| err("", format!("not valid JSON: {e}")))?;
        // serde_json keeps the last of a key given twice (another reader may keep the
        // first): a Deny could silently become an Allow. Such a document is malformed.
        if let Some(path) = duplicate_key(text) {
            return Err(err(path, "given twice"));
        }
        let Value::Object(top) = value else {
            return Err(err("", "a policy is a JSON object"));
        };
        let mut doc = PolicyDocument::default();
        let mut statements = None;
        for (key, value) in &top {
            match key.as_str() {
                "Version" => {
                    let version = string(value, "Version")?;
                    if version != "2012-10-17" && version != "2008-10-17" {
                        return Err(err("Version", "expected \"2012-10-17\" or \"2008-10-17\""));
                    }
                    doc.version = Some(version)
                }
                "Id" => doc.id = Some(string(value, "Id")?),
                "Statement" => statements = Some(value),
                other => return Err(err(other, "unknown policy element")),
            }
        }
        let statements = statements.ok_or_else(|| err("Statement", "missing"))?;
        doc.statements = match statements {
            Value::Array(list) => list
                .iter()
                .enumerate()
                .map(|(i, s)| statement(s, &format!("Statement[{i}]")))
                .collect::<Result<_, _>>()?,
            one @ Value::Object(_) => vec![statement(one, "Statement")?],
            _ => return Err(err("Statement", "expected an object or a list of objects")),
        };
        Ok(doc)
    }
}

fn string(value: &Value, path: &str) -> Result<String, PolicyError> {
    value
        .as_str()
        .map(String::from)
        .ok_or_else(|| err(path, "expected a string"))
}

/// A string or a non-empty list of strings (IAM rejects an empty list).
fn strings(value: &Value, path: &str) -> Result<Vec<String>, PolicyError> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(list) if list.is_empty() => Err(err(path, "an empty list")),
        Value::Array(list) => list
            .iter()
            .enumerate()
            .map(|(i, v)| string(v, &format!("{path}[{i}]")))
            .collect(),
        _ => Err(err(path, "expected a string or a list of strings")),
    }
}

/// The path of the first key given twice in one object, if any.
fn duplicate_key(text: &str) -> Option<String> {
    crate::model::json_keys::duplicate_keys(text, "")
        .into_iter()
        .next()
}

/// Condition values: strings, numbers and booleans, alone or in a list.
fn scalars(value: &Value, path: &str) -> Result<Vec<String>, PolicyError> {
    let one = |v: &Value, p: &str| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(err(p, "expected a string, number or boolean")),
    };
    match value {
        Value::Array(list) if list.is_empty() => Err(err(path, "an empty list")),
        Value::Array(list) => list
            .iter()
            .enumerate()
            .map(|(i, v)| one(v, &format!("{path}[{i}]")))
            .collect(),
        v => Ok(vec![one(v, path)?]),
    }
}

fn principals(value: &Value, path: &str) -> Result<PrincipalSet, PolicyError> {
    match value {
        Value::String(s) if s == "*" => Ok(PrincipalSet::Everyone),
        Value::Object(map) => {
            let mut named = Vec::new();
            for (kind, values) in map {
                match kind.as_str() {
                    "AWS" | "Service" | "Federated" | "CanonicalUser" => {
                        named.push((kind.clone(), strings(values, &format!("{path}.{kind}"))?));
                    }
                    other => return Err(err(format!("{path}.{other}"), "unknown principal type")),
                }
            }
            if named.is_empty() {
                return Err(err(path, "names no principal"));
            }
            Ok(PrincipalSet::Named(named))
        }
        _ => Err(err(
            path,
            "expected \"*\" or an object such as {\"AWS\": …}",
        )),
    }
}

fn statement(value: &Value, path: &str) -> Result<Statement, PolicyError> {
    let Value::Object(map) = value else {
        return Err(err(path, "a statement is a JSON object"));
    };
    let mut sid = None;
    let mut effect = None;
    let mut principal = None;
    let mut action = None;
    let mut resource = None;
    let mut conditions = Vec::new();
    let twice = |what: &str| err(path, format!("both {what} and Not{what}"));
    for (key, v) in map {
        let here = format!("{path}.{key}");
        match key.as_str() {
            "Sid" => sid = Some(string(v, &here)?),
            "Effect" => {
                effect = Some(match v.as_str() {
                    Some("Allow") => Effect::Allow,
                    Some("Deny") => Effect::Deny,
                    _ => return Err(err(here, "expected \"Allow\" or \"Deny\"")),
                })
            }
            "Principal" | "NotPrincipal" => {
                if principal.is_some() {
                    return Err(twice("Principal"));
                }
                let set = principals(v, &here)?;
                principal = Some(match key.as_str() {
                    "Principal" => PrincipalBlock::Listed(set),
                    _ => PrincipalBlock::Not(set),
                });
            }
            "Action" | "NotAction" => {
                if action.is_some() {
                    return Err(twice("Action"));
                }
                let list = strings(v, &here)?;
                if let Some(bad) = list.iter().find(|a| *a != "*" && !a.contains(':')) {
                    return Err(err(
                        here,
                        format!("`{bad}` has no service prefix (such as ecr:)"),
                    ));
                }
                action = Some(match key.as_str() {
                    "Action" => Patterns::Listed(list),
                    _ => Patterns::Not(list),
                });
            }
            "Resource" | "NotResource" => {
                if resource.is_some() {
                    return Err(twice("Resource"));
                }
                let list = strings(v, &here)?;
                resource = Some(match key.as_str() {
                    "Resource" => Patterns::Listed(list),
                    _ => Patterns::Not(list),
                });
            }
            "Condition" => {
                let Value::Object(ops) = v else {
                    return Err(err(here, "expected an object of operators"));
                };
                for (op, keys) in ops {
                    let Value::Object(keys) = keys else {
                        return Err(err(format!("{here}.{op}"), "expected an object of keys"));
                    };
                    for (k, values) in keys {
                        conditions.push(Condition {
                            operator: op.clone(),
                            key: k.clone(),
                            values: scalars(values, &format!("{here}.{op}.{k}"))?,
                        });
                    }
                }
            }
            _ => return Err(err(here, "unknown statement element")),
        }
    }
    Ok(Statement {
        sid,
        effect: effect.ok_or_else(|| err(format!("{path}.Effect"), "missing"))?,
        principal,
        action: action.ok_or_else(|| err(format!("{path}.Action"), "missing (or NotAction)"))?,
        resource,
        conditions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_single_statement_and_scalars() {
        let doc = PolicyDocument::parse(
            r#"{"Version":"2012-10-17","Statement":{"Sid":"A","Effect":"Allow",
            "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:*",
            "Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"k":[1,2]}}}}"#,
        )
        .unwrap();
        let s = &doc.statements[0];
        assert_eq!(s.sid.as_deref(), Some("A"));
        assert_eq!(s.action, Patterns::Listed(vec!["ecr:*".into()]));
        assert!(s.resource.is_none());
        assert_eq!(s.conditions[0].values, vec!["false"]);
        assert_eq!(s.conditions[1].values, vec!["1", "2"]);
    }

    #[test]
    fn rejects_what_it_would_otherwise_ignore() {
        for (text, path) in [
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Resorce":"*"}]}"#,
                "Statement[0].Resorce",
            ),
            (
                r#"{"Statement":[{"Effect":"allow","Action":"*"}]}"#,
                "Statement[0].Effect",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow"}]}"#,
                "Statement[0].Action",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"*"}]}"#,
                "Statement[0]",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Principal":{"Aws":"*"}}]}"#,
                "Statement[0].Principal.Aws",
            ),
            (r#"{"Version":"2012-10-17"}"#, "Statement"),
        ] {
            let e = PolicyDocument::parse(text).unwrap_err();
            assert_eq!(e.path, path, "{text}: {e}");
        }
        assert!(PolicyDocument::parse("[]").is_err());
        // Malformed as IAM and ECR see it: never read as something valid.
        for (text, path) in [
            (
                r#"{"Version":"","Statement":[{"Effect":"Allow","Action":"*"}]}"#,
                "Version",
            ),
            (
                r#"{"Version":"2099-01-01","Statement":[{"Effect":"Allow","Action":"*"}]}"#,
                "Version",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":[]}]}"#,
                "Statement[0].Action",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Principal":{}}]}"#,
                "Statement[0].Principal",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Principal":{"AWS":[]}}]}"#,
                "Statement[0].Principal.AWS",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"PutImage"}]}"#,
                "Statement[0].Action",
            ),
        ] {
            let e = PolicyDocument::parse(text).unwrap_err();
            assert_eq!(e.path, path, "{text}: {e}");
        }
    }

    #[test]
    fn a_key_given_twice_is_malformed() {
        for (text, path) in [
            (
                r#"{"Statement":[{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                "Statement[0].Effect",
            ),
            (
                r#"{"Statement":[{"Effect":"Deny","Action":"*"}],"Statement":[]}"#,
                "Statement",
            ),
            (
                r#"{"Statement":[{"Effect":"Deny","Action":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"1"},"StringEquals":{"aws:x":"1"}}}]}"#,
                "Statement[0].Condition.StringEquals",
            ),
        ] {
            let e = PolicyDocument::parse(text).unwrap_err();
            assert_eq!(e.path, path, "{text}: {e}");
            assert!(e.message.contains("twice"), "{e}");
        }
        assert!(PolicyDocument::parse("{").is_err());
    }
}
