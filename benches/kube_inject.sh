#!/usr/bin/env bash
# Benchmark: `istioctl kube-inject` of one file holding 1 000 Deployments, with the injector
# and mesh ConfigMaps our `manifest generate` renders. Prints the wall time per run, the cost
# per workload, and the ratio to `istioctl manifest generate --set profile=demo` measured in
# the same run on the same machine. Target: the 1 000 Deployments well under a second.
#
#   benches/kube_inject.sh              # N=10 runs of each, interleaved
#   N=30 CHECK=1 benches/kube_inject.sh # exit 1 when a run of 1 000 takes a second or more
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10}
COUNT=1000
BIN=${BIN:-target/release/istioctl}
[ -x "$BIN" ] || cargo build --release --bin istioctl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$BIN" manifest generate --set profile=empty --set components.pilot.enabled=true >"$work/manifest.yaml"
python3 - "$work" "$COUNT" <<'PY'
import json, sys, yaml
work, count = sys.argv[1], int(sys.argv[2])
for d in yaml.safe_load_all(open(f"{work}/manifest.yaml")):
    if d and d.get("kind") == "ConfigMap":
        name, data = d["metadata"]["name"], d.get("data", {})
        if name == "istio-sidecar-injector":
            open(f"{work}/config.yaml", "w").write(data["config"])
            open(f"{work}/values.json", "w").write(data["values"])
        elif name == "istio":
            open(f"{work}/mesh.yaml", "w").write(data["mesh"])
with open(f"{work}/deployments.yaml", "w") as out:
    for i in range(count):
        out.write(f"""---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: team-{i % 20}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
        version: v{i % 3}
    spec:
      containers:
      - name: web
        image: example.com/app:{i}
        ports:
        - name: http
          containerPort: 8080
        readinessProbe:
          httpGet:
            path: /ready
            port: http
      - name: cache
        image: example.com/cache:7
""")
PY

inject() {
  "$BIN" kube-inject -f "$work/deployments.yaml" --injectConfigFile "$work/config.yaml" \
    --valuesFile "$work/values.json" --meshConfigFile "$work/mesh.yaml" >/dev/null
}
now() { date +%s%N; }
inject
"$BIN" manifest generate --set profile=demo >/dev/null
ours=0
ref=0
worst=0
for ((i = 0; i < N; i++)); do
  t0=$(now); inject; t1=$(now)
  "$BIN" manifest generate --set profile=demo >/dev/null; t2=$(now)
  ours=$((ours + t1 - t0))
  ref=$((ref + t2 - t1))
  [ $((t1 - t0)) -gt "$worst" ] && worst=$((t1 - t0))
done
awk -v o="$ours" -v r="$ref" -v n="$N" -v c="$COUNT" -v w="$worst" -v check="${CHECK:-0}" 'BEGIN {
  printf "kube-inject of %d Deployments: %.1f ms/run (slowest %.1f ms), %.1f us per workload\n", c, o / n / 1e6, w / 1e6, o / n / c / 1e3
  printf "manifest generate --set profile=demo: %.1f ms/run\n", r / n / 1e6
  printf "ratio kube-inject(%d) / manifest generate(demo): %.2f\n", c, o / r
  if (check == 1 && w >= 1e9) { print "FAIL: a run took a second or more"; exit 1 }
}'
