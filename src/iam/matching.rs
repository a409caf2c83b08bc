//! Wildcards (`*` any run, `?` one character) as IAM applies them: actions compare
//! case-insensitively, resources and `StringLike` case-sensitively, ARNs component by
//! component.

/// `*` matches any run of characters (also empty), `?` exactly one.
pub fn glob(pattern: &str, value: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let v: Vec<char> = value.chars().collect();
    let (mut pi, mut vi) = (0, 0);
    // Position of the last `*` and the value index it is currently matched up to.
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == v[vi]) {
            pi += 1;
            vi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, vi));
            pi += 1;
        } else if let Some((sp, sv)) = star {
            pi = sp + 1;
            vi = sv + 1;
            star = Some((sp, sv + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// An action pattern (`ecr:Get*`, `*`) against an action (`ecr:GetAuthorizationToken`):
/// case-insensitive, as IAM compares actions.
pub fn action(pattern: &str, action: &str) -> bool {
    glob(&pattern.to_ascii_lowercase(), &action.to_ascii_lowercase())
}

/// An ARN pattern against an ARN (`Resource`, `ArnLike`): each of the six `:`-separated
/// components matched on its own, the last one (the resource) keeping its own colons;
/// anything that is not a six-part ARN is matched as one string. Case-sensitive.
pub fn arn(pattern: &str, value: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let v: Vec<&str> = value.splitn(6, ':').collect();
    if p.len() == 6 && v.len() == 6 {
        p.iter().zip(&v).all(|(p, v)| glob(p, v))
    } else {
        glob(pattern, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_wildcards() {
        assert!(glob("*", ""));
        assert!(glob("a*c", "abbbc"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "ac"));
        assert!(glob("*b*", "abc"));
        assert!(!glob("abc", "abcd"));
        assert!(glob("a*b*c", "a-b-b-c"));
        assert!(!glob("a*b*c", "a-b-b-"));
        assert!(glob("??", "éx"));
    }

    #[test]
    fn actions_are_case_insensitive() {
        assert!(action("ecr:get*", "ecr:GetDownloadUrlForLayer"));
        assert!(action("ECR:BatchGetImage", "ecr:batchgetimage"));
        assert!(action("*", "kms:Decrypt"));
        assert!(!action("ecr:Get*", "ecr:BatchGetImage"));
        assert!(action("ecr:?utImage", "ecr:PutImage"));
    }

    #[test]
    fn resources_are_case_sensitive_and_by_component() {
        let repo = "arn:aws:ecr:us-east-1:123456789012:repository/team/app";
        assert!(arn("arn:aws:ecr:*:123456789012:repository/*", repo));
        assert!(arn("arn:aws:ecr:us-east-?:*:repository/team/*", repo));
        assert!(!arn("arn:aws:ecr:*:123456789012:repository/Team/*", repo));
        assert!(!arn("arn:aws:ecr:*:111111111111:repository/*", repo));
        // A `*` in one component does not swallow the next ones.
        assert!(!arn("arn:aws:ecr:*:repository/*:x:y", repo));
        assert!(arn("*", repo));
        assert!(arn("arn:aws:ecr:*", repo));
    }
}
