//! The istiod chart: istiod and its RBAC, webhooks, mesh and injector configuration, scaling,
//! network policy, and the stand-ins for an istiod that runs in another cluster.

use serde_json::{json, Map, Value};

use super::{binding, fields, labels, meta, pull_secrets, rule, some, with, Rendered};
use crate::render::chart::{
    at, env_from_map, first_text, image, int, istio_labels, list, map, owner, rev_label,
    rev_suffix, sorted_map, text, truthy, Chart, Scope,
};
use crate::render::yaml::{to_go_json, to_yaml};

/// The groups of Istio's configuration kinds.
const ISTIO_GROUPS: &[&str] = &[
    "config.istio.io",
    "security.istio.io",
    "networking.istio.io",
    "authentication.istio.io",
    "rbac.istio.io",
    "telemetry.istio.io",
    "extensions.istio.io",
];

/// The groups the validation webhook and policy cover.
const VALIDATED_GROUPS: &[&str] = &[
    "security.istio.io",
    "networking.istio.io",
    "telemetry.istio.io",
    "extensions.istio.io",
];

const ALL_VERBS: &[&str] = &[
    "get", "watch", "list", "update", "patch", "create", "delete",
];

/// Everything the istiod chart renders into `ns`. `original` is what was passed to the chart
/// (the values ConfigMap records it); `injector_config` is the injector ConfigMap's `config`.
pub fn render(v: &Value, ns: &str, original: &Value, injector_config: &str) -> Rendered {
    let scope = Scope::from_values(v)?;
    let r = Names::new(v, ns);
    let remote = truthy(at(v, "istiodRemote.enabled"));
    let local_istiod = !remote || truthy(at(v, "istiodRemote.enabledLocalInjectorIstiod"));
    let mut out = Vec::new();
    if scope.namespaced {
        out.push(service_account(v, &r));
    }
    if scope.cluster {
        out.extend(cluster_roles(v, &r));
        out.extend(reader_roles(v, &r));
    }
    if scope.namespaced {
        out.extend(roles(&r));
    }
    if scope.cluster {
        if truthy(at(v, "global.configValidation")) {
            out.push(validating_webhook(v, &r));
        }
        if truthy(at(v, "experimental.stableValidationPolicy")) {
            out.extend(validation_policy(
                &format!("stable-channel-policy{}-{}.istio.io", r.rev, r.istio_ns),
                &format!(
                    "stable-channel-policy-binding{}-{}.istio.io",
                    r.rev, r.istio_ns
                ),
                &r.rev_label,
                Chart::Istiod,
            ));
        }
        if !truthy(at(v, "global.operatorManageWebhooks")) {
            out.push(injection_webhook(v, &r, None));
            for tag in list(&v["revisionTags"]) {
                out.push(injection_webhook(v, &r, Some(&text(&tag))));
            }
        }
    }
    if scope.namespaced {
        if truthy(&v["configMap"]) {
            out.push(mesh_config_map(v, &r));
        }
        if !truthy(at(v, "global.omitSidecarInjectorConfigMap")) {
            out.push(injector_config_map(v, &r, injector_config));
        }
        out.push(values_config_map(v, &r, original));
        if truthy(&v["jwksResolverExtraRootCA"]) {
            out.push(jwks_config_map(v, &r));
        }
        out.extend(gateway_class_config_maps(v, &r));
        if local_istiod {
            out.push(deployment(v, &r));
            out.push(service(v, &r));
            if truthy(&v["autoscaleEnabled"])
                && truthy(&v["autoscaleMin"])
                && truthy(&v["autoscaleMax"])
            {
                out.push(autoscaler(v, &r));
            }
            if let Some(pdb) = disruption_budget(v, &r) {
                out.push(pdb);
            }
        }
        if truthy(at(v, "global.networkPolicy.enabled")) {
            out.push(network_policy(&r));
        }
        if remote && truthy(at(v, "global.remotePilotAddress")) {
            out.extend(remote_istiod(v, &r));
        }
    }
    Ok(out)
}

/// Names and labels shared by the templates.
struct Names {
    ns: String,
    /// `-REVISION` or empty.
    rev: String,
    /// The revision or `default`.
    rev_label: String,
    owner: String,
    /// `global.istioNamespace`.
    istio_ns: String,
}

impl Names {
    fn new(v: &Value, ns: &str) -> Self {
        Names {
            ns: ns.to_owned(),
            rev: rev_suffix(v),
            rev_label: rev_label(v),
            owner: owner(v),
            istio_ns: first_text(&[at(v, "global.istioNamespace")]),
        }
    }

    fn istiod(&self) -> String {
        format!("istiod{}", self.rev)
    }

    /// `app: istiod`, `release` and the chart labels.
    fn app(&self, app: &str, name: &str) -> Map<String, Value> {
        with(
            labels([("app", app.into()), ("release", "istio".into())]),
            istio_labels(Chart::Istiod, Some(name)),
        )
    }

    /// The revision and ownership labels, `release` and the chart labels.
    fn owned(&self) -> Map<String, Value> {
        with(
            labels([
                ("istio.io/rev", self.rev_label.clone().into()),
                (
                    "install.operator.istio.io/owning-resource",
                    self.owner.clone().into(),
                ),
                ("operator.istio.io/component", "Pilot".into()),
                ("release", "istio".into()),
            ]),
            istio_labels(Chart::Istiod, Some("istiod")),
        )
    }

    /// The selector labels of istiod's pods.
    fn selector(&self, with_app: bool) -> Value {
        if self.rev.is_empty() {
            if with_app {
                json!({"app": "istiod", "istio": "pilot"})
            } else {
                json!({"istio": "pilot"})
            }
        } else {
            json!({"app": "istiod", "istio.io/rev": self.rev_label})
        }
    }
}

fn service_account(v: &Value, r: &Names) -> Value {
    let mut sa = json!({
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": meta(&r.istiod(), Some(&r.ns), r.app("istiod", "istiod"),
            some(&v["serviceAccountAnnotations"])),
    });
    if let Some(secrets) = pull_secrets(at(v, "global.imagePullSecrets")) {
        sa["imagePullSecrets"] = secrets;
    }
    sa
}

fn cluster_role(name: &str, labels: Map<String, Value>, rules: Vec<Value>) -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": meta(name, None, labels, None),
        "rules": rules,
    })
}

fn cluster_roles(v: &Value, r: &Names) -> Vec<Value> {
    let env = &v["env"];
    let mcs = {
        let g = first_text(&[&env["MCS_API_GROUP"]]);
        if g.is_empty() {
            "multicluster.x-k8s.io".to_owned()
        } else {
            g
        }
    };
    let mut rules = vec![
        rule(
            &["admissionregistration.k8s.io"],
            &["mutatingwebhookconfigurations"],
            &["get", "list", "watch", "update", "patch"],
        ),
        rule(
            &["admissionregistration.k8s.io"],
            &["validatingwebhookconfigurations"],
            &["get", "list", "watch", "update"],
        ),
        rule(ISTIO_GROUPS, &["*"], &["get", "watch", "list"]),
    ];
    if truthy(at(v, "global.istiod.enableAnalysis")) {
        rules.push(rule(
            ISTIO_GROUPS,
            &[
                "authorizationpolicies/status",
                "destinationrules/status",
                "envoyfilters/status",
                "gateways/status",
                "peerauthentications/status",
                "proxyconfigs/status",
                "requestauthentications/status",
                "serviceentries/status",
                "sidecars/status",
                "telemetries/status",
                "virtualservices/status",
                "wasmplugins/status",
                "workloadentries/status",
                "workloadgroups/status",
            ],
            &["update", "patch"],
        ));
    }
    rules.extend([
        rule(&["networking.istio.io"], &["workloadentries"], ALL_VERBS),
        rule(
            &["networking.istio.io"],
            &["workloadentries/status", "serviceentries/status"],
            ALL_VERBS,
        ),
        rule(
            &["security.istio.io"],
            &["authorizationpolicies/status"],
            ALL_VERBS,
        ),
        rule(&[""], &["services/status"], ALL_VERBS),
        rule(
            &["apiextensions.k8s.io"],
            &["customresourcedefinitions"],
            &["get", "list", "watch"],
        ),
        rule(
            &[""],
            &["pods", "nodes", "services", "namespaces", "endpoints"],
            &["get", "list", "watch"],
        ),
    ]);
    if truthy(at(v, "taint.enabled")) {
        rules.push(rule(&[""], &["nodes"], &["patch"]));
    }
    rules.extend([
        rule(
            &["discovery.k8s.io"],
            &["endpointslices"],
            &["get", "list", "watch"],
        ),
        rule(
            &["networking.k8s.io"],
            &["ingresses", "ingressclasses"],
            &["get", "list", "watch"],
        ),
        rule(&["networking.k8s.io"], &["ingresses/status"], &["*"]),
        rule(
            &[""],
            &["configmaps"],
            &["create", "get", "list", "watch", "update"],
        ),
    ]);
    let provider = first_text(&[at(v, "global.pilotCertProvider")]);
    if truthy(&env["EXTERNAL_CA"]) || !matches!(provider.as_str(), "istiod" | "custom" | "none") {
        rules.push(rule(
            &["certificates.k8s.io"],
            &[
                "certificatesigningrequests",
                "certificatesigningrequests/approval",
                "certificatesigningrequests/status",
            ],
            &["update", "create", "get", "delete", "watch"],
        ));
        let signers: Vec<Value> = list(at(v, "global.certSigners"))
            .iter()
            .map(|s| text(s).into())
            .collect();
        rules.push(json!({
            "apiGroups": ["certificates.k8s.io"],
            "resources": ["signers"],
            "resourceNames": signers,
            "verbs": ["approve"],
        }));
    }
    rules.extend([
        rule(&["authentication.k8s.io"], &["tokenreviews"], &["create"]),
        rule(
            &["authorization.k8s.io"],
            &["subjectaccessreviews"],
            &["create"],
        ),
        rule(
            &["gateway.networking.k8s.io", "gateway.networking.x-k8s.io"],
            &["*"],
            &["get", "watch", "list"],
        ),
        rule(
            &["gateway.networking.x-k8s.io"],
            &["xbackendtrafficpolicies/status"],
            &["update", "patch"],
        ),
        rule(
            &["gateway.networking.k8s.io"],
            &[
                "backendtlspolicies/status",
                "gatewayclasses/status",
                "gateways/status",
                "grpcroutes/status",
                "httproutes/status",
                "referencegrants/status",
                "tcproutes/status",
                "tlsroutes/status",
                "udproutes/status",
                "listenersets/status",
            ],
            &["update", "patch"],
        ),
        rule(
            &["gateway.networking.k8s.io"],
            &["gatewayclasses"],
            &["create", "update", "patch", "delete"],
        ),
        rule(
            &["inference.networking.k8s.io"],
            &["inferencepools"],
            &["get", "watch", "list"],
        ),
        rule(
            &["inference.networking.k8s.io"],
            &["inferencepools/status"],
            &["update", "patch"],
        ),
        rule(&[""], &["secrets"], &["get", "watch", "list"]),
        rule(
            &[mcs.as_str()],
            &["serviceexports"],
            &["get", "watch", "list", "create", "delete"],
        ),
        rule(
            &[mcs.as_str()],
            &["serviceimports"],
            &["get", "watch", "list"],
        ),
    ]);
    let subject = json!({"kind": "ServiceAccount", "name": r.istiod(), "namespace": r.ns});
    let main = format!("istiod-clusterrole{}-{}", r.rev, r.ns);
    let mut out = vec![
        cluster_role(&main, r.app("istiod", "istiod"), rules),
        binding(
            "ClusterRoleBinding",
            meta(&main, None, r.app("istiod", "istiod"), None),
            "ClusterRole",
            &main,
            subject.clone(),
        ),
    ];
    // The gateway deployment controller's permissions, unless it is switched off.
    if text(&env["PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER"]) != "false" {
        let name = format!("istiod-gateway-controller{}-{}", r.rev, r.ns);
        let rules = vec![
            rule(&["apps"], &["deployments"], ALL_VERBS),
            rule(&["autoscaling"], &["horizontalpodautoscalers"], ALL_VERBS),
            rule(&["policy"], &["poddisruptionbudgets"], ALL_VERBS),
            rule(&[""], &["services"], ALL_VERBS),
            rule(&[""], &["serviceaccounts"], ALL_VERBS),
        ];
        out.push(cluster_role(&name, r.app("istiod", "istiod"), rules));
        out.push(binding(
            "ClusterRoleBinding",
            meta(&name, None, r.app("istiod", "istiod"), None),
            "ClusterRole",
            &name,
            subject,
        ));
    }
    out
}

fn reader_roles(v: &Value, r: &Names) -> Vec<Value> {
    if v["global"]["enableReaderRBAC"] == Value::Bool(false) {
        return Vec::new();
    }
    let env = &v["env"];
    let mcs = {
        let g = first_text(&[&env["MCS_API_GROUP"]]);
        if g.is_empty() {
            "multicluster.x-k8s.io".to_owned()
        } else {
            g
        }
    };
    let mut rules = vec![
        rule(ISTIO_GROUPS, &["*"], &["get", "list", "watch"]),
        rule(
            &[""],
            &[
                "endpoints",
                "pods",
                "services",
                "nodes",
                "replicationcontrollers",
                "namespaces",
                "secrets",
                "configmaps",
            ],
            &["get", "list", "watch"],
        ),
        rule(
            &["networking.istio.io"],
            &["workloadentries"],
            &["get", "watch", "list"],
        ),
        rule(
            &["networking.x-k8s.io", "gateway.networking.k8s.io"],
            &["gateways"],
            &["get", "watch", "list"],
        ),
        rule(
            &["apiextensions.k8s.io"],
            &["customresourcedefinitions"],
            &["get", "list", "watch"],
        ),
        rule(
            &["discovery.k8s.io"],
            &["endpointslices"],
            &["get", "list", "watch"],
        ),
        rule(
            &[mcs.as_str()],
            &["serviceexports"],
            &["get", "list", "watch", "create", "delete"],
        ),
        rule(
            &[mcs.as_str()],
            &["serviceimports"],
            &["get", "list", "watch"],
        ),
        rule(&["apps"], &["replicasets"], &["get", "list", "watch"]),
        rule(&["authentication.k8s.io"], &["tokenreviews"], &["create"]),
        rule(
            &["authorization.k8s.io"],
            &["subjectaccessreviews"],
            &["create"],
        ),
    ];
    if truthy(at(v, "global.externalIstiod")) {
        rules.extend([
            rule(
                &[""],
                &["configmaps"],
                &["create", "get", "list", "watch", "update"],
            ),
            rule(
                &["admissionregistration.k8s.io"],
                &["mutatingwebhookconfigurations"],
                &["get", "list", "watch", "update", "patch"],
            ),
            rule(
                &["admissionregistration.k8s.io"],
                &["validatingwebhookconfigurations"],
                &["get", "list", "watch", "update"],
            ),
        ]);
    }
    let name = format!("istio-reader-clusterrole{}-{}", r.rev, r.ns);
    let labels = r.app("istio-reader", "istio-reader");
    vec![
        cluster_role(&name, labels.clone(), rules),
        binding(
            "ClusterRoleBinding",
            meta(&name, None, labels, None),
            "ClusterRole",
            &name,
            json!({"kind": "ServiceAccount", "name": "istio-reader-service-account", "namespace": r.istio_ns}),
        ),
    ]
}

fn roles(r: &Names) -> Vec<Value> {
    let name = r.istiod();
    let rules = vec![
        rule(&["networking.istio.io"], &["gateways"], &["create"]),
        rule(
            &[""],
            &["secrets"],
            &["create", "get", "watch", "list", "update", "delete"],
        ),
        rule(&[""], &["configmaps"], &["delete"]),
        rule(
            &["coordination.k8s.io"],
            &["leases"],
            &["get", "update", "patch", "create"],
        ),
    ];
    vec![
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": meta(&name, Some(&r.ns), r.app("istiod", "istiod"), None),
            "rules": rules,
        }),
        binding(
            "RoleBinding",
            meta(&name, Some(&r.ns), r.app("istiod", "istiod"), None),
            "Role",
            &name,
            json!({"kind": "ServiceAccount", "name": name, "namespace": r.ns}),
        ),
    ]
}

/// The `values` of `objectSelector.matchExpressions` selecting the revision.
fn rev_in(r: &Names) -> Value {
    json!({"key": "istio.io/rev", "operator": "In", "values": [r.rev_label]})
}

fn validating_webhook(v: &Value, r: &Names) -> Value {
    let mut client = Map::new();
    match first_text(&[at(v, "base.validationURL")]) {
        url if !url.is_empty() => {
            client.insert("url".into(), url.into());
        }
        _ => {
            client.insert(
                "service".into(),
                json!({"name": r.istiod(), "namespace": r.istio_ns, "path": "/validate"}),
            );
        }
    }
    let ca = first_text(&[at(v, "base.validationCABundle")]);
    if !ca.is_empty() {
        client.insert("caBundle".into(), ca.clone().into());
    }
    let policy = match first_text(&[at(v, "base.validationFailurePolicy")]) {
        p if !p.is_empty() => p,
        _ if !ca.is_empty() => "Fail".to_owned(),
        _ => "Ignore".to_owned(),
    };
    let labels = with(
        labels([
            ("app", "istiod".into()),
            ("istio", "istiod".into()),
            ("istio.io/rev", r.rev_label.clone().into()),
            ("release", "istio".into()),
        ]),
        istio_labels(Chart::Istiod, Some("istiod")),
    );
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": meta(&format!("istio-validator{}-{}", r.rev, r.istio_ns), None, labels, None),
        "webhooks": [{
            "name": "rev.validation.istio.io",
            "clientConfig": client,
            "rules": [{
                "operations": ["CREATE", "UPDATE"],
                "apiGroups": VALIDATED_GROUPS,
                "apiVersions": ["*"],
                "resources": ["*"],
            }],
            "failurePolicy": policy,
            "sideEffects": "None",
            "admissionReviewVersions": ["v1"],
            "objectSelector": {"matchExpressions": [rev_in(r)]},
        }],
    })
}

/// The ValidatingAdmissionPolicy that keeps non-stable API features out (and its binding),
/// for the revision's objects.
pub fn validation_policy(
    policy_name: &str,
    binding_name: &str,
    rev_label: &str,
    chart: Chart,
) -> Vec<Value> {
    let labels = with(
        labels([
            ("release", "istio".into()),
            ("istio", "istiod".into()),
            ("istio.io/rev", rev_label.into()),
        ]),
        istio_labels(chart, Some("istiod")),
    );
    let telemetry_rule = "!(\n  variables.isTelemetry && (\n    (has(object.spec.tracing) ? object.spec.tracing : {}).exists(t, has(t.useRequestIdForTraceSampling)) ||\n    (has(object.spec.metrics) ? object.spec.metrics : {}).exists(m, has(m.reportingInterval)) ||\n    (has(object.spec.accessLogging) ? object.spec.accessLogging : {}).exists(l, has(l.filter))\n  )\n)\n";
    vec![
        json!({
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingAdmissionPolicy",
            "metadata": meta(policy_name, None, labels, None),
            "spec": {
                "failurePolicy": "Fail",
                "matchConstraints": {
                    "resourceRules": [{
                        "apiGroups": VALIDATED_GROUPS,
                        "apiVersions": ["*"],
                        "operations": ["CREATE", "UPDATE"],
                        "resources": ["*"],
                    }],
                    "objectSelector": {"matchExpressions": [
                        {"key": "istio.io/rev", "operator": "In", "values": [rev_label]}
                    ]},
                },
                "variables": [
                    {"name": "isEnvoyFilter", "expression": "object.kind == 'EnvoyFilter'"},
                    {"name": "isWasmPlugin", "expression": "object.kind == 'WasmPlugin'"},
                    {"name": "isProxyConfig", "expression": "object.kind == 'ProxyConfig'"},
                    {"name": "isTelemetry", "expression": "object.kind == 'Telemetry'"},
                ],
                "validations": [
                    {"expression": "!variables.isEnvoyFilter"},
                    {"expression": "!variables.isWasmPlugin"},
                    {"expression": "!variables.isProxyConfig"},
                    {"expression": telemetry_rule},
                ],
            },
        }),
        json!({
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingAdmissionPolicyBinding",
            "metadata": {"name": binding_name},
            "spec": {"policyName": policy_name, "validationActions": ["Deny"]},
        }),
    ]
}

fn injection_webhook(v: &Value, r: &Names, tag: Option<&str>) -> Value {
    let hook = |prefix: &str, ns_exprs: Value, obj_exprs: Value| -> Value {
        let mut client = Map::new();
        let url = first_text(&[at(v, "istiodRemote.injectionURL")]);
        if !url.is_empty() {
            client.insert("url".into(), url.into());
        } else {
            client.insert(
                "service".into(),
                json!({
                    "name": r.istiod(),
                    "namespace": r.ns,
                    "path": text(at(v, "istiodRemote.injectionPath")),
                    "port": 443,
                }),
            );
        }
        let ca = first_text(&[at(v, "istiodRemote.injectionCABundle")]);
        if !ca.is_empty() {
            client.insert("caBundle".into(), ca.into());
        }
        json!({
            "name": format!("{prefix}sidecar-injector.istio.io"),
            "clientConfig": client,
            "sideEffects": "None",
            "rules": [{
                "operations": ["CREATE"],
                "apiGroups": [""],
                "apiVersions": ["v1"],
                "resources": ["pods"],
            }],
            "failurePolicy": "Fail",
            "reinvocationPolicy": text(at(v, "sidecarInjectorWebhook.reinvocationPolicy")),
            "admissionReviewVersions": ["v1"],
            "namespaceSelector": {"matchExpressions": ns_exprs},
            "objectSelector": {"matchExpressions": obj_exprs},
        })
    };
    let selected = tag.map_or_else(|| r.rev_label.clone(), str::to_owned);
    let not_false =
        json!({"key": "sidecar.istio.io/inject", "operator": "NotIn", "values": ["false"]});
    let rev_selected = json!({"key": "istio.io/rev", "operator": "In", "values": [selected]});
    let rev_absent = json!({"key": "istio.io/rev", "operator": "DoesNotExist"});
    let injection_absent = json!({"key": "istio-injection", "operator": "DoesNotExist"});
    let mut hooks = vec![
        hook(
            "rev.namespace.",
            json!([rev_selected, injection_absent]),
            json!([not_false]),
        ),
        hook(
            "rev.object.",
            json!([rev_absent, injection_absent]),
            json!([not_false, rev_selected]),
        ),
    ];
    let default_hooks = match tag {
        Some(t) => t == "default",
        None => r.rev.is_empty(),
    };
    if default_hooks {
        hooks.push(hook(
            "namespace.",
            json!([{"key": "istio-injection", "operator": "In", "values": ["enabled"]}]),
            json!([not_false]),
        ));
        hooks.push(hook(
            "object.",
            json!([injection_absent, rev_absent]),
            json!([{"key": "sidecar.istio.io/inject", "operator": "In", "values": ["true"]}, rev_absent]),
        ));
        if truthy(at(v, "sidecarInjectorWebhook.enableNamespacesByDefault")) {
            hooks.push(hook(
                "auto.",
                json!([
                    injection_absent,
                    rev_absent,
                    {"key": "kubernetes.io/metadata.name", "operator": "NotIn",
                     "values": ["kube-system", "kube-public", "kube-node-lease", "local-path-storage"]},
                ]),
                json!([
                    {"key": "sidecar.istio.io/inject", "operator": "DoesNotExist"},
                    rev_absent,
                ]),
            ));
        }
    }
    let ns_suffix = if r.ns == "istio-system" {
        String::new()
    } else {
        format!("-{}", r.ns)
    };
    let (name, mut labels) = match tag {
        None => (
            format!("istio-sidecar-injector{}{ns_suffix}", r.rev),
            Map::new(),
        ),
        Some(t) => (
            format!("istio-revision-tag-{t}{ns_suffix}"),
            labels([("istio.io/tag", t.into())]),
        ),
    };
    labels.extend(labels_of_pilot(r, "sidecar-injector"));
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "MutatingWebhookConfiguration",
        "metadata": meta(&name, None, labels, some(&v["sidecarInjectorWebhookAnnotations"])),
        "webhooks": hooks,
    })
}

/// The owned labels plus an `app`.
fn labels_of_pilot(r: &Names, app: &str) -> Map<String, Value> {
    let mut m = r.owned();
    m.insert("app".into(), app.into());
    m
}

/// The mesh configuration: the chart's defaults, overlaid with `meshConfig`.
fn mesh_config(v: &Value, r: &Names) -> Value {
    let mut mesh = Map::new();
    mesh.insert("trustDomain".into(), "cluster.local".into());
    let root = first_text(&[
        at(v, "meshConfig.rootNamespace"),
        at(v, "global.istioNamespace"),
    ]);
    mesh.insert("rootNamespace".into(), root.into());
    let telemetry = &v["telemetry"];
    let no_providers = !truthy(at(v, "meshConfig.defaultProviders"));
    let on = |p: &str| {
        truthy(&telemetry["enabled"])
            && truthy(&telemetry["v2"]["enabled"])
            && truthy(at(&telemetry["v2"], p))
    };
    let prom = no_providers && on("prometheus.enabled");
    let sd = no_providers && on("stackdriver.enabled");
    if prom || sd {
        let mut providers = Map::new();
        let mut metrics = Vec::new();
        if prom {
            metrics.push(Value::from("prometheus"));
        }
        if sd {
            metrics.push(Value::from("stackdriver"));
        }
        providers.insert("metrics".into(), Value::Array(metrics));
        if sd {
            providers.insert("accessLogging".into(), json!(["stackdriver"]));
        }
        mesh.insert("defaultProviders".into(), Value::Object(providers));
    }
    let mut dc = Map::new();
    let g = &v["global"];
    if truthy(&g["meshID"]) {
        dc.insert("meshId".into(), text(&g["meshID"]).into());
    }
    let variant = first_text(&[at(g, "proxy.variant"), &g["variant"]]);
    if !variant.is_empty() {
        dc.insert("image".into(), json!({"imageType": variant}));
    }
    let tracer = text(at(g, "proxy.tracer"));
    if tracer != "none" {
        let t = &g["tracer"];
        let tracing = match tracer.as_str() {
            "lightstep" => Some(json!({"lightstep": {
                "address": text(at(t, "lightstep.address")),
                "accessToken": text(at(t, "lightstep.accessToken")),
            }})),
            "zipkin" => {
                let address = first_text(&[at(t, "zipkin.address")]);
                let address = if address.is_empty() {
                    format!("zipkin.{}:9411", r.ns)
                } else {
                    address
                };
                Some(json!({"zipkin": {"address": address}}))
            }
            "datadog" => {
                let address = first_text(&[at(t, "datadog.address")]);
                let address = if address.is_empty() {
                    "$(HOST_IP):8126".to_owned()
                } else {
                    address
                };
                Some(json!({"datadog": {"address": address}}))
            }
            "stackdriver" => {
                let or = |p: &str, d: &str| {
                    let s = first_text(&[at(t, p)]);
                    let s = if s.is_empty() { d.to_owned() } else { s };
                    yaml_scalar(&s)
                };
                Some(json!({"stackdriver": {
                    "debug": or("stackdriver.debug", "false"),
                    "maxNumberOfAttributes": or("stackdriver.maxNumberOfAttributes", "200"),
                    "maxNumberOfAnnotations": or("stackdriver.maxNumberOfAnnotations", "200"),
                    "maxNumberOfMessageEvents": or("stackdriver.maxNumberOfMessageEvents", "200"),
                }}))
            }
            _ => None,
        };
        // An unknown tracer renders `tracing:` with nothing under it.
        dc.insert("tracing".into(), tracing.unwrap_or(Value::Null));
    }
    let address = if truthy(&g["remotePilotAddress"]) {
        if truthy(at(v, "istiodRemote.enabled"))
            && truthy(at(v, "istiodRemote.enabledLocalInjectorIstiod"))
        {
            format!("istiod-remote.{}.svc:15012", r.ns)
        } else {
            format!("istiod.{}.svc:15012", r.ns)
        }
    } else {
        format!("{}.{}.svc:15012", r.istiod(), r.ns)
    };
    dc.insert("discoveryAddress".into(), address.into());
    mesh.insert("defaultConfig".into(), Value::Object(dc));
    let mut mesh = Value::Object(mesh);
    crate::render::chart::merge(&mut mesh, &v["meshConfig"]);
    mesh
}

/// A scalar the chart writes unquoted into YAML, read back as YAML reads it.
fn yaml_scalar(s: &str) -> Value {
    match s {
        "true" => true.into(),
        "false" => false.into(),
        _ => s
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| s.parse::<f64>().map(Value::from))
            .unwrap_or_else(|_| s.into()),
    }
}

fn mesh_config_map(v: &Value, r: &Names) -> Value {
    let networks = at(v, "global.meshNetworks");
    let networks = if truthy(networks) {
        to_yaml(&json!({"networks": networks}))
    } else {
        "networks: {}".to_owned()
    };
    let mesh = to_yaml(&mesh_config(v, r));
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": meta(&format!("istio{}", r.rev), Some(&r.ns), r.owned(), None),
        "data": {
            "meshNetworks": networks.trim_end(),
            "mesh": mesh.trim_end(),
        },
    })
}

/// The values the injection templates read: `global`, `sidecarInjectorWebhook`, `revision`,
/// `pilot.cni`/`pilot.env` and the gateways' security settings.
pub fn injector_values(v: &Value) -> Value {
    let mut vals = Map::new();
    for key in ["global", "sidecarInjectorWebhook", "revision"] {
        if let Some(x) = v.get(key) {
            vals.insert(key.into(), x.clone());
        }
    }
    let mut pilot = Map::new();
    for key in ["cni", "env"] {
        if let Some(x) = v.get(key) {
            pilot.insert(key.into(), x.clone());
        }
    }
    vals.insert("pilot".into(), Value::Object(pilot));
    let mut gateways = Map::new();
    for key in ["securityContext", "seccompProfile"] {
        if let Some(x) = v["gateways"].get(key) {
            gateways.insert(key.into(), x.clone());
        }
    }
    vals.insert("gateways".into(), Value::Object(gateways));
    Value::Object(vals)
}

fn injector_config_map(v: &Value, r: &Names, config: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": meta(&format!("istio-sidecar-injector{}", r.rev), Some(&r.ns), r.owned(), None),
        "data": {
            "values": to_go_json(&injector_values(v)),
            "config": config,
        },
    })
}

fn values_config_map(v: &Value, r: &Names, original: &Value) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": meta(&format!("values{}", r.rev), Some(&r.ns), r.owned(), Some(json!({
            "kubernetes.io/description": "The Helm values istioctl rendered this revision with, kept for debugging and tooling; editing them changes nothing.",
        }))),
        "data": {
            "original-values": to_go_json(original),
            "merged-values": to_go_json(v),
        },
    })
}

fn jwks_config_map(v: &Value, r: &Names) -> Value {
    let mut labels = r.owned();
    labels.insert("release".into(), "istio".into());
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": meta(&format!("pilot-jwks-extra-cacerts{}", r.rev), Some(&r.ns), labels, None),
        "data": {"extra.pem": text(&v["jwksResolverExtraRootCA"])},
    })
}

fn gateway_class_config_maps(v: &Value, r: &Names) -> Vec<Value> {
    sorted_map(&v["gatewayClasses"])
        .into_iter()
        .map(|(class, spec)| {
            let mut data = Map::new();
            for (kind, overlay) in sorted_map(spec) {
                data.insert(kind.clone(), to_yaml(overlay).into());
            }
            let labels = with(
                labels([("istio.io/gateway-class", class.clone().into())]),
                istio_labels(Chart::Istiod, Some("istiod")),
            );
            json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": meta(&format!("istio-{}-gatewayclass-{class}", r.rev_label), Some(&r.ns), labels, None),
                "data": data,
            })
        })
        .collect()
}

fn deployment(v: &Value, r: &Names) -> Value {
    let g = &v["global"];
    let mut dlabels = r.owned();
    dlabels.insert("app".into(), "istiod".into());
    dlabels.insert("istio".into(), "pilot".into());
    for (k, val) in sorted_map(&v["deploymentLabels"]) {
        dlabels.insert(k.clone(), text(val).into());
    }
    let mut spec = Map::new();
    if !truthy(&v["autoscaleEnabled"]) && truthy(&v["replicaCount"]) {
        spec.insert("replicas".into(), v["replicaCount"].clone());
    }
    spec.insert(
        "strategy".into(),
        json!({"rollingUpdate": {
            "maxSurge": v["rollingMaxSurge"],
            "maxUnavailable": v["rollingMaxUnavailable"],
        }}),
    );
    spec.insert("selector".into(), json!({"matchLabels": r.selector(false)}));

    let mut pod_labels = labels([
        ("app", "istiod".into()),
        ("istio.io/rev", r.rev_label.clone().into()),
        (
            "install.operator.istio.io/owning-resource",
            r.owner.clone().into(),
        ),
        ("sidecar.istio.io/inject", "false".into()),
        ("operator.istio.io/component", "Pilot".into()),
        (
            "istio",
            if r.rev.is_empty() { "pilot" } else { "istiod" }.into(),
        ),
    ]);
    for (k, val) in sorted_map(&v["podLabels"]) {
        pod_labels.insert(k.clone(), text(val).into());
    }
    pod_labels.insert("istio.io/dataplane-mode".into(), "none".into());
    pod_labels.extend(istio_labels(Chart::Istiod, Some("istiod")));
    let mut annotations = labels([
        ("prometheus.io/port", "15014".into()),
        ("prometheus.io/scrape", "true".into()),
        ("sidecar.istio.io/inject", "false".into()),
    ]);
    annotations.extend(map(&v["podAnnotations"]));

    let mut pod = Map::new();
    if let Some(s) = some(&v["nodeSelector"]) {
        pod.insert("nodeSelector".into(), s);
    }
    if let Some(a) = some(&v["affinity"]) {
        pod.insert("affinity".into(), a);
    }
    let mut tolerations = vec![json!({"key": "cni.istio.io/not-ready", "operator": "Exists"})];
    tolerations.extend(list(&v["tolerations"]));
    pod.insert("tolerations".into(), Value::Array(tolerations));
    if let Some(t) = some(&v["topologySpreadConstraints"]) {
        pod.insert("topologySpreadConstraints".into(), t);
    }
    pod.insert("serviceAccountName".into(), r.istiod().into());
    if truthy(&g["priorityClassName"]) {
        pod.insert(
            "priorityClassName".into(),
            text(&g["priorityClassName"]).into(),
        );
    }
    if let Some(i) = some(&v["initContainers"]) {
        pod.insert("initContainers".into(), i);
    }

    let mut c = Map::new();
    c.insert("name".into(), "discovery".into());
    let img = first_text(&[&v["image"]]);
    let img = if img.is_empty() {
        "pilot".to_owned()
    } else {
        img
    };
    c.insert(
        "image".into(),
        image(
            &first_text(&[&v["hub"], &g["hub"]]),
            &img,
            &first_text(&[&v["tag"], &g["tag"]]),
            &first_text(&[&v["variant"], &g["variant"]]),
        )
        .into(),
    );
    if truthy(&g["imagePullPolicy"]) {
        c.insert("imagePullPolicy".into(), text(&g["imagePullPolicy"]).into());
    }
    let mut args: Vec<Value> = vec!["discovery".into(), "--monitoringAddr=:15014".into()];
    if truthy(at(g, "logging.level")) {
        args.push(format!("--log_output_level={}", text(at(g, "logging.level"))).into());
    }
    if truthy(&g["logAsJson"]) {
        args.push("--log_as_json".into());
    }
    args.push("--domain".into());
    args.push(text(at(g, "proxy.clusterDomain")).into());
    if truthy(at(v, "taint.namespace")) {
        args.push(format!("--cniNamespace={}", text(at(v, "taint.namespace"))).into());
    }
    args.push("--keepaliveMaxServerConnectionAge".into());
    args.push(text(&v["keepaliveMaxServerConnectionAge"]).into());
    args.extend(list(&v["extraContainerArgs"]));
    c.insert("args".into(), Value::Array(args));
    c.insert(
        "ports".into(),
        json!([
            {"containerPort": 8080, "protocol": "TCP", "name": "http-debug"},
            {"containerPort": 15010, "protocol": "TCP", "name": "grpc-xds"},
            {"containerPort": 15012, "protocol": "TCP", "name": "tls-xds"},
            {"containerPort": 15017, "protocol": "TCP", "name": "https-webhooks"},
            {"containerPort": 15014, "protocol": "TCP", "name": "http-monitoring"},
        ]),
    );
    c.insert(
        "readinessProbe".into(),
        json!({"httpGet": {"path": "/ready", "port": 8080},
               "initialDelaySeconds": 1, "periodSeconds": 3, "timeoutSeconds": 5}),
    );
    let field =
        |path: &str| json!({"valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": path}}});
    let named = |name: &str, mut e: Value| {
        e["name"] = name.into();
        e
    };
    let env_map = &v["env"];
    let mut env = vec![
        json!({"name": "REVISION", "value": r.rev_label}),
        json!({"name": "PILOT_CERT_PROVIDER", "value": text(&g["pilotCertProvider"])}),
        named("POD_NAME", field("metadata.name")),
        named("POD_NAMESPACE", field("metadata.namespace")),
        named("SERVICE_ACCOUNT", field("spec.serviceAccountName")),
        json!({"name": "KUBECONFIG", "value": "/var/run/secrets/remote/config"}),
    ];
    if !truthy(&env_map["CA_TRUSTED_NODE_ACCOUNTS"]) {
        let zt_ns = first_text(&[&v["trustedZtunnelNamespace"]]);
        let zt_ns = if zt_ns.is_empty() {
            r.ns.clone()
        } else {
            zt_ns
        };
        let zt_name = first_text(&[&v["trustedZtunnelName"]]);
        let zt_name = if zt_name.is_empty() {
            "ztunnel".to_owned()
        } else {
            zt_name
        };
        env.push(
            json!({"name": "CA_TRUSTED_NODE_ACCOUNTS", "value": format!("{zt_ns}/{zt_name}")}),
        );
    }
    env.extend(env_from_map(env_map));
    env.extend(list(&v["envVarFrom"]));
    if truthy(&v["traceSampling"]) {
        env.push(json!({"name": "PILOT_TRACE_SAMPLING", "value": text(&v["traceSampling"])}));
    }
    if truthy(&g["externalIstiod"]) && !truthy(&env_map["EXTERNAL_ISTIOD"]) {
        env.push(json!({"name": "EXTERNAL_ISTIOD", "value": text(&g["externalIstiod"])}));
    }
    env.push(
        json!({"name": "PILOT_ENABLE_ANALYSIS", "value": text(at(g, "istiod.enableAnalysis"))}),
    );
    let cluster = first_text(&[at(g, "multiCluster.clusterName")]);
    env.push(json!({"name": "CLUSTER_ID", "value": if cluster.is_empty() { "Kubernetes".to_owned() } else { cluster }}));
    env.push(json!({"name": "GOMAXPROCS", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1"}}}));
    env.push(json!({"name": "PLATFORM", "value": first_text(&[&g["platform"], &v["platform"]])}));
    if truthy(at(v, "taint.enabled")) {
        env.push(json!({"name": "PILOT_ENABLE_NODE_UNTAINT_CONTROLLERS", "value": "true"}));
        env.push(
            json!({"name": "PILOT_NODE_UNTAINT_TAINT_NAME", "value": text(at(v, "taint.name"))}),
        );
    }
    c.insert("env".into(), Value::Array(env));
    if let Some(res) = some(&v["resources"]).or_else(|| some(&g["defaultResources"])) {
        c.insert("resources".into(), res);
    }
    let mut sc = json!({
        "allowPrivilegeEscalation": false,
        "readOnlyRootFilesystem": true,
        "runAsNonRoot": true,
        "capabilities": {"drop": ["ALL"]},
    });
    if let Some(p) = some(&v["seccompProfile"]) {
        sc["seccompProfile"] = p;
    }
    c.insert("securityContext".into(), sc);
    let mut mounts = vec![
        json!({"name": "istio-token", "mountPath": "/var/run/secrets/tokens", "readOnly": true}),
        json!({"name": "local-certs", "mountPath": "/var/run/secrets/istio-dns"}),
        json!({"name": "cacerts", "mountPath": "/etc/cacerts", "readOnly": true}),
        json!({"name": "istio-kubeconfig", "mountPath": "/var/run/secrets/remote", "readOnly": true}),
    ];
    if truthy(&v["jwksResolverExtraRootCA"]) {
        mounts.push(json!({"name": "extracacerts", "mountPath": "/cacerts"}));
    }
    mounts.extend([
        json!({"name": "istio-csr-dns-cert", "mountPath": "/var/run/secrets/istiod/tls", "readOnly": true}),
        json!({"name": "istio-csr-ca-configmap", "mountPath": "/var/run/secrets/istiod/ca", "readOnly": true}),
    ]);
    mounts.extend(list(&v["volumeMounts"]));
    c.insert("volumeMounts".into(), Value::Array(mounts));
    pod.insert("containers".into(), json!([c]));

    let mut volumes = vec![
        json!({"emptyDir": {"medium": "Memory"}, "name": "local-certs"}),
        json!({"name": "istio-token", "projected": {"sources": [{"serviceAccountToken": {
            "audience": text(at(g, "sds.token.aud")), "expirationSeconds": 43200, "path": "istio-token"}}]}}),
        json!({"name": "cacerts", "secret": {"secretName": "cacerts", "optional": true}}),
        json!({"name": "istio-kubeconfig", "secret": {"secretName": "istio-kubeconfig", "optional": true}}),
        json!({"name": "istio-csr-dns-cert", "secret": {"secretName": "istiod-tls", "optional": true}}),
        json!({"name": "istio-csr-ca-configmap", "configMap": {"name": "istio-ca-root-cert", "defaultMode": 420, "optional": true}}),
    ];
    if truthy(&v["jwksResolverExtraRootCA"]) {
        volumes.push(json!({"name": "extracacerts", "configMap": {"name": format!("pilot-jwks-extra-cacerts{}", r.rev)}}));
    }
    volumes.extend(list(&v["volumes"]));
    pod.insert("volumes".into(), Value::Array(volumes));

    spec.insert(
        "template".into(),
        json!({"metadata": {"labels": pod_labels, "annotations": annotations}, "spec": pod}),
    );
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(&r.istiod(), Some(&r.ns), dlabels, some(&v["deploymentAnnotations"])),
        "spec": spec,
    })
}

fn service(v: &Value, r: &Names) -> Value {
    let mut labels = r.owned();
    labels.insert("app".into(), "istiod".into());
    labels.insert("istio".into(), "pilot".into());
    let spec = fields(vec![
        ("ipFamilyPolicy", some(&v["ipFamilyPolicy"])),
        ("ipFamilies", some(&v["ipFamilies"])),
        ("trafficDistribution", some(&v["trafficDistribution"])),
        (
            "ports",
            Some(json!([
                {"port": 15010, "name": "grpc-xds", "protocol": "TCP"},
                {"port": 15012, "name": "https-dns", "protocol": "TCP"},
                {"port": 443, "name": "https-webhook", "targetPort": 15017, "protocol": "TCP"},
                {"port": 15014, "name": "http-monitoring", "protocol": "TCP"},
            ])),
        ),
        ("selector", Some(r.selector(true))),
    ]);
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta(&r.istiod(), Some(&r.ns), labels, some(&v["serviceAnnotations"])),
        "spec": spec,
    })
}

fn autoscaler(v: &Value, r: &Names) -> Value {
    let mut labels = r.owned();
    labels.insert("app".into(), "istiod".into());
    let mut metrics = vec![
        json!({"type": "Resource", "resource": {"name": "cpu", "target": {
        "type": "Utilization", "averageUtilization": v["cpu"]["targetAverageUtilization"]}}}),
    ];
    if truthy(&v["memory"]["targetAverageUtilization"]) {
        metrics.push(json!({"type": "Resource", "resource": {"name": "memory", "target": {
            "type": "Utilization", "averageUtilization": v["memory"]["targetAverageUtilization"]}}}));
    }
    let mut spec = json!({
        "maxReplicas": v["autoscaleMax"],
        "minReplicas": v["autoscaleMin"],
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": r.istiod()},
        "metrics": metrics,
    });
    if let Some(b) = some(&v["autoscaleBehavior"]) {
        spec["behavior"] = b;
    }
    json!({
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": meta(&r.istiod(), Some(&r.ns), labels, None),
        "spec": spec,
    })
}

/// Istio's rule: a budget only when more than one pod is kept (several replicas, or
/// autoscaling from more than one), and the default budgets are on.
pub fn needs_budget(v: &Value, g: &Value) -> bool {
    truthy(at(g, "defaultPodDisruptionBudget.enabled"))
        && ((truthy(&v["autoscaleEnabled"]) && int(&v["autoscaleMin"]) > 1)
            || (!truthy(&v["autoscaleEnabled"]) && int(&v["replicaCount"]) > 1))
}

fn disruption_budget(v: &Value, r: &Names) -> Option<Value> {
    if !needs_budget(v, &v["global"]) {
        return None;
    }
    let mut labels = r.owned();
    labels.insert("app".into(), "istiod".into());
    labels.insert("istio".into(), "pilot".into());
    let pdb = &v["pdb"];
    let mut spec = Map::new();
    let has_max = pdb.get("maxUnavailable").is_some();
    if truthy(&pdb["minAvailable"]) && !has_max {
        spec.insert("minAvailable".into(), pdb["minAvailable"].clone());
    } else if truthy(&pdb["maxUnavailable"]) {
        spec.insert("maxUnavailable".into(), pdb["maxUnavailable"].clone());
    }
    if truthy(&pdb["unhealthyPodEvictionPolicy"]) {
        spec.insert(
            "unhealthyPodEvictionPolicy".into(),
            pdb["unhealthyPodEvictionPolicy"].clone(),
        );
    }
    spec.insert("selector".into(), json!({"matchLabels": r.selector(true)}));
    Some(json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": meta(&r.istiod(), Some(&r.ns), labels, None),
        "spec": spec,
    }))
}

fn network_policy(r: &Names) -> Value {
    let mut labels = r.owned();
    labels.insert("app".into(), "istiod".into());
    labels.insert("istio".into(), "pilot".into());
    let port = |p: u16| json!({"protocol": "TCP", "port": p});
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta(&r.istiod(), Some(&r.ns), labels, None),
        "spec": {
            "podSelector": {"matchLabels": {"app": "istiod", "istio.io/rev": r.rev_label}},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
                {"ports": [port(15017)]},
                {"ports": [port(15010), port(15011), port(15012), port(8080), port(15014)]},
            ],
            "egress": [{}],
        },
    })
}

/// An address the remote istiod is reached at directly (an Endpoints object) rather than by
/// name (an ExternalName Service): a dotted IPv4 address, as the chart's pattern
/// `^([0-9]*\.){3}[0-9]*$` recognizes one, or an IPv6 address (which the chart would write as
/// an ExternalName, a name Kubernetes rejects).
fn is_ip(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    (parts.len() == 4 && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())))
        || s.parse::<std::net::Ipv6Addr>().is_ok()
}

fn remote_istiod(v: &Value, r: &Names) -> Vec<Value> {
    let address = text(at(v, "global.remotePilotAddress"));
    let local = truthy(at(v, "istiodRemote.enabledLocalInjectorIstiod"));
    let name = if local {
        format!("istiod-remote{}", r.rev)
    } else {
        r.istiod()
    };
    let mut labels = r.owned();
    labels.remove("release");
    let mut spec = json!({"ports": [
        {"port": 15012, "name": "tcp-istiod", "protocol": "TCP"},
        {"port": 443, "targetPort": 15017, "name": "tcp-webhook", "protocol": "TCP"},
    ]});
    let ip = is_ip(&address);
    if !ip {
        spec["type"] = "ExternalName".into();
        spec["externalName"] = address.clone().into();
    }
    let mut out = vec![json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta(&name, Some(&r.ns), labels.clone(), None),
        "spec": spec,
    })];
    if ip {
        out.push(json!({
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": meta(&name, Some(&r.ns), labels, None),
            "subsets": [{
                "addresses": [{"ip": address}],
                "ports": [
                    {"port": 15012, "name": "tcp-istiod", "protocol": "TCP"},
                    {"port": 15017, "name": "tcp-webhook", "protocol": "TCP"},
                ],
            }],
        }));
    }
    out
}
