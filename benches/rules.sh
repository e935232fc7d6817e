#!/usr/bin/env bash
# Benchmark of user rules: N generated resources (default 100 000, mixed Istio and Kubernetes
# kinds, 1000 per file) analyzed with the built-in analyzers alone, then with the built-ins and
# R generated rules (default 50: CEL checks over VirtualServices, DestinationRules, Services,
# Deployments, Pods and more, a fifth of them looking other resources up), then with the rules
# alone. Prints the best CPU time (user + system, all threads) and wall time of RUNS runs
# (default 3) of each, and the ratios the project targets:
#   (built-ins + rules − built-ins) ÷ built-ins  (≤ 1: rules add at most the built-ins' cost)
#   rules alone ÷ built-ins alone
# Usage: benches/rules.sh [N] [R]     (BIN=path/to/istioctl to skip the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  BIN=target/release/istioctl
  cargo build --release --quiet --bin istioctl
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - "$BIN" "$WORK" "${RUNS:-3}" "${1:-100000}" "${2:-50}" <<'PY'
import os, resource, subprocess, sys, time

bin_, work, runs, n, r = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])

def resources(n):
    kinds = ["Service", "Deployment", "VirtualService", "DestinationRule", "ConfigMap",
             "Gateway", "ServiceAccount", "Pod", "PeerAuthentication", "Sidecar"]
    for i in range(n):
        ns, app, kind = f"ns-{i // 50}", f"app-{i // 10}", kinds[i % len(kinds)]
        meta = f"metadata:\n  name: {app}-{i}\n  namespace: {ns}\n  labels:\n    app: {app}\n    team: t{i % 7}\n"
        if kind == "Service":
            yield f"apiVersion: v1\nkind: Service\n{meta}spec:\n  selector:\n    app: {app}\n  ports:\n  - name: http-web\n    port: 8080\n  - name: grpc\n    port: 9090\n"
        elif kind == "Deployment":
            yield f"apiVersion: apps/v1\nkind: Deployment\n{meta}spec:\n  replicas: {1 + i % 3}\n  selector:\n    matchLabels:\n      app: {app}\n  template:\n    metadata:\n      labels:\n        app: {app}\n    spec:\n      containers:\n      - name: {app}\n        image: example.com/{app}:1.{i % 9}\n        resources:\n          requests: {{cpu: 100m, memory: 64Mi}}\n"
        elif kind == "VirtualService":
            yield f"apiVersion: networking.istio.io/v1\nkind: VirtualService\n{meta}spec:\n  hosts:\n  - {app}.{ns}.svc.cluster.local\n  http:\n  - match:\n    - uri:\n        prefix: /v{i % 3}\n    route:\n    - destination:\n        host: {app}-{i - 2}\n      weight: 100\n    timeout: 5s\n  - route:\n    - destination:\n        host: {app}-{i - 2}\n"
        elif kind == "DestinationRule":
            yield f"apiVersion: networking.istio.io/v1\nkind: DestinationRule\n{meta}spec:\n  host: {app}\n  trafficPolicy:\n    tls:\n      mode: {'DISABLE' if i % 13 == 0 else 'ISTIO_MUTUAL'}\n"
        elif kind == "ConfigMap":
            yield f"apiVersion: v1\nkind: ConfigMap\n{meta}data:\n  mode: production\n"
        elif kind == "Gateway":
            yield f"apiVersion: networking.istio.io/v1\nkind: Gateway\n{meta}spec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: 80\n      name: http\n      protocol: HTTP\n    hosts:\n    - \"{app}.example.com\"\n"
        elif kind == "ServiceAccount":
            yield f"apiVersion: v1\nkind: ServiceAccount\n{meta}"
        elif kind == "Pod":
            yield f"apiVersion: v1\nkind: Pod\n{meta}spec:\n  serviceAccountName: {app}\n  containers:\n  - name: app\n    image: example.com/{app}:1.0\n"
        elif kind == "PeerAuthentication":
            yield f"apiVersion: security.istio.io/v1\nkind: PeerAuthentication\n{meta}spec:\n  mtls:\n    mode: STRICT\n"
        else:
            yield f"apiVersion: networking.istio.io/v1\nkind: Sidecar\n{meta}spec:\n  egress:\n  - hosts:\n    - \"./*\"\n"

# Rule templates: (apiVersion, kind, lookups, check, field).
TEMPLATES = [
    ("networking.istio.io/v1", "VirtualService", [], "!has(object.spec.http) || object.spec.http.all(r, has(r.timeout))", "spec.http"),
    ("networking.istio.io/v1", "VirtualService", [("v1", "Service")], "object.spec.http.all(r, !has(r.route) || r.route.all(d, service(d.destination.host, object.metadata.namespace) != null))", "spec.http"),
    ("networking.istio.io/v1", "DestinationRule", [], "!has(object.spec.trafficPolicy.tls) || object.spec.trafficPolicy.tls.mode != \"DISABLE\"", "spec.trafficPolicy"),
    ("v1", "Service", [], "object.spec.ports.all(p, p.name.startsWith(\"http\") || p.name.startsWith(\"grpc\") || p.name.startsWith(\"tcp\"))", "spec.ports"),
    ("apps/v1", "Deployment", [], "object.spec.template.spec.containers.all(c, has(c.resources.requests))", "spec.template.spec.containers"),
    ("apps/v1", "Deployment", [("v1", "Service")], "select(\"Service\", object.metadata.namespace, {\"app\": object.metadata.labels.app}).size() > 0", "metadata.labels"),
    ("v1", "Pod", [], "!object.spec.containers.exists(c, c.image.endsWith(\":latest\"))", "spec.containers"),
    ("networking.istio.io/v1", "Gateway", [], "object.spec.servers.all(s, s.port.number != 8080)", "spec.servers"),
    ("security.istio.io/v1", "PeerAuthentication", [], "object.spec.mtls.mode != \"PERMISSIVE\"", "spec.mtls.mode"),
    ("v1", "ConfigMap", [], "\"team\" in object.metadata.labels", "metadata.labels"),
]

def rule(i):
    api, kind, lookups, check, field = TEMPLATES[i % len(TEMPLATES)]
    look = "".join(f"  - apiVersion: {a}\n    kind: {k}\n" for a, k in lookups)
    return (f"apiVersion: istioctl-rs.dev/v1alpha1\nkind: AnalyzerRule\nname: bench.Rule{i}\ncode: BEN{i:04d}\n"
            f"level: Warning\ndescription: Benchmark rule {i}.\nresources:\n  - apiVersion: {api}\n    kind: {kind}\n"
            + (f"lookups:\n{look}" if look else "")
            + f"match: has(object.metadata.labels) && has(object.metadata.labels.team) && object.metadata.labels.team != \"t{i % 7}\"\nchecks:\n  - expression: '{check}'\n    field: {field}\n"
            f"message: '{kind} {{name}} fails rule {i}'\nargs:\n  - name: name\n    expression: object.metadata.name\n")

inputs = os.path.join(work, "in")
os.makedirs(inputs)
docs = list(resources(n))
for f in range(0, len(docs), 1000):
    with open(os.path.join(inputs, f"r{f // 1000:04d}.yaml"), "w") as out:
        out.write("---\n".join(docs[f:f + 1000]))
rules = os.path.join(work, "rules")
os.makedirs(rules)
for i in range(r):
    with open(os.path.join(rules, f"rule{i:03d}.yaml"), "w") as out:
        out.write(rule(i))
names = [f"bench.Rule{i}" for i in range(r)]

def measure(args):
    best_cpu = best_wall = None
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        p = subprocess.run([bin_, "analyze", "--use-kube=false", "-A", "-o", "json", *args, inputs],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "XDG_CONFIG_HOME": work})
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode not in (0, 79):
            sys.exit(f"istioctl failed ({p.returncode}): {p.stderr.decode()[:2000]}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
        best_wall = wall if best_wall is None else min(best_wall, wall)
    return best_cpu, best_wall

builtins = measure([])
both = measure(["--rules", rules])
alone = measure(["--rules", rules, *[a for name in names for a in ("--analyzer", name)]])
print(f"{n} resources, {r} rules, best of {runs}")
print(f"built-ins only         cpu {builtins[0]:.3f} s  wall {builtins[1]:.3f} s")
print(f"built-ins + rules      cpu {both[0]:.3f} s  wall {both[1]:.3f} s")
print(f"rules only             cpu {alone[0]:.3f} s  wall {alone[1]:.3f} s")
print(f"added by rules / built-ins: cpu {(both[0] - builtins[0]) / builtins[0]:.2f}  wall {(both[1] - builtins[1]) / builtins[1]:.2f}  (target <= 1)")
print(f"rules only / built-ins only: cpu {alone[0] / builtins[0]:.2f}  wall {alone[1] / builtins[1]:.2f}")
PY
