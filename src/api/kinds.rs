//! The 14 Istio kinds: their names, versions and printer columns, and their schemas (read once
//! from the types in [`super::types`]).

use std::sync::LazyLock;

use serde_json::Value;

use super::schema::Schema;
use super::types;

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
    /// The JSON schema of the `spec` type (its doc comments describe the spec and its fields).
    spec: fn() -> Value,
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
        SPECS[index].get_or_init(|| build_spec(self))
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
        spec: types::json_schema::<types::VirtualServiceSpec>,
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
        spec: types::json_schema::<types::DestinationRuleSpec>,
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
        spec: types::json_schema::<types::GatewaySpec>,
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
        spec: types::json_schema::<types::ServiceEntrySpec>,
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
        spec: types::json_schema::<types::SidecarSpec>,
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
        spec: types::json_schema::<types::WorkloadEntrySpec>,
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
        spec: types::json_schema::<types::WorkloadGroupSpec>,
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
        spec: types::json_schema::<types::EnvoyFilterSpec>,
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
        spec: types::json_schema::<types::ProxyConfigSpec>,
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
        spec: types::json_schema::<types::AuthorizationPolicySpec>,
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
        spec: types::json_schema::<types::PeerAuthenticationSpec>,
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
        spec: types::json_schema::<types::RequestAuthenticationSpec>,
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
        spec: types::json_schema::<types::TelemetrySpec>,
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
        spec: types::json_schema::<types::WasmPluginSpec>,
    },
];

/// Each kind's `spec` schema, built when that kind is first validated.
static SPECS: LazyLock<Vec<std::sync::OnceLock<Schema>>> =
    LazyLock::new(|| KINDS.iter().map(|_| std::sync::OnceLock::new()).collect());

/// The kind's `spec` schema, read from its type, described down to its top-level fields.
fn build_spec(kind: &KindInfo) -> Schema {
    let mut spec = Schema::from_json_schema(&(kind.spec)());
    spec.keep_docs(2);
    spec
}

static STATUS: LazyLock<Schema> = LazyLock::new(|| {
    let mut status = Schema::from_json_schema(&types::json_schema::<types::IstioStatus>());
    status.keep_docs(0);
    status
});

/// The schema of `status`, the same for every Istio kind.
pub fn status_schema() -> &'static Schema {
    &STATUS
}

/// The kind `kind` of API group `group`, if Istio has it.
pub fn find(group: &str, kind: &str) -> Option<&'static KindInfo> {
    KINDS.iter().find(|k| k.group == group && k.kind == kind)
}
