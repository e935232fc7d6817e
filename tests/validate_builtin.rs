//! `istioctl validate` on Kubernetes' own kinds: each is checked against its k8s-openapi type
//! (Kubernetes 1.33), with file:line, field path and message per problem; custom resources of
//! other groups pass through unchecked.

use assert_cmd::Command;

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/validate/builtin/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn istioctl() -> Command {
    Command::cargo_bin("istioctl").expect("binary")
}

#[test]
fn valid_builtin_resources_are_valid() {
    let files = [
        fixture("deployment.valid.yaml"),
        fixture("service.valid.yaml"),
        fixture("workloads.valid.yaml"),
    ];
    let mut args = vec!["validate".to_owned()];
    for f in &files {
        args.extend(["-f".to_owned(), f.clone()]);
    }
    let stdout: String = files.iter().map(|f| format!("{f:?} is valid\n")).collect();
    istioctl()
        .args(&args)
        .assert()
        .success()
        .stdout(stdout)
        .stderr("");
}

#[test]
fn wrong_types_and_unknown_fields_are_reported_with_line_and_path() {
    let f = fixture("deployment.invalid.yaml");
    let expected = [
        "6: metadata.labels.version: must be a string, not an integer (1); quote the value",
        "8: spec.replicas: must be an integer, not a string (\"two\")",
        "17: spec.template.spec.contaners: unknown field \"contaners\"; did you mean \"containers\"?",
        "23: spec.template.spec.containers[0].ports[0].containerPort: must be an integer, not a string (\"9080\"); remove the quotes",
        "24: spec.template.spec.containers[0].ports[1].containerPort: must be an integer, not a string (\"http\")",
        "28: spec.template.spec.containers[0].resources.requests.cpu: must be a quantity (a number, or a string such as \"100m\"), not a boolean (true)",
    ];
    let stderr: String = expected
        .iter()
        .map(|line| format!("Error: {f}:{line}\n"))
        .collect();
    istioctl()
        .args(["validate", "-f", &f])
        .assert()
        .code(1)
        .stdout("")
        .stderr(stderr);
}

#[test]
fn unserved_versions_and_unknown_kinds_are_reported() {
    let f = fixture("versions.invalid.yaml");
    let expected = [
        "1: apiVersion: Deployment is not served in apps/v1beta1; use apps/v1",
        "7: apiVersion: Deployment is not served in v1; use apps/v1",
        "13: kind: apps has no kind \"Deploymnet\" (did you mean \"Deployment\"?); its kinds are: ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet",
        "17: apiVersion: PodDisruptionBudget is not served in policy/v1beta1; use policy/v1",
        "26: specs: unknown field \"specs\"; did you mean \"spec\"?",
    ];
    let stderr: String = expected
        .iter()
        .map(|line| format!("Error: {f}:{line}\n"))
        .collect();
    istioctl()
        .args(["validate", "-f", &f])
        .assert()
        .code(1)
        .stdout("")
        .stderr(stderr);
}

#[test]
fn a_directory_reports_valid_files_and_fails_on_invalid_ones() {
    let dir = fixture("");
    let dir = dir.trim_end_matches('/');
    let out = istioctl()
        .args(["validate", "-f", dir])
        .assert()
        .code(1)
        .stdout(format!(
            "{:?} is valid\n{:?} is valid\n{:?} is valid\n",
            fixture("deployment.valid.yaml"),
            fixture("service.valid.yaml"),
            fixture("workloads.valid.yaml"),
        ));
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 11, "{stderr}");
}

#[test]
fn items_of_a_list_are_checked_with_their_path() {
    let input = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
  data:
    port: 8080
- apiVersion: v1
  kind: Namespace
  metadata:
    name: b
    lables:
      istio-injection: enabled
";
    istioctl()
        .args(["validate", "-f", "-"])
        .write_stdin(input)
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            "Error: -:9: items[0].data.port: must be a string, not an integer (8080); quote the value\n\
             Error: -:14: items[1].metadata.lables: unknown field \"lables\"; did you mean \"labels\"?\n",
        );
}

#[test]
fn kubernetes_conventions_are_accepted() {
    // Numbers as quantities, whole floats as integers, null as an absent field, int-or-string
    // ports, base64 Secret data (line breaks ignored, as Go's decoder does), arbitrary JSON in a
    // CRD's schema, and kinds of other groups.
    let input = "\
apiVersion: v1
kind: Pod
metadata:
  name: p
  creationTimestamp: null
  annotations: null
spec:
  nodeSelector: null
  terminationGracePeriodSeconds: 30.0
  containers:
  - name: c
    image: nginx
    resources:
      limits:
        cpu: 2
        memory: 1.5
    livenessProbe:
      tcpSocket:
        port: 8080
    readinessProbe:
      tcpSocket:
        port: http
---
apiVersion: v1
kind: Secret
metadata:
  name: s
data:
  token: aGVsbG8=
  wrapped: |
    aGVsbG8g
    d29ybGQ=
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
        properties:
          size:
            type: integer
            default: 3
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
  whatever: {nested: [1, true]}
---
apiVersion: v1
kind: PodList
metadata:
  name: unchecked
items: []
";
    istioctl()
        .args(["validate", "-f", "-"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout("\"-\" is valid\n")
        .stderr("");
}

#[test]
fn out_of_range_numbers_bad_base64_and_unknown_fields_without_a_close_name_are_errors() {
    let input = "\
apiVersion: v1
kind: Secret
metadata:
  name: s
data:
  token: not base64!
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa
zzz: 1
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: st
spec:
  replicas: 5000000000
  minReadySeconds: 2.5
";
    istioctl()
        .args(["validate", "-f", "-"])
        .write_stdin(input)
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            "Error: -:6: data.token: \"***********\" is not valid base64: Invalid symbol 32, offset 3.\n\
             Error: -:12: zzz: unknown field \"zzz\"; known fields are: apiVersion, automountServiceAccountToken, imagePullSecrets, kind, metadata, secrets\n\
             Error: -:19: spec.replicas: 5000000000 does not fit in a 32-bit integer\n\
             Error: -:20: spec.minReadySeconds: must be an integer, not a number (2.5)\n",
        );
}

#[test]
fn the_rendered_demo_control_plane_is_valid() {
    let manifest = istioctl()
        .args(["manifest", "generate", "--set", "profile=demo"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    istioctl()
        .args(["validate", "-f", "-"])
        .write_stdin(manifest)
        .assert()
        .success()
        .stdout("\"-\" is valid\n")
        .stderr("");
}

#[test]
fn quantities_are_checked() {
    let input = "\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 10GB
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: q
spec:
  hard:
    cpu: 0.5
    memory: 1 Gi
    pods: 10
";
    istioctl()
        .args(["validate", "-f", "-"])
        .write_stdin(input)
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            "Error: -:9: spec.resources.requests.storage: \"10GB\" is not a quantity; write 10G (powers of 1000) or 10Gi (powers of 1024)\n\
             Error: -:18: spec.hard.memory: \"1 Gi\" is not a quantity; write a number with an optional suffix, such as 100m, 128Mi or 2\n",
        );
}
