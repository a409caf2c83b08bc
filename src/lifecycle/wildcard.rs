//! ECR tag patterns: `*` matches any run of characters (including none); nothing else is
//! special. Linear time, no allocation.

pub fn matches(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            // Let the last star swallow one more character and retry.
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn documented_examples() {
        for tag in ["prod", "prod1", "production-team1"] {
            assert!(matches("prod*", tag));
        }
        for tag in ["repo-production", "prod-team"] {
            assert!(matches("*prod*", tag));
        }
        assert!(!matches("prod*", "preprod"));
        assert!(matches("*test*1*2*3", "xtestA1B2C3"));
        assert!(!matches("v1.*", "v2.0"));
        assert!(matches("v1.?", "v1.?"), "only * is special");
        assert!(!matches("v1.?", "v1.0"));
        assert!(matches("*", ""));
        assert!(matches("a*b*c", "abc"));
        assert!(!matches("a*b*c", "acb"));
    }
}
