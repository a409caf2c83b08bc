//! Image references as people write them: `[HOST[:PORT]/]REPOSITORY[:TAG][@sha256:DIGEST]`.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub host: Option<String>,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(host) = &self.host {
            write!(f, "{host}/")?;
        }
        write!(f, "{}", self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

fn valid_tag(tag: &str) -> bool {
    let mut chars = tag.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    first_ok
        && tag.len() <= 128
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn valid_digest(digest: &str) -> bool {
    digest.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    })
}

/// Parses a reference; a reference with neither tag nor digest means `:latest`, as in docker.
pub fn parse(text: &str) -> Result<ImageRef, String> {
    let text = text.trim();
    let (name, digest) = match text.split_once('@') {
        Some((name, digest)) if valid_digest(digest) => (name, Some(digest.to_string())),
        Some((_, digest)) => {
            return Err(format!(
                "`{digest}` is not a sha256 digest (sha256: and 64 lowercase hex digits)"
            ));
        }
        None => (text, None),
    };
    let (host, path) = match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first.to_ascii_lowercase()), rest)
        }
        _ => (None, name),
    };
    let (repository, tag) = match path.rsplit_once(':') {
        Some((repo, tag)) => {
            if !valid_tag(tag) {
                return Err(format!(
                    "`{tag}` is not a valid tag (letters, digits, `_`, `.`, `-`; at most 128)"
                ));
            }
            (repo, Some(tag.to_string()))
        }
        None => (path, None),
    };
    if repository.is_empty() {
        return Err(format!("`{text}` names no repository"));
    }
    let tag = if tag.is_none() && digest.is_none() {
        Some("latest".to_string())
    } else {
        tag
    };
    Ok(ImageRef {
        host,
        repository: repository.to_string(),
        tag,
        digest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn parses_the_usual_forms() {
        let r = parse("team/app:v1").unwrap();
        assert_eq!(
            (r.host, r.repository.as_str(), r.tag.as_deref()),
            (None, "team/app", Some("v1"))
        );
        let r = parse(&format!(
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app@{D}"
        ))
        .unwrap();
        assert_eq!(
            r.host.as_deref(),
            Some("123456789012.dkr.ecr.eu-west-1.amazonaws.com")
        );
        assert_eq!(r.digest.as_deref(), Some(D));
        assert_eq!(r.tag, None);
        let r = parse("localhost:5000/app").unwrap();
        assert_eq!(
            (r.host.as_deref(), r.tag.as_deref()),
            (Some("localhost:5000"), Some("latest"))
        );
        assert_eq!(
            parse(&format!("app:v1@{D}")).unwrap().to_string(),
            format!("app:v1@{D}")
        );
    }

    #[test]
    fn rejects_malformed_references() {
        assert!(parse("app:").is_err());
        assert!(parse("app@sha256:abc").is_err());
        assert!(parse(":v1").is_err());
        assert!(parse("app:-bad").is_err());
    }
}
