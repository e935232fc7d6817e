//! Our fixtures, one valid and several invalid resources per Istio kind: each problem is
//! asserted with its level, line, field path and message.

use istio_api::text::{validate_text, Problem};
use istio_api::Level;

const E: Level = Level::Error;
const W: Level = Level::Warning;

type Expected = (Level, u32, &'static str, &'static str);

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/api/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn valid_fixtures_have_no_problems() {
    let kinds = [
        "authorization-policy",
        "destination-rule",
        "envoy-filter",
        "gateway",
        "peer-authentication",
        "proxy-config",
        "request-authentication",
        "service-entry",
        "sidecar",
        "telemetry",
        "traffic-extension",
        "virtual-service",
        "wasm-plugin",
        "workload-entry",
        "workload-group",
    ];
    for kind in kinds {
        let problems = validate_text(&fixture(&format!("{kind}.valid.yaml")));
        assert!(problems.is_empty(), "{kind}: {problems:#?}");
    }
}

#[test]
fn invalid_fixtures_report_each_problem_at_its_field_and_line() {
    let table: &[(&str, &[Expected])] = &[
    (
        "authorization-policy.invalid.yaml",
        &[
            (E, 6, "spec.action", "\"REJECT\" is not a valid value; use one of: ALLOW, DENY, AUDIT, CUSTOM"),
            (E, 12, "spec", "only one of targetRefs or selector can be set"),
            (E, 28, "spec.rules[0].when[0]", "missing required field \"key\"; add it to this object"),
        ],
    ),
    (
        "destination-rule.invalid.yaml",
        &[
            (E, 5, "spec", "missing required field \"host\"; add it to this object"),
            (E, 17, "spec.trafficPolicy.loadBalancer.simple", "\"ROUND_ROBBIN\" is not a valid value; use one of: UNSPECIFIED, LEAST_CONN, RANDOM, PASSTHROUGH, ROUND_ROBIN, LEAST_REQUEST (did you mean \"ROUND_ROBIN\"?)"),
            (E, 29, "spec.trafficPolicy.loadBalancer.consistentHash.useSourceIp", "\"useSourceIp\" conflicts with \"httpHeaderName\": only one of \"httpHeaderName\", \"httpCookie\", \"useSourceIp\", \"httpQueryParameterName\" may be set; keep one"),
            (W, 40, "spec.trafficPolicy.loadBalancer.warmupDurationSecs", "deprecated field; use \"warmup\" instead"),
        ],
    ),
    (
        "envoy-filter.invalid.yaml",
        &[
            (E, 7, "spec.configPatches[0].applyTo", "\"HTTP_FILTERS\" is not a valid value; use one of: INVALID, LISTENER, FILTER_CHAIN, NETWORK_FILTER, HTTP_FILTER, ROUTE_CONFIGURATION, VIRTUAL_HOST, HTTP_ROUTE, CLUSTER, EXTENSION_CONFIG, BOOTSTRAP, LISTENER_FILTER (did you mean \"HTTP_FILTER\"?)"),
            (E, 11, "apiVersion", "EnvoyFilter is not served in networking.istio.io/v1; use one of: networking.istio.io/v1alpha3"),
            (E, 25, "spec.configPatches[0].patch.operation", "\"UPDATE\" is not a valid value; use one of: INVALID, MERGE, ADD, REMOVE, INSERT_BEFORE, INSERT_AFTER, INSERT_FIRST, REPLACE"),
        ],
    ),
    (
        "gateway.invalid.yaml",
        &[
            (E, 8, "spec.servers[0].port.number", "70000 is not a valid port; use a number from 1 to 65535"),
            (E, 19, "spec.servers[0]", "missing required field \"hosts\"; add it to this object"),
            (E, 31, "spec.servers[0].hosts[0]", "\"Bad_Namespace/example.com\" has an invalid namespace \"Bad_Namespace\"; write `namespace/host`, with `*`, `.` or `~` or a namespace name before the slash"),
            (E, 33, "spec.servers[0].tls.mode", "\"STRICT\" is not a valid value; use one of: PASSTHROUGH, SIMPLE, MUTUAL, AUTO_PASSTHROUGH, ISTIO_MUTUAL, OPTIONAL_MUTUAL"),
        ],
    ),
    (
        "peer-authentication.invalid.yaml",
        &[
            (E, 7, "spec.mtls.mode", "\"strict\" is not a valid value; use one of: UNSET, DISABLE, PERMISSIVE, STRICT (did you mean \"STRICT\"?)"),
            (E, 13, "spec", "portLevelMtls requires selector"),
            (E, 18, "apiVersion", "PeerAuthentication is not served in security.istio.io/v1alpha1; use one of: security.istio.io/v1, security.istio.io/v1beta1"),
        ],
    ),
    (
        "proxy-config.invalid.yaml",
        &[
            (E, 6, "spec.concurrency", "must be at least 0, got -1"),
            (E, 13, "spec.environmentVariables", "must be an object, not a list"),
        ],
    ),
    (
        "request-authentication.invalid.yaml",
        &[
            (E, 8, "spec.jwtRules[0].jwksUri", "url must have scheme http:// or https:// (got \"ftp://example.com/keys\")"),
            (E, 16, "spec.jwtRules[0]", "only one of jwks or jwksUri can be set"),
            (E, 28, "spec.jwtRules[0].outputClaimToHeaders[0].header", "\"x user\" does not match the pattern ^[-_A-Za-z0-9]+$"),
        ],
    ),
    (
        "service-entry.invalid.yaml",
        &[
            (E, 1, "spec", "missing required field \"spec\"; a ServiceEntry needs a spec"),
            (E, 11, "spec.hosts[0]", "hostname cannot be wildcard (got \"*\")"),
            (E, 20, "spec", "NONE mode cannot set endpoints"),
            (E, 32, "spec.ports", "port number cannot be duplicated"),
        ],
    ),
    (
        "sidecar.invalid.yaml",
        &[
            (E, 7, "spec.egress[0]", "missing required field \"hosts\"; add it to this object"),
            (E, 16, "spec.outboundTrafficPolicy.mode", "\"ALLOW_ALL\" is not a valid value; use one of: REGISTRY_ONLY, ALLOW_ANY (did you mean \"ALLOW_ANY\"?)"),
            (E, 25, "spec.workloadSelector.labels.app", "wildcard is not supported in selector (got \"*\")"),
            (E, 34, "spec.egress[0].hosts[0]", "\"reviews.default.svc.cluster.local\" has no namespace; write `namespace/host`, e.g. `./reviews.default.svc.cluster.local` for this namespace or `*/reviews.default.svc.cluster.local` for any"),
        ],
    ),
    (
        "telemetry.invalid.yaml",
        &[
            (E, 7, "spec.tracing[0].randomSamplingPercentage", "must be at most 100, got 150"),
            (E, 17, "spec.metrics[0].overrides[0].tagOverrides.my_tag", "value must be set when operation is UPSERT"),
            (E, 28, "spec.metrics[0].overrides[0].match.metric", "\"REQUEST_COUNTS\" is not a valid value; use one of: ALL_METRICS, REQUEST_COUNT, REQUEST_DURATION, REQUEST_SIZE, RESPONSE_SIZE, TCP_OPENED_CONNECTIONS, TCP_CLOSED_CONNECTIONS, TCP_SENT_BYTES, TCP_RECEIVED_BYTES, GRPC_REQUEST_MESSAGES, GRPC_RESPONSE_MESSAGES (did you mean \"REQUEST_COUNT\"?)"),
        ],
    ),
    (
        "traffic-extension.invalid.yaml",
        &[
            (E, 5, "spec", "exactly one of wasm or lua must be set"),
            (E, 12, "spec", "exactly one of wasm or lua must be set"),
            (E, 13, "spec.lua", "\"lua\" conflicts with \"wasm\": only one of \"wasm\", \"lua\" may be set; keep one"),
            (E, 23, "spec.phase", "\"UNSPECIFIED_PHASE\" is not a valid value; use one of: UNSPECIFIED, AUTHN, AUTHZ, STATS (did you mean \"UNSPECIFIED\"?)"),
            (E, 25, "spec.wasm.url", "url must have schema one of [http, https, file, oci] (got \"ftp://example.com/filter.wasm\")"),
        ],
    ),
    (
        "virtual-service.invalid.yaml",
        &[
            (E, 11, "spec.http[0].route[0].weight", "must be an integer, not a string (\"ten\"); remove the quotes"),
            (E, 20, "spec.http[0].rout", "unknown field \"rout\"; did you mean \"route\"?"),
            (E, 34, "spec.http[0].timeout", "must be a string, not an integer (10); quote the value"),
            (E, 45, "spec.http[0].match[0].uri.regex", "\"/api/(v1\" is not a valid RE2 regular expression: unclosed group"),
            (E, 60, "spec.http[0].match[0].uri.prefix", "\"prefix\" conflicts with \"exact\": only one of \"exact\", \"prefix\", \"regex\" may be set; keep one"),
            (E, 71, "spec.hosts[0]", "\"reviews.*.com\" is not a valid host: a wildcard `*` may only be the first label, as in `*.example.com`"),
            (E, 74, "spec.http[0].route[0]", "missing required field \"destination\"; add it to this object"),
            (W, 88, "spec.http[0].mirrorPercent", "deprecated field; use \"mirrorPercentage\" instead"),
            (E, 90, "apiVersion", "VirtualService is not served in networking.istio.io/v2; use one of: networking.istio.io/v1, networking.istio.io/v1alpha3, networking.istio.io/v1beta1"),
        ],
    ),
    (
        "wasm-plugin.invalid.yaml",
        &[
            (E, 5, "spec", "missing required field \"url\"; add it to this object"),
            (E, 14, "spec.sha256", "\"XYZ\" does not match the pattern (^$|^[a-f0-9]{64}$)"),
            (E, 21, "spec.url", "url must have schema one of [http, https, file, oci] (got \"ftp://example.com/plugin.wasm\")"),
        ],
    ),
    (
        "workload-entry.invalid.yaml",
        &[
            (E, 5, "spec", "Address is required"),
            (E, 16, "spec.ports.http", "port must be between 1-65535 (got 0)"),
            (E, 22, "spec", "UDS may not include ports"),
        ],
    ),
    (
        "workload-group.invalid.yaml",
        &[
            (E, 11, "spec.probe.tcpSocket", "\"tcpSocket\" conflicts with \"httpGet\": only one of \"httpGet\", \"tcpSocket\", \"exec\", \"grpc\" may be set; keep one"),
            (E, 23, "spec.probe.httpGet.scheme", "scheme must be one of [HTTP, HTTPS] (got \"FTP\")"),
        ],
    ),
    ];
    for (file, expected) in table {
        let got = validate_text(&fixture(file));
        let want: Vec<Problem> = expected
            .iter()
            .map(|(level, line, path, message)| Problem {
                level: *level,
                line: Some(*line),
                path: (*path).to_owned(),
                message: (*message).to_owned(),
            })
            .collect();
        assert_eq!(got, want, "{file}");
    }
}

#[test]
fn kinds_inside_a_list_are_validated_with_their_item_path() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.istio.io/v1\n  kind: Gateway\n  metadata:\n    name: gw\n  spec:\n    servers:\n    - port: {number: 80, name: http, protocol: HTTP}\n      hosts: [\"*\"]\n      bind: 1\n";
    let problems = validate_text(text);
    assert_eq!(
        problems,
        vec![Problem {
            level: E,
            line: Some(12),
            path: "items[0].spec.servers[0].bind".to_owned(),
            message: "must be a string, not an integer (1); quote the value".to_owned(),
        }]
    );
}

#[test]
fn unknown_kinds_of_istio_groups_are_errors() {
    let problems = validate_text(
        "apiVersion: networking.istio.io/v1\nkind: VirtualServise\nmetadata:\n  name: a\n",
    );
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].line, Some(2));
    assert_eq!(problems[0].path, "kind");
    assert!(
        problems[0]
            .message
            .contains("did you mean \"VirtualService\"?"),
        "{}",
        problems[0].message
    );
}
