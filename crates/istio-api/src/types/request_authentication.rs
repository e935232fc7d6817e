//! The RequestAuthentication `spec`: which JWTs a workload accepts.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::authorization_policy::one_attachment;
use super::ext::*;
use super::shared::{target_refs, PolicyTargetReference, WorkloadSelector};

/// The CEL rule of a JWKS URL: http or https.
fn jwks_url(schema: &mut schemars::Schema) {
    min_len(1)(schema);
    max_len(2048)(schema);
    cel(
        r#"url(self).getScheme() in ["http", "https"]"#,
        "url must have scheme http:// or https://",
    )(schema);
}

/// Which JWTs a workload accepts as request credentials.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = one_attachment)]
pub struct RequestAuthenticationSpec {
    /// Issuers and keys of the JWTs accepted.
    #[schemars(transform = max_items(4096))]
    pub jwt_rules: Option<Vec<JwtRule>>,
    /// Workloads the policy applies to.
    pub selector: Option<WorkloadSelector>,
    /// A single resource the policy attaches to.
    pub target_ref: Option<PolicyTargetReference>,
    /// Resources the policy attaches to.
    #[schemars(transform = target_refs)]
    pub target_refs: Option<Vec<PolicyTargetReference>>,
}

/// An issuer, its keys and where tokens are found.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = cel(
    "(has(self.jwksUri) ? 1 : 0) + (has(self.jwks_uri) ? 1 : 0) + (has(self.jwks) ? 1 : 0) <= 1",
    "only one of jwks or jwksUri can be set",
))]
pub struct JwtRule {
    /// Accepted audiences.
    #[schemars(transform = each(min_len(1)))]
    pub audiences: Option<Vec<String>>,
    /// Forward the token upstream.
    pub forward_original_token: Option<bool>,
    /// Cookies the token is read from.
    #[schemars(transform = each(min_len(1)))]
    pub from_cookies: Option<Vec<String>>,
    /// Headers the token is read from.
    pub from_headers: Option<Vec<JwtHeader>>,
    /// Query parameters the token is read from.
    #[schemars(transform = each(min_len(1)))]
    pub from_params: Option<Vec<String>>,
    /// The issuer.
    #[schemars(transform = min_len(1))]
    pub issuer: Option<String>,
    /// The JSON Web Key Set, inline.
    pub jwks: Option<String>,
    /// URL of the key set (old spelling).
    #[serde(rename = "jwks_uri")]
    #[schemars(transform = jwks_url)]
    pub jwks_uri_snake: Option<String>,
    /// URL of the key set.
    #[schemars(transform = jwks_url)]
    pub jwks_uri: Option<String>,
    /// Claims copied to headers.
    pub output_claim_to_headers: Option<Vec<ClaimToHeader>>,
    /// Header the payload is written to.
    pub output_payload_to_header: Option<String>,
    /// Claims whose values are space separated lists.
    #[schemars(transform = each(min_len(1)), transform = max_items(64))]
    pub space_delimited_claims: Option<Vec<String>>,
    /// Timeout of fetching the key set.
    #[schemars(transform = min_duration)]
    pub timeout: Option<String>,
}

/// A header a token is read from.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct JwtHeader {
    /// Header name.
    #[schemars(transform = min_len(1))]
    pub name: String,
    /// Prefix before the token (`Bearer `).
    pub prefix: Option<String>,
}

/// A claim copied to a header.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = required_order(&["header", "claim"]))]
pub struct ClaimToHeader {
    /// The claim.
    #[schemars(transform = min_len(1))]
    pub claim: String,
    /// The header.
    #[schemars(transform = min_len(1), transform = pattern("^[-_A-Za-z0-9]+$"))]
    pub header: String,
}
