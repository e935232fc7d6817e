//! The schema of the AuthorizationPolicy `spec`.

use super::shared::*;
use crate::api::schema::*;

/// The `spec` of an AuthorizationPolicy.
pub fn spec() -> Schema {
    obj(vec![
        ("action", string().one_of_values(&["ALLOW", "DENY", "AUDIT", "CUSTOM"])),
        ("provider", obj(vec![
            ("name", string()),
        ])),
        ("rules", arr(obj(vec![
            ("from", arr(obj(vec![
                ("source", obj(vec![
                    ("ipBlocks", arr(string())),
                    ("namespaces", arr(string())),
                    ("notIpBlocks", arr(string())),
                    ("notNamespaces", arr(string())),
                    ("notPrincipals", arr(string())),
                    ("notRemoteIpBlocks", arr(string())),
                    ("notRequestPrincipals", arr(string())),
                    ("notServiceAccounts", arr(string().max_len(320)).max_items(16)),
                    ("principals", arr(string())),
                    ("remoteIpBlocks", arr(string())),
                    ("requestPrincipals", arr(string())),
                    ("serviceAccounts", arr(string().max_len(320)).max_items(16)),
                ])
                    .cel("(has(self.serviceAccounts) || has(self.notServiceAccounts)) ? (!has(self.principals) &&\n!has(self.notPrincipals) && !has(self.namespaces) && !has(self.notNamespaces)) : true", "Cannot set serviceAccounts with namespaces or principals")),
            ]))
                .max_items(512)),
            ("to", arr(obj(vec![
                ("operation", obj(vec![
                    ("hosts", arr(string())),
                    ("methods", arr(string())),
                    ("notHosts", arr(string())),
                    ("notMethods", arr(string())),
                    ("notPaths", arr(string())),
                    ("notPorts", arr(string())),
                    ("paths", arr(string())),
                    ("ports", arr(string())),
                ])),
            ]))),
            ("when", arr(obj(vec![
                ("key", string()),
                ("notValues", arr(string())),
                ("values", arr(string())),
            ])
                .required(&["key"]))),
        ]))
            .max_items(512)),
        ("selector", workload_selector()),
        ("targetRef", policy_target_ref()),
        ("targetRefs", target_refs()),
    ])
        .at_most_one_of(&["provider"])
        .cel("(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1", "only one of targetRefs or selector can be set")
}
