#!/usr/bin/env bash
# Benchmark of `istioctl analyze --use-kube=false` on generated inputs: N resources (default
# 1k, 10k, 100k) of mixed Istio and Kubernetes kinds across many namespaces, 1000 per file.
# Prints, for each N: input size, parse-only time (ISTIOCTL_ANALYZE_PARSE_ONLY=1), analyze
# time, peak RSS; then the ratios the project targets:
#   analyze ÷ parse-only (≤ 1.5), time(100k) ÷ time(10k) (≤ 11), peak RSS ÷ input bytes (≤ 4).
# It also prints the peak RSS of a run on an empty directory (the process alone: mostly the
# binary's own pages) and, per N, the RSS above that baseline ÷ input bytes, which shows the
# memory the input costs when the fixed part dominates (small N).
# Times are the best of RUNS runs (default 3): wall-clock, and CPU (user + system, all threads),
# which stays meaningful on a machine shared with other work; the ratios use CPU time (wall
# ratios are printed too). RSS is istioctl's peak RSS as GNU time (/usr/bin/time) reports it,
# from a separate run: a child forked from this Python process would count Python's own
# pages in its ru_maxrss. Without GNU time that ru_maxrss is used, an upper bound.
# Usage: benches/analyze.sh [N...]     (BIN=path/to/istioctl to skip the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  BIN=target/release/istioctl
  cargo build --release --quiet --bin istioctl
fi
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 100000)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - "$BIN" "$WORK" "${RUNS:-3}" "${SIZES[@]}" <<'PY'
import os, subprocess, sys, time

GNU_TIME = "/usr/bin/time"

bin_, work, runs, sizes = sys.argv[1], sys.argv[2], int(sys.argv[3]), [int(s) for s in sys.argv[4:]]

def resources(n):
    """n resources, cycling through kinds, 50 per namespace."""
    kinds = ["Service", "Deployment", "VirtualService", "DestinationRule", "ConfigMap",
             "Gateway", "ServiceAccount", "Pod", "PeerAuthentication", "Sidecar"]
    for i in range(n):
        ns, app, kind = f"ns-{i // 50}", f"app-{i // 10}", kinds[i % len(kinds)]
        meta = f"metadata:\n  name: {app}-{i}\n  namespace: {ns}\n  labels:\n    app: {app}\n    version: v{i % 3}\n"
        if kind == "Service":
            yield f"apiVersion: v1\nkind: Service\n{meta}spec:\n  selector:\n    app: {app}\n  ports:\n  - name: http-web\n    port: 8080\n    targetPort: 8080\n  - name: {'grpc' if i % 7 else 'metrics'}\n    port: 9090\n"
        elif kind == "Deployment":
            yield f"apiVersion: apps/v1\nkind: Deployment\n{meta}spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: {app}\n  template:\n    metadata:\n      labels:\n        app: {app}\n        version: v{i % 3}\n    spec:\n      containers:\n      - name: {app}\n        image: example.com/{app}:1.{i % 9}\n        ports:\n        - containerPort: 8080\n        resources:\n          requests: {{cpu: 100m, memory: 64Mi}}\n"
        elif kind == "VirtualService":
            yield f"apiVersion: networking.istio.io/v1\nkind: VirtualService\n{meta}spec:\n  hosts:\n  - {app}.{ns}.svc.cluster.local\n  gateways:\n  - mesh\n  - {ns}/gw-{i // 100}\n  http:\n  - match:\n    - uri:\n        prefix: /v{i % 3}\n    route:\n    - destination:\n        host: {app}\n        subset: v{i % 3}\n      weight: 100\n    timeout: 5s\n"
        elif kind == "DestinationRule":
            yield f"apiVersion: networking.istio.io/v1\nkind: DestinationRule\n{meta}spec:\n  host: {app}\n  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n  subsets:\n  - name: v0\n    labels: {{version: v0}}\n  - name: v1\n    labels: {{version: v1}}\n"
        elif kind == "ConfigMap":
            yield f"apiVersion: v1\nkind: ConfigMap\n{meta}data:\n  settings.json: '{{\"level\": \"info\", \"index\": {i}}}'\n  mode: production\n"
        elif kind == "Gateway":
            yield f"apiVersion: networking.istio.io/v1\nkind: Gateway\n{meta}spec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: 80\n      name: http\n      protocol: HTTP\n    hosts:\n    - \"{app}.example.com\"\n"
        elif kind == "ServiceAccount":
            yield f"apiVersion: v1\nkind: ServiceAccount\n{meta}"
        elif kind == "Pod":
            yield f"apiVersion: v1\nkind: Pod\n{meta}spec:\n  serviceAccountName: {app}\n  containers:\n  - name: app\n    image: example.com/{app}:1.0\n  - name: istio-proxy\n    image: docker.io/istio/proxyv2:1.27.1\n"
        elif kind == "PeerAuthentication":
            yield f"apiVersion: security.istio.io/v1\nkind: PeerAuthentication\n{meta}spec:\n  mtls:\n    mode: STRICT\n"
        else:
            yield f"apiVersion: networking.istio.io/v1\nkind: Sidecar\n{meta}spec:\n  egress:\n  - hosts:\n    - \"./*\"\n    - \"istio-system/*\"\n"

def generate(n):
    d = os.path.join(work, str(n))
    os.makedirs(d)
    docs, size, part = [], 0, 0
    def flush():
        nonlocal docs, size, part
        if docs:
            text = "---\n".join(docs)
            with open(os.path.join(d, f"part-{part:05}.yaml"), "w") as f:
                f.write(text)
            size += len(text.encode())
            part += 1
            docs = []
    for r in resources(n):
        docs.append(r)
        if len(docs) == 1000:
            flush()
    flush()
    # The namespaces themselves.
    with open(os.path.join(d, "namespaces.yaml"), "w") as f:
        text = "---\n".join(f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{k}\n  labels:\n    istio-injection: enabled\n" for k in range((n + 49) // 50))
        f.write(text)
        size += len(text.encode())
    return d, size

def measure(d, parse_only):
    env = dict(os.environ)
    env.pop("ISTIOCTL_ANALYZE_PARSE_ONLY", None)
    if parse_only:
        env["ISTIOCTL_ANALYZE_PARSE_ONLY"] = "1"
    best, best_cpu, rss = float("inf"), float("inf"), 0
    for _ in range(runs):
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.execve(bin_, [bin_, "analyze", "--use-kube=false", "-A", "-o", "json", d], env)
        _, status, usage = os.wait4(pid, 0)
        took = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 79):
            sys.exit(f"{bin_} exited {code} on {d}")
        best = min(best, took)
        best_cpu = min(best_cpu, usage.ru_utime + usage.ru_stime)
        rss = max(rss, usage.ru_maxrss * 1024)
    if os.access(GNU_TIME, os.X_OK):
        out = os.path.join(work, "rss")
        run = subprocess.run([GNU_TIME, "-f", "%M", "-o", out, bin_, "analyze", "--use-kube=false",
                              "-A", "-o", "json", d], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        if run.returncode not in (0, 79):
            sys.exit(f"{bin_} exited {run.returncode} on {d}")
        with open(out) as f:
            rss = int(f.read().split()[-1]) * 1024
    return best, best_cpu, rss

rows = {}
empty = os.path.join(work, "empty")
os.makedirs(empty)
_, _, baseline = measure(empty, False)
print(f"peak RSS on an empty input (the process alone): {baseline / 1e6:.1f} MB")
if not os.access(GNU_TIME, os.X_OK):
    print(f"note: {GNU_TIME} is missing; RSS includes this Python process's pages (an upper bound)")
print(f"{'resources':>10} {'input MB':>9} {'parse cpu s':>12} {'analyze cpu s':>14} {'parse wall s':>13} {'analyze wall s':>15} {'RSS MB':>8} {'analyze/parse':>14} {'(wall)':>7} {'RSS/input':>10} {'(RSS-base)/input':>17}")
for n in sizes:
    d, size = generate(n)
    parse, parse_cpu, _ = measure(d, True)
    full, full_cpu, rss = measure(d, False)
    rows[n] = (full_cpu, full)
    print(f"{n:>10} {size / 1e6:>9.1f} {parse_cpu:>12.3f} {full_cpu:>14.3f} {parse:>13.3f} {full:>15.3f} {rss / 1e6:>8.1f} {full_cpu / parse_cpu:>14.2f} {full / parse:>7.2f} {rss / size:>10.2f} {(rss - baseline) / size:>17.2f}")
    sys.stdout.flush()
    for f in os.listdir(d):
        os.remove(os.path.join(d, f))
    os.rmdir(d)
if 10000 in rows and 100000 in rows:
    print(f"time(100k) / time(10k) = {rows[100000][0] / rows[10000][0]:.2f} CPU, {rows[100000][1] / rows[10000][1]:.2f} wall (target <= 11)")
print("targets: analyze/parse <= 1.5, RSS/input <= 4")
PY
