//! The 14 Istio kinds: their names, versions and printer columns, and their schemas (built once).

use std::sync::LazyLock;

use super::schema::Schema;
use super::spec;

/// The API groups of Istio's kinds.
pub const GROUPS: [&str; 4] = [
    "networking.istio.io",
    "security.istio.io",
    "telemetry.istio.io",
    "extensions.istio.io",
];

/// One version of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    /// The version name (`v1`, `v1beta1`, …).
    pub name: &'static str,
    /// Whether the API server serves it.
    pub served: bool,
    /// Whether objects are stored in it (exactly one version per kind).
    pub storage: bool,
}

/// A column `kubectl get` prints for a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The column header.
    pub name: &'static str,
    /// The column type (`string`, `date`).
    pub ty: &'static str,
    /// The JSON path of the value.
    pub json_path: &'static str,
    /// Our description of the column.
    pub description: &'static str,
}

/// An Istio kind and everything its CRD needs.
#[derive(Debug)]
pub struct KindInfo {
    /// API group.
    pub group: &'static str,
    /// Kind name.
    pub kind: &'static str,
    /// Plural resource name.
    pub plural: &'static str,
    /// Singular resource name.
    pub singular: &'static str,
    /// Short names for `kubectl get`.
    pub short_names: &'static [&'static str],
    /// Versions, in the order the CRD lists them.
    pub versions: &'static [Version],
    /// Printer columns (the same for every version).
    pub columns: &'static [Column],
    /// Whether the resource must have a `spec`.
    pub spec_required: bool,
    /// Our description of the kind, used for the CRD's `spec`.
    pub doc: &'static str,
    /// Our descriptions of the top-level `spec` fields.
    pub field_docs: &'static [(&'static str, &'static str)],
    /// Builds the schema of `spec`.
    spec: fn() -> Schema,
}

impl KindInfo {
    /// The `group/Kind` key used by analysis (e.g. `networking.istio.io/VirtualService`).
    pub fn key(&self) -> String {
        format!("{}/{}", self.group, self.kind)
    }

    /// The CRD's name, `plural.group`.
    pub fn crd_name(&self) -> String {
        format!("{}.{}", self.plural, self.group)
    }

    /// The CRD categories: `istio-io` and the group with dashes.
    pub fn categories(&self) -> [String; 2] {
        ["istio-io".to_owned(), self.group.replace('.', "-")]
    }

    /// The version objects are stored in.
    pub fn storage_version(&self) -> &'static str {
        self.versions
            .iter()
            .find(|v| v.storage)
            .map_or("", |v| v.name)
    }

    /// The schema of `spec`, built on first use.
    pub fn spec_schema(&self) -> &'static Schema {
        let index = KINDS
            .iter()
            .position(|k| std::ptr::eq(k, self))
            .unwrap_or(0);
        &SPECS[index]
    }
}

const V1_V1ALPHA3_V1BETA1: &[Version] = &[
    Version {
        name: "v1",
        served: true,
        storage: true,
    },
    Version {
        name: "v1alpha3",
        served: true,
        storage: false,
    },
    Version {
        name: "v1beta1",
        served: true,
        storage: false,
    },
];

const V1_V1BETA1: &[Version] = &[
    Version {
        name: "v1",
        served: true,
        storage: true,
    },
    Version {
        name: "v1beta1",
        served: true,
        storage: false,
    },
];

const AGE: Column = Column {
    name: "Age",
    ty: "date",
    json_path: ".metadata.creationTimestamp",
    description: "Time since the resource was created.",
};

const fn only(name: &'static str, storage: bool) -> Version {
    Version {
        name,
        served: true,
        storage,
    }
}

/// Every Istio kind, networking first.
pub static KINDS: [KindInfo; 14] = [
    KindInfo {
        group: "networking.istio.io",
        kind: "VirtualService",
        plural: "virtualservices",
        singular: "virtualservice",
        short_names: &["vs"],
        versions: V1_V1ALPHA3_V1BETA1,
        columns: &[
            Column {
                name: "Gateways",
                ty: "string",
                json_path: ".spec.gateways",
                description: "Gateways and sidecars the routes apply to.",
            },
            Column {
                name: "Hosts",
                ty: "string",
                json_path: ".spec.hosts",
                description: "Hosts the routes match.",
            },
            AGE,
        ],
        spec_required: false,
        field_docs: &[
            ("exportTo", "Namespaces the routes are visible to (`.` for this one, `*` for all)."),
            ("gateways", "Gateways and sidecars (`mesh`) the routes apply to."),
            ("hosts", "Hosts the routes match: names, wildcards like `*.example.com`, or IPs."),
            ("http", "Ordered HTTP routes; the first match wins."),
            ("tcp", "Ordered routes for opaque TCP traffic."),
            ("tls", "Ordered routes for TLS traffic that is passed through, matched by SNI."),
        ],
        doc: "Routing rules for traffic addressed to a set of hosts.",
        spec: spec::virtual_service::spec,
    },
    KindInfo {
        group: "networking.istio.io",
        kind: "DestinationRule",
        plural: "destinationrules",
        singular: "destinationrule",
        short_names: &["dr"],
        versions: V1_V1ALPHA3_V1BETA1,
        columns: &[
            Column {
                name: "Host",
                ty: "string",
                json_path: ".spec.host",
                description: "The service the policies apply to.",
            },
            AGE,
        ],
        spec_required: false,
        field_docs: &[
            ("exportTo", "Namespaces the rule is visible to."),
            ("host", "The service the rule applies to, as in the service registry."),
            ("subsets", "Named groups of endpoints, selected by labels, each with optional policy overrides."),
            ("trafficPolicy", "Default traffic policy for the host."),
            ("workloadSelector", "Workloads the rule applies to, when not all."),
        ],
        doc: "Traffic policies (load balancing, connection pools, TLS, subsets) for a service.",
        spec: spec::destination_rule::spec,
    },
    KindInfo {
        group: "networking.istio.io",
        kind: "Gateway",
        plural: "gateways",
        singular: "gateway",
        short_names: &["gw"],
        versions: V1_V1ALPHA3_V1BETA1,
        columns: &[],
        spec_required: false,
        field_docs: &[
            ("selector", "Labels of the gateway pods the configuration applies to."),
            ("servers", "Ports, protocols, hosts and TLS settings the gateway serves."),
        ],
        doc: "Ports, protocols and hosts a load balancer at the mesh edge accepts.",
        spec: spec::gateway::spec,
    },
    KindInfo {
        group: "networking.istio.io",
        kind: "ServiceEntry",
        plural: "serviceentries",
        singular: "serviceentry",
        short_names: &["se"],
        versions: V1_V1ALPHA3_V1BETA1,
        columns: &[
            Column {
                name: "Hosts",
                ty: "string",
                json_path: ".spec.hosts",
                description: "Hosts of the entry.",
            },
            Column {
                name: "Location",
                ty: "string",
                json_path: ".spec.location",
                description: "MESH_EXTERNAL or MESH_INTERNAL.",
            },
            Column {
                name: "Resolution",
                ty: "string",
                json_path: ".spec.resolution",
                description: "How endpoints are found (NONE, STATIC, DNS, ...).",
            },
            AGE,
        ],
        spec_required: true,
        field_docs: &[
            ("addresses", "Virtual IPs or CIDR blocks of the service."),
            ("endpoints", "Endpoints of the service, when not selected by workloadSelector."),
            ("exportTo", "Namespaces the entry is visible to."),
            ("hosts", "Host names of the service."),
            ("location", "Whether the service is outside (MESH_EXTERNAL) or part of (MESH_INTERNAL) the mesh."),
            ("ports", "Ports the service listens on."),
            ("resolution", "How the endpoints are found: NONE, STATIC, DNS or DNS_ROUND_ROBIN."),
            ("subjectAltNames", "Identities the service's certificates may carry."),
            ("workloadSelector", "Selects in-mesh workloads (Pods, WorkloadEntries) as endpoints."),
        ],
        doc: "Adds a service, often outside the mesh, to Istio's service registry.",
        spec: spec::service_entry::spec,
    },
    KindInfo {
        group: "networking.istio.io",
        kind: "Sidecar",
        plural: "sidecars",
        singular: "sidecar",
        short_names: &[],
        versions: V1_V1ALPHA3_V1BETA1,
        columns: &[],
        spec_required: false,
        field_docs: &[
            ("egress", "Outbound listeners and the hosts the workload may reach."),
            ("inboundConnectionPool", "Connection limits for inbound traffic."),
            ("ingress", "Inbound listeners of the workload."),
            ("outboundTrafficPolicy", "What happens to traffic to hosts not in the registry."),
            ("workloadSelector", "Workloads the configuration applies to (default: the whole namespace)."),
        ],
        doc: "Limits and tunes the traffic a workload's proxy accepts and sends.",
        spec: spec::sidecar::spec,
    },
    KindInfo {
        group: "networking.istio.io",
        kind: "WorkloadEntry",
        plural: "workloadentries",
        singular: "workloadentry",
        short_names: &["we"],
        versions: V1_V1ALPHA3_V1BETA1,
        columns: &[
            AGE,
            Column {
                name: "Address",
                ty: "string",
                json_path: ".spec.address",
                description: "Address of the workload.",
            },
        ],
        spec_required: true,
        field_docs: &[
            ("address", "IP address, host name or Unix socket of the workload."),
            ("labels", "Labels of the workload."),
            ("locality", "Region/zone/subzone of the workload."),
            ("network", "The network the workload is on, for multi-network meshes."),
            ("ports", "Port numbers by service port name."),
            ("serviceAccount", "Service account whose identity the workload has."),
            ("weight", "Load balancing weight of the workload."),
        ],
        doc: "A single non-Kubernetes workload, such as a VM, in the mesh.",
        spec: spec::workload_entry::spec,
    },
    KindInfo {
        group: "networking.istio.io",
        kind: "WorkloadGroup",
        plural: "workloadgroups",
        singular: "workloadgroup",
        short_names: &["wg"],
        versions: V1_V1ALPHA3_V1BETA1,
        columns: &[AGE],
        spec_required: true,
        field_docs: &[
            ("metadata", "Labels and annotations copied to every WorkloadEntry."),
            ("probe", "Readiness check of the workloads."),
            ("template", "The WorkloadEntry template (address and labels are filled in per workload)."),
        ],
        doc: "A template for WorkloadEntries of workloads that join the mesh on their own.",
        spec: spec::workload_group::spec,
    },
    KindInfo {
        group: "networking.istio.io",
        kind: "EnvoyFilter",
        plural: "envoyfilters",
        singular: "envoyfilter",
        short_names: &[],
        versions: &[only("v1alpha3", true)],
        columns: &[],
        spec_required: false,
        field_docs: &[
            ("configPatches", "Patches applied to the generated Envoy configuration."),
            ("priority", "Order among filters in the same context (lower first)."),
            ("targetRefs", "Resources the patches attach to."),
            ("workloadSelector", "Workloads the patches apply to."),
        ],
        doc: "Patches to the Envoy configuration Istio generates.",
        spec: spec::envoy_filter::spec,
    },
    KindInfo {
        group: "networking.istio.io",
        kind: "ProxyConfig",
        plural: "proxyconfigs",
        singular: "proxyconfig",
        short_names: &[],
        versions: &[only("v1beta1", true)],
        columns: &[],
        spec_required: false,
        field_docs: &[
            ("concurrency", "Number of proxy worker threads (0: one per core)."),
            ("environmentVariables", "Extra environment variables of the proxy."),
            ("image", "Which proxy image variant to use."),
            ("selector", "Workloads the settings apply to."),
        ],
        doc: "Proxy settings for selected workloads.",
        spec: spec::proxy_config::spec,
    },
    KindInfo {
        group: "security.istio.io",
        kind: "AuthorizationPolicy",
        plural: "authorizationpolicies",
        singular: "authorizationpolicy",
        short_names: &["ap"],
        versions: V1_V1BETA1,
        columns: &[
            Column {
                name: "Action",
                ty: "string",
                json_path: ".spec.action",
                description: "What the policy does with matching requests.",
            },
            AGE,
        ],
        spec_required: false,
        field_docs: &[
            ("action", "What happens to requests that match a rule."),
            ("provider", "The external authorizer used with the CUSTOM action."),
            ("rules", "Rules matching requests by source, operation and conditions."),
            ("selector", "Workloads the policy applies to."),
            ("targetRef", "A single resource the policy attaches to."),
            ("targetRefs", "Resources the policy attaches to."),
        ],
        doc: "Access control for workloads: which requests to allow, deny or audit.",
        spec: spec::authorization_policy::spec,
    },
    KindInfo {
        group: "security.istio.io",
        kind: "PeerAuthentication",
        plural: "peerauthentications",
        singular: "peerauthentication",
        short_names: &["pa"],
        versions: V1_V1BETA1,
        columns: &[
            Column {
                name: "Mode",
                ty: "string",
                json_path: ".spec.mtls.mode",
                description: "The mutual TLS mode.",
            },
            AGE,
        ],
        spec_required: false,
        field_docs: &[
            ("mtls", "The mutual TLS mode of the selected workloads."),
            ("portLevelMtls", "Mutual TLS modes for single ports."),
            ("selector", "Workloads the policy applies to."),
        ],
        doc: "The mutual TLS mode workloads accept.",
        spec: spec::peer_authentication::spec,
    },
    KindInfo {
        group: "security.istio.io",
        kind: "RequestAuthentication",
        plural: "requestauthentications",
        singular: "requestauthentication",
        short_names: &["ra"],
        versions: V1_V1BETA1,
        columns: &[],
        spec_required: false,
        field_docs: &[
            ("jwtRules", "Issuers and keys of the JWTs accepted."),
            ("selector", "Workloads the policy applies to."),
            ("targetRef", "A single resource the policy attaches to."),
            ("targetRefs", "Resources the policy attaches to."),
        ],
        doc: "Which JWTs a workload accepts as request credentials.",
        spec: spec::request_authentication::spec,
    },
    KindInfo {
        group: "telemetry.istio.io",
        kind: "Telemetry",
        plural: "telemetries",
        singular: "telemetry",
        short_names: &["telemetry"],
        versions: &[
            Version {
                name: "v1",
                served: true,
                storage: false,
            },
            only("v1alpha1", true),
        ],
        columns: &[AGE],
        spec_required: false,
        field_docs: &[
            ("accessLogging", "Access log settings."),
            ("metrics", "Metric settings and overrides."),
            ("selector", "Workloads the settings apply to."),
            ("targetRef", "A single resource the settings attach to."),
            ("targetRefs", "Resources the settings attach to."),
            ("tracing", "Tracing settings."),
        ],
        doc: "Metrics, access logging and tracing settings for workloads.",
        spec: spec::telemetry::spec,
    },
    KindInfo {
        group: "extensions.istio.io",
        kind: "WasmPlugin",
        plural: "wasmplugins",
        singular: "wasmplugin",
        short_names: &[],
        versions: &[only("v1alpha1", true)],
        columns: &[AGE],
        spec_required: true,
        field_docs: &[
            ("failStrategy", "What happens when the plugin fails or cannot be loaded."),
            ("imagePullPolicy", "When to pull an OCI image again."),
            ("imagePullSecret", "Secret with credentials for the image registry."),
            ("match", "Traffic (mode and ports) the plugin applies to."),
            ("phase", "Where in the filter chain the plugin is inserted."),
            ("pluginConfig", "Configuration handed to the plugin."),
            ("pluginName", "Name of the plugin inside the module."),
            ("priority", "Order among plugins in the same phase (higher first)."),
            ("selector", "Workloads the plugin applies to."),
            ("sha256", "Expected SHA-256 of the module, hex encoded."),
            ("targetRef", "A single resource the plugin attaches to."),
            ("targetRefs", "Resources the plugin attaches to."),
            ("type", "Whether the plugin is an HTTP or a network filter."),
            ("url", "Where to fetch the module: oci://, https://, http:// or file://."),
            ("verificationKey", "Public key to verify module signatures."),
            ("vmConfig", "Settings of the VM running the plugin."),
        ],
        doc: "A WebAssembly extension loaded into selected proxies.",
        spec: spec::wasm_plugin::spec,
    },
];

static SPECS: LazyLock<Vec<Schema>> = LazyLock::new(|| KINDS.iter().map(build_spec).collect());

/// The kind's `spec` schema with our descriptions of it and of its top-level fields.
fn build_spec(kind: &KindInfo) -> Schema {
    let mut spec = (kind.spec)().doc(kind.doc);
    for (name, doc) in kind.field_docs {
        if let Some((_, field)) = spec.properties.iter_mut().find(|(n, _)| n == name) {
            field.doc = Some(doc);
        }
    }
    spec
}

static STATUS: LazyLock<Schema> = LazyLock::new(spec::shared::istio_status);

/// The schema of `status`, the same for every Istio kind.
pub fn status_schema() -> &'static Schema {
    &STATUS
}

/// The kind `kind` of API group `group`, if Istio has it.
pub fn find(group: &str, kind: &str) -> Option<&'static KindInfo> {
    KINDS.iter().find(|k| k.group == group && k.kind == kind)
}
