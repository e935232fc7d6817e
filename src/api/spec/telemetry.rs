//! The schema of the Telemetry `spec`.

use super::shared::*;
use crate::api::schema::*;

/// The `spec` of a Telemetry.
pub fn spec() -> Schema {
    obj(vec![
        ("accessLogging", arr(obj(vec![
            ("disabled", boolean().nullable()),
            ("filter", obj(vec![
                ("expression", string()),
            ])),
            ("match", obj(vec![
                ("mode", string().one_of_values(&["CLIENT_AND_SERVER", "CLIENT", "SERVER"])),
            ])),
            ("providers", arr(obj(vec![
                ("name", string().min_len(1)),
            ])
                .required(&["name"]))),
        ]))),
        ("metrics", arr(obj(vec![
            ("overrides", arr(obj(vec![
                ("disabled", boolean().nullable()),
                ("match", obj(vec![
                    ("customMetric", string().min_len(1)),
                    ("metric", string().one_of_values(&["ALL_METRICS", "REQUEST_COUNT", "REQUEST_DURATION", "REQUEST_SIZE", "RESPONSE_SIZE", "TCP_OPENED_CONNECTIONS", "TCP_CLOSED_CONNECTIONS", "TCP_SENT_BYTES", "TCP_RECEIVED_BYTES", "GRPC_REQUEST_MESSAGES", "GRPC_RESPONSE_MESSAGES"])),
                    ("mode", string().one_of_values(&["CLIENT_AND_SERVER", "CLIENT", "SERVER"])),
                ])
                    .at_most_one_of(&["metric", "customMetric"])),
                ("tagOverrides", map(obj(vec![
                    ("operation", string().one_of_values(&["UPSERT", "REMOVE"])),
                    ("value", string()),
                ])
                    .cel(r#"((has(self.operation) ? self.operation : "") == "UPSERT") ? (self.value != "") : true"#, "value must be set when operation is UPSERT")
                    .cel(r#"((has(self.operation) ? self.operation : "") == "REMOVE") ? !has(self.value) : true"#, "value must not be set when operation is REMOVE"))),
            ]))),
            ("providers", arr(obj(vec![
                ("name", string().min_len(1)),
            ])
                .required(&["name"]))),
            ("reportingInterval", string().cel("duration(self) >= duration('1ms')", "must be a valid duration greater than 1ms")),
        ]))),
        ("selector", workload_selector()),
        ("targetRef", policy_target_ref()),
        ("targetRefs", target_refs()),
        ("tracing", arr(obj(vec![
            ("customTags", map(obj(vec![
                ("environment", environment()),
                ("formatter", obj(vec![
                    ("value", string().min_len(1)),
                ])
                    .required(&["value"])),
                ("header", environment()),
                ("literal", obj(vec![
                    ("value", string().min_len(1)),
                ])
                    .required(&["value"])),
            ])
                .at_most_one_of(&["literal", "environment", "header", "formatter"]))),
            ("disableContextPropagation", boolean().nullable()),
            ("disableSpanReporting", boolean().nullable()),
            ("enableIstioTags", boolean().nullable()),
            ("match", obj(vec![
                ("mode", string().one_of_values(&["CLIENT_AND_SERVER", "CLIENT", "SERVER"])),
            ])),
            ("providers", arr(obj(vec![
                ("name", string().min_len(1)),
            ])
                .required(&["name"]))),
            ("randomSamplingPercentage", double()
                .min(0)
                .max(100)
                .nullable()),
            ("useRequestIdForTraceSampling", boolean().nullable()),
        ]))),
    ])
        .cel("(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1", "only one of targetRefs or selector can be set")
}

/// An environment variable added as a tag, with a default value.
pub fn environment() -> Schema {
    obj(vec![
        ("defaultValue", string()),
        ("name", string().min_len(1)),
    ])
    .required(&["name"])
}
