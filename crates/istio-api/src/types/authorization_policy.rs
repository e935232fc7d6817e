//! The AuthorizationPolicy `spec`: which requests to allow, deny or audit.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::ext::*;
use super::shared::{target_refs, PolicyTargetReference, WorkloadSelector};

/// The CEL rule of policies attached by `selector`, `targetRef` or `targetRefs`: one at most.
pub fn one_attachment(schema: &mut schemars::Schema) {
    cel(
        "(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1",
        "only one of targetRefs or selector can be set",
    )(schema);
}

/// Access control for workloads: which requests to allow, deny or audit.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = at_most_one_of(&["provider"]), transform = one_attachment)]
pub struct AuthorizationPolicySpec {
    /// What happens to requests that match a rule.
    pub action: Option<Action>,
    /// The external authorizer used with the CUSTOM action.
    pub provider: Option<ExtensionProvider>,
    /// Rules matching requests by source, operation and conditions.
    #[schemars(transform = max_items(512))]
    pub rules: Option<Vec<Rule>>,
    /// Workloads the policy applies to.
    pub selector: Option<WorkloadSelector>,
    /// A single resource the policy attaches to.
    pub target_ref: Option<PolicyTargetReference>,
    /// Resources the policy attaches to.
    #[schemars(transform = target_refs)]
    pub target_refs: Option<Vec<PolicyTargetReference>>,
}

/// What happens to matching requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Action {
    /// Allow them.
    Allow,
    /// Deny them.
    Deny,
    /// Audit them.
    Audit,
    /// Ask the external authorizer.
    Custom,
}

/// An external authorizer by name.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExtensionProvider {
    /// Name of the provider in MeshConfig.
    pub name: Option<String>,
}

/// A rule: sources, operations and conditions that must all match.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Rule {
    /// Sources (any of them).
    #[schemars(transform = max_items(512))]
    pub from: Option<Vec<RuleFrom>>,
    /// Operations (any of them).
    pub to: Option<Vec<RuleTo>>,
    /// Further conditions (all of them).
    pub when: Option<Vec<Condition>>,
}

/// A source of requests.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RuleFrom {
    /// The source.
    pub source: Option<Source>,
}

/// Who sends a request.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = cel(
    "(has(self.serviceAccounts) || has(self.notServiceAccounts)) ? (!has(self.principals) &&\n!has(self.notPrincipals) && !has(self.namespaces) && !has(self.notNamespaces)) : true",
    "Cannot set serviceAccounts with namespaces or principals",
))]
pub struct Source {
    /// Peer IP blocks.
    pub ip_blocks: Option<Vec<String>>,
    /// Peer namespaces.
    pub namespaces: Option<Vec<String>>,
    /// Peer IP blocks that must not match.
    pub not_ip_blocks: Option<Vec<String>>,
    /// Namespaces that must not match.
    pub not_namespaces: Option<Vec<String>>,
    /// Principals that must not match.
    pub not_principals: Option<Vec<String>>,
    /// Client IP blocks that must not match.
    pub not_remote_ip_blocks: Option<Vec<String>>,
    /// Request principals that must not match.
    pub not_request_principals: Option<Vec<String>>,
    /// Service accounts that must not match.
    #[schemars(transform = each(max_len(320)), transform = max_items(16))]
    pub not_service_accounts: Option<Vec<String>>,
    /// Trust domains of peers that must not match.
    pub not_trust_domains: Option<Vec<String>>,
    /// Peer identities.
    pub principals: Option<Vec<String>>,
    /// Client IP blocks (from X-Forwarded-For).
    pub remote_ip_blocks: Option<Vec<String>>,
    /// JWT principals (`iss/sub`).
    pub request_principals: Option<Vec<String>>,
    /// Peer service accounts.
    #[schemars(transform = each(max_len(320)), transform = max_items(16))]
    pub service_accounts: Option<Vec<String>>,
    /// Trust domains of the peer identity.
    pub trust_domains: Option<Vec<String>>,
}

/// An operation requested.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RuleTo {
    /// The operation.
    pub operation: Option<Operation>,
}

/// What a request asks for.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    /// Hosts.
    pub hosts: Option<Vec<String>>,
    /// Methods.
    pub methods: Option<Vec<String>>,
    /// Hosts that must not match.
    pub not_hosts: Option<Vec<String>>,
    /// Methods that must not match.
    pub not_methods: Option<Vec<String>>,
    /// Paths that must not match.
    pub not_paths: Option<Vec<String>>,
    /// Ports that must not match.
    pub not_ports: Option<Vec<String>>,
    /// Paths.
    pub paths: Option<Vec<String>>,
    /// Ports.
    pub ports: Option<Vec<String>>,
}

/// A condition on a request attribute.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// The attribute.
    pub key: String,
    /// Values that must not match.
    pub not_values: Option<Vec<String>>,
    /// Values that match.
    pub values: Option<Vec<String>>,
}
