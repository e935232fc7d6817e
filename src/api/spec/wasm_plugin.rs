//! The schema of the WasmPlugin `spec`.

use super::shared::*;
use crate::api::schema::*;

/// The `spec` of a WasmPlugin.
pub fn spec() -> Schema {
    obj(vec![
        ("failStrategy", string().one_of_values(&["FAIL_CLOSE", "FAIL_OPEN", "FAIL_RELOAD"])),
        ("imagePullPolicy", string().one_of_values(&["UNSPECIFIED_POLICY", "IfNotPresent", "Always"])),
        ("imagePullSecret", string().min_len(1).max_len(253)),
        ("match", arr(obj(vec![
            ("mode", string().one_of_values(&["UNDEFINED", "CLIENT", "SERVER", "CLIENT_AND_SERVER"])),
            ("ports", arr(obj(vec![
                ("number", integer().min(1).max(65535)),
            ])
                .required(&["number"]))
                .list_type("map")
                .list_map_keys(&["number"])),
        ]))),
        ("phase", string().one_of_values(&["UNSPECIFIED_PHASE", "AUTHN", "AUTHZ", "STATS"])),
        ("pluginConfig", free_obj()),
        ("pluginName", string().min_len(1).max_len(256)),
        ("priority", int32().nullable()),
        ("selector", workload_selector()),
        ("sha256", string().pattern("(^$|^[a-f0-9]{64}$)")),
        ("targetRef", policy_target_ref()),
        ("targetRefs", target_refs()),
        ("type", string().one_of_values(&["UNSPECIFIED_PLUGIN_TYPE", "HTTP", "NETWORK"])),
        ("url", string().min_len(1).cel(r#"isURL(self) ? (url(self).getScheme() in ["", "http", "https", "oci", "file"]) : (isURL("http://" + self) &&
url("http://" + self).getScheme() in ["", "http", "https", "oci", "file"])"#, "url must have schema one of [http, https, file, oci]")),
        ("verificationKey", string()),
        ("vmConfig", obj(vec![
            ("env", arr(obj(vec![
                ("name", string().min_len(1).max_len(256)),
                ("value", string().max_len(2048)),
                ("valueFrom", string().one_of_values(&["INLINE", "HOST"])),
            ])
                .required(&["name"])
                .cel(r#"(has(self.valueFrom) ? self.valueFrom : "") != "HOST" || !has(self.value)"#, "value may only be set when valueFrom is INLINE"))
                .max_items(256)
                .list_type("map")
                .list_map_keys(&["name"])),
        ])),
    ])
        .required(&["url"])
        .cel("(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1", "only one of targetRefs or selector can be set")
}
