//! ECR tag patterns: `*` matches any run of characters (including none); nothing else is
//! special. Linear time, no allocation.

/// A pattern split at its stars, for matching many tags against one pattern: a literal
/// prefix and suffix, and the pieces between stars found left to right (leftmost is always
/// right when `*` is the only special character).
#[derive(Debug, Clone)]
pub struct Glob<'p> {
    /// The whole pattern when it has no `*`: the tag must equal it.
    exact: Option<&'p str>,
    prefix: &'p str,
    middles: Vec<&'p str>,
    suffix: &'p str,
}

impl<'p> Glob<'p> {
    pub fn new(pattern: &'p str) -> Self {
        let mut pieces: Vec<&str> = pattern.split('*').collect();
        if pieces.len() == 1 {
            return Glob {
                exact: Some(pattern),
                prefix: "",
                middles: Vec::new(),
                suffix: "",
            };
        }
        let suffix = pieces.pop().unwrap_or_default();
        let prefix = pieces.remove(0);
        pieces.retain(|p| !p.is_empty());
        Glob {
            exact: None,
            prefix,
            middles: pieces,
            suffix,
        }
    }

    pub fn matches(&self, text: &str) -> bool {
        if let Some(exact) = self.exact {
            return text == exact;
        }
        if text.len() < self.prefix.len() + self.suffix.len()
            || !text.starts_with(self.prefix)
            || !text.ends_with(self.suffix)
        {
            return false;
        }
        let mut rest = &text[self.prefix.len()..text.len() - self.suffix.len()];
        for middle in &self.middles {
            match rest.find(middle) {
                Some(at) => rest = &rest[at + middle.len()..],
                None => return false,
            }
        }
        true
    }
}

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
    use super::{Glob, matches};

    #[test]
    fn compiled_globs_agree_with_the_reference_matcher() {
        // Every pattern and text over a small alphabet, up to 5 characters: both
        // matchers must agree everywhere, stars and repeated pieces included.
        fn words(alphabet: &[char], max: usize) -> Vec<String> {
            let mut all = vec![String::new()];
            let mut last = vec![String::new()];
            for _ in 0..max {
                last = last
                    .iter()
                    .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                    .collect();
                all.extend(last.iter().cloned());
            }
            all
        }
        let texts = words(&['a', 'b'], 5);
        for pattern in words(&['a', 'b', '*'], 4) {
            let glob = Glob::new(&pattern);
            for text in &texts {
                assert_eq!(
                    glob.matches(text),
                    matches(&pattern, text),
                    "{pattern:?} vs {text:?}"
                );
            }
        }
        // Overlapping prefix and suffix: "ab*ba" needs at least 4 characters.
        assert!(!Glob::new("ab*ba").matches("aba"));
        assert!(Glob::new("ab*ba").matches("abba"));
    }

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
