//! The 15 Istio kinds: their names, versions and printer columns, and their schemas.
//!
//! A kind's schema is read from its type in [`super::types`]; generating it (schemars, then
//! [`Schema::from_json_schema`]) costs milliseconds per kind, so a copy of each is committed
//! under [`SCHEMAS_PATH`] and embedded, and a run reads the copy of a kind when it first needs
//! it. `cargo run --example gen-api -- --write` regenerates the copies; a test fails when one
//! differs from its type.

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
    /// The committed copy of the `spec` schema generated from the type (see [`schema_files`]).
    committed_spec: &'static str,
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

    /// The schema of `spec`, read on first use.
    pub fn spec_schema(&self) -> &'static Schema {
        let index = KINDS
            .iter()
            .position(|k| std::ptr::eq(k, self))
            .unwrap_or(0);
        SPECS[index].get_or_init(|| {
            read_committed(self.committed_spec).unwrap_or_else(|| self.generate_spec_schema())
        })
    }

    /// The schema of `spec` generated from its type, described down to its top-level fields.
    pub fn generate_spec_schema(&self) -> Schema {
        let mut spec = Schema::from_json_schema(&(self.spec)());
        spec.keep_docs(2);
        spec
    }

    /// The name of the committed copy of its `spec` schema under [`SCHEMAS_PATH`].
    pub fn schema_file(&self) -> String {
        format!("{}.json", self.kind)
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
pub static KINDS: [KindInfo; 15] = [
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
        committed_spec: include_str!("schemas/VirtualService.json"),
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
        committed_spec: include_str!("schemas/DestinationRule.json"),
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
        committed_spec: include_str!("schemas/Gateway.json"),
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
        committed_spec: include_str!("schemas/ServiceEntry.json"),
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
        committed_spec: include_str!("schemas/Sidecar.json"),
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
        committed_spec: include_str!("schemas/WorkloadEntry.json"),
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
        committed_spec: include_str!("schemas/WorkloadGroup.json"),
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
        committed_spec: include_str!("schemas/EnvoyFilter.json"),
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
        committed_spec: include_str!("schemas/ProxyConfig.json"),
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
        committed_spec: include_str!("schemas/AuthorizationPolicy.json"),
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
        committed_spec: include_str!("schemas/PeerAuthentication.json"),
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
        committed_spec: include_str!("schemas/RequestAuthentication.json"),
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
        committed_spec: include_str!("schemas/Telemetry.json"),
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
        committed_spec: include_str!("schemas/WasmPlugin.json"),
    },
    KindInfo {
        group: "extensions.istio.io",
        kind: "TrafficExtension",
        plural: "trafficextensions",
        singular: "trafficextension",
        short_names: &[],
        versions: &[only("v1alpha1", true)],
        columns: &[AGE],
        spec_required: true,
        spec: types::json_schema::<types::TrafficExtensionSpec>,
        committed_spec: include_str!("schemas/TrafficExtension.json"),
    },
];

/// Each kind's `spec` schema, read when that kind is first validated.
static SPECS: LazyLock<Vec<std::sync::OnceLock<Schema>>> =
    LazyLock::new(|| KINDS.iter().map(|_| std::sync::OnceLock::new()).collect());

/// Where the schemas generated from the types are committed, relative to the project root.
pub const SCHEMAS_PATH: &str = "crates/istio-api/src/schemas";

/// The name of the committed copy of the `status` schema under [`SCHEMAS_PATH`].
const STATUS_FILE: &str = "IstioStatus.json";

/// A committed schema. `None` when it cannot be read, which happens only while a new kind's
/// copy is being created (an empty file); the schema is then generated from the type.
fn read_committed(text: &str) -> Option<Schema> {
    serde_json::from_str(text).ok()
}

static STATUS: LazyLock<Schema> = LazyLock::new(|| {
    read_committed(include_str!("schemas/IstioStatus.json")).unwrap_or_else(generate_status_schema)
});

/// The schema of `status` generated from its type, without descriptions.
pub fn generate_status_schema() -> Schema {
    let mut status = Schema::from_json_schema(&types::json_schema::<types::IstioStatus>());
    status.keep_docs(0);
    status
}

/// The files of [`SCHEMAS_PATH`] as generated from the types now: (file name, content).
pub fn schema_files() -> Vec<(String, String)> {
    let json = |schema: &Schema| {
        // Our schema model has only string keys and finite numbers: it always serializes.
        serde_json::to_string_pretty(schema).unwrap_or_default() + "\n"
    };
    let mut files: Vec<(String, String)> = KINDS
        .iter()
        .map(|k| (k.schema_file(), json(&k.generate_spec_schema())))
        .collect();
    files.push((STATUS_FILE.to_owned(), json(&generate_status_schema())));
    files
}

/// The schema of `status`, the same for every Istio kind.
pub fn status_schema() -> &'static Schema {
    &STATUS
}

/// The kind `kind` of API group `group`, if Istio has it.
pub fn find(group: &str, kind: &str) -> Option<&'static KindInfo> {
    KINDS.iter().find(|k| k.group == group && k.kind == kind)
}
