//! The schema of the VirtualService `spec`.

use super::shared::*;
use crate::api::schema::*;

/// The `spec` of a VirtualService.
pub fn spec() -> Schema {
    obj(vec![
        ("exportTo", arr(string())),
        ("gateways", arr(string())),
        ("hosts", arr(string().check(Format::Host))),
        (
            "http",
            arr(obj(vec![
                (
                    "corsPolicy",
                    obj(vec![
                        ("allowCredentials", boolean().nullable()),
                        ("allowHeaders", arr(string())),
                        ("allowMethods", arr(string())),
                        ("allowOrigin", arr(string())),
                        ("allowOrigins", arr(string_match())),
                        ("exposeHeaders", arr(string())),
                        (
                            "maxAge",
                            string().cel(
                                "duration(self) >= duration('1ms')",
                                "must be a valid duration greater than 1ms",
                            ),
                        ),
                        (
                            "unmatchedPreflights",
                            string().one_of_values(&["UNSPECIFIED", "FORWARD", "IGNORE"]),
                        ),
                    ]),
                ),
                (
                    "delegate",
                    obj(vec![("name", string()), ("namespace", string())]),
                ),
                (
                    "directResponse",
                    obj(vec![
                        (
                            "body",
                            obj(vec![
                                ("bytes", string().format("byte")),
                                ("string", string()),
                            ])
                            .at_most_one_of(&["string", "bytes"]),
                        ),
                        ("status", uint32()),
                    ])
                    .required(&["status"]),
                ),
                (
                    "fault",
                    obj(vec![
                        (
                            "abort",
                            obj(vec![
                                ("grpcStatus", string()),
                                ("http2Error", string()),
                                ("httpStatus", int32()),
                                ("percentage", obj(vec![("value", double())])),
                            ])
                            .at_most_one_of(&[
                                "httpStatus",
                                "grpcStatus",
                                "http2Error",
                            ]),
                        ),
                        (
                            "delay",
                            obj(vec![
                                (
                                    "exponentialDelay",
                                    string().cel(
                                        "duration(self) >= duration('1ms')",
                                        "must be a valid duration greater than 1ms",
                                    ),
                                ),
                                (
                                    "fixedDelay",
                                    string().cel(
                                        "duration(self) >= duration('1ms')",
                                        "must be a valid duration greater than 1ms",
                                    ),
                                ),
                                ("percent", int32()),
                                ("percentage", obj(vec![("value", double())])),
                            ])
                            .at_most_one_of(&["fixedDelay", "exponentialDelay"]),
                        ),
                    ]),
                ),
                ("headers", header_manipulation()),
                (
                    "match",
                    arr(obj(vec![
                        ("authority", string_match()),
                        ("gateways", arr(string())),
                        ("headers", string_match_map()),
                        ("ignoreUriCase", boolean()),
                        ("method", string_match()),
                        ("name", string()),
                        ("port", uint32()),
                        ("queryParams", string_match_map()),
                        ("scheme", string_match()),
                        ("sourceLabels", map(string())),
                        ("sourceNamespace", string()),
                        ("statPrefix", string()),
                        ("uri", string_match()),
                        ("withoutHeaders", string_match_map()),
                    ])),
                ),
                ("mirror", destination()),
                (
                    "mirror_percent",
                    uint32().nullable().deprecated_for("mirrorPercentage"),
                ),
                (
                    "mirrorPercent",
                    uint32().nullable().deprecated_for("mirrorPercentage"),
                ),
                ("mirrorPercentage", obj(vec![("value", double())])),
                (
                    "mirrors",
                    arr(obj(vec![
                        ("destination", destination()),
                        ("percentage", obj(vec![("value", double())])),
                    ])
                    .required(&["destination"])),
                ),
                ("name", string()),
                (
                    "redirect",
                    obj(vec![
                        ("authority", string()),
                        (
                            "derivePort",
                            string().one_of_values(&["FROM_PROTOCOL_DEFAULT", "FROM_REQUEST_PORT"]),
                        ),
                        ("port", uint32()),
                        ("redirectCode", uint32()),
                        ("scheme", string()),
                        ("uri", string()),
                    ])
                    .at_most_one_of(&["port", "derivePort"]),
                ),
                (
                    "retries",
                    obj(vec![
                        ("attempts", int32()),
                        (
                            "backoff",
                            string().cel(
                                "duration(self) >= duration('1ms')",
                                "must be a valid duration greater than 1ms",
                            ),
                        ),
                        (
                            "perTryTimeout",
                            string().cel(
                                "duration(self) >= duration('1ms')",
                                "must be a valid duration greater than 1ms",
                            ),
                        ),
                        ("retryIgnorePreviousHosts", boolean().nullable()),
                        ("retryOn", string()),
                        ("retryRemoteLocalities", boolean().nullable()),
                    ]),
                ),
                (
                    "rewrite",
                    obj(vec![
                        ("authority", string()),
                        ("uri", string()),
                        (
                            "uriRegexRewrite",
                            obj(vec![
                                ("match", string().check(Format::Regex)),
                                ("rewrite", string()),
                            ]),
                        ),
                    ]),
                ),
                (
                    "route",
                    arr(obj(vec![
                        ("destination", destination()),
                        ("headers", header_manipulation()),
                        ("weight", int32()),
                    ])
                    .required(&["destination"])),
                ),
                (
                    "timeout",
                    string().cel(
                        "duration(self) >= duration('1ms')",
                        "must be a valid duration greater than 1ms",
                    ),
                ),
            ])),
        ),
        (
            "tcp",
            arr(obj(vec![
                (
                    "match",
                    arr(obj(vec![
                        ("destinationSubnets", arr(string())),
                        ("gateways", arr(string())),
                        ("port", uint32()),
                        ("sourceLabels", map(string())),
                        ("sourceNamespace", string()),
                        ("sourceSubnet", string()),
                    ])),
                ),
                ("route", route_destinations()),
            ])),
        ),
        (
            "tls",
            arr(obj(vec![
                (
                    "match",
                    arr(obj(vec![
                        ("destinationSubnets", arr(string())),
                        ("gateways", arr(string())),
                        ("port", uint32()),
                        ("sniHosts", arr(string())),
                        ("sourceLabels", map(string())),
                        ("sourceNamespace", string()),
                    ])
                    .required(&["sniHosts"])),
                ),
                ("route", route_destinations()),
            ])
            .required(&["match"])),
        ),
    ])
}

/// Header changes for requests and responses.
pub fn header_manipulation() -> Schema {
    obj(vec![
        ("request", header_operations()),
        ("response", header_operations()),
    ])
}

/// Weighted destinations of a route.
pub fn route_destinations() -> Schema {
    arr(route_destination())
}

/// A destination with its weight.
pub fn route_destination() -> Schema {
    obj(vec![("destination", destination()), ("weight", int32())]).required(&["destination"])
}

/// Matchers by name (header or query parameter).
pub fn string_match_map() -> Schema {
    map(string_match())
}

/// Exact, prefix or RE2 regular expression match of a string.
pub fn string_match() -> Schema {
    obj(vec![
        ("exact", string()),
        ("prefix", string()),
        ("regex", string().check(Format::Regex)),
    ])
    .at_most_one_of(&["exact", "prefix", "regex"])
}

/// Headers to set, add or remove.
pub fn header_operations() -> Schema {
    obj(vec![
        ("add", map(string())),
        ("remove", arr(string())),
        ("set", map(string())),
    ])
}
