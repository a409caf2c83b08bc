//! A password or token that cannot be printed by accident: `Debug` shows `***`, there is
//! no `Display`, and the memory is wiped on drop. Read it with [`Secret::expose`].

use zeroize::Zeroize;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The secret itself: only for stdin of a child, an HTTP header, or a 0600 file.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `text` (what a child or a server said) with this secret replaced by `***` in every
    /// form it travels in: as is, base64 of it, and base64 of `username:secret` (docker's
    /// `auth` value, ECR's authorizationToken, a Basic `Authorization` header), standard
    /// and URL-safe, padded or not.
    pub fn mask_in(&self, text: &str, username: &str) -> String {
        use base64::Engine;
        use base64::engine::general_purpose::{STANDARD, URL_SAFE};
        let mut forms = vec![self.0.clone()];
        for plain in [self.0.clone(), format!("{username}:{}", self.0)] {
            for engine in [STANDARD, URL_SAFE] {
                let encoded = engine.encode(plain.as_bytes());
                forms.push(encoded.trim_end_matches('=').to_string());
                forms.push(encoded);
            }
        }
        // Longest first, so a padded form is masked whole.
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        let mut masked = text.to_string();
        for form in forms.iter().filter(|f| f.len() >= 4) {
            masked = masked.replace(form.as_str(), "***");
        }
        masked
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new("hunter2".into());
        assert_eq!(format!("{secret:?}"), "***");
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn masking_covers_the_encoded_forms() {
        let secret = Secret::new("123456789012-auth-token".into());
        let said = "pw '123456789012-auth-token' / MTIzNDU2Nzg5MDEyLWF1dGgtdG9rZW4= / \
                    Basic QVdTOjEyMzQ1Njc4OTAxMi1hdXRoLXRva2Vu / QVdTOjEyMzQ1Njc4OTAxMi1hdXRoLXRva2Vu";
        let masked = secret.mask_in(said, "AWS");
        assert_eq!(masked, "pw '***' / *** / Basic *** / ***");
    }
}
