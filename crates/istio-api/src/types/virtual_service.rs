//! The VirtualService `spec`: routing rules for traffic addressed to a set of hosts.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::ext::*;
use super::shared::{Destination, Percent};
use crate::schema::Format;

/// Routing rules for traffic addressed to a set of hosts.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VirtualServiceSpec {
    /// Namespaces the routes are visible to (`.` for this one, `*` for all).
    pub export_to: Option<Vec<String>>,
    /// Gateways and sidecars (`mesh`) the routes apply to.
    pub gateways: Option<Vec<String>>,
    /// Hosts the routes match: names, wildcards like `*.example.com`, or IPs.
    #[schemars(transform = each(check(Format::Host)))]
    pub hosts: Option<Vec<String>>,
    /// Ordered HTTP routes; the first match wins.
    pub http: Option<Vec<HttpRoute>>,
    /// Ordered routes for opaque TCP traffic.
    pub tcp: Option<Vec<TcpRoute>>,
    /// Ordered routes for TLS traffic that is passed through, matched by SNI.
    pub tls: Option<Vec<TlsRoute>>,
}

/// One HTTP route: match conditions and what to do with matching requests.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpRoute {
    /// Cross-origin resource sharing settings.
    pub cors_policy: Option<CorsPolicy>,
    /// Another VirtualService the route delegates to.
    pub delegate: Option<Delegate>,
    /// A fixed response instead of forwarding.
    pub direct_response: Option<DirectResponse>,
    /// Faults injected into matching requests.
    pub fault: Option<Fault>,
    /// Header changes.
    pub headers: Option<Headers>,
    /// Conditions a request must meet (any of them).
    #[serde(rename = "match")]
    pub match_: Option<Vec<HttpMatchRequest>>,
    /// Where requests are mirrored to.
    pub mirror: Option<Destination>,
    /// Share of requests mirrored (old spelling).
    #[serde(rename = "mirror_percent")]
    #[schemars(transform = nullable, transform = deprecated_for("mirrorPercentage"))]
    pub mirror_percent_snake: Option<u32>,
    /// Share of requests mirrored (old field).
    #[schemars(transform = nullable, transform = deprecated_for("mirrorPercentage"))]
    pub mirror_percent: Option<u32>,
    /// Share of requests mirrored.
    pub mirror_percentage: Option<Percent>,
    /// Several mirror destinations.
    pub mirrors: Option<Vec<HttpMirrorPolicy>>,
    /// Name of the route, for logs.
    pub name: Option<String>,
    /// An HTTP redirect instead of forwarding.
    pub redirect: Option<HttpRedirect>,
    /// Retry policy.
    pub retries: Option<HttpRetry>,
    /// URI and authority rewrites before forwarding.
    pub rewrite: Option<HttpRewrite>,
    /// Weighted destinations.
    pub route: Option<Vec<HttpRouteDestination>>,
    /// Timeout of a request.
    #[schemars(transform = min_duration)]
    pub timeout: Option<String>,
}

/// Cross-origin resource sharing settings.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CorsPolicy {
    /// Whether credentials may be sent.
    #[schemars(transform = nullable)]
    pub allow_credentials: Option<bool>,
    /// Allowed request headers.
    pub allow_headers: Option<Vec<String>>,
    /// Allowed methods.
    pub allow_methods: Option<Vec<String>>,
    /// Allowed origins (old field).
    pub allow_origin: Option<Vec<String>>,
    /// Allowed origins by match.
    pub allow_origins: Option<Vec<StringMatch>>,
    /// Headers the browser may read.
    pub expose_headers: Option<Vec<String>>,
    /// How long preflight results are cached.
    #[schemars(transform = min_duration)]
    pub max_age: Option<String>,
    /// What happens to preflight requests that do not match.
    pub unmatched_preflights: Option<UnmatchedPreflights>,
}

/// What happens to preflight requests that do not match the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UnmatchedPreflights {
    /// The default (forward).
    Unspecified,
    /// Forward them upstream.
    Forward,
    /// Answer them without CORS headers.
    Ignore,
}

/// A VirtualService by name and namespace.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Delegate {
    /// Name of the VirtualService.
    pub name: Option<String>,
    /// Namespace of the VirtualService.
    pub namespace: Option<String>,
}

/// A fixed response.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DirectResponse {
    /// The response body.
    pub body: Option<HttpBody>,
    /// The HTTP status code.
    pub status: u32,
}

/// A response body, as text or base64 bytes.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = at_most_one_of(&["string", "bytes"]))]
pub struct HttpBody {
    /// The body as base64 bytes.
    #[schemars(transform = format("byte"))]
    pub bytes: Option<String>,
    /// The body as text.
    pub string: Option<String>,
}

/// Faults injected into requests.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Fault {
    /// Requests aborted with an error.
    pub abort: Option<Abort>,
    /// Requests delayed.
    pub delay: Option<Delay>,
}

/// Aborting requests with an error.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = at_most_one_of(&["httpStatus", "grpcStatus", "http2Error"]))]
pub struct Abort {
    /// gRPC status to return.
    pub grpc_status: Option<String>,
    /// HTTP/2 error to return.
    pub http2_error: Option<String>,
    /// HTTP status to return.
    pub http_status: Option<i32>,
    /// Share of requests aborted.
    pub percentage: Option<Percent>,
}

/// Delaying requests.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = at_most_one_of(&["fixedDelay", "exponentialDelay"]))]
pub struct Delay {
    /// Exponential delay.
    #[schemars(transform = min_duration)]
    pub exponential_delay: Option<String>,
    /// Fixed delay.
    #[schemars(transform = min_duration)]
    pub fixed_delay: Option<String>,
    /// Share of requests delayed, whole percent (old field).
    pub percent: Option<i32>,
    /// Share of requests delayed.
    pub percentage: Option<Percent>,
}

/// Conditions on an HTTP request.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpMatchRequest {
    /// Match of the authority (host) header.
    pub authority: Option<StringMatch>,
    /// Gateways the match is limited to.
    pub gateways: Option<Vec<String>>,
    /// Matches of headers by name.
    pub headers: Option<BTreeMap<String, StringMatch>>,
    /// Match the URI case-insensitively.
    pub ignore_uri_case: Option<bool>,
    /// Match of the method.
    pub method: Option<StringMatch>,
    /// Name of the match, for logs.
    pub name: Option<String>,
    /// Port the request arrived on.
    pub port: Option<u32>,
    /// Matches of query parameters by name.
    pub query_params: Option<BTreeMap<String, StringMatch>>,
    /// Match of the scheme.
    pub scheme: Option<StringMatch>,
    /// Labels of the calling workload.
    pub source_labels: Option<BTreeMap<String, String>>,
    /// Namespace of the calling workload.
    pub source_namespace: Option<String>,
    /// Prefix of the route's stats.
    pub stat_prefix: Option<String>,
    /// Match of the URI.
    pub uri: Option<StringMatch>,
    /// Headers that must not match.
    pub without_headers: Option<BTreeMap<String, StringMatch>>,
}

/// A mirror destination with its share of requests.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HttpMirrorPolicy {
    /// Where requests are mirrored to.
    pub destination: Destination,
    /// Share of requests mirrored.
    pub percentage: Option<Percent>,
}

/// An HTTP redirect.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(transform = at_most_one_of(&["port", "derivePort"]))]
pub struct HttpRedirect {
    /// New authority.
    pub authority: Option<String>,
    /// Where the new port comes from.
    pub derive_port: Option<DerivePort>,
    /// New port.
    pub port: Option<u32>,
    /// Status code of the redirect.
    pub redirect_code: Option<u32>,
    /// New scheme.
    pub scheme: Option<String>,
    /// New URI path.
    pub uri: Option<String>,
}

/// Where the port of a redirect comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DerivePort {
    /// The default port of the protocol.
    FromProtocolDefault,
    /// The port of the request.
    FromRequestPort,
}

/// Retry policy of an HTTP route.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpRetry {
    /// Number of retries.
    pub attempts: Option<i32>,
    /// Base interval between retries.
    #[schemars(transform = min_duration)]
    pub backoff: Option<String>,
    /// Timeout of each try.
    #[schemars(transform = min_duration)]
    pub per_try_timeout: Option<String>,
    /// Avoid hosts tried before.
    #[schemars(transform = nullable)]
    pub retry_ignore_previous_hosts: Option<bool>,
    /// Conditions that cause a retry.
    pub retry_on: Option<String>,
    /// Retry in other localities.
    #[schemars(transform = nullable)]
    pub retry_remote_localities: Option<bool>,
}

/// URI and authority rewrites.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HttpRewrite {
    /// New authority.
    pub authority: Option<String>,
    /// New URI prefix.
    pub uri: Option<String>,
    /// URI rewrite by regular expression.
    pub uri_regex_rewrite: Option<RegexRewrite>,
}

/// A rewrite by RE2 regular expression.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RegexRewrite {
    /// The expression to match.
    #[serde(rename = "match")]
    #[schemars(transform = check(Format::Regex))]
    pub match_: Option<String>,
    /// The replacement.
    pub rewrite: Option<String>,
}

/// A destination of an HTTP route with its weight and header changes.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HttpRouteDestination {
    /// Where requests go.
    pub destination: Destination,
    /// Header changes.
    pub headers: Option<Headers>,
    /// Share of the traffic.
    pub weight: Option<i32>,
}

/// A TCP route.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TcpRoute {
    /// Conditions a connection must meet (any of them).
    #[serde(rename = "match")]
    pub match_: Option<Vec<L4MatchAttributes>>,
    /// Weighted destinations.
    pub route: Option<Vec<RouteDestination>>,
}

/// Conditions on a TCP connection.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct L4MatchAttributes {
    /// Destination IPs or subnets.
    pub destination_subnets: Option<Vec<String>>,
    /// Gateways the match is limited to.
    pub gateways: Option<Vec<String>>,
    /// Port the connection arrived on.
    pub port: Option<u32>,
    /// Labels of the calling workload.
    pub source_labels: Option<BTreeMap<String, String>>,
    /// Namespace of the calling workload.
    pub source_namespace: Option<String>,
    /// Source IP or subnet.
    pub source_subnet: Option<String>,
}

/// A TLS route (traffic passed through, matched by SNI).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TlsRoute {
    /// Conditions a connection must meet (any of them).
    #[serde(rename = "match")]
    pub match_: Vec<TlsMatchAttributes>,
    /// Weighted destinations.
    pub route: Option<Vec<RouteDestination>>,
}

/// Conditions on a TLS connection.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TlsMatchAttributes {
    /// Destination IPs or subnets.
    pub destination_subnets: Option<Vec<String>>,
    /// Gateways the match is limited to.
    pub gateways: Option<Vec<String>>,
    /// Port the connection arrived on.
    pub port: Option<u32>,
    /// SNI values to match.
    pub sni_hosts: Vec<String>,
    /// Labels of the calling workload.
    pub source_labels: Option<BTreeMap<String, String>>,
    /// Namespace of the calling workload.
    pub source_namespace: Option<String>,
}

/// A destination with its weight.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RouteDestination {
    /// Where traffic goes.
    pub destination: Destination,
    /// Share of the traffic.
    pub weight: Option<i32>,
}

/// Header changes for requests and responses.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Headers {
    /// Changes to request headers.
    pub request: Option<HeaderOperations>,
    /// Changes to response headers.
    pub response: Option<HeaderOperations>,
}

/// Headers to set, add or remove.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HeaderOperations {
    /// Headers appended.
    pub add: Option<BTreeMap<String, String>>,
    /// Headers removed.
    pub remove: Option<Vec<String>>,
    /// Headers overwritten.
    pub set: Option<BTreeMap<String, String>>,
}

/// Exact, prefix or RE2 regular expression match of a string.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = at_most_one_of(&["exact", "prefix", "regex"]))]
pub struct StringMatch {
    /// The exact value.
    pub exact: Option<String>,
    /// A prefix of the value.
    pub prefix: Option<String>,
    /// An RE2 regular expression the value matches.
    #[schemars(transform = check(Format::Regex))]
    pub regex: Option<String>,
}
