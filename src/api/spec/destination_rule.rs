//! The schema of the DestinationRule `spec`.

use super::shared::*;
use crate::api::schema::*;

/// The `spec` of a DestinationRule.
pub fn spec() -> Schema {
    obj(vec![
        ("exportTo", arr(string())),
        ("host", string().check(Format::Host)),
        (
            "subsets",
            arr(obj(vec![
                ("labels", map(string())),
                ("name", string()),
                ("trafficPolicy", traffic_policy()),
            ])
            .required(&["name"])),
        ),
        ("trafficPolicy", traffic_policy()),
        ("workloadSelector", workload_selector()),
    ])
    .required(&["host"])
}

/// Load balancing, connection pool, outlier detection and TLS settings for a destination.
pub fn traffic_policy() -> Schema {
    obj(vec![
        ("connectionPool", connection_pool()),
        ("loadBalancer", load_balancer()),
        ("outlierDetection", outlier_detection()),
        ("portLevelSettings", port_level_settings()),
        (
            "proxyProtocol",
            obj(vec![("version", string().one_of_values(&["V1", "V2"]))]),
        ),
        ("retryBudget", retry_budget()),
        ("tls", client_tls()),
        ("tunnel", tunnel()),
    ])
}

/// Traffic policies that override the defaults for single ports.
pub fn port_level_settings() -> Schema {
    arr(port_traffic_policy()).max_items(4096)
}

/// A traffic policy for one port.
pub fn port_traffic_policy() -> Schema {
    obj(vec![
        ("connectionPool", connection_pool()),
        ("loadBalancer", load_balancer()),
        ("outlierDetection", outlier_detection()),
        ("port", obj(vec![("number", uint32())])),
        ("tls", client_tls()),
    ])
}

/// How requests are spread over endpoints: a simple algorithm or consistent hashing.
pub fn load_balancer() -> Schema {
    obj(vec![
        ("consistentHash", consistent_hash()),
        ("localityLbSetting", locality_lb_setting()),
        (
            "simple",
            string().one_of_values(&[
                "UNSPECIFIED",
                "LEAST_CONN",
                "RANDOM",
                "PASSTHROUGH",
                "ROUND_ROBIN",
                "LEAST_REQUEST",
            ]),
        ),
        ("warmup", warmup()),
        (
            "warmupDurationSecs",
            string()
                .cel(
                    "duration(self) >= duration('1ms')",
                    "must be a valid duration greater than 1ms",
                )
                .deprecated_for("warmup"),
        ),
    ])
    .at_most_one_of(&["simple", "consistentHash"])
}

/// Session affinity by hashing a header, cookie, source IP or query parameter.
pub fn consistent_hash() -> Schema {
    obj(vec![
        ("httpCookie", http_cookie()),
        ("httpHeaderName", string()),
        ("httpQueryParameterName", string()),
        ("maglev", obj(vec![("tableSize", integer().min(0))])),
        (
            "minimumRingSize",
            integer().min(0).deprecated_for("ringHash.minimumRingSize"),
        ),
        ("ringHash", obj(vec![("minimumRingSize", integer().min(0))])),
        ("useSourceIp", boolean()),
    ])
    .at_most_one_of(&[
        "httpHeaderName",
        "httpCookie",
        "useSourceIp",
        "httpQueryParameterName",
    ])
    .at_most_one_of(&["ringHash", "maglev"])
}

/// Ejecting endpoints that keep failing from the load balancing pool.
pub fn outlier_detection() -> Schema {
    obj(vec![
        (
            "baseEjectionTime",
            string().cel(
                "duration(self) >= duration('1ms')",
                "must be a valid duration greater than 1ms",
            ),
        ),
        ("consecutive5xxErrors", uint32().nullable()),
        ("consecutiveErrors", int32()),
        ("consecutiveGatewayErrors", uint32().nullable()),
        ("consecutiveLocalOriginFailures", uint32().nullable()),
        (
            "interval",
            string().cel(
                "duration(self) >= duration('1ms')",
                "must be a valid duration greater than 1ms",
            ),
        ),
        ("maxEjectionPercent", int32()),
        ("minHealthPercent", int32()),
        ("splitExternalLocalOriginErrors", boolean()),
    ])
}

/// Locality-aware load balancing: weights per locality and failover order.
pub fn locality_lb_setting() -> Schema {
    obj(vec![
        ("distribute", arr(locality_distribute())),
        ("enabled", boolean().nullable()),
        ("failover", arr(locality_failover())),
        ("failoverPriority", arr(string())),
    ])
}

/// TLS settings for connections to the upstream service.
pub fn client_tls() -> Schema {
    obj(vec![
        ("caCertificates", string()),
        ("caCrl", string()),
        ("clientCertificate", string()),
        ("credentialName", string()),
        ("insecureSkipVerify", boolean().nullable()),
        (
            "mode",
            string().one_of_values(&["DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"]),
        ),
        ("privateKey", string()),
        ("sni", string()),
        ("subjectAltNames", arr(string())),
    ])
}

/// Slowly ramping up traffic to newly added endpoints.
pub fn warmup() -> Schema {
    obj(vec![
        ("aggression", double().min(0).nullable()),
        (
            "duration",
            string().cel(
                "duration(self) >= duration('1ms')",
                "must be a valid duration greater than 1ms",
            ),
        ),
        ("minimumPercent", double().min(0).max(100).nullable()),
    ])
    .required(&["duration"])
}

/// A cookie used as the consistent hash key.
pub fn http_cookie() -> Schema {
    obj(vec![
        ("attributes", arr(cookie_attribute())),
        ("name", string()),
        ("path", string()),
        ("ttl", string()),
    ])
    .required(&["name"])
}

/// A cap on concurrent retries as a share of active requests.
pub fn retry_budget() -> Schema {
    obj(vec![
        ("minRetryConcurrency", uint32()),
        ("percent", double().min(0).max(100).nullable()),
    ])
}

/// Tunnelling TCP over an HTTP CONNECT or POST to a proxy.
pub fn tunnel() -> Schema {
    obj(vec![
        ("protocol", string()),
        ("targetHost", string()),
        ("targetPort", uint32()),
    ])
    .required(&["targetHost", "targetPort"])
}

/// The share of traffic each destination locality gets from one origin locality.
pub fn locality_distribute() -> Schema {
    obj(vec![("from", string()), ("to", map(uint32()))])
}

/// An attribute of the hash cookie.
pub fn cookie_attribute() -> Schema {
    obj(vec![("name", string()), ("value", string())]).required(&["name"])
}

/// The locality to fail over to when one region is unhealthy.
pub fn locality_failover() -> Schema {
    obj(vec![("from", string()), ("to", string())])
}
