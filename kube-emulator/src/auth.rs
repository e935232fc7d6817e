//! Bearer-token authentication: the administrator's token, configured users and tokens issued
//! by TokenRequest.

use crate::rbac::Identity;

/// Paths served without a token, as the API server serves them to anonymous clients.
pub(crate) fn is_public(segments: &[&str]) -> bool {
    matches!(segments, ["version" | "healthz" | "livez" | "readyz"])
}

/// The administrator: `system:masters` may do anything.
pub(crate) fn admin() -> Identity {
    Identity::new("kube-emulator-admin", &["system:masters".to_string()])
}

/// The bearer token of an `Authorization` header.
pub(crate) fn bearer(header: &str) -> Option<&str> {
    header.strip_prefix("Bearer ").filter(|t| !t.is_empty())
}

/// Whether an `Authorization` header carries the token (compared in constant time).
pub(crate) fn authorized(header: &str, token: &str) -> bool {
    let Some(given) = header.strip_prefix("Bearer ") else {
        return false;
    };
    given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert!(authorized("Bearer abc", "abc"));
        assert!(!authorized("Bearer abd", "abc"));
        assert!(!authorized("Bearer ab", "abc"));
        assert!(!authorized("abc", "abc"));
        assert!(!authorized("", "abc"));
        assert!(is_public(&["version"]));
        assert!(!is_public(&["api"]));
    }
}
