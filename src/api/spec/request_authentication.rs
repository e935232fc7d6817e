//! The schema of the RequestAuthentication `spec`.

use super::shared::*;
use crate::api::schema::*;

/// The `spec` of a RequestAuthentication.
pub fn spec() -> Schema {
    obj(vec![
        ("jwtRules", arr(obj(vec![
            ("audiences", arr(string().min_len(1))),
            ("forwardOriginalToken", boolean()),
            ("fromCookies", arr(string().min_len(1))),
            ("fromHeaders", arr(obj(vec![
                ("name", string().min_len(1)),
                ("prefix", string()),
            ])
                .required(&["name"]))),
            ("fromParams", arr(string().min_len(1))),
            ("issuer", string().min_len(1)),
            ("jwks", string()),
            ("jwks_uri", string()
                .min_len(1)
                .max_len(2048)
                .cel(r#"url(self).getScheme() in ["http", "https"]"#, "url must have scheme http:// or https://")),
            ("jwksUri", string()
                .min_len(1)
                .max_len(2048)
                .cel(r#"url(self).getScheme() in ["http", "https"]"#, "url must have scheme http:// or https://")),
            ("outputClaimToHeaders", arr(obj(vec![
                ("claim", string().min_len(1)),
                ("header", string().min_len(1).pattern("^[-_A-Za-z0-9]+$")),
            ])
                .required(&["header", "claim"]))),
            ("outputPayloadToHeader", string()),
            ("spaceDelimitedClaims", arr(string().min_len(1)).max_items(64)),
            ("timeout", string().cel("duration(self) >= duration('1ms')", "must be a valid duration greater than 1ms")),
        ])
            .cel("(has(self.jwksUri) ? 1 : 0) + (has(self.jwks_uri) ? 1 : 0) + (has(self.jwks) ? 1 : 0) <= 1", "only one of jwks or jwksUri can be set"))
            .max_items(4096)),
        ("selector", workload_selector()),
        ("targetRef", policy_target_ref()),
        ("targetRefs", target_refs()),
    ])
        .cel("(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1", "only one of targetRefs or selector can be set")
}
