//! ECR registry tokens: decoding GetAuthorizationToken's answer, reading a token's expiry
//! from the token itself, and judging how fresh it is. Pure.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;

use crate::secret::Secret;

/// Registry credentials for one host.
#[derive(Debug, Clone)]
pub struct RegistryToken {
    /// HOST or HOST:PORT the credentials are for.
    pub host: String,
    pub account: String,
    pub region: String,
    pub username: String,
    pub password: Secret,
    /// Unix seconds; `None` when nobody said.
    pub expires_at: Option<i64>,
}

/// Splits a base64 `authorizationToken` into user and password.
pub fn decode_authorization_token(encoded: &str) -> Option<(String, Secret)> {
    let bytes = STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), Secret::new(password.to_string())))
}

/// An ECR password is base64 JSON holding `expiration` (Unix seconds), so a token found
/// in a docker config reveals when it expires. Other passwords give `None`.
pub fn expiry_from_password(password: &str) -> Option<i64> {
    let bytes = STANDARD.decode(password.trim()).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    value.get("expiration")?.as_i64()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenState {
    Valid,
    Expiring,
    Expired,
    /// Nobody can tell when it runs out (not an ECR-shaped token, nothing recorded).
    Unknown,
    /// An expired cache entry nothing uses (no client is logged in with it).
    Stale,
    /// What serves the host cannot: a credential store that is missing or failing, a
    /// helper that cannot refresh now.
    Broken,
}

impl TokenState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Expiring => "expiring",
            Self::Expired => "expired",
            Self::Unknown => "unknown",
            Self::Stale => "stale",
            Self::Broken => "broken",
        }
    }
}

/// `expired` at or after expiry; `expiring` within `warn_within` seconds of it.
pub fn state(expires_at: Option<i64>, now: i64, warn_within: i64) -> TokenState {
    match expires_at {
        None => TokenState::Unknown,
        Some(t) if t <= now => TokenState::Expired,
        Some(t) if t - now <= warn_within => TokenState::Expiring,
        Some(_) => TokenState::Valid,
    }
}

/// Whether a cached token can still be handed out: it must outlive `min_validity`.
pub fn reusable(expires_at: Option<i64>, now: i64, min_validity: i64) -> bool {
    expires_at.is_some_and(|t| t - now > min_validity)
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// An RFC 3339 UTC timestamp for Unix seconds (civil-from-days, no time crate needed).
pub fn rfc3339(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_user_and_password() {
        let encoded = STANDARD.encode("AWS:secret:with:colons");
        let (user, password) = decode_authorization_token(&encoded).unwrap();
        assert_eq!(user, "AWS");
        assert_eq!(password.expose(), "secret:with:colons");
        assert!(decode_authorization_token("not base64!").is_none());
    }

    #[test]
    fn reads_expiry_from_an_ecr_shaped_password() {
        let password = STANDARD.encode(r#"{"payload":"x","datakey":"y","version":"2","type":"DATA_KEY","expiration":1700000000}"#);
        assert_eq!(expiry_from_password(&password), Some(1_700_000_000));
        assert_eq!(expiry_from_password("123456789012-auth-token"), None);
    }

    #[test]
    fn states_and_reuse() {
        assert_eq!(state(None, 100, 10), TokenState::Unknown);
        assert_eq!(state(Some(100), 100, 10), TokenState::Expired);
        assert_eq!(state(Some(105), 100, 10), TokenState::Expiring);
        assert_eq!(state(Some(200), 100, 10), TokenState::Valid);
        assert!(reusable(Some(200), 100, 50));
        assert!(!reusable(Some(140), 100, 50));
        assert!(!reusable(None, 100, 0));
    }

    #[test]
    fn formats_timestamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_825_600), "2000-02-29T12:00:00Z");
    }
}
